"""Rules an implementation event and its sources must satisfy, as pure checks returning
reasons (field name -> reason). Shared by every way in (web, file import, API), so each
refuses the same things with the same words. The database's facts come in as plain values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .bilingual import LANGUAGES
from .messages import Message, N_
from .text import url_problem

SOURCE_KINDS = ("official_document", "gazette", "news", "field_observation", "interview",
                "report")
#: How an event bears on a provision's level.
EFFECTS = ("advances", "sets_back", "no_effect", "context")
#: Each effect's and source kind's name as people read it (translated where shown).
EFFECT_NAMES = {"advances": N_("advances"), "sets_back": N_("sets back"),
                "no_effect": N_("no effect on the level"), "context": N_("context")}
SOURCE_KIND_NAMES = {"official_document": N_("official document"), "gazette": N_("gazette"),
                     "news": N_("news"), "field_observation": N_("field observation"),
                     "interview": N_("interview"), "report": N_("report")}
#: The languages an event's title and description may be written in (ISO 639-1: the
#: content languages) and their names as people read them (translated where shown).
LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}
MAX_TITLE = 300
MAX_DESCRIPTION = 10000
MAX_ACTORS = 2000
MAX_PUBLISHER = 200
MAX_URL = 1000
MAX_LANGUAGE = 10


def names_of(codes, names: dict[str, str]) -> Message:
    """The names (`names`: code -> N_ name) of `codes`, comma-separated, as a Message whose
    every name is translated where it is shown ("official document, gazette" in English,
    "documento oficial, gaceta" in Spanish): never the stored codes."""
    keys = [f"n{i}" for i in range(len(codes))]
    return Message(", ".join(f"%({key})s" for key in keys),
                   **{key: Message(names[code]) for key, code in zip(keys, codes)})


@dataclass(frozen=True)
class SourceFacts:
    """A new source as given: title, kind (SOURCE_KINDS), publisher, date, link, language."""

    title: str
    kind: str
    publisher: str = ""
    published_on: date | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class EventFacts:
    """An event as given, with what the database knows about what it names.

    `provisions`: (code, effect, whether the provision is of this event's accord);
    `place`: (code, whether it is a known place) or None; `cited`: (label, review state)
    of each existing source cited; `new_sources`: sources given with the event.
    """

    occurred_on: date | None
    ended_on: date | None
    title: str
    signed_on: date
    today: date
    description: str = ""
    actors: str = ""
    title_translated: str = ""
    description_translated: str = ""
    language: str | None = None
    provisions: tuple[tuple[str, str, bool], ...] = ()
    place: tuple[str, bool] | None = None
    cited: tuple[tuple[str, str], ...] = ()
    new_sources: tuple[SourceFacts, ...] = field(default_factory=tuple)


#: field -> (required, in the future, before signing): whole sentences, so each translates.
_DATE_REASONS = {
    "occurred_on": (N_("the date is required"), N_("the date is in the future"),
                    N_("the date is before the accord was signed")),
    "ended_on": (N_("the end date is required"), N_("the end date is in the future"),
                 N_("the end date is before the accord was signed")),
}


def _date_problem(value: date | None, name: str, signed_on: date, today: date):
    required, future, early = _DATE_REASONS[name]
    if value is None:
        return required
    if value > today:
        return future
    if value < signed_on:
        return early
    return None


def _text_problem(value: str, limit: int, required: bool = False):
    if required and not (value or "").strip():
        return N_("this field is required")
    if value and len(value) > limit:
        return Message(N_("longer than %(limit)s characters"), limit=limit)
    return None


def event_problems(event: EventFacts) -> dict[str, str | Message]:
    """Field name -> reason for every rule the event breaks (empty: acceptable).

    Fields: occurred_on, ended_on, title, description, actors, title_translated,
    description_translated, language (of title and description: a content language, or
    None for the accord's original one), provisions, effect, place, sources, and
    source_N.<field> for the N-th new source (from 1)."""
    found: dict[str, str | Message] = {}
    problem = _date_problem(event.occurred_on, "occurred_on", event.signed_on, event.today)
    if problem:
        found["occurred_on"] = problem
    if event.ended_on is not None:
        problem = _date_problem(event.ended_on, "ended_on", event.signed_on, event.today)
        if problem is None and event.occurred_on and event.ended_on < event.occurred_on:
            problem = N_("the end date is before the date")
        if problem:
            found["ended_on"] = problem
    for name, value, limit, required in (
            ("title", event.title, MAX_TITLE, True),
            ("description", event.description, MAX_DESCRIPTION, False),
            ("actors", event.actors, MAX_ACTORS, False),
            ("title_translated", event.title_translated, MAX_TITLE, False),
            ("description_translated", event.description_translated, MAX_DESCRIPTION, False)):
        problem = _text_problem(value, limit, required)
        if problem:
            found[name] = problem
    if event.language is not None and event.language not in LANGUAGES:
        found["language"] = Message(N_("unknown language %(language)r: use one of %(known)s"),
                                    language=event.language,
                                    known=names_of(LANGUAGES, LANGUAGE_NAMES))
    found.update(_provision_problems(event.provisions))
    if event.place is not None and not event.place[1]:
        found["place"] = Message(N_("%(code)s is not a known place code"), code=event.place[0])
    rejected = [label for label, state in event.cited if state == "rejected"]
    if rejected:
        found["sources"] = Message(N_("cites a rejected source: %(sources)s"),
                                   sources=", ".join(rejected))
    elif not event.cited and not event.new_sources:
        found["sources"] = N_("at least one source is required")
    for number, source in enumerate(event.new_sources, start=1):
        for name, reason in source_problems(source, event.today).items():
            found[f"source_{number}.{name}"] = reason
    return found


def _provision_problems(provisions) -> dict[str, str | Message]:
    found: dict[str, str | Message] = {}
    if not provisions:
        found["provisions"] = N_("at least one provision is required")
    elsewhere = [code for code, _effect, ours in provisions if not ours]
    if elsewhere:
        found["provisions"] = Message(N_("not a provision of this accord: %(codes)s"),
                                      codes=", ".join(elsewhere))
    codes = [code for code, _effect, _ours in provisions]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated and "provisions" not in found:
        found["provisions"] = Message(N_("named more than once: %(codes)s"),
                                      codes=", ".join(repeated))
    problem = effect_problem(effect for _code, effect, _ours in provisions)
    if problem:
        found["effect"] = problem
    return found


def effect_problem(effects) -> Message | None:
    """Why `effects` (stored values, as given) are refused: a Message naming those not in
    EFFECTS, or None. Where a file lets an effect be typed in two columns, its reader asks
    this of each column's, so the refusal names the column that holds it."""
    unknown = sorted({effect for effect in effects if effect not in EFFECTS})
    if not unknown:
        return None
    return Message(N_("unknown effect %(effects)s: use one of %(known)s"),
                   effects=", ".join(repr(e) for e in unknown),
                   known=names_of(EFFECTS, EFFECT_NAMES))


def source_problems(source: SourceFacts, today: date) -> dict[str, str | Message]:
    """Field name -> reason for a new source (title, kind, publisher, published_on, url,
    language)."""
    found: dict[str, str | Message] = {}
    for name, value, limit, required in (("title", source.title, MAX_TITLE, True),
                                         ("publisher", source.publisher, MAX_PUBLISHER, False),
                                         ("language", source.language or "", MAX_LANGUAGE,
                                          False)):
        problem = _text_problem(value, limit, required)
        if problem:
            found[name] = problem
    if not source.kind:
        found["kind"] = Message(N_("the kind of source is required: choose one of %(known)s"),
                                known=names_of(SOURCE_KINDS, SOURCE_KIND_NAMES))
    elif source.kind not in SOURCE_KINDS:
        found["kind"] = Message(N_("unknown source kind %(kind)r: use one of %(known)s"),
                                kind=source.kind,
                                known=names_of(SOURCE_KINDS, SOURCE_KIND_NAMES))
    if source.published_on is not None and source.published_on > today:
        found["published_on"] = N_("the source's date is in the future")
    if source.url:
        problem = N_("the link is too long") if len(source.url) > MAX_URL \
            else url_problem(source.url)
        if problem:
            found["url"] = problem
    return found
