"""Implementation figures: status as of a date, shares per level, scores, timelines, pace.

Method (PAM / Kroc):
- A provision's level on date D is that of its latest counted record whose effective date is
  on or before D; ties on the effective date are broken by recording time, then record id.
  A provision with no such record is not initiated (level 0).
- Counted records are the verified ones; with ``include_pending`` pending ones count too.
  Rejected records never count.
- Aggregate score = 100 x sum of levels / (3 x number of provisions).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from operator import attrgetter
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

from .scale import LEVEL_KEYS, MAX_LEVEL, round_half_up, round_ratio

FREQUENCIES = ("month", "quarter", "year")


class Record(NamedTuple):
    """One status record, reduced to what the figures need.

    A tuple, not a dataclass: an accord's history is tens of thousands of these, built on
    every read. `recorded_at` only breaks ties between records of the same effective date,
    so any increasing key works (a reader may pass the recording order instead of a time).
    """

    provision_id: int
    level: int
    effective_on: date
    recorded_at: datetime | int
    id: int
    review_state: str = "verified"

    @property
    def order_key(self) -> tuple:
        return (self.effective_on, self.recorded_at, self.id)


@dataclass(frozen=True, slots=True)
class ProvisionInfo:
    """What the figures need to know of a provision to group and filter it."""

    id: int
    code: str = ""
    section_path: tuple[str, ...] = ()  # section codes, root first
    tags: frozenset[str] = frozenset()
    priority: bool = False
    type_code: str | None = None
    responsible_actor: str | None = None
    time_frame: str | None = None
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts per level (index = level) over a set of provisions."""

    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def provisions(self) -> int:
        return sum(self.counts)

    def share(self, level: int) -> Fraction | None:
        """Exact share (0-1) of provisions at `level`; None for an empty set."""
        total = self.provisions
        return Fraction(self.counts[level], total) if total else None

    @property
    def score(self) -> Fraction | None:
        """Exact aggregate score 0-100; None for an empty set."""
        total = self.provisions
        return Fraction(100 * self._points, MAX_LEVEL * total) if total else None

    @property
    def _points(self) -> int:
        """The sum of the provisions' levels (the score's numerator, before scaling)."""
        return sum(level * n for level, n in enumerate(self.counts))

    def as_dict(self) -> dict:
        """Rounded for display: shares in percent to one decimal, score to two decimals."""
        total = self.provisions
        return {
            "provisions": total,
            "counts": dict(zip(LEVEL_KEYS, self.counts)),
            "shares": {key: round_ratio(100 * n, total, 1) if total else None
                       for key, n in zip(LEVEL_KEYS, self.counts)},
            "score": round_ratio(100 * self._points, MAX_LEVEL * total, 2) if total else None,
        }


def counted_states(include_pending: bool) -> tuple[str, ...]:
    """Review states whose records enter the figures."""
    return ("verified", "pending") if include_pending else ("verified",)


def counts(record: Record, include_pending: bool) -> bool:
    """Whether a record enters the figures."""
    return record.review_state in counted_states(include_pending)


_EFFECT_ORDER = attrgetter("effective_on", "recorded_at", "id")


class InEffectOrder(list):
    """Records their reader guarantees to be in effect order (effective date, then
    recording order, then id), so `ordered` filters them without sorting again."""


def ordered(records: Iterable[Record], include_pending: bool = False) -> InEffectOrder:
    """The counted records in the order in which they take effect."""
    states = counted_states(include_pending)
    kept = InEffectOrder(r for r in records if r.review_state in states)
    if not isinstance(records, InEffectOrder):
        kept.sort(key=_EFFECT_ORDER)
    return kept


def levels_as_of(
    records: Iterable[Record], as_of: date, include_pending: bool = False
) -> dict[int, int]:
    """Provision id -> level on `as_of`, for provisions with a counted record by then."""
    levels: dict[int, int] = {}
    for record in ordered(records, include_pending):
        if record.effective_on > as_of:
            break
        levels[record.provision_id] = record.level  # later in effect order wins
    return levels


def summarize(provision_ids: Iterable[int], levels: Mapping[int, int]) -> Summary:
    """Counts per level over `provision_ids`; a provision missing from `levels` is level 0."""
    tally = [0, 0, 0, 0]
    for pid in provision_ids:
        tally[levels.get(pid, 0)] += 1
    return Summary(tuple(tally))


