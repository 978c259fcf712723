"""The events the status rows of an uploaded update workbook cite (its "Events cited"
column, `domain.citing`): each reference checked against the accord and the workbook's
Events sheet, nothing written.

A row may cite, as the web status form does, a verified event of the accord bearing on the
row's provision, by number; and an event typed on the workbook's Events sheet ("E5"), which
must be a good row linking that provision. Such an event is written with the record, in
the same transaction (`services.confirm_upload`), and reviewed as the record is: both
pending (an editor's upload; the record is verified only once the event is) or both
verified (a coordinator's). An Events row the accord holds already (the workbook uploaded
again) cites the event held, which must then be verified as a number must be.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.citing import ROW_PREFIX, EventRefs
from ..domain.messages import Message, N_
from ..domain.rules import CitedEvent
from ..events.citations import as_cited
from ..events.models import Event
from ..extensions import db
from ..models import Accord, Provision
from ..places.lookup import places_by_code
from . import columns as C
from .events import PlannedEvent

_LINKS_HEADER = next(c.header for c in C.UPDATE_EVENTS if c.key == "provision_codes")


@dataclass
class Cited:
    """What a row's references come to: `ids` of events recorded already, `positions` of
    events to write with it (among the plan's `event_inputs`), `shown` one label a reference
    for the preview, `problems` one Message a bad reference, `dated` the events cited (both
    kinds) as the date rule reads them (`domain.rules.cited_after_problem`)."""

    ids: tuple[int, ...] = ()
    positions: tuple[int, ...] = ()
    shown: list[str] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)
    dated: list[CitedEvent] = field(default_factory=list)
    #: events the accord holds for cited Events rows, refused (pending, say): the workbook
    #: uploaded again repeats the record that cites them
    held_refused: tuple[int, ...] = ()


class Citations:
    """Resolves the references of a plan's rows: the events named by number are read in one
    query (`numbers`, all the rows'), the Events sheet's rows are `events`."""

    def __init__(self, accord: Accord, events: list[PlannedEvent], numbers: set[int]):
        self.accord = accord
        self.rows = {e.row: e for e in events}
        writing = [e.row for e in events if e.to_record]
        self.position = {row: index for index, row in enumerate(writing)}
        self.recorded = _events(accord, numbers)
        self.held = _held(accord, [e for e in events if e.held])

    def resolve(self, refs: EventRefs | None, provision: Provision) -> Cited:
        """The row's citations (empty for no reference), each bad one a problem."""
        cited = Cited()
        if not refs:
            return cited
        ids, positions = set(), set()
        for number in refs.numbers:
            event = self.recorded.get(number)
            problem = _problem(event, f"#{number}", provision)
            cited.shown.append(f"#{number}" + (f" {event.title}" if event else ""))
            if problem:
                cited.problems.append(problem)
            else:
                ids.add(number)
                cited.dated.append(as_cited(event, f"#{number}"))
        for row in refs.rows:
            ref = f"{ROW_PREFIX}{row}"
            planned = self.rows.get(row)
            title = planned.values.get("title", "") if planned else ""
            cited.shown.append(f"{ref} {title}".strip())
            problem = self._row_problem(ref, planned, provision)
            if problem:
                cited.problems.append(problem)
            elif planned.held:
                event = self.held.get(row)
                problem = _problem(event, ref, provision)
                if problem:
                    cited.problems.append(problem)
                    cited.held_refused += (event.id,) if event else ()
                else:
                    ids.add(event.id)
                    cited.dated.append(as_cited(event, ref))
            else:
                positions.add(self.position[row])
                cited.dated.append(CitedEvent(ref, planned.item.title.strip(),
                                              planned.item.occurred_on))
        cited.ids, cited.positions = tuple(sorted(ids)), tuple(sorted(positions))
        return cited

    @staticmethod
    def _row_problem(ref: str, planned: PlannedEvent | None, provision: Provision):
        if planned is None:
            return Message(N_("%(ref)s: the Events sheet has no event on that row"), ref=ref)
        if planned.problems or planned.item is None:
            return Message(N_("%(ref)s: that row of the Events sheet has problems; correct "
                              "it first"), ref=ref)
        if all(p.id != provision.id for p, _effect in planned.item.provisions):
            return Message(N_("%(ref)s: the event on that row does not bear on provision "
                              "%(code)s; add the provision to its '%(column)s'"), ref=ref,
                           code=provision.code, column=Message(_LINKS_HEADER))
        return None


def _problem(event: Event | None, ref: str, provision: Provision) -> Message | None:
    """Why the recorded `event` (None: no such event of the accord) cannot be cited by a
    record of `provision`: the web form's rule, a verified event bearing on it."""
    if event is None:
        return Message(N_("%(ref)s: this accord has no such event"), ref=ref)
    if all(link.provision_id != provision.id for link in event.provision_links):
        return Message(N_("%(ref)s: event %(title)s does not bear on provision %(code)s"),
                       ref=ref, title=repr(event.title), code=provision.code)
    if event.review_state == "rejected":
        return Message(N_("%(ref)s: event %(title)s was rejected; it cannot be cited"),
                       ref=ref, title=repr(event.title))
    if event.review_state != "verified":
        return Message(N_("%(ref)s: event %(title)s awaits review; only verified events can "
                          "be cited"), ref=ref, title=repr(event.title))
    return None


def _events(accord: Accord, numbers: set[int]) -> dict[int, Event]:
    """number -> the accord's event of that number (another accord's is left out, as an
    unknown one), its provision links loaded."""
    found: dict[int, Event] = {}
    wanted = sorted(numbers)
    for start in range(0, len(wanted), 500):
        for event in db.session.scalars(
                select(Event).options(selectinload(Event.provision_links))
                .where(Event.accord_id == accord.id, Event.id.in_(wanted[start:start + 500]))):
            found[event.id] = event
    return found


def _held(accord: Accord, held: list[PlannedEvent]) -> dict[int, Event]:
    """Events sheet row -> the event the accord holds for it (same date, title and place, not
    rejected: `events.importer.RowReader.held`), the newest when several."""
    if not held:
        return {}
    places = places_by_code(accord, [(e.item.place_code or "").strip() for e in held])
    found = {}
    for planned in held:
        item = planned.item
        place = places.get((item.place_code or "").strip())
        found[planned.row] = db.session.scalar(
            select(Event).options(selectinload(Event.provision_links))
            .where(Event.accord_id == accord.id, Event.occurred_on == item.occurred_on,
                   Event.title == item.title.strip(), Event.review_state != "rejected",
                   Event.place_id == place.id if place else Event.place_id.is_(None))
            .order_by(Event.id.desc()).limit(1))
    return found
