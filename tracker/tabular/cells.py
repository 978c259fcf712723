"""One cell as read from any tabular file, and the one place its text is produced.

A CSV field and a workbook cell both become a `Cell`; `cell_text` is the only function that
turns a value into the text importers see (CSV fields, workbook strings, numbers, dates and
booleans alike), so a rule for incoming text applies to every reader by being added there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal


def cell_text(value: object) -> str:
    """The text of a cell value: "" for an empty cell; a date (or a date-time, whose time of
    day is dropped: every date the app reads is a calendar day) as YYYY-MM-DD; a whole number
    without ".0"; other numbers in plain decimal notation (never 1e-05); booleans as TRUE or
    FALSE, as spreadsheets write them in CSV files; text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell: `value` is None, str, int, float, bool, date, datetime, time or timedelta as
    the file typed it (a string already passed through `cell_text`); `text` is `cell_text`
    of it; `formula` marks a formula cell (data type "f"), `error` a cell showing an error
    such as #N/A. A text cell that merely begins with "=" is text, not a formula."""

    value: object = None
    text: str = ""
    formula: bool = False
    error: bool = False

    @property
    def empty(self) -> bool:
        """True when the cell holds nothing (blank text counts as nothing)."""
        return not self.formula and not self.text.strip()


def make_cell(value: object, data_type: str = "s") -> Cell:
    """The Cell for a value read with its spreadsheet data type ("s", "n", "b", "d", "f",
    "e"...); a CSV field is a str of type "s"."""
    text = cell_text(value)
    return Cell(text if isinstance(value, str) else value, text,
                formula=data_type == "f", error=data_type == "e")


EMPTY = Cell()


def clean_rows(rows, workbook: bool = False):
    """Every cell's text through the input rule (`domain.text.clean_text`: NFC, line breaks,
    no control characters; a `workbook`'s `_xHHHH_` escapes decoded first), rows numbered
    from 1 as read. Raises TableError naming every refused cell's row."""
    from ..domain.text import clean_text, unescape_ooxml
    from .errors import RowError, TableError

    cleaned, errors = [], []
    for number, cells in enumerate(rows, start=1):
        row = []
        for cell in cells:
            try:
                row.append(clean_text(unescape_ooxml(cell) if workbook else cell))
            except ValueError as exc:
                errors.append(RowError(number, exc.args[0]))
                row.append("")
        cleaned.append(row)
    if errors:
        raise TableError(errors)
    return iter(cleaned)
