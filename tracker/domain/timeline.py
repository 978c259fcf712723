"""A provision's timeline: its events and its status records in one list, newest first.
Pure: the items are whatever the caller passes (rows, dicts); only dates and ids are read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: `kind` "event" or "record", its date, its id, the item."""

    kind: str
    on: date
    key: int
    item: Any


def timeline(events: list[tuple[date, int, Any]],
             records: list[tuple[date, int, Any]]) -> list[Entry]:
    """Events (date, id, item) and records (effective date, id, item) newest first: by
    date, then on one date the records before the events (a level rests on the day's
    events, so it reads above them), then the higher id first."""
    entries = [Entry("event", on, key, item) for on, key, item in events]
    entries += [Entry("record", on, key, item) for on, key, item in records]
    return sorted(entries, key=lambda e: (e.on, e.kind == "record", e.key), reverse=True)
