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
from tracker.models import AuditEvent, Provision

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
    "DELETE FROM cutoffs", "TRUNCATE cutoffs"])
def test_the_database_refuses_to_change_a_cutoff(app, statement):
    accord = small_accord()
    publish(accord, "Report 1", YEAR_END)
    if statement.startswith("TRUNCATE") and db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(text(statement))
    assert db.session.scalar(select(Cutoff.label)) == "Report 1"


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
                         (["--label", "R2", "--as-of", "soon"], "--as-of")):
        refused = runner.invoke(args=["cutoff", "publish", accord.slug, *args])
        assert refused.exit_code != 0 and needle in refused.output, refused.output
    listed = runner.invoke(args=["cutoff", "list", accord.slug])
    assert "Report 1: as of 2020-12-31" in listed.output


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
