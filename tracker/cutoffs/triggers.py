"""Database triggers that make published cut-offs immutable, for SQLite and PostgreSQL.

Refused: any UPDATE and DELETE (and, on PostgreSQL, TRUNCATE); on SQLite also an INSERT
that would replace an existing cut-off (`INSERT OR REPLACE` deletes without firing DELETE
triggers unless recursive triggers are on). Superseding is a new row. Used by the migration
that installs them.
"""

MESSAGE = "published cut-offs cannot be changed or deleted; publish a new one"

SQLITE_CREATE = [
    f"""CREATE TRIGGER cutoffs_no_delete BEFORE DELETE ON cutoffs
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER cutoffs_no_update BEFORE UPDATE ON cutoffs
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER cutoffs_no_replace BEFORE INSERT ON cutoffs
    WHEN EXISTS (SELECT 1 FROM cutoffs WHERE id = NEW.id
                 OR (accord_id = NEW.accord_id AND label = NEW.label)
                 OR (NEW.supersedes_id IS NOT NULL AND supersedes_id = NEW.supersedes_id))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS cutoffs_no_replace",
               "DROP TRIGGER IF EXISTS cutoffs_no_update",
               "DROP TRIGGER IF EXISTS cutoffs_no_delete"]

POSTGRESQL_CREATE = [
    f"""CREATE FUNCTION cutoffs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END $$""",
    """CREATE TRIGGER cutoffs_immutable BEFORE UPDATE OR DELETE ON cutoffs
    FOR EACH ROW EXECUTE FUNCTION cutoffs_immutable()""",
    """CREATE TRIGGER cutoffs_no_truncate BEFORE TRUNCATE ON cutoffs
    FOR EACH STATEMENT EXECUTE FUNCTION cutoffs_immutable()""",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS cutoffs_no_truncate ON cutoffs",
                   "DROP TRIGGER IF EXISTS cutoffs_immutable ON cutoffs",
                   "DROP FUNCTION IF EXISTS cutoffs_immutable()"]


SNAPSHOT_MESSAGE = "published cut-off snapshots cannot be changed or deleted"

SNAPSHOT_SQLITE_CREATE = [
    f"""CREATE TRIGGER cutoff_snapshots_no_delete BEFORE DELETE ON cutoff_snapshots
    BEGIN SELECT RAISE(ABORT, '{SNAPSHOT_MESSAGE}'); END""",
    f"""CREATE TRIGGER cutoff_snapshots_no_update BEFORE UPDATE ON cutoff_snapshots
    BEGIN SELECT RAISE(ABORT, '{SNAPSHOT_MESSAGE}'); END""",
    f"""CREATE TRIGGER cutoff_snapshots_no_replace BEFORE INSERT ON cutoff_snapshots
    WHEN EXISTS (SELECT 1 FROM cutoff_snapshots WHERE cutoff_id = NEW.cutoff_id)
    BEGIN SELECT RAISE(ABORT, '{SNAPSHOT_MESSAGE}'); END""",
]
SNAPSHOT_SQLITE_DROP = ["DROP TRIGGER IF EXISTS cutoff_snapshots_no_replace",
                        "DROP TRIGGER IF EXISTS cutoff_snapshots_no_update",
                        "DROP TRIGGER IF EXISTS cutoff_snapshots_no_delete"]
SNAPSHOT_POSTGRESQL_CREATE = [
    f"""CREATE FUNCTION cutoff_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{SNAPSHOT_MESSAGE}';
    END $$""",
    """CREATE TRIGGER cutoff_snapshots_immutable BEFORE UPDATE OR DELETE ON cutoff_snapshots
    FOR EACH ROW EXECUTE FUNCTION cutoff_snapshots_immutable()""",
    """CREATE TRIGGER cutoff_snapshots_no_truncate BEFORE TRUNCATE ON cutoff_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION cutoff_snapshots_immutable()""",
]
SNAPSHOT_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS cutoff_snapshots_no_truncate ON cutoff_snapshots",
    "DROP TRIGGER IF EXISTS cutoff_snapshots_immutable ON cutoff_snapshots",
    "DROP FUNCTION IF EXISTS cutoff_snapshots_immutable()"]


def snapshot_statements(dialect: str, create: bool = True) -> list[str]:
    """SQL that makes the cutoff_snapshots table immutable (or undoes it), per dialect."""
    if dialect == "sqlite":
        return SNAPSHOT_SQLITE_CREATE if create else SNAPSHOT_SQLITE_DROP
    if dialect == "postgresql":
        return SNAPSHOT_POSTGRESQL_CREATE if create else SNAPSHOT_POSTGRESQL_DROP
    raise RuntimeError(f"no cut-off snapshot triggers written for {dialect}")


def statements(dialect: str, create: bool = True) -> list[str]:
    """SQL that makes the cutoffs table immutable (or undoes it), per dialect."""
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    raise RuntimeError(f"no cut-off triggers written for {dialect}")
