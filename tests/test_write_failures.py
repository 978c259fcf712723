"""A write the database cannot take now is never a 500: a lock held past the wait is a 503
"busy", a read-only database or a full disk a 503 "storage unavailable", each saying nothing
was saved and keeping what was typed; /readyz says why. A review or confirmation that lost a
race is a 409. Every failure is a real one from the database in use: on SQLite a copy of the
test database served by an app of its own (a real second connection holds the lock, the file
is opened read-only, the page budget is exhausted); on PostgreSQL the test's own connection
(another connection holds the row lock, the transaction is read-only, the server raises
disk_full)."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, select, text, update

from tracker import create_app, storage
from tracker.extensions import db
from tracker.models import Provision, StatusRecord, UploadBatch

SLUG = "colombia-2016-demo"
CODE = "1.1.1"
TYPED = "Typed by the partner: Decree 77 of 2024, article 3"


NOTE = "A long note the partner wrote. " * 60  # 1,800 characters: the row needs a new page


def _form(version: int) -> dict:
    return {"level": "2", "effective_on": "2024-05-01", "evidence_text": TYPED,
            "evidence_url": "", "note": NOTE, "version": str(version)}


@pytest.fixture(autouse=True)
def _forget_failures():
    yield
    storage.note_success()  # readiness elsewhere must not see this module's failures


class SqliteCopy:
    """The seeded test database copied to a file of its own, served by its own app."""

    def __init__(self, app, tmp_path, monkeypatch):
        source = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        self.path = tmp_path / "copy.db"
        with sqlite3.connect(source) as src, sqlite3.connect(self.path) as dst:
            src.backup(dst)
        with sqlite3.connect(self.path, isolation_level=None) as copy:
            copy.execute("VACUUM")  # no free pages: a full file is full
        # The suite's session is bound to the test's own connection; this app needs its own.
        monkeypatch.setattr(db, "session", db._make_scoped_session({}))
        self.app = self._app(f"sqlite:///{self.path}")
        with self.app.app_context():
            from tracker.accounts import create_user

            self.token = create_user("copy-editor@example.org", "correct horse battery",
                                     role="editor", accord_slug=SLUG).session_token
            self.admin_token = create_user("copy-admin@example.org", "correct horse battery",
                                           role="admin").session_token
        self.client = self.logged_in(self.app)
        self.admin = self.logged_in(self.app, self.admin_token)

    @staticmethod
    def _app(url: str):
        return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                           "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                           "RATELIMIT_ENABLED": False, "LOCK_WAIT_MS": 300})

    def logged_in(self, app, token=None):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token or self.token
            session["_fresh"] = True
        return client

    def version(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(Provision.version).where(Provision.code == CODE))

    def records(self) -> int:
        with sqlite3.connect(self.path) as connection:
            return connection.execute("SELECT count(*) FROM status_records").fetchone()[0]

    @contextmanager
    def busy(self):
        holder = sqlite3.connect(self.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock past the wait
        try:
            yield self.client
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def busy_naming(self, _organization: str):
        return self.busy()

    @contextmanager
    def read_only(self):
        app = self._app(f"sqlite:///file:{self.path}?mode=ro&uri=true")
        yield self.logged_in(app)
        with app.app_context():
            db.engine.dispose()

    @contextmanager
    def full(self):
        with self.app.app_context():
            engine = db.engine

        def no_room(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        engine.dispose()
        event.listen(engine, "connect", no_room)
        try:
            yield self.client
        finally:
            event.remove(engine, "connect", no_room)
            engine.dispose()

    def readyz(self, app=None):
        return (app or self.app).test_client().get("/readyz")

    def close(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


class PostgresConnection:
    """The suite's app and the test's own connection."""

    def __init__(self, app, client, make_user, login):
        self.app, self.client = app, client
        login(make_user("editor", db.session.scalar(select(Provision).where(
            Provision.code == CODE)).accord))
        self.admin = app.test_client()
        with self.admin.session_transaction() as session:
            session["_user_id"] = make_user("admin").session_token
            session["_fresh"] = True

    def version(self) -> int:
        return db.session.scalar(select(Provision.version).where(Provision.code == CODE))

    def records(self) -> int:
        return db.session.scalar(select(db.func.count()).select_from(StatusRecord))

    def _run(self, sql: str) -> None:
        db.session.connection().exec_driver_sql(sql)

    @contextmanager
    def busy(self):
        other = create_engine(self.app.config["SQLALCHEMY_DATABASE_URI"])
        with other.connect() as holder:
            holder.execute(text("SELECT id FROM accords WHERE slug = :slug FOR NO KEY UPDATE"),
                           {"slug": SLUG})  # another writer of the accord, not finishing
            self._run("SET lock_timeout = '300ms'")
            try:
                yield self.client
            finally:
                holder.rollback()
        other.dispose()

    @contextmanager
    def busy_naming(self, organization: str):
        """Another admin adding the same organization, not finishing."""
        other = create_engine(self.app.config["SQLALCHEMY_DATABASE_URI"])
        with other.connect() as holder:
            holder.execute(text("INSERT INTO organizations (name, created_at) VALUES "
                                "(:name, now())"), {"name": organization})
            self._run("SET lock_timeout = '300ms'")
            try:
                yield
            finally:
                holder.rollback()
        other.dispose()

    @contextmanager
    def read_only(self):
        self._run("SET transaction_read_only = on")
        yield self.client

    @contextmanager
    def full(self):
        self._run("""CREATE FUNCTION pg_temp.no_room() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'
            USING ERRCODE = 'disk_full'; END $$""")
        self._run("CREATE TRIGGER no_room BEFORE INSERT ON status_records "
                  "FOR EACH ROW EXECUTE FUNCTION pg_temp.no_room()")
        yield self.client

    def readyz(self, app=None):
        return (app or self.app).test_client().get("/readyz")

    def close(self):
        pass


@pytest.fixture
def target(app, client, make_user, login, tmp_path, monkeypatch):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        found = SqliteCopy(app, tmp_path, monkeypatch)
    else:
        found = PostgresConnection(app, client, make_user, login)
    yield found
    found.close()


def _post(client, version: int):
    return client.post(f"/accords/{SLUG}/provisions/{CODE}/update", data=_form(version))


def _assert_kept(response, title: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:3000]
    assert title in page and "Nothing was saved" in page
    assert TYPED in page and NOTE.strip() in page  # the input is kept
    assert "Send it again" in page and 'name="evidence_text"' in page


def test_a_lock_held_past_the_wait_is_503_busy_with_the_input_kept(target):
    version, before = target.version(), target.records()
    with target.busy() as client:
        response = _post(client, version)
    _assert_kept(response, "Busy, nothing was saved")
    assert response.headers["Retry-After"] == "2"
    assert target.records() == before
    again = _post(target.client, version)  # the lock is gone: sending it again works
    assert again.status_code == 302, again.get_data(as_text=True)[:3000]
    assert target.records() == before + 1


def test_a_read_only_database_is_503_storage_unavailable(target):
    version, before = target.version(), target.records()
    with target.read_only() as client:
        response = _post(client, version)
    _assert_kept(response, "Storage unavailable, nothing was saved")
    assert target.records() == before


def test_a_full_disk_is_503_storage_unavailable_and_readyz_says_so(target):
    version, before = target.version(), target.records()
    with target.full() as client:
        response = _post(client, version)
        _assert_kept(response, "Storage unavailable, nothing was saved")
        ready = target.readyz()
    assert target.records() == before
    assert ready.status_code == 503
    reason = ready.get_json()["reason"]
    assert reason.startswith("storage unavailable: a write failed in the last minute")
    assert "disk is full" in reason or "No space left on device" in reason


def test_readyz_reports_a_database_that_cannot_take_writes(app, target, tmp_path):
    if isinstance(target, SqliteCopy):
        read_only = SqliteCopy._app(f"sqlite:///file:{target.path}?mode=ro&uri=true")
    else:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        read_only = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url + (
            "&" if "?" in url else "?") + "options=-c%20default_transaction_read_only%3Don"})
    try:
        assert target.readyz().status_code == 200
        response = target.readyz(read_only)
    finally:
        with read_only.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json()["reason"].startswith("storage unavailable: database cannot "
                                                    "take writes")


def test_readyz_reports_a_nearly_full_disk_beside_sqlite(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("free space is measured beside a SQLite file")
    probe = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                        "MIN_FREE_DISK_MB": 1 << 40})
    try:
        response = probe.test_client().get("/readyz")
    finally:
        with probe.app_context():
            db.engine.dispose()
    assert response.status_code == 503 and "disk nearly full" in response.get_json()["reason"]


# --- races lost to a concurrent writer: the loser sees the winner's result -----------------

def _decided_meanwhile(statement, model, row_id, **as_read) -> None:
    """Another request commits `statement`; this one still holds the row as it read it
    before (`as_read`), as a request that read it a moment earlier does."""
    from sqlalchemy.orm.attributes import set_committed_value

    db.session.execute(statement)
    db.session.commit()
    row = db.session.get(model, row_id)
    for name, value in as_read.items():
        set_committed_value(row, name, value)


@pytest.fixture
def pending_record(client, demo, make_user, login):
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == CODE))
    login(make_user("editor", demo))
    client.post(f"/accords/{SLUG}/provisions/{CODE}/update", data=_form(provision.version))
    return db.session.scalar(select(StatusRecord).where(StatusRecord.evidence_text == TYPED))


def test_a_review_that_lost_the_race_is_409_already_reviewed(client, demo, make_user, login,
                                                             pending_record):
    """The second coordinator read the record while it was pending; the first decided it
    before the second's write began (what a concurrent request sees)."""
    login(make_user("coordinator", demo))
    _decided_meanwhile(update(StatusRecord).where(StatusRecord.id == pending_record.id)
                       .values(review_state="verified", review_reason="first"),
                       StatusRecord, pending_record.id, review_state="pending")
    response = client.post(f"/review/{pending_record.id}",
                           data={"reject": "Reject", "reason": "second opinion"})
    assert response.status_code == 409
    assert "already reviewed" in response.get_data(as_text=True)
    db.session.expire_all()
    record = db.session.get(StatusRecord, pending_record.id)
    assert (record.review_state, record.review_reason) == ("verified", "first")


