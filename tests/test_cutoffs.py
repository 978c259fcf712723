"""Published cut-offs: figures fixed as known at publication, revisions shown, changes
between reports, immutability, and every refusal with a reason."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tracker import services
from tracker.cutoffs import report
from tracker.cutoffs.models import Cutoff
from tracker.cutoffs.services import publish
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.models import AuditEvent, Provision, utcnow

from cutoff_helpers import small_accord

BASE = "/api/v1/accords/hand-worked"
YEAR_END = date(2020, 12, 31)


def _levels(counts: dict) -> tuple:
    return tuple(counts[k] for k in ("not_initiated", "minimal", "intermediate", "complete"))


def _late_record(accord, code="C", level=2, effective=date(2020, 3, 1)):
    """A verified record entered now with an effective date long past."""
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == code))
    return services.submit([services.StatusChange(
        provision, Submission(level, effective, None, "found late"), provision.version)],
        verified=True)[0]


def test_a_late_record_leaves_the_published_figures_and_shows_as_a_revision(client):
    accord = small_accord()
    cutoff = publish(accord, "Report 1", YEAR_END, "first report")
    published = client.get(f"{BASE}/cutoffs/Report 1").get_json()
    assert _levels(published["figures"]["summary"]["counts"]) == (1, 1, 1, 1)
    assert published["revision"]["revised"] is False
    late = _late_record(accord)
    again = client.get(f"{BASE}/cutoffs/Report 1").get_json()
    assert again["figures"] == published["figures"]  # the cut-off's figures do not move
    revision = again["revision"]
    assert revision["revised"] is True
    assert _levels(revision["published"]["counts"]) == (1, 1, 1, 1)
    assert _levels(revision["now"]["counts"]) == (0, 1, 2, 1)
    assert revision["change"]["score"] == 16.67  # 6/12 -> 8/12 of the points
    assert revision["provisions"] == [{"code": "C", "published": 0, "now": 2}]
    assert [r["record"] for r in revision["records"]] == [late.id]
    assert revision["records"][0]["verified_at"] > cutoff.published_at.isoformat()
    now = client.get(f"{BASE}/summary", query_string={"as_of": "2020-12-31"}).get_json()
    assert _levels(now["counts"]) == (0, 1, 2, 1)


def test_the_changes_between_two_cutoffs(client):
    accord = small_accord()
    publish(accord, "Report 1", date(2020, 3, 31))
    publish(accord, "Report 2", YEAR_END)
    changes = client.get(f"{BASE}/cutoffs/Report 2/changes",
                         query_string={"since": "Report 1"}).get_json()
    assert changes["since"]["label"] == "Report 1" and changes["until"]["label"] == "Report 2"
    assert changes["before"]["score"] == 33.33 and changes["after"]["score"] == 50.0
    assert changes["change"]["score"] == 16.67
    assert changes["change"]["shares"]["intermediate"] == 25.0
    points = {p["point"]: p for p in changes["by_point"]}
    assert points["1"]["before"]["score"] == 50.0 and points["1"]["after"]["score"] == 83.33
    assert points["2"]["change"]["score"] == 0.0
    tags = {t["tag"]: t for t in changes["by_tag"]}
    assert tags["gender"]["change"]["score"] == 66.67
    assert [(m["code"], m["before"], m["after"]) for m in changes["moved_up"]] == [("A", 0, 2)]
    assert changes["moved_down"] == [] and changes["newly_complete"] == []
    assert [p["code"] for p in changes["newly_overdue"]] == ["D"]
    assert changes["priority_unmoved"] == []
    default = client.get(f"{BASE}/cutoffs/Report 2/changes").get_json()
    assert default == changes  # since defaults to the previous cut-off
    _late_record(accord, "A", 1, date(2020, 2, 1))  # later knowledge changes neither report
    assert client.get(f"{BASE}/cutoffs/Report 2/changes").get_json()["moved_up"] == \
        changes["moved_up"]
    to_now = client.get(f"{BASE}/changes", query_string={"since": "Report 1"}).get_json()
    assert to_now["until"]["label"] is None and to_now["until"]["known_at"] is None


def test_priority_provisions_that_did_not_move(app):
    accord = small_accord()
    first, second = publish(accord, "R1", date(2020, 7, 1)), publish(accord, "R2", YEAR_END)
    changes = report.changes(accord, report.Moment.of(first), report.Moment.of(second))
    assert [m.provision.code for m in changes.priority_unmoved] == ["A"]  # 2 then 2


def test_list_and_supersede_and_audit(client):
    accord = small_accord()
    old = publish(accord, "Report 1", YEAR_END)
    new = publish(accord, "Report 1 (corrected)", YEAR_END, "replaces Report 1",
                  supersedes="Report 1")
    listed = client.get(f"{BASE}/cutoffs").get_json()["cutoffs"]
    assert [c["label"] for c in listed] == ["Report 1 (corrected)", "Report 1"]
    assert listed[1]["superseded_by"] == "Report 1 (corrected)"
    assert listed[0]["supersedes"] == "Report 1"
    assert "published_by" not in listed[0]  # public answers name no account
    actions = db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.action == "cutoff.publish")).all()
    assert set(actions) >= {old.id, new.id}
    with pytest.raises(services.Invalid) as refused:
        publish(accord, "Report 2", YEAR_END, supersedes="Report 1")
    assert "supersedes" in refused.value.errors


@pytest.mark.parametrize("statement", [
    "UPDATE cutoffs SET label = 'changed'", "UPDATE cutoffs SET as_of = '2020-01-02'",
    "DELETE FROM cutoffs", "TRUNCATE cutoffs",
    "UPDATE cutoff_snapshots SET figures = '{}'", "DELETE FROM cutoff_snapshots",
    "TRUNCATE cutoff_snapshots",
    "INSERT OR REPLACE INTO cutoff_snapshots SELECT cutoff_id, '{}', structure "
    "FROM cutoff_snapshots"])
def test_the_database_refuses_to_change_a_cutoff(app, statement):
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    dialect = db.session.get_bind().dialect.name
    if statement.startswith("TRUNCATE") and dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    if statement.startswith("INSERT OR") and dialect != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    stored = db.session.scalar(text("SELECT figures FROM cutoff_snapshots"))
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(text(statement))
    assert db.session.scalar(select(Cutoff.label)) == "Report 1"
    assert db.session.scalar(text("SELECT figures FROM cutoff_snapshots")) == stored


@pytest.mark.parametrize("label, as_of, field", [
    ("Report 1", YEAR_END, "label"),  # exists
    ("", YEAR_END, "label"),
    ("a/b", YEAR_END, "label"),
    ("x" * 81, YEAR_END, "label"),
    ("New", date(2019, 12, 31), "as_of"),  # before signing
    ("New", date.today() + timedelta(days=1), "as_of"),  # in the future
])
def test_bad_publications_are_refused_and_write_nothing(app, row_counts, label, as_of, field):
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    before = row_counts()
    with pytest.raises(services.Invalid) as refused:
        publish(accord, label, as_of)
    assert field in refused.value.errors
    assert row_counts() == before


def test_api_refusals_name_the_parameter(client):
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    unknown = client.get(f"{BASE}/cutoffs/Report 1/changes", query_string={"since": "Nope"})
    assert unknown.status_code == 400 and "since" in unknown.get_json()["message"]
    first = client.get(f"{BASE}/cutoffs/Report 1/changes")
    assert first.status_code == 400 and "since" in first.get_json()["message"]
    missing = client.get(f"{BASE}/cutoffs/Report 9")
    assert missing.status_code == 404 and "Report 9" in missing.get_json()["message"]
    extra = client.get(f"{BASE}/cutoffs/Report 1", query_string={"known_at": "2024-01-01"})
    assert extra.status_code == 400


def test_cli_publishes_and_refuses(app, runner):
    accord = small_accord()
    done = runner.invoke(args=["cutoff", "publish", accord.slug, "--label", "Report 1",
                               "--as-of", "2020-12-31", "--note", "first"])
    assert done.exit_code == 0, done.output
    assert "Report 1" in done.output
    for args, needle in ((["--label", "Report 1", "--as-of", "2020-12-31"], "--label"),
                         (["--label", "R2", "--as-of", "2019-01-01"], "--as-of"),
                         (["--label", "R2", "--as-of", "soon"], "--as-of"),
                         (["--label", "R2", "--as-of", "20201130"], "--as-of"),
                         (["--label", "R2", "--as-of", "2020-W48-6"], "--as-of")):
        refused = runner.invoke(args=["cutoff", "publish", accord.slug, *args])
        assert refused.exit_code != 0 and needle in refused.output, refused.output
    listed = runner.invoke(args=["cutoff", "list", accord.slug])
    assert "Report 1: as of 2020-12-31" in listed.output
    shown = runner.invoke(args=["cutoff", "show", accord.slug, "Report 1"])
    assert shown.exit_code == 0 and "provisions 4, score" in shown.output, shown.output
    assert "revised since publication: no" in shown.output
    assert runner.invoke(args=["cutoff", "show", accord.slug, "Nope"]).exit_code == 1


def test_sqlite_cannot_replace_a_cutoff(app):
    accord = small_accord()
    cutoff = publish(accord, "Report 1", YEAR_END)
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(text(
                "INSERT OR REPLACE INTO cutoffs (id, accord_id, label, as_of, note, "
                "published_at, published_by) VALUES (:id, :accord, 'Report 1', '2020-06-30', "
                "'', '2030-01-01 00:00:00.000000', 'x')"), {"id": cutoff.id, "accord": accord.id})
    assert db.session.scalar(select(Cutoff.as_of)) == YEAR_END


def test_answers_follow_new_cutoffs(client):
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    first = client.get(f"{BASE}/cutoffs")
    one = client.get(f"{BASE}/cutoffs/Report 1")
    publish(accord, "Report 2", YEAR_END, supersedes="Report 1")
    again = client.get(f"{BASE}/cutoffs", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert [c["label"] for c in again.get_json()["cutoffs"]] == ["Report 2", "Report 1"]
    later = client.get(f"{BASE}/cutoffs/Report 1").get_json()
    assert one.get_json()["superseded_by"] is None and later["superseded_by"] == "Report 2"
    assert client.get(f"{BASE}/changes").get_json()["since"]["label"] == "Report 2"


def _provision(accord, code):
    return db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                     Provision.code == code))


def _package_files(client, label):
    import io
    import zipfile

    data = client.get(f"/accords/hand-worked/cutoffs/{label}/data.zip").data
    package = zipfile.ZipFile(io.BytesIO(data))
    return {name: package.read(name) for name in package.namelist()}


def _workbook_values(client, label):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(
        client.get(f"/accords/hand-worked/cutoffs/{label}/report.xlsx").data))
    return {name: [[c.value for c in row] for row in book[name].iter_rows()]
            for name in ("Summary", "Provisions", "Timeline", "Comparison")}


def _page_figures(client, label):
    import re

    page = client.get(f"/accords/hand-worked/cutoffs/{label}").text
    main = page.split('id="figures"')[1]
    return re.findall(r"<td[^>]*>([^<]*)</td>", main)


def test_edits_after_publication_never_move_a_cutoffs_figures(client):
    """Publish, then edit every kind of thing a figure depends on: the cut-off's API JSON,
    page figures, data package (byte for byte) and workbook stay as published, and the
    revision section names each change."""
    from tracker.models import Section
    from tracker.reference.sets import import_set

    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    published = client.get(f"{BASE}/cutoffs/Report 1").get_json()
    page, package = _page_figures(client, "Report 1"), _package_files(client, "Report 1")
    book = _workbook_values(client, "Report 1")
    assert published["revision"]["revised"] is False
    # a record entered late with an earlier date
    _late_record(accord, "C", 2, date(2020, 3, 1))
    # a priority flag set, since a date long past
    b = _provision(accord, "B")
    services.set_priority(b, True, date(2020, 1, 1), "now a priority", b.version)
    # a deadline and a tag
    c = _provision(accord, "C")
    services.edit_provision(c, {"text": c.text, "section_id": c.section_id,
                                "deadline": date(2020, 2, 1)}, ["ethnic"], c.version)
    # a point's title
    section = db.session.scalar(select(Section).where(Section.accord_id == accord.id,
                                                      Section.code == "1"))
    section.title = "Point one, renamed"
    services.touch(accord.id)
    db.session.commit()
    # the reference set replaced (half its accords dropped)
    original = client.get("/reference-sets/PAM_ID v1.5.csv").data.decode("utf-8-sig")
    lines = original.splitlines()
    names = sorted({line.split(",")[0] for line in lines[1:]})
    kept = [lines[0]] + [line for line in lines[1:]
                         if line.split(",")[0] in names[:len(names) // 2]]
    import_set("\n".join(kept).encode(), "fewer.csv", "PAM_ID v1.5", replace=True,
               accept_losses=True)

    now = client.get(f"{BASE}/summary", query_string={"as_of": "2020-12-31"}).get_json()
    assert now["priority"]["provisions"] == 2  # the edits took effect now
    again = client.get(f"{BASE}/cutoffs/Report 1").get_json()
    assert again["figures"] == published["figures"]
    assert again["figures"]["comparison"] == published["figures"]["comparison"]
    # ... although the replaced reference set changes the comparison as computed now
    assert again["revision"]["figures_now"]["comparison"] != again["figures"]["comparison"]
    assert _page_figures(client, "Report 1") == page
    assert _package_files(client, "Report 1") == package
    assert _workbook_values(client, "Report 1")["Summary"] == book["Summary"]
    later = _workbook_values(client, "Report 1")
    assert later["Provisions"] == book["Provisions"]
    assert later["Comparison"] == book["Comparison"]
    assert later["Timeline"] == book["Timeline"]
    revision = again["revision"]
    assert revision["revised"] is True
    assert [r["provision"] for r in revision["records"]] == ["C"]
    named = {(r["code"], r["field"]) for r in revision["structure"]["provisions"]}
    assert {("B", "priority"), ("C", "deadline"), ("C", "tags")} <= named
    assert revision["structure"]["points"] == [
        {"point": "1", "published": "Point one", "now": "Point one, renamed"}]
    actions = [e["action"] for e in revision["structure"]["events"]]
    assert {"priority.set", "provision.edit", "reference_set.replace"} <= set(actions)
    shown = client.get("/accords/hand-worked/cutoffs/Report 1").text
    for text in ("Point one, renamed", "Reference set replaced", "ethnic", "Deadline",
                 "Priority provisions: 2 scoring", "Overdue provisions: 2 as known now "
                 "(published: 1)"):
        assert text in shown


def test_priority_flags_as_known_at_a_moment(client):
    """A priority change recorded after a moment is undone in the figures as known then."""
    from tracker.figures import AccordFigures

    accord = small_accord()
    before = utcnow()
    b = _provision(accord, "B")
    services.set_priority(b, True, date(2020, 1, 1), "now a priority", b.version)
    then = AccordFigures(accord, known_at=before).summary(YEAR_END)
    assert then["priority"]["provisions"] == 1
    assert AccordFigures(accord).summary(YEAR_END)["priority"]["provisions"] == 2
    answer = client.get(f"{BASE}/summary", query_string={
        "as_of": "2020-12-31", "known_at": before.isoformat()}).get_json()
    assert answer["priority"]["provisions"] == 1  # the API's known_at applies to flags too


def test_the_previous_report_is_taken_by_cutoff_date(client):
    """Published out of date order, a correction, and a superseded cut-off: each report
    follows the latest earlier-dated report still in force."""
    from tracker.cutoffs.services import latest, previous

    accord = small_accord()
    r2 = publish(accord, "Report 2", date(2020, 6, 30))
    r3 = publish(accord, "Report 3", YEAR_END)
    r1 = publish(accord, "Report 1", date(2020, 3, 31))  # published last, dated first
    early = publish(accord, "Early", date(2020, 1, 31))
    fixed = publish(accord, "Report 3 (corrected)", YEAR_END, supersedes="Report 3")
    assert previous(r1).label == "Early"
    assert previous(r2).label == "Report 1"
    assert previous(r3).label == "Report 2"
    assert previous(fixed).label == "Report 2"  # what Report 3 followed
    assert previous(early) is None
    assert latest(accord).label == "Report 3 (corrected)"  # Report 3 is superseded
    assert latest(accord, before=YEAR_END).label == "Report 2"
    fix2 = publish(accord, "Report 2 (corrected)", date(2020, 6, 30), supersedes="Report 2")
    assert previous(fixed).label == "Report 2 (corrected)"  # superseded ones are not previous
    assert previous(fix2).label == "Report 1"
    answer = client.get(f"{BASE}/cutoffs/Report 2 (corrected)/changes").get_json()
    assert answer["since"]["label"] == "Report 1"
    assert client.get(f"{BASE}/changes").get_json()["since"]["label"] == "Report 3 (corrected)"
    backwards = client.get(f"{BASE}/cutoffs/Report 1/changes", query_string={"since": "Report 2"})
    assert backwards.status_code == 400 and "after Mar 31, 2020" in backwards.get_json()["message"]
    page = client.get("/accords/hand-worked/cutoffs/Report 1/changes?since=Report 2")
    assert page.status_code == 400 and "after Mar 31, 2020" in page.text
    assert 'class="error-summary"' in page.text  # the page, with the reason in its summary
    assert client.get(f"{BASE}/cutoffs/Early/changes").status_code == 400
    brief = client.get("/accords/hand-worked/cutoffs/Report 3 (corrected)/brief").text
    assert "Report 2 (corrected)" in brief and "Early" not in brief


def test_late_records_for_the_earlier_date_are_revisions_not_progress(client):
    accord = small_accord()
    publish(accord, "Report 1", date(2020, 6, 30))
    _late_record(accord, "C", 3, date(2020, 3, 1))  # C complete since before Report 1's date
    publish(accord, "Report 2", YEAR_END)
    answer = client.get(f"{BASE}/cutoffs/Report 2/changes").get_json()
    assert "C" not in [m["code"] for m in answer["moved_up"] + answer["newly_complete"]]
    assert [(m["code"], m["before"], m["after"])
            for m in answer["revised_since_publication"]] == [("C", 0, 3)]
    assert answer["change"]["score"] == round(
        answer["after"]["score"] - answer["before"]["score"], 2)
    page = client.get("/accords/hand-worked/cutoffs/Report 2/changes").text
    assert "Revised since publication (1)" in page
    brief = client.get("/accords/hand-worked/cutoffs/Report 2/brief").text
    assert "1 provision was revised for Jun 30, 2020" in brief
    spanish = client.get("/accords/hand-worked/cutoffs/Report 2/brief",
                         headers={"Accept-Language": "es"}).text
    assert "1 disposición fue revisada para el 30 jun 2020" in spanish
    assert "1 disposiciones" not in spanish


def _since_column(page: str, label: str) -> list[str]:
    """The cells of the changes page's column for cut-off `label`, top to bottom."""
    import html
    import re

    return [html.unescape(v) for v in re.findall(
        r'<td class="num" data-label="' + re.escape(label) + r'">([^<]*)</td>', page)]