# --- subsets -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """A subset of an accord's provisions; None means "any"."""

    section: str | None = None  # a section code at any depth
    tag: str | None = None
    priority: bool | None = None
    provision_type: str | None = None
    responsible_actor: str | None = None
    time_frame: str | None = None

    def admits(self, p: ProvisionInfo) -> bool:
        return (
            (self.section is None or self.section in p.section_path)
            and (self.tag is None or self.tag in p.tags)
            and (self.priority is None or p.priority == self.priority)
            and (self.provision_type is None or p.type_code == self.provision_type)
            and (self.responsible_actor is None or p.responsible_actor == self.responsible_actor)
            and (self.time_frame is None or p.time_frame == self.time_frame)
        )


def select(provisions: Iterable[ProvisionInfo], filters: Filters) -> list[ProvisionInfo]:
    return [p for p in provisions if filters.admits(p)]


def group_summaries(
    provisions: Iterable[ProvisionInfo],
    levels: Mapping[int, int],
    keys: Callable[[ProvisionInfo], Iterable[object]],
) -> dict[object, Summary]:
    """Summary per group, where `keys(p)` names every group p belongs to (zero or more)."""
    tallies: dict[object, list[int]] = {}
    for p in provisions:
        level = levels.get(p.id, 0)
        for key in keys(p):
            tallies.setdefault(key, [0, 0, 0, 0])[level] += 1
    return {key: Summary(tuple(t)) for key, t in tallies.items()}


# --- timelines -----------------------------------------------------------------------------

