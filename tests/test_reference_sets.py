"""Reference sets: PAM_ID loaded as the Kroc Institute publishes it (CSV with a byte-order mark
and XLSX), figures equal to the file's own totals, provenance, replace/delete, bad input."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker import queries
from tracker.domain import compare
from tracker.extensions import db
from tracker.models import Accord, ReferenceSet, ReferenceYear
from tracker.reference import reader
from tracker.reference.sets import ReferenceSetError, delete_set, import_set, set_default
from tracker.seed import REFERENCE_SET
from tracker.tables import TableError

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "pam_id"
SEEDED = Path(__file__).resolve().parents[1] / "seed_data" / "pam_id"
NAME = "PAM_ID-V.1.5-Updated-29JULY2015"
#: Rows of the file where the importer reports that its totals count a type not in the accord.
QUIRK_ROWS = {43, 71, 147}


def _file(suffix: str) -> Path:
    """The published file from ../shared when present, else the seed's unmodified copy (the
    seed holds the CSV only: a checkout without ../shared skips the XLSX tests)."""
    for path in (SHARED / f"{NAME}{suffix}", SEEDED / f"{NAME}{suffix}"):
        if path.exists():
            return path
    pytest.skip(f"{NAME}{suffix} is in ../shared/data/pam_id/, not beside this checkout")


def _file_rows() -> list[dict]:
    with (SEEDED / f"{NAME}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _two_places(value) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _pam_set(label=REFERENCE_SET):
    return queries.reference_data(label)


def test_seed_loads_pam_id_as_the_default_reference_set(app):
    refset = queries.reference_set(REFERENCE_SET)
    assert refset.is_default and not refset.illustrative
    assert refset.version == "1.5" and refset.source_format == "pam_id"
    assert refset.rows_read == 323
    assert refset.source_sha256 == (
        "bac0dd0264235b31350d32c30d70bf997a535d6358a16cb787175b7f0efd6e32")
    assert "Joshi" in refset.citation and "10.1177/0022343314567486" in refset.citation
    accords = _pam_set()
    assert len(accords) == 34
    names = {a.name for a in accords}
    assert {"General Peace Agreement between the Government of the Republic of Senegal and MFDC",
            "Agreement on Ending Hostilities in the Republic of Congo",
            "Luena Memorandum of Understanding", "Interim Constitution Accord"} <= names
    assert not db.session.scalar(select(func.count(Accord.id)).where(
        Accord.kind == "reference", Accord.illustrative.is_(True)))


def test_every_accord_year_score_equals_the_files_own(app):
    computed = {}
    accords = db.session.scalars(select(Accord).where(Accord.reference_set == REFERENCE_SET))
    ids = {a.id: a for a in accords}
    for aid, years in queries.reference_years(list(ids)).items():
        for year in years:
            score = compare.ReferenceYear(year.calendar_year, year.levels).score
            computed[year.source_row] = _two_places(Decimal(score.numerator) / score.denominator)
    rows = _file_rows()
    assert len(computed) == len(rows) == 323
    for number, row in enumerate(rows, start=2):
        published = _two_places(row["agg_implem_score"])
        if number in QUIRK_ROWS:
            assert computed[number] != published  # the file counts refug points outside
        else:
            assert computed[number] == published, (number, row["accord name"], row["year"])


def test_reference_curve_equals_the_files_year_count_totals(app):
    expected = defaultdict(list)
    for number, row in enumerate(_file_rows(), start=2):
        if row["year_count"] and number not in QUIRK_ROWS:
            expected[int(row["year_count"])].append(Decimal(row["agg_implem_score"]))
    curve = compare.reference_curve(_pam_set())
    assert sorted(curve) == list(range(1, 11))
    assert {y: d.n for y, d in curve.items()} == {
        1: 34, 2: 34, 3: 33, 4: 33, 5: 33, 6: 32, 7: 32, 8: 31, 9: 31, 10: 29}
    for year, dist in curve.items():
        quirky = 1 if year <= 3 else 0  # Tajikistan's first three years (rows 43, 71, 147)
        assert dist.n == len(expected[year]) + quirky
        if not quirky:
            mean = sum(expected[year]) / len(expected[year])
            assert abs(float(dist.mean) - float(mean)) < 0.00001 * dist.n
    # year 1: the file's own scores give 41.74 over 34 accords; Tajikistan counts 34.92
    # (types in the accord) instead of the file's 38.10: (34 x 41.7429 - 3.1746) / 34
    assert round(float(curve[1].mean), 2) == 41.65


def test_alignment_rule_read_off_the_34_signing_dates(app):
    rule = queries.reference_set(REFERENCE_SET).alignment
    assert rule == {"last_same_year": "11-17", "first_next_year": "11-21", "observed": 34,
                    "exceptions": ["National Pact"]}


def test_quirks_reported_with_rows_and_what_was_done(app):
    quirks = {(q["row"], q["message"].split(":")[0]) for q in
              queries.reference_set(REFERENCE_SET).quirks}
    messages = " ".join(q["message"] for q in queries.reference_set(REFERENCE_SET).quirks)
    rows = {row for row, _m in quirks}
    assert {34, 43, 71, 147, 235, 8} <= rows
    assert "calendar year 2006 has no year_count" in messages
    assert "calendar year 2000 repeats row 234" in messages
    assert "refug_implem is 2 but refug_prov is 0" in messages


def test_external_ids_stored_and_in_the_api(client):
    taif = db.session.scalar(select(Accord).where(Accord.name == "Taif Accord"))
    assert taif.external_ids == {"pam_caseid": 25, "cowcode": 660}
    answer = client.get("/api/v1/accords").get_json()
    found = next(a for a in answer["accords"] if a["slug"] == taif.slug)
    assert found["external_ids"] == {"pam_caseid": 25, "cowcode": 660}


def test_xlsx_and_csv_give_the_same_set(app):
    xlsx = _file(".xlsx")
    result = import_set(xlsx.read_bytes(), xlsx.name, "PAM_ID xlsx")
    assert (result.accords, result.years, len(result.quirks)) == (34, 323, 11)
    by_label = {label: {a.name: {y: (c.calendar_year, dict(c.levels)) for y, c in a.years.items()}
                        for a in queries.reference_data(label)}
                for label in (REFERENCE_SET, "PAM_ID xlsx")}
    assert by_label[REFERENCE_SET] == by_label["PAM_ID xlsx"]
    # a name shared by two sets never merges them
    assert db.session.scalar(select(func.count(Accord.id)).where(
        Accord.name == "Taif Accord")) == 2
    assert len(_pam_set()) == 34


def test_csv_without_byte_order_mark_loads(app):
    data = _file(".csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    result = import_set(data[3:], "pam.csv", "PAM no BOM")
    assert result.accords == 34


def test_same_file_twice_is_refused_naming_the_set(app):
    data = (SEEDED / f"{NAME}.csv").read_bytes()
    with pytest.raises(ReferenceSetError, match="already imported as reference set 'PAM_ID v1.5'"):
        import_set(data, "copy.csv", "Another label")


def test_existing_label_needs_replace_and_replace_keeps_slugs(app):
    before = {a.slug for a in _pam_set()}
    xlsx = _file(".xlsx")
    with pytest.raises(ReferenceSetError, match="exists: replace it with this file"):
        import_set(xlsx.read_bytes(), xlsx.name, REFERENCE_SET)
    other = import_set(_long_file([("Other accord", "AMN", 2001, "2")]), "other.csv", "Other")
    assert other.accords == 1
    result = import_set(xlsx.read_bytes(), xlsx.name, REFERENCE_SET, replace=True)
    assert result.replaced and result.accords == 34
    assert {a.slug for a in _pam_set()} == before
    assert queries.reference_set(REFERENCE_SET).source_filename.endswith(".xlsx")
    assert [a.name for a in queries.reference_data("Other")] == ["Other accord"]


def test_delete_leaves_other_sets_untouched(app):
    import_set(_long_file([("Other accord", "AMN", 2001, "2")]), "other.csv", "Other")
    assert delete_set("Other") == 1
    assert queries.reference_set("Other") is None
    assert len(_pam_set()) == 34
    assert queries.reference_set(REFERENCE_SET).is_default
    with pytest.raises(ReferenceSetError, match="no reference set"):
        delete_set("Other")


def test_default_set_can_be_changed(app):
    import_set(_long_file([("Other accord", "AMN", 2001, "2")]), "other.csv", "Other")
    set_default("Other")
    from tracker.figures import default_reference_set

    assert default_reference_set() == "Other"
    app.config["REFERENCE_SET"] = REFERENCE_SET
    try:
        assert default_reference_set() == REFERENCE_SET
    finally:
        app.config["REFERENCE_SET"] = None


def _long_file(rows, extra: dict | None = None) -> bytes:
    out = io.StringIO()
    columns = ["accord", "country", "signed_on", "provision_type", "year", "level",
               *(extra or {})]
    writer = csv.writer(out)
    writer.writerow(columns)
    for name, code, year, level in rows:
        writer.writerow([name, "Nowhere", "2000-03-01", code, year, level, *(extra or {}).values()])
    return out.getvalue().encode()


def test_long_format_export_round_trips(client):
    exported = client.get(f"/reference-sets/{REFERENCE_SET}.csv")
    assert exported.status_code == 200
    delete_set(REFERENCE_SET)
    result = import_set(exported.data, "export.csv", REFERENCE_SET)
    assert (result.accords, result.years) == (34, 323)
    rows = queries.reference_set(REFERENCE_SET)
    assert rows.source_format == "long"
    scores = {a.name: {y: c.score for y, c in a.years.items()} for a in _pam_set()}
    assert len(scores) == 34
    taif = scores["Taif Accord"]
    assert _two_places(Decimal(taif[10].numerator) / taif[10].denominator) == 59.26


def _wide(headers_edit=None, row_edit=None) -> bytes:
    rows = list(csv.reader(io.StringIO((SEEDED / f"{NAME}.csv").read_text("utf-8-sig"))))
    if headers_edit:
        headers_edit(rows[0])
    if row_edit:
        row_edit(rows)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _refused(data: bytes, label="Bad") -> list[str]:
    before = db.session.scalar(select(func.count(ReferenceYear.id)))
    with pytest.raises(TableError) as caught:
        import_set(data, "bad.csv", label)
    assert db.session.scalar(select(func.count(ReferenceYear.id))) == before
    assert queries.reference_set(label) is None
    return [str(e) for e in caught.value.errors]


def test_missing_column_named(app):
    def drop(headers):
        headers[headers.index("cease_implem")] = "cease_zzz"
    assert any("missing column cease_implem" in e for e in _refused(_wide(drop)))


def test_unknown_stem_named(app):
    def rename(headers):
        for i, h in enumerate(headers):
            if h.startswith("truth_"):
                headers[i] = h.replace("truth_", "lies_")
    assert any("unknown provision-type stem 'lies'" in e for e in _refused(_wide(rename)))


@pytest.mark.parametrize("value", ["4", "x", "1.5", "-1"])
def test_bad_level_names_row_and_column(app, value):
    def bad(rows):
        rows[5][rows[0].index("elect_implem")] = value
    errors = _refused(_wide(row_edit=bad))
    assert any(e.startswith("row 6:") and "elect_implem" in e for e in errors), errors


def test_misspelt_columns_of_the_real_file_load(app):
    headers = next(csv.reader(io.StringIO((SEEDED / f"{NAME}.csv").read_text("utf-8-sig"))))
    assert {"civadm_impem", "develop_iplem", "disput_prov", "dispute_implem", "amnest_rev"} <= set(
        headers)
    assert len(_pam_set()) == 34  # the seed read them


def test_cli_refusals_exit_non_zero(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "again.csv"
    path.write_bytes((SEEDED / f"{NAME}.csv").read_bytes())
    result = runner.invoke(args=["import-reference", str(path)])
    assert result.exit_code == 1
    assert "already imported as reference set 'PAM_ID v1.5'" in result.output


def test_v2_header_accordname_is_recognised():
    headers = ["pam_caseid", "year_count", "accordname", "year", "country", "amnest_prov"]
    assert reader.detect_layout(headers) == "pam_id"


def test_workbook_with_pam_layout_reads_through_the_one_reader(app):
    book = Workbook()
    sheet = book.active
    rows = list(csv.reader(io.StringIO((SEEDED / f"{NAME}.csv").read_text("utf-8-sig"))))
    for row in rows[:12]:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    out = io.BytesIO()
    book.save(out)
    result = import_set(out.getvalue(), "part.xlsx", "Part")
    assert result.accords == 7 and result.years == 11  # the rows are not grouped by accord


def test_reference_pages_show_provenance_and_quirks(client):
    page = client.get("/reference")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "PAM_ID v1.5" in text and "Joshi" in text and "bac0dd02" in text
    nepal = db.session.scalar(select(Accord).where(Accord.name == "Comprehensive Peace Agreement",
                                                   Accord.reference_set == REFERENCE_SET))
    page = client.get(f"/reference/{nepal.slug}").get_data(as_text=True)
    assert "has no year_count" in page and "pam_caseid 29" in page


def test_api_lists_reference_sets_with_provenance(client):
    answer = client.get("/api/v1/reference-sets").get_json()
    pam = next(s for s in answer["reference_sets"] if s["label"] == REFERENCE_SET)
    assert pam["default"] is True and pam["accords"] == 34 and pam["illustrative"] is False
    assert pam["source"]["sha256"].startswith("bac0dd02") and pam["source"]["rows_read"] == 323
    assert pam["alignment"]["last_same_year"] == "11-17"
    assert len(pam["quirks"]) == 11


def test_an_accord_may_set_its_own_first_year(client, demo):
    base = f"/api/v1/accords/{demo.slug}/comparison?year=3"
    assert client.get(base).get_json()["accord_as_of"] == "2019-12-31"  # by PAM's rule
    demo.first_implementation_year = 2016
    from tracker import services

    services.touch(demo.id)
    db.session.commit()
    answer = client.get(base).get_json()
    assert answer["alignment"]["first_year"] == 2016 and answer["accord_as_of"] == "2018-12-31"


def test_import_accord_first_year_option_is_checked(runner, tmp_path):
    path = tmp_path / "structure.csv"
    path.write_text("code,section,text,provision_type,priority,tags,deadline\n"
                    "1,1 Point,Text,CFR,no,,\n")
    refused = runner.invoke(args=["import-accord", str(path), "--name", "X", "--country", "Y",
                                  "--signed-on", "2016-11-24",
                                  "--first-implementation-year", "2019"])
    assert refused.exit_code == 2 and "signing year or the next one" in refused.output
    made = runner.invoke(args=["import-accord", str(path), "--name", "X", "--country", "Y",
                               "--signed-on", "2016-11-24",
                               "--first-implementation-year", "2016"])
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(Accord).where(Accord.name == "X")
                             ).first_implementation_year == 2016


def test_replace_changes_comparison_etag_and_figures_follow(client, demo):
    url = f"/api/v1/accords/{demo.slug}/comparison?year=2"
    first = client.get(url)
    xlsx = _file(".xlsx")
    import_set(xlsx.read_bytes(), xlsx.name, REFERENCE_SET, replace=True)
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert second.get_json()["reference_accords"] == 34


def test_without_any_reference_set_pages_still_answer(client, demo):
    delete_set(REFERENCE_SET)
    assert queries.reference_sets() == []
    board = client.get(f"/accords/{demo.slug}/dashboard")
    assert board.status_code == 200
    assert client.get(f"/accords/{demo.slug}/charts/comparison.svg").status_code == 200
    assert client.get("/reference").status_code == 200
    assert client.get("/methodology").status_code == 200
    answer = client.get(f"/api/v1/accords/{demo.slug}/comparison")
    assert answer.status_code == 400
    assert "no reference set is loaded" in answer.get_json()["message"]
    report = client.get(f"/accords/{demo.slug}/report.xlsx")
    assert report.status_code == 200


def test_methodology_names_the_years_where_the_curve_differs_from_the_file(client):
    html = client.get("/methodology").get_data(as_text=True)
    table = html[html.index('id="table-curve-differences"'):]
    table = table[:table.index("</table>")]
    # Tajikistan's rows 43, 71 and 147 (years 1-3): 41.65 / 41.74, 53.26 / 53.35, 61.43 / 61.52
    assert 'data-key="1"' in table and "41.65" in table and "41.74" in table
    assert 'data-key="3"' in table and 'data-key="4"' not in table
    assert "on or before November 17" in html


def test_spanish_refusals_and_quirks(client, make_user, login):
    login(make_user("admin"))
    headers = {"Accept-Language": "es"}
    page = client.get("/methodology", headers=headers).get_data(as_text=True)
    assert "no tiene year_count" in page and "17 de noviembre" in page
    bad = client.post("/admin/reference-sets/", headers=headers,
                      content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"accord,country,signed_on,provision_type,year,"
                                                b"level\nX,Y,2001-03-04,CFR,2002,7\n"), "x.csv")})
    assert bad.status_code == 400 and "está fuera de" in bad.get_data(as_text=True)


@pytest.mark.parametrize("label, reason", [
    ("   ", "cannot be blank"), ("L" * 81, "at most 80"), ("bad\x00label", "U\\+0000"),
    ("esc\x1b[31m", "U\\+001B")])
def test_bad_labels_are_refused(app, label, reason):
    before = queries.reference_sets()
    with pytest.raises(ReferenceSetError, match=reason):
        import_set(_long_file([("X", "AMN", 2001, "2")]), "x.csv", label)
    assert queries.reference_sets() == before


def test_cli_bad_label_is_a_message_not_a_traceback(runner, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(_long_file([("X", "AMN", 2001, "2")]))
    result = runner.invoke(args=["import-reference", str(path), "--set", "   "])
    assert result.exit_code == 1 and "cannot be blank" in result.output
    assert "Traceback" not in result.output


def test_reference_xlsx_export_carries_its_provenance(runner, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "pam.xlsx"
    assert runner.invoke(args=["export-reference", str(path)]).exit_code == 0
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Reference", "About"]
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Reference set"] == REFERENCE_SET and about["Version"] == "1.5"
    assert "Joshi" in about["Cite"] and about["Source SHA-256"].startswith("bac0dd02")
    again = runner.invoke(args=["import-reference", str(path), "--set", "Again"])
    assert again.exit_code == 0, again.output


def test_a_label_on_two_lines_is_stored_on_one(app):
    import_set(_long_file([("X", "AMN", 2001, "2")]), "x.csv", " two\r\nlines ")
    assert queries.reference_set("two lines") is not None
