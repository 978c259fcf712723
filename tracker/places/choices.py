"""Places offered to people typing one: the entries of a form's suggestion list ("code
NAME, PARENT"), and the code meant by what was typed (a code, such an entry, or a name).
Forms keep a plain text field, so they work without script and on any phone."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain.messages import Message, N_
from ..extensions import db
from ..models import Accord
from .lookup import country_code, folded
from .models import Place

#: The kinds of place offered (a country is implied by the accord).
OFFERED_KINDS = ("department", "municipality", "non-municipalised area", "island")


def _offered(accord: Accord) -> list[tuple[str, str, str, str | None]]:
    """(code, name, kind, parent name) of the offered places of the accord's country (of
    every country when the accord's is not loaded), by code."""
    parent = aliased(Place)
    query = (select(Place.code, Place.name, Place.kind, parent.name)
             .outerjoin(parent, Place.parent_id == parent.id)
             .where(Place.kind.in_(OFFERED_KINDS)).order_by(Place.code))
    country = country_code(accord)
    if country is not None:
        query = query.where(Place.country == country)
    return [tuple(row) for row in db.session.execute(query)]


def place_entries(accord: Accord) -> list[str]:
    """"code NAME, PARENT NAME" (departments without a parent) for every offered place."""
    return [f"{code} {name}" + (f", {parent}" if parent and kind != "department" else "")
            for code, name, kind, parent in _offered(accord)]


def typed_place_code(accord: Accord, typed: str) -> str | None:
    """The place code meant by `typed` (None when blank): its first word when that is an
    offered place's code; else the code of the one place whose whole name is `typed`
    (accents, case and surrounding spaces aside: "Bogota, D.C." is "BOGOTÁ, D.C.", "Bogota"
    is no place); else, typed "NAME, PARENT", the one place of that name under that parent;
    else the first word as typed, which the event rules report as an unknown code. Raises
    ValueError(Message) listing the codes when the name fits several places."""
    typed = (typed or "").strip()
    if not typed:
        return None
    first = typed.split()[0].rstrip(",")
    offered = _offered(accord)
    if any(code == first for code, *_rest in offered):
        return first
    whole = folded(typed)
    found = sorted({code for code, place, _kind, _up in offered if folded(place) == whole})
    splits = [(folded(typed[:at]), folded(typed[at + 1:]))  # at each comma: names may
              for at, char in enumerate(typed) if char == ","]  # hold one ("BOGOTÁ, D.C.")
    if not found and splits:
        found = sorted({code for code, place, _kind, up in offered
                        if (folded(place), folded(up or "")) in splits})
    if len(found) > 1:
        raise ValueError(Message(N_("several places are named %(name)s: choose one from the "
                                    "list or type its code (%(codes)s)"),
                                 name=typed, codes=", ".join(found)))
    return found[0] if found else first
