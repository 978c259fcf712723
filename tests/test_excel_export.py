"""Report workbooks, CSV variants and the reference set's raw data: the same figures as the
API, text that no spreadsheet evaluates, and an export that import-reference reads back."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from test_events_feed import placed  # noqa: F401 (events for the events CSV)

from tracker import queries
from tracker.excel import columns as C
from tracker.excel import XLSX_MIMETYPE
from tracker.extensions import db
from tracker.importers import import_accord, import_statuses
from tracker.reference.sets import import_set
from tracker.models import Accord, StatusRecord
from tracker.tables import check_xlsx_container

SLUG = "colombia-2016-demo"
AS_OF = "2019-02-28"
SHEETS = ["About", "Summary", "Provisions", "History", "Timeline", "Comparison", "Events",
          "Sources"]


def _book(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return load_workbook(io.BytesIO(response.data))


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    keys = [C.header_lookup(_spec(sheet.title))[h.lower()].key for h in rows[0]]
    return [dict(zip(keys, row)) for row in rows[1:]]


def _spec(title: str):
    return {"Summary": C.SUMMARY, "Provisions": C.PROVISIONS, "History": C.HISTORY,
            "Timeline": C.TIMELINE, "Comparison": C.COMPARISON, "Update": C.UPDATE,
            "Events": C.EVENTS, "Sources": C.SOURCES}[title]


@pytest.fixture
def report(client):
    return _book(client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}"))


def _api(client, path: str) -> dict:
    response = client.get(f"/api/v1/accords/{SLUG}/{path}")
    assert response.status_code == 200
    return response.get_json()


def _shares(row: dict) -> dict:
    return {key: round(row[f"share_{key}"] * 100, 1) for key in
            ("not_initiated", "minimal", "intermediate", "complete")}


# --- layout ----------------------------------------------------------------------------------

def test_report_download_has_every_sheet(client):
    response = client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}")
    assert response.mimetype == XLSX_MIMETYPE
    assert f"{SLUG}-report-{AS_OF}.xlsx" in response.headers["Content-Disposition"]
    check_xlsx_container(response.data)  # our own workbooks pass the upload checks
    assert _book(response).sheetnames == SHEETS


def test_sheets_have_bold_frozen_headers_filters_widths_and_formats(report):
    for title in SHEETS[1:]:
        sheet = report[title]
        assert all(cell.font.bold for cell in sheet[1]), title
        assert sheet.freeze_panes and sheet.freeze_panes.endswith("2"), title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{sheet.max_row}", title
        first = _spec(title)[0]
        assert sheet.column_dimensions["A"].width == first.width
    history = report["History"]
    effective = [c.key for c in C.HISTORY].index("effective_on") + 1
    assert history.cell(2, effective).is_date
    assert history.cell(2, effective).number_format == C.DATE_FORMAT
    recorded = [c.key for c in C.HISTORY].index("recorded_at") + 1
    assert history.cell(2, recorded).is_date
    summary = report["Summary"]
    assert summary.cell(2, 8).number_format == C.PERCENT_FORMAT
    assert report["Timeline"].cell(2, 1).is_date
    assert report["Timeline"].cell(2, 3).number_format == C.PERCENT_FORMAT


def test_native_charts_for_the_timeline_and_the_priority_split(client):
    data = client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}").data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
    assert len(charts) == 2
    xml = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in charts)
    assert b"lineChart" in xml and b"barChart" in xml and b"'Timeline'!" in xml \
        and b"'Summary'!" in xml
    from tracker import palette

    for colour in palette.LEVEL_COLOURS + (palette.ACCORD, palette.PRIORITY,
                                           palette.NON_PRIORITY):  # the dashboard's colours
        assert f'val="{colour.lstrip("#")}"'.encode() in xml, colour
    assert b'<c:smooth val="1"' not in xml  # scores joined by straight lines


def test_about_sheet_states_date_method_provenance_and_version(report):
    from tracker import __version__

    about = dict(report["About"].iter_rows(min_row=2, values_only=True))
    assert about["Slug"] == SLUG and about["As of"].date().isoformat() == AS_OF
    assert about["Signed on"].date().isoformat() == "2016-11-24"  # dates as date cells
    assert about["App version"] == f"Accord tracker {__version__}"
    assert "100 x sum of levels / (3 x provisions)" in about["Score"]
    assert "illustrative" in about["ILLUSTRATIVE DATA"]
    assert "ILLUSTRATIVE REFERENCES" not in about  # PAM_ID is published data
    assert "Joshi" in about["Reference data"]
    assert about["Generated at (UTC)"].startswith(date.today().isoformat()[:4])


# --- the same figures as the API -------------------------------------------------------------

def test_summary_sheet_matches_the_api(client, report):
    api = _api(client, f"summary?as_of={AS_OF}")
    rows = {r["group"]: r for r in _rows(report["Summary"])}
    for group, part in (("all", api), ("priority", api["priority"]),
                        ("non-priority", api["non_priority"])):
        assert rows[group]["provisions"] == part["provisions"]
        assert rows[group]["score"] == part["score"]
        assert _shares(rows[group]) == part["shares"]
    points = [r for r in _rows(report["Summary"]) if r["group"] == "point"]
    assert len(points) == 6
    for row in points:
        code = row["name"].split(" ")[0]
        by_point = _api(client, f"summary?as_of={AS_OF}&section={code}")
        assert (row["provisions"], row["score"]) == (by_point["provisions"], by_point["score"])
        assert _shares(row) == by_point["shares"]
        assert row["count_complete"] == by_point["counts"]["complete"]


def test_provisions_sheet_matches_the_api(client, report):
    api = _api(client, f"provisions?as_of={AS_OF}")["provisions"]
    rows = _rows(report["Provisions"])
    assert len(rows) == len(api) == 578
    for row, item in zip(rows, api):
        assert row["code"] == item["code"] and row["level"] == item["level"]
        assert row["provision_type"] == item["provision_type"]
        assert row["priority"] == ("yes" if item["priority"] else "no")
        assert (row["tags"] or "") == ";".join(item["tags"])
        assert row["section"].split(" ")[0] == item["section"][0]
        assert row["level_label"] == ["Not initiated", "Minimal", "Intermediate",
                                      "Complete"][item["level"]]
        if item["level"]:
            assert row["last_change"].date() <= date.fromisoformat(AS_OF)


def test_timeline_sheet_matches_the_api(client, report):
    api = _api(client, f"timeline?as_of={AS_OF}&freq=month")["points"]
    rows = _rows(report["Timeline"])
    assert len(rows) == len(api)
    for row, point in zip(rows, api):
        assert row["date"].date().isoformat() == point["date"]
        assert row["score"] == point["score"]
        assert row["priority_score"] == point["priority"]["score"]
        assert row["non_priority_score"] == point["non_priority"]["score"]
        assert _shares(row) == point["shares"]


def test_comparison_sheet_matches_the_api(client, report):
    api = _api(client, f"comparison?as_of={AS_OF}&year=now")
    rows = _rows(report["Comparison"])
    assert [r["provision_type"] for r in rows] == [t["provision_type"] for t in api["types"]]
    for row, item in zip(rows, api["types"]):
        assert row["accord_level"] == item["accord_level"]
        assert row["percentile"] == item["percentile"]
        if item["reference"]:
            assert (row["n"], row["mean"], row["median"]) == (
                item["reference"]["n"], item["reference"]["mean"], item["reference"]["median"])
        assert row["type_name"]


def test_history_sheet_holds_every_record_to_the_as_of_date(demo, client, report, make_user,
                                                            login):
    effective = db.session.scalar(select(func.count()).select_from(StatusRecord).where(
        StatusRecord.accord_id == demo.id, StatusRecord.effective_on <= date(2019, 2, 28)))
    rows = _rows(report["History"])
    assert len(rows) == effective
    assert [r["effective_on"] for r in rows] == sorted(r["effective_on"] for r in rows)
    assert {r["review_state"] for r in rows} == {"verified"}


def test_unverified_records_and_emails_only_for_users_with_a_role(demo, client, make_user,
                                                                  login):
    from tracker import services
    from tracker.domain.rules import Submission

    editor = login(make_user("editor", demo))
    provision = demo.provisions[0]
    with client.application.test_request_context():
        from flask_login import login_user
        login_user(editor)
        services.submit([services.StatusChange(
            provision, Submission(3, date.today(), evidence_text="Decree"), provision.version)],
            verified=False, source="web")
    inside = _rows(_book(client.get(f"/accords/{SLUG}/report.xlsx"))["History"])
    mine = [r for r in inside if r["review_state"] == "pending"]
    assert len(mine) == 1 and mine[0]["author"] == editor.email
    with client.session_transaction() as session:
        session.clear()
    outside = _rows(_book(client.get(f"/accords/{SLUG}/report.xlsx"))["History"])
    assert len(outside) == len(inside) - 1
    assert not any(r["author"] for r in outside)


def test_report_as_of_must_be_a_date_within_the_accord(client):
    assert client.get(f"/accords/{SLUG}/report.xlsx?as_of=2016-01-01").status_code == 400
    assert client.get(f"/accords/{SLUG}/report.xlsx?as_of=soon").status_code == 400
    assert client.get("/accords/no-such-accord/report.xlsx").status_code == 404


def test_private_accords_are_not_exported_to_strangers(demo, client):
    demo.public = False
    db.session.commit()
    for path in ("report.xlsx", "provisions.csv", "history.csv"):
        assert client.get(f"/accords/{SLUG}/{path}").status_code == 404


@pytest.mark.parametrize("path", [
    f"/accords/{SLUG}/provisions.csv", f"/accords/{SLUG}/history.csv",
    f"/accords/{SLUG}/events.csv",
])
def test_every_csv_download_names_its_charset_once(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"


# --- text that no spreadsheet evaluates ------------------------------------------------------

DANGEROUS = ("=1+1", "+SUM(1,2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")", "#N/A")
STRUCTURE = ("code,section,text,provision_type,priority,tags,deadline\n" + "".join(
    f'{n},1 Point,"{text.replace(chr(34), chr(34) * 2)}",,no,,\n'
    for n, text in enumerate(DANGEROUS, 1)) + "7,1 Point,vertical\x0btab,,no,,\n")


@pytest.fixture
def risky(app):
    import_accord(STRUCTURE.encode(), "s.csv", name="Risky", country="X",
                  signed_on=date(2020, 1, 1), slug="risky")
    import_statuses("risky", b"provision_code,level,effective_on,evidence,note\n"
                             b"1,2,2020-02-01,=2+2,@note\n", "s.csv")
    return db.session.scalar(select(Accord).where(Accord.slug == "risky"))


def test_workbook_text_cells_are_never_formulas(client, risky):
    data = client.get("/accords/risky/report.xlsx").data
    sheet_xml = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                         for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                         if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheet_xml and b't="e"' not in sheet_xml
    book = load_workbook(io.BytesIO(data))
    texts = {row[2]: row for row in book["Provisions"].iter_rows(min_row=2, values_only=True)}
    assert set(DANGEROUS) | {"vertical\ntab"} == set(texts)  # a pasted vertical tab: a break
    for cell in book["Provisions"]["C"][1:]:
        assert cell.data_type == "s"
    history = _rows(book["History"])
    assert history[0]["evidence_text"] == "=2+2" and history[0]["note"] == "@note"


def test_csv_text_cells_are_neutralised(client, risky):
    response = client.get("/accords/risky/provisions.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    texts = {r["text"] for r in rows}
    assert texts == {"'=1+1", "'+SUM(1,2)", "'-2+3", "'@cmd", "'=HYPERLINK(\"http://x\",\"y\")",
                     "#N/A", "vertical\ntab"}
    history = list(csv.DictReader(io.StringIO(
        client.get("/accords/risky/history.csv").data.decode("utf-8-sig"))))
    assert history[0]["evidence_text"] == "'=2+2" and history[0]["note"] == "'@note"


def test_csv_variants_follow_the_column_spec(client):
    response = client.get(f"/accords/{SLUG}/provisions.csv?as_of={AS_OF}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [c.key for c in C.PROVISIONS] and len(rows) == 579
    history = list(csv.reader(io.StringIO(
        client.get(f"/accords/{SLUG}/history.csv?as_of={AS_OF}").data.decode("utf-8-sig"))))
    assert history[0] == [c.key for c in C.HISTORY]
    effective = history[0].index("effective_on")
    assert len(history) > 100 and all(row[effective] <= AS_OF for row in history[1:])


# --- the reference set's raw data ------------------------------------------------------------

def test_reference_columns_are_what_import_reference_reads():
    from tracker.reference.long import LONG_COLUMNS, LONG_OPTIONAL

    assert {c.key for c in C.REFERENCE} == set(LONG_COLUMNS + LONG_OPTIONAL)


def _reference_export(client, label="PAM_ID v1.5") -> bytes:
    response = client.get(f"/reference-sets/{label}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response.data


def test_reference_export_is_lossless_into_a_fresh_set(client):
    original = list(csv.DictReader(io.StringIO(_reference_export(client).decode("utf-8-sig"))))
    renamed = io.StringIO(newline="")
    writer = csv.DictWriter(renamed, fieldnames=list(original[0]))
    writer.writeheader()
    writer.writerows({**row, "accord": "Copy of " + row["accord"]} for row in original)
    result = import_set(renamed.getvalue().encode(), "copy.csv", "tmp round trip")
    assert result.accords == 34 and result.years == 323
    again = list(csv.DictReader(io.StringIO(
        _reference_export(client, "tmp round trip").decode("utf-8-sig"))))
    assert sorted(tuple(r.values()) for r in again) == sorted(
        tuple({**r, "accord": "Copy of " + r["accord"]}.values()) for r in original)


def test_unknown_reference_set_is_404(client):
    assert client.get("/reference-sets/nothing.csv").status_code == 404


# --- in the reader's language ----------------------------------------------------------------

SPANISH_SHEETS = ["Acerca de", "Resumen", "Disposiciones", "Historial", "Evolución",
                  "Comparación", "Eventos", "Fuentes"]


def test_the_report_follows_the_readers_language(client, report):
    data = client.get(f"/accords/{SLUG}/report.xlsx?as_of={AS_OF}",
                      headers={"Accept-Language": "es-CO,es;q=0.9"}).data
    spanish = load_workbook(io.BytesIO(data))
    assert spanish.sheetnames == SPANISH_SHEETS
    assert [c.value for c in spanish["Disposiciones"][1]][:5] == [
        "Código", "Sección", "Texto", "Tipo de disposición", "Prioridad"]
    about = dict(spanish["Acerca de"].iter_rows(min_row=2, values_only=True))
    assert about["Con corte a"].date().isoformat() == AS_OF and "DATOS ILUSTRATIVOS" in about
    # The same figures and rows, only words translated.
    for english, title in zip(SHEETS[1:], SPANISH_SHEETS[1:]):
        assert spanish[title].max_row == report[english].max_row, title
    english_rows = list(report["Summary"].iter_rows(min_row=2, values_only=True))
    spanish_rows = list(spanish["Resumen"].iter_rows(min_row=2, values_only=True))
    assert [r[2:] for r in spanish_rows] == [r[2:] for r in english_rows]
    assert [r[1] for r in spanish_rows[:3]] == ["Todas las disposiciones", "Prioridad",
                                                "Sin prioridad"]
    labels = {r[10] for r in spanish["Disposiciones"].iter_rows(min_row=2, values_only=True)}
    assert labels <= {"No iniciado", "Mínimo", "Intermedio", "Completo"} and len(labels) == 4
    charts = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                      for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                      if n.startswith("xl/charts/chart"))
    assert "Puntaje de implementación por mes".encode() in charts
    assert "'Evolución'!".encode() in charts and b"'Resumen'!" in charts


@pytest.mark.parametrize("path", [f"history.csv?as_of={AS_OF}", f"provisions.csv?as_of={AS_OF}",
                                  "events.csv"])
def test_csv_keys_and_values_do_not_follow_the_language(client, request, path):
    if path.startswith("events"):
        request.getfixturevalue("placed")  # events with effects, places and review states
    english = client.get(f"/accords/{SLUG}/{path}").data
    spanish = client.get(f"/accords/{SLUG}/{path}", headers={"Accept-Language": "es"}).data
    assert spanish == english


# --- command line ----------------------------------------------------------------------------

def test_export_command_writes_the_report(runner, tmp_path):
    path = tmp_path / "report.xlsx"
    result = runner.invoke(args=["export", SLUG, str(path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == SHEETS
    assert dict(book["About"].iter_rows(min_row=2, values_only=True))["As of"].date() \
        == date.fromisoformat(AS_OF)


def test_export_command_writes_the_report_in_spanish(runner, tmp_path):
    path = tmp_path / "informe.xlsx"
    result = runner.invoke(args=["export", SLUG, str(path), "--as-of", AS_OF, "--lang", "es"])
    assert result.exit_code == 0, result.output
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == SPANISH_SHEETS
    about = dict(book["Acerca de"].iter_rows(min_row=2, values_only=True))
    assert about["Con corte a"].date().isoformat() == AS_OF


@pytest.mark.parametrize("args, expected", [
    (["export", SLUG, "x.xlsx", "--lang", "fr"], "'fr' is not one of 'en', 'es'"),
    (["export", "nope", "x.xlsx"], "no accord with slug 'nope'"),
    (["export", SLUG, "x.csv"], "ending in .xlsx"),
    (["export", SLUG, "x.xlsx", "--as-of", "2001-01-01"], "between the signing date"),
    (["export-reference", "x.csv", "--set", "nothing"], "no reference set 'nothing'"),
])
def test_export_commands_refuse_bad_arguments(runner, tmp_path, args, expected):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and expected in result.output


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_reference_command_round_trips(runner, tmp_path, suffix):
    path = tmp_path / f"pam.{suffix}"
    result = runner.invoke(args=["export-reference", str(path)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["import-reference", str(path), "--set", "Exported"])
    assert again.exit_code == 0, again.output
    assert "reference set 'Exported' imported: 34 accords, 323 coded years" in again.output
    exported = {a.name: {y: c.levels for y, c in a.years.items()}
                for a in queries.reference_data("Exported")}
    assert exported == {a.name: {y: c.levels for y, c in a.years.items()}
                        for a in queries.reference_data("PAM_ID v1.5")}
