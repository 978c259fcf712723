"""Every way in that applies the one input rule (tracker/domain/text.py): forms, addresses
and page parameters, the update workbook, the command-line importers, restore (the rule
itself: test_domain_text.py; the API's parameters: test_api_params.py; every form under
generated values: test_form_fuzz.py).

Every case here answered 500 (or stored what PostgreSQL cannot hold) before the rule; each
must be a 400 (or a named refusal) with a reason, and nothing stored. The suite runs on
SQLite and on PostgreSQL (TRACKER_TEST_DATABASE_URL)."""
from __future__ import annotations

import html
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.domain import text as rule
from tracker.extensions import db
from tracker.models import Accord, Provision, StatusRecord, User

from conftest import PASSWORD

SLUG = "colombia-2016-demo"


# --- forms -----------------------------------------------------------------------------------

def test_every_form_derives_from_the_normalising_base(app):
    from flask_wtf import FlaskForm as Plain

    from tracker.forms import FlaskForm

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    outside = [f"{c.__module__}.{c.__name__}" for c in every(Plain)
               if c.__module__.startswith("tracker") and not issubclass(c, FlaskForm)]
    assert outside == []


@pytest.fixture
def provision(demo):
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == "1.1.1"))


def _page(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _update(client, provision, **values):
    data = {"level": "2", "effective_on": "2024-05-01", "evidence_text": "Report of the agency",
            "evidence_url": "", "note": "", "version": str(provision.version)}
    data.update(values)
    return client.post(f"/accords/{SLUG}/provisions/{provision.code}/update", data=data)


@pytest.mark.parametrize("values, reason", [
    ({"evidence_text": "Report\x00of the agency"}, "control character (U+0000)"),
    ({"note": "see\x00here"}, "control character (U+0000)"),
    ({"evidence_url": "https://example.org/\x00"}, "control character (U+0000)"),
    ({"evidence_url": "https://[::1"}, "not a valid web address"),
    ({"evidence_url": "https://[::1]x/"}, "not a valid web address"),
    ({"corrects": str(2 ** 63)}, "No such record"),  # no record has a number that large
    ({"corrects": "9" * 5000}, "Not a valid integer"),
    ({"corrects": "-1"}, "No such record"),
    ({"version": "9" * 5000}, "The form is damaged"),
    ({"effective_on": "2024-W11-1"}, "Not a valid date"),
])
def test_bad_status_updates_are_400_with_a_reason_and_store_nothing(
        client, demo, make_user, login, provision, row_counts, values, reason):
    login(make_user("coordinator", demo))
    before = row_counts()
    response = _update(client, provision, **values)
    assert response.status_code == 400
    assert reason in _page(response)
    assert row_counts() == before


def test_vertical_tab_from_word_is_a_line_break(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    response = _update(client, provision, evidence_text="Decree 1\x0bArticle 2\r\nAnnex")
    assert response.status_code == 302
    record = db.session.scalar(select(StatusRecord).where(
        StatusRecord.provision_id == provision.id).order_by(StatusRecord.id.desc()).limit(1))
    assert record.evidence_text == "Decree 1\nArticle 2\nAnnex"


def test_nul_in_the_login_email_is_a_400_and_counts_nothing(client, make_user, row_counts):
    user = make_user("viewer")
    before = row_counts()
    response = client.post("/login", data={"email": user.email + "\x00",
                                           "password": "wrong password"})
    assert response.status_code == 400
    assert "control character (U+0000)" in _page(response)
    assert row_counts() == before
    assert db.session.get(User, user.id).failed_logins == 0
    ok = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert ok.status_code == 302


def test_a_tag_longer_than_its_column_is_a_field_error(client, demo, make_user, login,
                                                       provision, row_counts):
    login(make_user("coordinator", demo))
    before = row_counts()
    response = client.post(f"/accords/{SLUG}/provisions/{provision.code}/edit", data={
        "text": provision.text, "tags": "gender; " + "x" * 61,
        "version": str(provision.version)})
    assert response.status_code == 400 and "at most 60 characters" in _page(response)
    assert row_counts() == before


def test_review_and_admin_refusals_name_the_field(client, demo, make_user, login, provision,
                                                  row_counts):
    editor = make_user("editor", demo)
    login(editor)
    _update(client, provision)
    record = db.session.scalar(select(StatusRecord).where(
        StatusRecord.recorded_by_id == editor.id))
    login(make_user("admin"))
    before = row_counts()
    response = client.post(f"/review/{record.id}", data={"reason": "no\x00", "reject": "1"})
    assert response.status_code == 400 and "U+0000" in _page(response)
    response = client.post("/admin/organizations", data={"name": "Org\x00"})
    assert response.status_code == 400 and "U+0000" in _page(response)
    assert row_counts() == before


@pytest.mark.parametrize("target", ["/a\nb", "/a\r\nSet-Cookie: x=1", "/\u2028x", "/a\x00",
                                    "/\\evil.example", "//evil.example", "https://evil.example"])
def test_return_targets_never_leave_the_site_nor_break_headers(client, target):
    response = client.post("/language/es", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- addresses and query parameters of pages -------------------------------------------------

@pytest.mark.parametrize("method, url, status", [
    ("get", f"/accords/{SLUG}%00", 400),
    ("get", f"/accords/{SLUG}/provisions/1.1.1%00", 400),
    ("get", f"/accords/{SLUG}/provisions?q=a%00b", 400),
    ("get", f"/accords/{SLUG}/provisions?page={'9' * 5000}", 400),
    ("get", f"/accords/{SLUG}/provisions?page={2 ** 63}", 400),
    ("get", "/admin/audit?actor=a%00b", 400),
    ("get", f"/accords/{SLUG}/update/{2 ** 63}", 404),
    ("get", f"/accords/{SLUG}/update/{'9' * 5000}", 404),
    ("post", f"/review/{2 ** 63}", 404),
    ("post", f"/admin/users/{2 ** 31}/roles", 404),
    ("get", "/reference-sets/PAM%002015.csv", 400),
])
def test_bad_addresses_and_parameters_are_refused(client, make_user, login, method, url, status):
    login(make_user("admin"))
    response = getattr(client, method)(url)
    assert response.status_code == status


# --- the offline update workbook -------------------------------------------------------------

def test_update_workbook_of_an_accord_without_provisions(client, make_user, login):
    empty = Accord(slug="empty-accord", name="Accord with no provisions yet", country="Nowhere",
                   signed_on=date(2020, 1, 1))
    db.session.add(empty)
    db.session.commit()
    login(make_user("editor", empty))
    response = client.get("/accords/empty-accord/update.xlsx")
    assert response.status_code == 404 and "has no provisions yet" in _page(response)


def test_update_workbook_of_a_section_without_provisions_is_headers_only(demo):
    from tracker.excel import update
    from tracker.models import Section

    empty = Section(accord_id=demo.id, code="99", title="A section added, still empty",
                    position=999)
    db.session.add(empty)
    db.session.commit()
    book = load_workbook(io.BytesIO(update.update_workbook(demo, empty)))
    assert book.worksheets[0].max_row == 1  # the header row only


def _workbook_with_note(client, note_xml: bytes) -> bytes:
    """The accord's update workbook with a new level, today and evidence typed for its first
    provision, and `note_xml` placed raw into that row's note (as another program writes it)."""
    import zipfile

    from tracker.excel import importer

    book = load_workbook(io.BytesIO(client.get(f"/accords/{SLUG}/update.xlsx").data))
    sheet = book.worksheets[0]
    column = {importer.header_lookup()[c.value.lower()].key: c.column for c in sheet[1]}
    for key, value in (("new_level", 3), ("effective_on", date.today()),
                       ("evidence_text", "Decree"), ("note", "NOTEMARK")):
        sheet.cell(2, column[key]).value = value
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename).replace(b"NOTEMARK", note_xml))
    return patched.getvalue()


@pytest.mark.parametrize("note_xml, outcome", [
    ("a\u009bb".encode(), "U+009B"),  # a C1 control: legal XML, refused by the rule
    (b"a_x0000_b", "U+0000"),  # Excel's escape of NUL
    (b"line_x000B_break", "line\nbreak"),  # a vertical tab pasted from Word
])
def test_workbook_cells_pass_through_the_rule(client, demo, make_user, login, row_counts,
                                              note_xml, outcome):
    login(make_user("editor", demo))
    data = _workbook_with_note(client, note_xml)
    before = row_counts()
    response = client.post(f"/accords/{SLUG}/update", data={"workbook": (io.BytesIO(data),
                                                                          "u.xlsx")},
                           content_type="multipart/form-data")
    if outcome.startswith("U+"):
        assert response.status_code in (400, 422) and outcome in _page(response)
        assert row_counts() == before
    else:
        assert response.status_code == 302
        confirm = response.headers["Location"] + "/confirm"
        assert client.post(confirm).status_code == 302
        notes = db.session.scalars(select(StatusRecord.note).where(
            StatusRecord.source == "excel"))
        assert outcome in list(notes)


def test_upload_file_name_is_stored_safely(client, demo, make_user, login):
    from tracker.models import UploadBatch

    login(make_user("editor", demo))
    data = _workbook_with_note(client, b"fine")
    name = "informe\x00\x1b" + "ñ" * 400 + ".xlsx"
    response = client.post(f"/accords/{SLUG}/update", data={"workbook": (io.BytesIO(data),
                                                                          name)},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 400)
    for batch in db.session.scalars(select(UploadBatch)):
        assert rule.control_character(batch.filename) is None and len(batch.filename) <= 255


# --- command-line importers ------------------------------------------------------------------

@pytest.mark.parametrize("cell, shown", [("Decree\x00", "neither CSV text nor an Excel workbook"),
                                         ("Decree\x1b", "row 2: contains a control character "
                                                          "(U+001B)")])
def test_cli_importers_refuse_control_characters_with_the_row(runner, tmp_path, row_counts,
                                                              cell, shown):
    path = tmp_path / "statuses.csv"
    path.write_text("provision_code,level,effective_on,evidence,note\n"
                    f"1.1.1,3,2024-01-05,{cell},\n", encoding="utf-8")
    before = row_counts()
    result = runner.invoke(args=["import-statuses", SLUG, str(path)])
    assert result.exit_code == 1
    assert shown in result.output
    assert row_counts() == before


def test_cli_xlsx_cells_decode_excel_escapes_then_pass_the_rule(runner, tmp_path, demo):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["provision_code", "level", "effective_on", "evidence", "note"])
    book.active.append(["1.1.1", 3, date(2024, 1, 5), "Decree 1_x000B_Article 2", None])
    path = tmp_path / "statuses.xlsx"
    book.save(path)
    result = runner.invoke(args=["import-statuses", SLUG, str(path)])
    assert result.exit_code == 0, result.output
    evidence = db.session.scalars(select(StatusRecord.evidence_text).where(
        StatusRecord.accord_id == demo.id, StatusRecord.source != "web"))
    assert "Decree 1\nArticle 2" in list(evidence)


