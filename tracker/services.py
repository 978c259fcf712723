"""The writes: status records, reviews, priority flags, each audited in one transaction.

Every function here either commits everything it was asked to do, or raises and leaves the
database as it was. Validation rules live in `domain.rules`; permissions are checked by the
caller (`permissions`), because the caller knows who is asking and answers 403.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from . import storage
from .domain import metrics
from .domain.messages import N_
from .domain.resubmit import RESUBMIT_WINDOW, repeats
from .domain.rules import Submission, deadline_problem, problems
from .extensions import db
from .models import (Accord, AuditEvent, PriorityChange, Provision, StatusRecord, UploadBatch,
                     utcnow)
from .storage import Unavailable  # noqa: F401  (raised by the writes here)


class Conflict(Exception):
    """The provision changed since the form or workbook was made (HTTP 409)."""

    def __init__(self, provision: Provision, newer: StatusRecord | None):
        self.provision = provision
        self.newer = newer
        super().__init__(f"provision {provision.code} changed since version was read")


class Invalid(Exception):
    """The submission breaks rules; `errors` maps field names to reasons (HTTP 400)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@contextmanager
def _committing(on_race):
    """Commit what the block adds, or roll all of it back: the one commit-or-rollback of
    every write here.

    A concurrent writer caught by the provision's version column, or by the append-only
    triggers (a record reviewed meanwhile), becomes the exception `on_race()` returns; a
    database that is busy past the wait, or cannot take writes, becomes `Unavailable`.
    """
    try:
        yield
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise on_race() from None
    except (DBAPIError, PoolTimeout) as exc:
        db.session.rollback()
        if storage.classify(exc) == storage.APPEND_ONLY:
            raise on_race() from exc
        found = storage.unavailable(exc)
        if found is not None:
            raise found from exc
        raise
    except Exception:
        db.session.rollback()
        raise
    storage.note_success()


def _lock_accord(accord_id: int, *provisions: Provision) -> None:
    """Begin a write: raise the accord's revision first, then re-read the provisions'
    versions. Every writer of an accord takes its row first, so two writers of one accord
    take their turns and never deadlock (PostgreSQL), and the versions compared afterwards
    are the committed ones, not those read before waiting."""
    touch(accord_id)
    for provision in provisions:
        db.session.refresh(provision, ["version"])


def _actor() -> tuple[int | None, str]:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.email
    return None, "system"


def audit(action: str, object_type: str, object_id: int | None, *, accord_id: int | None = None,
          before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change it records)."""
    user_id, actor = _actor()
    event = AuditEvent(
        user_id=user_id, actor=actor, action=action, object_type=object_type,
        object_id=object_id, accord_id=accord_id, before=before, after=after,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event


def touch(accord_id: int) -> None:
    """Raise the accord's revision in the current transaction: its figures changed. Before
    the commit its level-change summary follows (`tracker.summary`); once committed, its
    dashboard's charts are drawn ahead (`dashboard.drawahead`)."""
    from . import summary
    from .dashboard.drawahead import note_touched

    db.session.execute(update(Accord).where(Accord.id == accord_id)
                       .values(revision=Accord.revision + 1),
                       execution_options={"synchronize_session": False})
    summary.note_accord(db.session, accord_id)  # its level changes kept before the commit
    note_touched(accord_id)


def record_json(record: StatusRecord) -> dict:
    return {"provision": record.provision_id, "level": record.level,
            "effective_on": record.effective_on.isoformat(), "review_state": record.review_state,
            "evidence_url": record.evidence_url, "evidence_text": record.evidence_text,
            "note": record.note, "corrects": record.corrects_id}


def history(provision: Provision) -> list[StatusRecord]:
    """Every record of the provision, newest first (by effect, then recording)."""
    return list(db.session.scalars(
        select(StatusRecord).where(StatusRecord.provision_id == provision.id)
        .order_by(StatusRecord.effective_on.desc(), StatusRecord.recorded_at.desc(),
                  StatusRecord.id.desc())))


def current_level(provision: Provision, on: date, include_pending: bool = False) -> int:
    records = [metrics.Record(r.provision_id, r.level, r.effective_on, r.recorded_at, r.id,
                              r.review_state) for r in history(provision)]
    return metrics.levels_as_of(records, on, include_pending).get(provision.id, 0)


@dataclass
class StatusChange:
    """One requested status record, as a form or a workbook row gives it."""

    provision: Provision
    submission: Submission
    expected_version: int
    corrects: StatusRecord | None = None


