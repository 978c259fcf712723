"""The one tabular reader through the command-line importers: what Excel, LibreOffice, Google
Sheets and WPS write is read; what cannot be read is refused saying what it is and what to do,
and nothing is written."""
from __future__ import annotations

import codecs
from datetime import date

import pytest
from sqlalchemy import select

import spreadsheet_quirks as Q
from tracker.domain.messages import Message
from tracker.extensions import db
from tracker.models import Accord, StatusRecord
from tracker.tables import TableError, read_rows, read_table

SLUG = "colombia-2016-demo"
HEADER = ["provision_code", "level", "effective_on", "evidence", "note"]
WHEN = date(2025, 3, 16)
ROWS = [HEADER,
        ["1.1.1", 2, WHEN, "Decreto 123 de 2025", "=según el acta"],
        ["1.1.3", 3, WHEN, "Informe de verificación", None]]


def _import(runner, tmp_path, name: str, content: bytes, slug: str = SLUG):
    path = tmp_path / name
    path.write_bytes(content)
    return runner.invoke(args=["import-statuses", slug, str(path)])


def _imported(demo) -> list[tuple[str, int, date, str | None, str | None]]:
    records = db.session.scalars(select(StatusRecord).where(
        StatusRecord.accord_id == demo.id, StatusRecord.source == "import",
        StatusRecord.effective_on == WHEN).order_by(StatusRecord.id))
    return [(r.provision.code, r.level, r.effective_on, r.evidence_text, r.note)
            for r in records]


def _workbook(**options) -> bytes:
    return Q.xlsx(ROWS, text_columns=[3, 4], **options)


# --- the real files --------------------------------------------------------------------------

@pytest.mark.parametrize("name, evidence", [
    ("wps_dimension_A1_statuses.xlsx", "Resolución publicada"),
    ("semicolon_excel_es.csv", "Resolución publicada"),
    ("cp1252_excel_es.csv", "Resolución publicada"),
])
def test_the_files_partners_sent_import(runner, demo, tmp_path, name, evidence):
    result = _import(runner, tmp_path, name, Q.case(name))
    assert result.exit_code == 0, result.output
    imported = _imported(demo)
    assert imported[0] == ("1.1.1", 2, WHEN, evidence, "primera fila")
    assert imported[1][:4] == ("1.1.3", 3, WHEN, "Informe de verificación")
    rows = 3 if name.endswith(".xlsx") else 2
    assert f"created {rows} status records" in result.output


# --- workbooks as other programs write them ---------------------------------------------------

WORKBOOK_QUIRKS = {
    "dimension A1 (WPS)": lambda: Q.with_dimension(_workbook(), "A1"),
    "no dimension": lambda: Q.with_dimension(_workbook(), None),
    "stale dimension": lambda: Q.with_dimension(_workbook(), "A1:B2"),
    "formatted empty row far below": lambda: Q.with_formatted_row_far_below(_workbook()),
    "rich text": lambda: Q.with_rich_text(_workbook(), "Decreto 123 de 2025"),
    "shared rich strings (Excel, Google Sheets)": lambda: Q.with_shared_strings(_workbook()),
    "1904 date system": lambda: _workbook(epoch=1904),
    "hidden first sheet": lambda: _workbook(hidden_first=True),
    "numbers and dates stored as text": lambda: Q.xlsx(
        [[str(v) if isinstance(v, (int, date)) else v for v in row] for row in ROWS],
        text_columns=[3, 4]),
}


@pytest.mark.parametrize("quirk", WORKBOOK_QUIRKS)
def test_workbooks_as_spreadsheets_write_them_import(runner, demo, tmp_path, quirk):
    result = _import(runner, tmp_path, "statuses.xlsx", WORKBOOK_QUIRKS[quirk]())
    assert result.exit_code == 0, result.output
    assert _imported(demo) == [
        ("1.1.1", 2, WHEN, "Decreto 123 de 2025", "=según el acta"),
        ("1.1.3", 3, WHEN, "Informe de verificación", None)]


