"""What a file is, judged by its content (never by its name), and what to do with one the
app cannot read.

`identify` answers "xlsx" (an Office Open XML workbook, safe to hand to openpyxl) or "text"
(CSV or tab-separated text); anything else is refused with a reason that names what the file
is and how to save it so it can be read: an .xls (Excel 97-2003) workbook, an OpenDocument
(.ods) spreadsheet, a binary (.xlsb) or macro-enabled workbook, a Strict Open XML workbook, a
password-protected workbook, an HTML or XML page named like a spreadsheet.
"""
from __future__ import annotations

import codecs
import io
import zipfile

from ..domain.messages import Message, N_
from .errors import refuse

#: Bounds for workbooks, checked on the zip directory before openpyxl parses anything.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_PARTS = 2000

NOT_XLSX = N_("the file is not an XLSX workbook (an .xls or .csv file can be saved as one: "
              "File > Save as > Excel Workbook (.xlsx))")
TEXT_NOT_WORKBOOK = N_(
    "the file is not an XLSX workbook but text (such as CSV): open it in the spreadsheet "
    "program and use File > Save as > Excel Workbook (.xlsx)")
NOT_READABLE_ZIP = N_("the file is not a readable XLSX workbook")
NOT_TABULAR = N_(
    "the file is neither CSV text nor an Excel workbook: save the table from the spreadsheet "
    "program as CSV UTF-8 (comma delimited) or as Excel Workbook (.xlsx)")
XLS = N_(
    "this is an Excel 97-2003 workbook (.xls), an old format that cannot be read: open it in "
    "Excel and use File > Save as > Excel Workbook (.xlsx), or CSV UTF-8 (comma delimited)")
#: The same, for a reader that takes workbooks only (the web upload of an update workbook).
XLS_WORKBOOK_ONLY = N_(
    "this is an Excel 97-2003 workbook (.xls), an old format that cannot be read: open it in "
    "Excel and use File > Save as > Excel Workbook (.xlsx)")
NOT_WORKBOOK = N_(
    "the file is not an Excel workbook: save it from the spreadsheet program as Excel "
    "Workbook (.xlsx)")
ENCRYPTED = N_(
    "this workbook is protected with a password, so it cannot be read: open it, remove the "
    "password (File > Info > Protect Workbook > Encrypt with Password, empty) and save it again")
OLD_OFFICE = N_("this is an old Office (97-2003) document, not a spreadsheet: open it in its "
                "program and save it as Excel Workbook (.xlsx)")
ODS = N_(
    "this is an OpenDocument spreadsheet (.ods), which cannot be read: in LibreOffice use "
    "File > Save As and choose Excel 2007-365 (.xlsx), or in Google Sheets File > Download > "
    "Microsoft Excel (.xlsx)")
OPENDOCUMENT = N_("this is an OpenDocument file, not a spreadsheet")
XLSB = N_(
    "this is an Excel Binary Workbook (.xlsb), which cannot be read: open it in Excel and use "
    "File > Save as > Excel Workbook (.xlsx)")
MACROS = N_("macro-enabled workbooks are not accepted: open it in Excel and use File > Save as "
            "> Excel Workbook (.xlsx), which leaves the macros out")
STRICT = N_(
    "this workbook is saved as Strict Open XML, which cannot be read: open it in Excel and "
    "use File > Save as > Excel Workbook (.xlsx)")
MARKUP = N_(
    "this is a web page (HTML) or an XML spreadsheet with a spreadsheet's name, not a real "
    "workbook: open it in Excel and use File > Save as > Excel Workbook (.xlsx)")
#: A file of a kind `filetype` names (a PDF, an image, a Word document, an archive...).
OTHER_KIND = N_("this is a %(kind)s file (%(mime)s), not a spreadsheet: save the table from "
                "the spreadsheet program as CSV UTF-8 (comma delimited) or as Excel Workbook "
                "(.xlsx)")
OTHER_KIND_WORKBOOK_ONLY = N_("this is a %(kind)s file (%(mime)s), not a spreadsheet: save "
                              "the table from the spreadsheet program as Excel Workbook "
                              "(.xlsx)")
TOO_MANY_PARTS = N_("the workbook has too many parts")
TOO_LARGE = N_("the workbook's uncompressed size is out of bounds")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STRICT_NAMESPACE = b"purl.oclc.org/ooxml/spreadsheetml/main"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def identify(data: bytes, text: bool = True) -> str:
    """"xlsx" or "text" for bytes the readers handle; raises TableError naming anything else
    (and an empty file). With `text` False the caller reads workbooks only, so no refusal
    suggests saving as CSV."""
    if not data:
        raise refuse(N_("the file is empty"))
    if data.startswith(_OLE2):
        if _utf16("EncryptedPackage") in data:
            raise refuse(ENCRYPTED)
        if _utf16("Workbook") in data or _utf16("Book") in data:
            raise refuse(XLS if text else XLS_WORKBOOK_ONLY)
        raise refuse(OLD_OFFICE)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        check_xlsx_container(data, text)
        return "xlsx"
    _refuse_another_kind(data, text)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in data[:65536]:
        raise refuse(NOT_TABULAR if text else NOT_WORKBOOK)
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<") and any(tag in start for tag in (
            b"<html", b"<table", b"<!doctype", b"<?mso-application", b"urn:schemas-microsoft")):
        raise refuse(MARKUP)
    return "text"


def _refuse_another_kind(data: bytes, text: bool) -> None:
    """Refuse a file whose signature names another kind (a PDF, an image, a Word document,
    an archive: `filetype`'s signatures, as for attachments), naming it; nothing for a
    spreadsheet or a file of no known signature."""
    import filetype

    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime in _SPREADSHEETS:
        return
    raise refuse(Message(OTHER_KIND if text else OTHER_KIND_WORKBOOK_ONLY,
                         kind=kind.extension.upper(), mime=kind.mime))


#: What `filetype` calls the workbooks read here (and a plain zip, told apart by its parts).
_SPREADSHEETS = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "application/zip"}


def check_xlsx_container(data: bytes, text: bool = True) -> None:
    """Refuse anything but a plain, reasonably sized XLSX zip before it is parsed; each
    refusal names what the file is instead (TableError)."""
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _refuse_another_kind(data, text)
        raise refuse(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(NOT_READABLE_ZIP) from None
    names = {i.filename for i in infos}
    _check_not_another_kind(archive, names, data, text)
    if len(infos) > MAX_XLSX_PARTS:
        raise refuse(TOO_MANY_PARTS)
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise refuse(TOO_LARGE)
    if _starts_with(archive, "xl/workbook.xml", _STRICT_NAMESPACE):
        raise refuse(STRICT)


def _check_not_another_kind(archive: zipfile.ZipFile, names: set[str], data: bytes,
                            text: bool) -> None:
    if "mimetype" in names:
        mimetype = _head(archive, "mimetype", 100)
        raise refuse(ODS if b"opendocument.spreadsheet" in mimetype else OPENDOCUMENT)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        _refuse_another_kind(data, text)  # a Word document, an EPUB...: named
        raise refuse(NOT_XLSX)
    if "xl/workbook.bin" in names:
        raise refuse(XLSB)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(MACROS)


def _head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    try:
        with archive.open(name) as part:
            return part.read(size)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refuse(NOT_READABLE_ZIP) from None


def _starts_with(archive: zipfile.ZipFile, name: str, marker: bytes) -> bool:
    """Whether the first 4 kB of a part name the marker (the part's root namespace)."""
    if name not in archive.namelist():
        return False
    return marker in _head(archive, name, 4096)
