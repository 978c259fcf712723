"""Database triggers that keep the history append-only, for SQLite and PostgreSQL.

Status records (migration 0001): refused, any DELETE, and any UPDATE except the one review
decision of a pending record (review_state pending -> verified/rejected, with reviewer, time
and reason). Migration 0004 closes the other ways a row can be rewritten or removed, on every
append-only table (status records, audit events, priority changes): SQLite's `INSERT OR
REPLACE` (it deletes the old row without firing DELETE triggers unless recursive triggers are
on), PostgreSQL's `TRUNCATE` (row triggers do not fire on it), and UPDATE or DELETE of audit
events and priority changes. The one UPDATE those two tables take is a foreign key clearing a
link to a deleted user or accord (the actor's name stays in the row).

Each function returns the statements of one migration, so a migration installs exactly what
it installed when it was written.
"""

IMMUTABLE_COLUMNS = ("id", "accord_id", "provision_id", "level", "effective_on", "recorded_at",
                     "recorded_by_id", "evidence_url", "evidence_text", "note", "source",
                     "corrects_id")
#: Every refusal's message holds this mark, so the web layer can recognise it.
APPEND_ONLY_MARK = "append-only"
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
    """Migration 0001's statements for `dialect` ("sqlite" or "postgresql"); RuntimeError
    for another database."""
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    raise RuntimeError(f"no append-only triggers written for {dialect}")


# --- migration 0004: append-only all the way down ---------------------------------------------

#: Append-only tables: name -> (columns an UPDATE may change, and only to NULL; message).
APPEND_ONLY_TABLES = {
    "status_records": ((), MESSAGE),
    "audit_events": (("user_id", "accord_id"),
                     "audit events are append-only: they are never edited or removed"),
    "priority_changes": (("author_id",),
                         "priority changes are append-only: a new change replaces a flag"),
}
_COLUMNS = {
    "audit_events": ("id", "at", "user_id", "actor", "action", "object_type", "object_id",
                     "accord_id", "before", "after", "request_id"),
    "priority_changes": ("id", "provision_id", "priority", "effective_on", "reason",
                         "author_id", "recorded_at"),
}


def _only_links_cleared(table: str, dialect: str) -> str:
    """SQL true when an UPDATE changes nothing but clearing nullable links (foreign keys
    set to NULL when the user or accord they name is deleted)."""
    clearable = APPEND_ONLY_TABLES[table][0]
    if dialect == "sqlite":
        differs, same, cast = "IS NOT", "IS", ""
    else:  # PostgreSQL's json has no equality operator: compare values as text
        differs, same, cast = "IS DISTINCT FROM", "IS NOT DISTINCT FROM", "::text"
    kept = " OR ".join(f"NEW.{c}{cast} {differs} OLD.{c}{cast}"
                       for c in _COLUMNS[table] if c not in clearable)
    cleared = " AND ".join(f"(NEW.{c} IS NULL OR NEW.{c} {same} OLD.{c})" for c in clearable)
    return f"NOT ({kept}) AND {cleared}"


def _sqlite_0004() -> list[str]:
    created = []
    for table, (_clearable, message) in APPEND_ONLY_TABLES.items():
        created.append(f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{message}'); END""")
        if table == "status_records":
            continue  # 0001 refuses its deletes and updates
        created.append(f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, '{message}'); END""")
        created.append(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    WHEN NOT ({_only_links_cleared(table, 'sqlite')})
    BEGIN SELECT RAISE(ABORT, '{message}'); END""")
    return created


def _sqlite_0004_drop() -> list[str]:
    dropped = []
    for table in APPEND_ONLY_TABLES:
        dropped.append(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        if table != "status_records":
            dropped += [f"DROP TRIGGER IF EXISTS {table}_no_delete",
                        f"DROP TRIGGER IF EXISTS {table}_no_update"]
    return dropped


def _postgresql_0004() -> list[str]:
    created = []
    for table, (_clearable, message) in APPEND_ONLY_TABLES.items():
        created.append(f"""CREATE FUNCTION {table}_no_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$""")
        created.append(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate()""")
        if table == "status_records":
            continue
        created.append(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NOT ({_only_links_cleared(table, 'postgresql')}) THEN
            RAISE EXCEPTION '{message}';
        END IF;
        RETURN NEW;
    END $$""")
        created.append(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE
    ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
    return created


def _postgresql_0004_drop() -> list[str]:
    dropped = []
    for table in APPEND_ONLY_TABLES:
        dropped += [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                    f"DROP FUNCTION IF EXISTS {table}_no_truncate()"]
        if table != "status_records":
            dropped += [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                        f"DROP FUNCTION IF EXISTS {table}_append_only()"]
    return dropped


def everywhere(dialect: str, create: bool = True) -> list[str]:
    """Migration 0004's statements for `dialect` ("sqlite" or "postgresql"); RuntimeError
    for another database."""
    if dialect == "sqlite":
        return _sqlite_0004() if create else _sqlite_0004_drop()
    if dialect == "postgresql":
        return _postgresql_0004() if create else _postgresql_0004_drop()
    raise RuntimeError(f"no append-only triggers written for {dialect}")


#: The rows history hangs from: an accord or a provision that holds status records cannot
#: be deleted, whatever the connection's foreign-key setting (SQLite leaves foreign keys off
#: in a plain shell, where such a delete would orphan the history). PostgreSQL always
#: enforces the foreign keys, which have no cascade.
PARENT_MESSAGE = "history hangs from this row: an accord or provision with status records " \
                 "cannot be deleted"
_PARENTS = {"accords": "accord_id", "provisions": "provision_id"}


def history_parents(dialect: str, create: bool = True) -> list[str]:
    """Migration 0007's statements: SQLite triggers refusing DELETE of an accord or a
    provision that status records name; nothing on PostgreSQL (its foreign keys refuse)."""
    if dialect == "postgresql":
        return []
    if dialect != "sqlite":
        raise RuntimeError(f"no history triggers written for {dialect}")
    if not create:
        return [f"DROP TRIGGER IF EXISTS {table}_keep_history" for table in _PARENTS]
    return [f"""CREATE TRIGGER {table}_keep_history BEFORE DELETE ON {table}
    WHEN EXISTS (SELECT 1 FROM status_records WHERE {column} = OLD.id)
    BEGIN SELECT RAISE(ABORT, '{PARENT_MESSAGE}'); END""" for table, column in _PARENTS.items()]
