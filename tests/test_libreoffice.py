"""Exported workbooks opened by a real spreadsheet program: LibreOffice converts every sheet
to CSV and finds the API's figures; it evaluates formulas, so it also proves that text such
as "=1+1" stays text. A workbook saved by LibreOffice uploads like one saved by openpyxl.

LibreOffice 7.2+ reads the last filter token -1 as "every sheet, each to FILE-Sheet.csv"
(checked on 7.4); an older one writes the first sheet only, and these tests then say so.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.excel import columns as C
from tracker.extensions import db
from tracker.importers import import_accord, import_statuses

pytestmark = pytest.mark.libreoffice

SLUG = "colombia-2016-demo"
AS_OF = "2019-02-28"
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="module")
def soffice() -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        message = "LibreOffice (soffice) is not installed"
        if os.environ.get("TRACKER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message + " and TRACKER_REQUIRE_LIBREOFFICE=1")
        pytest.skip(message)
    return program


def _run(soffice: str, tmp_path: Path, target: str, source: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()  # one profile per run
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return out


def to_csv(soffice: str, tmp_path: Path, data: bytes, name: str) -> dict[str, list[dict]]:
    """Sheet title -> rows as dicts keyed by header, as LibreOffice exports them."""
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    out = _run(soffice, tmp_path, CSV_FILTER, source)
    sheets = {}
    for path in out.glob(f"{name}-*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            sheets[path.stem[len(name) + 1:]] = list(csv.DictReader(handle))
    assert sheets, ("this LibreOffice wrote no per-sheet CSV files (the -1 sheet token needs "
                    f"LibreOffice 7.2 or later): {sorted(p.name for p in out.iterdir())}")
    return sheets


def _percent(text: str) -> float:
    assert text.endswith("%"), text
    return float(text[:-1])


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")  # also reads LibreOffice's "9:05:03"


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_libreoffice_finds_the_api_figures_in_the_report(soffice, client, tmp_path):
    data = client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}").data
    sheets = to_csv(soffice, tmp_path, data, "report")
    assert set(sheets) == {"About", "Summary", "Provisions", "History", "Timeline",
                           "Comparison", "Events", "Sources"}
    api = client.get(f"/api/v1/accords/{SLUG}/summary?as_of={AS_OF}").get_json()
    summary = {row["Group"]: row for row in sheets["Summary"]}
    for group, part in (("all", api), ("priority", api["priority"]),
                        ("non-priority", api["non_priority"])):  # as the workbook names it
        assert _number(summary[group]["Score (0-100)"]) == part["score"]
        assert int(summary[group]["Provisions"]) == part["provisions"]
        for key, header in zip(("not_initiated", "minimal", "intermediate", "complete"),
                               ("Not initiated", "Minimal", "Intermediate", "Complete")):
            assert _percent(summary[group][header]) == pytest.approx(part["shares"][key])
    provisions = client.get(f"/api/v1/accords/{SLUG}/provisions?as_of={AS_OF}") \
        .get_json()["provisions"]
    assert [(r["Code"], int(r["Level"])) for r in sheets["Provisions"]] == [
        (p["code"], p["level"]) for p in provisions]
    timeline = client.get(f"/api/v1/accords/{SLUG}/timeline?as_of={AS_OF}").get_json()
    assert [(r["Date"], _number(r["Score"])) for r in sheets["Timeline"]] == [
        (p["date"], p["score"]) for p in timeline["points"]]
    about = {row["Item"]: row["Value"] for row in sheets["About"]}
    assert about["As of"] == AS_OF and "ILLUSTRATIVE DATA" in about
    history = list(csv.DictReader(io.StringIO(client.get(
        f"/accords/{SLUG}/history.csv?as_of={AS_OF}").data.decode("utf-8-sig"))))
    assert [(r["Record"], r["Provision"], r["Level (0-3)"], r["Effective on"],
             _moment(r["Recorded at (UTC)"]), r["Review state"]) for r in sheets["History"]] == [
        (h["record_id"], h["provision_code"], h["level"], h["effective_on"],
         _moment(h["recorded_at"]), h["review_state"]) for h in history]


def test_libreoffice_keeps_neutralised_text_literal(soffice, client, tmp_path):
    import_accord(b"code,section,text,provision_type,priority,tags,deadline\n"
                  b"1,1 Point,=1+1,,no,,\n2,1 Point,@SUM(1;2),,no,,\n3,1 Point,-2+3,,no,,\n"
                  b"4,1 Point,_x0041_ stays,,no,,\n",
                  "s.csv", name="Formula bait", country="X", signed_on=date(2020, 1, 1),
                  slug="bait")
    import_statuses("bait", b"provision_code,level,effective_on,evidence,note\n"
                            b"1,1,2020-02-01,=2*21,+1\n", "s.csv")
    sheets = to_csv(soffice, tmp_path, client.get("/accords/bait/report.xlsx").data, "bait")
    assert [row["Text"] for row in sheets["Provisions"]] == ["=1+1", "@SUM(1;2)", "-2+3",
                                                             "_x0041_ stays"]
    assert sheets["History"][0]["Evidence"] == "=2*21" and sheets["History"][0]["Note"] == "+1"


@pytest.mark.parametrize("locale, sheet_title, confirm", [
    ("en", "Update", "Record 1 status change and 1 event"),
    ("es", "Actualización", "Registrar 1 cambio de estado y 1 evento"),
])
def test_a_workbook_saved_by_libreoffice_uploads(soffice, client, demo, make_user, login,
                                                 tmp_path, locale, sheet_title, confirm):
    editor = login(make_user("editor", demo))
    editor.locale = locale
    db.session.commit()
    book = load_workbook(io.BytesIO(client.get(f"/accords/{SLUG}/update.xlsx").data))
    sheet = book[sheet_title]
    keys = [c.key for c in C.UPDATE]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[keys.index("current_level")].value < 3)
    code, level = row[0].value, row[keys.index("current_level")].value
    row[keys.index("new_level")].value = level + 1
    row[keys.index("effective_on")].value = date.today()
    row[keys.index("evidence_text")].value = "Resolution 7"
    events = book.worksheets[1]  # the Events sheet: one row, a date cell and typed text
    for key, value in {"date": date(2019, 3, 3), "title": "Entrega de tierras",
                       "place_code": "54810", "provision_codes": "1.1.1:advances",
                       "source_title": "Informe", "publisher": "ANT"}.items():
        events.cell(2, [c.key for c in C.UPDATE_EVENTS].index(key) + 1, value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    out = _run(soffice, tmp_path, "xlsx:Calc MS Excel 2007 XML", filled)
    resaved = (out / "filled.xlsx").read_bytes()
    response = client.post(f"/accords/{SLUG}/update",
                           data={"workbook": (io.BytesIO(resaved), "filled.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code in preview and confirm in preview and "1.1.1:" in preview
