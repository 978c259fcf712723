"""Comparison of a monitored accord with reference accords at equal time since signing.

Alignment rule (see `alignment`): year N since signing stands for the end of calendar year
`first_year + N - 1`, where year 1 is the signing year or, for an accord signed late in the
year, the next one.
- a reference accord's year N is the year PAM_ID numbers N (`year_count`), as coded;
- the monitored accord's year N is its status on 31 December of its year N under the same
  rule (the reference set's rule, or the accord's own first year where one is set).

Per provision type, an accord's value is the mean level (0-3) of its provisions of that type:
a reference accord has one provision per type; several stipulations of one type give their
average, and the comparison says how many stand behind each value.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .alignment import DEFAULT_RULE, MAX_YEARS, AlignmentRule
from .metrics import Record, levels_as_of, timeline
from .scale import round_half_up


@dataclass(frozen=True)
class AccordData:
    """A monitored accord as the comparison sees it: its provisions' types and its records."""

    slug: str
    name: str
    signed_on: date
    provision_types: Mapping[int, str | None]  # provision id -> PAM type code (or None)
    records: Sequence[Record]
    first_year: int | None = None  # the accord's own year 1 (calendar year), else the rule's
    include_pending: bool = False  # count pending records too (coordinators' view)

    def levels_on(self, when: date) -> dict[int, int]:
        return levels_as_of(self.records, when, self.include_pending)


@dataclass(frozen=True)
class ReferenceYear:
    """One coded year of a reference accord: its calendar year and, for each provision type
    the accord contains that year, its level (0-3)."""

    calendar_year: int
    levels: Mapping[str, int]
    published: Fraction | None = None  # the score the data set itself gives, if any

    @property
    def score(self) -> Fraction | None:
        """100 x sum of levels / (3 x provisions in the accord that year); None: no provision."""
        if not self.levels:
            return None
        return Fraction(100 * sum(self.levels.values()), 3 * len(self.levels))


@dataclass(frozen=True)
class ReferenceAccord:
    """A reference accord as coded in its data set: year since signing -> ReferenceYear."""

    slug: str
    name: str
    signed_on: date
    years: Mapping[int, ReferenceYear] = field(default_factory=dict)

    def coded_in(self, year: int) -> bool:
        return year in self.years

    @property
    def last_year(self) -> int | None:
        return max(self.years) if self.years else None


def type_levels(
    provision_types: Mapping[int, str | None], levels: Mapping[int, int]
) -> dict[str, tuple[Fraction, int]]:
    """(mean level, number of provisions) per provision type, over provisions with a type."""
    sums: dict[str, list[int]] = {}
    for pid, code in provision_types.items():
        if code is None:
            continue
        tally = sums.setdefault(code, [0, 0])
        tally[0] += levels.get(pid, 0)
        tally[1] += 1
    return {code: (Fraction(total, n), n) for code, (total, n) in sums.items()}


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
    stipulations: int = 1  # the monitored accord's provisions behind `accord_level`

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
            "stipulations": self.stipulations,
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
    complete: bool = True  # the accord was read at the end of its year `year`

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
            "year_complete": self.complete,
            "reference_accords": self.reference_accords,
            "types_compared": self.compared,
            "types_above_mean": self.above,
            "types": [t.as_dict() for t in self.types],
        }


def compare_types(
    accord: AccordData, references: Iterable[ReferenceAccord], year: int,
    as_of: date | None = None, rule: AlignmentRule = DEFAULT_RULE,
) -> Comparison:
    """Each provision type of `accord` against the reference accords coded in `year`.

    The monitored accord is read at the end of its year `year` under `rule`, or on `as_of`
    when that comes first (the year is then not complete: "now", or a year not over yet).
    Reference values are the levels of the types each reference accord contains in its year
    `year` (PAM's `year_count`).
    """
    end = rule.year_end(accord.signed_on, year, accord.first_year)
    when = min(as_of, end) if as_of is not None else end
    own = type_levels(accord.provision_types, accord.levels_on(when))
    per_reference = [ref.years[year].levels for ref in references if ref.coded_in(year)]
    rows = []
    for code in sorted(own):
        level, count = own[code]
        values = [Fraction(levels[code]) for levels in per_reference if code in levels]
        rows.append(TypeComparison(
            code, level,
            Distribution.of(values) if values else None,
            percentile(level, values) if values else None,
            count,
        ))
    return Comparison(year, when, len(per_reference), rows, when == end)


def reference_curve(references: Iterable[ReferenceAccord], years: int = MAX_YEARS,
                    published: bool = False) -> dict[int, Distribution]:
    """Year since signing -> distribution of the reference accords' scores in that year:
    computed from the levels of the types each contains (or, with `published`, the scores
    the data set itself gives, to show where the two differ)."""
    by_year: dict[int, list[Fraction]] = {}
    for ref in references:
        for year, coded in ref.years.items():
            score = coded.published if published else coded.score
            if 1 <= year <= years and score is not None:
                by_year.setdefault(year, []).append(score)
    return {year: Distribution.of(values) for year, values in sorted(by_year.items())}


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
    accord: AccordData, references: Iterable[ReferenceAccord], as_of: date,
    years: int = MAX_YEARS, rule: AlignmentRule = DEFAULT_RULE,
) -> list[CurvePoint]:
    """The accord's score at the end of each completed year since signing beside the
    reference accords' scores in the same year since signing."""
    reached = rule.years_completed(accord.signed_on, as_of, accord.first_year, years)
    ends = [rule.year_end(accord.signed_on, y, accord.first_year) for y in range(1, reached + 1)]
    own = _scores_at(accord, ends)
    curve = reference_curve(references, years)
    return [
        CurvePoint(year, own[year - 1] if year <= reached else None, curve.get(year))
        for year in range(1, years + 1)
    ]


def _scores_at(accord: AccordData, dates: list[date]) -> list[Fraction | None]:
    """The accord's score at each date, in one pass over its records."""
    if not dates:
        return []
    series = timeline({"all": accord.provision_types.keys()}, accord.records, dates,
                      accord.include_pending)["all"]
    return [summary.score for summary in series]
