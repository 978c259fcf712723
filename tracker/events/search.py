"""The index that serves the events feed's search (`events.search_text`, the folded texts of
`domain.text.searchable`, written once with each event) without reading every event: a
trigram index, installed by migration 0018_event_search_index.

- PostgreSQL: a GIN index with `pg_trgm`'s `gin_trgm_ops` on `events.search_text`; the
  planner serves the search's `LIKE '%text%'` from it (for texts of 3 characters or more)
  or scans, as its statistics say.
- SQLite: an FTS5 table `events_search` with the trigram tokenizer (folding case, as the
  text already is: so it never misses what SQLite's LIKE, blind to ASCII case, would find),
  external content (it holds the index only; its rows are the events' ids and texts), kept by triggers on `events` (insert, a change of `search_text`,
  delete), so every way in (the web form, import-events, the workbook, the seed, a restore,
  a bulk insert, a hand-written statement) keeps it in step. A text of 3 characters or more
  is looked up as an FTS5 phrase (the events holding it as a substring, by its trigrams),
  then checked by the same LIKE as a shorter one: the result is the scan's, exactly.

A SQLite migration that rebuilds `events` (batch mode: copy, drop, rename) drops these
triggers with the old table: it must lift and put back `statements(..., triggers_only=True)`
as it does `events.triggers`' (the index itself keeps the same ids and stays valid).

Neither is a model: `outside_models` tells the model-migration comparison (and autogenerate)
to leave them alone.
"""
from __future__ import annotations

from sqlalchemy import literal_column, select, table, text

from .models import Event

#: The SQLite FTS5 table (and, with a "_" after it, the prefix of its shadow tables).
FTS_TABLE = "events_search"
#: The PostgreSQL trigram index.
TRGM_INDEX = "ix_events_search_trgm"
#: Shortest text (in characters, once folded) a trigram index can look up.
TRIGRAM = 3
#: Most events the SQLite index may find for the search to read them by id; beyond, it reads
#: every event (at 50,000 events, wall ms of a page with its total: 1,446 found, 31 by id
#: against 66 scanned; 11,275 found, 45 by id against 30 scanned).
FEW = 2000

_FTS_TRIGGERS = {
    "ai": f"""CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON events BEGIN
    INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (NEW.id, NEW.search_text);
END""",
    "ad": f"""CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON events BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
END""",
    "au": f"""CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF id, search_text ON events
    WHEN NEW.id IS NOT OLD.id OR NEW.search_text IS NOT OLD.search_text BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', OLD.id, OLD.search_text);
    INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (NEW.id, NEW.search_text);
END""",
}


def _sqlite(create: bool, triggers_only: bool) -> list[str]:
    if not create:
        dropped = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}" for name in _FTS_TRIGGERS]
        return dropped if triggers_only else dropped + [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
    found = [] if triggers_only else [
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='events',
    content_rowid='id', tokenize='trigram case_sensitive 0')""",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"]  # the events stored
    return found + list(_FTS_TRIGGERS.values())


def _postgresql(create: bool, triggers_only: bool) -> list[str]:
    if triggers_only:
        return []
    if not create:
        # pg_trgm stays: it may have been there before, or serve others (it holds only
        # functions and operator classes)
        return [f"DROP INDEX IF EXISTS {TRGM_INDEX}"]
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",  # trusted: a database owner may
            f"CREATE INDEX {TRGM_INDEX} ON events USING gin (search_text gin_trgm_ops)"]


def statements(dialect: str, create: bool = True, triggers_only: bool = False) -> list[str]:
    """Migration 0018's statements for `dialect` ("sqlite" or "postgresql"): to create the
    search index and fill it from the events stored (or, create=False, to drop it);
    `triggers_only`: only SQLite's triggers that keep it (none on PostgreSQL), for a
    migration that rebuilds `events`. RuntimeError for another database."""
    if dialect == "sqlite":
        return _sqlite(create, triggers_only)
    if dialect == "postgresql":
        return _postgresql(create, triggers_only)
    raise RuntimeError(f"no event search index written for {dialect}")


def holding(folded: str, session) -> list:
    """The conditions on `Event` that an event's search text holds `folded` (already
    `domain.text.without_accents`, stripped) as a substring, `%` and `_` as themselves: the
    LIKE, which decides, and before it what lets the database read fewer events:

    - SQLite, `folded` of TRIGRAM characters or more: the ids of the events the FTS5 index
      finds it in, read first (at most FEW + 1 of them), when there are at most FEW; else
      none (the LIKE then reads every event, or walks the date index to the page, as cheap
      as the index for a text most events hold);
    - PostgreSQL: the search is planned for its own text (`SET LOCAL plan_cache_mode`, for
      the transaction): psycopg prepares a statement run 5 times on a connection (an
      export's chunks), and PostgreSQL's generic plan of `LIKE $1` guesses few matches and
      reads the trigram index for any text: all of it for "de" (130 ms where a scan takes
      30 at 50,000 events).

    `session`: the SQLAlchemy session the conditions will be run in (read, and on
    PostgreSQL set, by this call)."""
    found = [Event.search_text.contains(folded, autoescape=True)]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    elif dialect == "sqlite" and len(folded) >= TRIGRAM:
        phrase = '"' + folded.replace('"', '""') + '"'  # FTS5's quoting: all else is text
        ids = session.scalars(
            select(literal_column("rowid")).select_from(table(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :search_phrase").bindparams(search_phrase=phrase))
            .limit(FEW + 1)).all()
        if len(ids) <= FEW:
            found.insert(0, Event.id.in_(ids))
    return found


def outside_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: False for the search index's objects (the FTS5 table and
    its shadow tables, the trigram index), which no model declares; True for the rest."""
    if type_ == "table" and name and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    return not (type_ == "index" and name == TRGM_INDEX)
