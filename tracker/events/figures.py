"""The database reads behind the dashboard's event figures (`domain.event_figures` shapes
them): verified events of one accord dated up to a date, optionally only those bearing on
a selection of provisions, and optionally only as known at a moment (`known_at`, aware UTC:
events verified by then, `verified.VERIFIED_AT`). Each figure is one GROUP BY over one
covering index of a table the database keeps with every write, never joined row by row:
without a selection, the verified events (`models.VerifiedEvent`: one row per event, with
its effect flags) and, for events per day as known now, the verified days
(`models.VerifiedDay`: one row per day, those events counted); with a selection, the verified links (`models.VerifiedLink`: one row per link);
the provisions per department, as known now, the department provisions
(`models.DepartmentProvision`: one row per department and provision, with its first date).

Places: an event's department is `verified.department_of` its place; an event's PDET
subregion is the group of kind `places.layouts.PDET_KIND` its place belongs to.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, literal, literal_column, select
from sqlalchemy.orm import aliased

from ..domain import event_figures
from ..extensions import db
from ..models import UTCDateTime
from ..places.layouts import PDET_KIND
from ..places.models import Place, PlaceGroup, PlaceGroupMember
from . import verified
from .models import DepartmentProvision, VerifiedDay, VerifiedEvent, VerifiedLink

#: Link effects counted in the events-per-month figure (an event counts once per effect).
MONTHLY_EFFECTS = verified.FLAGGED_EFFECTS


def _rows(query):
    """Execute a grouped read on the session's connection: plain rows, without the ORM's
    result handling (per-day counts of 45k events: 22 -> 15 ms of CPU on SQLite)."""
    return db.session.connection().execute(query)


def _moment(known_at: datetime | None):
    if known_at is not None and known_at.tzinfo is None:
        raise ValueError("known_at must be an aware UTC datetime")
    return literal(known_at, UTCDateTime())


def _event_conditions(accord_id: int, as_of: date, known_at: datetime | None) -> list:
    event = VerifiedEvent
    found = [event.accord_id == accord_id, event.occurred_on <= as_of]
    if known_at is not None:
        found.append(event.verified_at <= _moment(known_at))
    return found


def _link_conditions(accord_id: int, as_of: date, provision_ids, known_at: datetime | None,
                     since: date | None = None) -> list:
    link = VerifiedLink
    found = [link.accord_id == accord_id, link.occurred_on <= as_of]
    if since is not None:
        found.append(link.occurred_on >= since)
    if provision_ids is not None:
        found.append(link.provision_id.in_(list(provision_ids)))
    if known_at is not None:
        found.append(link.verified_at <= _moment(known_at))
    return found


def by_day(accord_id: int, as_of: date, provision_ids=None,
           known_at: datetime | None = None) -> dict[str, dict[date, int]]:
    """{"events", "advances", "sets_back"} -> date -> verified events dated that day, up to
    `as_of` (verified by `known_at` when given): all of them, and those with at least one
    link that advances (sets back) a provision. With `provision_ids` (a collection of ids,
    None: all), only events linked to one of them, and only those links' effects."""
    found: dict[str, dict[date, int]] = {key: {} for key in ("events", *MONTHLY_EFFECTS)}
    if provision_ids is None:
        for day, count, *flagged in _rows(_days(accord_id, as_of, known_at)):
            found["events"][day] = count
            for effect, times in zip(MONTHLY_EFFECTS, flagged):
                if times:
                    found[effect][day] = times
        return found
    link = VerifiedLink
    conditions = _link_conditions(accord_id, as_of, provision_ids, known_at)
    found["events"] = dict(_rows(
        select(link.occurred_on, func.count(func.distinct(link.event_id)))
        .where(*conditions).group_by(link.occurred_on)).all())
    for effect, day, count in _rows(
            select(link.effect, link.occurred_on, func.count(func.distinct(link.event_id)))
            .where(*conditions, link.effect.in_(MONTHLY_EFFECTS))
            .group_by(link.effect, link.occurred_on)):
        found[effect][day] = count
    return found


def _days(accord_id: int, as_of: date, known_at: datetime | None):
    """SELECT of (day, events, advances, sets_back) of the accord's verified events dated up
    to `as_of`: as known now, the verified days as they are; as known at a moment, the
    verified events by then, counted per day."""
    if known_at is None:
        day = VerifiedDay
        return (select(day.occurred_on, day.events,
                       *(getattr(day, effect) for effect in MONTHLY_EFFECTS))
                .where(day.accord_id == accord_id, day.occurred_on <= as_of))
    event = VerifiedEvent
    return (select(event.occurred_on, func.count(),
                   *(func.sum(getattr(event, effect)) for effect in MONTHLY_EFFECTS))
            .where(*_event_conditions(accord_id, as_of, known_at))
            .group_by(event.occurred_on))


def events_by_place(accord_id: int, as_of: date, provision_ids=None,
                    known_at: datetime | None = None) -> dict[int, int]:
    """Place id -> verified events there dated up to `as_of` (events without a place left
    out); with `provision_ids`, only events linked to one of them."""
    if provision_ids is None:
        query = (select(VerifiedEvent.place_id, func.count())
                 .where(*_event_conditions(accord_id, as_of, known_at))
                 .group_by(VerifiedEvent.place_id))
    else:
        link = VerifiedLink
        query = (select(link.place_id, func.count(func.distinct(link.event_id)))
                 .where(*_link_conditions(accord_id, as_of, provision_ids, known_at))
                 .group_by(link.place_id))
    return {place: count for place, count in _rows(query) if place is not None}


