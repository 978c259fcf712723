"""`import_events`: implementation events of one accord from a CSV or XLSX file (through the
one tabular reader), all rows or none.

Columns (any order and case): date, title, description, place_code, provision_codes
(`;`-separated), source_title, source_url, source_date, publisher; optionally effect (one
for every provision of the row, or one per code, `;`-separated, in the same order; default
"context", which claims nothing about the level), end_date, actors, source_kind (default
"report"), source_language (ISO 639-1, e.g. "es"), title_translated and
description_translated (in the accord's other content language). Rows naming the same source (title, link, date, publisher, kind) cite one source,
and a source already held identically is cited, not repeated; a row repeating an event
already held (same date, title and place, not rejected) is skipped, so importing the same
file again writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from ..domain.events import SOURCE_KIND_NAMES, SOURCE_KINDS, names_of
from ..domain.text import without_accents
from ..domain.messages import Message, N_
from ..extensions import db
from ..models import Accord
from ..places.lookup import places_by_code
from ..services import Invalid, audit
from ..tables import RowError, TableError, parse_date, read_table
from .models import Event, Source
from .services import EventInput, NewSource, problems, submit_events

REQUIRED = ("date", "title", "description", "place_code", "provision_codes", "source_title",
            "source_url", "source_date", "publisher")
OPTIONAL = ("effect", "end_date", "actors", "source_kind", "source_language",
            "title_translated", "description_translated")
DEFAULT_EFFECT = "context"
DEFAULT_SOURCE_KIND = "report"
#: Effects and source kinds as people write them (codes, English and Spanish names; accents
#: and case aside, a hyphen as a space) -> the stored value.
EFFECT_NAMES = {without_accents(name): code for code, names in {
    "advances": ("advances", "avanza"), "sets_back": ("sets back", "retrocede"),
    "no_effect": ("no effect", "no effect on the level", "sin efecto",
                  "sin efecto en el nivel"),
    "context": ("context", "contexto")}.items() for name in (code, *names)}
KIND_NAMES = {without_accents(name): code for code, names in {
    "official_document": ("official document", "documento oficial"),
    "gazette": ("gazette", "diario oficial"), "news": ("news", "noticia", "noticias"),
    "field_observation": ("field observation", "observación de campo"),
    "interview": ("interview", "entrevista"), "report": ("report", "informe")}.items()
    for name in (code, *names)}


@dataclass
class EventsResult:
    """What an import did: events created, rows skipped (events already held), sources
    created and sources cited that were held already."""

    created: int = 0
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"created {self.created} event(s)"
        if self.skipped:
            text += f"; {self.skipped} row(s) repeat an event already held, skipped"
        return text


def import_events(slug: str, data: bytes, filename: str, *, verified: bool = False,
                  actor: str = "") -> EventsResult:
    """Import the events of accord `slug` from `data`; pending review, or verified when
    `verified` (a coordinator's bulk load, audited as such; `actor` says who ran it).
    Raises TableError with every bad row by its spreadsheet row number, writing nothing."""
    accord = db.session.scalar(select(Accord).where(Accord.slug == slug))
    if accord is None:
        raise TableError([RowError(None, f"no accord with slug {slug!r}")])
    if accord.kind != "monitored":
        raise TableError([RowError(None, f"{slug!r} is a reference accord: events are recorded "
                                         "for monitored accords")])
    table = read_table(data, filename, REQUIRED, OPTIONAL)
    reader = _Reader(accord)
    rows = reader.read(table.rows)
    fresh = [(number, item) for number, item in rows if not reader.held(item)]
    result = EventsResult(skipped=len(rows) - len(fresh))
    if not fresh:
        return result
    try:
        submit_events([item for _n, item in fresh], verified=verified, origin="import",
                      audit_summary=lambda events: audit(
                          "import.events", "accord", accord.id, accord_id=accord.id,
                          after={"file": filename, "events": len(events),
                                 "skipped": result.skipped, "by": actor,
                                 "state": "verified" if verified else "pending"}))
    except Invalid as exc:  # a source was rejected while the file was read
        raise TableError([RowError(None, f"{key}: {reason}")
                          for key, reason in exc.errors.items()]) from None
    result.created = len(fresh)
    return result


class _Reader:
    """Turns the file's rows into event inputs, collecting every row's problems."""

    def __init__(self, accord: Accord):
        self.accord = accord
        self.provisions = {p.code: p for p in accord.provisions}
        self.sources: dict[tuple, Source | NewSource] = {}
        self.errors: list[RowError] = []
        self.places: dict = {}
        self._held_keys: set | None = None

    def read(self, rows) -> list[tuple[int, EventInput]]:
        """(row number, event input) for every row; TableError with every row's problems."""
        self.places = places_by_code(self.accord, [values["place_code"] for _n, values in rows])
        items, seen = [], {}
        for number, values in rows:
            item = self._item(number, values)
            if item is None:
                continue
            for name, reason in problems(item, places=self.places).items():
                self._fail(number, f"{_column(name)}: %(reason)s", reason=reason)
            key = self._key(item)
            if key in seen:
                self._fail(number, N_("repeats the event of row %(first)s (same date, title "
                                      "and place)"), first=seen[key])
            seen.setdefault(key, number)
            items.append((number, item))
        if self.errors:
            raise TableError(self.errors)
        return items

    def _key(self, item: EventInput) -> tuple:
        place = self.places.get(item.place_code or "")
        return item.occurred_on, item.title.strip(), place.id if place else None

    def held(self, item: EventInput) -> bool:
        """Whether the accord holds this event already (same date, title and place; not
        rejected). The accord's keys are read once, in one query."""
        if self._held_keys is None:
            rows = db.session.execute(select(Event.occurred_on, Event.title, Event.place_id)
                                      .where(Event.accord_id == self.accord.id,
                                             Event.review_state != "rejected"))
            self._held_keys = {tuple(row) for row in rows}
        return self._key(item) in self._held_keys

    def _fail(self, number: int, text: str, **params) -> None:
        self.errors.append(RowError(number, Message(text, **params)))

    def _date(self, number: int, values: dict, column: str):
        if not values.get(column):
            return None
        try:
            return parse_date(values[column])
        except ValueError as exc:
            self._fail(number, f"{column}: %(reason)s", reason=exc.args[0])
            return False

    def _item(self, number: int, values: dict) -> EventInput | None:
        dates = [self._date(number, values, c) for c in ("date", "end_date", "source_date")]
        links = self._links(number, values)
        kind = KIND_NAMES.get(without_accents(values.get("source_kind") or DEFAULT_SOURCE_KIND)
                              .strip())
        if kind is None:
            self._fail(number, N_("source_kind: unknown kind %(kind)r: use one of %(known)s"),
                       kind=values["source_kind"],
                       known=names_of(SOURCE_KINDS, SOURCE_KIND_NAMES))
        if False in dates or links is None or kind is None:
            return None
        return EventInput(
            accord=self.accord, occurred_on=dates[0], ended_on=dates[1],
            title=values["title"], description=values["description"],
            title_translated=values.get("title_translated") or None,
            description_translated=values.get("description_translated") or None,
            place_code=values["place_code"] or None, actors=values.get("actors", ""),
            provisions=links, sources=[self._source(values, kind, dates[2])])

    def _links(self, number: int, values: dict):
        codes = [c.strip() for c in values["provision_codes"].split(";") if c.strip()]
        unknown = [c for c in codes if c not in self.provisions]
        if unknown:
            self._fail(number, N_("provision_codes: unknown provision code(s) %(codes)s"),
                       codes=", ".join(unknown))
        effects = [EFFECT_NAMES.get(without_accents(e.strip()).replace("-", " "),
                                    e.strip())
                   for e in (values.get("effect") or DEFAULT_EFFECT).split(";")]
        if len(effects) == 1:
            effects = effects * len(codes)
        if len(effects) != len(codes):
            self._fail(number, N_("effect: give one effect, or one per provision code "
                                  "(%(count)s)"), count=len(codes))
        if unknown or len(effects) != len(codes):
            return None
        return [(self.provisions[c], e) for c, e in zip(codes, effects)]

    def _source(self, values: dict, kind: str, published_on) -> Source | NewSource:
        key = (values["source_title"], values["source_url"] or None, published_on,
               values["publisher"], kind)
        if key not in self.sources:
            self.sources[key] = self._held_source(key) or NewSource(
                title=values["source_title"], kind=kind, publisher=values["publisher"],
                published_on=published_on, url=values["source_url"] or None,
                language=(values.get("source_language") or "").lower() or None)
        return self.sources[key]

    def _held_source(self, key: tuple) -> Source | None:
        title, url, published_on, publisher, kind = key
        return db.session.scalar(select(Source).where(
            or_(Source.accord_id == self.accord.id, Source.accord_id.is_(None)),
            Source.title == title, Source.publisher == publisher, Source.kind == kind,
            Source.url.is_(None) if url is None else Source.url == url,
            Source.published_on.is_(None) if published_on is None
            else Source.published_on == published_on,
            Source.review_state != "rejected").order_by(Source.id).limit(1))


#: The rules' field names -> the file's column names, for messages.
_COLUMNS = {"occurred_on": "date", "ended_on": "end_date", "place": "place_code",
            "provisions": "provision_codes", "sources": "source_title",
            "source_1.title": "source_title", "source_1.url": "source_url",
            "source_1.published_on": "source_date", "source_1.publisher": "publisher",
            "source_1.kind": "source_kind"}


def _column(field_name: str) -> str:
    return _COLUMNS.get(field_name, field_name)
