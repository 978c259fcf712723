"""What the dashboard shows of implementation events, as pure functions over plain values
(`events.figures` reads them from the database with GROUP BY queries).

- Events per month: for each calendar month from the first month with an event (or the
  month of `start`) to the month of `as_of`, the verified events dated in it, and of them
  those with at least one link that advances (sets back) a provision of the selection. An
  event has one date, so summing per-day counts gives each month's count exactly.
- Stalled: a provision of the selection, not fully implemented on `as_of`, with no verified
  event linked to it and no change of level in the 12 months up to and including `as_of`
  (`window_start(as_of)` to `as_of`). Before those 12 months have passed since signing
  (`stalled_from(signed_on)`), no provision can have stalled: the figure is not given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from .metrics import counted_states
from .scale import MAX_LEVEL

STALLED_MONTHS = 12


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it has no
    such day: 31 March less one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def window_start(as_of: date, months: int = STALLED_MONTHS) -> date:
    """The first day of the `months` months that end on `as_of` (the day after the same
    day `months` months earlier): 2024-06-30 -> 2023-07-01."""
    return date.fromordinal(months_before(as_of, months).toordinal() + 1)


def stalled_from(signed_on: date, months: int = STALLED_MONTHS) -> date:
    """The first dashboard date whose window of `months` months starts on or after the
    signing date (`window_start(day) >= signed_on`): signed 2016-11-24 -> 2017-11-23;
    signed 2020-02-29 -> 2021-02-28."""
    day = date.fromordinal(months_before(signed_on, -months).toordinal() - 1)
    while window_start(day, months) < signed_on:  # month ends: step to the exact day
        day = date.fromordinal(day.toordinal() + 1)
    while window_start(date.fromordinal(day.toordinal() - 1), months) >= signed_on:
        day = date.fromordinal(day.toordinal() - 1)
    return day


def _month(day: date) -> date:
    return day.replace(day=1)


def monthly(as_of: date, events: Mapping[date, int], advances: Mapping[date, int],
            setbacks: Mapping[date, int], start: date | None = None) -> list[dict]:
    """[{"month": first day of the month (date), "events", "advances", "setbacks"}] for
    every month from the earliest of `start` and the first dated count to `as_of`'s month,
    months without events included (zeros). Counts are per day (date -> count); days after
    `as_of` are ignored."""
    totals: dict[tuple[int, int], list[int]] = {}  # (year, month): attributes, not replace()
    for column, counts in enumerate((events, advances, setbacks)):
        for day, count in counts.items():
            if day <= as_of:
                key = (day.year, day.month)
                if key not in totals:
                    totals[key] = [0, 0, 0]
                totals[key][column] += count
    firsts = [date(*key, 1) for key in totals] + ([start] if start is not None else [])
    if not firsts:
        return []
    rows, month, last = [], _month(min(firsts)), _month(as_of)
    while month <= last:
        found = totals.get((month.year, month.month), [0, 0, 0])
        rows.append({"month": month, "events": found[0], "advances": found[1],
                     "setbacks": found[2]})
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return rows


def by_department(per_place: Mapping[int, int], department_of: Mapping[int, int]
                  ) -> dict[int, int]:
    """Department id -> verified events at its places: the per-place counts (place id ->
    events) summed into each place's department (`department_of`: place id -> department id;
    a place with none is left out). An event has one place, so no event counts twice."""
    totals: dict[int, int] = {}
    for place_id, count in per_place.items():
        if place_id in department_of:
            key = department_of[place_id]
            totals[key] = totals.get(key, 0) + count
    return totals


@dataclass(frozen=True)
class StalledProvision:
    """A provision with neither a verified event nor a level change in the window."""

    id: int
    code: str
    priority: bool
    section: str


def stalled(provisions: Iterable, with_events: set[int], changed: set[int],
            levels: Mapping[int, int]) -> list[StalledProvision]:
    """The provisions (objects with id, code, priority, section_path) of neither set and
    below full implementation (`levels`: provision id -> level on the dashboard's date,
    0 when missing; `scale.MAX_LEVEL` is complete: nothing is left to stall), in the order
    given."""
    return [StalledProvision(p.id, p.code, p.priority, " › ".join(p.section_path))
            for p in provisions if p.id not in with_events and p.id not in changed
            and levels.get(p.id, 0) < MAX_LEVEL]


def changed_in(records: Iterable, since: date, until: date,
               include_pending: bool = False) -> set[int]:
    """Ids of the provisions whose level changes from `since` to `until` (inclusive): a
    record (`metrics.Record`, `records` in effect order) effective then whose level differs
    from the level in effect just before it (0 before a provision's first record). A record
    confirming the level held is no change. Pending records count only with
    `include_pending`, rejected ones never."""
    allowed = counted_states(include_pending)
    held: dict[int, int] = {}
    changed: set[int] = set()
    for r in records:
        if r.review_state not in allowed or r.effective_on > until:
            continue
        before = held.get(r.provision_id, 0)
        held[r.provision_id] = r.level
        if r.effective_on >= since and r.level != before:
            changed.add(r.provision_id)
    return changed
