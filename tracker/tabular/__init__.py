"""One reader for every tabular file the app takes in: CSV or tab-separated text and XLSX
workbooks, from the command-line importers, the offline update workbook upload and the
reference import.

- `kinds` judges what a file is by its content and refuses, with the remedy, what cannot
  be read (.xls, .ods, .xlsb, Strict Open XML, password-protected, macro-enabled, HTML);
- `delimited` decodes CSV text (UTF-8, UTF-16, plainly Windows-1252) and finds its
  separator (",", ";" or tab);
- `workbook` opens an XLSX workbook and reads its sheets' rows whatever their
  `<dimension>` says, in the workbook's own date system;
- `cells` holds `Cell` and `cell_text`, the one place where a cell's text is produced.

`read_rows` and `read_table` (here) serve readers that take the first sheet of a file with
a header row; the update workbook reader (`tracker.excel.importer`) picks its own sheets and
columns on top of `workbook.open_workbook` and `workbook.sheet_rows`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

from ..domain.messages import Message, N_
from . import delimited, workbook
from .cells import Cell, cell_text, clean_rows, make_cell
from .errors import RowError, TableError, refuse
from .kinds import NOT_XLSX, check_xlsx_container, identify

__all__ = ["Cell", "RowError", "Table", "TableError", "cell_text", "check_xlsx_container",
           "identify", "make_cell", "read_rows", "read_table", "NOT_XLSX"]

#: At most this many formula or error cells are named one by one in a refusal.
MAX_CELLS_NAMED = 20


@dataclass
class Table:
    """A checked table: lower-cased `headers`, and `rows` as (spreadsheet row number,
    {header: stripped cell text}) for every row that holds a value."""

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    """Every row of a CSV file or of an XLSX workbook's first visible sheet, header row
    first, as a list of cell texts (`cell_text`); a blank row between rows comes back as
    an empty list, so the n-th row yielded is spreadsheet row n. What the file is comes from
    its content; `filename` is only for messages.

    Raises TableError when the file is empty, of a kind that cannot be read (the reason
    says what it is and how to save it), damaged, or holds formula or error cells (each
    named, e.g. "row 3: cell D3 holds a formula...").
    """
    del filename  # the content decides; kept for callers that pass it
    if identify(data) == "text":
        return clean_rows(_texts(cells) for cells in delimited.text_rows(delimited.decode(data)))
    return clean_rows(_workbook_rows(data), workbook=True)


def _texts(fields: list[str]) -> list[str]:
    return [cell_text(value) for value in fields]


def _workbook_rows(data: bytes) -> list[list[str]]:
    book = workbook.open_workbook(data)
    try:
        rows: list[list[str]] = []
        problems: list[RowError] = []
        for number, cells in workbook.sheet_rows(workbook.first_worksheet(book)):
            rows.extend([] for _ in range(number - 1 - len(rows)))
            rows.append([cell.text for cell in cells])
            problems.extend(_cell_problems(number, cells))
    finally:
        book.close()
    if problems:
        raise TableError(_at_most(problems))
    return rows


def _cell_problems(number: int, cells: list[Cell]) -> Iterator[RowError]:
    for index, cell in enumerate(cells):
        name = workbook.cell_name(number, index)
        if cell.formula:
            yield RowError(number, Message(N_(
                "cell %(cell)s holds a formula; formulas are not accepted in data cells: "
                "type the value instead"), cell=name))
        elif cell.error:
            yield RowError(number, Message(N_(
                "cell %(cell)s shows the error %(error)s: type the value instead"),
                cell=name, error=cell.text))


def _at_most(problems: list[RowError]) -> list[RowError]:
    if len(problems) <= MAX_CELLS_NAMED:
        return problems
    more = Message(N_("and %(count)s more cells like these"),
                   count=len(problems) - MAX_CELLS_NAMED)
    return problems[:MAX_CELLS_NAMED] + [RowError(None, more)]


def read_table(data: bytes, filename: str, required: Sequence[str],
               optional: Sequence[str] = ()) -> Table:
    """Read a CSV or XLSX file (see `read_rows`) whose first non-blank row is a header
    naming at least the `required` columns and at most those and the `optional` ones (any
    case and order). Values come back stripped. Raises TableError with every header problem
    at once, or when no row holds data."""
    numbered = ((number, row) for number, row in enumerate(read_rows(data, filename), start=1)
                if any(value.strip() for value in row))
    first = next(numbered, None)
    if first is None:
        raise refuse(N_("the file is empty"))
    header_number, header_row = first
    headers = [h.strip().lower() for h in header_row]
    _check_headers(header_number, headers, required, optional)
    table = Table(headers)
    for number, values in numbered:
        table.rows.append((number, {h: (values[i].strip() if i < len(values) else "")
                                    for i, h in enumerate(headers) if h}))
    if not table.rows:
        raise refuse(N_("the file has a header but no data rows"))
    return table


def _check_headers(number: int, headers: list[str], required: Sequence[str],
                   optional: Sequence[str]) -> None:
    errors = []
    missing = [h for h in required if h not in headers]
    if missing:
        errors.append(RowError(number, Message(N_("missing column(s): %(columns)s"),
                                               columns=", ".join(missing))))
        errors.extend(_unsplit_header(number, headers))
    unknown = [h for h in headers if h and h not in required and h not in optional]
    if unknown:
        errors.append(RowError(number, Message(N_("unknown column(s): %(columns)s"),
                                               columns=", ".join(unknown))))
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if repeated:
        errors.append(RowError(number, Message(N_("repeated column(s): %(columns)s"),
                                               columns=", ".join(repeated))))
    if errors:
        expected = ", ".join(list(required) + [f"[{o}]" for o in optional])
        errors.append(RowError(number, Message(N_("expected columns: %(columns)s"),
                                               columns=expected)))
        raise TableError(errors)


def _unsplit_header(number: int, headers: list[str]) -> list[RowError]:
    """A header that is one cell holding separators: a CSV opened without splitting it."""
    named = [h for h in headers if h]
    if len(named) != 1 or not any(sep in named[0] for sep in delimited.SEPARATORS):
        return []
    return [RowError(number, Message(N_(
        "the header is one cell, %(cell)s: its columns were never split (a CSV file opened "
        "in a spreadsheet set for another separator); in Excel select column A and use Data "
        "> Text to Columns, or give the CSV file itself"), cell=repr(named[0])))]