def test_the_quirky_workbooks_are_what_they_claim():
    """The files above really carry the quirk (so the test above can fail)."""
    assert b'<dimension ref="A1"/>' in Q.parts(WORKBOOK_QUIRKS["dimension A1 (WPS)"]())[Q.SHEET]
    book_1904 = Q.parts(WORKBOOK_QUIRKS["1904 date system"]())
    assert b'date1904="1"' in book_1904["xl/workbook.xml"]
    assert b"<v>44270</v>" in book_1904[Q.SHEET]  # 2025-03-16 counted from 1904
    shared = Q.parts(WORKBOOK_QUIRKS["shared rich strings (Excel, Google Sheets)"]())
    assert b"<r><rPr><i/></rPr><t>Decreto 1" in shared["xl/sharedStrings.xml"]
    assert b'<is><r><rPr><b/></rPr>' in Q.parts(WORKBOOK_QUIRKS["rich text"]())[Q.SHEET]
    assert b'<c r="E2" t="inlineStr"><is><t>=seg' in Q.parts(_workbook())[Q.SHEET]
    far = Q.parts(WORKBOOK_QUIRKS["formatted empty row far below"]())[Q.SHEET]
    assert b'<row r="1048576">' in far


def test_booleans_are_read_as_yes_or_no(runner, tmp_path):
    structure = Q.xlsx([
        ["code", "section", "text", "provision_type", "priority", "tags", "deadline"],
        ["1", "1 Land", "Titles", None, True, None, None],
        ["2", "1 Land", "Cadastre", None, False, None, date(2026, 1, 31)]])
    path = tmp_path / "structure.xlsx"
    path.write_bytes(structure)
    result = runner.invoke(args=["import-accord", str(path), "--name", "Booleans", "--country",
                                 "X", "--signed-on", "2020-01-01", "--slug", "booleans"])
    assert result.exit_code == 0, result.output
    accord = db.session.scalar(select(Accord).where(Accord.slug == "booleans"))
    assert [(p.code, p.priority, p.deadline) for p in accord.provisions] == [
        ("1", True, None), ("2", False, date(2026, 1, 31))]


# --- text files as spreadsheets save them ----------------------------------------------------

CSV_ROWS = "provision_code{s}level{s}effective_on{s}evidence{s}note\r\n" \
           "1.1.1{s}2{s}2025-03-16{s}Decreto 123 de 2025{s}=según el acta\r\n"


@pytest.mark.parametrize("content", [
    codecs.BOM_UTF8 + CSV_ROWS.format(s=",").encode(),
    CSV_ROWS.format(s=";").encode("cp1252"),
    ("sep=;\r\n" + CSV_ROWS.format(s=";")).encode(),
    CSV_ROWS.format(s="\t").encode("utf-16"),  # Excel's "Unicode Text"
], ids=["utf-8 with a byte-order mark", "windows-1252 with ;", "sep= line", "utf-16 tabs"])
def test_csv_files_as_spreadsheets_save_them_import(runner, demo, tmp_path, content):
    result = _import(runner, tmp_path, "statuses.csv", content)
    assert result.exit_code == 0, result.output
    assert _imported(demo) == [("1.1.1", 2, WHEN, "Decreto 123 de 2025", "=según el acta")]


# --- refusals that say what the file is and what to do ---------------------------------------

REFUSED = [
    ("statuses.xlsx", lambda: Q.strict(_workbook()), "saved as Strict Open XML"),
    ("statuses.xls", lambda: Q.XLS, "Excel 97-2003 workbook (.xls)"),
    ("statuses.xlsx", lambda: Q.XLS, "Excel 97-2003 workbook (.xls)"),
    ("statuses.ods", lambda: Q.ODS, "OpenDocument spreadsheet (.ods)"),
    ("statuses.xlsx", lambda: Q.ODS, "OpenDocument spreadsheet (.ods)"),
    ("statuses.xlsb", lambda: Q.XLSB, "Excel Binary Workbook (.xlsb)"),
    ("statuses.xlsx", lambda: Q.ENCRYPTED, "protected with a password"),
    ("statuses.xls", lambda: Q.HTML_AS_XLS, "web page (HTML)"),
    ("statuses.csv", lambda: CSV_ROWS.format(s=",").encode("mac-roman"),
     "save it again with File > Save as > CSV UTF-8"),
    ("statuses.csv", lambda: CSV_ROWS.format(s=",").encode() + "Informe técnico\r\n".encode(
        "cp1252"), "save it again with File > Save as > CSV UTF-8"),  # mixed encodings
]