def _values(record: StatusRecord, events: list[int]) -> tuple:
    """What a submission gives, as `record` holds it (with the ids of the events it cites)."""
    return (record.level, record.effective_on, record.evidence_url or None,
            record.evidence_text or None, record.note or None, sorted(set(events)), 0)


def _given(sub: Submission) -> tuple:
    """As `_values`; a submission citing events yet to be written repeats no record."""
    return (sub.level, sub.effective_on, sub.evidence_url or None, sub.evidence_text or None,
            sub.note or None, sorted(set(sub.events)), len(sub.new_events))


def _same_as_latest(change: StatusChange, user_id: int | None) -> StatusRecord | None:
    """The user's latest record of this provision if it carries exactly these values:
    a resubmitted form (a weak link resends) is then a success, not a conflict."""
    from .events.citations import cited_by_records

    latest = db.session.scalar(
        select(StatusRecord).where(StatusRecord.provision_id == change.provision.id)
        .order_by(StatusRecord.recorded_at.desc(), StatusRecord.id.desc()).limit(1))
    if latest is None or latest.recorded_by_id != user_id:
        return None
    cited = cited_by_records([latest.id]).get(latest.id, [])
    return latest if _values(latest, cited) == _given(change.submission) else None


def _repeated_pending(change: StatusChange, user_id: int | None) -> StatusRecord | None:
    """The user's pending record of this provision that this change repeats
    (`domain.resubmit.repeats`: same values, within the window): a form sent again from a
    page reloaded by the Back button carries the new version, yet records nothing twice."""
    from .events.citations import cited_by_records

    now = utcnow()
    if user_id is None:
        return None
    recent = list(db.session.scalars(
        select(StatusRecord).where(StatusRecord.provision_id == change.provision.id,
                                   StatusRecord.recorded_by_id == user_id,
                                   StatusRecord.review_state == "pending",
                                   StatusRecord.recorded_at >= now - RESUBMIT_WINDOW)
        .order_by(StatusRecord.recorded_at.desc(), StatusRecord.id.desc())))
    cited = cited_by_records([r.id for r in recent])
    given = _given(change.submission)
    return next((r for r in recent if repeats(
        given, _values(r, cited.get(r.id, [])), same_author=True, earlier_at=r.recorded_at,
        now=now, still_open=r.review_state == "pending")), None)


def check(change: StatusChange, today: date | None = None) -> dict[str, str]:
    """Rule violations of one change (empty when acceptable); no writes."""
    from .events.citations import citable_ids, dated

    provision = change.provision
    today = today or date.today()
    found = problems(change.submission, current_level=current_level(provision, today),
                     signed_on=provision.accord.signed_on, today=today,
                     citable=citable_ids(provision, change.submission.events),
                     cited=dated(change.submission.events))
    if change.corrects is not None and change.corrects.provision_id != provision.id:
        found["corrects"] = "the corrected record belongs to another provision"
    return found


def _add_record(change: StatusChange, *, user_id, verified: bool, source: str) -> StatusRecord:
    sub = change.submission
    now = utcnow()
    record = StatusRecord(
        accord_id=change.provision.accord_id, provision_id=change.provision.id,
        level=sub.level, effective_on=sub.effective_on, recorded_at=now,
        recorded_by_id=user_id, evidence_url=sub.evidence_url or None,
        evidence_text=sub.evidence_text or None, note=sub.note or None, source=source,
        corrects_id=change.corrects.id if change.corrects else None,
        review_state="verified" if verified else "pending",
        reviewed_by_id=user_id if verified else None, reviewed_at=now if verified else None,
        review_reason="recorded by a reviewer" if verified else None,
    )
    db.session.add(record)
    change.provision.version += 1
    db.session.flush()
    after = record_json(record)
    if sub.events:
        from .events.citations import cite

        cite(record.id, sub.events)
        db.session.flush()
        after["events"] = sorted(set(sub.events))
    audit("status.record", "status_record", record.id, accord_id=change.provision.accord_id,
          after=after)
    return record


class Recorded(list):
    """The records a submission stands for, in the order of its changes; `added` counts
    those written now (the others repeat the user's latest record and were kept); `events`
    the events written with them (an upload's Events sheet)."""

    added: int = 0
    events: tuple | list = ()


def submit(changes: list[StatusChange], *, verified: bool, source: str = "web",
           today: date | None = None) -> Recorded:
    """Record every change or none. Raises Invalid (with `row index: field` keys when
    several), Conflict, or Unavailable; a change equal to the user's latest record is kept,
    not repeated."""
    return _submit(changes, verified=verified, source=source, today=today)


class AlreadyRecorded(Exception):
    """The upload was confirmed already: nothing is recorded twice (HTTP 409)."""


