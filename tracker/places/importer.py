"""`import_places`: load a place file (any layout of `layouts`) into the place hierarchy and
its groups, all rows or none.

Adds the places and groups that are missing, brings the names, kinds, parents and points of
those held up to date (a value the file does not give is left as stored) and adds missing
memberships; nothing is deleted. Importing the same file again changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain.messages import Message, N_
from ..extensions import db
from ..services import audit
from ..tabular import RowError, TableError
from .layouts import Parsed, PlaceRow, parse
from .models import MAX_KIND, MAX_NAME, Place, PlaceGroup, PlaceGroupMember


@dataclass
class PlacesResult:
    """What an import did: counts of places created and updated, groups created or renamed,
    memberships added."""

    layout: str
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        done = [f"{n} {what}" for what, n in self.counts.items() if n]
        return f"{self.layout}: " + (", ".join(done) if done else "nothing to change")


def import_places(data: bytes, filename: str, country: str = "CO") -> PlacesResult:
    """Import a place file for `country` (ISO 3166-1 alpha-2, e.g. "CO") in one transaction.
    Raises TableError with every bad row (by spreadsheet row number), writing nothing."""
    country = country.strip().upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise TableError([RowError(None, Message(N_(
            "the country %(country)r is not a two-letter ISO 3166-1 code (e.g. CO)"),
            country=country))])
    parsed = parse(data, filename, country)
    held = {p.code: p for p in db.session.scalars(select(Place).where(Place.country == country))}
    _check_against(parsed, held)
    result = PlacesResult(parsed.layout, {"places created": 0, "places updated": 0,
                                          "groups created": 0, "groups updated": 0,
                                          "memberships added": 0})
    try:
        _write_places(parsed, country, held, result.counts)
        _write_groups(parsed, country, held, result.counts)
        if any(result.counts.values()):
            audit("places.import", "place", None, after={"country": country,
                                                         "file": filename, **result.counts})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _check_against(parsed: Parsed, held: dict[str, Place]) -> None:
    """Parents and members must be places of the file or of the database; no cycles."""
    in_file = {p.code: p for p in parsed.places}
    for place in parsed.places:
        if place.parent_code and place.parent_code not in in_file \
                and place.parent_code not in held:
            parsed.fail(place.row, N_("parent_code %(code)s is not a known place"),
                        code=place.parent_code)
    for row, code, kind, name in parsed.memberships:
        if not name:
            parsed.fail(row, N_("a group's name is empty"))
        if len(name) > MAX_NAME or len(kind) > MAX_KIND:
            parsed.fail(row, N_("a group's name (at most %(name)s characters) or kind (at most "
                                "%(kind)s) is too long"), name=MAX_NAME, kind=MAX_KIND)
        if code not in in_file and code not in held:
            parsed.fail(row, N_("muni_code %(code)s is not a known place: import DIVIPOLA "
                                "(or the place) first"), code=code)
    if not parsed.errors:
        _order(parsed, held)
    if parsed.errors:
        raise TableError(parsed.errors)


def _order(parsed: Parsed, held: dict[str, Place]) -> None:
    """Sort the file's places parents first; a place that would become its own ancestor
    (through the file's parents or those held) is an error."""
    in_file = {p.code: p for p in parsed.places}
    held_parent = {code: (p.parent.code if p.parent else None) for code, p in held.items()}

    def parent(code: str) -> str | None:
        """The parent code a place will have: the file's, else the one held."""
        return in_file[code].parent_code if code in in_file else held_parent.get(code)

    depth: dict[str, int] = {}
    for place in parsed.places:
        chain, code = [], place.code
        while code is not None and code not in depth and code not in chain:
            chain.append(code)
            code = parent(code)
        if code in chain:
            reason = (N_("place %(code)s is its own ancestor (parent_code %(parent)s)")
                      if code == place.code else
                      N_("place %(code)s is under a circle of parents (parent_code "
                         "%(parent)s)"))
            parsed.fail(place.row, reason, code=place.code, parent=place.parent_code)
            continue
        base = depth.get(code, -1) if code is not None else -1
        for offset, link in enumerate(reversed(chain), start=1):
            depth[link] = base + offset
    if not parsed.errors:
        parsed.places.sort(key=lambda p: depth[p.code])


def _write_places(parsed: Parsed, country: str, held: dict[str, Place],
                  counts: dict[str, int]) -> None:
    for row in parsed.places:
        parent = held[row.parent_code] if row.parent_code else None
        place = held.get(row.code)
        if place is None:
            place = Place(country=country, code=row.code, name=row.name,
                          kind=row.kind or "municipal unit", parent=parent,
                          longitude=row.longitude, latitude=row.latitude)
            db.session.add(place)
            held[row.code] = place
            counts["places created"] += 1
        elif _update(place, row, parent):
            counts["places updated"] += 1
    db.session.flush()


def _update(place: Place, row: PlaceRow, parent: Place | None) -> bool:
    wanted = {"name": row.name, "kind": row.kind, "longitude": row.longitude,
              "latitude": row.latitude}
    changed = False
    for name, value in wanted.items():
        if value is not None and getattr(place, name) != value:
            setattr(place, name, value)
            changed = True
    if place.parent is not parent:
        place.parent = parent
        changed = True
    return changed


def _write_groups(parsed: Parsed, country: str, held: dict[str, Place],
                  counts: dict[str, int]) -> None:
    # held groups by name in any case: a group stored in capitals before names were cased is
    # the same group, renamed (not a second one)
    groups = {(g.kind, g.name.casefold()): g for g in db.session.scalars(
        select(PlaceGroup).where(PlaceGroup.country == country))}
    members = {(g, p) for g, p in db.session.execute(
        select(PlaceGroupMember.group_id, PlaceGroupMember.place_id))}
    for _row, code, kind, name in parsed.memberships:
        group = groups.get((kind, name.casefold()))
        given = parsed.group_codes.get((kind, name))
        if group is None:
            group = PlaceGroup(country=country, kind=kind, name=name, code=given or "")
            db.session.add(group)
            db.session.flush()
            groups[(kind, name.casefold())] = group
            counts["groups created"] += 1
        elif (given and group.code != given) or group.name != name:
            group.code = given or group.code
            group.name = name
            counts["groups updated"] += 1
        place = held[code]
        if (group.id, place.id) not in members:
            db.session.add(PlaceGroupMember(group_id=group.id, place_id=place.id))
            members.add((group.id, place.id))
            counts["memberships added"] += 1
    db.session.flush()
