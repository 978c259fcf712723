"""The offline update round trip: download a workbook, fill it, upload, preview, confirm.
Every bad file and every bad row is refused with its reason, and nothing is written."""
from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.excel import columns as C
from tracker.excel import importer
from tracker.extensions import db
from tracker.models import Accord, Section, StatusRecord, UploadBatch

SLUG = "colombia-2016-demo"
TODAY = date.today()


# --- helpers ---------------------------------------------------------------------------------

def _download(client, query: str = "") -> bytes:
    response = client.get(f"/accords/{SLUG}/update.xlsx{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _rows_by_code(book) -> dict[str, int]:
    sheet = book.worksheets[0]  # the update sheet, whatever its language
    return {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}


def _fill(data: bytes, edits: dict[str, dict], *, header: dict[str, str] | None = None) -> bytes:
    """The workbook with `edits` (code -> {column key: value}) typed in, and headers renamed
    (`header`: old header -> new header, None deletes the column's header)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    column_of = {importer.header_lookup()[c.value.lower()].key: c.column for c in sheet[1]}
    rows = _rows_by_code(book)
    for code, values in edits.items():
        for key, value in values.items():
            cell = sheet.cell(rows[code], column_of[key])
            cell.value = value
            if isinstance(value, str) and not isinstance(value, Formula):
                cell.data_type = "s"  # typed text, as a spreadsheet stores it
    for cell in sheet[1]:
        if header and cell.value in header:
            cell.value = header[cell.value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_rows(data: bytes, *codes: str) -> bytes:
    """The workbook with a row added below the others for each code: new level 1, today,
    evidence "x", version 1."""
    book = load_workbook(io.BytesIO(data))
    for code in codes:
        book.worksheets[0].append([code, None, None, None, None, None, 1, 1, TODAY, None,
                                   "x", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Formula(str):
    """A value typed as a formula."""


def _upload(client, data: bytes, name: str = "update.xlsx"):
    return client.post(f"/accords/{SLUG}/update", data={"workbook": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _page(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _levels(client) -> dict[str, int]:
    api = client.get(f"/api/v1/accords/{SLUG}/provisions").get_json()["provisions"]
    return {p["code"]: p["level"] for p in api}


@pytest.fixture
def editor(demo, make_user, login):
    return login(make_user("editor", demo))


@pytest.fixture
def codes(client):
    """Three provisions below complete, and one above not initiated."""
    levels = _levels(client)
    rising = [code for code, level in levels.items() if level < 3][:3]
    falling = next(code for code, level in levels.items() if level > 0 and code not in rising)
    return rising, falling, levels


def _edit(level, evidence="Decree 123 of this year"):
    return {"new_level": level, "effective_on": TODAY, "evidence_text": evidence}


def _records(demo) -> list[StatusRecord]:
    return list(db.session.scalars(select(StatusRecord).where(
        StatusRecord.accord_id == demo.id, StatusRecord.source == "excel")))


def _bump(provision, user_id=None):
    """Another user records a status for the provision (its version goes up)."""
    provision.version += 1
    db.session.add(StatusRecord(accord_id=provision.accord_id, provision_id=provision.id,
                                level=1, effective_on=TODAY, recorded_by_id=user_id,
                                evidence_text="elsewhere", source="web",
                                review_state="pending"))
    db.session.commit()


# --- the workbook ----------------------------------------------------------------------------

def test_update_workbook_is_prefilled_protected_and_validated(client, editor, demo):
    book = load_workbook(io.BytesIO(_download(client)))
    assert book.sheetnames == [C.UPDATE_SHEET, C.EVENTS_SHEET, "About"]
    sheet = book[C.UPDATE_SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in C.UPDATE]
    assert sheet.max_row == 579 and sheet.freeze_panes == "B2"
    assert sheet.protection.sheet
    levels, versions = _levels(client), {p.code: p.version for p in demo.provisions}
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip([c.key for c in C.UPDATE], row))
        assert values["current_level"].value == levels[values["code"].value]
        assert values["version"].value == versions[values["code"].value]
        assert values["version"].protection.locked and values["code"].protection.locked
        for key in ("new_level", "effective_on", "evidence_url", "evidence_text", "note"):
            assert values[key].protection.locked is False and values[key].value is None
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert rules["H2:H579"].type == "list" and rules["H2:H579"].formula1 == '"0,1,2,3"'
    assert rules["I2:I579"].type == "date"
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Accord"] == SLUG and about["Section"] is None
    assert isinstance(about["Generated on"], datetime)  # a date cell, not text
    assert book["About"]["B4"].number_format == C.DATE_FORMAT


def test_section_workbook_holds_that_section_only(client, editor):
    book = load_workbook(io.BytesIO(_download(client, "?section=1")))
    api = client.get(f"/api/v1/accords/{SLUG}/provisions?section=1").get_json()["provisions"]
    assert list(_rows_by_code(book)) == [p["code"] for p in api]
    assert client.get(f"/accords/{SLUG}/update.xlsx?section=99").status_code == 400


# --- the round trip --------------------------------------------------------------------------

def test_an_unchanged_workbook_is_no_change(client, editor, row_counts):
    data = _download(client)
    before = row_counts()
    response = _upload(client, data)
    assert response.status_code == 200
    assert "No change" in _page(response)
    assert row_counts() == before


def test_edited_levels_become_exactly_those_pending_records(client, editor, demo, codes):
    rising, falling, levels = codes
    edits = {code: _edit(min(levels[code] + 1, 3)) for code in rising}
    edits[falling] = {"new_level": levels[falling] - 1, "effective_on": TODAY,
                      "evidence_text": "Decree 45 repealed it", "note": "=reversal noted"}
    response = _upload(client, _fill(_download(client), edits))
    assert response.status_code == 302, _page(response)[:2000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert batch.state == "pending" and batch.user_id == editor.id and len(batch.sha256) == 64
    assert _records(demo) == []  # nothing recorded before confirmation
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200 and "Record all 4 status changes" in _page(preview)
    confirm = client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")
    assert confirm.status_code == 302
    records = {r.provision.code: r for r in _records(demo)}
    assert set(records) == set(edits)
    for code, values in edits.items():
        record = records[code]
        assert record.level == values["new_level"] and record.effective_on == TODAY
        assert record.review_state == "pending" and record.recorded_by_id == editor.id
    assert records[falling].note == "=reversal noted"
    assert db.session.get(UploadBatch, batch.id).state == "committed"
    again = client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")
    assert again.status_code == 409
    assert len(_records(demo)) == 4


def test_uploading_the_same_workbook_again_is_no_change(client, editor, demo, codes, row_counts):
    rising, _falling, levels = codes
    filled = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1)})
    batch_url = _upload(client, filled).headers["Location"]
    client.post(batch_url + "/confirm")
    before = row_counts()
    response = _upload(client, filled)
    assert response.status_code == 200 and "already recorded" in _page(response)
    assert row_counts() == before


def test_a_coordinator_records_verified(client, demo, make_user, login, codes):
    login(make_user("coordinator", demo))
    rising, _falling, levels = codes
    code = rising[0]
    batch_url = _upload(client, _fill(_download(client), {code: _edit(levels[code] + 1)})) \
        .headers["Location"]
    assert client.post(batch_url + "/confirm").status_code == 302
    assert [r.review_state for r in _records(demo)] == ["verified"]
    assert _levels(client)[code] == levels[code] + 1


def test_a_provision_changed_since_download_is_a_conflict(client, editor, demo, codes,
                                                          row_counts):
    rising, _falling, levels = codes
    data = _download(client)
    provision = next(p for p in demo.provisions if p.code == rising[1])
    _bump(provision)
    before = row_counts()
    edits = {code: _edit(levels[code] + 1) for code in rising}
    response = _upload(client, _fill(data, edits))
    assert response.status_code == 409
    row = _rows_by_code(load_workbook(io.BytesIO(data)))[rising[1]]
    assert f"Row {row} ({rising[1]}): provision {rising[1]} changed since this workbook was " \
           "made" in _page(response)
    assert row_counts() == before


def test_a_conflict_at_confirmation_records_nothing(client, editor, demo, codes):
    rising, _falling, levels = codes
    edits = {code: _edit(levels[code] + 1) for code in rising}
    batch_url = _upload(client, _fill(_download(client), edits)).headers["Location"]
    _bump(next(p for p in demo.provisions if p.code == rising[2]))
    response = client.post(batch_url + "/confirm")
    assert response.status_code == 409 and "conflict" in _page(response)
    assert _records(demo) == []
    batch_id = int(batch_url.rsplit("/", 1)[1])
    assert db.session.get(UploadBatch, batch_id).state == "pending"


def test_discarding_an_upload(client, editor, demo, codes):
    rising, _falling, levels = codes
    batch_url = _upload(client, _fill(_download(client), {rising[0]: _edit(1 + levels[
        rising[0]])})).headers["Location"]
    assert client.post(batch_url + "/discard").status_code == 302
    batch_id = int(batch_url.rsplit("/", 1)[1])
    assert db.session.get(UploadBatch, batch_id).state == "discarded"
    assert client.post(batch_url + "/confirm").status_code == 409
    assert _records(demo) == []


# --- bad rows --------------------------------------------------------------------------------

def test_every_bad_row_is_named_and_nothing_is_written(client, editor, codes, row_counts):
    rising, falling, levels = codes
    data = _download(client)
    rows = _rows_by_code(load_workbook(io.BytesIO(data)))
    edits = {
        rising[0]: {"new_level": 5, "effective_on": TODAY},
        rising[1]: _edit(levels[rising[1]] + 1) | {"effective_on": TODAY + timedelta(days=3)},
        rising[2]: _edit(levels[rising[2]] + 1) | {"effective_on": date(2015, 1, 1)},
        falling: {"new_level": 3, "effective_on": TODAY} if levels[falling] < 3 else
        {"new_level": 3, "effective_on": "31/12/2020"},
    }
    filled = _with_rows(_fill(data, edits), "9.9.9", rising[0])
    before = row_counts()
    response = _upload(client, filled)
    page = _page(response)
    assert response.status_code == 422, page[:1500]
    assert f"Row {rows[rising[0]]} ({rising[0]}): New level (0-3): level must be 0, 1, 2 or 3" \
        in page
    assert f"Row {rows[rising[1]]} ({rising[1]}): the effective date is in the future" in page
    assert f"Row {rows[rising[2]]} ({rising[2]}): the effective date is before the accord " \
           "was signed" in page
    assert f"Row {rows[falling]} ({falling}):" in page
    assert "Row 580 (9.9.9): unknown provision code '9.9.9'" in page
    assert f"Row 581 ({rising[0]}): provision {rising[0]} appears on more than one row" in page
    assert "Nothing was recorded" in page
    # the problems sit in the error summary every failed form shows, focused on load, each
    # a link to its row of the preview
    from test_failed_forms import assert_summary, ids_of

    assert_summary(response, f"row-{rows[rising[0]]}", "row-580", "row-581")
    assert len(ids_of(page).links) == 6
    assert row_counts() == before


def test_every_problem_of_a_row_is_reported_together(client, editor, codes, row_counts):
    """A level that cannot be read does not hide the row's other problems: the date and the
    evidence are still checked, and the level is reported once."""
    rising, _falling, levels = codes
    data = _download(client)
    rows = _rows_by_code(load_workbook(io.BytesIO(data)))
    before = row_counts()
    response = _upload(client, _fill(data, {
        rising[0]: {"new_level": 7, "effective_on": date(2010, 1, 1)},
        rising[1]: {"new_level": levels[rising[1]] + 1,
                    "effective_on": TODAY + timedelta(days=3)}}))
    page = _page(response)
    assert response.status_code == 422, page[:1500]
    first, second = f"Row {rows[rising[0]]} ({rising[0]}): ", f"Row {rows[rising[1]]} ({rising[1]}): "
    assert first + "New level (0-3): level must be 0, 1, 2 or 3" in page
    assert first + "the effective date is before the accord was signed" in page
    assert page.count(first) == 2  # the level once (from the reader), the date once
    assert second + "the effective date is in the future" in page
    assert second + ("evidence (a link, a description or a cited event) is required when the "
                     "level changes") in page
    plan = importer.read_update(editor_accord(), _fill(data, {
        rising[0]: {"new_level": 7, "effective_on": date(2010, 1, 1)}}), editor)
    (row,) = plan.problem_rows
    assert len(row.problems) == 2 and row.unreadable == {"new_level"}
    assert row_counts() == before


def editor_accord() -> Accord:
    return db.session.scalar(select(Accord).where(Accord.slug == SLUG))


@pytest.mark.parametrize("direction", ["rise", "fall"])
def test_evidence_is_required_when_the_level_changes(client, editor, codes, direction):
    rising, falling, levels = codes
    code, step = (rising[0], 1) if direction == "rise" else (falling, -1)
    response = _upload(client, _fill(_download(client), {
        code: {"new_level": levels[code] + step, "effective_on": TODAY, "note": "noted"}}))
    assert response.status_code == 422
    assert ("evidence (a link, a description or a cited event) is required when the level "
            "changes") in _page(response)


def test_formula_cells_are_refused(client, editor, codes, row_counts):
    rising, _falling, levels = codes
    before = row_counts()
    response = _upload(client, _fill(_download(client), {
        rising[0]: {"new_level": Formula("=1+1"), "effective_on": TODAY, "evidence_text": "x"}}))
    assert response.status_code == 422 and "formulas are not accepted" in _page(response)
    assert row_counts() == before


def test_a_section_editor_edits_only_their_section(client, demo, make_user, login, codes):
    section = db.session.scalar(select(Section).where(Section.accord_id == demo.id,
                                                      Section.code == "1"))
    login(make_user("editor", demo, section=section))
    assert client.get(f"/accords/{SLUG}/update.xlsx").status_code == 403
    own = load_workbook(io.BytesIO(_download(client, "?section=1")))
    assert client.get(f"/accords/{SLUG}/update").status_code == 200
    outside = next(p.code for p in demo.provisions if p.code not in _rows_by_code(own))
    full = db.session.scalar(select(Accord).where(Accord.slug == SLUG))
    from tracker.excel.update import update_workbook
    response = _upload(client, _fill(update_workbook(full), {outside: _edit(3)}))
    assert response.status_code == 422
    assert f"you may not edit provision {outside}" in _page(response)


# --- bad files -------------------------------------------------------------------------------

def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _with_macro(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 512
    return _zip(parts)


def _bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b" " * (40 * 1024 * 1024)})


def _edit_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    return _zip(parts)


def _only_a_chartsheet(_data: bytes) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.create_chartsheet("Update")
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shown(reason: str, page: str) -> bool:
    """Whether `reason` is on the page, where a reason opening a message is shown as a
    sentence (capital first)."""
    return reason in page or reason[0].upper() + reason[1:] in page


@pytest.mark.parametrize("make, expected", [
    (lambda data: _edit_sheet(data, lambda xml: xml.replace(b"<v>", b"<v>abc", 1)),
     "the workbook cannot be read"),
    (lambda data: _edit_sheet(data, lambda xml: xml.replace(b"</row>", b"</rowx>", 1)),
     "the workbook cannot be read"),
    (lambda data: _edit_sheet(data, lambda xml: xml.replace(b'r="A2"', b'r="2A"', 1)),
     "the workbook cannot be read"),
    (_only_a_chartsheet, "the workbook cannot be opened"),
    (lambda data: b"just some text, not a workbook", "the file is not an XLSX workbook"),
    (lambda data: data[: len(data) // 2], "not a readable XLSX workbook"),
    (_with_macro, "macro-enabled workbooks are not accepted"),
    (lambda data: _bomb(), "uncompressed size is out of bounds"),
    (lambda data: _fill(data, {}, header={"New level (0-3)": "Nivel nuevo"}),
     "missing column(s): New level (0-3)"),
    (lambda data: _fill(data, {}, header={"New level (0-3)": "Nivel nuevo"}),
     "unknown column(s): Nivel nuevo"),
    (lambda data: _fill(data, {}, header={"Version (do not edit)": None}),
     "missing column(s): Version (do not edit)"),
])
def test_bad_files_are_refused_with_a_reason(client, editor, row_counts, make, expected):
    data = make(_download(client))
    before = row_counts()
    response = _upload(client, data)
    assert response.status_code == 400
    assert _shown(expected, _page(response))
    assert row_counts() == before


@pytest.mark.parametrize("key", ["Accord", "accord", "Acuerdo"])
def test_a_workbook_for_another_accord_is_refused(client, editor, demo, row_counts, key):
    """The About sheet names the accord in the reader's language; older workbooks wrote the
    key "accord": both are read, in any of the app's languages."""
    data = _download(client)
    book = load_workbook(io.BytesIO(data))
    for row in book["About"].iter_rows(min_row=2):
        if row[0].value == "Accord":
            row[0].value, row[1].value = key, "another-accord"
    out = io.BytesIO()
    book.save(out)
    before = row_counts()
    response = _upload(client, out.getvalue())
    assert response.status_code == 400 and "made for accord 'another-accord'" in _page(response)
    assert row_counts() == before


def test_an_upload_over_the_size_limit_is_413(app, client, editor, row_counts, monkeypatch):
    data = _download(client)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    before = row_counts()
    assert len(data) > 4096
    assert _upload(client, data).status_code == 413
    assert row_counts() == before


def test_no_file_and_no_csrf_token_are_400(app, client, editor, row_counts, monkeypatch):
    before = row_counts()
    response = client.post(f"/accords/{SLUG}/update", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose the workbook" in _page(response)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = _upload(client, _download(client))
    assert response.status_code == 400 and "Form expired" in _page(response)
    assert row_counts() == before


# --- who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/update.xlsx"), ("get", "/update"), ("post", "/update"),
    ("get", "/update/1"), ("post", "/update/1/confirm"), ("post", "/update/1/discard"),
])
def test_anonymous_users_are_sent_to_log_in(client, method, path):
    response = getattr(client, method)(f"/accords/{SLUG}{path}")
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role, other", [("editor", True), ("viewer", False)])
def test_users_who_may_not_edit_get_403(client, demo, make_user, login, role, other):
    accord = db.session.scalar(select(Accord).where(Accord.kind == "reference")) if other \
        else demo
    login(make_user(role, accord))
    assert client.get(f"/accords/{SLUG}/update.xlsx").status_code == 403
    assert client.get(f"/accords/{SLUG}/update").status_code == 403
    assert _upload(client, b"whatever").status_code == 403


