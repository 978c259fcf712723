"""Rules the database itself enforces."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from tracker.extensions import db
from tracker.models import Accord, Provision, RoleGrant, StatusRecord, User

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _record(demo, **values):
    provision = demo.provisions[0]
    row = {"accord_id": demo.id, "provision_id": provision.id, "level": 1,
           "effective_on": date(2020, 1, 1), "recorded_at": NOW, "review_state": "pending",
           "source": "web"}
    row.update(values)
    return db.session.execute(insert(StatusRecord).returning(StatusRecord.id), row).scalar()


def _refused(statement, params=None):
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(statement, params or {})


@pytest.mark.parametrize("values", [
    {"level": 4}, {"level": -1}, {"review_state": "maybe"}, {"source": "fax"},
])
def test_record_values_are_checked(demo, values):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            _record(demo, **values)


def test_accord_kind_and_slug_are_checked(demo):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Accord(slug="x", name="X", country="Y", signed_on=date(2000, 1, 1),
                                  kind="other"))
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Accord(slug=demo.slug, name="Copy", country="Y",
                                  signed_on=date(2000, 1, 1)))


def test_provision_codes_are_unique_within_an_accord(demo):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Provision(accord_id=demo.id, code=demo.provisions[0].code, version=1))


def test_role_must_be_known():
    user = User(email="r@example.org", password_hash="x", session_token="t")
    db.session.add(user)
    db.session.flush()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(RoleGrant(user_id=user.id, role="overlord"))


def test_records_cannot_be_deleted(demo):
    record_id = _record(demo, review_state="verified")
    _refused(delete(StatusRecord).where(StatusRecord.id == record_id))
    assert db.session.get(StatusRecord, record_id) is not None


@pytest.mark.parametrize("change", [
    {"level": 3}, {"effective_on": date(2021, 1, 1)}, {"note": "edited"},
    {"evidence_text": "swapped"}, {"provision_id": None},
])
def test_records_cannot_be_edited(demo, change):
    record_id = _record(demo)
    if change.get("provision_id", 1) is None:
        change = {"provision_id": demo.provisions[1].id}
    _refused(update(StatusRecord).where(StatusRecord.id == record_id).values(**change))


def test_a_pending_record_is_reviewed_once(demo):
    record_id = _record(demo)
    db.session.execute(update(StatusRecord).where(StatusRecord.id == record_id).values(
        review_state="verified", reviewed_at=NOW, review_reason="ok"))
    state = db.session.scalar(select(StatusRecord.review_state)
                              .where(StatusRecord.id == record_id))
    assert state == "verified"
    _refused(update(StatusRecord).where(StatusRecord.id == record_id)
             .values(review_state="rejected"))


def test_review_cannot_return_to_pending(demo):
    record_id = _record(demo)
    _refused(update(StatusRecord).where(StatusRecord.id == record_id)
             .values(review_state="pending", review_reason="again"))


def test_stale_provision_version_is_detected(demo):
    from sqlalchemy.orm.exc import StaleDataError

    provision = demo.provisions[0]
    db.session.execute(update(Provision).where(Provision.id == provision.id)
                       .values(version=Provision.version + 1),
                       execution_options={"synchronize_session": False})
    provision.version = provision.version + 1  # based on the version loaded before
    provision.responsible_actor = "someone else"
    with pytest.raises(StaleDataError):
        with db.session.begin_nested():
            db.session.flush()