def confirm_upload(batch: UploadBatch, changes: list[StatusChange], *,
                   verified: bool, events: list | None = None) -> Recorded:
    """Record an upload's changes and its `events` (`tracker.events.services.EventInput`s,
    of the batch's accord) and mark it committed, in one transaction: all of them or none.
    The events are written first: a change citing some of them (`Submission.new_events`,
    positions in `events`) cites them by the ids they get, reviewed as its record is (both
    pending, or both verified for a coordinator).
    Raises AlreadyRecorded when the upload is no longer pending (a second confirmation, even
    one sent at the same moment), and otherwise what `submit` and
    `tracker.events.services.check_events` raise (Invalid keys of events `event N:field`,
    N from 0); ValueError for a change citing a position `events` lacks."""
    write, written = None, []
    if any(i not in range(len(events or ())) for c in changes
           for i in c.submission.new_events):
        raise ValueError("a change cites an event the upload does not write")
    if events:
        from .events.services import check_events, write_events

        try:
            checked = check_events(events)
        except Invalid as exc:
            raise Invalid(_event_keys(exc.errors, len(events))) from None

        def write() -> list[int]:
            try:
                written.extend(write_events(checked, verified=verified, origin="import"))
            except Invalid as exc:
                raise Invalid(_event_keys(exc.errors, len(events))) from None
            return [event.id for event in written]

    def claim() -> None:
        claimed = db.session.execute(
            update(UploadBatch).where(UploadBatch.id == batch.id,
                                      UploadBatch.state == "pending")
            .values(state="committed"), execution_options={"synchronize_session": False})
        if claimed.rowcount != 1:
            raise AlreadyRecorded(f"upload {batch.id} was confirmed already")

    records = _submit(changes, verified=verified, source="excel", claim=claim, first=write,
                      accord_id=batch.accord_id)
    records.events = written
    return records


def _event_keys(errors: dict, count: int) -> dict:
    """Invalid keys of events ("N:field", or "field" for one) as "event N:field"; a key of
    no one event (a cited source rejected meanwhile) as "events:field"."""
    keys = {}
    for key, reason in errors.items():
        index, _sep, name = key.rpartition(":")
        if index.isdigit():
            keys[f"event {index}:{name}"] = reason
        else:
            keys[f"event 0:{key}" if count == 1 else f"events:{key}"] = reason
    return keys


def _submit(changes, *, verified: bool, source: str, today: date | None = None,
            claim=None, first=None, accord_id: int | None = None) -> Recorded:
    """`first()`, when given, writes more inside the same transaction, before the records,
    and returns the ids of the events it wrote (which changes cite by position,
    `Submission.new_events`); `accord_id` names the accord when there may be no change."""
    user_id, _ = _actor()
    errors: dict[str, str] = {}
    for index, change in enumerate(changes):
        for field, reason in check(change, today).items():
            errors[f"{index}:{field}" if len(changes) > 1 else field] = reason
    if errors:
        raise Invalid(errors)
    records = Recorded()
    on_race = (lambda: Conflict(changes[0].provision, None)) if changes else (
        lambda: NotPending("a cited source was reviewed meanwhile"))
    with _committing(on_race):
        _lock_accord(changes[0].provision.accord_id if accord_id is None else accord_id,
                     *(c.provision for c in changes))
        if claim is not None:
            claim()
        new_ids = first() if first is not None else []
        for change in changes:
            change = _citing_written(change, new_ids)
            repeated = _repeated_pending(change, user_id)
            if repeated is None and change.expected_version != change.provision.version:
                repeated = _same_as_latest(change, user_id)
                if repeated is None:
                    raise Conflict(change.provision, _newest(change.provision))
            if repeated is not None:
                records.append(repeated)
                continue
            records.append(_add_record(change, user_id=user_id, verified=verified, source=source))
            records.added += 1
    return records


def _citing_written(change: StatusChange, new_ids: list[int]) -> StatusChange:
    """The change citing, by their ids, the events written with it (`new_events`)."""
    sub = change.submission
    if not sub.new_events:
        return change
    cited = tuple(sorted(set(sub.events) | {new_ids[i] for i in sub.new_events}))
    return replace(change, submission=replace(sub, events=cited, new_events=()))


def _newest(provision: Provision) -> StatusRecord | None:
    records = history(provision)
    return max(records, key=lambda r: (r.recorded_at, r.id)) if records else None


