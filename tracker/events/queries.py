"""The reads of events: an accord's events matching a filter, one page at a time, with
their provisions, place and sources loaded in a fixed number of queries (never one per
event), and an event as a plain dict (the API's JSON and the page's rows).

Counting: the total is a count of events (filters on links are EXISTS tests), never a
count(distinct) over the link tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select

from ..domain import bilingual
from ..domain.metrics import Filters, select as admitted
from ..domain.text import without_accents
from ..extensions import db
from ..models import Accord, Provision
from ..queries import provision_infos
from ..places.models import Place, PlaceGroupMember
from .models import Attachment, Event, EventProvision, EventSource, Source
from .search import holding

REVIEW_STATES = ("verified", "pending", "rejected")
#: A page is found by walking the events in date order (the accord's date index) and
#: testing each, or by reading every match and sorting them. Walking reads about
#: (rows before the page's end) x (events / matches) rows, each a lookup some 4 times
#: dearer than a row of a scan: so matches up to SPARSE times the rows up to the page's
#: end (known from the count, read first), and at most SORTED, are sorted; a deep page of
#: many matches is walked (sorting would carry every row before it). (A word 44 of 50,000
#: events hold, on SQLite: 30 ms sorted, 120 ms walked.)
SPARSE = 4
SORTED = 2000
#: Provision filters admitting at most one in FEW of the accord's provisions read their
#: links by provision (`_linked`).
FEW = 6


@dataclass(frozen=True)
class EventFilter:
    """Which events: dated (their start) from `since` to `until` (inclusive); at `place_id`
    or any place under it; at a member of group `group_id`; bearing on `provision_id`, on a
    provision `provisions` admits (section at any depth, tag, priority: the provision
    list's and dashboard's rule, `domain.metrics.Filters`), with `effect`: all on one and
    the same link (an event that sets back a priority provision); citing a source of
    `source_kind`; whose title, description (either language) or actors hold `text`
    without accents or case (`domain.text.searchable`); in one of `states`."""

    since: date | None = None
    until: date | None = None
    place_id: int | None = None
    group_id: int | None = None
    provision_id: int | None = None
    effect: str | None = None
    source_kind: str | None = None
    provisions: Filters = Filters()
    text: str | None = None
    states: tuple[str, ...] = ("verified",)


@dataclass
class EventPage:
    """One page of events (newest first) and how many match in all."""

    total: int
    page: int
    per_page: int
    events: list[dict] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """How many pages the matching events fill (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def _under(place_id: int):
    """The ids of a place and every place under it (a recursive walk down `parent_id`)."""
    tree = select(Place.id).where(Place.id == place_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Place.id).where(Place.parent_id == tree.c.id))
    return select(tree.c.id)


def _conditions(accord: Accord, chosen: EventFilter) -> list:
    found = [Event.accord_id == accord.id, Event.review_state.in_(chosen.states)]
    if chosen.since is not None:
        found.append(Event.occurred_on >= chosen.since)
    if chosen.until is not None:
        found.append(Event.occurred_on <= chosen.until)
    if chosen.place_id is not None:
        found.append(Event.place_id.in_(_under(chosen.place_id)))
    if chosen.group_id is not None:
        found.append(Event.place_id.in_(select(PlaceGroupMember.place_id).where(
            PlaceGroupMember.group_id == chosen.group_id)))
    linked = _linked(accord, chosen)
    if linked is not None:
        found.append(linked)
    if chosen.source_kind is not None:
        found.append(exists(select(EventSource.event_id).join(Source).where(
            EventSource.event_id == Event.id, Source.kind == chosen.source_kind)))
    if chosen.text is not None and chosen.text.strip():
        found += holding(without_accents(chosen.text.strip()), db.session)
    return found


def _linked(accord: Accord, chosen: EventFilter):
    """The test on Event of the link filters (provision, provision filters, effect: all met
    by one link), or None when there is none. A few provisions' links are read from the
    provisions' index, once (`Event.id IN ...`); for many provisions (over one in FEW of the
    accord's), each event's few links are read by its key instead (`EXISTS`), the list
    checked as "provision_id + 0" so that SQLite does not probe the key once per listed
    provision. (At 50,000 events on SQLite: a subtheme's 10 provisions, 4 ms against 100;
    a tag's 130 of 578, 39 ms against 75.)"""
    ids = None
    if chosen.provisions != Filters():
        infos = provision_infos(accord.id)
        ids = [p.id for p in admitted(infos, chosen.provisions)]
    few = chosen.provision_id is not None or (ids is not None and len(ids) * FEW <= len(infos))
    link = []
    if chosen.provision_id is not None:
        link.append(EventProvision.provision_id == chosen.provision_id)
    if ids is not None:
        link.append((EventProvision.provision_id if few else EventProvision.provision_id + 0)
                    .in_(ids))
    if chosen.effect is not None:
        link.append(EventProvision.effect == chosen.effect)
    if not link:
        return None
    if few:
        return Event.id.in_(select(EventProvision.event_id).where(*link))
    return exists(select(EventProvision.event_id).where(EventProvision.event_id == Event.id,
                                                        *link))


