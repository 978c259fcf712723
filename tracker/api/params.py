"""Parsing and checking query parameters; every bad value becomes a 400 naming the parameter.

Exactly what `openapi.py` documents is accepted: each parameter at most once, never empty,
free of control characters (the input rule of `domain.text`), dates written YYYY-MM-DD,
yes/no values as `domain.text.parse_boolean` reads them (`true`/`false`, also yes/no, sí/no,
1/0), enumerations and ranges as listed. The dashboard pages use the
same functions, so a page and the API refuse the same things with the same words.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Callable

from flask import has_request_context, request
from werkzeug.exceptions import BadRequest

from ..cache import once
from ..domain import text as rule
from ..domain.compare import MAX_YEARS
from ..domain.messages import Message, N_, as_reason
from ..domain.metrics import FREQUENCIES, Filters, ProvisionInfo

FILTER_PARAMS = ("section", "tag", "priority", "provision_type", "responsible_actor",
                 "time_frame")
TIME_FRAMES = ("short", "medium", "long")
#: The spellings of a yes/no parameter (the one rule of `domain.text`).
BOOLEANS = rule.BOOLEAN_WORDS
#: The pattern an `as_of` value must match (stated in the OpenAPI document too).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: The values `year` takes, as written.
YEARS = ("now",) + tuple(str(n) for n in range(1, MAX_YEARS + 1))


_LABELS = "tracker.param_labels"


def field_labels(labels: dict) -> None:
    """On a page: messages name each parameter by its field's label (`labels`: parameter ->
    label, in quotes: “Include records awaiting review”), as the reader sees the form, for the
    rest of the request. The API never calls this: its messages keep the parameter names."""
    request.environ[_LABELS] = labels  # per request (a test client's `g` outlives one)


def named(name: str) -> str:
    """How a message names parameter `name`: its field's label on a page (`field_labels`),
    the parameter itself otherwise."""
    label = request.environ.get(_LABELS, {}).get(name) if has_request_context() else None
    if not label:
        return name
    from flask_babel import gettext

    return gettext("“%(field)s”", field=label)  # the reader's quotation marks


class Refused(BadRequest):
    """A 400 refusing the value of query parameter `parameter` (None: the query as a
    whole). A page that shows its filters as a form catches it to put the message at the
    field (`refusals`); elsewhere it is an ordinary 400."""

    def __init__(self, description: str, parameter: str | None = None):
        super().__init__(description=description)
        self.parameter = parameter


def bad_request(message: Message | str, name: str | None = None):
    """Raise a 400 (`Refused`, about parameter `name` when given) whose JSON (or page)
    carries `message` in the reader's language (a `Message`, translated and filled by
    `i18n.translate`; English without a catalogue)."""
    from ..i18n import translate

    raise Refused(translate(message), name)


def refusals(parsers: dict[str, Callable[[], object]]) -> tuple[dict[str, object],
                                                                  dict[str, str]]:
    """Run each parser of `parsers` (a name -> a function reading one or more parameters,
    raising `Refused` for a bad value) and go on past a refusal: (values of the parsers
    that read well, by the parser's name; message of each refused parameter, by the
    parameter's name, or the parser's when the refusal names none). How a filter form
    shows every refused field at once (the events feed)."""
    values, problems = {}, {}
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except Refused as refused:
            problems.setdefault(refused.parameter or name, refused.description)
    return values, problems


def strict() -> bool:
    """Whether the request refuses parameters its route does not take: the JSON API (under
    /api/) and files (a route ending in an extension: .csv, .xlsx, .png, ...) do; an HTML page
    ignores them, as links from elsewhere add their own (e.g. utm_source=...)."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return request.path.startswith("/api/") or re.search(r"\.(\w+|<[^>]+>)$", rule) is not None


