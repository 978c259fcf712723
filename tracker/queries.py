"""The SQL reads that feed tracker.domain: the one place that knows the schema's shape.

Each function returns plain domain values (Record, ProvisionInfo, AccordData) from a few
set-based SELECTs, never one query per provision or per date.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from datetime import date

from sqlalchemy import (String, and_, bindparam, case, exists, func, literal, not_, or_, select, true,
                        type_coerce)

from .domain.known import priority_known_at
from .domain.compare import AccordData, ReferenceAccord, ReferenceYear
from .domain.metrics import InEffectOrder, ProvisionInfo, Record, counted_states
from .extensions import db
from .models import (
    Accord,
    PriorityChange,
    Provision,
    ProvisionTag,
    ProvisionType,
    ReferenceCoding,
    ReferenceSet,
    RoleGrant,
    Section,
    StatusRecord,
    UTCDateTime,
)
from .models import ReferenceYear as ReferenceYearRow


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


def reference_sets() -> list[str]:
    """Labels of every reference set, sorted."""
    return list(db.session.scalars(select(ReferenceSet.label).order_by(ReferenceSet.label)))


def reference_set(label: str) -> ReferenceSet | None:
    return db.session.scalar(select(ReferenceSet).where(ReferenceSet.label == label))


def all_reference_sets() -> list[ReferenceSet]:
    """Every reference set, the default first, then by label."""
    return list(db.session.scalars(select(ReferenceSet).order_by(
        ReferenceSet.is_default.desc(), ReferenceSet.label)))


def reference_overview(accord_ids: list[int]) -> dict[int, dict]:
    """Accord id -> {"years": coded years, "calendar_year": the last one, "score": its score
    (0-100, two decimals)} for reference accords with coded years."""
    from .domain.scale import round_half_up

    overview = {}
    for aid, years in reference_years(accord_ids, counted_only=True).items():
        last = years[-1]
        score = ReferenceYear(last.calendar_year, last.levels).score
        overview[aid] = {"years": len(years), "calendar_year": last.calendar_year,
                         "score": None if score is None else round_half_up(score, 2)}
    return overview


def reference_source_rows(accord_id: int) -> list[int]:
    """The file rows an accord's coded years were read from."""
    return [r for r in db.session.scalars(select(ReferenceYearRow.source_row).where(
        ReferenceYearRow.accord_id == accord_id)) if r is not None]


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


def default_set_order(wanted) -> list:
    """ORDER BY of the rule choosing the default reference set (`reference.sets.default_set`):
    the label `wanted` (TRACKER_REFERENCE_SET; a str, a bind parameter, or None) when known,
    else the set flagged default, else the first by label; the first row is the one."""
    first = [case((ReferenceSet.label == wanted, 0), else_=1)] if wanted is not None else []
    return first + [ReferenceSet.is_default.desc(), ReferenceSet.label]


def _default_reference_state_columns() -> list:
    """Three scalar subqueries giving the default set's id, import time and the sum of its
    accords' revisions (None, None, 0 without a set), the set chosen with the bind parameter
    `wanted`: what `reference_set_version` is made of."""
    chosen = select(ReferenceSet.id).order_by(
        *default_set_order(bindparam("wanted", type_=String))).limit(1)
    label = chosen.with_only_columns(ReferenceSet.label).scalar_subquery()
    return [chosen.scalar_subquery(),
            chosen.with_only_columns(ReferenceSet.imported_at).scalar_subquery(),
            select(func.coalesce(func.sum(Accord.revision), 0)).where(
                Accord.kind == "reference", Accord.reference_set == label).scalar_subquery()]


# Built once (their SQL is compiled once and found in SQLAlchemy's cache by identity).
_DEFAULT_REFERENCE_STATE = select(*_default_reference_state_columns())
_ACCORD_WITH_REFERENCE_STATE = select(Accord, *_default_reference_state_columns()).where(
    Accord.slug == bindparam("slug")).execution_options(populate_existing=True)


def _reference_version_text(set_id, imported_at, revisions) -> str:
    if set_id is None:
        return f"0.0.{revisions or 0}"
    return f"{set_id}.{int(imported_at.timestamp() * 1_000_000)}.{revisions or 0}"


_CHOSEN_REFERENCE_STATE = select(
    select(ReferenceSet.label).order_by(*default_set_order(bindparam("wanted", type_=String)))
    .limit(1).scalar_subquery(), *_default_reference_state_columns())


