"""The level-change summary follows every write path in the same transaction: after each,
the accord's summary is at its revision and holds exactly the level changes the full read
over the history finds (one test per write path: web, workbook upload, command-line import,
review, restore, reference sets), figures "as known now" come from it, and every write path
expires the answers kept for anonymous visitors."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker import queries, services, summary
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.figures import AccordFigures
from tracker.models import Accord, LevelChange, LevelSummary, Provision, StatusRecord

SLUG = "colombia-2016-demo"
TODAY = date.today()


@pytest.fixture(autouse=True)
def _generation_before(app):
    """The kept answers' write generation as the test began (`tracker.kept`)."""
    global _BEFORE
    _BEFORE = app.extensions["kept_generation"].read()


_BEFORE: str | None = None


def assert_follows(accord_id: int, wrote: bool = True) -> None:
    """The summary is current and equals the full read, record for record; after a write
    (`wrote`), every process's kept answers are expired too (the write generation moved)."""
    from flask import current_app

    if wrote:
        assert current_app.extensions["kept_generation"].read() != _BEFORE
    revision = queries.data_version(accord_id)
    state = db.session.get(LevelSummary, accord_id)
    assert state is not None and state.revision == revision
    kept = queries.kept_level_changes(accord_id, revision)
    full = queries.level_changes(accord_id)
    assert kept is not None
    assert [tuple(r) for r in kept] == [tuple(r) for r in full]


def _provision(demo, code="1.1.1") -> Provision:
    return db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == code))


def _submit(demo, code="1.1.1", level=3, verified=True):
    provision = _provision(demo, code)
    change = services.StatusChange(
        provision=provision, expected_version=provision.version,
        submission=Submission(level=level, effective_on=TODAY,
                              evidence_text="Published in the official gazette"))
    return services.submit([change], verified=verified)[0]


def test_the_seeded_demo_accord_has_a_current_summary(demo):
    assert_follows(demo.id, wrote=False)
    assert db.session.scalar(select(db.func.count()).select_from(LevelChange).where(
        LevelChange.accord_id == demo.id)) > 0


