"""Workbooks and files as other programs write them, built for tests: XLSX parts edited the
way Excel, LibreOffice, Google Sheets or WPS write them, and files of kinds the app refuses."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

DATA = Path(__file__).resolve().parent / "data"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def case(name: str) -> bytes:
    """One of the real files in tests/data (see its README)."""
    return (DATA / name).read_bytes()


def xlsx(rows, *, text_columns=(), epoch=None, hidden_first: bool = False) -> bytes:
    """A one-sheet workbook with `rows` (values typed as given); cells in `text_columns`
    (0-based) are stored as text even when they begin with "="."""
    book = Workbook()
    sheet = book.active
    if hidden_first:
        sheet.title = "Notes"
        sheet.append(["scratch", "not the data"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(row)
        for index in text_columns:
            cell = sheet.cell(sheet.max_row, index + 1)
            if isinstance(cell.value, str):
                cell.data_type = "s"
    if epoch == 1904:
        book.epoch = CALENDAR_MAC_1904
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_1904(data: bytes) -> bytes:
    """The workbook saved again in the 1904 date system (its date cells hold 1904 serials)."""
    book = load_workbook(io.BytesIO(data))
    book.epoch = CALENDAR_MAC_1904
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {name: source.read(name) for name in source.namelist()}


def zipped(items: dict[str, bytes], *, first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first, items[first], compress_type=zipfile.ZIP_STORED)
        for name, content in items.items():
            if name != first:
                archive.writestr(name, content)
    return out.getvalue()


def edit_sheet(data: bytes, change, sheet: str = SHEET) -> bytes:
    """The workbook with one sheet's XML passed through `change` (bytes -> bytes)."""
    items = parts(data)
    items[sheet] = change(items[sheet])
    return zipped(items)


def with_dimension(data: bytes, ref: str | None) -> bytes:
    """The first sheet's <dimension> set to `ref` ("A1" as WPS writes it), or removed."""
    new = b"" if ref is None else b'<dimension ref="%s"/>' % ref.encode()
    return edit_sheet(data, lambda xml: re.sub(rb"<dimension [^>]*/>", new, xml, count=1))


def with_formatted_row_far_below(data: bytes, row: int = 1_048_576) -> bytes:
    """A formatted but empty cell in the sheet's last row (as a formatted column leaves)."""
    cell = b'<row r="%d"><c r="B%d" s="0"/><c r="C%d" t="inlineStr"><is><t></t></is></c></row>'
    return edit_sheet(data, lambda xml: xml.replace(
        b"</sheetData>", cell % (row, row, row) + b"</sheetData>"))


def with_rich_text(data: bytes, text: str) -> bytes:
    """The inline string `text` rewritten as rich text: two runs, the first one bold."""
    plain = re.compile(rb"<is><t(?: [^>]*)?>%s</t></is>" % re.escape(text.encode()))
    half = len(text) // 2
    rich = (b"<is><r><rPr><b/></rPr><t>%s</t></r><r><t xml:space=\"preserve\">%s</t></r>"
            b"<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></is>") % (
        text[:half].encode(), text[half:].encode())
    return edit_sheet(data, lambda xml: plain.sub(lambda _match: rich, xml, count=1))


def with_shared_strings(data: bytes) -> bytes:
    """Inline strings moved to a shared-string table, as Excel and Google Sheets write them;
    every shared string is rich text of two runs."""
    items = parts(data)
    strings: list[str] = []

    def share(match) -> bytes:  # groups: cell reference, other attributes, text
        strings.append(match.group(3).decode())
        return b'<c r="%s" t="s"%s><v>%d</v></c>' % (match.group(1), match.group(2) or b"",
                                                      len(strings) - 1)

    inline = (rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr">'
              rb'<is><t(?: [^>]*)?>([^<]*)</t></is></c>')
    items[SHEET] = re.sub(inline, share, items[SHEET])
    entries = b"".join(_rich_entry(text) for text in strings)
    items["xl/sharedStrings.xml"] = (b'<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>' % (
        MAIN_NS, len(strings), len(strings), entries))
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", (
            b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>"))
    return zipped(items)


def _rich_entry(text: str) -> bytes:
    """A shared string of two runs (one run when splitting could cut an XML entity)."""
    if "&" in text or len(text) < 2:
        return b"<si><r><t>%s</t></r></si>" % text.encode()
    half = len(text) // 2
    return b"<si><r><rPr><i/></rPr><t>%s</t></r><r><t>%s</t></r></si>" % (
        text[:half].encode(), text[half:].encode())


def strict(data: bytes) -> bytes:
    """The workbook in Strict Open XML namespaces, as Excel's "Strict Open XML Spreadsheet"
    saves it."""
    replacements = {
        MAIN_NS: b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
    items = parts(data)
    for name, content in items.items():
        if name.endswith((".xml", ".rels")):
            for old, new in replacements.items():
                content = content.replace(old, new)
            items[name] = content
    return zipped(items)


def _ole2(*streams: str) -> bytes:
    """The start of an OLE2 compound file naming `streams` in its directory (what an .xls
    or a password-protected workbook begins with)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(s.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
                         for s in ("Root Entry", *streams))
    return header + directory.ljust(4096, b"\x00")


XLS = _ole2("Workbook", "\x05SummaryInformation")
ENCRYPTED = _ole2("EncryptionInfo", "EncryptedPackage")
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
              "content.xml": b"<office:document-content/>",
              "META-INF/manifest.xml": b"<manifest/>"}, first="mimetype")
XLSB = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00",
               "xl/worksheets/sheet1.bin": b"\x00"})
HTML_AS_XLS = (b"<html><head><meta charset='utf-8'></head><body><table><tr><td>provision_code"
               b"</td><td>level</td></tr></table></body></html>")
