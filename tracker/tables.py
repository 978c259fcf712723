"""Reading tabular files (CSV or XLSX) into header-checked rows with spreadsheet row numbers,
and the value parsers importers share.

The reader itself is the package `tracker.tabular` (what a file is, CSV text, workbooks, and
`tabular.cells.cell_text`, the one place a cell's text is produced); this module keeps the
entry points importers call. Nothing here touches the database: importers call `read_table`
(or `read_rows`), then validate the rows.
"""
from __future__ import annotations

from datetime import date

from .tabular import (  # noqa: F401  (the entry points importers use)
    NOT_XLSX,
    RowError,
    Table,
    TableError,
    check_xlsx_container,
    read_rows,
    read_table,
)


# --- value parsers: each returns the value or raises ValueError with a reader's message ---

def parse_date(text: str) -> date:
    """A date written exactly YYYY-MM-DD (the input rule's); ValueError otherwise."""
    from .domain.text import parse_iso_date

    return parse_iso_date(text)


def parse_bool(text: str) -> bool:
    """A yes/no cell (`domain.text.parse_boolean`: true/false, yes/no, sí/no, 1/0, y/n, case
    aside); an empty cell is no. ValueError(Message) otherwise."""
    from .domain.text import parse_boolean

    return parse_boolean(text) if text.strip() else False