def test_a_confirmation_that_lost_the_race_records_nothing_twice(client, demo, make_user,
                                                                 login, row_counts):
    from test_excel_update import _download, _edit, _fill, _levels, _upload

    login(make_user("editor", demo))
    code, level = next((c, level) for c, level in _levels(client).items() if level < 3)
    workbook = _fill(_download(client), {code: _edit(level + 1)})
    location = _upload(client, workbook).headers["Location"]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    _decided_meanwhile(update(UploadBatch).where(UploadBatch.id == batch.id)
                       .values(state="committed"), UploadBatch, batch.id, state="pending")
    before = row_counts()
    response = client.post(location + "/confirm")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already recorded" in page and "records recorded" not in page
    assert row_counts() == before


def test_a_command_that_meets_a_busy_database_says_so_and_writes_nothing(target, tmp_path):
    statuses = tmp_path / "statuses.csv"
    statuses.write_text("provision_code,level,effective_on,evidence,note\n"
                        f"{CODE},3,2024-05-01,Decree 9 of 2024,\n")
    before = target.records()
    with target.busy():
        with target.app.app_context():  # the copy's, on SQLite
            result = target.app.test_cli_runner().invoke(
                args=["import-statuses", SLUG, str(statuses)])
    assert result.exit_code == 1, result.output
    assert "the database is busy" in result.output and "Nothing was written." in result.output
    assert target.records() == before


