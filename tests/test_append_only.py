"""The history is append-only all the way down: raw SQL that would rewrite or remove a status
record, an audit event or a priority change is refused by the database itself, on SQLite and
on PostgreSQL (migration 0004 with 0001)."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DatabaseError

from tracker.extensions import db
from tracker.models import AuditEvent, PriorityChange, StatusRecord, User

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@pytest.fixture
def rows(demo):
    """One verified status record, one audit event and one priority change, by one user."""
    user = User(email="author@example.org", password_hash="x", session_token="t-author")
    db.session.add(user)
    db.session.flush()
    provision = demo.provisions[0]
    record = db.session.execute(insert(StatusRecord).returning(StatusRecord.id), {
        "accord_id": demo.id, "provision_id": provision.id, "level": 2,
        "effective_on": date(2020, 1, 1), "recorded_at": NOW, "review_state": "verified",
        "source": "web", "recorded_by_id": user.id, "evidence_text": "Decree 1"}).scalar()
    event = AuditEvent(user_id=user.id, actor=user.email, action="status.record",
                       object_type="status_record", object_id=record, accord_id=demo.id,
                       after={"level": 2})
    change = PriorityChange(provision_id=provision.id, priority=True,
                            effective_on=date(2020, 1, 1), reason="First", author_id=user.id)
    db.session.add_all([event, change])
    db.session.flush()
    return {"status_records": record, "audit_events": event.id, "priority_changes": change.id,
            "user": user.id, "provision": provision.id, "accord": demo.id}


def _refused(sql: str, **params) -> None:
    with pytest.raises(DatabaseError) as caught:
        with db.session.begin_nested():
            db.session.execute(text(sql), params)
    assert "append-only" in str(caught.value)


def _snapshot(ids) -> dict:
    db.session.expire_all()
    return {
        "status_records": db.session.execute(select(
            StatusRecord.level, StatusRecord.review_state, StatusRecord.evidence_text)
            .where(StatusRecord.id == ids["status_records"])).one(),
        "audit_events": db.session.execute(select(AuditEvent.action, AuditEvent.actor)
                                           .where(AuditEvent.id == ids["audit_events"])).one(),
        "priority_changes": db.session.execute(select(PriorityChange.priority,
                                                      PriorityChange.reason)
                                               .where(PriorityChange.id ==
                                                      ids["priority_changes"])).one(),
    }


REPLACE = {
    "status_records": "INSERT OR REPLACE INTO status_records (id, accord_id, provision_id, "
                      "level, effective_on, recorded_at, source, review_state) VALUES "
                      "(:id, :accord, :provision, 0, '2020-01-01', '2024-01-01 00:00:00', "
                      "'web', 'pending')",
    "audit_events": "REPLACE INTO audit_events (id, at, actor, action, object_type) VALUES "
                    "(:id, '2024-01-01 00:00:00', 'forger', 'nothing', 'none')",
    "priority_changes": "INSERT OR REPLACE INTO priority_changes (id, provision_id, priority, "
                        "effective_on, reason, recorded_at) VALUES (:id, :provision, 0, "
                        "'2020-01-01', 'rewritten', '2024-01-01 00:00:00')",
}


@pytest.mark.parametrize("table", sorted(REPLACE))
def test_insert_or_replace_cannot_overwrite_history_on_sqlite(rows, table):
    if _dialect() != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    before = _snapshot(rows)
    _refused(REPLACE[table], id=rows[table], accord=rows["accord"], provision=rows["provision"])
    assert _snapshot(rows) == before


def test_sqlite_connections_fire_delete_triggers_on_replace(rows):
    if _dialect() != "sqlite":
        pytest.skip("a SQLite setting")
    assert db.session.execute(text("PRAGMA recursive_triggers")).scalar() == 1


@pytest.mark.parametrize("statement", [
    # level_changes (the level-change summary) and status_record_events (the events a record
    # cites) refer to status_records: a TRUNCATE of the history must name them too, or
    # PostgreSQL refuses it for the foreign key before any trigger
    "TRUNCATE status_records, level_changes, status_record_events", "TRUNCATE audit_events",
    "TRUNCATE priority_changes", "TRUNCATE status_record_events",
    "TRUNCATE status_records, level_changes, status_record_events, audit_events, "
    "priority_changes",
    "TRUNCATE accords CASCADE", "TRUNCATE users CASCADE",
])
def test_truncate_cannot_remove_history_on_postgresql(rows, statement):
    if _dialect() != "postgresql":
        pytest.skip("TRUNCATE triggers are PostgreSQL's")
    before = _snapshot(rows)
    _refused(statement)
    assert _snapshot(rows) == before


UPSERT = {
    "status_records": "INSERT INTO status_records (id, accord_id, provision_id, level, "
                      "effective_on, recorded_at, source, review_state) VALUES (:id, :accord, "
                      ":provision, 0, '2020-01-01', '2024-01-01 00:00:00', 'web', 'pending') "
                      "ON CONFLICT (id) DO UPDATE SET level = 0",
    "audit_events": "INSERT INTO audit_events (id, at, actor, action, object_type) VALUES "
                    "(:id, '2024-01-01 00:00:00', 'forger', 'x', 'y') "
                    "ON CONFLICT (id) DO UPDATE SET action = 'nothing happened'",
    "priority_changes": "INSERT INTO priority_changes (id, provision_id, priority, "
                        "effective_on, reason, recorded_at) VALUES (:id, :provision, false, "
                        "'2020-01-01', 'x', '2024-01-01 00:00:00') "
                        "ON CONFLICT (id) DO UPDATE SET reason = 'rewritten'",
}
EDITS = {
    "status_records": ["UPDATE status_records SET level = 0 WHERE id = :id",
                       "UPDATE status_records SET review_state = 'rejected' WHERE id = :id",
                       "DELETE FROM status_records WHERE id = :id"],
    "audit_events": ["UPDATE audit_events SET action = 'nothing happened' WHERE id = :id",
                     "UPDATE audit_events SET actor = 'someone else' WHERE id = :id",
                     "UPDATE audit_events SET user_id = NULL, action = 'x' WHERE id = :id",
                     "DELETE FROM audit_events WHERE id = :id", "DELETE FROM audit_events"],
    "priority_changes": ["UPDATE priority_changes SET reason = 'rewritten' WHERE id = :id",
                         "UPDATE priority_changes SET priority = NOT priority WHERE id = :id",
                         "DELETE FROM priority_changes WHERE id = :id"],
}


@pytest.mark.parametrize("table, sql", [(t, UPSERT[t]) for t in sorted(UPSERT)]
                         + [(t, sql) for t in sorted(EDITS) for sql in EDITS[t]])
def test_history_cannot_be_rewritten_or_removed(rows, table, sql):
    if _dialect() == "sqlite":
        sql = sql.replace("false", "0")
    before = _snapshot(rows)
    _refused(sql, id=rows[table], accord=rows["accord"], provision=rows["provision"])
    assert _snapshot(rows) == before


def test_deleting_a_user_keeps_their_history_and_clears_the_link(demo):
    """The one UPDATE the audit log and priority changes take: a foreign key set to NULL
    when the user it names is deleted."""
    user = User(email="leaver@example.org", password_hash="x", session_token="t-leaver")
    db.session.add(user)
    db.session.flush()
    event = AuditEvent(user_id=user.id, actor=user.email, action="priority.set",
                       object_type="provision", object_id=demo.provisions[0].id)
    change = PriorityChange(provision_id=demo.provisions[0].id, priority=True,
                            effective_on=date(2020, 1, 1), reason="Kept", author_id=user.id)
    db.session.add_all([event, change])
    db.session.flush()
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    db.session.expire_all()
    assert tuple(db.session.execute(text(
        "SELECT user_id, action, actor FROM audit_events WHERE id = :id"), {"id": event.id})
        .one()) == (None, "priority.set", "leaver@example.org")
    assert tuple(db.session.execute(text(
        "SELECT author_id, reason FROM priority_changes WHERE id = :id"), {"id": change.id})
        .one()) == (None, "Kept")


def test_new_rows_are_still_accepted(rows, demo):
    db.session.execute(text(
        "INSERT INTO audit_events (at, actor, action, object_type) VALUES "
        "('2024-01-02 00:00:00', 'system', 'test.append', 'none')"))
    with db.session.begin_nested():
        db.session.add(PriorityChange(provision_id=rows["provision"], priority=False,
                                      effective_on=date(2021, 1, 1), reason="Second"))
    count = db.session.scalar(select(db.func.count()).select_from(PriorityChange)
                              .where(PriorityChange.provision_id == rows["provision"]))
    assert count == 2


@pytest.mark.parametrize("table, key", [("accords", "accord"), ("provisions", "provision")])
def test_the_rows_history_hangs_from_cannot_be_deleted(rows, table, key):
    """SQLite: a trigger refuses, whatever the connection's foreign-key setting (a plain shell
    has them off); PostgreSQL: the foreign keys, which have no cascade."""
    before = _snapshot(rows)
    with pytest.raises(DatabaseError) as caught:
        with db.session.begin_nested():
            db.session.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": rows[key]})
    if _dialect() == "sqlite":
        assert "history hangs from this row" in str(caught.value)
    assert _snapshot(rows) == before
