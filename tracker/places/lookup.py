"""Finding places by the codes people type, for an accord: the codes of the accord's country
first (the country place whose name is the accord's country, e.g. "Colombia" -> "CO"), a
code held by exactly one country otherwise."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from ..domain.text import without_accents
from ..extensions import db
from ..models import Accord
from .models import Place


def folded(text: str) -> str:
    """A place name compared without case, accents or surrounding spaces ("Alto Patia "
    matches "ALTO PATÍA"; `domain.text.without_accents`)."""
    return without_accents(text).strip()


def country_code(accord: Accord) -> str | None:
    """The place-country code of `accord` ("CO"), from a place of kind "country" named as
    the accord's country (accents and case aside); None when no such place is loaded."""
    wanted = folded(accord.country or "")
    for code, name in db.session.execute(select(Place.country, Place.name)
                                         .where(Place.kind == "country")):
        if folded(name) == wanted:
            return code
    return None


def places_by_code(accord: Accord, codes: Iterable[str]) -> dict[str, Place]:
    """code -> Place for each of `codes` that names one place for `accord` (codes that name
    none, or several countries' places, are left out)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    query = select(Place).where(Place.code.in_(wanted))
    country = country_code(accord)
    if country is not None:
        query = query.where(Place.country == country)
    found: dict[str, list[Place]] = {}
    for place in db.session.scalars(query):
        found.setdefault(place.code, []).append(place)
    return {code: places[0] for code, places in found.items() if len(places) == 1}