class NotPending(Exception):
    """The record was already reviewed (HTTP 409)."""


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
    user_id, _ = _actor()
    with _committing(lambda: NotPending(f"record {record.id} changed while it was reviewed")):
        _lock_accord(record.accord_id, record.provision)
        db.session.refresh(record)  # another coordinator may have decided while we waited
        if record.review_state != "pending":
            raise NotPending(f"record {record.id} was already {record.review_state}")
        if decision == "verified":
            from .events.citations import verifiable

            verifiable(record)
        before = record_json(record)
        decide(record, decision, reason, user_id)
        record.provision.version += 1
        audit(f"status.{decision}", "status_record", record.id,
              accord_id=record.accord_id, before=before, after=record_json(record))
    return record


def set_priority(provision: Provision, priority: bool, effective_on: date, reason: str,
                 expected_version: int) -> PriorityChange | None:
    """Set or clear a provision's priority flag, keeping the change in its history.

    Returns the new `PriorityChange`, or None when the flag already has that value: nothing
    is then recorded (no history row, no audit event, no version or revision bump). Raises
    Conflict (the provision changed since `expected_version`) or Invalid (field -> reason).
    """
    if bool(provision.priority) == bool(priority):
        return None  # also a resent form whose change already went through: not a conflict
    if expected_version != provision.version:
        raise Conflict(provision, _newest(provision))
    found = {}
    if not (reason or "").strip():
        found["reason"] = N_("a reason is required")
    if effective_on is None:
        found["effective_on"] = N_("the date is required")
    elif effective_on > date.today():
        found["effective_on"] = N_("the date is in the future")
    elif effective_on < provision.accord.signed_on:
        found["effective_on"] = N_("the date is before the accord was signed")
    if found:
        raise Invalid(found)
    user_id, _ = _actor()
    with _committing(lambda: Conflict(provision, None)):
        _lock_accord(provision.accord_id, provision)
        if expected_version != provision.version:
            raise Conflict(provision, _newest(provision))
        before = {"priority": provision.priority}
        change = PriorityChange(provision=provision, priority=priority, effective_on=effective_on,
                                reason=reason.strip(), author_id=user_id)
        provision.priority = priority
        provision.version += 1
        db.session.add(change)
        db.session.flush()
        audit("priority.set" if priority else "priority.clear", "provision", provision.id,
              accord_id=provision.accord_id, before=before,
              after={"priority": priority, "effective_on": effective_on.isoformat(),
                     "reason": change.reason})
    return change


STRUCTURE_FIELDS = ("text", "text_translated", "section_id", "provision_type_id",
                    "responsible_actor", "deadline", "time_frame")


def _structure_json(provision: Provision) -> dict:
    data = {name: getattr(provision, name) for name in STRUCTURE_FIELDS}
    data["deadline"] = data["deadline"].isoformat() if data["deadline"] else None
    data["tags"] = provision.tag_names
    return data


def _blank(value):
    """An empty text stored by an older path counts as no value."""
    return None if value == "" else value


def edit_provision(provision: Provision, values: dict, tags: list[str],
                   expected_version: int) -> bool:
    """Change a provision's structure fields (`values`: name in STRUCTURE_FIELDS -> value)
    and tags; audited, version-checked. Returns False, writing nothing (no audit event, no
    version or revision bump), when the values and tags are those already stored, whatever
    the version; raises Conflict when they differ and the provision changed since
    `expected_version`, and Invalid ({"deadline": reason}) for a deadline before the
    accord's signing (`domain.rules.deadline_problem`)."""
    from .models import ProvisionTag

    wanted = {name: values.get(name) if values.get(name) != "" else None
              for name in STRUCTURE_FIELDS}
    problem = deadline_problem(wanted["deadline"], provision.accord.signed_on)
    if problem:
        raise Invalid({"deadline": problem})
    if (all(_blank(getattr(provision, name)) == value for name, value in wanted.items())
            and sorted(provision.tag_names) == sorted(tags)):
        return False  # also a resent form whose save already went through: not a conflict
    if expected_version != provision.version:
        raise Conflict(provision, _newest(provision))
    with _committing(lambda: Conflict(provision, None)):
        _lock_accord(provision.accord_id, provision)
        if expected_version != provision.version:
            raise Conflict(provision, _newest(provision))
        before = _structure_json(provision)
        for name, value in wanted.items():
            if _blank(getattr(provision, name)) != value:
                setattr(provision, name, value)
        held = set(provision.tag_names)
        provision.tags = ([t for t in provision.tags if t.tag in tags]
                          + [ProvisionTag(tag=t) for t in sorted(set(tags) - held)])
        provision.version += 1
        db.session.flush()
        audit("provision.edit", "provision", provision.id, accord_id=provision.accord_id,
              before=before, after=_structure_json(provision))
    return True