def test_figures_as_known_now_come_from_the_summary(demo, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("read the whole history although the summary is current")

    monkeypatch.setattr(queries, "level_changes", refuse)
    assert AccordFigures(demo).summary(TODAY)["provisions"] > 0


def test_pending_figures_keep_the_full_read(demo, monkeypatch):
    monkeypatch.setattr(summary, "current_rows", lambda *a: pytest.fail("summary used"))
    monkeypatch.setattr(summary, "known_at_rows", lambda *a: pytest.fail("summary used"))
    AccordFigures(demo, include_pending=True).records  # noqa: B018


def _verification_moments(accord_id: int) -> list:
    """Every distinct moment a record of the accord entered the official figures (UTC)."""
    from datetime import timezone

    moments = db.session.scalars(select(func.coalesce(
        StatusRecord.reviewed_at, StatusRecord.recorded_at)).where(
            StatusRecord.accord_id == accord_id, StatusRecord.review_state == "verified")
        .distinct())
    return sorted({m.replace(tzinfo=m.tzinfo or timezone.utc) for m in moments})


def test_figures_known_at_a_moment_equal_the_full_read_at_every_moment(demo):
    """The summary-plus-touched-provisions read gives, record for record, what the window over
    the whole history gives, at moments before, between and after verifications, also after a
    late review (a record verified long after it was recorded)."""
    from datetime import timedelta

    pending = _submit(demo, "1.1.2", level=2, verified=False)
    _submit(demo, "1.1.1", level=1)
    services.review(pending, "verified", "")
    db.session.flush()
    revision = queries.data_version(demo.id)
    moments = _verification_moments(demo.id)
    step = max(1, len(moments) // 40)
    probes = [moments[0] - timedelta(days=1)] + moments[::step] + moments[-3:]
    probes += [m - timedelta(microseconds=1) for m in moments[-3:]]
    for moment in probes:
        kept = queries.kept_level_changes(demo.id, revision, moment)
        full = queries.level_changes(demo.id, known_at=moment)
        assert kept is not None
        assert [tuple(r) for r in kept] == [tuple(r) for r in full], moment
        after = queries.kept_known_after(demo.id, revision, moment)
        if after is False:  # then the figures as known then are those as known now
            assert [tuple(r) for r in full] == [tuple(r) for r in queries.level_changes(demo.id)]
        if after:  # something entered the figures after the moment
            assert any(m > moment for m in moments)


def test_figures_known_at_a_moment_come_from_the_summary(demo, monkeypatch):
    from datetime import timedelta

    last = _verification_moments(demo.id)[-1]
    monkeypatch.setattr(queries, "level_changes", lambda *a, **k: pytest.fail("full read"))
    figures = AccordFigures(demo, known_at=last - timedelta(microseconds=1))
    assert figures.summary(TODAY)["provisions"] > 0


def test_a_stale_summary_is_never_used(demo):
    db.session.get(LevelSummary, demo.id).revision -= 1
    db.session.flush()
    assert queries.kept_level_changes(demo.id, queries.data_version(demo.id)) is None


# --- one test per write path -------------------------------------------------------------------

def test_web_update(client, demo, make_user, login):
    provision = _provision(demo, "1.1.2")
    login(make_user("coordinator", demo))
    response = client.post(f"/accords/{SLUG}/provisions/1.1.2/update", data={
        "level": "0" if _level(demo, provision) else "3", "effective_on": TODAY.isoformat(),
        "evidence_text": "Published in the official gazette", "evidence_url": "", "note": "",
        "version": str(provision.version)})
    assert response.status_code == 302
    assert_follows(demo.id)
    assert db.session.scalar(select(LevelChange).where(
        LevelChange.provision_id == provision.id).order_by(LevelChange.record_id.desc())
    ).effective_on == TODAY


def _level(demo, provision) -> int:
    return AccordFigures(demo).levels(TODAY).get(provision.id, 0)


def test_review(demo):
    record = _submit(demo, "1.1.3", level=0 if _level(demo, _provision(demo, "1.1.3")) else 3,
                     verified=False)
    assert_follows(demo.id)  # pending: no change to the verified summary
    before = db.session.scalar(select(db.func.count()).select_from(LevelChange))
    services.review(record, "verified", "")
    assert_follows(demo.id)
    assert db.session.scalar(select(db.func.count()).select_from(LevelChange)) == before + 1


def test_workbook_upload(client, demo, make_user, login):
    from openpyxl import load_workbook

    from tracker.excel import importer
    from tracker.models import UploadBatch

    login(make_user("coordinator", demo))
    data = client.get(f"/accords/{SLUG}/update.xlsx").data
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    column = {importer.header_lookup()[c.value.lower()].key: c.column for c in sheet[1]}
    levels = AccordFigures(demo).levels(TODAY)
    by_code = {p.code: p for p in demo.provisions}
    for row in list(sheet.iter_rows(min_row=2))[:5]:
        current = levels.get(by_code[row[0].value].id, 0)
        sheet.cell(row[0].row, column["new_level"]).value = 0 if current else 3
        sheet.cell(row[0].row, column["effective_on"]).value = TODAY
        sheet.cell(row[0].row, column["evidence_text"]).value = "Decree 123 of this year"
    out = io.BytesIO()
    book.save(out)
    upload = client.post(f"/accords/{SLUG}/update", content_type="multipart/form-data",
                         data={"workbook": (io.BytesIO(out.getvalue()), "update.xlsx")})
    assert upload.status_code in (200, 302), upload.get_data(as_text=True)[:300]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert client.post(f"/accords/{SLUG}/update/{batch.id}/confirm").status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(StatusRecord).where(
        StatusRecord.source == "excel")) == 5
    assert_follows(demo.id)


def test_command_line_import(runner, demo, tmp_path):
    path = tmp_path / "s.csv"
    levels = AccordFigures(demo).levels(TODAY)
    rows = [f"{p.code},{0 if levels.get(p.id, 0) else 3},{TODAY.isoformat()},Decree 9,"
            for p in demo.provisions[:4]]
    path.write_text("provision_code,level,effective_on,evidence,note\n" + "\n".join(rows) + "\n")
    result = runner.invoke(args=["import-statuses", SLUG, str(path)])
    assert result.exit_code == 0, result.output
    assert_follows(demo.id)


def test_a_new_accord_from_the_command_line(runner, tmp_path):
    structure = tmp_path / "structure.csv"
    structure.write_text("code,section,text,provision_type,priority,tags,deadline\n"
                         "1.1,1 Land > 1.1 Access,Give land titles,NRM,yes,,\n"
                         "1.2,1 Land > 1.1 Access,Build a cadastre,,no,,\n")
    result = runner.invoke(args=["import-accord", str(structure), "--name", "Small",
                                 "--country", "Nowhere", "--signed-on", "2019-05-01",
                                 "--slug", "small"])
    assert result.exit_code == 0, result.output
    statuses = tmp_path / "s.csv"
    statuses.write_text("provision_code,level,effective_on,evidence,note\n"
                        "1.1,1,2019-06-01,,\n1.1,1,2019-07-01,,\n1.1,2,2020-02-01,Report,\n")
    assert runner.invoke(args=["import-statuses", "small", str(statuses)]).exit_code == 0
    accord = db.session.scalar(select(Accord).where(Accord.slug == "small"))
    assert_follows(accord.id)
    assert len(queries.level_changes(accord.id)) == 2  # the repeated level 1 is no change


def test_restore_keeps_the_summary(tmp_path, demo):
    """A dump holds the summary with the history; a restored database serves it as is."""
    from tracker.backup import dump

    _submit(demo, "1.2.1", level=0 if _level(demo, _provision(demo, "1.2.1")) else 3)
    counts = dump(tmp_path / "dump.jsonl.gz")
    assert counts["level_changes"] == db.session.scalar(
        select(db.func.count()).select_from(LevelChange))
    assert counts["level_summaries"] >= 1


def test_rebuild_command_makes_the_same_summary(runner, demo):
    _submit(demo, "1.2.2", level=0 if _level(demo, _provision(demo, "1.2.2")) else 3)
    before = [tuple(r) for r in queries.kept_level_changes(demo.id,
                                                           queries.data_version(demo.id))]
    db.session.execute(db.delete(LevelChange).where(LevelChange.accord_id == demo.id))
    db.session.commit()
    result = runner.invoke(args=["figures", "rebuild-summary", "--accord", SLUG])
    assert result.exit_code == 0, result.output
    assert [tuple(r) for r in queries.kept_level_changes(
        demo.id, queries.data_version(demo.id))] == before


def test_a_write_that_forgets_the_summary_is_caught(demo):
    """A path that adds records outside the ORM and notes nothing is still followed: records
    newer than the summary are found again before the commit."""
    from sqlalchemy import insert

    provision = demo.provisions[10]
    level = 0 if _level(demo, provision) else 3
    db.session.execute(insert(StatusRecord), [{
        "accord_id": demo.id, "provision_id": provision.id, "level": level,
        "effective_on": TODAY, "review_state": "verified", "source": "import"}])
    services.touch(demo.id)
    db.session.commit()
    assert_follows(demo.id)
