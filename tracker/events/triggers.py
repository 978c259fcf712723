"""Database triggers that keep events, sources, their links and attachments as history, for
SQLite and PostgreSQL (installed by migration 0013_places_events; the SQL must stay as it is).

- `events` and `sources`: no DELETE (nor TRUNCATE, nor SQLite's `INSERT OR REPLACE`); the one
  UPDATE taken is the single review decision of a pending row (review_state pending ->
  verified/rejected, with reviewer, moment and reason), as for status records.
- `event_provisions`, `event_sources`, `attachments`: immutable (no UPDATE, no DELETE).

- `events.language` (added by migration 0017_event_language, after the triggers above were
  written): never changed, by its own trigger (`language_statements`), so the older
  migrations that install the triggers above never name a column they do not have yet.

Every message holds `tracker.triggers.APPEND_ONLY_MARK`, so a refused write is recognised as
a concurrent review (HTTP 409), not a fault.
"""
from __future__ import annotations

from ..cutoffs.triggers import _immutable
from ..triggers import APPEND_ONLY_MARK

REVIEW_COLUMNS = ("review_state", "reviewed_by_id", "reviewed_at", "review_reason")
_REVIEWED = {
    "events": ("id", "accord_id", "occurred_on", "ended_on", "title", "title_translated",
               "description", "description_translated", "place_id", "actors", "origin",
               "submitted_by_id", "submitted_at"),
    "sources": ("id", "accord_id", "title", "kind", "publisher", "published_on", "url",
                "language", "attachment_sha256", "attachment_name", "origin",
                "submitted_by_id", "submitted_at"),
}
_IMMUTABLE = {
    "event_provisions": "event_id = NEW.event_id AND provision_id = NEW.provision_id",
    "event_sources": "event_id = NEW.event_id AND source_id = NEW.source_id",
    "attachments": "sha256 = NEW.sha256",
}


def _message(table: str) -> str:
    what = table.replace("_", " ")
    return f"{what} are {APPEND_ONLY_MARK}: only a pending row may be reviewed, once"


def _reviewed_sqlite(table: str, columns: tuple[str, ...]) -> list[str]:
    message = _message(table)
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return [
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}\n    {raise_}",
        f"""CREATE TRIGGER {table}_review_only BEFORE UPDATE ON {table}
    WHEN OLD.review_state <> 'pending' OR NEW.review_state = 'pending' OR {changed}
    {raise_}""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
    {raise_}""",
    ]


def _reviewed_postgresql(table: str, columns: tuple[str, ...]) -> list[str]:
    message = _message(table)
    distinct = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION '{message}';
        END IF;
        IF OLD.review_state <> 'pending' OR NEW.review_state = 'pending' OR {distinct} THEN
            RAISE EXCEPTION '{message}';
        END IF;
        RETURN NEW;
    END $$""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    ]


def _reviewed_drop(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_{what}"
                for what in ("no_replace", "review_only", "no_delete")]
    return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()"]


def statements(dialect: str, create: bool = True) -> list[str]:
    """Migration 0013's trigger statements for `dialect` ("sqlite" or "postgresql"), to
    create (or, with create=False, drop) them; RuntimeError for another database."""
    if dialect not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no event triggers written for {dialect}")
    found: list[str] = []
    for table, columns in _REVIEWED.items():
        if not create:
            found += _reviewed_drop(table, dialect)
        elif dialect == "sqlite":
            found += _reviewed_sqlite(table, columns)
        else:
            found += _reviewed_postgresql(table, columns)
    for table, replaced_when in _IMMUTABLE.items():
        message = f"{table.replace('_', ' ')} are {APPEND_ONLY_MARK}: never changed or removed"
        found += _immutable(table, message, replaced_when)[dialect][0 if create else 1]
    return found


#: Columns of `events` added after migration 0013, guarded by triggers of their own that the
#: migration adding them installs (`language_statements`); a SQLite migration that rebuilds
#: the table must lift and put back these too, and the search index's (migration 0018,
#: `events.search.statements(dialect, triggers_only=True)`).
LATER_COLUMNS = ("language",)


def language_statements(dialect: str, create: bool = True) -> list[str]:
    """Migration 0017's statements refusing any change of `events.language` (the language an
    event's title and description are written in) on `dialect` ("sqlite" or "postgresql"),
    to create (or, with create=False, drop) them; RuntimeError for another database."""
    message = _message("events")
    if dialect == "sqlite":
        if not create:
            return ["DROP TRIGGER IF EXISTS events_language_fixed"]
        return [f"""CREATE TRIGGER events_language_fixed BEFORE UPDATE OF language ON events
    WHEN NEW.language IS NOT OLD.language
    BEGIN SELECT RAISE(ABORT, '{message}'); END"""]
    if dialect == "postgresql":
        if not create:
            return ["DROP TRIGGER IF EXISTS events_language_fixed ON events",
                    "DROP FUNCTION IF EXISTS events_language_fixed()"]
        return [f"""CREATE FUNCTION events_language_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{message}';
    END $$""",
                """CREATE TRIGGER events_language_fixed BEFORE UPDATE OF language ON events
    FOR EACH ROW WHEN (NEW.language IS DISTINCT FROM OLD.language)
    EXECUTE FUNCTION events_language_fixed()"""]
    raise RuntimeError(f"no event triggers written for {dialect}")
