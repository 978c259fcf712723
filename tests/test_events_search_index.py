"""The events feed's search through its trigram index (`tracker.events.search`): the same
events as the scan (accents and case aside, `%`, `_`, `/` and quotes as letters, either
language, actors, texts of one or two characters), the index kept in step by every write,
and migration 0018 filling it, then taking it away."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from event_helpers import event_input, new_source
from sqlalchemy import create_engine, insert, text

from tracker import create_app
from tracker.events import search
from tracker.events.models import Event
from tracker.events.queries import REVIEW_STATES, EventFilter, find_events
from tracker.events.services import review_event, submit_event
from tracker.extensions import db
from tracker.models import Accord


@pytest.fixture
def written(demo):
    """E1 2019-01-01 'Straße "Nord" 50%_x/y', translated 'Reunión en Tibú', description
    'Acta'; E2 2019-02-02 'Otra calle', description 'NORDESTE del río', actors 'Alcaldía';
    both verified. E3 2020-03-03 'Tibú pendiente', pending."""
    specs = [("E1", date(2019, 1, 1), dict(title='Straße "Nord" 50%_x/y',
                                          title_translated="Reunión en Tibú",
                                          description="Acta", actors=""), True),
             ("E2", date(2019, 2, 2), dict(title="Otra calle", description="NORDESTE del río",
                                          actors="Alcaldía"), True),
             ("E3", date(2020, 3, 3), dict(title="Tibú pendiente", description="",
                                          actors=""), False)]
    made = {}
    for key, day, texts, verified in specs:
        event = submit_event(event_input(demo, occurred_on=day, place_code=None,
                                         sources=[new_source(attachment=None)], **texts))
        if verified:
            review_event(event, "verified", "")
        made[key] = event
    return made


CASES = [
    ("tibu", ["E1"]), ("TIBÚ", ["E1"]), ("reunion en tibu", ["E1"]),
    ("strasse", ["E1"]), ("Straße", ["E1"]), ('"nord"', ["E1"]), ('e "n', ["E1"]),
    ("nord", ["E2", "E1"]), ("50%_x", ["E1"]), ("%_x/", ["E1"]), ("x/y", ["E1"]),
    ("0%x", []), ("5_%", []), ("_x", ["E1"]), ("st", ["E2", "E1"]), ("%", ["E1"]),
    ("río", ["E2"]), ("rio", ["E2"]), ("alcaldia", ["E2"]), ("acta", ["E1"]),
    ("otra calle", ["E2"]), ("calle nordeste", []), ("zzz", []),
]


def _found(demo, written, typed: str, states=("verified",)) -> list[str]:
    names = {e.id: k for k, e in written.items()}
    page = find_events(demo, EventFilter(text=typed, states=states), 1, 50)
    assert page.total == len(page.events)
    return [names.get(e["id"], "?") for e in page.events]


@pytest.mark.parametrize("typed, expected", CASES)
def test_the_index_finds_what_the_scan_finds(demo, written, monkeypatch, typed, expected):
    assert _found(demo, written, typed) == expected
    monkeypatch.setattr(search, "FEW", -1)  # every text read by the scan alone
    assert _found(demo, written, typed) == expected


def test_review_states_and_the_api_take_the_indexed_search(client, demo, written, make_user,
                                                           login):
    assert _found(demo, written, "tibu", REVIEW_STATES) == ["E3", "E1"]
    assert _found(demo, written, "pendiente", ("pending",)) == ["E3"]
    login(make_user("coordinator", demo))
    body = client.get("/api/v1/accords/colombia-2016-demo/events?q=Tib%C3%BA"
                      "&review_state=all").get_json()
    assert [e["id"] for e in body["events"]] == [written["E3"].id, written["E1"].id]


def test_the_sqlite_index_is_read_for_three_characters_or_more(written):
    dialect = db.session.get_bind().dialect.name
    conditions = search.holding("tibu", db.session)
    assert len(conditions) == (2 if dialect == "sqlite" else 1)
    assert len(search.holding("ti", db.session)) == 1


def test_the_index_follows_a_changed_search_text(demo, written):
    # the one update the append-only triggers let through (a pending event's review) may
    # carry a new search text: the index follows it
    db.session.execute(text("UPDATE events SET review_state = 'verified', "
                            "search_text = 'texto cambiado' WHERE id = :id"),
                       {"id": written["E3"].id})
    db.session.expire_all()
    assert _found(demo, written, "cambiado") == ["E3"]
    assert _found(demo, written, "pendiente", REVIEW_STATES) == []
    assert _found(demo, written, "tibu") == ["E1"]


def test_the_sqlite_index_misses_nothing_the_like_finds(demo, written, monkeypatch):
    # a text stored unfolded (by hand): SQLite's LIKE is blind to ASCII case, so is the index
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's LIKE heeds case: only folded texts are found, as before")
    db.session.execute(text("UPDATE events SET review_state = 'verified', "
                            "search_text = 'Texto CAMBIADO' WHERE id = :id"),
                       {"id": written["E3"].id})
    assert _found(demo, written, "cambiado") == ["E3"]
    monkeypatch.setattr(search, "FEW", -1)
    assert _found(demo, written, "cambiado") == ["E3"]


def test_the_database_serves_the_search_from_its_index(written):
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        found = connection.execute(text(
            f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH '\"tibu\"' "
            "ORDER BY rowid")).scalars().all()
        assert found == [written["E1"].id, written["E3"].id]
        connection.execute(text(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) "
                                "VALUES ('integrity-check', 1)"))  # raises when out of step
        return
    definition = connection.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                         f"'{search.TRGM_INDEX}'")).scalar()
    assert "gin" in definition and "gin_trgm_ops" in definition
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(connection.execute(text(
        "EXPLAIN SELECT id FROM events WHERE search_text LIKE '%tibu%'")).scalars())
    assert search.TRGM_INDEX in plan


NOW = datetime(2020, 1, 1, tzinfo=timezone.utc)
EVENTS = sa.table("events", *(sa.column(name) for name in (
    "id", "accord_id", "occurred_on", "title", "description", "actors", "origin",
    "submitted_at", "review_state", "search_text")))
SCHEMA = sa.text("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') "
                 "ORDER BY type, name")
MATCH = sa.text(f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :phrase "
                "ORDER BY rowid")


def _event(key: int, title: str) -> dict:
    return dict(id=key, accord_id=1, occurred_on=date(2018, 1, key), title=title,
                description="", actors="", origin="import", submitted_at=NOW,
                review_state="pending", search_text=title.lower())


def test_the_migration_indexes_stored_events_and_its_downgrade_removes_the_index(tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "CHART_STORE_DIR": str(tmp_path / "charts")})
    engine = create_engine(url)
    with app.app_context():
        upgrade(revision="0017_event_language")
    with engine.begin() as connection:
        connection.execute(insert(Accord.__table__).values(
            id=1, slug="old", name="old", country="Colombia", signed_on=date(2016, 11, 24),
            signed_on_verified=True, kind="monitored", illustrative=False, public=True,
            revision=1, created_at=NOW))
        connection.execute(insert(EVENTS), [_event(1, "Reunion en Tibu"), _event(2, "Otra")])
        before = connection.execute(SCHEMA).all()
    with app.app_context():
        upgrade()
    with engine.begin() as connection:
        assert connection.execute(MATCH, {"phrase": '"tibu"'}).scalars().all() == [1]
        connection.execute(insert(EVENTS), [_event(3, "Tibu otra vez")])
        assert connection.execute(MATCH, {"phrase": '"tibu"'}).scalars().all() == [1, 3]
    with app.app_context():
        downgrade(revision="0017_event_language")
    with engine.begin() as connection:
        assert connection.execute(SCHEMA).all() == before
        connection.execute(insert(EVENTS), [_event(4, "Sin indice")])  # no trigger left over
    with app.app_context():
        upgrade()
    with engine.connect() as connection:
        assert connection.execute(MATCH, {"phrase": '"tibu"'}).scalars().all() == [1, 3]
        assert connection.execute(MATCH, {"phrase": '"indice"'}).scalars().all() == [4]
        assert connection.execute(sa.select(sa.func.count()).select_from(Event)).scalar() == 4
    engine.dispose()
