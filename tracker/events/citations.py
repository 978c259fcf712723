"""Status records citing events: the events a provision's record may cite (its verified
events, each of them on or before the record's date: `domain.rules.cited_after_problem`,
the dates read by `dated`), the events each record cites, the write of a record's
citations, the rule that a record is verified only once the events it cites are
(`verifiable`), and the append-only triggers of `status_record_events` (migration
0014_record_events)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..cutoffs.triggers import _immutable
from ..domain.messages import Message, N_
from ..domain.rules import CitedEvent
from ..extensions import db
from ..models import Provision, StatusRecord
from ..places.models import Place
from ..triggers import APPEND_ONLY_MARK
from .models import Event, EventProvision, EventSource, StatusRecordEvent

#: The citable events offered on a status form, newest first.
MAX_OFFERED = 100


def trigger_statements(dialect: str, create: bool = True) -> list[str]:
    """The statements making `status_record_events` immutable on `dialect` ("sqlite" or
    "postgresql"), or with create=False dropping them; KeyError for another database."""
    message = f"status record events are {APPEND_ONLY_MARK}: never changed or removed"
    found = _immutable("status_record_events", message,
                       "status_record_id = NEW.status_record_id AND event_id = NEW.event_id")
    return found[dialect][0 if create else 1]


def citable_events(provision: Provision, limit: int = MAX_OFFERED) -> list[Event]:
    """The verified events bearing on `provision`, newest first (by date, then id)."""
    return list(db.session.scalars(
        select(Event).join(EventProvision, EventProvision.event_id == Event.id)
        .where(EventProvision.provision_id == provision.id, Event.review_state == "verified")
        .order_by(EventProvision.occurred_on.desc(), Event.id.desc()).limit(limit)))


def citable_ids(provision: Provision, wanted) -> frozenset[int]:
    """Which of the event ids `wanted` are verified events bearing on `provision`."""
    ids = {int(i) for i in wanted}
    if not ids:
        return frozenset()
    return frozenset(db.session.scalars(
        select(Event.id).join(EventProvision, EventProvision.event_id == Event.id)
        .where(EventProvision.provision_id == provision.id, Event.review_state == "verified",
               Event.id.in_(ids))))


def as_cited(event: Event, ref: str | None = None) -> CitedEvent:
    """The event as the date rule reads it, named `ref` (default "#<id>"), its title in the
    reader's language when a request has one (`i18n.local`), else as stored."""
    from flask import has_request_context

    from ..i18n import local

    title = local(event, "title") if has_request_context() else event.title
    return CitedEvent(ref or f"#{event.id}", title, event.occurred_on)


def dated(ids) -> list[CitedEvent]:
    """The events of `ids` (unknown ones left out), by id, as the date rule reads them:
    the events a submission cites, checked against its date by `domain.rules.problems`."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    return [as_cited(e) for e in db.session.scalars(
        select(Event).where(Event.id.in_(wanted)).order_by(Event.id))]


def cite(record_id: int, event_ids) -> None:
    """Write the record's citations (in the caller's transaction)."""
    db.session.add_all(StatusRecordEvent(status_record_id=record_id, event_id=event_id)
                       for event_id in sorted(set(event_ids)))


def cited_by_records(record_ids) -> dict[int, list[int]]:
    """record id -> the ids of the events it cites, ascending."""
    found: dict[int, list[int]] = {}
    if not record_ids:
        return found
    for record_id, event_id in db.session.execute(
            select(StatusRecordEvent.status_record_id, StatusRecordEvent.event_id)
            .where(StatusRecordEvent.status_record_id.in_(list(record_ids)))
            .order_by(StatusRecordEvent.status_record_id, StatusRecordEvent.event_id)):
        found.setdefault(record_id, []).append(event_id)
    return found


def unverified_cited(record_id: int) -> list[Event]:
    """The events record `record_id` cites that are not verified (pending or rejected), by
    id, read afresh (a review decided meanwhile counts)."""
    return list(db.session.scalars(
        select(Event).join(StatusRecordEvent, StatusRecordEvent.event_id == Event.id)
        .where(StatusRecordEvent.status_record_id == record_id,
               Event.review_state != "verified")
        .order_by(Event.id).execution_options(populate_existing=True)))


class CitesUnverified(Exception):
    """A record cannot be verified while an event it cites is not (HTTP 409); `reason` is a
    Message naming the event."""

    def __init__(self, reason: Message):
        super().__init__(str(reason))
        self.reason = reason


def verifiable(record) -> None:
    """CitesUnverified when an event the record (a StatusRecord) cites is pending (an
    upload writes a pending record citing the pending event typed with it: the event is
    verified first) or rejected (the record then can only be rejected)."""
    for event in unverified_cited(record.id):
        text = (N_("it cites event #%(id)s (%(title)s), still awaiting review: verify the "
                   "event first, then this record") if event.review_state == "pending" else
                N_("it cites event #%(id)s (%(title)s), which was rejected: this record "
                   "cannot be verified; reject it, and record the level again citing other "
                   "evidence"))
        raise CitesUnverified(Message(text, id=event.id, title=event.title))


def cited_events(records) -> dict[int, list[tuple[Event, str | None]]]:
    """record id -> (event, its effect on the record's provision, None if it bears on it no
    more) of the events each of `records` (StatusRecord rows) cites, by date then id, their
    place and its parent loaded: what a reviewer judges a pending record by."""
    cited = cited_by_records([r.id for r in records])
    ids = sorted({i for found in cited.values() for i in found})
    if not ids:
        return {}
    events = {e.id: e for e in db.session.scalars(
        select(Event).options(selectinload(Event.place).selectinload(Place.parent))
        .where(Event.id.in_(ids)))}
    effects = {(event_id, provision_id): effect for event_id, provision_id, effect in
               db.session.execute(select(EventProvision.event_id, EventProvision.provision_id,
                                         EventProvision.effect)
                                  .where(EventProvision.event_id.in_(ids)))}
    return {r.id: sorted(((events[i], effects.get((i, r.provision_id))) for i in cited[r.id]),
                         key=lambda pair: (pair[0].occurred_on, pair[0].id))
            for r in records if r.id in cited}


def provision_events(provision: Provision, states: tuple[str, ...]) -> list[tuple[Event, str]]:
    """(event, its effect on `provision`) of the provision's events in `states`, newest
    first, with their place and sources (and files) loaded."""
    return [tuple(row) for row in db.session.execute(
        select(Event, EventProvision.effect)
        .join(EventProvision, EventProvision.event_id == Event.id)
        .options(selectinload(Event.place),
                 selectinload(Event.source_links).joinedload(EventSource.source))
        .where(EventProvision.provision_id == provision.id, Event.review_state.in_(states))
        .order_by(EventProvision.occurred_on.desc(), Event.id.desc()))]


def citing_records(event_id: int, states: tuple[str, ...]):
    """The status records in `states` that cite the event, each with its provision loaded,
    newest first (by effective date, then recording, then id): what an event's page lists as
    the levels resting on it."""
    return list(db.session.scalars(
        select(StatusRecord).join(StatusRecordEvent,
                                  StatusRecordEvent.status_record_id == StatusRecord.id)
        .options(selectinload(StatusRecord.provision))
        .where(StatusRecordEvent.event_id == event_id, StatusRecord.review_state.in_(states))
        .order_by(StatusRecord.effective_on.desc(), StatusRecord.recorded_at.desc(),
                  StatusRecord.id.desc())))
