"""The provisions list's query: its filters read from the query string with every refused
value collected for its field (`list_choices`), and the provisions they keep (`chosen`).
Yes/no fields follow the one rule of `domain.text.parse_boolean` (`api.params`)."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..api import params
from ..domain.messages import N_, Message
from ..domain.metrics import Filters
from ..domain.text import parse_int, searchable, without_accents
from ..extensions import db
from ..figures import AccordFigures
from ..models import Provision
from ..permissions import can_review


def include_pending(accord) -> bool:
    """Coordinators may toggle figures that count pending records too (`pending`, a yes/no
    parameter: `params.optional_boolean`)."""
    return bool(params.optional_boolean("pending")) and can_review(current_user, accord)


#: The list's parameters, each by its field's label as the page's messages name them
#: (`params.field_labels`): a bad value of any is a 400 naming it; others are ignored.
LIST_LABELS = {"q": _l("Search"), "section": _l("Section"), "tag": _l("Tag"),
               "priority": _l("Priority"), "level": _l("Level"), "provision_type": _l("Type"),
               "no_event_since": _l("No verified event since"), "overdue": _l("overdue only"),
               "pending": _l("count pending records"), "page": _l("Page")}


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    """The parameter's value when one of `allowed`; None when absent or empty ("all")."""
    text = request.args.get(name, "")
    if text and text not in allowed:
        params.bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                                   name=params.named(name), value=repr(text[:40]),
                                   allowed=", ".join(allowed)), name)
    return text or None


def _known(name: str, known: set[str]) -> str | None:
    """The parameter's value when the accord has it; None when absent or empty ("all")."""
    text = request.args.get(name, "")
    if text and text not in known:
        params.bad_request(Message(N_("%(name)s=%(value)s matches no provision of this "
                                      "accord"), name=params.named(name),
                                   value=repr(text[:40])), name)
    return text or None


def list_choices(figures: AccordFigures, today: date, problems: dict[str, str]) -> dict:
    """The list's filters read from the query string, every refused value's message put in
    `problems` (by parameter) and the rest read: "filters", "priority", "level", "overdue", "text",
    "quiet_since", "page" (the values are not to be used when `problems` is not empty)."""
    infos = figures.provisions
    parsers = {
        "query": lambda: params.check_known(tuple(LIST_LABELS)),
        "section": lambda: _known("section", {c for p in infos for c in p.section_path}),
        "tag": lambda: _known("tag", {t for p in infos for t in p.tags}),
        "provision_type": lambda: _known("provision_type",
                                         {p.type_code for p in infos if p.type_code}),
        "priority": lambda: params.optional_boolean("priority"),
        "level": lambda: _choice("level", ("0", "1", "2", "3")),
        "overdue": lambda: bool(params.optional_boolean("overdue")),
        "quiet_since": lambda: _no_event_since(today),
        "page": _page_number}
    got, refused = params.refusals(parsers)
    problems.update(refused)
    if refused:
        return {}
    return {"filters": Filters(section=got["section"], tag=got["tag"],
                               priority=got["priority"], provision_type=got["provision_type"]),
            "priority": got["priority"],
            "level": int(got["level"]) if got["level"] else None, "overdue": got["overdue"],
            "text": request.args.get("q", "").strip()[:200],
            "quiet_since": got["quiet_since"], "page": got["page"]}


def _page_number() -> int:
    try:
        return parse_int(request.args.get("page") or "1", minimum=1)
    except ValueError:
        params.bad_request(Message(N_("%(name)s=%(value)s must be a whole number from 1 on"),
                                   name=params.named("page"),
                                   value=repr(request.args.get("page", "")[:40])), "page")


def _no_event_since(today: date) -> date | None:
    """The `no_event_since` date (YYYY-MM-DD, not after today); None when not given; 400
    naming the field otherwise."""
    from ..domain.text import parse_iso_date

    text = request.args.get("no_event_since", "").strip()
    if not text:
        return None
    try:
        since = parse_iso_date(text)
    except ValueError:
        params.bad_request(Message(N_("%(name)s=%(value)s is not a date (use YYYY-MM-DD)"),
                                   name=params.named("no_event_since"), value=repr(text[:40])),
                           "no_event_since")
    if since > today:
        params.bad_request(Message(N_("%(name)s=%(value)s is in the future"),
                                   name=params.named("no_event_since"), value=since.isoformat()),
                           "no_event_since")
    return since


def pending_or_refused(accord, problems: dict[str, str]) -> bool:
    """`include_pending`, a refused value put in `problems` (then False)."""
    got, refused = params.refusals({"pending": lambda: include_pending(accord)})
    problems.update(refused)
    return bool(got.get("pending"))


def chosen(accord, figures: AccordFigures, levels: dict, today: date, asked: dict) -> list:
    """The provisions the list's filters (`list_choices`) keep, in the accord's order."""
    chosen = figures.subset(asked["filters"])
    if asked["level"] is not None:
        chosen = [p for p in chosen if levels.get(p.id, 0) == asked["level"]]
    if asked["overdue"]:
        late = {p.id for p in figures.overdue(today, asked["filters"])}
        chosen = [p for p in chosen if p.id in late]
    if asked["quiet_since"] is not None:  # no verified event dated from that day to today
        from ..events.figures import provisions_with_events

        busy = provisions_with_events(accord.id, asked["quiet_since"], today)
        chosen = [p for p in chosen if p.id not in busy]
    if asked["text"]:
        chosen = _search(accord.id, chosen, asked["text"])
    return chosen


def _search(accord_id: int, chosen, text: str):
    """The provisions of `chosen` whose code or text, in either content language, holds
    `text` (without case or accents, the same on SQLite and PostgreSQL: compared here)."""
    needle = without_accents(text)
    texts = {pid: searchable(original, translated)
             for pid, original, translated in db.session.execute(
                 select(Provision.id, Provision.text, Provision.text_translated)
                 .where(Provision.accord_id == accord_id))}
    return [p for p in chosen if needle in without_accents(p.code) or needle in texts[p.id]]
