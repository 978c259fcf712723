"""Rules a status submission (and a provision's deadline) must satisfy, as pure checks
returning reasons.

Shared by the web form, the offline workbook upload and any other way in, so every path
refuses the same things with the same words.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .messages import Message, N_
from .scale import LEVELS
from .text import url_problem as link_problem

MAX_NOTE = 2000
MAX_EVIDENCE_TEXT = 4000
MAX_URL = 1000


#: The review reason stored on a status record or event verified on entry (a coordinator's
#: own entry, or an import), in English as stored; pages show it in the reader's language
#: (`i18n.vocabulary.STORED_WORDS`).
REVIEWER_REASON = "recorded by a reviewer"


@dataclass(frozen=True)
class Submission:
    """A requested status record. `events`: ids of the events it cites (verified events
    bearing on its provision); `new_events`: the events it cites that are written with it
    (an upload's Events sheet), by their position among those; they get their ids, and
    join `events`, when written."""

    level: int | None
    effective_on: date | None
    evidence_url: str | None = None
    evidence_text: str | None = None
    note: str | None = None
    events: tuple[int, ...] = ()
    new_events: tuple[int, ...] = ()


@dataclass(frozen=True)
class CitedEvent:
    """An event a submission cites, as the date rule needs it: `ref` names it as the user
    did ("#12"; a workbook's "E5" for an event typed on its Events sheet), `title` is its
    title, `starts_on` the day it happened (for an event spanning days, its first day)."""

    ref: str
    title: str
    starts_on: date


def cited_after_problem(effective_on: date | None,
                        cited: Iterable[CitedEvent]) -> Message | None:
    """Why a record holding from `effective_on` cannot cite `cited` (a Message naming the
    first such event, by its date then reference, and both dates), or None. A level rests
    only on what had happened by the day it holds from: each cited event must have happened
    (begun, for a range) on or before `effective_on`. No date: nothing to compare (the
    date's own rule speaks). Every way in applies this rule (`problems`)."""
    if effective_on is None:
        return None
    later = sorted((e for e in cited if e.starts_on > effective_on),
                   key=lambda e: (e.starts_on, e.ref))
    if not later:
        return None
    event = later[0]
    return Message(N_("event %(ref)s (%(title)s) happened on %(happened)s, after %(effective)s, "
                      "the date this level holds from: a level may rest only on events of "
                      "that day or earlier (an event spanning days counts from its first "
                      "day)"), ref=event.ref, title=event.title, happened=event.starts_on,
                   effective=effective_on)


def evidence_url_problem(url: str | None) -> str | None:
    """Why the evidence link is refused (an N_ reason), or None; never raises."""
    if not url:
        return None
    if len(url) > MAX_URL:
        return N_("the evidence link is too long")
    return link_problem(url)


def _given(text: str | None) -> bool:
    """Whether a text field holds anything: blanks and line breaks alone are nothing."""
    return bool(text and text.strip())


def has_evidence(sub: Submission) -> bool:
    """A link or a description that is more than blanks, or a cited event (recorded
    already or written with the record)."""
    return (_given(sub.evidence_url) or _given(sub.evidence_text) or bool(sub.events)
            or bool(sub.new_events))


def changes_nothing(sub: Submission, level_in_force: int | None) -> bool:
    """Whether recording `sub` would change nothing: it gives the level already in force and
    carries no evidence and no note. Every way in records nothing for it and says so."""
    return (sub.level is not None and sub.level == level_in_force
            and not has_evidence(sub) and not _given(sub.note))


def problems(sub: Submission, *, current_level: int, signed_on: date, today: date,
             citable: frozenset[int] = frozenset(), cited: Iterable[CitedEvent] = (),
             refused: bool = False) -> dict:
    """Field name -> reason (an N_ string or a Message), for every rule the submission
    breaks (empty: acceptable). `citable`: which of the events it cites are verified events
    of its provision; `cited`: the events it cites with their dates (`cited_after_problem`);
    `refused`: whether the caller refused some of its references already (a workbook's
    unknown event number): that refusal is then the problem, and the evidence rule adds no
    second one for the same citation.

    A change of level, a rise or a fall, rests on evidence: a link, a description or at
    least one cited event."""
    found: dict[str, str] = {}
    if sub.level not in LEVELS:
        found["level"] = N_("the level must be 0, 1, 2 or 3")
    if sub.effective_on is None:
        found["effective_on"] = N_("the effective date is required")
    elif sub.effective_on > today:
        found["effective_on"] = N_("the effective date is in the future")
    elif sub.effective_on < signed_on:
        found["effective_on"] = N_("the effective date is before the accord was signed")
    url_problem = evidence_url_problem(sub.evidence_url)
    if url_problem:
        found["evidence_url"] = url_problem
    if sub.evidence_text and len(sub.evidence_text) > MAX_EVIDENCE_TEXT:
        found["evidence_text"] = N_("the evidence is too long")
    if sub.note and len(sub.note) > MAX_NOTE:
        found["note"] = N_("the note is too long")
    if changes_nothing(sub, current_level):
        found["level"] = N_("this is the level already recorded: to confirm it, add "
                            "evidence or a note; otherwise there is nothing to record")
    strays = set(sub.events) - set(citable)
    if strays:
        found["events"] = N_("only verified events bearing on this provision can be cited")
    later = cited_after_problem(sub.effective_on, cited)
    if later is not None and "events" not in found and "effective_on" not in found:
        found["events"] = later
    problem = None if refused else evidence_problem(sub, current_level)
    if problem:
        found["evidence_text"] = problem
    return found


def evidence_problem(sub: Submission, current_level: int) -> str | None:
    """Why the submission needs evidence (an N_ reason), or None: a change of level, a rise
    or a fall, rests on a link, a description or a cited event. The web form and the offline
    workbook apply this rule; the command-line import of a past history (`import-statuses`)
    does not (histories loaded from elsewhere often carry no evidence)."""
    changes = sub.level in LEVELS and sub.level != current_level
    if changes and not has_evidence(sub):
        return N_("evidence (a link, a description or a cited event) is required when the "
                  "level changes")
    return None


#: How far after its signing an accord's plan may reach (a provision's deadline, the
#: accord's target date): implementation plans run 10-15 years (the Colombian Final Accord's
#: to 2031); a date beyond is a slip (9999-12-31, a year typed 2206 for 2026).
PLAN_HORIZON_YEARS = 50


def _plan_end(signed_on: date) -> date:
    try:
        return signed_on.replace(year=signed_on.year + PLAN_HORIZON_YEARS)
    except ValueError:  # 29 February
        return signed_on.replace(year=signed_on.year + PLAN_HORIZON_YEARS, day=28)


def deadline_problem(deadline: date | None, signed_on: date) -> str | None:
    """Why a provision's deadline is refused (an N_ reason), or None: a deadline falls on or
    after the day its accord was signed and at most PLAN_HORIZON_YEARS after it (no deadline
    at all is fine). Every way a deadline comes in (the provision edit form, the structure
    importer) applies this rule."""
    return _plan_date_problem(deadline, signed_on,
                              N_("the deadline is before the accord was signed"),
                              N_("the deadline is more than 50 years after the accord was "
                                 "signed"))


def target_date_problem(target: date | None, signed_on: date) -> str | None:
    """Why an accord's target date (when its implementation should be complete) is refused
    (an N_ reason), or None: as a deadline, on or after the signing and at most
    PLAN_HORIZON_YEARS after it (none is fine)."""
    return _plan_date_problem(target, signed_on,
                              N_("the target date is before the accord was signed"),
                              N_("the target date is more than 50 years after the accord "
                                 "was signed"))


def _plan_date_problem(day: date | None, signed_on: date, before: str,
                       beyond: str) -> str | None:
    """`before` when `day` precedes the signing, `beyond` when it is past the plan's horizon
    (`_plan_end`), else None (also for no day)."""
    if day is None:
        return None
    if day < signed_on:
        return before
    return beyond if day > _plan_end(signed_on) else None