def test_changes_show_a_cutoffs_figures_as_published_after_structure_edits(client):
    """Publish, then flag another provision as a priority and move tags: the cut-off's side
    of "changes since" (to now, page and API) is the published figures exactly, groups
    that exist on one side only are empty on the other, and the moves use the structure
    as it is now."""
    from tracker.web import score_figure

    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    published = client.get(f"{BASE}/cutoffs/Report 1").get_json()["figures"]
    c = _provision(accord, "C")
    services.set_priority(c, True, date(2020, 1, 1), "now a priority", c.version)
    c = _provision(accord, "C")
    services.edit_provision(c, {"text": c.text, "section_id": c.section_id,
                                "deadline": c.deadline}, ["ethnic"], c.version)
    a = _provision(accord, "A")
    services.edit_provision(a, {"text": a.text, "section_id": a.section_id,
                                "deadline": a.deadline}, [], a.version)  # gender removed

    def part(figures: dict) -> dict:
        return {k: figures[k] for k in ("provisions", "counts", "shares", "score")}

    answer = client.get(f"{BASE}/changes", query_string={"since": "Report 1"}).get_json()
    summary = published["summary"]
    assert part(answer["before"]) == part(summary)
    assert part(answer["priority"]["before"]) == part(summary["priority"])
    assert answer["priority"]["before"]["score"] == 66.67  # A alone (level 2), as published
    assert part(answer["non_priority"]["before"]) == part(summary["non_priority"])
    assert {p["point"]: part(p["before"]) for p in answer["by_point"]} == {
        p["point"]: part(p) for p in published["by_point"]}
    tags = {t["tag"]: t for t in answer["by_tag"]}
    assert {t["tag"]: part(t) for t in published["by_tag"]} == {
        "gender": part(tags["gender"]["before"])}
    assert tags["gender"]["after"]["provisions"] == 0  # no provision carries it now
    assert tags["ethnic"]["before"]["provisions"] == 0  # the cut-off had no ethnic tag
    assert tags["ethnic"]["after"]["provisions"] == 1
    assert answer["priority"]["after"]["provisions"] == 2  # A and C, flagged now
    # the moves use the structure as it is now: C, flagged since, is among those unmoved
    assert [m["code"] for m in answer["priority_unmoved"]] == ["A", "C"]
    assert answer["moves_counted_over"]["structure"] == "now"

    page = client.get("/accords/hand-worked/changes", query_string={"since": "Report 1"})
    assert page.status_code == 200
    by_tag = {t["tag"]: t for t in published["by_tag"]}
    expected = ([summary["score"], summary["priority"]["score"],
                 summary["non_priority"]["score"]]
                + [p["score"] for p in published["by_point"]]
                + [by_tag[t["tag"]]["score"] if t["tag"] in by_tag else None
                   for t in answer["by_tag"]])
    assert _since_column(page.text, "Report 1") == [score_figure(v) for v in expected]


