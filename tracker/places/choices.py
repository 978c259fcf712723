"""Places offered to people typing one: the entries of a form's suggestion list ("code
NAME, PARENT"), and the code meant by what was typed (a code, such an entry, or a name).
Forms keep a plain text field, so they work without script and on any phone."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain.messages import Message, N_
from ..extensions import db
from ..models import Accord
from .lookup import country_code, folded
from .models import Place

#: The kinds of place offered (a country is implied by the accord).
OFFERED_KINDS = ("department", "municipality", "non-municipalised area", "island")
#: Places a refusal lists at most when several are named as typed.
LISTED = 8


def _offered(accord: Accord) -> list[tuple[str, str, str, str | None, str | None]]:
    """(code, name, kind, parent name, parent code) of the offered places of the accord's
    country (of every country when the accord's is not loaded), by code."""
    parent = aliased(Place)
    query = (select(Place.code, Place.name, Place.kind, parent.name, parent.code)
             .outerjoin(parent, Place.parent_id == parent.id)
             .where(Place.kind.in_(OFFERED_KINDS)).order_by(Place.code))
    country = country_code(accord)
    if country is not None:
        query = query.where(Place.country == country)
    return [tuple(row) for row in db.session.execute(query)]


def _entry(code: str, name: str, kind: str, parent: str | None) -> str:
    return f"{code} {name}" + (f", {parent}" if parent and kind != "department" else "")


def place_entries(accord: Accord) -> list[str]:
    """"code NAME, PARENT NAME" (departments without a parent) for every offered place."""
    return [_entry(code, name, kind, parent)
            for code, name, kind, parent, _up in _offered(accord)]


def _names(name: str | None) -> set[str]:
    """The forms a place's official name is typed in, folded: the whole name and the part
    before its first comma ("BOGOTÁ, D.C." -> "bogota, d.c." and "bogota")."""
    if not name:
        return set()
    return {folded(name), folded(name.split(",")[0])}


def _matching(offered: list, typed: str, read: Callable[[str], object],
              names: Callable[[object, str | None], bool]) -> list[tuple]:
    """The offered places whose name `names(read(typed), name)` accepts: by the whole typed
    text, else as "NAME, PARENT" split at any comma (the parent named exactly)."""
    whole = read(typed)
    found = [place for place in offered if names(whole, place[1])]
    if found or "," not in typed:
        return found
    splits = [(read(typed[:i]), folded(typed[i + 1:]))
              for i, char in enumerate(typed) if char == ","]
    return [place for place in offered
            if any(names(name, place[1]) and up in _names(place[3]) for name, up in splits)]


def _named(offered: list, typed: str) -> list[tuple]:
    """The offered places named `typed` (accents and case aside), or "NAME, PARENT"."""
    return _matching(offered, typed, folded, lambda whole, name: whole in _names(name))


def _words(text: str) -> list[str]:
    """The words of a folded place name, punctuation aside ("san andres de tumaco")."""
    return "".join(char if char.isalnum() else " " for char in folded(text)).split()


def _within(typed: list[str], name: str | None) -> bool:
    """Whether the words `typed` run, whole and in order, inside the place name `name`
    ("tumaco" in "SAN ANDRÉS DE TUMACO"; "santa rosa" in "SANTA ROSA DE OSOS", not in
    "SANTA ROSALÍA")."""
    words = _words(name or "")
    return bool(typed) and any(words[i:i + len(typed)] == typed
                               for i in range(len(words) - len(typed) + 1))


def _called(offered: list, typed: str) -> list[tuple]:
    """The offered places whose official name holds the words typed (the everyday name:
    "Tumaco" for SAN ANDRÉS DE TUMACO, "Mompox" for SANTA CRUZ DE MOMPOX), or "NAME,
    PARENT"; for a typed text that names no place exactly."""
    return _matching(offered, typed, _words, _within)


def _same_territory(offered: list, found: list) -> list[tuple]:
    """`found` without a place whose only offered part is also found under the same name
    (Bogotá D.C.: the department 11 is the municipality 11001): the finer one is kept."""
    parts: dict[str, int] = {}
    for place in offered:
        if place[4]:
            parts[place[4]] = parts.get(place[4], 0) + 1
    within = {place[4] for place in found}
    return [place for place in found if not (place[0] in within and parts.get(place[0]) == 1)]


def _several(typed: str, found: list, within: bool) -> Message:
    """Why `typed` names no one place: the places `found` (`within`: holding the typed words
    in their names, else named so), listed as "code NAME, DEPARTMENT", the first `LISTED`
    when more."""
    places = "; ".join(_entry(*place[:4]) for place in found[:LISTED])
    if len(found) > LISTED:
        text = (N_("%(count)s places have %(name)s in their names: choose one from the list "
                   "or type its code (the first %(listed)s: %(places)s)") if within else
                N_("%(count)s places are named %(name)s: choose one from the list or type its "
                   "code (the first %(listed)s: %(places)s)"))
        return Message(text, count=len(found), name=typed, listed=LISTED, places=places)
    text = (N_("several places have %(name)s in their names: choose one from the list or "
               "type its code (%(places)s)") if within else
            N_("several places are named %(name)s: choose one from the list or type its code "
               "(%(places)s)"))
    return Message(text, name=typed, places=places)


def typed_place_code(accord: Accord, typed: str) -> str | None:
    """The place code meant by `typed` (None when blank): its first word when that is an
    offered place's code; else the code of the one place named as typed (accents and case
    aside; "Bogotá" names "BOGOTÁ, D.C."), "NAME, PARENT" telling apart places of the same
    name; else of the one place whose official name holds the typed words (the name people
    use: "Tumaco"); else `typed` itself when it is one word with a digit (a code, which the
    event rules report as unknown). Raises ValueError(Message) naming the whole typed text
    when it names no place, or several (each listed as "code NAME, DEPARTMENT")."""
    typed = " ".join((typed or "").split())
    if not typed:
        return None
    first = typed.split()[0].rstrip(",")
    offered = _offered(accord)
    if any(place[0] == first for place in offered):
        return first
    code_like = " " not in typed and any(char.isdigit() for char in typed)
    found, within = sorted(_same_territory(offered, _named(offered, typed))), False
    if not found and not code_like:
        found, within = sorted(_same_territory(offered, _called(offered, typed))), True
    if len(found) > 1:
        raise ValueError(_several(typed, found, within))
    if found:
        return found[0][0]
    if code_like:
        return typed
    raise ValueError(Message(N_("no place is named or coded %(typed)s: choose one from the "
                                "list or type its official code"), typed=repr(typed)))