def find_events(accord: Accord, chosen: EventFilter, page: int = 1, per_page: int = 50,
                internal: bool = False) -> EventPage:
    """Page `page` (from 1) of the accord's events matching `chosen`, newest first (by date,
    then by id). `internal`: show every cited source with its review state (else verified
    sources only) and each event's review fields."""
    conditions = _conditions(accord, chosen)
    total = db.session.scalar(select(func.count()).select_from(Event).where(*conditions))
    offset = (page - 1) * per_page
    if total <= offset:
        return EventPage(total, page, per_page, [])
    newest = Event.occurred_on
    if total <= min(SORTED, SPARSE * (offset + per_page)):
        newest = func.coalesce(Event.occurred_on, Event.occurred_on)  # sorted, not walked
    events = db.session.scalars(
        select(Event).where(*conditions).order_by(newest.desc(), Event.id.desc())
        .limit(per_page).offset(offset)).all()
    return EventPage(total, page, per_page, feed_items(accord, events, internal))


def every_event(accord: Accord, chosen: EventFilter, internal: bool = False,
                chunk: int = 500):
    """Every event of the accord matching `chosen`, newest first, as `find_events` gives
    them (dicts), read `chunk` at a time by key (date, id): memory stays flat and each read
    is one index range, however many events match. A generator."""
    conditions = _conditions(accord, chosen)
    after: tuple[date, int] | None = None
    while True:
        query = select(Event).where(*conditions)
        if after is not None:
            query = query.where((Event.occurred_on < after[0])
                                | ((Event.occurred_on == after[0]) & (Event.id < after[1])))
        events = db.session.scalars(query.order_by(Event.occurred_on.desc(), Event.id.desc())
                                    .limit(chunk)).all()
        if not events:
            return
        yield from feed_items(accord, events, internal)
        after = (events[-1].occurred_on, events[-1].id)
        if len(events) < chunk:
            return


def feed_items(accord: Accord, events: list[Event], internal: bool) -> list[dict]:
    """The feed's items for `events` of `accord` (the API's and files' shape: each event with
    its provisions and effects, place and sources; `internal`: with review details), in the
    order given; a few queries for all of them, none per event."""
    ids = [e.id for e in events]
    if not ids:
        return []
    links: dict[int, list[dict]] = {}
    for event_id, code, effect in db.session.execute(
            select(EventProvision.event_id, Provision.code, EventProvision.effect)
            .join(Provision, Provision.id == EventProvision.provision_id)
            .where(EventProvision.event_id.in_(ids)).order_by(Provision.id)):
        links.setdefault(event_id, []).append({"code": code, "effect": effect})
    sources: dict[int, list[dict]] = {}
    for event_id, source, attachment in db.session.execute(
            select(EventSource.event_id, Source, Attachment)
            .join(Source, Source.id == EventSource.source_id)
            .outerjoin(Attachment, Attachment.sha256 == Source.attachment_sha256)
            .where(EventSource.event_id.in_(ids)).order_by(Source.id)):
        if internal or source.review_state == "verified":
            sources.setdefault(event_id, []).append(source_json(source, attachment, internal))
    places = _places({e.place_id for e in events if e.place_id})
    return [event_json(accord, e, links.get(e.id, []), sources.get(e.id, []),
                       places.get(e.place_id), internal) for e in events]


def _places(ids: set[int]) -> dict[int, dict]:
    if not ids:
        return {}
    parent = Place.__table__.alias("parent")
    rows = db.session.execute(
        select(Place.id, Place.code, Place.name, Place.kind, parent.c.code, parent.c.name)
        .outerjoin(parent, parent.c.id == Place.parent_id).where(Place.id.in_(ids)))
    return {pid: {"code": code, "name": name, "kind": kind,
                  "parent": {"code": p_code, "name": p_name} if p_code else None}
            for pid, code, name, kind, p_code, p_name in rows}


def source_json(source: Source, attachment: Attachment | None, internal: bool) -> dict:
    """A cited source; `attachment` None, or its SHA-256, media type and size in bytes."""
    data = {"id": source.id, "title": source.title, "kind": source.kind,
            "publisher": source.publisher,
            "date": source.published_on.isoformat() if source.published_on else None,
            "url": source.url, "language": source.language, "shared": source.accord_id is None,
            "attachment": None if attachment is None else {
                "sha256": attachment.sha256, "media_type": attachment.media_type,
                "size_bytes": attachment.size_bytes, "filename": source.attachment_name}}
    if internal:
        data["review_state"] = source.review_state
    return data


def event_json(accord: Accord, event: Event, provisions: list[dict], sources: list[dict],
               place: dict | None, internal: bool) -> dict:
    """An event: dates, title and description as stored, the language they are written in
    (`language`, ISO 639-1: `Event.written_in`) and in each content language (`title_en`,
    `title_es`, ... "" where not entered), place (code, name, kind, parent),
    actors, review state, provisions (code, effect) and sources; who submitted and
    reviewed only when `internal`."""
    data = {"id": event.id, "date": event.occurred_on.isoformat(),
            "end_date": event.ended_on.isoformat() if event.ended_on else None}
    language = bilingual.written_in(event.language, accord.original_language)
    data["language"] = language
    for name in ("title", "description"):
        data[name] = getattr(event, name)
        texts = bilingual.by_language(getattr(event, name), getattr(event, f"{name}_translated"),
                                      language)
        data.update({f"{name}_{language}": text for language, text in texts.items()})
    data.update({"place": place, "actors": event.actors, "review_state": event.review_state,
                 "provisions": provisions, "sources": sources})
    if internal:
        data.update({"submitted_at": event.submitted_at.isoformat(),
                     "reviewed_at": event.reviewed_at.isoformat() if event.reviewed_at else None,
                     "review_reason": event.review_reason, "origin": event.origin})
    return data
