"""SIGKILL in the middle of an import leaves the database exactly as before."""
import csv
import os
import signal
import subprocess
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from tracker.extensions import db

from .conftest import BIN, ROOT, flask, fresh_postgres_database, need, reachable

pytestmark = pytest.mark.slow


def _big_status_file(path, codes, per_provision=60):
    """Many valid rows: the import takes long enough to be killed while it writes."""
    start = date(2017, 1, 31)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["provision_code", "level", "effective_on", "evidence", "note"])
        for step in range(per_provision):
            when = start + timedelta(days=30 * step)
            for code in codes:
                writer.writerow([code, (step // 20) % 4, when.isoformat(),
                                 "Integration evidence", ""])


def _counts(url):
    engine = create_engine(url)
    with engine.connect() as connection:
        result = {t.name: connection.execute(select(func.count()).select_from(t)).scalar()
                  for t in db.metadata.sorted_tables}
    engine.dispose()
    return result


def _codes(url):
    engine = create_engine(url)
    with engine.connect() as connection:
        codes = connection.execute(text(
            "SELECT p.code FROM provisions p JOIN accords a ON a.id = p.accord_id "
            "WHERE a.slug = 'colombia-2016-demo'")).scalars().all()
    engine.dispose()
    return codes


def _prepare(url, env):
    env = {**env, "TRACKER_DATABASE_URL": url}
    flask("db", "upgrade", env=env)
    flask("seed", env=env)
    return env


def _kill_when(process, started, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the import finished before it could be interrupted")
        if started():
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.005)
    pytest.fail("the import never started writing")


def test_sigkill_during_import_on_sqlite(tmp_path, base_env):
    database = tmp_path / "crash.db"
    url = f"sqlite:///{database}"
    env = _prepare(url, base_env)
    status_file = tmp_path / "statuses.csv"
    _big_status_file(status_file, _codes(url))
    before = _counts(url)
    process = subprocess.Popen([str(BIN / "flask"), "--app", "tracker", "import-statuses",
                                "colombia-2016-demo", str(status_file)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # The database is in WAL mode: uncommitted pages reach the -wal file when the import's
    # transaction outgrows the page cache, long before it commits.
    wal = tmp_path / "crash.db-wal"
    _kill_when(process, lambda: wal.exists() and wal.stat().st_size > 0)
    assert _counts(url) == before
    assert process.returncode == -signal.SIGKILL


def test_sigkill_during_import_on_postgresql(tmp_path, base_env):
    need(reachable(5432), "PostgreSQL at 127.0.0.1:5432")
    url = fresh_postgres_database("tracker_crash_test")
    env = _prepare(url, base_env)
    status_file = tmp_path / "statuses.csv"
    _big_status_file(status_file, _codes(url))
    before = _counts(url)
    watcher = create_engine(url)
    process = subprocess.Popen([str(BIN / "flask"), "--app", "tracker", "import-statuses",
                                "colombia-2016-demo", str(status_file)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def inserting() -> bool:
        with watcher.connect() as connection:
            return bool(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND query ILIKE 'INSERT INTO status_records%' "
                "AND state = 'active'")).scalar())

    _kill_when(process, inserting)
    watcher.dispose()
    time.sleep(0.5)  # the server notices the dead client and rolls its transaction back
    assert _counts(url) == before