def departments() -> dict[int, int]:
    """Place id -> the id of its department (`verified.department_of`), for every place
    that has one."""
    department = literal_column(verified.department_of("places.id"))
    return {pid: up for pid, up in db.session.execute(select(Place.id, department))
            if up is not None}


def by_department(accord_id: int, as_of: date, provision_ids=None,
                  per_place: dict[int, int] | None = None,
                  known_at: datetime | None = None) -> list[dict]:
    """[{"code", "name", "events", "provisions"}] per department with verified events up
    to `as_of`: how many events, and how many distinct provisions they bear on (of
    `provision_ids` when given; any effect), most events first then by code. `per_place`:
    `events_by_place` for the same arguments, when already read."""
    if per_place is None:
        per_place = events_by_place(accord_id, as_of, provision_ids, known_at)
    events = event_figures.by_department(per_place, departments())
    return _named(Place, events, _department_provisions(accord_id, as_of, provision_ids,
                                                        known_at))


def _department_provisions(accord_id: int, as_of: date, provision_ids,
                           known_at: datetime | None) -> dict[int, int]:
    """Department id -> distinct provisions (of `provision_ids` when given) linked to a
    verified event at its places dated up to `as_of`: as known now, from the department
    provisions (a pair counts from its first date on); as known at a moment, from the
    verified links by then."""
    if known_at is None:
        pair = DepartmentProvision
        conditions = [pair.accord_id == accord_id, pair.first_on <= as_of]
        if provision_ids is not None:
            conditions.append(pair.provision_id.in_(list(provision_ids)))
        query = (select(pair.department_id, func.count()).where(*conditions)
                 .group_by(pair.department_id))
    else:
        link = VerifiedLink
        query = (select(link.department_id, func.count(func.distinct(link.provision_id)))
                 .where(*_link_conditions(accord_id, as_of, provision_ids, known_at),
                        link.department_id.is_not(None))
                 .group_by(link.department_id))
    return dict(_rows(query).all())


def by_group(accord_id: int, as_of: date, provision_ids=None, kind: str = PDET_KIND,
             known_at: datetime | None = None) -> list[dict]:
    """[{"code", "name", "events", "provisions"}] per group of places of `kind` (PDET
    subregions by default) with verified events up to `as_of` at one of its places, as
    `by_department` counts them."""
    member, link = PlaceGroupMember, VerifiedLink
    groups = select(PlaceGroup.id).where(PlaceGroup.kind == kind)
    if provision_ids is None:
        events = dict(db.session.execute(
            select(member.group_id, func.count()).select_from(VerifiedEvent)
            .join(member, member.place_id == VerifiedEvent.place_id)
            .where(*_event_conditions(accord_id, as_of, known_at),
                   member.group_id.in_(groups))
            .group_by(member.group_id)).all())
    else:
        events = dict(db.session.execute(
            select(member.group_id, func.count(func.distinct(link.event_id)))
            .select_from(member).join(link, link.place_id == member.place_id)
            .where(*_link_conditions(accord_id, as_of, provision_ids, known_at),
                   member.group_id.in_(groups))
            .group_by(member.group_id)).all())
    provisions = dict(db.session.execute(
        select(member.group_id, func.count(func.distinct(link.provision_id)))
        .select_from(member).join(link, link.place_id == member.place_id)
        .where(*_link_conditions(accord_id, as_of, provision_ids, known_at),
               member.group_id.in_(groups))
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
                    per_place: dict[int, int] | None = None,
                    known_at: datetime | None = None) -> list[dict]:
    """[{"code", "name", "department", "longitude", "latitude", "events"}] per place with
    a point and verified events up to `as_of` (the map), most events first then by code.
    `per_place`: `events_by_place` for the same arguments, when already read."""
    if per_place is None:
        per_place = events_by_place(accord_id, as_of, provision_ids, known_at)
    if not per_place:
        return []
    parent = aliased(Place)  # the places in the id range, kept when they have events: one
    rows = _rows(  # statement of two parameters instead of one parameter per place
        select(Place.id, Place.code, Place.name, parent.name, Place.longitude, Place.latitude)
        .outerjoin(parent, parent.id == Place.parent_id)
        .where(Place.id.between(min(per_place), max(per_place)),
               Place.longitude.is_not(None), Place.latitude.is_not(None)))
    found = [{"code": code, "name": name, "department": department or "",
              "longitude": float(lon), "latitude": float(lat), "events": per_place[pid]}
             for pid, code, name, department, lon, lat in rows if pid in per_place]
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
        .where(Place.country == country, Place.kind != verified.DEPARTMENT,
               Place.kind != "country", Place.longitude.is_not(None),
               Place.latitude.is_not(None))
        .order_by(Place.code))]


def provisions_with_events(accord_id: int, since: date, until: date,
                           known_at: datetime | None = None) -> set[int]:
    """Ids of the accord's provisions linked to a verified event dated from `since` to
    `until` (inclusive), verified by `known_at` when given."""
    link = VerifiedLink
    return set(db.session.scalars(
        select(link.provision_id).distinct()
        .where(*_link_conditions(accord_id, until, None, known_at, since))))
