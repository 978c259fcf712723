"""dump and restore: a whole database moves, SQLite to SQLite and SQLite to PostgreSQL."""
import os
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from tracker import create_app, services
from tracker.backup import NO_PASSWORD, BackupError, _encode, dump, restore
from tracker.domain.rules import Submission
from tracker.extensions import db

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RESTORE_DB = "tracker_restore_test"


def _snapshot(session) -> dict[str, list[tuple]]:
    snapshot = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns)
        rows = session.execute(select(table).order_by(*order)).all()
        snapshot[table.name] = [tuple(_encode(v) for v in row) for row in rows]
    return snapshot


@contextmanager
def _other_database(url):
    """An app on another database, with a plain session (not the test's rolled-back one)."""
    from flask_migrate import upgrade

    target = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    saved = db.session
    with target.app_context():
        db.session = db._make_scoped_session({})
        try:
            upgrade()
            yield target
        finally:
            db.session.remove()
            db.session = saved
            db.engine.dispose()


@pytest.fixture
def busy_source(demo, make_user):
    """The seeded database plus a user, a pending record and a review, as a partner leaves it."""
    editor = make_user("editor", demo)
    provision = demo.provisions[3]
    change = services.StatusChange(provision, Submission(2, date(2024, 1, 5), None,
                                                         "Ministry report", "ünïcode ✓"),
                                   provision.version)
    services.submit([change], verified=False)
    return editor


def _round_trip(tmp_path, url, password_hashes=False):
    path = tmp_path / "dump.jsonl.gz"
    counts = dump(path, password_hashes=password_hashes)
    source = _snapshot(db.session)
    with _other_database(url):
        restored = restore(path)
        target = _snapshot(db.session)
    return counts, restored, source, target


def test_sqlite_round_trip_loses_nothing(tmp_path, busy_source):
    counts, restored, source, target = _round_trip(tmp_path, f"sqlite:///{tmp_path / 'copy.db'}",
                                                   password_hashes=True)
    assert counts == restored and counts["status_records"] > 900
    assert counts["reference_codings"] == 323 * 51 and counts["reference_years"] == 323
    assert target == source


def test_password_hashes_are_left_out_by_default(tmp_path, busy_source):
    _, _, source, target = _round_trip(tmp_path, f"sqlite:///{tmp_path / 'copy.db'}")
    hash_column = [c.name for c in db.metadata.tables["users"].columns].index("password_hash")
    assert {row[hash_column] for row in target["users"]} == {NO_PASSWORD}
    assert {k: v for k, v in target.items() if k != "users"} == \
        {k: v for k, v in source.items() if k != "users"}


def _postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {RESTORE_DB}"))
        engine.dispose()
        return True
    except OperationalError:
        if os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1" or os.environ.get("CI"):
            raise
        return False


def test_sqlite_to_postgresql_loses_nothing(tmp_path, busy_source):
    if not _postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + RESTORE_DB
    counts, restored, source, target = _round_trip(tmp_path, url, password_hashes=True)
    assert target == source
    with _other_database(url):  # sequences continue after the restored ids
        from tracker.models import Organization
        db.session.add(Organization(name="after restore"))
        db.session.commit()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, row_counts):
    path = tmp_path / "dump.jsonl"
    dump(path)
    before = row_counts()
    with pytest.raises(BackupError, match="not empty"):
        restore(path)
    assert row_counts() == before


def test_restore_refuses_other_files(tmp_path):
    path = tmp_path / "other.jsonl"
    path.write_text('{"format": "something else"}\n')
    with _other_database(f"sqlite:///{tmp_path / 'x.db'}"):
        with pytest.raises(BackupError, match="not an accord tracker dump"):
            restore(path)


def test_cli_dump_and_restore(tmp_path, runner):
    path = tmp_path / "all.jsonl"
    result = runner.invoke(args=["dump", str(path)])
    assert result.exit_code == 0 and "rows from" in result.output
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "not empty" in refused.output
