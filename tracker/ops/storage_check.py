"""Can the database take writes? Checked by /readyz without writing anything.

SQLite: a transaction begun as a writer runs an UPDATE that changes nothing and is rolled back
(a read-only file, or a connection that may not write, refuses it), waiting at most a moment
for the write lock (a writer at work proves the file writable); then the free space beside
the file. PostgreSQL: whether new transactions are read-only (a standby, or
default_transaction_read_only). Both: a storage failure a request of this process met in the
last minute (a full disk shows itself only when a write needs room).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app

from .. import storage
from ..extensions import db

PROBE_WAIT_MS = 200


def problem() -> str | None:
    """Why the database cannot take writes now, or None when it can."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        found = _sqlite_problem(engine)
    elif engine.dialect.name == "postgresql":
        found = _postgresql_problem(engine)
    else:
        found = None
    if found is None and (recent := storage.recent_failure()) is not None:
        found = f"a write failed in the last minute: {recent.detail}"
    return found


def _sqlite_problem(engine) -> str | None:
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        connection.execute(f"PRAGMA busy_timeout={PROBE_WAIT_MS}")
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE alembic_version SET version_num = version_num")
        except Exception as exc:  # sqlite3.Error
            name = getattr(exc, "sqlite_errorname", "")
            if not name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                return f"database cannot take writes: {exc}"
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.execute(
                f"PRAGMA busy_timeout={current_app.config.get('LOCK_WAIT_MS', 10000)}")
    finally:
        raw.close()
    return _disk_space_problem(engine.url.database)


def _disk_space_problem(database: str | None) -> str | None:
    if database and database.startswith("file:"):  # a URI filename: file:PATH?mode=ro
        database = database[len("file:"):].split("?")[0]
    if not database or database == ":memory:":
        return None
    folder = Path(database).resolve().parent
    free = shutil.disk_usage(folder).free
    needed = int(current_app.config.get("MIN_FREE_DISK_MB", 16)) * 1024 * 1024
    if free < needed:
        return (f"disk nearly full: {free // (1024 * 1024)} MiB free beside the database "
                f"(at least {needed // (1024 * 1024)} MiB wanted)")
    return None


def _postgresql_problem(engine) -> str | None:
    from sqlalchemy import text

    with engine.connect() as connection:
        read_only = connection.execute(text("SHOW transaction_read_only")).scalar()
        standby = connection.execute(text("SELECT pg_is_in_recovery()")).scalar()
        connection.rollback()
    if standby:
        return "database cannot take writes: the server is a standby (in recovery)"
    if read_only == "on":
        return "database cannot take writes: transactions are read-only"
    return None