def test_another_users_upload_is_not_found(client, demo, make_user, login, codes):
    rising, _falling, levels = codes
    login(make_user("editor", demo))
    batch_url = _upload(client, _fill(_download(client), {rising[0]: _edit(
        levels[rising[0]] + 1)})).headers["Location"]
    login(make_user("coordinator", demo))
    assert client.get(batch_url).status_code == 404
    assert client.post(batch_url + "/confirm").status_code == 404
    assert _records(demo) == []


# --- in the reader's language ----------------------------------------------------------------

SPANISH_HEADERS = ["Código", "Sección", "Texto", "Nivel actual", "Nivel actual (nombre)",
                   "Último cambio", "Versión (no editar)", "Nivel nuevo (0-3)", "Vigente desde",
                   "Enlace de la evidencia", "Evidencia", "Nota", "Eventos citados"]


@pytest.fixture
def spanish_editor(editor):
    editor.locale = "es"
    db.session.commit()
    return editor


def test_a_spanish_reader_gets_the_workbook_in_spanish(client, spanish_editor):
    book = load_workbook(io.BytesIO(_download(client)))
    assert book.sheetnames == ["Actualización", "Eventos", "Acerca de"]
    sheet = book["Actualización"]
    assert [c.value for c in sheet[1]] == SPANISH_HEADERS
    labels = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert labels <= {"No iniciado", "Mínimo", "Intermedio", "Completo"} and len(labels) > 1
    rules = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert rules["list"].errorTitle == "Nivel 0-3"
    assert rules["list"].error.startswith("Elija 0 (No iniciado), 1 (Mínimo)")
    assert rules["date"].error.startswith("Una fecha igual o posterior a la de la firma")
    about = dict(book["Acerca de"].iter_rows(min_row=2, values_only=True))
    assert about["Acuerdo"] == SLUG and "Sección" in about and "Generado el" in about
    assert not {"accord", "section", "generated_on", "app_version"} & set(about)
    assert "«Nivel nuevo (0-3)»" in about["Cómo usarlo"]


