"""Migration 0019: the events verified before it get their row in verified_events, with the
flags of their links, counted per day in verified_days, and the verified links their
department provisions; the triggers keep them from then on; the downgrade drops the tables and their triggers and leaves every other
trigger as it was (the verified links still kept). On SQLite, and on PostgreSQL when the
suite runs there (in a database of its own, named after the suite's)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import POSTGRES_URL
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tracker import create_app, seed
from tracker.extensions import db

TRIGGERS = {
    "sqlite": sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
    "postgresql": sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                          "ORDER BY tgname")}
HELD = sa.text("SELECT event_id, occurred_on, place_id, verified_at, advances, sets_back "
               "FROM verified_events ORDER BY event_id")
EXPECTED = sa.text(
    "SELECT e.id, e.occurred_on, e.place_id, COALESCE(e.reviewed_at, e.submitted_at), "
    "MAX(CASE WHEN l.effect = 'advances' THEN 1 ELSE 0 END), "
    "MAX(CASE WHEN l.effect = 'sets_back' THEN 1 ELSE 0 END) "
    "FROM events e LEFT JOIN event_provisions l ON l.event_id = e.id "
    "WHERE e.review_state = 'verified' GROUP BY e.id ORDER BY e.id")
DAYS = sa.text("SELECT occurred_on, events, advances, sets_back FROM verified_days "
               "ORDER BY occurred_on")
EXPECTED_DAYS = sa.text(
    "SELECT occurred_on, COUNT(*), SUM(advances), SUM(sets_back) FROM verified_events "
    "GROUP BY occurred_on ORDER BY occurred_on")
PAIRS = sa.text("SELECT department_id, provision_id, first_on FROM department_provisions "
                "ORDER BY department_id, provision_id")
EXPECTED_PAIRS = sa.text(
    "SELECT department_id, provision_id, MIN(occurred_on) FROM verified_links "
    "WHERE department_id IS NOT NULL GROUP BY department_id, provision_id "
    "ORDER BY department_id, provision_id")


@pytest.fixture
def url(tmp_path):
    """An empty database: a SQLite file, or a PostgreSQL database beside the suite's."""
    if POSTGRES_URL is None:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    suite = make_url(POSTGRES_URL)
    name = f"{suite.database}_m0019"
    server = create_engine(suite.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield suite.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_verified_events_are_filled_kept_and_dropped(tmp_path, url):
    from flask_migrate import downgrade, upgrade

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    triggers = TRIGGERS[engine.dialect.name]
    saved = db.session  # the test suite's session is bound to its own database
    with app.app_context():
        db.session = db._make_scoped_session({})
        try:
            upgrade(revision="0018_event_search_index")
            seed.run()  # the demo accord with its illustrative events, all verified
        finally:
            db.session.remove()
            db.session = saved
    with engine.begin() as connection:  # and one pending event, with a setback
        before = connection.execute(triggers).scalars().all()
        pending = connection.execute(sa.text(
            "INSERT INTO events (accord_id, occurred_on, place_id, title, description, actors, "
            "origin, search_text, submitted_at, review_state) SELECT accord_id, '2016-11-20', "
            "place_id, 'P', '', '', 'import', 'p', submitted_at, 'pending' FROM events "
            "WHERE place_id IS NOT NULL ORDER BY id LIMIT 1 RETURNING id")).scalar()
        connection.execute(sa.text(
            "INSERT INTO event_provisions (event_id, provision_id, accord_id, occurred_on, "
            "effect) SELECT :id, provision_id, accord_id, '2016-11-20', 'sets_back' "
            "FROM event_provisions ORDER BY event_id LIMIT 1"), {"id": pending})
    with app.app_context():
        upgrade()
    with engine.begin() as connection:
        held = connection.execute(HELD).all()
        assert len(held) > 100 and held == connection.execute(EXPECTED).all()
        assert {row[4] for row in held} == {0, 1} and {row[5] for row in held} == {0, 1}
        assert pending is not None and pending not in {row[0] for row in held}
        pairs = connection.execute(PAIRS).all()
        assert len(pairs) > 100 and pairs == connection.execute(EXPECTED_PAIRS).all()
        days = connection.execute(DAYS).all()
        assert len(days) > 100 and days == connection.execute(EXPECTED_DAYS).all()
        connection.execute(sa.text("UPDATE events SET review_state = 'verified', "
                                   "reviewed_at = submitted_at WHERE id = :id"), {"id": pending})
    with engine.connect() as connection:
        held = connection.execute(HELD).all()
        assert pending in {row[0] for row in held} and held == connection.execute(EXPECTED).all()
        assert connection.execute(DAYS).all() == connection.execute(EXPECTED_DAYS).all()
        pairs = connection.execute(PAIRS).all()  # the pending event's pair moved earlier
        assert pairs == connection.execute(EXPECTED_PAIRS).all()
        assert str(min(day for _d, _p, day in pairs)) == "2016-11-20"
    with app.app_context():
        downgrade(revision="0018_event_search_index")
    with engine.connect() as connection:
        assert connection.execute(triggers).scalars().all() == before
        tables = sa.inspect(connection).get_table_names()
        assert not {"verified_events", "verified_days", "department_provisions"} & set(tables)
        links = connection.execute(sa.text("SELECT count(*) FROM verified_links "
                                           "WHERE event_id = :id"), {"id": pending}).scalar()
        assert links > 0
    engine.dispose()
    with app.app_context():  # the migrating app's own connections, before the database goes
        db.engine.dispose()
