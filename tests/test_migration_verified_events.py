"""Migration 0018: the events verified before it get their row in verified_events, with the
flags of their links; the triggers keep it from then on; the downgrade drops the table and
its triggers and leaves every other trigger as it was (the verified links still kept)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import create_engine

from tracker import create_app, seed
from tracker.extensions import db

TRIGGERS = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
HELD = sa.text("SELECT event_id, occurred_on, place_id, verified_at, advances, sets_back "
               "FROM verified_events ORDER BY event_id")
EXPECTED = sa.text(
    "SELECT e.id, e.occurred_on, e.place_id, COALESCE(e.reviewed_at, e.submitted_at), "
    "MAX(CASE WHEN l.effect = 'advances' THEN 1 ELSE 0 END), "
    "MAX(CASE WHEN l.effect = 'sets_back' THEN 1 ELSE 0 END) "
    "FROM events e LEFT JOIN event_provisions l ON l.event_id = e.id "
    "WHERE e.review_state = 'verified' GROUP BY e.id ORDER BY e.id")


def test_verified_events_are_filled_kept_and_dropped(tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    saved = db.session  # the test suite's session is bound to its own database
    with app.app_context():
        db.session = db._make_scoped_session({})
        try:
            upgrade(revision="0017_event_language")
            seed.run()  # the demo accord with its illustrative events, all verified
        finally:
            db.session.remove()
            db.session = saved
    with engine.begin() as connection:  # and one pending event, with a setback
        before = connection.execute(TRIGGERS).scalars().all()
        pending = connection.execute(sa.text(
            "INSERT INTO events (accord_id, occurred_on, title, description, actors, origin, "
            "search_text, submitted_at, review_state) SELECT accord_id, occurred_on, 'P', '', "
            "'', 'import', 'p', submitted_at, 'pending' FROM events ORDER BY id LIMIT 1 "
            "RETURNING id")).scalar()
        connection.execute(sa.text(
            "INSERT INTO event_provisions (event_id, provision_id, accord_id, occurred_on, "
            "effect) SELECT :id, provision_id, accord_id, occurred_on, 'sets_back' "
            "FROM event_provisions ORDER BY event_id LIMIT 1"), {"id": pending})
    with app.app_context():
        upgrade()
    with engine.begin() as connection:
        held = connection.execute(HELD).all()
        assert len(held) > 100 and held == connection.execute(EXPECTED).all()
        assert {row[4] for row in held} == {0, 1} and {row[5] for row in held} == {0, 1}
        assert pending is not None and pending not in {row[0] for row in held}
        connection.execute(sa.text("UPDATE events SET review_state = 'verified', "
                                   "reviewed_at = submitted_at WHERE id = :id"), {"id": pending})
    with engine.connect() as connection:
        held = connection.execute(HELD).all()
        assert pending in {row[0] for row in held} and held == connection.execute(EXPECTED).all()
    with app.app_context():
        downgrade(revision="0017_event_language")
    with engine.connect() as connection:
        assert connection.execute(TRIGGERS).scalars().all() == before
        assert "verified_events" not in sa.inspect(connection).get_table_names()
        links = connection.execute(sa.text("SELECT count(*) FROM verified_links "
                                           "WHERE event_id = :id"), {"id": pending}).scalar()
        assert links > 0
    engine.dispose()
