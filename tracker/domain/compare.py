"""Comparison of a monitored accord with reference accords at equal time since signing.

Alignment rule:
- a reference accord's coding for calendar year Y describes year N = Y - (its signing year);
  its level for year N is its status at the end of that calendar year;
- the monitored accord's year N is its status on the N-th anniversary of its signing.

Per provision type, an accord's value is the mean level (0-3) of its provisions of that type:
one provision gives its own level; several stipulations of one type give their average.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .metrics import Record, add_months, levels_as_of, timeline
from .scale import round_half_up

MAX_YEARS = 10


@dataclass(frozen=True)
class AccordData:
    """An accord as the comparison sees it: its provisions' types and its records."""

    slug: str
    name: str
    signed_on: date
    provision_types: Mapping[int, str | None]  # provision id -> PAM type code (or None)
    records: Sequence[Record]
    horizon_years: int | None = None  # reference accords: years coded
    include_pending: bool = False  # count pending records too (coordinators' view)

    def levels_on(self, when: date) -> dict[int, int]:
        return levels_as_of(self.records, when, self.include_pending)

    def coded_in(self, year: int) -> bool:
        return self.horizon_years is not None and 1 <= year <= self.horizon_years


def anniversary(signed_on: date, years: int) -> date:
    return add_months(signed_on, 12 * years)


def year_end(signed_on: date, years: int) -> date:
    return date(signed_on.year + years, 12, 31)


def years_elapsed(signed_on: date, as_of: date) -> int:
    """Whole years since signing on `as_of` (0 in the first year); a year is reached on its
    anniversary as `anniversary` places it (28 February for a 29 February signing)."""
    years = as_of.year - signed_on.year
    if years > 0 and anniversary(signed_on, years) > as_of:
        years -= 1
    return max(years, 0)


def current_year(signed_on: date, as_of: date) -> int:
    """The year since signing under way on `as_of` (1 in the first year), capped at 10."""
    return min(max(years_elapsed(signed_on, as_of) + 1, 1), MAX_YEARS)


def type_levels(
    provision_types: Mapping[int, str | None], levels: Mapping[int, int]
) -> dict[str, Fraction]:
    """Mean level per provision type over the provisions that carry a type."""
    sums: dict[str, list[int]] = {}
    for pid, code in provision_types.items():
        if code is None:
            continue
        tally = sums.setdefault(code, [0, 0])
        tally[0] += levels.get(pid, 0)
        tally[1] += 1
    return {code: Fraction(total, n) for code, (total, n) in sums.items()}


def reference_levels(accord: AccordData, year: int) -> dict[int, int]:
    return accord.levels_on(year_end(accord.signed_on, year))


@dataclass(frozen=True)
class Distribution:
    n: int
    mean: Fraction
    median: Fraction
    q1: Fraction
    q3: Fraction
    minimum: Fraction
    maximum: Fraction

    @classmethod
    def of(cls, values: Sequence[Fraction]) -> Distribution:
        ordered = sorted(values)
        if len(ordered) > 1:
            q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = median = q3 = ordered[0]
        return cls(len(ordered), Fraction(sum(ordered), len(ordered)), Fraction(median),
                   Fraction(q1), Fraction(q3), ordered[0], ordered[-1])

    def as_dict(self, places: int) -> dict:
        return {
            "n": self.n,
            **{key: round_half_up(getattr(self, attr), places) for key, attr in (
                ("mean", "mean"), ("median", "median"), ("q1", "q1"), ("q3", "q3"),
                ("min", "minimum"), ("max", "maximum"))},
        }


def percentile(value: Fraction, values: Sequence[Fraction]) -> Fraction:
    """Mid-rank percentile of `value` among `values`: below counts 1, ties count one half."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return Fraction(100 * (2 * below + equal), 2 * len(values))


@dataclass(frozen=True)
class TypeComparison:
    type_code: str
    accord_level: Fraction
    reference: Distribution | None  # None: no reference accord has this type that year
    percentile: Fraction | None

    @property
    def difference(self) -> Fraction | None:
        return None if self.reference is None else self.accord_level - self.reference.mean

    @property
    def above_mean(self) -> bool:
        return self.reference is not None and self.accord_level > self.reference.mean

    def as_dict(self) -> dict:
        diff = self.difference
        return {
            "provision_type": self.type_code,
            "accord_level": round_half_up(self.accord_level, 2),
            "reference": None if self.reference is None else self.reference.as_dict(2),
            "difference": None if diff is None else round_half_up(diff, 2),
            "percentile": None if self.percentile is None else round_half_up(self.percentile, 1),
            "above_mean": self.above_mean,
        }


@dataclass(frozen=True)
class Comparison:
    year: int
    accord_as_of: date
    reference_accords: int  # reference accords coded in that year
    types: list[TypeComparison]

    @property
    def compared(self) -> int:
        return sum(1 for t in self.types if t.reference is not None)

    @property
    def above(self) -> int:
        return sum(1 for t in self.types if t.above_mean)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "accord_as_of": self.accord_as_of.isoformat(),
            "reference_accords": self.reference_accords,
            "types_compared": self.compared,
            "types_above_mean": self.above,
            "types": [t.as_dict() for t in self.types],
        }


def compare_types(
    accord: AccordData, references: Iterable[AccordData], year: int, as_of: date | None = None
) -> Comparison:
    """Each provision type of `accord` against the reference accords coded in `year`.

    The monitored accord is read on its `year`-th anniversary, or on `as_of` if given ("now").
    """
    when = as_of or anniversary(accord.signed_on, year)
    own = type_levels(accord.provision_types, accord.levels_on(when))
    per_reference = [
        type_levels(ref.provision_types, reference_levels(ref, year))
        for ref in references if ref.coded_in(year)
    ]
    rows = []
    for code in sorted(own):
        values = [levels[code] for levels in per_reference if code in levels]
        rows.append(TypeComparison(
            code, own[code],
            Distribution.of(values) if values else None,
            percentile(own[code], values) if values else None,
        ))
    return Comparison(year, when, len(per_reference), rows)


@dataclass(frozen=True)
class CurvePoint:
    year: int
    accord_score: Fraction | None  # None: the accord has not reached this year yet
    reference: Distribution | None

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "accord_score": None if self.accord_score is None
            else round_half_up(self.accord_score, 2),
            "reference": None if self.reference is None else self.reference.as_dict(2),
        }


def score_curve(
    accord: AccordData, references: Iterable[AccordData], as_of: date, years: int = MAX_YEARS
) -> list[CurvePoint]:
    """The accord's score by year since signing beside the reference scores that year."""
    reached = min(years_elapsed(accord.signed_on, as_of), years)
    own = _scores_at(accord, [anniversary(accord.signed_on, y) for y in range(1, reached + 1)])
    by_year: dict[int, list[Fraction]] = {}
    for ref in references:
        coded = [y for y in range(1, years + 1) if ref.coded_in(y)]
        for year, score in zip(coded, _scores_at(ref, [year_end(ref.signed_on, y) for y in coded])):
            if score is not None:
                by_year.setdefault(year, []).append(score)
    return [
        CurvePoint(
            year,
            own[year - 1] if year <= reached else None,
            Distribution.of(by_year[year]) if by_year.get(year) else None,
        )
        for year in range(1, years + 1)
    ]


def _scores_at(accord: AccordData, dates: list[date]) -> list[Fraction | None]:
    """The accord's score at each date, in one pass over its records."""
    series = timeline({"all": accord.provision_types.keys()}, accord.records, dates,
                      accord.include_pending)["all"]
    return [summary.score for summary in series]
