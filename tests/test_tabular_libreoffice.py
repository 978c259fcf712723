"""Real files of the kinds the tabular reader refuses or reads, written by LibreOffice from the
WPS case file: its .xlsx is read, its .xls and .ods are refused saying what they are, also
when named .xlsx, through the command-line importer and the web upload."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

import spreadsheet_quirks as Q
from test_libreoffice import _run, soffice  # noqa: F401  (fixture)
from tracker.extensions import db
from tracker.models import StatusRecord

pytestmark = pytest.mark.libreoffice

SLUG = "colombia-2016-demo"
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97",
           "ods": "ods:calc8"}


@pytest.fixture(scope="module")
def converted(soffice, tmp_path_factory) -> dict[str, bytes]:  # noqa: F811
    """The WPS case file saved by LibreOffice as .xlsx, .xls and .ods."""
    folder = tmp_path_factory.mktemp("lo")
    source = folder / "statuses.xlsx"
    source.write_bytes(Q.case("wps_dimension_A1_statuses.xlsx"))
    files = {}
    for kind, target in FILTERS.items():
        work = folder / kind
        work.mkdir()
        out = _run(soffice, work, target, source)
        files[kind] = (out / f"statuses.{kind}").read_bytes()
    return files


def _import(runner, tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return runner.invoke(args=["import-statuses", SLUG, str(path)])


def test_a_libreoffice_workbook_imports(runner, demo, tmp_path, converted):
    result = _import(runner, tmp_path, "statuses.xlsx", converted["xlsx"])
    assert result.exit_code == 0 and "created 3 status records" in result.output, result.output
    records = db.session.scalars(select(StatusRecord).where(
        StatusRecord.accord_id == demo.id, StatusRecord.source == "import",
        StatusRecord.effective_on == date(2025, 3, 16)))
    assert sorted((r.provision.code, r.level) for r in records) == [
        ("1.1.1", 2), ("1.1.3", 3), ("1.1.4", 1)]


@pytest.mark.parametrize("kind, expected", [
    ("xls", "this is an Excel 97-2003 workbook (.xls)"),
    ("ods", "this is an OpenDocument spreadsheet (.ods)"),
])
@pytest.mark.parametrize("suffix", ["own", ".xlsx"])
def test_xls_and_ods_files_are_named(runner, client, demo, make_user, login, tmp_path,
                                     row_counts, converted, kind, expected, suffix):
    name = f"statuses.{kind}" if suffix == "own" else "statuses.xlsx"
    login(make_user("editor", demo))
    before = row_counts()
    result = _import(runner, tmp_path, name, converted[kind])
    assert result.exit_code == 1 and expected in result.output, result.output
    response = client.post(f"/accords/{SLUG}/update",
                           data={"workbook": (io.BytesIO(converted[kind]), name)},
                           content_type="multipart/form-data")
    shown = expected[0].upper() + expected[1:]  # a page shows each reason as a sentence
    assert response.status_code == 400 and shown in response.get_data(as_text=True)
    assert row_counts() == before
