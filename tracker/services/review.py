"""Review decisions: the rule every review follows (status records, events, sources), the
one UPDATE the append-only triggers let through, and the review of a status record."""
from __future__ import annotations

from ..domain.messages import N_
from ..extensions import db
from ..models import StatusRecord, utcnow
from .status import record_json
from .transaction import Invalid, NotPending, acting_user, audit, committing, lock_accord


def check_decision(decision: str, reason: str) -> None:
    """The rule of every review (status records, events, sources): verify, or reject with a
    reason. Raises Invalid naming the field."""
    if decision not in ("verified", "rejected"):
        raise Invalid({"decision": N_("the decision must be verify or reject")})
    if decision == "rejected" and not reason.strip():
        raise Invalid({"reason": N_("a reason is required to reject a submission")})


def decide(row, decision: str, reason: str, user_id: int | None) -> None:
    """Write a review decision on a pending row (a status record, an event, a source): the
    one UPDATE the append-only triggers let through."""
    row.review_state = decision
    row.reviewed_by_id = user_id
    row.reviewed_at = utcnow()
    row.review_reason = reason.strip() or None


def review(record: StatusRecord, decision: str, reason: str) -> StatusRecord:
    """Verify or reject a pending record, once. Official figures change on verification.
    Verifying one that cites an event not verified raises `events.citations.
    CitesUnverified` (409), writing nothing."""
    check_decision(decision, reason)
    if record.review_state != "pending":
        raise NotPending(f"record {record.id} was already {record.review_state}")
    user_id, _ = acting_user()
    with committing(lambda: NotPending(f"record {record.id} changed while it was reviewed")):
        lock_accord(record.accord_id, record.provision)
        db.session.refresh(record)  # another coordinator may have decided while we waited
        if record.review_state != "pending":
            raise NotPending(f"record {record.id} was already {record.review_state}")
        if decision == "verified":
            from ..events.citations import verifiable

            verifiable(record)
        before = record_json(record)
        decide(record, decision, reason, user_id)
        record.provision.version += 1
        audit(f"status.{decision}", "status_record", record.id,
              accord_id=record.accord_id, before=before, after=record_json(record))
    return record
