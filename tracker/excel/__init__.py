"""Researchers' Excel: the report workbook (`report`, its rows in `report_rows`), raw-data
exports as CSV (`export`), the offline update workbook (`update`) read back row by row
(`importer`), one column specification for all (`columns`), what their sheets share
(`sheets`), and their command-line commands (`cli`).

What they share for writing is reachable here: the workbook writer (`workbook`: `Book`,
`Sheet`, cells as worksheet XML), text that no spreadsheet evaluates (`text`), and CSV
files (below).
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from . import columns as C
from .text import (CSV_RISKY_PREFIXES, FORMULA_PREFIXES, ILLEGAL_XML_RE,  # noqa: F401
                   MAX_CELL_TEXT, TRUNCATED_NOTE, cell_text, clean_text, csv_text, naive_utc,
                   yes_no)
from .workbook import (HEADER_FILL_COLOUR, MAX_ROWS, Book, Sheet, cell_xml,  # noqa: F401
                       excel_serial, fixed_core, fixed_member, sheet_paths)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
