"""Researchers' Excel: report workbooks and raw-data exports (`export`), the offline update
workbook read back row by row (`importer`), one column specification for both (`columns`),
and their command-line commands (`cli`).

This module holds what they share for writing: a write-only sheet laid out by a column
spec, and text that no spreadsheet evaluates. In a workbook a text cell is always stored as
text (a value beginning with "=" is never a formula, "#N/A" never an error); in a CSV file a
cell a spreadsheet would evaluate (=, +, -, @, tab, carriage return) gets a leading
apostrophe. Characters a worksheet cannot hold (a vertical tab pasted from Word) are dropped.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, get_time_format
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from .. import __version__
from . import columns as C

FORMULA_PREFIXES = ("=", "+", "-", "@")
CSV_RISKY_PREFIXES = FORMULA_PREFIXES + ("\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
UNLOCKED = Protection(locked=False)
#: Number formats openpyxl gives a plain value of each kind by itself: such columns take
#: plain values (much cheaper than a styled cell each in write-only mode).
PLAIN_FORMATS = {"text": None, "int": None, "date": get_time_format(date),
                 "datetime": get_time_format(datetime)}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean_text(text: str) -> str:
    """Without the control characters a worksheet cannot hold (a pasted vertical tab...)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_text(text: str) -> str:
    text = clean_text(text)
    return "'" + text if text.startswith(CSV_RISKY_PREFIXES) else text


def naive_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- writing ---------------------------------------------------------------------------------

class Sheet:
    """A write-only sheet laid out by a column spec: bold frozen header, widths, number
    formats, an autofilter over the rows written; strings always stored as strings."""

    def __init__(self, book: Workbook, title: str, columns: tuple[C.Column, ...], *,
                 freeze: str = "A2", unlock_editable: bool = False):
        self.ws = book.create_sheet(title)
        self.columns = columns
        for index, column in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = freeze
        # Styled columns get one cell each, reused: write-only mode serialises a row as it
        # is appended. Plain columns take plain values (openpyxl gives dates their format).
        self.cells = [self._template(c, unlock_editable) for c in columns]
        self.count = 0
        self.ws.append([self._header(c.header) for c in columns])

    def _template(self, column: C.Column, unlock: bool) -> WriteOnlyCell | None:
        unlocked = unlock and column.editable
        if not unlocked and column.cell_format == PLAIN_FORMATS.get(column.kind, ""):
            return None
        cell = WriteOnlyCell(self.ws)
        if column.cell_format:
            cell.number_format = column.cell_format
        if unlocked:
            cell.protection = UNLOCKED
        return cell

    def _header(self, text: str) -> WriteOnlyCell:
        cell = text_cell(self.ws, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        return cell

    def append(self, values) -> None:
        row = []
        for cell, value in zip(self.cells, values):
            if value == "":
                value = None
            if cell is None:
                row.append(self._plain(value))
            elif value is None:
                cell.value = None  # an empty cell, kept only when unlocked for editing
                row.append(cell if cell.protection.locked is False else None)
            else:
                put(cell, value)
                row.append(cell)
        self.ws.append(row)
        self.count += 1

    def _plain(self, value):
        if isinstance(value, str):
            value = clean_text(value)
            if value.startswith("=") or value in ERROR_CODES:
                return text_cell(self.ws, value)  # stored as text, not evaluated
        elif isinstance(value, datetime):
            return naive_utc(value)
        return value

    def append_dict(self, values: dict) -> None:
        self.append([values.get(c.key) for c in self.columns])

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.count + 1}"

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns, 1) if c.key == key)


def put(cell, value) -> None:
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # never a formula, never an error code
    elif isinstance(value, datetime):
        cell.value = naive_utc(value)
    else:
        cell.value = value


def text_cell(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    put(cell, text)
    return cell


def save_workbook(book: Workbook) -> bytes:
    book.properties.creator = f"Accord tracker {__version__}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, datetime):
        return naive_utc(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(columns: tuple[C.Column, ...], rows) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads accents right); headers are the keys."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.key)) for c in columns])
    return out.getvalue().encode("utf-8-sig")
