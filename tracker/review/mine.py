"""One's own submissions (`/my/submissions`): status records, events and sources, each newest
first, `SHOWN` of each at most, with their review state, so a submitter learns what was
verified, what was rejected and why, and which events wait on a rejected source."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..events.models import Event, EventSource, Source
from ..events.page import shown_states
from ..extensions import db
from ..models import Accord, StatusRecord
from ..permissions import can_view, sees_internal

#: Rows of each kind listed at most (the newest).
SHOWN = 200


@dataclass
class MyEvent:
    """An event one submitted; `linked`: the submitter may open its page now (the rule of
    `events.page.visible_event_or_404`); `rejected_sources`: titles of the sources it cites
    that were rejected (a pending event citing one cannot be verified until it is replaced)."""

    event: Event
    linked: bool
    rejected_sources: list[str] = field(default_factory=list)


def my_records(user) -> tuple[list[StatusRecord], dict[int, Accord]]:
    """The user's status records, newest first, and their accords by id."""
    records = list(db.session.scalars(
        select(StatusRecord).options(joinedload(StatusRecord.provision))
        .where(StatusRecord.recorded_by_id == user.id)
        .order_by(StatusRecord.recorded_at.desc(), StatusRecord.id.desc()).limit(SHOWN)))
    accords = {a.id: a for a in db.session.scalars(
        select(Accord).where(Accord.id.in_({r.accord_id for r in records})))}
    return records, accords


def my_events(user) -> list[MyEvent]:
    """The user's events (any state), newest submitted first, each with whether its page is
    open to the user and the rejected sources it cites (two queries and one permission check
    per accord)."""
    events = list(db.session.scalars(
        select(Event).options(joinedload(Event.accord))
        .where(Event.submitted_by_id == user.id)
        .order_by(Event.submitted_at.desc(), Event.id.desc()).limit(SHOWN)))
    rejected: dict[int, list[str]] = {}
    for event_id, title in db.session.execute(
            select(EventSource.event_id, Source.title)
            .join(Source, Source.id == EventSource.source_id)
            .where(EventSource.event_id.in_([e.id for e in events]),
                   Source.review_state == "rejected")
            .order_by(EventSource.event_id, Source.id)):
        rejected.setdefault(event_id, []).append(title)
    states: dict[int, tuple[str, ...]] = {}
    for accord in {e.accord_id: e.accord for e in events}.values():
        states[accord.id] = (shown_states(sees_internal(user, accord))
                             if can_view(user, accord) else ())
    return [MyEvent(e, e.review_state in states[e.accord_id], rejected.get(e.id, []))
            for e in events]


def my_sources(user) -> list[Source]:
    """The sources the user submitted (each reviewed on its own), newest first."""
    return list(db.session.scalars(
        select(Source).where(Source.submitted_by_id == user.id)
        .order_by(Source.submitted_at.desc(), Source.id.desc()).limit(SHOWN)))
