"""An audit event's before and after values as a field-by-field list a person can read.

Pure: no Flask, no database. The audit log stores `before` and `after` as JSON objects (or
null); `field_changes` lines them up by field name, and `plain` writes one stored value as
short text (accented letters as they are, never as JSON escapes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    """One field of an audit event: its name, its value before and after (None where the
    event stored no value on that side), and whether the two differ."""

    field: str
    before: Any
    after: Any
    changed: bool


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """The fields of `before` and `after` (JSON objects, or None), in the order they first
    appear (before's fields, then after's new ones). A value that is not an object (an old
    event that stored a bare value) is shown as the field "value"."""
    old = _as_object(before)
    new = _as_object(after)
    names = list(old) + [name for name in new if name not in old]
    return [FieldChange(name, old.get(name), new.get(name),
                        name not in old or name not in new or old[name] != new[name])
            for name in names]


def _as_object(value: Any) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"value": value}


def plain(value: Any, yes: str = "yes", no: str = "no", empty: str = "—") -> str:
    """A stored value as text: None as `empty`, booleans as `yes`/`no`, a list as its items
    joined by ", ", an object as "key: value" pairs joined by "; ", anything else as str()."""
    if value is None or value == "" or value == [] or value == {}:
        return empty
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(item, yes, no, empty) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain(item, yes, no, empty)}" for key, item in value.items())
    return str(value)
