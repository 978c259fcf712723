"""The events feed's query parameters, for the page and the API alike: every bad value is a
400 naming the parameter (`api.params.Refused`; the page collects them all, `refusals`); a
review state other than verified is for those who see the accord's internal record
(`permissions.sees_internal`; 403 otherwise).

`place` takes a code or a place's name (`places.choices.typed_place_code`: accents, case
and spaces aside, "Bogotá" for "BOGOTÁ, D.C."; a name several places bear is a 400 listing
them with their codes). `q` is searched for as `domain.text.searchable` says; the provision filters
(section at any depth, tag, priority, type, actor, time frame) are the dashboard's and the
API's (`api.params.filters`)."""
from __future__ import annotations

from sqlalchemy import select

from ..api import params
from ..domain.events import EFFECT_NAMES, EFFECTS, SOURCE_KIND_NAMES, SOURCE_KINDS
from ..domain.messages import Message, N_, as_reason
from ..domain.text import parse_int, without_accents
from ..extensions import db
from ..models import Accord, Provision
from ..places.choices import typed_place_code
from ..places.lookup import country_code, folded, places_by_code
from ..places.models import PlaceGroup
from ..queries import provision_infos
from .queries import REVIEW_STATES, EventFilter

#: What the feed filters by, in the order its form shows them.
FILTER_PARAMS = ("q", "from", "to", "place", "group") + params.FILTER_PARAMS + (
    "provision", "effect", "source_kind", "review_state")
PARAMS = FILTER_PARAMS + ("page", "per_page")
#: Longest search text read (longer is a 400).
MAX_SEARCH = 200
PER_PAGE = 50
MAX_PER_PAGE = 200


def _choice(name: str, allowed: tuple[str, ...], names: dict | None = None) -> str | None:
    """The parameter's value, one of `allowed`; else a 400 listing them, each by its name
    in the reader's language (`names`: value -> N_ name) with the value to write after it
    where the two differ ("retrocede (sets_back)")."""
    given = params.value(name)
    if given is not None and given not in allowed:
        params.bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                                   name=params.named(name), value=repr(given),
                                   allowed=_listed(allowed, names or {})), name)
    return given


def _listed(allowed: tuple[str, ...], names: dict) -> str:
    from flask_babel import gettext

    shown = []
    for value in allowed:
        label = gettext(names[value]) if value in names else value
        shown.append(label if label == value else f"{label} ({value})")
    return ", ".join(shown)


def _number(name: str, default: int, high: int) -> int:
    given = params.value(name)
    if given is None:
        return default
    try:
        return parse_int(given, minimum=1, maximum=high)
    except ValueError:
        params.bad_request(Message(N_("%(name)s=%(value)s must be a whole number from 1 to "
                                      "%(high)s"), name=params.named(name), value=repr(given),
                                   high=high), name)
        raise  # bad_request raises; this is never reached


def _place_id(accord: Accord) -> int | None:
    """The place `place` names: a code (of any kind, the country's too), else what the
    new-event form takes (`typed_place_code`: a name, "NAME, PARENT", a list entry)."""
    typed = params.value("place")
    if typed is None:
        return None
    found = places_by_code(accord, [typed.strip()]).get(typed.strip())
    if found is None:
        try:
            code = typed_place_code(accord, typed)
        except ValueError as exc:
            params.bad_request(Message(N_("%(name)s: %(reason)s"), name=params.named("place"),
                                       reason=as_reason(exc.args[0])), "place")
        found = places_by_code(accord, [code]).get(code)
    if found is None:
        params.bad_request(Message(N_("%(name)s=%(value)s is neither a known place code nor "
                                      "the exact name of a place"),
                                   name=params.named("place"), value=repr(typed)), "place")
    return found.id


