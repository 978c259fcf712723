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