def test_a_page_read_from_a_database_that_is_gone_is_503_not_500(monkeypatch):
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))  # this app's own engine
    gone = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/"
                                                  "none?connect_timeout=2"})
    try:
        response = gone.test_client().get("/")
        api = gone.test_client().get(f"/api/v1/accords/{SLUG}/summary")
    finally:
        with gone.app_context():
            db.session.remove()
            db.engine.dispose()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Storage is unavailable. Try again later" in page
    assert "Send it again" not in page
    assert api.status_code == 503 and api.get_json()["status"] == 503


def test_when_even_the_error_page_cannot_be_drawn_the_input_is_still_kept(target, monkeypatch):
    from tracker import errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("the page needed the database too")

    version = target.version()
    monkeypatch.setattr(errors, "render_template", broken)
    with target.busy() as client:
        response = _post(client, version)
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert TYPED in response.get_data(as_text=True)


def test_an_admin_write_that_meets_a_busy_database_is_503_with_the_input_kept(target):
    name = "Mesa de seguimiento del Cauca"
    with target.busy_naming(name):
        response = target.admin.post("/admin/organizations", data={"name": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Busy, nothing was saved" in page
    assert name in page and "Send it again" in page
    assert target.admin.post("/admin/organizations", data={"name": name}).status_code == 303