@pytest.mark.parametrize("reader", ["es", "en"])
def test_a_spanish_workbook_round_trips_for_any_reader(client, spanish_editor, demo, codes,
                                                       reader):
    rising, _falling, levels = codes
    filled = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1)})
    spanish_editor.locale = reader
    db.session.commit()
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:1500]
    batch_url = response.headers["Location"]
    assert rising[0] in _page(client.get(batch_url))
    assert client.post(batch_url + "/confirm").status_code == 302
    assert [(r.provision.code, r.level) for r in _records(demo)] == [
        (rising[0], levels[rising[0]] + 1)]


def test_an_english_workbook_uploads_for_a_spanish_reader(client, editor, codes):
    rising, _falling, levels = codes
    filled = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1)})
    editor.locale = "es"
    db.session.commit()
    assert _upload(client, filled).status_code == 302


def test_row_problems_are_shown_in_the_readers_language(client, spanish_editor, codes,
                                                        row_counts):
    rising, _falling, levels = codes
    data = _download(client)
    rows = _rows_by_code(load_workbook(io.BytesIO(data)))
    filled = _fill(data, {
        rising[0]: {"new_level": 5, "effective_on": TODAY},
        rising[1]: _edit(levels[rising[1]] + 1) | {"effective_on": TODAY + timedelta(days=3)},
        rising[2]: _edit(levels[rising[2]] + 1) | {"effective_on": "31/12/2020"},
    })
    filled = _with_rows(filled, "9.9.9")
    before = row_counts()
    response = _upload(client, filled)
    page = _page(response)
    assert response.status_code == 422
    assert f"Fila {rows[rising[0]]} ({rising[0]}): Nivel nuevo (0-3): el nivel debe ser 0, 1, " \
           "2 o 3, no 5" in page
    assert f"Fila {rows[rising[1]]} ({rising[1]}): la fecha de vigencia está en el futuro" \
        in page
    assert f"Fila {rows[rising[2]]} ({rising[2]}): Vigente desde: '31/12/2020' no es una " \
           "fecha (use AAAA-MM-DD)" in page
    assert "Fila 580 (9.9.9): código de disposición desconocido '9.9.9'" in page
    assert row_counts() == before


