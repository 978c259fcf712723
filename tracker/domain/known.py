"""Figures as known at a moment: which records an official could have counted at time T.

Rule (stated on the methodology page):
- A record enters the official figures at the moment it is verified: its review time, or,
  for a record verified on entry without a separate review, its recording time.
- "As of date D, as known at moment T" counts only the records verified by T (on or before
  T); pending records, rejected records and records verified after T do not count.
- Without T the figures are as known now.

Because status records are append-only and a review decision is taken once, the records
known at T never change afterwards: figures as known at a past moment are fixed forever.
`queries.known_clause` expresses this same rule in SQL for the hot reads; a test checks that
both agree on every record.
"""
from __future__ import annotations

from datetime import datetime, timezone


def known_since(review_state: str, recorded_at: datetime | None,
                reviewed_at: datetime | None) -> datetime | None:
    """The moment a record entered the official figures (aware UTC), or None if it has not
    (pending or rejected)."""
    if review_state != "verified":
        return None
    return reviewed_at or recorded_at


def known_by(review_state: str, recorded_at: datetime | None, reviewed_at: datetime | None,
             moment: datetime | None) -> bool:
    """Whether the record counts in figures as known at `moment` (None: now).

    Raises ValueError for a naive `moment` (times are compared in UTC)."""
    since = known_since(review_state, recorded_at, reviewed_at)
    if since is None:
        return False
    if moment is None:
        return True
    return _utc(since) <= _utc(moment)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use aware UTC datetimes")
    return moment.astimezone(timezone.utc)


def priority_known_at(current: bool, changes, moment: datetime | None) -> bool:
    """A provision's priority flag as known at `moment` (None: now, i.e. `current`).

    `changes`: the provision's priority changes as (recorded_at aware UTC, priority set),
    any order. Each change flips the flag (a change to the value already held is never
    recorded), so the flag as known at `moment` is the one the earliest change recorded
    after `moment` replaced: its opposite; with no change after `moment`, `current`.
    Raises ValueError for a naive `moment`."""
    if moment is None:
        return current
    later = [(_utc(at), bool(flag)) for at, flag in changes if _utc(at) > _utc(moment)]
    if not later:
        return current
    return not min(later)[1]
