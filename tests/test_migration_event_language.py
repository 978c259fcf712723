"""Migration 0017: events stored before it keep no language (None: the accord's original
language, as they were read), the language of any event is never changed afterwards, and the
downgrade leaves the events' triggers as they were."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, insert

from tracker import create_app
from tracker.models import Accord

NOW = datetime(2020, 1, 1, tzinfo=timezone.utc)
EVENTS = sa.table("events", *(sa.column(name) for name in (
    "id", "accord_id", "occurred_on", "title", "description", "actors", "origin",
    "submitted_at", "review_state")))
TRIGGERS = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")


def _refused(engine, statement: str) -> None:
    with engine.begin() as connection, pytest.raises(sa.exc.DatabaseError,
                                                     match="append-only"):
        connection.execute(sa.text(statement))


def test_stored_events_keep_no_language_which_is_never_changed(tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    with app.app_context():
        upgrade(revision="0016_event_search")
    with engine.begin() as connection:
        connection.execute(insert(Accord.__table__).values(
            id=1, slug="old", name="old", country="Colombia", signed_on=date(2016, 11, 24),
            signed_on_verified=True, kind="monitored", illustrative=False, public=True,
            revision=1, created_at=NOW))
        connection.execute(insert(EVENTS), [dict(
            id=1, accord_id=1, occurred_on=date(2018, 1, 1), title="Meeting", description="",
            actors="", origin="import", submitted_at=NOW, review_state="pending")])
        before = connection.execute(TRIGGERS).scalars().all()
    with app.app_context():
        upgrade()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT language FROM events")).scalar() is None
    # a review decision is the one update the older triggers let through: not with it
    _refused(engine, "UPDATE events SET review_state = 'verified', language = 'es' "
                     "WHERE id = 1")
    _refused(engine, "UPDATE events SET title = 'x' WHERE id = 1")
    with engine.begin() as connection:  # the one review decision still goes through
        connection.execute(sa.text("UPDATE events SET review_state = 'verified' WHERE id = 1"))
    with app.app_context():
        downgrade(revision="0016_event_search")
    with engine.connect() as connection:
        assert connection.execute(TRIGGERS).scalars().all() == before
        columns = {c["name"] for c in sa.inspect(connection).get_columns("events")}
        assert "language" not in columns
        assert connection.execute(sa.text("SELECT title, review_state FROM events")).one() \
            == ("Meeting", "verified")
    _refused(engine, "UPDATE events SET title = 'x' WHERE id = 1")
    engine.dispose()
