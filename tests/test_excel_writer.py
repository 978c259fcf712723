"""The workbook writer of tracker.excel: cells encoded as worksheet XML and spliced into the
frame openpyxl writes. Read back by openpyxl (both reading modes) and checked cell by cell;
the report's History sheet checked against the history CSV row by row."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

import tracker.excel as excel
from tracker.excel import Book, cell_xml, excel_serial
from tracker.excel import columns as C

SLUG = "colombia-2016-demo"
AS_OF = "2019-02-28"

COLUMNS = (
    C.Column("text", "Text", 20),
    C.Column("count", "Count", 8, "int"),
    C.Column("share", "Share", 8, "percent"),
    C.Column("day", "Day", 12, "date"),
    C.Column("moment", "Moment", 18, "datetime"),
    C.Column("note", "Note", 20, editable=True),
)


def _load(data: bytes, **options):
    return load_workbook(io.BytesIO(data), **options)


# --- cells -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("plain", '<c r="A1" t="inlineStr"><is><t>plain</t></is></c>'),
    ("a < b & c > d", '<c r="A1" t="inlineStr"><is><t>a &lt; b &amp; c &gt; d</t></is></c>'),
    (" padded ", '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> padded </t></is></c>'),
    ("=1+1", '<c r="A1" t="inlineStr"><is><t>=1+1</t></is></c>'),
    ("#N/A", '<c r="A1" t="inlineStr"><is><t>#N/A</t></is></c>'),
    ("tab\x0bbed\x00", '<c r="A1" t="inlineStr"><is><t>tabbed</t></is></c>'),
    ("_x0041_ not A", '<c r="A1" t="inlineStr"><is><t>_x005F_x0041_ not A</t></is></c>'),
    ("_x00zz_ _X0041", '<c r="A1" t="inlineStr"><is><t>_x00zz_ _X0041</t></is></c>'),
    ("\x0b", ""),
    (7, '<c r="A1"><v>7</v></c>'),
    (True, '<c r="A1" t="b"><v>1</v></c>'),
    (0.125, '<c r="A1"><v>0.125</v></c>'),
    (Decimal("2.50"), '<c r="A1"><v>2.5</v></c>'),
    (float("nan"), ""),
    (float("inf"), ""),
    (date(2016, 11, 24), '<c r="A1"><v>42698</v></c>'),
    (datetime(2016, 11, 24, 18, 0), '<c r="A1"><v>42698.75</v></c>'),
])
def test_cells_are_encoded_by_kind(value, expected):
    assert cell_xml("A1", "", value) == expected


def test_a_style_is_named_on_the_cell():
    assert cell_xml("B7", ' s="3"', 5) == '<c r="B7" s="3"><v>5</v></c>'


def test_values_without_a_cell_kind_are_refused():
    with pytest.raises(TypeError, match="no workbook cell for a list"):
        cell_xml("A1", "", [1])


@pytest.mark.parametrize("value", [
    date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1999, 12, 31),
    date(2016, 11, 24), date(2031, 12, 1), datetime(2019, 2, 28, 23, 59, 59, 999000),
    datetime(1900, 2, 1, 12, 0), datetime(2020, 2, 29, 6, 30, tzinfo=timezone.utc),
])
def test_serials_agree_with_openpyxl(value):
    from openpyxl.utils.datetime import to_excel

    expected = to_excel(value.astimezone(timezone.utc).replace(tzinfo=None)
                        if isinstance(value, datetime) and value.tzinfo else value)
    assert excel_serial(value) == pytest.approx(expected, abs=1e-9)


def test_aware_datetimes_are_written_in_utc():
    bogota = timezone(timedelta(hours=-5))
    assert excel_serial(datetime(2019, 1, 1, 19, 0, tzinfo=bogota)) == \
        excel_serial(datetime(2019, 1, 2, 0, 0))


# --- sheets ----------------------------------------------------------------------------------

def _sample_book(rows, **options) -> bytes:
    book = Book()
    sheet = book.sheet("Q&A <data>", COLUMNS, **options)
    for row in rows:
        sheet.append_dict(row)
    sheet.finish()
    book.sheet("Second", C.ABOUT).append(("item", "value"))
    return book.save()


ROWS = [
    {"text": "Reforma Rural Integral", "count": 3, "share": 0.25, "day": date(2017, 5, 1),
     "moment": datetime(2017, 5, 1, 9, 30, 15), "note": "ñandú & <co>"},
    {"text": "=HYPERLINK(\"http://x\")", "count": None, "share": "", "day": None,
     "moment": None, "note": None},
    {"text": "  kept  ", "count": 0, "share": 1.0, "day": date(2031, 12, 1),
     "moment": datetime(2020, 2, 29, 23, 59, 59), "note": "línea 1\nlínea 2"},
]


@pytest.mark.parametrize("read_only", [False, True])
def test_rows_read_back_with_their_values_and_formats(read_only):
    book = _load(_sample_book(ROWS), read_only=read_only)
    assert book.sheetnames == ["Q&A <data>", "Second"]
    values = list(book["Q&A <data>"].iter_rows(values_only=True))
    assert values[0] == tuple(c.header for c in COLUMNS)
    assert values[1] == ("Reforma Rural Integral", 3, 0.25, datetime(2017, 5, 1),
                         datetime(2017, 5, 1, 9, 30, 15), "ñandú & <co>")
    assert values[2] == ("=HYPERLINK(\"http://x\")", None, None, None, None, None)
    assert values[3] == ("  kept  ", 0, 1, datetime(2031, 12, 1),
                         datetime(2020, 2, 29, 23, 59, 59), "línea 1\nlínea 2")
    assert list(book["Second"].iter_rows(values_only=True)) == [("Item", "Value"),
                                                                 ("item", "value")]


def test_layout_of_a_sheet():
    sheet = _load(_sample_book(ROWS))["Q&A <data>"]
    assert [cell.font.bold for cell in sheet[1]] == [True] * len(COLUMNS)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F4"
    assert sheet.column_dimensions["B"].width == 8
    assert sheet["C2"].number_format == C.PERCENT_FORMAT
    assert sheet["D2"].number_format == C.DATE_FORMAT and sheet["D2"].is_date
    assert sheet["E2"].number_format == C.DATETIME_FORMAT
    assert sheet["A3"].data_type == "s"


def test_unlocked_columns_keep_their_empty_cells_editable():
    sheet = _load(_sample_book(ROWS, unlock_editable=True))["Q&A <data>"]
    assert sheet["F3"].value is None and sheet["F3"].protection.locked is False
    assert sheet["F2"].protection.locked is False
    assert sheet["A2"].protection.locked is True


def test_every_sheet_is_well_formed_xml_with_rows_in_order():
    package = zipfile.ZipFile(io.BytesIO(_sample_book(ROWS)))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    for name in package.namelist():
        if name.endswith(".xml"):
            ElementTree.fromstring(package.read(name))  # raises on malformed XML
    sheet = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    rows = [int(row.get("r")) for row in sheet.iter(f"{main}row")]
    assert rows == [1, 2, 3, 4]
    assert package.testzip() is None


def test_a_cell_longer_than_a_worksheet_holds_is_cut_and_says_so():
    long = "x" * (excel.MAX_CELL_TEXT + 10)
    book = _load(_sample_book([{"text": long, "note": "short"}]))
    text = book["Q&A <data>"]["A2"].value
    assert len(text) == excel.MAX_CELL_TEXT and text.endswith(excel.TRUNCATED_NOTE)


@pytest.mark.parametrize("text", ["😀" * 20000, "a" + "😀" * 20000, "é" * 40000])
def test_the_cell_limit_counts_utf16_units_as_excel_does(text):
    cut = excel.cell_text(text)
    units = len(cut.encode("utf-16-le")) // 2
    assert units <= excel.MAX_CELL_TEXT and cut.endswith(excel.TRUNCATED_NOTE)
    assert units > excel.MAX_CELL_TEXT - len(excel.TRUNCATED_NOTE) - 2
    cut.encode("utf-8")  # no half surrogate pair left behind
    assert excel.cell_text("😀" * 16000) == "😀" * 16000  # 32,000 units: kept whole


def test_an_empty_book_sheet_has_its_header_only():
    book = Book()
    book.sheet("Empty", COLUMNS).finish()
    sheet = _load(book.save())["Empty"]
    assert list(sheet.iter_rows(values_only=True)) == [tuple(c.header for c in COLUMNS)]


# --- the report's largest sheet --------------------------------------------------------------

def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_history_sheet_equals_the_history_csv(client):
    sheet = _load(client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}").data,
                  read_only=True)["History"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(c.header for c in C.HISTORY)
    expected = _csv(client.get(f"/accords/{SLUG}/history.csv?as_of={AS_OF}"))
    assert len(rows) - 1 == len(expected) > 500

    def as_text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            if value.time() == datetime.min.time():
                return value.date().isoformat()
            return value.isoformat(sep=" ", timespec="seconds")
        return str(value)

    keys = [c.key for c in C.HISTORY]
    for row, want in zip(rows[1:], expected):
        assert {k: as_text(v) for k, v in zip(keys, row)} == want


def test_a_history_longer_than_a_worksheet_is_cut_and_the_about_sheet_says_so(
        client, monkeypatch):
    monkeypatch.setattr(excel.workbook, "MAX_ROWS", 51)  # the writer's limit
    book = _load(client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}").data)
    assert book["History"].max_row == 51  # the header and 50 records
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert "the first 50 records" in about["HISTORY SHEET CUT"]
    assert book["Provisions"].max_row == 51  # the same cap holds for every sheet


def test_a_history_that_fits_is_not_cut(client):
    book = _load(client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}").data)
    about = {row[0] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert "HISTORY SHEET CUT" not in about