def _group_id(accord: Accord) -> int | None:
    """The group named `group` (case and accents aside) among the accord's country's."""
    name = params.value("group")
    if name is None:
        return None
    query = select(PlaceGroup.id, PlaceGroup.name)
    country = country_code(accord)
    if country is not None:
        query = query.where(PlaceGroup.country == country)
    found = [gid for gid, held in db.session.execute(query) if folded(held) == folded(name)]
    if len(found) != 1:
        params.bad_request(Message(N_("%(name)s=%(value)s names no group of places"),
                                   name=params.named("group"), value=repr(name)), "group")
    return found[0]


def _provision_id(accord: Accord) -> int | None:
    code = params.value("provision")
    if code is None:
        return None
    found = db.session.scalar(select(Provision.id).where(Provision.accord_id == accord.id,
                                                         Provision.code == code))
    if found is None:
        params.bad_request(Message(N_("%(name)s=%(value)s is not a provision of this accord"),
                                   name=params.named("provision"), value=repr(code)),
                           "provision")
    return found


def _states(internal: bool) -> tuple[str, ...]:
    state = _choice("review_state", REVIEW_STATES + ("all",)) or "verified"
    if state != "verified" and not internal:
        from flask import abort

        from ..i18n import translate

        abort(403, description=translate(Message(N_(
            "%(name)s=%(value)s is for those with a role on this accord"),
            name=params.named("review_state"), value=repr(state))))
    return REVIEW_STATES if state == "all" else (state,)


def _text() -> str | None:
    """`q`: at most MAX_SEARCH characters, holding something once accents are set aside."""
    text = params.value("q")
    if text is None:
        return None
    if len(text) > MAX_SEARCH:
        params.bad_request(Message(N_("%(name)s is longer than %(high)s characters"),
                                   name=params.named("q"), high=MAX_SEARCH), "q")
    if not without_accents(text).strip():
        params.bad_request(Message(N_("%(name)s=%(value)s holds nothing to search for"),
                                   name=params.named("q"), value=repr(text)), "q")
    return text.strip()


def _dates(accord: Accord) -> tuple:
    since = params.as_of(accord.signed_on, "from") if params.value("from") else None
    until = params.as_of(accord.signed_on, "to") if params.value("to") else None
    if since and until and since > until:
        params.bad_request(Message(N_("%(from)s=%(since)s is after %(to)s=%(until)s"),
                                   since=since, until=until,
                                   **{"from": params.named("from"), "to": params.named("to")}),
                           "from")
    return since, until


def from_request(accord: Accord, internal: bool,
                 problems: dict[str, str] | None = None) -> tuple[EventFilter, int, int]:
    """(filter, page, per_page) from the query string; a 400 (`params.Refused`) for the
    first bad value, or, given `problems` (a dict), every refused parameter's message put
    there and the rest read (the filter is then not to be used)."""
    parsers = {"q": _text, "dates": lambda: _dates(accord),
               "place": lambda: _place_id(accord), "group": lambda: _group_id(accord),
               "provisions": lambda: params.filters(lambda: provision_infos(accord.id)),
               "provision": lambda: _provision_id(accord),
               "effect": lambda: _choice("effect", EFFECTS, EFFECT_NAMES),
               "source_kind": lambda: _choice("source_kind", SOURCE_KINDS,
                                                      SOURCE_KIND_NAMES),
               "page": lambda: _number("page", 1, 100000),
               "per_page": lambda: _number("per_page", PER_PAGE, MAX_PER_PAGE),
               "review_state": lambda: _states(internal)}  # a 403 is raised, not collected
    if problems is None:
        got = {name: parse() for name, parse in parsers.items()}
    else:
        got, refused = params.refusals(parsers)
        problems.update(refused)
        if refused:
            return EventFilter(), 1, PER_PAGE
    since, until = got["dates"]
    chosen = EventFilter(since=since, until=until, place_id=got["place"],
                         group_id=got["group"], provision_id=got["provision"],
                         effect=got["effect"], source_kind=got["source_kind"],
                         provisions=got["provisions"], text=got["q"],
                         states=got["review_state"])
    return chosen, got["page"], got["per_page"]