@pytest.mark.parametrize("make, expected", [
    (lambda data: b"just some text, not a workbook", "el archivo no es un libro XLSX"),
    (_with_macro, "no se aceptan libros con macros"),
    (lambda data: _fill(data, {}, header={"Versión (no editar)": None}),
     "Fila 1: falta(n) la(s) columna(s): Versión (no editar)"),
])
def test_bad_files_are_refused_in_the_readers_language(client, spanish_editor, row_counts,
                                                       make, expected):
    before = row_counts()
    response = _upload(client, make(_download(client)))
    assert response.status_code == 400 and _shown(expected, _page(response))
    assert row_counts() == before


def test_cells_far_right_of_the_header_are_ignored(client, editor, codes):
    rising, _falling, levels = codes
    data = _fill(_download(client), {rising[0]: _edit(levels[rising[0]] + 1)})

    def stray(xml: bytes) -> bytes:  # one cell in the last column of every data row
        return re.sub(rb'<row r="([2-9]|\d\d+)"([^>]*)>(.*?)</row>',
                      lambda m: b'<row r="%s"%s>%s<c r="XFD%s"><v>1</v></c></row>' % (
                          m.group(1), m.group(2), m.group(3), m.group(1)), xml, flags=re.S)

    response = _upload(client, _edit_sheet(data, stray))
    assert response.status_code == 302, _page(response)[:1500]
    assert rising[0] in _page(client.get(response.headers["Location"]))


