"""The SQL reads that feed tracker.domain: the one place that knows the schema's shape.

Each function returns plain domain values (Record, ProvisionInfo, AccordData) from a few
set-based SELECTs, never one query per provision or per date.
"""
from __future__ import annotations

from collections import defaultdict

from datetime import date

from sqlalchemy import String, func, or_, select, type_coerce

from .domain.compare import AccordData
from .domain.metrics import InEffectOrder, ProvisionInfo, Record, counted_states
from .extensions import db
from .models import (
    Accord,
    PriorityChange,
    Provision,
    ProvisionTag,
    ProvisionType,
    RoleGrant,
    Section,
    StatusRecord,
)


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


def reference_sets() -> list[str]:
    return list(db.session.scalars(
        select(Accord.reference_set).where(Accord.kind == "reference",
                                           Accord.reference_set.is_not(None))
        .distinct().order_by(Accord.reference_set)))


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


def provision_infos(accord_id: int) -> list[ProvisionInfo]:
    paths = section_paths(accord_id)
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
                      tags=frozenset(tags.get(pid, ())), priority=bool(priority),
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


def level_changes(accord_id: int, include_pending: bool = False) -> InEffectOrder:
    """The counted records of one accord that change their provision's level, in effect order.

    Every figure depends on these alone: a record that repeats the level its provision
    already held (under the same counting rule) changes nothing at any date, and most
    records of a monitored accord are such confirmations. The window runs in the database
    over a covering index, so Python builds a few thousand records instead of tens of
    thousands.
    """
    states = counted_states(include_pending)
    previous = func.lag(StatusRecord.level).over(
        partition_by=StatusRecord.provision_id, order_by=_EFFECT_ORDER).label("previous")
    inner = (select(StatusRecord.provision_id, StatusRecord.level,
                    type_coerce(StatusRecord.effective_on, String).label("effective_on"),
                    StatusRecord.recorded_at, StatusRecord.id, StatusRecord.review_state,
                    previous)
             .where(StatusRecord.accord_id == accord_id,
                    StatusRecord.review_state.in_(states))
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


def _date_reader(sample):
    """SQLite hands back ISO strings, PostgreSQL dates."""
    return date.fromisoformat if isinstance(sample, str) else (lambda value: value)


def data_version(accord_id: int) -> int:
    """The accord's revision: raised by every write to its data (for ETags and caches)."""
    return db.session.scalar(select(Accord.revision).where(Accord.id == accord_id)) or 0


def reference_set_version(label: str) -> int:
    """Changes whenever any accord of the reference set changes."""
    return db.session.scalar(select(func.coalesce(func.sum(Accord.revision), 0)).where(
        Accord.kind == "reference", Accord.reference_set == label)) or 0


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
                      accord.horizon_years, include_pending)


def reference_data(label: str, include_illustrative: bool = True) -> list[AccordData]:
    """Every reference accord of set `label`, with types and records, in three SELECTs."""
    query = select(Accord).where(Accord.kind == "reference", Accord.reference_set == label,
                                 Accord.public.is_(True))
    if not include_illustrative:
        query = query.where(Accord.illustrative.is_(False))
    accords = list(db.session.scalars(query.order_by(Accord.signed_on)))
    ids = [a.id for a in accords]
    if not ids:
        return []
    types: dict[int, dict[int, str | None]] = defaultdict(dict)
    for aid, pid, code in db.session.execute(
        select(Provision.accord_id, Provision.id, ProvisionType.code)
        .outerjoin(ProvisionType, ProvisionType.id == Provision.provision_type_id)
        .where(Provision.accord_id.in_(ids))
    ):
        types[aid][pid] = code
    recs: dict[int, list[Record]] = defaultdict(list)
    for row in db.session.execute(
        select(StatusRecord.accord_id, *_RECORD_COLUMNS)
        .where(StatusRecord.accord_id.in_(ids), StatusRecord.review_state == "verified")
    ):
        recs[row[0]].append(Record(*row[1:]))
    return [AccordData(a.slug, a.name, a.signed_on, types[a.id], recs[a.id], a.horizon_years)
            for a in accords]
