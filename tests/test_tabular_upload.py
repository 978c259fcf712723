"""The one tabular reader through the web upload of the offline update workbook: the same
quirks the command-line importers take (test_tabular.py) load here too, and the same kinds of
file are refused with the same reasons, in the reader's language."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

import spreadsheet_quirks as Q
from event_helpers import PDF, PNG, docx
from test_excel_update import (  # noqa: F401  (fixtures)
    SLUG,
    TODAY,
    _download,
    _edit,
    _fill,
    _page,
    _records,
    _rows_by_code,
    _upload,
    codes,
    editor,
    spanish_editor,
)
from tracker.excel import importer

EVIDENCE = "Decreto 123 de 2025"


def _text_numbers(columns: str):
    """Sheet XML with the numbers in `columns` (letters) stored as text, as a column
    formatted as Text holds them."""
    number = re.compile(rb'<c r="([%s]\d+)"( s="\d+")?( t="n")?><v>([^<]*)</v></c>'
                        % columns.encode())

    def change(xml: bytes) -> bytes:
        return number.sub(lambda m: b'<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (
            m.group(1), m.group(2) or b"", m.group(4)), xml)
    return change


QUIRKS = {
    "dimension A1 (WPS)": lambda data: Q.with_dimension(data, "A1"),
    "no dimension": lambda data: Q.with_dimension(data, None),
    "formatted empty row far below": Q.with_formatted_row_far_below,
    "rich text": lambda data: Q.with_rich_text(data, EVIDENCE),
    "shared rich strings (Excel, Google Sheets)": Q.with_shared_strings,
    "1904 date system": Q.as_1904,
    "numbers stored as text": lambda data: Q.edit_sheet(data, _text_numbers("GH")),
}


@pytest.mark.parametrize("quirk", QUIRKS)
def test_workbooks_as_spreadsheets_write_them_upload(client, editor, demo, codes, quirk):
    rising, _falling, levels = codes
    code, level = rising[0], levels[rising[0]] + 1
    filled = _fill(_download(client), {code: _edit(level, EVIDENCE) | {
        "note": "=según el acta"}})
    response = _upload(client, QUIRKS[quirk](filled))
    assert response.status_code == 302, _page(response)[:2000]
    assert client.post(response.headers["Location"] + "/confirm").status_code == 302
    assert [(r.provision.code, r.level, r.effective_on, r.evidence_text, r.note)
            for r in _records(demo)] == [(code, level, TODAY, EVIDENCE, "=según el acta")]


def test_the_quirky_uploads_are_what_they_claim(client, editor, codes):
    rising, _falling, levels = codes
    filled = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1, EVIDENCE)})
    row = _rows_by_code(load_workbook(io.BytesIO(filled)))[rising[0]]
    as_text = Q.parts(QUIRKS["numbers stored as text"](filled))[Q.SHEET]
    assert re.search(rb'<c r="H%d"[^>]* t="inlineStr"><is><t>\d</t>' % row, as_text)
    assert b'date1904="1"' in Q.parts(QUIRKS["1904 date system"](filled))["xl/workbook.xml"]
    assert b"<r><rPr><b/></rPr>" in Q.parts(QUIRKS["rich text"](filled))[Q.SHEET]


def test_a_boolean_and_a_date_typed_as_text_are_read(client, editor, demo, codes):
    rising, _falling, levels = codes
    code, level = rising[0], levels[rising[0]] + 1
    filled = _fill(_download(client), {code: _edit(level) | {
        "effective_on": TODAY.isoformat(), "note": True}})
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:2000]
    client.post(response.headers["Location"] + "/confirm")
    assert [(r.effective_on, r.note) for r in _records(demo)] == [(TODAY, "TRUE")]


def test_row_limits_count_rows_that_hold_data(client, editor, codes, monkeypatch, row_counts):
    rising, _falling, levels = codes
    filled = Q.with_formatted_row_far_below(_fill(_download(client), {
        rising[0]: _edit(levels[rising[0]] + 1)}))
    monkeypatch.setattr(importer, "MAX_UPDATE_ROWS", len(levels))
    assert _upload(client, filled).status_code == 302
    monkeypatch.setattr(importer, "MAX_UPDATE_ROWS", len(levels) - 1)
    before = row_counts()
    refused = _upload(client, filled)
    assert refused.status_code == 400 and f"more than {len(levels) - 1} rows" in _page(refused)
    assert row_counts() == before


def test_an_error_cell_is_named(client, editor, codes, row_counts):
    rising, _falling, levels = codes
    filled = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1)})
    row = _rows_by_code(load_workbook(io.BytesIO(filled)))[rising[0]]
    broken = Q.edit_sheet(filled, lambda xml: re.sub(
        rb'<c r="H%d"[^>]*>.*?</c>' % row, b'<c r="H%d" t="e"><v>#N/A</v></c>' % row, xml,
        count=1))
    before = row_counts()
    response = _upload(client, broken)
    assert response.status_code == 422
    assert "New level (0-3): the cell shows the error #N/A" in _page(response)
    assert row_counts() == before


REFUSED = [
    (lambda data: Q.strict(data), "saved as Strict Open XML",
     "está guardado como Strict Open XML"),
    (lambda data: Q.XLS, "Excel 97-2003 workbook (.xls)", "libro de Excel 97-2003 (.xls)"),
    (lambda data: Q.ODS, "OpenDocument spreadsheet (.ods)",
     "hoja de cálculo OpenDocument (.ods)"),
    (lambda data: Q.XLSB, "Excel Binary Workbook (.xlsb)", "libro binario de Excel (.xlsb)"),
    (lambda data: Q.ENCRYPTED, "protected with a password", "protegido con contraseña"),
    (lambda data: Q.HTML_AS_XLS, "web page (HTML)", "página web (HTML)"),
    (lambda data: Q.case("semicolon_excel_es.csv"), "not an XLSX workbook but text",
     "no es un libro XLSX sino texto"),
    (lambda data: Q.case("cp1252_excel_es.csv"), "not an XLSX workbook but text",
     "no es un libro XLSX sino texto"),
    # A file of another kind is named by its signature (as attachments are), not as text.
    (lambda data: PDF, "is a PDF file (application/pdf), not a spreadsheet",
     "es un archivo PDF (application/pdf), no una hoja de cálculo"),
    (lambda data: PNG, "is a PNG file (image/png), not a spreadsheet",
     "es un archivo PNG (image/png), no una hoja de cálculo"),
    (lambda data: docx(), "is a DOCX file", "es un archivo DOCX"),
    # Read whole (dimension "A1" notwithstanding), then refused for its columns.
    (lambda data: Q.case("wps_dimension_A1_statuses.xlsx"),
     "unknown column(s): provision_code, level",
     "columna(s) desconocida(s): provision_code, level"),
]


@pytest.mark.parametrize("make, english, spanish", REFUSED)
@pytest.mark.parametrize("name", ["update.xlsx", "update.xls"])
def test_unreadable_files_are_named_with_the_remedy(client, editor, row_counts, make, english,
                                                    spanish, name):
    before = row_counts()
    response = _upload(client, make(_download(client)), name)
    assert response.status_code == 400 and english in _page(response)
    assert row_counts() == before


@pytest.mark.parametrize("make, english, spanish", REFUSED)
def test_refusals_are_in_the_readers_language(client, spanish_editor, row_counts, make,
                                              english, spanish):
    before = row_counts()
    response = _upload(client, make(_download(client)))
    assert response.status_code == 400 and spanish in _page(response)
    assert row_counts() == before


@pytest.mark.parametrize("make", [lambda data: Q.XLS, lambda data: b"\x00\x01binary\x00" * 10])
def test_the_web_upload_never_suggests_csv_it_does_not_accept(client, editor, row_counts, make):
    """The web upload takes workbooks only: an .xls or a binary file is told to be saved as
    an .xlsx workbook, never as CSV."""
    before = row_counts()
    response = _upload(client, make(_download(client)), "update.xls")
    page = _page(response)
    assert response.status_code == 400 and "Excel Workbook (.xlsx)" in page
    assert "CSV" not in page.split("<main>")[1].split("</main>")[0]
    assert row_counts() == before