@pytest.mark.parametrize("typed", ["Intermedio", "intermediate", "2 - Intermedio",
                                   "2 (Intermediate)", "2"])
def test_a_new_level_may_be_typed_by_its_name(client, editor, codes, typed):
    code = next(c for c, level in codes[2].items() if level < 2)
    filled = _fill(_download(client), {code: _edit(2) | {"new_level": typed}})
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:1500]


def test_a_number_and_a_name_that_disagree_are_refused(client, editor, codes):
    code = next(c for c, level in codes[2].items() if level < 2)
    response = _upload(client, _fill(_download(client),
                                     {code: _edit(2) | {"new_level": "2 - Completo"}}))
    assert response.status_code == 422 and "level must be 0, 1, 2 or 3" in _page(response)


def test_useful_reasons_for_the_wrong_file(client, editor, row_counts):
    before = row_counts()
    csv_file = _upload(client, b"code,new_level\n1.1.1,2\n", "update.csv")
    assert csv_file.status_code == 400
    page = _page(csv_file)
    assert "Save as > Excel Workbook (.xlsx)" in page
    assert page.index("Nothing was recorded") < page.index("1. Download an update workbook")
    report = _upload(client, client.get(f"/accords/{SLUG}/report.xlsx").data, "report.xlsx")
    assert report.status_code == 400 and _shown("this is not an update workbook", _page(report))
    assert row_counts() == before
