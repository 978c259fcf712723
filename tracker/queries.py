"""The SQL reads that feed tracker.domain: the one place that knows the schema's shape
(accords, provisions, status records, priority changes; reference sets in `reference.data`).

Each function returns plain domain values (Record, ProvisionInfo, AccordData) from a few
set-based SELECTs, never one query per provision or per date.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import String, and_, exists, func, literal, not_, or_, select, true, type_coerce

from .domain.compare import AccordData
from .domain.known import priority_known_at
from .domain.metrics import InEffectOrder, ProvisionInfo, Record, counted_states
from .extensions import db
from .models import (Accord, PriorityChange, Provision, ProvisionTag, ProvisionType, RoleGrant,
                     Section, StatusRecord, UTCDateTime)
# The reads of reference sets live with them; reachable here too, as `queries.X`.
from .reference.data import (CodedYear, all_reference_sets, chosen_reference_set,  # noqa: F401
                             current_accord_with_reference_version, default_reference_set_version,
                             default_set_order, reference_data, reference_overview,
                             reference_set, reference_set_version, reference_sets,
                             reference_source_rows, reference_years)


def visible_accords(user=None) -> list[Accord]:
    """Public accords, and private ones on which `user` holds a role (all for an admin)."""
    query = select(Accord).order_by(Accord.kind, Accord.signed_on, Accord.name)
    if user is None or not getattr(user, "is_authenticated", False):
        query = query.where(Accord.public.is_(True))
    elif not any(g.role == "admin" and g.accord_id is None for g in user.roles):
        granted = select(RoleGrant.accord_id).where(RoleGrant.user_id == user.id)
        query = query.where(or_(Accord.public.is_(True), Accord.id.in_(granted)))
    return list(db.session.scalars(query))


def accord_by_slug(slug: str) -> Accord | None:
    return db.session.scalar(select(Accord).where(Accord.slug == slug))


def current_accord(slug: str) -> Accord | None:
    """The accord as stored now, its attributes refreshed even when this session already
    holds it (a write through `services.touch` raises `revision` in SQL, behind the session's
    back): its `revision` then keys caches and ETags without a query of its own."""
    return db.session.scalar(select(Accord).where(Accord.slug == slug)
                             .execution_options(populate_existing=True))


def section_paths(accord_id: int) -> dict[int, tuple[str, ...]]:
    """Section id -> codes from the root down to that section."""
    rows = db.session.execute(
        select(Section.id, Section.code, Section.parent_id).where(Section.accord_id == accord_id)
    ).all()
    parents = {sid: (code, parent) for sid, code, parent in rows}
    paths: dict[int, tuple[str, ...]] = {}

    def path(sid: int) -> tuple[str, ...]:
        if sid not in paths:
            code, parent = parents[sid]
            paths[sid] = (path(parent) if parent else ()) + (code,)
        return paths[sid]

    for sid in parents:
        path(sid)
    return paths


def provision_infos(accord_id: int, known_at=None) -> list[ProvisionInfo]:
    """The accord's provisions as the figures group them; with `known_at` (aware UTC) the
    priority flags are those as known at that moment (`domain.known.priority_known_at`:
    priority changes recorded later are undone)."""
    paths = section_paths(accord_id)
    later = priority_changes_after(accord_id, known_at) if known_at is not None else {}
    tags: dict[int, set[str]] = defaultdict(set)
    for pid, tag in db.session.execute(
        select(ProvisionTag.provision_id, ProvisionTag.tag)
        .join(Provision, Provision.id == ProvisionTag.provision_id)
        .where(Provision.accord_id == accord_id)
    ):
        tags[pid].add(tag)
    rows = db.session.execute(
        select(Provision.id, Provision.code, Provision.section_id, Provision.priority,
               ProvisionType.code, Provision.responsible_actor, Provision.time_frame,
               Provision.deadline)
        .outerjoin(ProvisionType, ProvisionType.id == Provision.provision_type_id)
        .where(Provision.accord_id == accord_id).order_by(Provision.id)
    )
    return [
        ProvisionInfo(id=pid, code=code, section_path=paths.get(sid, ()) if sid else (),
                      tags=frozenset(tags.get(pid, ())),
                      priority=priority_known_at(bool(priority), later.get(pid, ()), known_at),
                      type_code=type_code, responsible_actor=actor, time_frame=frame,
                      deadline=deadline)
        for pid, code, sid, priority, type_code, actor, frame, deadline in rows
    ]


_RECORD_COLUMNS = (StatusRecord.provision_id, StatusRecord.level, StatusRecord.effective_on,
                   StatusRecord.recorded_at, StatusRecord.id, StatusRecord.review_state)
_EFFECT_ORDER = (StatusRecord.effective_on, StatusRecord.recorded_at, StatusRecord.id)


def _records(rows) -> list[Record]:
    return [Record(*row) for row in rows]


def records(accord_id: int, include_rejected: bool = False) -> InEffectOrder:
    """Every status record of one accord, in effect order, from one index range scan.

    The hot read behind every figure: rows come straight from the driver's cursor (dates as
    the driver gives them, no timestamp parsing) and the position in the sorted result
    stands in for `recorded_at`.
    """
    query = select(StatusRecord.provision_id, StatusRecord.level,
                   type_coerce(StatusRecord.effective_on, String), StatusRecord.id,
                   StatusRecord.review_state).where(StatusRecord.accord_id == accord_id)
    if not include_rejected:
        query = query.where(StatusRecord.review_state != "rejected")
    rows = db.session.connection().execute(query.order_by(*_EFFECT_ORDER)).cursor.fetchall()
    as_date = _date_reader(rows[0][2] if rows else None)
    make = Record._make
    return InEffectOrder(make((pid, level, as_date(day), rank, rid, state))
                         for rank, (pid, level, day, rid, state) in enumerate(rows))


def known_clause(moment):
    """SQL for `domain.known.known_by(..., moment)`: verified, and verified (reviewed, or
    recorded when verified on entry) on or before `moment` (aware UTC)."""
    since = func.coalesce(StatusRecord.reviewed_at, StatusRecord.recorded_at)
    return and_(StatusRecord.review_state == "verified",
                since <= literal(moment, UTCDateTime()))


def known_after(accord_id: int, moment) -> bool:
    """Whether any record of the accord entered the official figures after `moment` (aware
    UTC), under the rule of `known_clause`. When none did, the figures as known at `moment`
    are those as known now (one index-only scan of the accord's history range)."""
    return bool(db.session.scalar(select(
        exists().where(StatusRecord.accord_id == accord_id,
                       StatusRecord.review_state == "verified",
                       not_(known_clause(moment))))))


def level_changes(accord_id: int, include_pending: bool = False,
                  known_at=None) -> InEffectOrder:
    """The counted records of one accord that change their provision's level, in effect order.

    Every figure depends on these alone: a record that repeats the level its provision
    already held (under the same counting rule) changes nothing at any date, and most
    records of a monitored accord are such confirmations. The window runs in the database
    over a covering index, so Python builds a few thousand records instead of tens of
    thousands. With `known_at` (aware UTC; verified records only) only the records known
    at that moment enter, before the window, so the changes are those of that knowledge.
    """
    states = counted_states(include_pending and known_at is None)
    known = known_clause(known_at) if known_at is not None else true()
    previous = func.lag(StatusRecord.level).over(
        partition_by=StatusRecord.provision_id, order_by=_EFFECT_ORDER).label("previous")
    inner = (select(StatusRecord.provision_id, StatusRecord.level,
                    type_coerce(StatusRecord.effective_on, String).label("effective_on"),
                    StatusRecord.recorded_at, StatusRecord.id, StatusRecord.review_state,
                    previous)
             .where(StatusRecord.accord_id == accord_id,
                    StatusRecord.review_state.in_(states), known)
             .subquery())
    query = (select(inner.c.provision_id, inner.c.level, inner.c.effective_on, inner.c.id,
                    inner.c.review_state)
             .where(or_(inner.c.previous.is_(None), inner.c.previous != inner.c.level))
             .order_by(inner.c.effective_on, inner.c.recorded_at, inner.c.id))
    rows = db.session.connection().execute(query).cursor.fetchall()
    as_date = _date_reader(rows[0][2] if rows else None)
    make = Record._make
    return InEffectOrder(make((pid, level, as_date(day), rank, rid, state))
                         for rank, (pid, level, day, rid, state) in enumerate(rows))


def kept_level_changes(accord_id: int, revision: int, known_at=None) -> InEffectOrder | None:
    """`level_changes(accord_id, known_at=known_at)` (verified; as known now, or at `known_at`,
    aware UTC) read from the level-change summary kept with every write (`tracker.summary`):
    the same records, in the same order, from a few thousand rows; None when the summary is
    not at `revision` (then read the history)."""
    from . import summary

    rows = (summary.current_rows(accord_id, revision) if known_at is None
            else summary.known_at_rows(accord_id, revision, known_at))
    if rows is None:
        return None
    as_date = _date_reader(rows[0][2] if rows else None)
    make = Record._make
    return InEffectOrder(make((pid, level, as_date(day), rank, rid, "verified"))
                         for rank, (pid, level, day, rid) in enumerate(rows))


def kept_known_after(accord_id: int, revision: int, moment) -> bool | None:
    """`known_after` as far as figures go, from the level-change summary
    (`summary.known_after`); None when the summary is not at `revision`."""
    from . import summary

    return summary.known_after(accord_id, revision, moment)


def _date_reader(sample):
    """SQLite hands back ISO strings, PostgreSQL dates."""
    return date.fromisoformat if isinstance(sample, str) else (lambda value: value)


def data_version(accord_id: int) -> int:
    """The accord's revision: raised by every write to its data (for ETags and caches)."""
    return db.session.scalar(select(Accord.revision).where(Accord.id == accord_id)) or 0


def priority_changes_after(accord_id: int, moment) -> dict[int, list[tuple[object, bool]]]:
    """Provision id -> its priority changes recorded after `moment` (aware UTC), as
    (recorded_at, priority); empty when none was."""
    found: dict[int, list] = defaultdict(list)
    for pid, at, flag in db.session.execute(
        select(PriorityChange.provision_id, PriorityChange.recorded_at, PriorityChange.priority)
        .join(Provision, Provision.id == PriorityChange.provision_id)
        .where(Provision.accord_id == accord_id,
               PriorityChange.recorded_at > literal(moment, UTCDateTime()))
    ):
        found[pid].append((at, flag))
    return dict(found)


def priority_history(accord_id: int, known_at=None) -> list[tuple]:
    """The accord's priority changes as (provision id, effective date, (recorded_at, id),
    priority set), those recorded by `known_at` (aware UTC) if given."""
    query = (select(PriorityChange.provision_id, PriorityChange.effective_on,
                    PriorityChange.recorded_at, PriorityChange.id, PriorityChange.priority)
             .join(Provision, Provision.id == PriorityChange.provision_id)
             .where(Provision.accord_id == accord_id))
    if known_at is not None:
        query = query.where(PriorityChange.recorded_at <= literal(known_at, UTCDateTime()))
    return [(pid, effective, (recorded, cid), bool(flag))
            for pid, effective, recorded, cid, flag in db.session.execute(query)]


def priority_changes(accord_id: int) -> list[tuple[int, object]]:
    return list(db.session.execute(
        select(PriorityChange.provision_id, PriorityChange.effective_on)
        .join(Provision, Provision.id == PriorityChange.provision_id)
        .where(Provision.accord_id == accord_id)
    ))


def accord_data(accord: Accord, include_pending: bool = False) -> AccordData:
    """The accord as the comparison sees it."""
    types = dict(db.session.execute(
        select(Provision.id, ProvisionType.code)
        .outerjoin(ProvisionType, ProvisionType.id == Provision.provision_type_id)
        .where(Provision.accord_id == accord.id)
    ).all())
    return AccordData(accord.slug, accord.name, accord.signed_on, types, records(accord.id),
                      accord.first_implementation_year, include_pending)

