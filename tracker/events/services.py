"""The writes of events and sources: submit an event (editors) with its provision links and
its sources (existing, or new with an attached file), review an event or a source
(coordinators). Each call is one transaction with its audit events: everything or nothing.

Rules live in `tracker.domain.events`; permissions are checked by the caller, who knows who
is asking. Errors: `Invalid` (field -> reason, HTTP 400), `files.Refused` (400),
`files.TooLarge` (413), `NotPending` (409), `Unavailable` (503).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import or_, select

from ..domain import bilingual
from ..domain.events import EventFacts, SourceFacts, event_problems
from ..domain.messages import Message, N_
from ..domain.resubmit import RESUBMIT_WINDOW, repeats
from ..domain.rules import REVIEWER_REASON
from ..extensions import db
from ..models import Accord, Provision, utcnow
from ..places.lookup import places_by_code
from ..services.review import check_decision, decide
from ..services.transaction import (Invalid, NotPending, acting_user, audit, committing,
                                    touch)
from .files import media_type
from .models import Attachment, Event, EventProvision, EventSource, Source


@dataclass
class Upload:
    """A file as received: its bytes and the name it came with (kept for the download)."""

    content: bytes
    filename: str


@dataclass(frozen=True, eq=False)
class NewSource(SourceFacts):
    """A source given with an event: its facts (`domain.events.SourceFacts`), an optional
    attached file and `shared`: for every accord, not only the event's. Compared by identity:
    one `NewSource` given to several events is one source."""

    attachment: Upload | None = None
    shared: bool = False


@dataclass
class EventInput:
    """An event as a form, a file row or a request gives it: `provisions` as (provision,
    effect), `sources` as existing `Source` rows or `NewSource`s; `place_code` an official
    place code (e.g. DIVIPOLA "19050"); `language` the content language (ISO 639-1) `title`
    and `description` are written in, the *_translated texts being in the other one (None:
    the accord's original language)."""

    accord: Accord
    occurred_on: date | None
    title: str
    provisions: list[tuple[Provision, str]]
    sources: list[Source | NewSource]
    ended_on: date | None = None
    description: str = ""
    title_translated: str | None = None
    description_translated: str | None = None
    place_code: str | None = None
    actors: str = ""
    language: str | None = None


def problems(item: EventInput, today: date | None = None, places=None) -> dict:
    """Field -> reason for every rule `item` breaks (empty: acceptable); no writes.
    `places`: code -> Place already looked up (else looked up here)."""
    today = today or date.today()
    code = (item.place_code or "").strip() or None
    if places is None:
        places = places_by_code(item.accord, [code] if code else [])
    facts = EventFacts(
        occurred_on=item.occurred_on, ended_on=item.ended_on, title=item.title,
        signed_on=item.accord.signed_on, today=today, description=item.description,
        actors=item.actors, title_translated=item.title_translated or "",
        description_translated=item.description_translated or "",
        language=item.language or None,
        provisions=tuple((p.code, effect, p.accord_id == item.accord.id)
                         for p, effect in item.provisions),
        place=(code, code in places) if code else None,
        cited=tuple((f"#{s.id} {s.title}", s.review_state) for s in item.sources
                    if isinstance(s, Source)),
        new_sources=tuple(s for s in item.sources if isinstance(s, NewSource)))
    found = event_problems(facts)
    if item.accord.kind != "monitored":
        found["accord"] = N_("events are recorded for monitored accords, not reference ones")
    for source in item.sources:
        if isinstance(source, Source) and source.accord_id not in (None, item.accord.id):
            found["sources"] = N_("cites a source of another accord")
    return found


def submit_event(item: EventInput, *, verified: bool = False, origin: str = "web",
                 today: date | None = None) -> Event:
    """Record one event with its links and new sources (and their files), pending review
    unless `verified` (a coordinator's own entry). Raises Invalid, Refused, TooLarge or
    Unavailable, writing nothing."""
    return submit_events([item], verified=verified, origin=origin, today=today)[0]


def enter_event(item: EventInput, *, verified: bool = False,
                today: date | None = None) -> tuple[Event, bool]:
    """(the event, whether it was written now): `submit_event`, unless the item repeats the
    user's own pending event entered within the window (`domain.resubmit.repeats`: a form
    sent again from a page the Back button reloaded); that event is then given, nothing
    written."""
    earlier = repeated_event(item)
    if earlier is not None:
        return earlier, False
    return submit_event(item, verified=verified, origin="web", today=today), True


def _source_facts(source: Source | NewSource) -> tuple:
    return (source.title.strip(), source.kind, source.publisher or "", source.published_on,
            source.url or None)


def _event_values(event: Event) -> tuple:
    return (event.occurred_on, event.ended_on, event.title, event.description or "",
            event.place_id, event.actors or "",
            sorted((link.provision_id, link.effect) for link in event.provision_links),
            sorted(_source_facts(link.source) for link in event.source_links))


def repeated_event(item: EventInput) -> Event | None:
    """The user's pending event of the item's accord that `item` repeats (same facts, links
    and sources, within `RESUBMIT_WINDOW`), else None."""
    user_id, _ = acting_user()
    if user_id is None:
        return None
    now = utcnow()
    code = (item.place_code or "").strip()
    place = places_by_code(item.accord, [code]).get(code) if code else None
    given = (item.occurred_on, item.ended_on, item.title.strip(), item.description or "",
             place.id if place else None, item.actors or "",
             sorted((p.id, effect) for p, effect in item.provisions),
             sorted(_source_facts(s) for s in item.sources))
    recent = db.session.scalars(select(Event).where(
        Event.accord_id == item.accord.id, Event.submitted_by_id == user_id,
        Event.review_state == "pending", Event.title == item.title.strip(),
        Event.submitted_at >= now - RESUBMIT_WINDOW).order_by(Event.id.desc()))
    return next((e for e in recent if repeats(
        given, _event_values(e), same_author=True, earlier_at=e.submitted_at, now=now,
        still_open=e.review_state == "pending")), None)


def submit_events(items: list[EventInput], *, verified: bool = False, origin: str = "web",
                  today: date | None = None, audit_summary=None) -> list[Event]:
    """Record every event (all of one accord; ValueError otherwise) or none (keys `N:field`
    for the N-th event, from 0, when several); attached files are checked first, all of
    them. A `NewSource` given to several events is one source cited by each.
    `audit_summary(events)`, when given, adds one more audit event in the same transaction
    (a file import's)."""
    checked = check_events(items, today)
    with committing(lambda: NotPending("a cited source was reviewed meanwhile")):
        if items:
            touch(items[0].accord.id)  # writers of an accord take their turns from here
        events = write_events(checked, verified=verified, origin=origin)
        if audit_summary is not None:
            audit_summary(events)
    return events


@dataclass
class CheckedEvents:
    """Events whose rules and attached files were checked (`check_events`), ready for
    `write_events`: their places by code and their files' media types."""

    items: list[EventInput]
    places: dict
    kinds: dict


def check_events(items: list[EventInput], today: date | None = None) -> CheckedEvents:
    """Check every event (all of one accord; ValueError otherwise) and every attached file,
    writing nothing. Raises Invalid (keys `N:field` for the N-th event, from 0, when
    several), files.Refused or files.TooLarge."""
    if len({item.accord.id for item in items}) > 1:
        raise ValueError("submit_events takes events of one accord")
    errors: dict[str, str] = {}
    codes = [(i.place_code or "").strip() for i in items]
    places = places_by_code(items[0].accord, codes) if items else {}
    for index, item in enumerate(items):
        for name, reason in problems(item, today, places).items():
            errors[f"{index}:{name}" if len(items) > 1 else name] = reason
    if errors:
        raise Invalid(errors)
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    kinds = {id(s.attachment): media_type(s.attachment.content, limit) for item in items
             for s in item.sources if isinstance(s, NewSource) and s.attachment}
    return CheckedEvents(items, places, kinds)


def write_events(checked: CheckedEvents, *, verified: bool, origin: str) -> list[Event]:
    """Add the checked events, their links and new sources inside the caller's transaction
    (which has taken the accord's turn, `touch`), pending review unless `verified`. Raises
    Invalid when a cited source was rejected meanwhile; the caller rolls back."""
    _recheck_cited(checked.items)
    made: dict[int, Source] = {}
    return [_add_event(item, checked.places.get((item.place_code or "").strip()),
                       checked.kinds, made, verified=verified, origin=origin)
            for item in checked.items]


def _recheck_cited(items: list[EventInput]) -> None:
    """A cited source rejected while the events were checked: refused as if seen before."""
    cited = {s.id: s for item in items for s in item.sources if isinstance(s, Source)}
    for source in cited.values():
        db.session.refresh(source)
    rejected = [f"#{s.id} {s.title}" for s in cited.values() if s.review_state == "rejected"]
    if rejected:
        raise Invalid({"sources": Message(N_("cites a rejected source: %(sources)s"),
                                          sources=", ".join(rejected))})


def _review_values(verified: bool, user_id: int | None) -> dict:
    now = utcnow()
    return {"submitted_by_id": user_id, "submitted_at": now,
            "review_state": "verified" if verified else "pending",
            "reviewed_by_id": user_id if verified else None,
            "reviewed_at": now if verified else None,
            "review_reason": REVIEWER_REASON if verified else None}


def _add_event(item: EventInput, place, kinds: dict, made: dict, *, verified: bool,
               origin: str) -> Event:
    user_id, _ = acting_user()
    sources = []
    for given in item.sources:
        if isinstance(given, NewSource):
            if id(given) not in made:  # one identical source held already: cited
                made[id(given)] = held_source(item.accord, given) or _add_source(
                    given, item.accord, kinds, verified=verified, origin=origin)
            given = made[id(given)]
        if given not in sources:
            sources.append(given)
    event = Event(accord_id=item.accord.id, occurred_on=item.occurred_on,
                  ended_on=item.ended_on, title=item.title.strip(),
                  title_translated=item.title_translated or None,
                  description=item.description or "",
                  description_translated=item.description_translated or None,
                  language=bilingual.written_in(item.language, item.accord.original_language),
                  place_id=place.id if place else None, actors=item.actors or "",
                  origin=origin, **_review_values(verified, user_id))
    db.session.add(event)
    db.session.flush()
    db.session.add_all(EventProvision(event_id=event.id, provision_id=p.id,
                                      accord_id=item.accord.id, occurred_on=event.occurred_on,
                                      effect=effect) for p, effect in item.provisions)
    db.session.add_all(EventSource(event_id=event.id, source_id=s.id) for s in sources)
    db.session.flush()
    links = sorted((p.id, effect) for p, effect in item.provisions)
    audit("event.submit", "event", event.id, accord_id=event.accord_id,
          after=event_json(event, links, sorted(s.id for s in sources)))
    return event


def held_source(accord: Accord, new: NewSource) -> Source | None:
    """The source already recorded that `new` repeats, to cite instead of writing a second
    one (the one rule of the web form, the API, the events workbook and `import-events`):
    of `accord` or shared, not rejected, with the same title (outer spaces aside), kind,
    publisher, date and link; when `new` carries a file, with the same file (by content),
    so a file is never dropped. The oldest such source; None when there is none."""
    url = new.url or None
    query = select(Source).where(
        or_(Source.accord_id == accord.id, Source.accord_id.is_(None)),
        Source.title == new.title.strip(), Source.publisher == (new.publisher or ""),
        Source.kind == new.kind, Source.review_state != "rejected",
        Source.url.is_(None) if url is None else Source.url == url,
        Source.published_on.is_(None) if new.published_on is None
        else Source.published_on == new.published_on)
    if new.attachment is not None:
        digest = hashlib.sha256(new.attachment.content).hexdigest()
        query = query.where(Source.attachment_sha256 == digest)
    return db.session.scalar(query.order_by(Source.id).limit(1))


def _add_source(new: NewSource, accord: Accord, kinds: dict, *, verified: bool,
                origin: str) -> Source:
    user_id, _ = acting_user()
    attachment = _store(new.attachment, kinds[id(new.attachment)]) if new.attachment else None
    source = Source(accord_id=None if new.shared else accord.id, title=new.title.strip(),
                    kind=new.kind, publisher=new.publisher or "",
                    published_on=new.published_on, url=new.url or None,
                    language=new.language or None,
                    attachment_sha256=attachment.sha256 if attachment else None,
                    attachment_name=new.attachment.filename[:255] if new.attachment else None,
                    origin=origin, **_review_values(verified, user_id))
    db.session.add(source)
    db.session.flush()
    audit("source.submit", "source", source.id, accord_id=source.accord_id,
          after=source_json(source))
    return source


def _store(upload: Upload, kind: str) -> Attachment:
    """The attachment of `upload`'s content: the one held already when the same bytes were
    attached before (content-addressed), else a new one."""
    digest = hashlib.sha256(upload.content).hexdigest()
    held = db.session.get(Attachment, digest)
    if held is not None:
        return held
    attachment = Attachment(sha256=digest, media_type=kind, size_bytes=len(upload.content),
                            content=upload.content)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def event_json(event: Event, links: list | None = None, sources: list | None = None) -> dict:
    """An event's values for the audit log; its links (provision id, effect) and source ids
    are read unless given."""
    if links is None:
        links = db.session.execute(select(EventProvision.provision_id, EventProvision.effect)
                                   .where(EventProvision.event_id == event.id)
                                   .order_by(EventProvision.provision_id)).all()
    if sources is None:
        sources = db.session.scalars(select(EventSource.source_id)
                                     .where(EventSource.event_id == event.id)
                                     .order_by(EventSource.source_id)).all()
    return {"occurred_on": event.occurred_on.isoformat(),
            "ended_on": event.ended_on.isoformat() if event.ended_on else None,
            "title": event.title, "language": event.language, "place": event.place_id,
            "actors": event.actors, "provisions": [[p, e] for p, e in links],
            "sources": list(sources),
            "origin": event.origin, "review_state": event.review_state,
            "review_reason": event.review_reason}


def source_json(source: Source) -> dict:
    """A source's values for the audit log."""
    return {"title": source.title, "kind": source.kind, "publisher": source.publisher,
            "published_on": source.published_on.isoformat() if source.published_on else None,
            "url": source.url, "language": source.language,
            "attachment": source.attachment_sha256, "review_state": source.review_state,
            "review_reason": source.review_reason}


def _review(row, kind: str, as_json, decision: str, reason: str, also=None):
    """Verify or reject a pending event or source (`kind`) once, in one transaction with its
    audit event (`as_json` gives the row's audited values); `also(user_id)` runs first,
    inside the transaction, once the row is known to be still pending. NotPending (409) when
    it was decided already, also by another reviewer meanwhile."""
    check_decision(decision, reason)
    if row.review_state != "pending":
        raise NotPending(f"{kind} {row.id} was already {row.review_state}")
    user_id, _ = acting_user()
    with committing(lambda: NotPending(f"{kind} {row.id} changed while it was reviewed")):
        if row.accord_id is not None:
            touch(row.accord_id)  # also waits for a writer of the accord
        db.session.refresh(row)  # another coordinator may have decided while we waited
        if row.review_state != "pending":
            raise NotPending(f"{kind} {row.id} was already {row.review_state}")
        if also is not None:
            also(user_id)
        before = as_json(row)
        decide(row, decision, reason, user_id)
        db.session.flush()
        audit(f"{kind}.{decision}", kind, row.id, accord_id=row.accord_id,
              before=before, after=as_json(row))
    return row


def review_event(event: Event, decision: str, reason: str = "") -> Event:
    """Verify or reject a pending event, once (NotPending otherwise). Verifying it also
    verifies the pending sources it cites; it is refused (Invalid, field "sources") while
    it cites a rejected source."""
    def sources_first(user_id: int | None) -> None:
        if decision != "verified":
            return
        cited = [link.source for link in db.session.scalars(
            select(EventSource).where(EventSource.event_id == event.id))]
        for source in cited:
            db.session.refresh(source)
        if any(s.review_state == "rejected" for s in cited):
            raise Invalid({"sources": N_("cites a rejected source: replace it with a "
                                         "new event citing another source")})
        for source in cited:
            if source.review_state == "pending":
                before = source_json(source)
                decide(source, "verified", "verified with its event", user_id)
                audit("source.verified", "source", source.id, accord_id=source.accord_id,
                      before=before, after=source_json(source))

    return _review(event, "event", event_json, decision, reason, also=sources_first)


def review_source(source: Source, decision: str, reason: str = "") -> Source:
    """Verify or reject a pending source, once (NotPending otherwise). A rejected source
    can no longer be cited, nor its pending events verified."""
    return _review(source, "source", source_json, decision, reason)
