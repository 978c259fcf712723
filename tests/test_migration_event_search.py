"""Migration 0016: events stored before it get their search text (title, description, their
translations and actors without accents or case), and stay append-only afterwards."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, insert, select

from tracker import create_app
from tracker.models import Accord

NOW = datetime(2020, 1, 1, tzinfo=timezone.utc)
EVENTS = sa.table("events", *(sa.column(name) for name in (
    "id", "accord_id", "occurred_on", "title", "title_translated", "description",
    "description_translated", "actors", "origin", "submitted_at", "review_state")))


def test_stored_events_get_their_search_text_and_stay_append_only(tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    with app.app_context():
        upgrade(revision="0015_verified_links")
    with engine.begin() as connection:
        connection.execute(insert(Accord.__table__).values(
            id=1, slug="old", name="old", country="Colombia", signed_on=date(2016, 11, 24),
            signed_on_verified=True, kind="monitored", illustrative=False, public=True,
            revision=1, created_at=NOW))
        connection.execute(insert(EVENTS), [
            dict(id=1, accord_id=1, occurred_on=date(2018, 1, 1), title="Reunión en BOGOTÁ",
                 title_translated="Meeting in Bogotá", description="Acta firmada",
                 description_translated=None, actors="Alcaldía", origin="import",
                 submitted_at=NOW, review_state="verified"),
            dict(id=2, accord_id=1, occurred_on=date(2018, 1, 2), title="Otro",
                 title_translated=None, description="", description_translated=None,
                 actors="", origin="import", submitted_at=NOW, review_state="pending")])
    with app.app_context():
        upgrade()
    with engine.connect() as connection:
        texts = dict(connection.execute(sa.text("SELECT id, search_text FROM events")).all())
    assert texts == {1: "reunion en bogota\nmeeting in bogota\nacta firmada\nalcaldia",
                     2: "otro"}
    with engine.begin() as connection, pytest.raises(sa.exc.DatabaseError,
                                                     match="append-only"):
        connection.execute(sa.text("UPDATE events SET title = 'x' WHERE id = 1"))
    with app.app_context():
        downgrade(revision="0015_verified_links")
    with engine.begin() as connection, pytest.raises(sa.exc.DatabaseError,
                                                     match="append-only"):
        connection.execute(sa.text("DELETE FROM events WHERE id = 2"))
    with engine.connect() as connection:
        assert connection.execute(select(sa.func.count()).select_from(EVENTS)).scalar() == 2
    engine.dispose()