def chosen_reference_set(wanted: str | None) -> tuple[str, str]:
    """(label, `reference_set_version`) of the set `wanted` when known, else of the default
    set (`reference.sets.default_set` with TRACKER_REFERENCE_SET as `wanted`), in one query;
    ("", "0.0.0") when no set is loaded. A caller that asked for a set by name compares the
    label with it: another label means no such set."""
    label, *version = db.session.execute(_CHOSEN_REFERENCE_STATE, {"wanted": wanted}).one()
    return label or "", _reference_version_text(*version)


def current_accord_with_reference_version(slug: str, wanted: str | None
                                          ) -> tuple[Accord | None, str]:
    """`current_accord(slug)` and the version of the default reference set (chosen with
    `wanted`, TRACKER_REFERENCE_SET), in one query: the whole database state a dashboard
    depends on (see `dashboard.routes.data_state`)."""
    row = db.session.execute(_ACCORD_WITH_REFERENCE_STATE,
                             {"slug": slug, "wanted": wanted}).first()
    if row is None:
        return None, ""
    return row[0], _reference_version_text(*row[1:])


def default_reference_set_version(wanted: str | None) -> str:
    """`reference_set_version` of the default set (chosen with `wanted`), in one query."""
    return _reference_version_text(*db.session.execute(_DEFAULT_REFERENCE_STATE,
                                                       {"wanted": wanted}).one())


def reference_set_version(label: str) -> str:
    """Changes whenever the set is imported, replaced or deleted, or any of its accords
    changes: "<set id>.<import time in microseconds>.<sum of its accords' revisions>"."""
    found = db.session.execute(select(ReferenceSet.id, ReferenceSet.imported_at)
                               .where(ReferenceSet.label == label)).first()
    revisions = db.session.scalar(select(func.coalesce(func.sum(Accord.revision), 0)).where(
        Accord.kind == "reference", Accord.reference_set == label)) or 0
    if found is None:
        return f"0.0.{revisions}"
    return f"{found.id}.{int(found.imported_at.timestamp() * 1_000_000)}.{revisions}"


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


def reference_data(label: str, include_illustrative: bool = True) -> list[ReferenceAccord]:
    """Every public reference accord of set `label` with its coded years (the levels of the
    types it contains each year), in two SELECTs."""
    query = select(Accord).where(Accord.kind == "reference", Accord.reference_set == label,
                                 Accord.public.is_(True))
    if not include_illustrative:
        query = query.where(Accord.illustrative.is_(False))
    accords = list(db.session.scalars(query.order_by(Accord.signed_on, Accord.id)))
    if not accords:
        return []
    years = reference_years([a.id for a in accords], counted_only=True)
    return [ReferenceAccord(a.slug, a.name, a.signed_on,
                            {y.year_count: ReferenceYear(y.calendar_year, y.levels,
                                                         _fraction(y.published_score))
                             for y in years.get(a.id, []) if y.year_count is not None})
            for a in accords]


def _fraction(text: str | None) -> Fraction | None:
    """A score as the data set writes it ('38.09524') as an exact fraction; None if none."""
    try:
        return Fraction(Decimal(text)) if text else None
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class CodedYear:
    """A reference accord's coded year as stored: the levels of the types in the accord that
    year, and of those listed with points although not in it (`outside`)."""

    calendar_year: int
    year_count: int | None
    source_row: int | None
    published_score: str | None
    levels: dict[str, int]
    outside: dict[str, int]


def reference_years(accord_ids: list[int], counted_only: bool = False
                    ) -> dict[int, list[CodedYear]]:
    """Accord id -> its coded years in calendar order (ties: year_count)."""
    query = (select(ReferenceYearRow.accord_id, ReferenceYearRow.id, ReferenceYearRow.calendar_year,
                    ReferenceYearRow.year_count, ReferenceYearRow.source_row,
                    ReferenceYearRow.published_score, ProvisionType.code,
                    ReferenceCoding.in_accord, ReferenceCoding.level)
             .join(ReferenceCoding, ReferenceCoding.year_id == ReferenceYearRow.id)
             .join(ProvisionType, ProvisionType.id == ReferenceCoding.provision_type_id)
             .where(ReferenceYearRow.accord_id.in_(accord_ids)))
    if counted_only:
        query = query.where(ReferenceCoding.in_accord.is_(True))
    rows: dict[int, dict] = {}
    for aid, yid, cal, count, row, score, code, member, level in db.session.execute(query):
        year = rows.setdefault(yid, {"accord": aid, "key": (cal, count or 0), "year": CodedYear(
            cal, count, row, score, {}, {})})
        if member:
            year["year"].levels[code] = level or 0
        elif level:
            year["year"].outside[code] = level
    result: dict[int, list[CodedYear]] = defaultdict(list)
    for entry in sorted(rows.values(), key=lambda e: e["key"]):
        result[entry["accord"]].append(entry["year"])
    return result