def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clipped to the target month's length."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def period_ends(start: date, end: date, freq: str = "month") -> list[date]:
    """Ends of the calendar periods from the one holding `start` up to `end`, then `end`.

    The last point is `end` itself (a period still under way is shown as of `end`).
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    if end < start:
        return []
    step = {"month": 1, "quarter": 3, "year": 12}[freq]
    first_month = {"month": start.month, "quarter": (start.month - 1) // 3 * 3 + 3,
                   "year": 12}[freq]
    point = month_end(date(start.year, first_month, 1))
    points = []
    while point < end:
        points.append(point)
        point = month_end(add_months(point.replace(day=1), step))
    points.append(end)
    return points


@dataclass
class _Tally:
    counts: list[int]
    current: dict[int, int] = field(default_factory=dict)


def timeline(
    groups: Mapping[str, Iterable[int]],
    records: Iterable[Record],
    dates: Sequence[date],
    include_pending: bool = False,
) -> dict[str, list[Summary]]:
    """Summaries of each named group of provisions at each date, in one pass over the records.

    `dates` must be ascending. A provision may belong to several groups.
    """
    membership: dict[int, list[_Tally]] = {}
    tallies: dict[str, _Tally] = {}
    for name, ids in groups.items():
        ids = set(ids)
        tally = _Tally(counts=[len(ids), 0, 0, 0])
        tallies[name] = tally
        for pid in ids:
            membership.setdefault(pid, []).append(tally)
    stream = [r for r in ordered(records, include_pending) if r.provision_id in membership]
    result: dict[str, list[Summary]] = {name: [] for name in groups}
    position = 0
    for point in dates:
        while position < len(stream) and stream[position].effective_on <= point:
            _apply(stream[position], membership[stream[position].provision_id])
            position += 1
        for name, tally in tallies.items():
            result[name].append(Summary(tuple(tally.counts)))
    return result


def _apply(record: Record, tallies: list[_Tally]) -> None:
    for tally in tallies:
        old = tally.current.get(record.provision_id, 0)
        tally.counts[old] -= 1
        tally.counts[record.level] += 1
        tally.current[record.provision_id] = record.level


# --- priority ------------------------------------------------------------------------------

def ratio(numerator: Fraction | None, denominator: Fraction | None) -> float | None:
    """numerator / denominator to three decimals; None when undefined."""
    if numerator is None or not denominator:
        return None
    return round_half_up(Fraction(numerator) / Fraction(denominator), 3)


def flags_hold_since(changes: Iterable[tuple[int, date]]) -> date | None:
    """Date since which the current priority flags hold: the latest change, if any.

    `changes` are (provision id, effective date) of every priority change.
    """
    dates = [when for _pid, when in changes]
    return max(dates) if dates else None


@dataclass(frozen=True)
class FlagDates:
    """When the priority flags in force were set: `most_on`, the effective date on which
    the most of them were set (ties: the earliest), `most` flags set on it, out of `flags`
    in force with a recorded date, and `latest`, the effective date of the latest priority
    change (a flag set or cleared; None without any)."""

    most_on: date | None
    most: int
    flags: int
    latest: date | None

    def as_dict(self) -> dict:
        """ISO dates and counts."""
        return {"most_set_on": _iso(self.most_on), "most_set": self.most,
                "flags": self.flags, "latest_change": _iso(self.latest)}


def flag_dates(changes: Iterable[tuple], flagged: Iterable[int]) -> FlagDates:
    """When the flags of `flagged` (ids of the provisions flagged as priority) were set.

    `changes`: every priority change to count, as (provision id, effective date, recorded
    order key, priority set); a caller asking "as known at T" passes only those recorded
    by T. A flagged provision's flag was set by its latest recorded change that set it.
    A single later change (one flag) never moves `most_on` away from the date most flags
    date from; `latest` says when the last change was."""
    flagged = set(flagged)
    changes = list(changes)
    set_on: dict[int, tuple] = {}
    for pid, effective, order, priority in changes:
        if priority and pid in flagged and (pid not in set_on or order >= set_on[pid][0]):
            set_on[pid] = (order, effective)
    counts: dict[date, int] = {}
    for _order, effective in set_on.values():
        counts[effective] = counts.get(effective, 0) + 1
    most_on = min(counts, key=lambda d: (-counts[d], d)) if counts else None
    return FlagDates(most_on, counts.get(most_on, 0), len(set_on),
                     max((c[1] for c in changes), default=None))


# --- pace ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pace:
    score: float | None
    change_since_previous: float | None  # score points since the previous period end
    monthly_change_12m: float | None  # average score points per month over the last 12 months
    projected_completion: date | None  # when the score reaches 100 at that pace
    months_to_target: float | None
    required_monthly_change: float | None  # to reach 100 by the target date

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "change_since_previous": self.change_since_previous,
            "monthly_change_12m": self.monthly_change_12m,
            "projected_completion": _iso(self.projected_completion),
            "months_to_target": self.months_to_target,
            "required_monthly_change": self.required_monthly_change,
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def months_between(start: date, end: date) -> Fraction:
    """Months from `start` to `end`, counting days as a fraction of an average month."""
    return Fraction((end - start).days * 12, 36525) * 100


def pace(
    score_now: Fraction | None,
    score_previous: Fraction | None,
    score_year_ago: Fraction | None,
    as_of: date,
    target: date | None,
) -> Pace:
    """Pace of implementation in score points; see the methodology page."""
    change = None if score_now is None or score_previous is None else score_now - score_previous
    monthly = None
    if score_now is not None and score_year_ago is not None:
        monthly = (score_now - score_year_ago) / 12
    projected = None
    if score_now == 100:
        projected = as_of
    elif score_now is not None and monthly is not None and monthly > 0:
        projected = _after_months(as_of, (100 - score_now) / monthly)
    months_left = required = None
    if target is not None and score_now is not None and target > as_of:
        months_left = months_between(as_of, target)
        required = (100 - score_now) / months_left
    return Pace(
        score=None if score_now is None else round_half_up(score_now, 2),
        change_since_previous=_maybe(change, 2),
        monthly_change_12m=_maybe(monthly, 3),
        projected_completion=projected,
        months_to_target=_maybe(months_left, 1),
        required_monthly_change=_maybe(required, 3),
    )


#: A projection further out than this is reported as "not at this pace" (None).
PROJECTION_HORIZON_DAYS = 200 * 366


def _after_months(start: date, months: Fraction) -> date | None:
    days = int(months * Fraction(36525, 1200))
    return start + timedelta(days=days) if days <= PROJECTION_HORIZON_DAYS else None


def _maybe(value: Fraction | None, places: int) -> float | None:
    return None if value is None else round_half_up(value, places)


def overdue(
    provisions: Iterable[ProvisionInfo], levels: Mapping[int, int], as_of: date
) -> list[ProvisionInfo]:
    """Provisions whose deadline has passed by `as_of` and that are not complete."""
    late = [
        p for p in provisions
        if p.deadline is not None and p.deadline < as_of and levels.get(p.id, 0) < MAX_LEVEL
    ]
    late.sort(key=lambda p: (p.deadline, p.code))
    return late