def check_known(allowed: tuple[str, ...]) -> None:
    """Refuse parameters a route does not take (when `strict`; a page ignores them), and any
    parameter it takes given more than once. A bad value of a parameter a route takes is a
    400 naming it everywhere: that is for the functions reading the values."""
    unknown = sorted(set(request.args) - set(allowed))
    if unknown and strict():
        bad_request(Message(N_("unknown parameter(s): %(unknown)s; allowed: %(allowed)s"),
                            unknown=", ".join(unknown), allowed=", ".join(allowed) or "—"))
    for name in request.args:
        count = len(request.args.getlist(name))
        if count > 1 and name in allowed:
            bad_request(Message(N_("%(name)s is given %(count)s times; give it once"),
                                name=named(name), count=count))


def value(name: str) -> str | None:
    """The parameter's one value, normalised (NFC), or None when absent. 400 when it is
    repeated, empty or holds a control character."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        bad_request(Message(N_("%(name)s is given %(count)s times; give it once"),
                            name=named(name), count=len(values)), name)
    try:
        text = rule.clean_text(values[0], multiline=False)
    except ValueError as exc:
        bad_request(Message(N_("%(name)s: %(reason)s"), name=named(name),
                            reason=as_reason(exc.args[0])),
                    name)
    if not text.strip():
        bad_request(Message(N_("%(name)s is empty; leave it out instead"), name=named(name)),
                    name)
    return text


def as_of(signed_on: date, name: str = "as_of") -> date:
    """The `as_of` date (default today), written YYYY-MM-DD: not in the future, not before
    signing."""
    text = value(name)
    if text is None:
        return date.today()
    try:
        day = rule.parse_iso_date(text)
    except ValueError:
        bad_request(Message(N_("%(name)s=%(value)s is not a date (use YYYY-MM-DD)"),
                            name=named(name), value=repr(text)), name)
    if day > date.today():
        bad_request(Message(N_("%(name)s=%(value)s is in the future"), name=named(name),
                            value=day.isoformat()), name)
    if day < signed_on:
        bad_request(Message(N_("%(name)s=%(value)s is before the accord was signed "
                               "(%(signed)s)"), name=named(name), value=day.isoformat(),
                            signed=signed_on), name)
    return day


def boolean(name: str, default: bool | None = None) -> bool | None:
    """A yes/no parameter (`domain.text.parse_boolean`: true/false, yes/no, sí/no, 1/0, case
    aside), or `default` when absent; a 400 naming the parameter otherwise."""
    text = value(name)
    if text is None:
        return default
    try:
        return rule.parse_boolean(text)
    except ValueError:
        bad_request(Message(N_("%(name)s=%(value)s must be true or false (yes/no, sí/no and "
                               "1/0 are read too)"), name=named(name), value=repr(text)), name)


def shown_boolean(name: str) -> bool | None:
    """The yes/no parameter `name` as a page's select shows it chosen: True or False when it
    reads as one (`boolean`'s rule: "sí", "1", "TRUE"... as well as "true"), None when it is
    absent or unreadable (the view refuses it at its field). Never raises."""
    values = request.args.getlist(name)
    try:
        return rule.parse_boolean(values[0]) if len(values) == 1 else None
    except ValueError:
        return None


def optional_boolean(name: str) -> bool | None:
    """A yes/no field of a page's GET form (`boolean`): left blank (its "all" choice) it is
    absent, None."""
    if len(request.args.getlist(name)) == 1 and not request.args[name].strip():
        return None
    return boolean(name)


def filters(provisions: list[ProvisionInfo] | Callable[[], list[ProvisionInfo]]) -> Filters:
    """Filters from the query string; values the accord does not have are a 400 naming each.
    `provisions`: the accord's provisions, or a function giving them, called only when a
    filter names a section, tag, type or actor to check (a request without filters reads
    none, and builds no set of values)."""
    read = once(provisions if callable(provisions) else lambda: provisions)
    given, problems = refusals({name: (lambda name=name: filter_value(name, read))
                                for name in _FILTER_VALUES})
    if problems:  # every value the accord lacks is named, in one answer
        raise Refused("; ".join(problems.values()), next(iter(problems)))
    frame = value("time_frame")
    if frame is not None and frame not in TIME_FRAMES:
        bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                            name=named("time_frame"), value=repr(frame),
                            allowed=", ".join(TIME_FRAMES)), "time_frame")
    return Filters(section=given["section"], tag=given["tag"], priority=boolean("priority"),
                   provision_type=given["provision_type"],
                   responsible_actor=given["responsible_actor"], time_frame=frame)


def filter_value(name: str, provisions: Callable[[], list[ProvisionInfo]]) -> str | None:
    """The value of filter `name` (one of "section", "tag", "provision_type",
    "responsible_actor"), or None when absent; a 400 (`Refused`, naming it) when no
    provision of the accord has it. `provisions()` gives the accord's provisions, called
    only when the filter is given."""
    given = value(name)
    if given is not None:
        check_filter(name, given, provisions())
    return given


def check_filter(name: str, given: str, provisions: list[ProvisionInfo]) -> None:
    """A 400 (`Refused`, naming filter `name`) when no provision of `provisions` has the
    value `given` of that filter."""
    if given not in _FILTER_VALUES[name](provisions):
        bad_request(Message(N_("%(name)s=%(value)s matches no provision of this accord"),
                            name=named(name), value=repr(given)), name)


#: The filters naming a value the accord must have, and how to list the values it has.
_FILTER_VALUES: dict[str, Callable[[list[ProvisionInfo]], set[str]]] = {
    "section": lambda provisions: {code for p in provisions for code in p.section_path},
    "tag": lambda provisions: {t for p in provisions for t in p.tags},
    "provision_type": lambda provisions: {p.type_code for p in provisions if p.type_code},
    "responsible_actor": lambda provisions: {p.responsible_actor for p in provisions
                                             if p.responsible_actor},
}


def frequency() -> str:
    """`freq`: month (default), quarter or year."""
    freq = value("freq") or "month"
    if freq not in FREQUENCIES:
        bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                            name=named("freq"), value=repr(freq), allowed=", ".join(FREQUENCIES)))
    return freq


def year() -> int | None:
    """`year` since signing, one of YEARS: 1-10, or "now" (None, the default)."""
    text = value("year") or "now"
    if text not in YEARS:
        bad_request(Message(N_("%(name)s=%(value)s must be a whole number from 1 to "
                               "%(high)s, or %(now)s"), name=named("year"), value=repr(text),
                            high=MAX_YEARS, now=_now_named()))
    return None if text == "now" else int(text)


def _now_named() -> str:
    """How a message names the value `now` of `year`: on a page, as its option reads
    (“Now (the year under way)”), in the API as the value itself."""
    if not (has_request_context() and request.environ.get(_LABELS)):
        return "now"
    from flask_babel import gettext

    return gettext("“%(field)s”", field=gettext("Now (the year under way)"))


def moment_text(text: str, name: str, created_at: datetime) -> datetime:
    """An ISO 8601 timestamp (a time without offset is read as UTC) as aware UTC; a
    malformed value, one before `created_at` (the accord's creation) or one in the future
    is a 400 naming the parameter."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        bad_request(Message(N_("%(name)s=%(value)s is not an ISO 8601 timestamp (use "
                               "YYYY-MM-DDTHH:MM:SS+00:00)"), name=named(name),
                            value=repr(text)))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    if value < created_at:
        bad_request(Message(N_("%(name)s=%(value)s is before the accord existed here "
                               "(%(created)s)"), name=named(name), value=repr(text),
                            created=created_at))
    if value > datetime.now(timezone.utc):
        bad_request(Message(N_("%(name)s=%(value)s is in the future"), name=named(name),
                            value=repr(text)))
    return value


def known_at(accord) -> datetime | None:
    """The `known_at` moment (None: as known now); see `moment_text`. It counts verified
    records only, so it cannot go with include_pending=true."""
    text = value("known_at")
    if text is None:
        return None
    if boolean("include_pending", False):
        bad_request(Message(N_("%(known_at)s counts verified records only; drop "
                               "%(include_pending)s"), known_at=named("known_at"),
                            include_pending=named("include_pending")))
    return moment_text(text, "known_at", accord.created_at)
