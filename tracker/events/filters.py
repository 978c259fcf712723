"""The events feed's query parameters, for the page and the API alike: every bad value is a
400 naming the parameter (`api.params`); a review state other than verified is for those
who see the accord's internal record (`permissions.sees_internal`; 403 otherwise)."""
from __future__ import annotations

from sqlalchemy import select

from ..api import params
from ..domain.events import EFFECT_NAMES, EFFECTS, SOURCE_KIND_NAMES, SOURCE_KINDS
from ..domain.messages import N_, Message
from ..extensions import db
from ..models import Accord, Provision
from ..places.lookup import country_code, folded, places_by_code
from ..places.models import PlaceGroup
from .queries import REVIEW_STATES, EventFilter

PARAMS = ("from", "to", "place", "group", "provision", "effect", "source_kind", "review_state",
          "page", "per_page")
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
                                   allowed=_listed(allowed, names or {})))
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
    if not given.isdigit() or not 1 <= int(given) <= high:
        params.bad_request(Message(N_("%(name)s=%(value)s must be a whole number from 1 to "
                                      "%(high)s"), name=params.named(name), value=repr(given),
                                   high=high))
    return int(given)


def _place_id(accord: Accord) -> int | None:
    code = params.value("place")
    if code is None:
        return None
    found = places_by_code(accord, [code]).get(code)
    if found is None:
        params.bad_request(Message(N_("%(name)s=%(value)s is not a known place code"),
                                   name=params.named("place"), value=repr(code)))
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
                                   name=params.named("group"), value=repr(name)))
    return found[0]


def _provision_id(accord: Accord) -> int | None:
    code = params.value("provision")
    if code is None:
        return None
    found = db.session.scalar(select(Provision.id).where(Provision.accord_id == accord.id,
                                                         Provision.code == code))
    if found is None:
        params.bad_request(Message(N_("%(name)s=%(value)s is not a provision of this accord"),
                                   name=params.named("provision"), value=repr(code)))
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


def from_request(accord: Accord, internal: bool) -> tuple[EventFilter, int, int]:
    """(filter, page, per_page) from the query string; 400 for any bad value."""
    since = params.as_of(accord.signed_on, "from") if params.value("from") else None
    until = params.as_of(accord.signed_on, "to") if params.value("to") else None
    if since and until and since > until:
        params.bad_request(Message(N_("%(from)s=%(since)s is after %(to)s=%(until)s"),
                                   since=since, until=until,
                                   **{"from": params.named("from"), "to": params.named("to")}))
    chosen = EventFilter(since=since, until=until, place_id=_place_id(accord),
                         group_id=_group_id(accord), provision_id=_provision_id(accord),
                         effect=_choice("effect", EFFECTS, EFFECT_NAMES),
                         source_kind=_choice("source_kind", SOURCE_KINDS, SOURCE_KIND_NAMES),
                         states=_states(internal))
    return chosen, _number("page", 1, 100000), _number("per_page", PER_PAGE, MAX_PER_PAGE)
