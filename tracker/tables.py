"""Reading tabular files (CSV or XLSX) into header-checked rows with spreadsheet row numbers.

Nothing here touches the database: importers call `read_table`, then validate the rows.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .domain.messages import Message, N_
from .domain.text import clean_text, unescape_ooxml

#: Bounds for XLSX files, checked on the zip directory before openpyxl parses anything.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_PARTS = 2000


NOT_XLSX = N_("the file is not an XLSX workbook (an .xls or .csv file can be saved as one: "
              "File > Save as > Excel Workbook (.xlsx))")


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row number (the header is row 1); None: the whole file
    message: str | Message  # English as str(); the web layer shows it translated

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row else str(self.message)


class TableError(Exception):
    """The file cannot be read as a table, or its rows are invalid. Carries every error."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)


def read_table(
    data: bytes, filename: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Table:
    """Parse CSV or XLSX bytes; check headers first; values come back as stripped strings."""
    raw_rows = read_rows(data, filename)
    header_row = next(raw_rows, None)
    if header_row is None:
        raise TableError([RowError(None, N_("the file is empty"))])
    headers = [h.strip().lower() for h in header_row]
    _check_headers(headers, required, optional)
    table = Table(headers)
    for number, values in enumerate(raw_rows, start=2):
        if not any(v.strip() for v in values):
            continue
        row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}
        table.rows.append((number, row))
    if not table.rows:
        raise TableError([RowError(None, N_("the file has a header but no data rows"))])
    return table


def read_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    """Every row of a CSV or XLSX file (its first sheet) as a list of cell texts, header
    row first; the kind is chosen by the file name's suffix.

    Raises TableError when the file is empty, of another kind, or cannot be read.
    """
    suffix = Path(filename).suffix.lower()
    if not data:
        raise TableError([RowError(None, N_("the file is empty"))])
    if suffix in (".csv", ".xlsx"):
        return clean_rows(_csv_rows(data) if suffix == ".csv" else _xlsx_rows(data),
                          workbook=suffix == ".xlsx")
    raise TableError([RowError(None, Message(N_("expected a .csv or .xlsx file, not %(name)s"),
                                             name=repr(filename)))])


def clean_rows(rows: Iterable[list[str]], workbook: bool = False) -> Iterator[list[str]]:
    """Every cell's text through the input rule (`domain.text.clean_text`: NFC, line breaks,
    no control characters; a `workbook`'s `_xHHHH_` escapes decoded first); every refused
    cell is reported with its row number."""
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


def _check_headers(headers: list[str], required: Sequence[str], optional: Sequence[str]) -> None:
    errors = []
    missing = [h for h in required if h not in headers]
    if missing:
        errors.append(RowError(1, "missing column(s): " + ", ".join(missing)))
    unknown = [h for h in headers if h and h not in required and h not in optional]
    if unknown:
        errors.append(RowError(1, "unknown column(s): " + ", ".join(unknown)))
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicated:
        errors.append(RowError(1, "repeated column(s): " + ", ".join(duplicated)))
    if errors:
        expected = ", ".join(list(required) + [f"[{o}]" for o in optional])
        errors.append(RowError(1, f"expected columns: {expected}"))
        raise TableError(errors)


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError([RowError(None, N_("the CSV file is not UTF-8 text"))]) from None
    if "\x00" in text:
        raise TableError([RowError(None, N_("the file is not a CSV text file"))])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise TableError([RowError(None, f"the CSV file cannot be parsed: {exc}")]) from None
    return iter(rows)


def check_xlsx_container(data: bytes) -> None:
    """Refuse anything but a plain, reasonably sized XLSX zip before it is parsed."""
    if not data.startswith(b"PK\x03\x04"):
        raise TableError([RowError(None, NOT_XLSX)])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableError([RowError(None, N_("the file is not a readable XLSX workbook"))]) from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise TableError([RowError(None, NOT_XLSX)])
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise TableError([RowError(None, N_("macro-enabled workbooks are not accepted"))])
    if len(infos) > MAX_XLSX_PARTS:
        raise TableError([RowError(None, N_("the workbook has too many parts"))])
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise TableError([RowError(None, N_("the workbook's uncompressed size is out of bounds"))])


def _xlsx_rows(data: bytes) -> Iterable[list[str]]:
    check_xlsx_container(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise TableError([RowError(None, N_("the workbook cannot be opened"))]) from None
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for value in values:
            if isinstance(value, str) and value.startswith("="):
                raise TableError([RowError(number, N_("formulas are not accepted in data cells"))])
            cells.append(_cell_text(value))
        rows.append(cells)
    workbook.close()
    return iter(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # datetime from a date cell
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- value parsers: each returns the value or raises ValueError with a reader's message ---

def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "true", "1", "y", "si", "sí"}:
        return True
    if value in {"no", "false", "0", "n", ""}:
        return False
    raise ValueError(f"{text!r} is not yes/no")


def parse_tags(text: str) -> list[str]:
    tags = [t.strip().lower() for t in text.split(";")]
    return sorted({t for t in tags if t})
