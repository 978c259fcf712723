"""Opening an XLSX workbook and reading its sheets' cells, the same way for every reader.

openpyxl's read-only mode trusts each sheet's `<dimension>`; WPS Office writes "A1" there and
other programs write stale ranges, so every sheet's dimension is reset and the rows the XML
holds are read. Rows that hold no value (formatted empty rows far below the data) are
skipped, so limits count rows that hold data. Dates follow the workbook's own date system
(1900 or 1904); rich text comes back as its plain text; a formula cell is marked as one (a
text cell beginning with "=" is text).
"""
from __future__ import annotations

import io
from typing import Iterator

from ..domain.messages import N_
from .cells import Cell, make_cell
from .errors import TableError, refuse
from .kinds import TEXT_NOT_WORKBOOK, identify

CANNOT_OPEN = N_("the workbook cannot be opened")
CANNOT_READ = N_("the workbook cannot be read")
NO_WORKSHEET = N_("the workbook has no worksheet with cells")


def open_workbook(data: bytes):
    """An openpyxl read-only workbook (close it after use) for XLSX bytes, checked first
    (`kinds.identify`); raises TableError naming what the file is when it is not one."""
    if identify(data, text=False) != "xlsx":
        raise refuse(TEXT_NOT_WORKBOOK)
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise refuse(CANNOT_OPEN) from None


def first_worksheet(book):
    """The first visible worksheet (a hidden helper sheet or a chart sheet is passed over);
    raises TableError when there is none."""
    sheets = list(book.worksheets)
    visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"]
    if not (visible or sheets):
        raise refuse(NO_WORKSHEET)
    return (visible or sheets)[0]


def sheet_rows(sheet, *, max_col: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, cells) for every row of `sheet` that holds a value or a formula, in
    order; `max_col` keeps only the first columns (a stray cell far to the right then costs
    nothing). Raises TableError when the sheet's XML cannot be read."""
    sheet.reset_dimensions()  # trust the cells, not a dimension another program wrote
    try:
        for number, row in enumerate(sheet.iter_rows(max_col=max_col), start=1):
            if not row or all(c.value is None for c in row):
                continue
            cells = [make_cell(c.value, c.data_type) for c in row]
            if not all(c.empty for c in cells):
                yield number, cells
    except TableError:
        raise
    except Exception:  # openpyxl parses a sheet's XML only while its rows are read
        raise refuse(CANNOT_READ) from None


def cell_name(row: int, index: int) -> str:
    """The spreadsheet name of the cell in `row` at 0-based column `index` ("D2")."""
    from openpyxl.utils import get_column_letter  # openpyxl loads only when a workbook is read

    return f"{get_column_letter(index + 1)}{row}"
