"""The events a status row of the offline update workbook cites, as typed in its Events
column: `;`-separated references, each an event number already recorded ("12" or "#12") or
a row of the same workbook's Events sheet ("E5": the event typed on row 5 of that sheet,
"E" for Events / Eventos in either language). Pure: text in, numbers out."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .messages import Message, N_

#: The prefix naming a row of the workbook's Events sheet.
ROW_PREFIX = "E"
_NUMBER = re.compile(r"#?\s*(\d{1,9})")
_ROW = re.compile(ROW_PREFIX + r"\s*(\d{1,6})", re.IGNORECASE)


@dataclass(frozen=True)
class EventRefs:
    """`numbers`: events already recorded, by number; `rows`: rows (spreadsheet numbers, the
    header being row 1) of the workbook's Events sheet. Each ascending, without repeats."""

    numbers: tuple[int, ...] = ()
    rows: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.numbers or self.rows)


def parse_event_refs(text: object) -> EventRefs | None:
    """The references typed in a cell ("12; E5; #40"); None for a blank cell. Separators may
    be ";" or "," (a list pasted from elsewhere), blanks around them are ignored. Raises
    ValueError(Message) naming the first reference that is neither kind."""
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)  # a number typed alone is stored as one
    numbers, rows = set(), set()
    for part in re.split(r"[;,]", str(text)):
        ref = part.strip()
        if not ref:
            continue
        number, row = _NUMBER.fullmatch(ref), _ROW.fullmatch(ref)
        if number:
            numbers.add(int(number.group(1)))
        elif row and int(row.group(1)) >= 2:
            rows.add(int(row.group(1)))
        else:
            raise ValueError(Message(N_(
                "%(ref)s is neither an event number (e.g. 12) nor a row of the Events sheet "
                "(e.g. E5); separate references with ';'"), ref=repr(ref)))
    if not numbers and not rows:
        return None
    return EventRefs(tuple(sorted(numbers)), tuple(sorted(rows)))


def shown(refs: EventRefs | None) -> str:
    """The references written back as the notation reads them ("#12; E5")."""
    if not refs:
        return ""
    return "; ".join([f"#{n}" for n in refs.numbers] + [f"{ROW_PREFIX}{r}" for r in refs.rows])