@pytest.mark.parametrize("row, shown", [
    ("1.1,1 Land,Text,,no,gender;" + "t" * 61 + ",", "a tag has 61 characters; at most 60"),
    ("1" * 41 + ",1 Land,Text,,no,,", "the provision code has 41 characters; at most 40"),
    ("1.1,1 " + "L" * 301 + ",Text,,no,,", "a section title has 301 characters; at most 300"),
])
def test_cli_structure_values_must_fit_their_columns(runner, tmp_path, row_counts, row, shown):
    path = tmp_path / "structure.csv"
    path.write_text("code,section,text,provision_type,priority,tags,deadline\n" + row + "\n",
                    encoding="utf-8")
    before = row_counts()
    result = runner.invoke(args=["import-accord", str(path), "--name", "Long", "--country",
                                 "Nowhere", "--signed-on", "2019-05-01", "--slug", "long"])
    assert result.exit_code == 1 and "row 2" in result.output and shown in result.output
    assert row_counts() == before


def test_cli_options_pass_through_the_rule(runner, row_counts):
    before = row_counts()
    result = runner.invoke(args=["users", "create", "new\x1b@example.org", "--role", "viewer"],
                           env={"TRACKER_NEW_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "U+001B" in result.output
    assert row_counts() == before


# --- restore ---------------------------------------------------------------------------------

def test_restore_refuses_a_dump_holding_nul_and_names_where(tmp_path):
    from tracker.backup import BackupError, dump, restore

    from test_backup import _other_database

    path = tmp_path / "dump.jsonl"
    dump(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith('{"table": "accords"'))
    columns = json.loads(lines[head])["columns"]
    row = json.loads(lines[head + 1])
    row[columns.index("name")] += "\x00"  # what a SQLite database could hold
    lines[head + 1] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with _other_database(f"sqlite:///{tmp_path / 'target.db'}"):
        with pytest.raises(BackupError) as refused:
            restore(path)
        assert db.session.scalar(select(db.func.count()).select_from(Accord)) == 0
    message = str(refused.value)
    assert "table accords" in message and f"id {row[columns.index('id')]}" in message
    assert "column name" in message and "U+0000" in message
