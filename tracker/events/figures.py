"""The database reads behind the dashboard's event figures (`domain.event_figures` shapes
them): verified events of one accord dated up to a date, optionally only those bearing on
a selection of provisions, each figure one GROUP BY query over indexed columns
(`events.accord_id, occurred_on`; `event_provisions.accord_id, effect, occurred_on`, which
repeat the event's date so links are counted without reading events row by row).

Places: an event's department is its place when that is a department, else its place's
parent when that is one (a municipality's department); an event's PDET subregion is the
group of kind `places.layouts.PDET_KIND` its place belongs to.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from ..domain import event_figures
from ..extensions import db
from ..places.layouts import PDET_KIND
from ..places.models import Place, PlaceGroup, PlaceGroupMember
from .models import Event, EventProvision

#: Link effects counted in the events-per-month figure.
MONTHLY_EFFECTS = ("advances", "sets_back")
DEPARTMENT = "department"


def _event_conditions(accord_id: int, as_of: date, provision_ids, since: date | None):
    found = [Event.accord_id == accord_id, Event.review_state == "verified",
             Event.occurred_on <= as_of]
    if since is not None:
        found.append(Event.occurred_on >= since)
    if provision_ids is not None:
        found.append(Event.id.in_(select(EventProvision.event_id).where(
            EventProvision.accord_id == accord_id,
            EventProvision.provision_id.in_(provision_ids))))
    return found


def _link_conditions(accord_id: int, as_of: date, provision_ids):
    found = [EventProvision.accord_id == accord_id, EventProvision.occurred_on <= as_of]
    if provision_ids is not None:
        found.append(EventProvision.provision_id.in_(provision_ids))
    return found


def events_by_day(accord_id: int, as_of: date, provision_ids=None) -> dict[date, int]:
    """Date -> verified events dated that day, up to `as_of`; with `provision_ids` (a
    collection of ids, None: all), only events linked to one of them."""
    rows = db.session.execute(
        select(Event.occurred_on, func.count()).where(
            *_event_conditions(accord_id, as_of, provision_ids, None))
        .group_by(Event.occurred_on))
    return {day: count for day, count in rows}


def effects_by_day(accord_id: int, as_of: date, provision_ids=None
                   ) -> dict[str, dict[date, int]]:
    """Effect ("advances", "sets_back") -> date -> verified events dated that day with at
    least one link of that effect (to one of `provision_ids`, None: any provision)."""
    rows = db.session.execute(
        select(EventProvision.effect, EventProvision.occurred_on,
               func.count(func.distinct(EventProvision.event_id)))
        .join(Event, Event.id == EventProvision.event_id)
        .where(*_link_conditions(accord_id, as_of, provision_ids),
               EventProvision.effect.in_(MONTHLY_EFFECTS), Event.review_state == "verified")
        .group_by(EventProvision.effect, EventProvision.occurred_on))
    found: dict[str, dict[date, int]] = {effect: {} for effect in MONTHLY_EFFECTS}
    for effect, day, count in rows:
        found[effect][day] = count
    return found


def _department():
    """(place alias, parent alias, the department id expression) for an event's place."""
    place, parent = aliased(Place), aliased(Place)
    department = case((place.kind == DEPARTMENT, place.id),
                      (parent.kind == DEPARTMENT, parent.id), else_=None)
    return place, parent, department


def events_by_place(accord_id: int, as_of: date, provision_ids=None) -> dict[int, int]:
    """Place id -> verified events there dated up to `as_of` (events without a place left
    out); with `provision_ids`, only events linked to one of them."""
    return dict(db.session.execute(
        select(Event.place_id, func.count())
        .where(*_event_conditions(accord_id, as_of, provision_ids, None),
               Event.place_id.is_not(None))
        .group_by(Event.place_id)).all())


def departments() -> dict[int, int]:
    """Place id -> the id of its department (itself for a department, its parent for a
    place whose parent is one), for every place that has one."""
    parent = aliased(Place)
    rows = db.session.execute(select(Place.id, Place.kind, parent.id, parent.kind)
                              .outerjoin(parent, parent.id == Place.parent_id))
    return {pid: pid if kind == DEPARTMENT else up for pid, kind, up, up_kind in rows
            if kind == DEPARTMENT or up_kind == DEPARTMENT}


