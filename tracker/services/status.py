"""Status records: the level of a provision as its history gives it, and the one write of
new records (`submit_changes`, behind `submit` and `uploads.confirm_upload`): checked
against `domain.rules`, version-checked, a resubmission recorded once, audited."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from ..domain import metrics
from ..domain.resubmit import RESUBMIT_WINDOW, repeats
from ..domain.rules import REVIEWER_REASON, Submission, problems
from ..extensions import db
from ..models import Provision, StatusRecord, utcnow
from .transaction import (Conflict, Invalid, NotPending, acting_user, audit, committing,
                          lock_accord)


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


def same_as_latest(change: StatusChange, user_id: int | None) -> StatusRecord | None:
    """The user's latest record of this provision if it carries exactly these values:
    a resubmitted form (a weak link resends) is then a success, not a conflict."""
    from ..events.citations import cited_by_records

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
    from ..events.citations import cited_by_records

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
    from ..events.citations import citable_ids, dated

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
        review_reason=REVIEWER_REASON if verified else None,
    )
    db.session.add(record)
    change.provision.version += 1
    db.session.flush()
    after = record_json(record)
    if sub.events:
        from ..events.citations import cite

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
    return submit_changes(changes, verified=verified, source=source, today=today)


def submit_changes(changes, *, verified: bool, source: str, today: date | None = None,
            claim=None, first=None, accord_id: int | None = None) -> Recorded:
    """`first()`, when given, writes more inside the same transaction, before the records,
    and returns the ids of the events it wrote (which changes cite by position,
    `Submission.new_events`); `accord_id` names the accord when there may be no change."""
    user_id, _ = acting_user()
    errors: dict[str, str] = {}
    for index, change in enumerate(changes):
        for field, reason in check(change, today).items():
            errors[f"{index}:{field}" if len(changes) > 1 else field] = reason
    if errors:
        raise Invalid(errors)
    records = Recorded()
    on_race = (lambda: Conflict(changes[0].provision, None)) if changes else (
        lambda: NotPending("a cited source was reviewed meanwhile"))
    with committing(on_race):
        lock_accord(changes[0].provision.accord_id if accord_id is None else accord_id,
                     *(c.provision for c in changes))
        if claim is not None:
            claim()
        new_ids = first() if first is not None else []
        for change in changes:
            change = _citing_written(change, new_ids)
            repeated = _repeated_pending(change, user_id)
            if repeated is None and change.expected_version != change.provision.version:
                repeated = same_as_latest(change, user_id)
                if repeated is None:
                    raise Conflict(change.provision, newest_record(change.provision))
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


def newest_record(provision: Provision) -> StatusRecord | None:
    records = history(provision)
    return max(records, key=lambda r: (r.recorded_at, r.id)) if records else None
