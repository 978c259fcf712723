"""The workbook writer: a workbook whose sheets are laid out by a column spec, its cells
encoded as worksheet XML.

openpyxl (write-only mode) writes each sheet's frame, that is column widths, the frozen
bold header row, the autofilter, protection, validation lists, charts and the style sheet,
while the data rows are encoded here as worksheet XML, streamed to a temporary file and
spliced into the frame's `<sheetData>` when the package is saved. Encoding a cell here
costs a fraction of an openpyxl cell object, memory stays flat however long a sheet grows,
and every style a cell names is registered through openpyxl, so the style sheet and the
cells always agree. A text cell is always stored as an inline string (a value beginning
with "=" is never a formula, "#N/A" never an error).
"""
from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Callable
from xml.etree import ElementTree

if TYPE_CHECKING:
    from openpyxl import Workbook

# openpyxl (about 20 MB a process) is imported where a workbook is made, not with this
# package: the app's command line and the CSV helpers import it too.
from .. import __version__
from . import columns as C
from .text import cell_text, clean_text, naive_utc

HEADER_FILL_COLOUR = "DDE4EE"
#: The most rows a worksheet holds (header included).
MAX_ROWS = 1_048_576
_EXCEL_ESCAPE_RE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_FIRST_PLAIN_SERIAL = 61  # from 1900-03-01 on, a serial is plain days since the epoch
_ROWS_PER_WRITE = 1000
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _escape_text(text: str) -> str:
    """XML text, with `_xHHHH_` written so that Excel shows it as typed (Excel reads that
    pattern as an escaped character; its own escape for "_" is `_x005F_`)."""
    text = escape(text, False)
    return _EXCEL_ESCAPE_RE.sub("_x005F_", text) if "_x" in text else text


def excel_serial(value: date) -> int | float:
    """Days since 1899-12-30 (Excel's 1900 date system), with the time as a fraction."""
    if isinstance(value, datetime):
        value = naive_utc(value)
        days = value.toordinal() - _EXCEL_EPOCH_ORDINAL
        if days < _FIRST_PLAIN_SERIAL:
            from openpyxl.utils.datetime import to_excel

            return to_excel(value)
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return days + (seconds + value.microsecond / 1_000_000) / 86400
    days = value.toordinal() - _EXCEL_EPOCH_ORDINAL
    if days >= _FIRST_PLAIN_SERIAL:
        return days
    from openpyxl.utils.datetime import to_excel

    return to_excel(value)


def cell_xml(ref: str, style: str, value) -> str:
    """One `<c>` element; `style` is "" or ' s="N"'. Text is always an inline string."""
    kind = type(value)
    if kind is str:
        text = cell_text(value)
        if not text:
            return ""
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape_text(text)}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if kind is float or kind is Decimal:
        number = float(value)
        return f'<c r="{ref}"{style}><v>{number!r}</v></c>' if math.isfinite(number) else ""
    if isinstance(value, date):
        return f'<c r="{ref}"{style}><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, str):  # a str subclass
        return cell_xml(ref, style, str(value))
    if isinstance(value, int):
        return cell_xml(ref, style, int(value))
    raise TypeError(f"no workbook cell for a {kind.__name__}: {value!r}")


# --- writing ---------------------------------------------------------------------------------

def _header_text(text: str) -> str:
    """Text safe inside a print header: "&" starts a code there, so it is doubled."""
    return clean_text(text).replace("&", "&&")[:200]