@pytest.mark.parametrize("name, make, expected", REFUSED)
def test_unreadable_files_are_named_with_the_remedy(runner, demo, tmp_path, row_counts, name,
                                                    make, expected):
    before = row_counts()
    result = _import(runner, tmp_path, name, make())
    assert result.exit_code == 1 and expected in result.output, result.output
    assert any(remedy in result.output for remedy in ("Save as", "Save As", "save it again"))
    assert "Nothing was written." in result.output
    assert row_counts() == before


def test_formula_and_error_cells_are_named(runner, demo, tmp_path, row_counts):
    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="B2" t="n"><v>2</v></c>', b'<c r="B2"><f>1+1</f><v>2</v></c>')
        return xml.replace(b'<c r="B3" t="n"><v>3</v></c>', b'<c r="B3" t="e"><v>#N/A</v></c>')

    before = row_counts()
    result = _import(runner, tmp_path, "statuses.xlsx", Q.edit_sheet(_workbook(), change))
    assert result.exit_code == 1
    assert "row 2: cell B2 holds a formula" in result.output
    assert "row 3: cell B3 shows the error #N/A" in result.output
    assert row_counts() == before


def test_a_header_that_was_never_split_says_so(runner, demo, tmp_path):
    content = Q.xlsx([[";".join(HEADER)], ["1.1.1;2;2025-03-16;x;"]])
    result = _import(runner, tmp_path, "statuses.xlsx", content)
    assert result.exit_code == 1 and "the header is one cell" in result.output
    assert "Text to Columns" in result.output


# --- the reader itself -----------------------------------------------------------------------

def test_read_rows_keeps_row_numbers_and_drops_trailing_formatted_rows():
    content = Q.with_formatted_row_far_below(Q.xlsx([["a", "b"], [None, None], ["1", "2"]]))
    assert list(read_rows(content, "x.xlsx")) == [["a", "b"], [], ["1", "2"]]
    table = read_table(content, "x.xlsx", ["a", "b"])
    assert table.rows == [(3, {"a": "1", "b": "2"})]


def test_read_rows_reads_wide_files_alike_from_csv_and_xlsx():
    header = [f"c{i}" for i in range(216)]
    rows = [header, [str(i) for i in range(216)], ["x"] + [""] * 215]
    csv_bytes = codecs.BOM_UTF8 + "\r\n".join(",".join(r) for r in rows).encode()
    xlsx_bytes = Q.with_dimension(Q.xlsx(rows), "A1")
    from_csv, from_xlsx = list(read_rows(csv_bytes, "p.csv")), list(read_rows(xlsx_bytes,
                                                                              "p.xlsx"))
    assert from_csv == rows
    assert [row + [""] * (216 - len(row)) for row in from_xlsx] == rows


@pytest.mark.parametrize("value, text", [
    (2.0, "2"), (2.5, "2.5"), (1e-05, "0.00001"), (True, "TRUE"), (False, "FALSE"),
    (date(2025, 3, 16), "2025-03-16"),
])
def test_cell_values_become_text_one_way(value, text):
    content = Q.xlsx([["a"], [value]])
    assert list(read_rows(content, "x.xlsx"))[1] == [text]


def test_refusals_are_translated_reasons(app):
    from flask_babel import force_locale

    from tracker.i18n import translate

    with pytest.raises(TableError) as refused:
        read_rows(Q.ODS, "x.xlsx")
    (error,) = refused.value.errors
    with app.test_request_context(), force_locale("es"):
        assert translate(error.message).startswith("esto es una hoja de cálculo OpenDocument")
    with pytest.raises(TableError) as missing:
        read_table(b"a,b\n1,2\n", "x.csv", ["a", "c"])
    assert isinstance(missing.value.errors[0].message, Message)
    with app.test_request_context(), force_locale("es"):
        assert translate(missing.value.errors[0].message) == "falta(n) la(s) columna(s): c"
