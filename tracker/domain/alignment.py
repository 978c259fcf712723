"""Years since signing, counted as the Peace Accords Matrix counts them.

PAM_ID codes each accord once per calendar year and numbers those years with `year_count`
(1 to 10). Year 1 is the signing year itself for an accord signed early enough in the year,
and the following calendar year for one signed late in the year (an accord signed on
30 December has had no implementation year yet on 31 December). The data set does not state
the threshold; `infer_rule` reads it off the accords' signing dates and first coded years, and
`AlignmentRule` applies it to any accord, so the monitored accord's year N and a reference
accord's year N stand for the same point of each accord's life: the end of calendar year
`first_year + N - 1`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

MAX_YEARS = 10


@dataclass(frozen=True)
class AlignmentRule:
    """Year 1 is the signing year for accords signed on or before (month, day) `last_same_year`
    of their year, and the following calendar year for accords signed after it.

    `observed` is how many accords the rule was read from, `exceptions` the names of those it
    does not fit (empty for a rule set by hand).
    """

    last_same_year: tuple[int, int] = (11, 17)
    first_next_year: tuple[int, int] | None = (11, 21)
    observed: int = 0
    exceptions: tuple[str, ...] = field(default_factory=tuple)

    def first_year(self, signed_on: date, override: int | None = None) -> int:
        """Calendar year of year 1 since signing (`override`: an accord's own choice)."""
        if override is not None:
            return override
        late = (signed_on.month, signed_on.day) > self.last_same_year
        return signed_on.year + (1 if late else 0)

    def year_end(self, signed_on: date, year: int, override: int | None = None) -> date:
        """The date that stands for year `year` since signing: 31 December of that year."""
        return date(self.first_year(signed_on, override) + year - 1, 12, 31)

    def current_year(self, signed_on: date, as_of: date, override: int | None = None) -> int:
        """The year since signing under way on `as_of`, from 1 (also before year 1 starts,
        between a late signing and 31 December) to MAX_YEARS."""
        year = as_of.year - self.first_year(signed_on, override) + 1
        return min(max(year, 1), MAX_YEARS)

    def years_completed(self, signed_on: date, as_of: date, override: int | None = None,
                        limit: int = MAX_YEARS) -> int:
        """How many years since signing have ended by `as_of` (0 to `limit`)."""
        ended = as_of.year - self.first_year(signed_on, override)
        if as_of == date(as_of.year, 12, 31):
            ended += 1
        return min(max(ended, 0), limit)

    def as_dict(self) -> dict:
        """JSON-ready: {"last_same_year": "MM-DD", "first_next_year": "MM-DD" | None,
        "observed": n, "exceptions": [...]}."""
        return {
            "last_same_year": _month_day(self.last_same_year),
            "first_next_year": _month_day(self.first_next_year) if self.first_next_year else None,
            "observed": self.observed,
            "exceptions": list(self.exceptions),
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> AlignmentRule:
        """The inverse of `as_dict`; None or an empty dict gives the default rule."""
        if not data:
            return cls()
        following = data.get("first_next_year")
        return cls(_parse_month_day(data["last_same_year"]),
                   _parse_month_day(following) if following else None,
                   int(data.get("observed", 0)), tuple(data.get("exceptions", ())))


#: The rule inferred from PAM_ID v1.5's 34 accords (see `infer_rule`); used when a reference
#: set carries no rule of its own.
DEFAULT_RULE = AlignmentRule()


def _month_day(value: tuple[int, int]) -> str:
    return f"{value[0]:02d}-{value[1]:02d}"


def _parse_month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def infer_rule(accords: Iterable[tuple[str, date, int]]) -> AlignmentRule:
    """Read the first-year threshold off (name, signing date, calendar year of year 1) triples.

    Every accord whose year 1 is its signing year or the next one votes; the threshold is the
    day of the year that leaves the fewest accords on the wrong side, placed at the latest
    signing day still counted in its own year (ties: the earliest such day). Accords on the
    wrong side are returned as exceptions. Raises ValueError when no accord can vote.
    """
    votes = [(name, (d.month, d.day), first - d.year) for name, d, first in accords
             if first - d.year in (0, 1)]
    if not votes:
        raise ValueError("no accord has its year 1 in its signing year or the next one")
    candidates = sorted({day for _n, day, offset in votes if offset == 0} | {(1, 0)})
    best = min(candidates, key=lambda cut: (_misplaced(votes, cut), cut))
    wrong = tuple(sorted(n for n, day, offset in votes if (day > best) != (offset == 1)))
    later = [day for _n, day, offset in votes if offset == 1 and day > best]
    return AlignmentRule(best, min(later) if later else None, len(votes), wrong)


def _misplaced(votes, cut: tuple[int, int]) -> int:
    return sum(1 for _n, day, offset in votes if (day > cut) != (offset == 1))
