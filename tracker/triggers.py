"""Database triggers that make status records append-only, for SQLite and PostgreSQL.

Refused: any DELETE, and any UPDATE except the one review decision of a pending record
(review_state pending -> verified/rejected, with reviewer, time and reason). Used by the
migration that installs them; kept here so tests and the restore command can name them.
"""

IMMUTABLE_COLUMNS = ("id", "accord_id", "provision_id", "level", "effective_on", "recorded_at",
                     "recorded_by_id", "evidence_url", "evidence_text", "note", "source",
                     "corrects_id")
MESSAGE = "status records are append-only: only a pending record may be reviewed, once"

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in IMMUTABLE_COLUMNS)
_distinct = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE_COLUMNS)

SQLITE_CREATE = [
    f"""CREATE TRIGGER status_records_no_delete BEFORE DELETE ON status_records
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER status_records_review_only BEFORE UPDATE ON status_records
    WHEN OLD.review_state <> 'pending' OR NEW.review_state = 'pending' OR {_changed}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS status_records_review_only",
               "DROP TRIGGER IF EXISTS status_records_no_delete"]

POSTGRESQL_CREATE = [
    f"""CREATE FUNCTION status_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        IF OLD.review_state <> 'pending' OR NEW.review_state = 'pending' OR {_distinct} THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER status_records_append_only BEFORE UPDATE OR DELETE ON status_records
    FOR EACH ROW EXECUTE FUNCTION status_records_append_only()""",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS status_records_append_only ON status_records",
                   "DROP FUNCTION IF EXISTS status_records_append_only()"]


def statements(dialect: str, create: bool = True) -> list[str]:
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    raise RuntimeError(f"no append-only triggers written for {dialect}")


# Published cut-offs never change: no UPDATE, no DELETE (superseding is a new row).
CUTOFF_MESSAGE = "published cut-offs cannot be changed or deleted; publish a new one"

CUTOFF_SQLITE_CREATE = [
    f"""CREATE TRIGGER cutoffs_no_delete BEFORE DELETE ON cutoffs
    BEGIN SELECT RAISE(ABORT, '{CUTOFF_MESSAGE}'); END""",
    f"""CREATE TRIGGER cutoffs_no_update BEFORE UPDATE ON cutoffs
    BEGIN SELECT RAISE(ABORT, '{CUTOFF_MESSAGE}'); END""",
]
CUTOFF_SQLITE_DROP = ["DROP TRIGGER IF EXISTS cutoffs_no_update",
                      "DROP TRIGGER IF EXISTS cutoffs_no_delete"]
CUTOFF_POSTGRESQL_CREATE = [
    f"""CREATE FUNCTION cutoffs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{CUTOFF_MESSAGE}';
    END $$""",
    """CREATE TRIGGER cutoffs_immutable BEFORE UPDATE OR DELETE ON cutoffs
    FOR EACH ROW EXECUTE FUNCTION cutoffs_immutable()""",
    """CREATE TRIGGER cutoffs_no_truncate BEFORE TRUNCATE ON cutoffs
    FOR EACH STATEMENT EXECUTE FUNCTION cutoffs_immutable()""",
]
CUTOFF_POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS cutoffs_no_truncate ON cutoffs",
                          "DROP TRIGGER IF EXISTS cutoffs_immutable ON cutoffs",
                          "DROP FUNCTION IF EXISTS cutoffs_immutable()"]


def cutoff_statements(dialect: str, create: bool = True) -> list[str]:
    """SQL that makes the cutoffs table immutable (or undoes it), per dialect."""
    if dialect == "sqlite":
        return CUTOFF_SQLITE_CREATE if create else CUTOFF_SQLITE_DROP
    if dialect == "postgresql":
        return CUTOFF_POSTGRESQL_CREATE if create else CUTOFF_POSTGRESQL_DROP
    raise RuntimeError(f"no cut-off triggers written for {dialect}")
