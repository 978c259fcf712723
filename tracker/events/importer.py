"""`import_events`: implementation events of one accord from a CSV or XLSX file (through the
one tabular reader), all rows or none.

Columns (any order and case): date, title, description, place_code, provision_codes
(`;`-separated; an entry "code:effect" gives that provision's effect, e.g.
"1.1.2:advances; 1.3.1:context"), source_title, source_url, source_date, publisher;
optionally effect (one for every provision of the row, or one per code, `;`-separated, in
the same order; default "context", which claims nothing about the level), end_date, actors,
source_kind (default "report"), source_language (ISO 639-1, e.g. "es"), source_id (cite a
source already held, of the accord or shared; the source columns may then stay blank),
language (of title and description: "en" or "es", or English, Spanish, inglés, español;
default: the accord's original language), title_translated and description_translated (in
the other content language).
Effects and source kinds are read by their codes or their English or Spanish names (accents
and case aside). Rows naming the same source (title, link, date, publisher, kind) cite one
source, and a source already held identically is cited, not repeated; a row repeating an
event already held (same date, title case aside, and place, not rejected) is skipped, so
importing the same file again writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from ..domain.events import SOURCE_KIND_NAMES, SOURCE_KINDS, effect_problem, names_of
from ..domain.text import parse_int, without_accents
from ..domain.messages import Message, N_, as_reason
from ..extensions import db
from ..models import Accord, Provision
from ..places.lookup import places_by_code
from ..services import Invalid, audit
from ..tables import RowError, TableError, parse_date, read_table
from .models import Event, Source
from .services import EventInput, NewSource, held_source, problems, submit_events

REQUIRED = ("date", "title", "description", "place_code", "provision_codes", "source_title",
            "source_url", "source_date", "publisher")
OPTIONAL = ("effect", "end_date", "actors", "source_kind", "source_language",
            "title_translated", "description_translated", "source_id", "language")
#: The columns describing a new source: a row citing a source by id adds a new one only
#: when it fills one of them.
NEW_SOURCE_COLUMNS = ("source_title", "source_url", "source_date", "publisher")
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
#: The content languages as people write them (ISO 639-1 codes, English and Spanish names;
#: accents and case aside) -> the code.
LANGUAGE_NAMES = {without_accents(name): code for code, names in {
    "en": ("english", "inglés"), "es": ("spanish", "español", "castellano")}.items()
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
    reader = RowReader(accord)
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


class RowReader:
    """Turns rows of event columns into event inputs, collecting every row's problems: the
    one place of the row rules shared by `import_events` and the update workbook's Events
    sheet (`tracker.excel.events`).

    `label(key)` names a column in messages (default: the key itself, as the CSV header);
    `may_link(provision)` says whether the rows may link a provision (default: any of the
    accord's); `effect_names` and `kind_names` add spellings of effects and source kinds
    (the labels in each of the app's languages) to the stored values and EFFECT_NAMES;
    `kinds_shown` lists the kinds in a refusal (default: their names, translated where the
    refusal is shown); `language` is the language of the title and description of a row
    whose language column is blank (default None: the accord's original language), and
    `language_names` adds spellings of the languages to LANGUAGE_NAMES."""

    def __init__(self, accord: Accord, *, label: Callable[[str], object] = str,
                 may_link: Callable[[Provision], bool] | None = None,
                 effect_names: dict[str, str] | None = None,
                 kind_names: dict[str, str] | None = None, kinds_shown: object = None,
                 language: str | None = None, language_names: dict[str, str] | None = None):
        self.accord = accord
        self.language = language
        self.language_names = {**LANGUAGE_NAMES, **{without_accents(name): code for name, code
                                                    in (language_names or {}).items()}}
        self.label = label
        self.may_link = may_link
        self.effect_names = {**EFFECT_NAMES, **{without_accents(name).replace("-", " "): code
                                                for name, code in (effect_names or {}).items()}}
        self.kind_names = {**KIND_NAMES, **{without_accents(name).replace("-", " "): code
                                            for name, code in (kind_names or {}).items()}}
        self.kinds_shown = kinds_shown or names_of(SOURCE_KINDS, SOURCE_KIND_NAMES)
        self.provisions = {p.code: p for p in accord.provisions}
        self.sources: dict[tuple, Source | NewSource] = {}
        self.errors: list[RowError] = []
        self.places: dict = {}
        self._held_keys: set | None = None

    def read(self, rows) -> list[tuple[int, EventInput]]:
        """(row number, event input) for every row; TableError with every row's problems."""
        items = self.read_all(rows)
        if self.errors:
            raise TableError(self.errors)
        return items

    def read_all(self, rows) -> list[tuple[int, EventInput]]:
        """(row number, event input) for every row whose cells could be read; the problems
        of every row (those read included) are left in `self.errors`, nothing raised."""
        self.places = places_by_code(self.accord,
                                     [values.get("place_code", "") for _n, values in rows])
        items, seen = [], {}
        for number, values in rows:
            item, failed = self._item(number, values)
            cites = bool(values.get("source_id"))
            # every problem of the row at once: the rules run on what could be read, and a
            # column that could not be is reported once, by the reading, not by the rules
            for name, reason in problems(item, places=self.places).items():
                if _column(name, cites) not in failed:
                    self._fail(number, _column(name, cites), reason)
            key = self._key(item)
            if key in seen:
                self.errors.append(RowError(number, Message(N_(
                    "repeats the event of row %(first)s (same date, title and place)"),
                    first=seen[key])))
            seen.setdefault(key, number)
            if not failed:
                items.append((number, item))
        return items

    def _key(self, item: EventInput) -> tuple:
        place = self.places.get(item.place_code or "")
        return item.occurred_on, item.title.strip().casefold(), place.id if place else None

    def held(self, item: EventInput) -> bool:
        """Whether the accord holds this event already (same date, title case aside, and
        place; not rejected). The accord's keys are read once, in one query."""
        if self._held_keys is None:
            rows = db.session.execute(select(Event.occurred_on, Event.title, Event.place_id)
                                      .where(Event.accord_id == self.accord.id,
                                             Event.review_state != "rejected"))
            self._held_keys = {(day, title.strip().casefold(), place)
                               for day, title, place in rows}
        return self._key(item) in self._held_keys

    def _fail(self, number: int, column: str, reason) -> None:
        """A problem of row `number` in `column` (a key), named as `label` names it."""
        self.errors.append(RowError(number, Message(N_("%(column)s: %(reason)s"),
                                                    column=self.label(column), reason=as_reason(reason))))

    def _date(self, number: int, values: dict, column: str):
        if not values.get(column):
            return None
        try:
            return parse_date(values[column])
        except ValueError as exc:
            self._fail(number, column, exc.args[0])
            return False

    def _item(self, number: int, values: dict) -> tuple[EventInput, set[str]]:
        """The row's event, and the columns that could not be read (reported already; the
        event then holds what could be)."""
        failed: set[str] = set()
        dates = [self._date(number, values, c) for c in ("date", "end_date", "source_date")]
        failed.update(c for c, d in zip(("date", "end_date", "source_date"), dates)
                      if d is False)
        links = self._links(number, values)
        if links is None:
            failed.update(("provision_codes", "effect"))
        typed = (values.get("source_kind") or DEFAULT_SOURCE_KIND).strip()
        kind = self.kind_names.get(without_accents(typed).replace("-", " "))
        if kind is None:
            failed.add("source_kind")
            self._fail(number, "source_kind", Message(
                N_("unknown kind %(kind)r: use one of %(known)s"), kind=typed,
                known=self.kinds_shown))
        sources = self._sources(number, values, kind or "", dates[2] or None)
        if sources is None:
            failed.update(("source_id", "source_title"))
        item = EventInput(
            accord=self.accord, occurred_on=dates[0] or None, ended_on=dates[1] or None,
            title=values.get("title", ""), description=values.get("description", ""),
            title_translated=values.get("title_translated") or None,
            description_translated=values.get("description_translated") or None,
            place_code=values.get("place_code") or None, actors=values.get("actors", ""),
            provisions=links or [], sources=sources or [],
            language=self._language(values.get("language")))
        return item, failed

    def _language(self, typed: str | None) -> str | None:
        """The code of a typed language (blank: the reader's default; unknown: as typed,
        refused by the rules)."""
        typed = (typed or "").strip()
        if not typed:
            return self.language
        return self.language_names.get(without_accents(typed), typed)

    def _links(self, number: int, values: dict):
        """(provision, effect) of each entry of provision_codes: "code" takes the effect
        column's (one for the row, or the n-th of one per code; default "context"),
        "code:effect" its own."""
        entries = [c.strip() for c in values.get("provision_codes", "").split(";") if c.strip()]
        codes = [entry.partition(":")[0].strip() for entry in entries]
        own = [entry.partition(":")[2].strip() for entry in entries]
        unknown = [c for c in codes if c not in self.provisions]
        if unknown:
            self._fail(number, "provision_codes", Message(
                N_("unknown provision code(s) %(codes)s"), codes=", ".join(unknown)))
        barred = [c for c in codes if c in self.provisions and self.may_link is not None
                  and not self.may_link(self.provisions[c])]
        if barred:
            self._fail(number, "provision_codes", Message(
                N_("you may not link provision(s) %(codes)s"), codes=", ".join(barred)))
        effects = [self._effect(e) for e in (values.get("effect") or DEFAULT_EFFECT).split(";")]
        if len(effects) == 1:
            effects = effects * len(codes)
        if len(effects) != len(codes):
            self._fail(number, "effect", Message(
                N_("give one effect, or one per provision code (%(count)s)"),
                count=len(codes)))
        if unknown or barred or len(effects) != len(codes):
            return None
        chosen = [self._effect(mine) if mine else effect for mine, effect in zip(own, effects)]
        # an unknown effect is refused at the column it was typed in ("1.1.2:better")
        typed_here = effect_problem(e for e, mine in zip(chosen, own) if mine)
        if typed_here:
            self._fail(number, "provision_codes", typed_here)
        typed_there = effect_problem(e for e, mine in zip(chosen, own) if not mine)
        if typed_there:
            self._fail(number, "effect", typed_there)
        if typed_here or typed_there:
            return None
        return [(self.provisions[c], effect) for c, effect in zip(codes, chosen)]

    def _effect(self, typed: str) -> str:
        """The stored effect a typed one names (unknown: as typed, refused by the rules)."""
        typed = typed.strip()
        return self.effect_names.get(without_accents(typed).replace("-", " "), typed)

    def _sources(self, number: int, values: dict, kind, published_on):
        """The row's sources: the one cited by source_id (a source of the accord or shared),
        and a new (or identical held) one when the row gives one, as it must without an id."""
        found: list[Source | NewSource] = []
        typed = (values.get("source_id") or "").strip().lstrip("#")
        if typed:
            try:
                source = db.session.get(Source, parse_int(typed, minimum=1))
            except ValueError:  # not a number ("abc", "²"): no such source
                source = None
            if source is None:
                self._fail(number, "source_id", Message(N_("no source %(id)s"),
                                                        id=repr(values["source_id"])))
                return None
            found.append(source)
        if not typed or any(values.get(c) for c in NEW_SOURCE_COLUMNS):
            found.append(self._source(values, kind, published_on))
        return found

    def _source(self, values: dict, kind: str, published_on) -> Source | NewSource:
        """The row's new source: one object for the rows naming the same source (title,
        link, date, publisher, kind), the source already held when it repeats one
        (`services.held_source`)."""
        key = (values.get("source_title", ""), values.get("source_url") or None, published_on,
               values.get("publisher", ""), kind)
        if key not in self.sources:
            title, url, _on, publisher, _kind = key
            new = NewSource(title=title, kind=kind, publisher=publisher,
                            published_on=published_on, url=url,
                            language=(values.get("source_language") or "").lower() or None)
            self.sources[key] = held_source(self.accord, new) or new
        return self.sources[key]


#: The rules' field names -> the file's column names, for messages.
_COLUMNS = {"occurred_on": "date", "ended_on": "end_date", "place": "place_code",
            "provisions": "provision_codes", "sources": "source_title",
            "source_1.title": "source_title", "source_1.url": "source_url",
            "source_1.published_on": "source_date", "source_1.publisher": "publisher",
            "source_1.kind": "source_kind"}


def _column(field_name: str, cites: bool = False) -> str:
    """The column behind a rule's field; a problem of the sources is the cited source's
    when the row cites one."""
    if field_name == "sources" and cites:
        return "source_id"
    return _COLUMNS.get(field_name, field_name)