def by_department(accord_id: int, as_of: date, provision_ids=None,
                  per_place: dict[int, int] | None = None) -> list[dict]:
    """[{"code", "name", "events", "provisions"}] per department with verified events up
    to `as_of`: how many events, and how many distinct provisions they bear on (of
    `provision_ids` when given; any effect), most events first then by code. `per_place`:
    `events_by_place` for the same arguments, when already read."""
    if per_place is None:
        per_place = events_by_place(accord_id, as_of, provision_ids)
    events = event_figures.by_department(per_place, departments())
    place, parent, department = _department()
    provisions = dict(db.session.execute(
        select(department, func.count(func.distinct(EventProvision.provision_id)))
        .select_from(EventProvision).join(Event, Event.id == EventProvision.event_id)
        .join(place, place.id == Event.place_id).outerjoin(parent, parent.id == place.parent_id)
        .where(*_link_conditions(accord_id, as_of, provision_ids),
               Event.review_state == "verified")
        .group_by(department)).all())
    return _named(Place, events, provisions)


def by_group(accord_id: int, as_of: date, provision_ids=None, kind: str = PDET_KIND
             ) -> list[dict]:
    """[{"code", "name", "events", "provisions"}] per group of places of `kind` (PDET
    subregions by default) with verified events up to `as_of` at one of its places, as
    `by_department` counts them."""
    member = PlaceGroupMember
    groups = select(PlaceGroup.id).where(PlaceGroup.kind == kind)
    events = dict(db.session.execute(
        select(member.group_id, func.count()).select_from(Event)
        .join(member, member.place_id == Event.place_id)
        .where(*_event_conditions(accord_id, as_of, provision_ids, None),
               member.group_id.in_(groups))
        .group_by(member.group_id)).all())
    provisions = dict(db.session.execute(
        select(member.group_id, func.count(func.distinct(EventProvision.provision_id)))
        .select_from(EventProvision).join(Event, Event.id == EventProvision.event_id)
        .join(member, member.place_id == Event.place_id)
        .where(*_link_conditions(accord_id, as_of, provision_ids),
               Event.review_state == "verified", member.group_id.in_(groups))
        .group_by(member.group_id)).all())
    return _named(PlaceGroup, events, provisions)


def _named(model, events: dict, provisions: dict) -> list[dict]:
    ids = [key for key in events if key is not None]
    if not ids:
        return []
    names = {row.id: (row.code, row.name) for row in db.session.execute(
        select(model.id, model.code, model.name).where(model.id.in_(ids)))}
    rows = [{"code": names[i][0], "name": names[i][1], "events": events[i],
             "provisions": provisions.get(i, 0)} for i in ids]
    return sorted(rows, key=lambda r: (-r["events"], r["code"]))


def by_municipality(accord_id: int, as_of: date, provision_ids=None,
                    per_place: dict[int, int] | None = None) -> list[dict]:
    """[{"code", "name", "department", "longitude", "latitude", "events"}] per place with
    a point and verified events up to `as_of` (the map), most events first then by code.
    `per_place`: `events_by_place` for the same arguments, when already read."""
    if per_place is None:
        per_place = events_by_place(accord_id, as_of, provision_ids)
    if not per_place:
        return []
    parent = aliased(Place)
    rows = db.session.execute(
        select(Place.id, Place.code, Place.name, parent.name, Place.longitude, Place.latitude)
        .outerjoin(parent, parent.id == Place.parent_id)
        .where(Place.id.in_(list(per_place)), Place.longitude.is_not(None),
               Place.latitude.is_not(None)))
    found = [{"code": code, "name": name, "department": department or "",
              "longitude": float(lon), "latitude": float(lat), "events": per_place[pid]}
             for pid, code, name, department, lon, lat in rows]
    return sorted(found, key=lambda r: (-r["events"], r["code"]))


def country_points(accord) -> list[tuple[float, float]]:
    """(longitude, latitude) of every municipal-level place with a point in the accord's
    country (`places.lookup.country_code`; none when its country is not loaded), by code:
    drawn faintly under the map's dots, they outline the country."""
    from ..places.lookup import country_code

    country = country_code(accord)
    if country is None:
        return []
    return [(float(lon), float(lat)) for lon, lat in db.session.execute(
        select(Place.longitude, Place.latitude)
        .where(Place.country == country, Place.kind != DEPARTMENT, Place.kind != "country",
               Place.longitude.is_not(None), Place.latitude.is_not(None))
        .order_by(Place.code))]


def provisions_with_events(accord_id: int, since: date, until: date) -> set[int]:
    """Ids of the accord's provisions linked to a verified event dated from `since` to
    `until` (inclusive)."""
    return set(db.session.scalars(
        select(EventProvision.provision_id).distinct()
        .join(Event, Event.id == EventProvision.event_id)
        .where(EventProvision.accord_id == accord_id, EventProvision.occurred_on >= since,
               EventProvision.occurred_on <= until, Event.review_state == "verified")))