class Sheet:
    """A sheet laid out by a column spec: bold frozen header, widths, number formats, an
    autofilter over the rows written. Rows are encoded as they come and kept in a temporary
    file until `Book.save`."""

    def __init__(self, book: Workbook, title: str, columns: tuple[C.Column, ...], *,
                 freeze: str = "A2", unlock_editable: bool = False,
                 translate: Callable[[str], str] = str):
        from openpyxl.utils import get_column_letter

        self.ws = book.create_sheet(title)
        self.columns = columns
        self.letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
        for letter, column in zip(self.letters, columns):
            self.ws.column_dimensions[letter].width = column.width
        self.ws.freeze_panes = freeze
        # Printed fit to the page width (as many pages tall as needed): set before the first
        # row, because a write-only sheet writes its properties with that row.
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
        self.ws.append([self._header(translate(c.header)) for c in columns])
        unlocked = [unlock_editable and c.editable for c in columns]
        self.styles = [self._style(c, u) for c, u in zip(columns, unlocked)]
        # A date in a column without a number format (an About sheet's values) is still a date
        # cell, shown in the date format, never a bare serial number or text.
        from dataclasses import replace

        self.date_styles = [s if c.cell_format else self._style(replace(c, kind="date"), u)
                            for c, u, s in zip(columns, unlocked, self.styles)]
        # An empty unlocked cell is still written, so that a protected sheet lets it be filled.
        self.keep_empty = [f'<c r="{{0}}"{s}/>' if u else None
                           for s, u in zip(self.styles, unlocked)]
        self.count = 0
        self.cut = False  # set by whoever stops filling a full sheet
        self._pending: list[str] = []
        self._rows = tempfile.TemporaryFile()

    def _style(self, column: C.Column, unlocked: bool) -> str:
        """The ' s="N"' attribute of the column's cells, N registered in the book's styles."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Protection

        cell = WriteOnlyCell(self.ws)
        if column.cell_format:
            cell.number_format = column.cell_format
        if unlocked:
            cell.protection = Protection(locked=False)
        style_id = cell.style_id
        return f' s="{style_id}"' if style_id else ""

    def _header(self, text: str):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        cell = WriteOnlyCell(self.ws, value=cell_text(text))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL_COLOUR)
        return cell

    def append(self, values) -> None:
        self.count += 1
        number = str(self.count + 1)  # the header is row 1
        cells = [f'<row r="{number}">']
        for letter, style, date_style, empty, value in zip(
                self.letters, self.styles, self.date_styles, self.keep_empty, values):
            if type(value) is date:
                style = date_style
            if value is None or value == "":
                if empty:
                    cells.append(empty.format(letter + number))
            else:
                cells.append(cell_xml(letter + number, style, value))
        cells.append("</row>")
        self._pending.append("".join(cells))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self._flush()

    @property
    def full(self) -> bool:
        """No room for another row: a spreadsheet program would refuse the workbook."""
        return self.count + 1 >= MAX_ROWS

    def append_dict(self, values: dict) -> None:
        self.append([values.get(c.key) for c in self.columns])

    def finish(self) -> None:
        self.ws.auto_filter.ref = f"A1:{self.letters[-1]}{self.count + 1}"

    def print_setup(self, header: str, *, landscape: bool = True, pages_tall: int = 0) -> None:
        """Print sensibly: `landscape` or portrait, fit to one page wide (and to
        `pages_tall` pages tall; 0: as many as the rows need), the header row repeated on
        every page, a header naming `header` (accord and date) and the sheet, a footer with
        the page number."""
        ws = self.ws
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4 (a Letter printer scales to fit)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, pages_tall
        ws.print_title_rows = "1:1"
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.oddHeader.left.text = "&A"  # the sheet's name
        ws.oddHeader.right.text = _header_text(header)
        ws.oddFooter.right.text = "&P / &N"
        ws.oddHeader.left.size = ws.oddHeader.right.size = ws.oddFooter.right.size = 8

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns, 1) if c.key == key)

    def _flush(self) -> None:
        self._rows.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()

    def write_into(self, frame: bytes, target) -> None:
        """The frame openpyxl wrote for this sheet, with the rows inside its sheetData."""
        self._flush()
        head, tail = frame.split(b"</sheetData>", 1)
        if b"<dimension" not in head:  # the used range, which readers size rows by
            used = f'<dimension ref="A1:{self.letters[-1]}{self.count + 1}"/>'.encode()
            head = head.replace(b"<sheetViews>", used + b"<sheetViews>", 1)
        target.write(head)
        self._rows.seek(0)
        shutil.copyfileobj(self._rows, target, 1 << 20)
        target.write(b"</sheetData>" + tail)

    def close(self) -> None:
        self._rows.close()


def fixed_member(name: str, moment: datetime, compress_type: int = zipfile.ZIP_DEFLATED
                 ) -> zipfile.ZipInfo:
    """A zip entry dated `moment` (aware; its UTC time, to the two seconds a zip date
    holds) with fixed permissions (rw-r--r--): entries written so never vary between two
    builds of the same file."""
    utc = moment.astimezone(timezone.utc)
    member = zipfile.ZipInfo(name, (max(utc.year, 1980), utc.month, utc.day, utc.hour,
                                    utc.minute, utc.second))
    member.compress_type = compress_type
    member.external_attr = 0o644 << 16
    member.create_system = 3  # Unix, whatever the system that builds it
    return member


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_core(core: bytes, moment: datetime) -> bytes:
    """A workbook's core properties (docProps/core.xml) with its created and modified
    dates set to `moment` (aware; written in UTC, W3CDTF as Excel writes them)."""
    stamp = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    return _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), core)


class Book:
    """A workbook of `Sheet`s; `save` returns the .xlsx file as bytes. `translate` turns
    sheet titles and column headers into the reader's language (default: as written)."""

    def __init__(self, translate: Callable[[str], str] = str):
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)
        self.sheets: list[Sheet] = []
        self.translate = translate

    def sheet(self, title: str, columns: tuple[C.Column, ...], **options) -> Sheet:
        sheet = Sheet(self.workbook, self.translate(title), columns, translate=self.translate,
                      **options)
        self.sheets.append(sheet)
        return sheet

    def save(self, fixed_at: datetime | None = None) -> bytes:
        """The .xlsx file's bytes. `fixed_at` (aware UTC; a published cut-off's moment of
        publication): every varying part of the file is that moment instead of now, the
        zip entries' dates and the workbook's created and modified properties, so the same
        workbook downloads byte for byte the same each time."""
        try:
            self.workbook.properties.creator = f"Accord tracker {__version__}"
            frame = io.BytesIO()
            self.workbook.save(frame)
            out = io.BytesIO()
            with zipfile.ZipFile(frame) as source, \
                    zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
                paths = sheet_paths(source)
                streamed = {paths[sheet.ws.title]: sheet for sheet in self.sheets}
                for info in source.infolist():
                    content = source.read(info)
                    if fixed_at is not None:
                        info = fixed_member(info.filename, fixed_at, info.compress_type)
                        if info.filename == "docProps/core.xml":
                            content = fixed_core(content, fixed_at)
                    sheet = streamed.get(info.filename)
                    if sheet is None:
                        package.writestr(info, content)
                        continue
                    member = (fixed_member(info.filename, fixed_at) if fixed_at is not None
                              else zipfile.ZipInfo(info.filename, info.date_time))
                    member.compress_type = zipfile.ZIP_DEFLATED
                    sheet._flush()
                    large = sheet._rows.tell() > (1 << 30)
                    with package.open(member, "w", force_zip64=large) as target:
                        sheet.write_into(content, target)
            return out.getvalue()
        finally:
            for sheet in self.sheets:
                sheet.close()


def sheet_paths(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its member in the package, from the workbook and its relationships."""
    targets = {}
    for rel in ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels")):
        target = rel.get("Target")
        targets[rel.get("Id")] = target[1:] if target.startswith("/") else f"xl/{target}"
    book = ElementTree.fromstring(package.read("xl/workbook.xml"))
    return {sheet.get("name"): targets[sheet.get(f"{_REL_NS}id")]
            for sheet in book.iter(f"{_MAIN_NS}sheet")}
