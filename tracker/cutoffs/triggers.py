"""Database triggers that make published cut-offs and their snapshots immutable, for SQLite
and PostgreSQL.

Refused: any UPDATE and DELETE (and, on PostgreSQL, TRUNCATE); on SQLite also an INSERT
that would replace an existing row (`INSERT OR REPLACE` deletes without firing DELETE
triggers unless recursive triggers are on). Superseding is a new row. Used by the migrations
that install them (0006 for cut-offs, 0010 for snapshots): the SQL must stay as it is.
"""

MESSAGE = "published cut-offs cannot be changed or deleted; publish a new one"
SNAPSHOT_MESSAGE = "published cut-off snapshots cannot be changed or deleted"


def _immutable(table: str, message: str, replaced_when: str) -> dict[str, tuple[list, list]]:
    """dialect -> (create, drop) statements refusing UPDATE/DELETE/TRUNCATE on `table`, and
    on SQLite an INSERT whose row matches `replaced_when` (an SQL condition over `table`'s
    rows and NEW)."""
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    sqlite_create = [
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    {raise_}""",
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    {raise_}""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
    WHEN EXISTS (SELECT 1 FROM {table} WHERE {replaced_when})
    {raise_}""",
    ]
    sqlite_drop = [f"DROP TRIGGER IF EXISTS {table}_no_{what}"
                   for what in ("replace", "update", "delete")]
    postgresql_create = [
        f"""CREATE FUNCTION {table}_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{message}';
    END $$""",
        f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_immutable()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_immutable()""",
    ]
    postgresql_drop = [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                       f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}",
                       f"DROP FUNCTION IF EXISTS {table}_immutable()"]
    return {"sqlite": (sqlite_create, sqlite_drop),
            "postgresql": (postgresql_create, postgresql_drop)}


_CUTOFFS = _immutable("cutoffs", MESSAGE, """id = NEW.id
                 OR (accord_id = NEW.accord_id AND label = NEW.label)
                 OR (NEW.supersedes_id IS NOT NULL AND supersedes_id = NEW.supersedes_id)""")
_SNAPSHOTS = _immutable("cutoff_snapshots", SNAPSHOT_MESSAGE, "cutoff_id = NEW.cutoff_id")


def _pick(found: dict, dialect: str, create: bool, what: str) -> list[str]:
    if dialect not in found:
        raise RuntimeError(f"no {what} triggers written for {dialect}")
    return found[dialect][0 if create else 1]


def statements(dialect: str, create: bool = True) -> list[str]:
    """SQL that makes the cutoffs table immutable (or undoes it), per dialect."""
    return _pick(_CUTOFFS, dialect, create, "cut-off")


def snapshot_statements(dialect: str, create: bool = True) -> list[str]:
    """SQL that makes the cutoff_snapshots table immutable (or undoes it), per dialect."""
    return _pick(_SNAPSHOTS, dialect, create, "cut-off snapshot")
