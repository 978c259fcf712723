"""Fixtures: one migrated and seeded database per run (SQLite, or PostgreSQL when
TRACKER_TEST_DATABASE_URL is set), and a transaction rolled back after every test."""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import select, text

from flask_sqlalchemy.session import Session as FlaskSession

from tracker import create_app
from tracker.extensions import db

POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = POSTGRES_URL or f"sqlite:///{instance / 'test.db'}"
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
    os.environ.setdefault("TRACKER_SECRET_KEY", "test-secret")
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "CHART_STORE_DIR": str(instance / "charts"),
    })

    @application.before_request
    def _forget_cached_user():
        # Test requests reuse the app context the _rollback fixture pushed, and with it `g`,
        # where Flask-Login caches the user: forget it so each request loads its own.
        from flask import g
        from flask_babel import refresh

        g.pop("_login_user", None)
        refresh()  # Flask-Babel caches the locale on the app context too

    with application.app_context():
        from flask_migrate import upgrade

        from tracker import seed

        upgrade()
        seed.run(events=False)  # tests place their own events
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks an engine by itself; this one keeps to the test's
    connection, whose outer transaction is rolled back after the test."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Run each test inside a transaction that is rolled back; commits become savepoints."""
    from tracker.cache import clear_process_caches

    from tracker.extensions import limiter

    clear_process_caches()  # rolled-back revisions repeat from one test to the next
    app.extensions["chartstore"].clear()
    # One Limiter object serves every app the tests build and takes the setting of the last
    # one: a test that builds an app with rate limits on must not leave them on for the
    # session app's tests after it (they would get 429s once 20 logins fall in a minute).
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    with app.app_context():
        # SQLite: the test's outer transaction begins as a reader and takes the write lock at
        # its first write, so checks that open a connection of their own (and begin it as a
        # writer, as commands do) still can while the test has written nothing.
        connection = db.engine.connect().execution_options(sqlite_begin="DEFERRED")
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": _ConnectionBoundSession})
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The seeded monitored demo accord."""
    from tracker.models import Accord

    return db.session.scalar(select(Accord).where(Accord.slug == "colombia-2016-demo"))


@pytest.fixture
def today():
    return date.today()


@pytest.fixture
def row_counts():
    """A function giving rows per table: compared before and after a refused operation."""
    def count() -> dict[str, int]:
        return {table.name: db.session.scalar(select(db.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}
    return count


@pytest.fixture
def make_user(app):
    """make_user(role, accord=None, section=None, email=None) -> User, committed."""
    from tracker.accounts import create_user

    made = []

    def make(role, accord=None, section=None, email=None):
        email = email or f"{role}{len(made)}@example.org"
        user = create_user(email, PASSWORD, role=role,
                           accord_slug=accord.slug if accord else None,
                           section_code=section.code if section else None)
        made.append(user)
        return user

    return make


@pytest.fixture
def login(client):
    """login(user): the test client's next requests are that user's (session cookie set
    the way Flask-Login sets it, without going through the login form)."""
    def log_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
        return user
    return log_in