def test_a_cutoffs_downloads_are_the_same_bytes_each_time(client):
    """The data package and the workbook as published are byte-identical between two
    downloads seconds apart: zip entries dated the publication, the workbook's
    generated-at and created/modified properties the publication moment."""
    import io
    import time
    import zipfile

    from openpyxl import load_workbook

    accord = small_accord()
    cutoff = publish(accord, "Report 1", YEAR_END)
    moment = cutoff.published_at.replace(tzinfo=None, microsecond=0)
    urls = ("/accords/hand-worked/cutoffs/Report 1/data.zip",
            "/accords/hand-worked/cutoffs/Report 1/report.xlsx")
    first = [client.get(url).data for url in urls]
    time.sleep(2.1)  # a zip entry's date holds two seconds; the generated-at one
    second = [client.get(url).data for url in urls]
    assert first == second
    for data in first:
        stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
        assert stamps == {moment.replace(second=moment.second // 2 * 2).timetuple()[:6]}
    book = load_workbook(io.BytesIO(first[1]))
    assert book.properties.created == book.properties.modified == moment
    about = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert about["Generated at (UTC)"] == moment.isoformat(sep=" ")


def test_the_priority_flags_marker_is_the_date_most_flags_were_set(client):
    """One later change to one flag does not move the dashboard's "flags set on" marker:
    it stays on the date most flags in force were set, the page says how many and when the
    latest change was; as known at a moment before that change, neither is counted."""
    import re

    accord = small_accord()
    for code, when in (("B", date(2020, 1, 1)), ("C", date(2020, 1, 1))):
        p = _provision(accord, code)
        services.set_priority(p, True, when, "plan", p.version)
    before = utcnow()
    d = _provision(accord, "D")
    services.set_priority(d, True, date(2020, 6, 1), "added later", d.version)

    flags = client.get(f"{BASE}/timeline").get_json()["priority_flags"]
    assert flags == {"most_set_on": "2020-01-01", "most_set": 2, "flags": 3,
                     "latest_change": "2020-06-01"}
    then = client.get(f"{BASE}/timeline", query_string={
        "known_at": before.isoformat()}).get_json()["priority_flags"]
    assert then == {"most_set_on": "2020-01-01", "most_set": 2, "flags": 2,
                    "latest_change": "2020-01-01"}
    page = re.sub(r"\s+", " ", client.get("/accords/hand-worked/dashboard").text)
    assert "2 of the 3 current priority flags were set on" in page
    assert "The latest change to a priority flag was on" in page
    known = re.sub(r"\s+", " ", client.get("/accords/hand-worked/dashboard", query_string={
        "known_at": before.isoformat()}).text)
    assert "The current priority flags were set on" in known
    assert "The latest change to a priority flag" not in known


def test_a_flag_set_since_a_later_date_counts_on_earlier_dates_and_the_note_says_so(client):
    """The rule (methodology, #priority-flags): the flags as known at a moment apply to
    every date, whatever date a flag was set since. The cut-off's revision note, the figures
    as known now and the methodology say the same."""
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    b = _provision(accord, "B")
    later = YEAR_END + timedelta(days=400)  # set since a date after the cut-off's
    services.set_priority(b, True, later, "a priority from 2022", b.version)
    db.session.commit()
    now = client.get(f"{BASE}/summary", query_string={"as_of": YEAR_END.isoformat()}).get_json()
    assert now["priority"]["provisions"] == 2  # B counts on a date before its flag's date
    revision = client.get(f"{BASE}/cutoffs/Report 1").get_json()["revision"]
    assert revision["figures_now"]["summary"]["priority"]["provisions"] == 2
    page = client.get("/accords/hand-worked/cutoffs/Report 1").text
    assert "Priority provisions: 2 scoring" in page and "(published: 1 scoring" in page
    assert ("The priority flags as known at a moment apply to every date, including flags "
            "set since a later date than this cut-off") in page
    assert "/methodology#priority-flags" in page
    method = client.get("/methodology").text
    assert method.count('id="priority-flags"') == 1
    assert "a flag set since a later date also counts on earlier dates" in method
    assert "Priority flags are dated history" not in method
