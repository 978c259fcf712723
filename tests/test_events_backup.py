"""dump and restore carry places, sources, attached files (byte for byte), events and their
links: from this run's database (SQLite, or PostgreSQL) to a new SQLite database."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager

from event_helpers import PDF, docx, event_input, new_source
from sqlalchemy import select, text

from tracker import create_app, services
from tracker.backup import _encode, dump, restore
from tracker.domain.rules import Submission
from tracker.events import search
from tracker.events.models import Attachment
from tracker.events.services import Upload, review_event, submit_event
from tracker.extensions import db

#: The last four are derived: not in the dump, the restore's triggers fill them again.
TABLES = ("places", "place_groups", "place_group_members", "attachments", "sources", "events",
          "event_sources", "event_provisions", "status_record_events",
          "verified_links", "verified_events", "verified_days", "department_provisions")


def _rows(table: str) -> list[tuple]:
    model = db.metadata.tables[table]
    return [tuple(_encode(v) for v in row) for row in db.session.execute(
        select(model).order_by(*model.primary_key.columns)).all()]


def _searched(word: str) -> list[int]:
    """The events the SQLite search index finds `word` in (its integrity checked first)."""
    index = search.FTS_TABLE
    db.session.execute(text(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"))
    return db.session.execute(text(f"SELECT rowid FROM {index} WHERE {index} MATCH :phrase"),
                              {"phrase": f'"{word}"'}).scalars().all()


@contextmanager
def _new_sqlite(url: str):
    from flask_migrate import upgrade

    target = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    saved = db.session
    with target.app_context():
        db.session = db._make_scoped_session({})
        try:
            upgrade()
            yield
        finally:
            db.session.remove()
            db.session = saved
            db.engine.dispose()


def test_dump_and_restore_keep_events_and_files_byte_identical(tmp_path, demo, today):
    word = docx()
    first = submit_event(event_input(demo))
    review_event(first, "verified")
    provision = demo.provisions[0]
    level = services.current_level(provision, today)
    services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, today, events=(first.id,)), provision.version)], verified=True)
    second = submit_event(event_input(demo, title="Segundo", place_code="19050", sources=[
        new_source(title="Acta", kind="field_observation",
                   attachment=Upload(word, "acta.docx")), first.source_links[0].source]))
    source = {table: _rows(table) for table in TABLES}
    path = tmp_path / "dump.jsonl.gz"
    counts = dump(path)
    assert counts["attachments"] == 2 and counts["events"] == 2
    assert counts["event_provisions"] == 4 and counts["event_sources"] == 3
    assert counts["status_record_events"] == 1
    assert not {"verified_links", "verified_events", "verified_days",
                "department_provisions"} & set(counts)
    assert len(source["verified_links"]) == 2 and len(source["verified_events"]) == 1
    assert len(source["department_provisions"]) == 2  # Tibú's department, two provisions
    with _new_sqlite(f"sqlite:///{tmp_path / 'copy.db'}"):
        restore(path)
        target = {table: _rows(table) for table in TABLES}
        files = {a.sha256: a.content for a in db.session.scalars(select(Attachment))}
        searched = _searched("segundo")
    assert target == source
    assert searched == [second.id]  # the search index, not in the dump, filled again
    assert files == {hashlib.sha256(PDF).hexdigest(): PDF,
                     hashlib.sha256(word).hexdigest(): word}


def test_a_place_moved_under_a_later_place_restores(tmp_path):
    from tracker.places.importer import import_places

    import_places(b"code,name,kind,parent_code\nZZ,Zedland,country,\nZZ-N,North,province,ZZ\n"
                  b"ZZ-N-1,Northtown,district,ZZ-N\n", "zz.csv", "ZZ")
    import_places(b"code,name,kind,parent_code\nZZ-S,South,province,ZZ\n"
                  b"ZZ-N,North,province,ZZ-S\n", "zz2.csv", "ZZ")
    source = _rows("places")
    path = tmp_path / "dump.jsonl"
    dump(path)
    with _new_sqlite(f"sqlite:///{tmp_path / 'copy.db'}"):
        restore(path)
        assert _rows("places") == source
