"""The reads of reference sets: their labels and rows, the default set's choice and
version (what a dashboard's ETag depends on), and the reference accords with their coded
years as the comparison (`domain.compare`) reads them. `tracker.queries` re-exports them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from flask import current_app
from sqlalchemy import String, bindparam, case, func, select

from ..domain.compare import ReferenceAccord, ReferenceYear
from ..extensions import db
from ..models import Accord, ProvisionType, ReferenceCoding, ReferenceSet
from ..models import ReferenceYear as ReferenceYearRow


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
    from ..domain.scale import round_half_up

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


def default_set_order(wanted) -> list:
    """ORDER BY of the rule choosing the default reference set (`default_set`):
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
    set (`default_set` with TRACKER_REFERENCE_SET as `wanted`), in one query;
    ("", "0.0.0") when no set is loaded. A caller that asked for a set by name compares the
    label with it: another label means no such set."""
    label, *version = db.session.execute(_CHOSEN_REFERENCE_STATE, {"wanted": wanted}).one()
    return label or "", _reference_version_text(*version)


def current_accord_with_reference_version(slug: str, wanted: str | None
                                          ) -> tuple[Accord | None, str]:
    """`current_accord(slug)` and the version of the default reference set (chosen with
    `wanted`, TRACKER_REFERENCE_SET), in one query: the whole database state a dashboard
    depends on (see `dashboard.shared.data_state`)."""
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


def default_set() -> ReferenceSet | None:
    """The set comparisons use unless told otherwise: TRACKER_REFERENCE_SET when set and
    known, else the set flagged default, else the first by label
    (`data.default_set_order`)."""
    return db.session.scalar(select(ReferenceSet).order_by(
        *default_set_order(current_app.config.get("REFERENCE_SET"))).limit(1))
