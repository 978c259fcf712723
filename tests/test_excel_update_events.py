"""The update workbook's Events sheet: written empty with its lists and notes, filled offline,
previewed with every bad row named by sheet, row and column, and confirmed with the status
changes in one transaction, all or nothing."""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.events.models import Event, EventSource, Source
from tracker.events.services import review_source
from tracker.excel import columns as C
from tracker.extensions import db
from tracker.models import Accord, Provision, StatusRecord, UploadBatch

from event_helpers import event_input

SLUG = "colombia-2016-demo"
TODAY = date.today()
KEYS = [c.key for c in C.UPDATE_EVENTS]


def _download(client) -> bytes:
    response = client.get(f"/accords/{SLUG}/update.xlsx")
    assert response.status_code == 200
    return response.data


def _fill(data: bytes, events: list[dict], status: dict | None = None) -> bytes:
    """The workbook with `events` (column key -> value) typed into its Events sheet, one a
    row from row 2, and `status` (code -> {column key: value}) into its update sheet."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[1]  # the Events sheet, whatever its language
    for number, values in enumerate(events, start=2):
        for key, value in values.items():
            cell = sheet.cell(number, KEYS.index(key) + 1, value)
            if isinstance(value, str):
                cell.data_type = "s"
    update = book.worksheets[0]
    rows = {row[0].value: row[0].row for row in update.iter_rows(min_row=2)}
    keys = [c.key for c in C.UPDATE]
    for code, values in (status or {}).items():
        for key, value in values.items():
            update.cell(rows[code], keys.index(key) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes):
    return client.post(f"/accords/{SLUG}/update", data={"workbook": (io.BytesIO(data),
                                                                     "update.xlsx")},
                       content_type="multipart/form-data")


def _page(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _event(**values) -> dict:
    base = {"date": date(2019, 3, 3), "title": "Entrega de tierras en Tibú",
            "description": "Se entregaron 300 hectáreas.", "place_code": "54810",
            "provision_codes": "1.1.1:advances; 1.1.2:sets back", "actors": "ANT",
            "source_title": "Informe ANT", "source_url": "https://example.org/ant",
            "source_date": date(2019, 3, 5), "publisher": "Agencia Nacional de Tierras",
            "source_kind": "report"}
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


def _events(demo) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.accord_id == demo.id)
                                   .order_by(Event.id)))


@pytest.fixture
def editor(demo, make_user, login):
    return login(make_user("editor", demo))


@pytest.fixture
def rising(client):
    """A provision below complete: code and its level."""
    api = client.get(f"/api/v1/accords/{SLUG}/provisions").get_json()["provisions"]
    found = next(p for p in api if p["level"] < 3)
    return found["code"], found["level"]


# --- the sheet -------------------------------------------------------------------------------

def test_the_events_sheet_is_empty_with_lists_dates_and_notes(client, editor, demo):
    book = load_workbook(io.BytesIO(_download(client)))
    sheet = book[C.EVENTS_SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in C.UPDATE_EVENTS]
    assert sheet.max_row == 1 and sheet.freeze_panes == "A2"  # no example row to delete
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    effect = rules[f"H2:H{C.UPDATE_EVENTS_ROWS + 1}"]
    assert effect.type == "list"
    assert effect.formula1 == '"advances,sets back,no effect on the level,context"'
    language = rules[f"E2:E{C.UPDATE_EVENTS_ROWS + 1}"]
    assert language.formula1 == '"English,Spanish"'
    kind = rules[f"O2:O{C.UPDATE_EVENTS_ROWS + 1}"]
    assert kind.formula1 == ('"official document,gazette,news,field observation,interview,'
                             'report"')
    dates = next(dv for dv in rules.values() if dv.type == "date")
    assert str(dates.sqref) == f"A2:A{C.UPDATE_EVENTS_ROWS + 1} B2:B{C.UPDATE_EVENTS_ROWS + 1}"
    assert dates.formula1 == (f"DATE({demo.signed_on.year},{demo.signed_on.month},"
                              f"{demo.signed_on.day})")
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert "1.1.2:advances; 1.3.1:context" in about["Event provisions"]
    assert "'Existing source (id)'" in about["Event sources"]
    assert "this workbook's language (English)" in about["Event language"]


def test_the_events_sheet_is_in_the_readers_language(client, editor):
    editor.locale = "es"
    db.session.commit()
    book = load_workbook(io.BytesIO(_download(client)))
    sheet = book["Eventos"]
    headers = [c.value for c in sheet[1]]
    assert headers[:7] == ["Fecha", "Fecha de fin", "Título", "Descripción",
                           "Idioma del título y la descripción", "Código del lugar",
                           "Disposiciones (código:efecto; ...)"]
    rules = {dv.errorTitle: dv for dv in sheet.data_validations.dataValidation}
    assert rules["Efecto"].formula1 == '"avanza,retrocede,sin efecto en el nivel,contexto"'
    assert "documento oficial" in rules["Tipo de fuente"].formula1
    assert rules["Idioma"].formula1 == '"inglés,español"'
    about = dict(book["Acerca de"].iter_rows(min_row=2, values_only=True))
    assert "1.1.2:avanza; 1.3.1:contexto" in about["Disposiciones del evento"]


# --- the round trip --------------------------------------------------------------------------

def test_events_and_status_changes_are_recorded_together(client, editor, demo, rising):
    code, level = rising
    cited = event_input(demo, title="Otro evento")
    from tracker.events.services import submit_event

    held = submit_event(cited).source_links[0].source
    filled = _fill(_download(client), [
        _event(),
        _event(date=date(2019, 4, 10), title="Consejo territorial", place_code="19050",
               provision_codes="1.1.3", effect="avanza", source_title=None, source_url=None,
               source_date=None, publisher=None, source_kind=None, source_id=held.id),
        _event(date=date(2020, 1, 15), title="Decreto", place_code=None,
               provision_codes="1.1.1:no effect on the level", source_kind="gazette",
               end_date=date(2020, 1, 20)),
    ], {code: {"new_level": level + 1, "effective_on": TODAY, "evidence_text": "Decreto"}})
    before = len(_events(demo))
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    preview = _page(client.get(response.headers["Location"]))
    assert "Events to record (Events)" in preview
    assert "Record 1 status change and 3 events" in preview
    assert "1.1.1: advances" in preview and "1.1.2: sets back" in preview
    assert f"#{held.id} {held.title}" in preview
    assert len(_events(demo)) == before  # nothing before confirmation
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    confirm = client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")
    assert confirm.status_code == 302
    first, second, third = _events(demo)[before:]
    assert (first.review_state, first.submitted_by_id, first.origin) == ("pending", editor.id,
                                                                        "import")
    assert first.place.code == "54810" and third.place_id is None
    assert third.ended_on == date(2020, 1, 20)
    assert {(l.provision.code, l.effect) for l in first.provision_links} == {
        ("1.1.1", "advances"), ("1.1.2", "sets_back")}
    assert [(l.provision.code, l.effect) for l in second.provision_links] == [
        ("1.1.3", "advances")]
    assert [l.effect for l in third.provision_links] == ["no_effect"]
    assert [l.source_id for l in second.source_links] == [held.id]
    made = first.source_links[0].source
    assert (made.title, made.url, made.published_on, made.kind) == (
        "Informe ANT", "https://example.org/ant", date(2019, 3, 5), "report")
    assert made.review_state == "pending" and made.accord_id == demo.id
    assert third.source_links[0].source.kind == "gazette"
    record = db.session.scalar(select(StatusRecord).where(StatusRecord.source == "excel"))
    assert record.provision.code == code and record.level == level + 1
    assert db.session.get(UploadBatch, batch.id).state == "committed"
    # the same workbook again: the events are held already, nothing is written twice
    again = _upload(client, filled)
    assert again.status_code == 200 and "already recorded" in _page(again)
    assert len(_events(demo)) == before + 3


def test_events_alone_are_an_upload(client, editor, demo):
    response = _upload(client, _fill(_download(client), [_event()]))
    assert response.status_code == 302, _page(response)[:3000]
    preview = _page(client.get(response.headers["Location"]))
    assert "Record 1 event" in preview
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    confirm = client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")
    assert confirm.status_code == 302
    assert "1 event recorded · pending review" in _page(client.get(confirm.headers["Location"]))
    assert [e.title for e in _events(demo)][-1] == "Entrega de tierras en Tibú"


def test_a_workbook_without_an_events_sheet_still_imports(client, editor, demo, rising):
    code, level = rising
    book = load_workbook(io.BytesIO(_fill(_download(client), [], {code: {
        "new_level": level + 1, "effective_on": TODAY, "evidence_text": "Decreto"}})))
    del book[C.EVENTS_SHEET]
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue())
    assert response.status_code == 302, _page(response)[:3000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert client.post(f"/accords/{SLUG}/update/{batch.id}/confirm").status_code == 302
    assert db.session.scalar(select(StatusRecord).where(StatusRecord.source == "excel"))


def test_spanish_headers_and_labels_are_read(client, editor, demo):
    editor.locale = "es"
    db.session.commit()
    filled = _fill(_download(client), [_event(provision_codes="1.1.1:retrocede; 1.1.2",
                                              effect="sin efecto en el nivel",
                                              source_kind="documento oficial")])
    editor.locale = "en"  # a Spanish workbook uploaded by an English reader
    db.session.commit()
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert client.post(f"/accords/{SLUG}/update/{batch.id}/confirm").status_code == 302
    event = _events(demo)[-1]
    assert {(l.provision.code, l.effect) for l in event.provision_links} == {
        ("1.1.1", "sets_back"), ("1.1.2", "no_effect")}
    assert event.source_links[0].source.kind == "official_document"


def _record(client, filled: bytes) -> None:
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert client.post(f"/accords/{SLUG}/update/{batch.id}/confirm").status_code == 302


def test_a_spanish_workbooks_events_are_in_spanish_unless_a_row_says(client, editor, demo):
    """Whoever uploads it: the workbook's language is that of its sheets."""
    editor.locale = "es"
    db.session.commit()
    filled = _fill(_download(client), [_event(), _event(title="Land handed over",
                                                        language="inglés")])
    editor.locale = "en"
    db.session.commit()
    _record(client, filled)
    assert [(e.title, e.language) for e in _events(demo)][-2:] == [
        ("Entrega de tierras en Tibú", "es"), ("Land handed over", "en")]
    api = client.get(f"/api/v1/accords/{SLUG}/events?review_state=pending").get_json()
    (found,) = [e for e in api["events"] if e["title"] == "Entrega de tierras en Tibú"]
    assert (found["title_es"], found["title_en"]) == ("Entrega de tierras en Tibú", "")


def test_an_english_workbooks_events_are_in_english_unless_a_row_says(client, editor, demo):
    _record(client, _fill(_download(client), [
        _event(title="Council meets"), _event(language="Spanish"),
        _event(title="Consejo territorial", language="español")]))
    assert [(e.title, e.language) for e in _events(demo)][-3:] == [
        ("Council meets", "en"), ("Entrega de tierras en Tibú", "es"),
        ("Consejo territorial", "es")]


# --- bad rows: named by sheet, row and column; nothing written -------------------------------

@pytest.mark.parametrize("values, expected", [
    ({"provision_codes": "9.9.9"},
     "Provisions (code:effect; ...): unknown provision code(s) 9.9.9"),
    ({"place_code": "99999"}, "Place code: 99999 is not a known place code"),
    ({"date": date(2016, 1, 1)}, "Date: the date is before the accord was signed"),
    ({"date": TODAY + timedelta(days=2)}, "Date: the date is in the future"),
    ({"end_date": date(2019, 3, 1)}, "End date: the end date is before the date"),
    ({"date": "3 March 2019"}, "Date: "),
    ({"title": None}, "Title: this field is required"),
    ({"provision_codes": "1.1.1:soon"},  # refused where it was typed
     "Provisions (code:effect; ...): unknown effect 'soon'"),
    ({"provision_codes": "1.1.1", "effect": "soon"},
     "Effect (for codes without one): unknown effect 'soon'"),
    ({"source_kind": "rumour"}, "Source kind: unknown kind 'rumour'"),
    ({"source_url": "javascript:alert(1)"}, "Source link: "),
    ({"source_id": 999999}, "Existing source (id): no source '999999'"),
    ({"provision_codes": "=1+1"}, "Provisions (code:effect; ...): unknown provision code(s)"),
    ({"language": "Klingon"}, "Language of the title and description: unknown language "
                              "'Klingon': use one of English, Spanish"),
])
def test_each_bad_row_is_named_and_nothing_is_written(client, editor, demo, row_counts,
                                                      values, expected):
    filled = _fill(_download(client), [_event(), _event(**{"title": "Segundo", **values})])
    before = row_counts()
    response = _upload(client, filled)
    assert response.status_code == 422
    page = _page(response)
    assert f"Events, row 3: {expected}" in page, page[:4000]
    assert "Events, row 2" not in page  # the good row is not blamed
    assert "Record" not in page  # no confirm button
    assert row_counts() == before


def test_a_provision_or_source_of_another_accord_is_refused(client, editor, demo,
                                                            row_counts):
    """Codes are looked up in this accord: another accord's provision is unknown here; a
    source of another accord cannot be cited."""
    other = Accord(slug="other-accord", name="Other accord", country="Colombia",
                   signed_on=date(2016, 6, 23))
    db.session.add(other)
    db.session.flush()
    db.session.add(Provision(accord_id=other.id, code="9.8.7", text="Elsewhere"))
    source = Source(accord_id=other.id, title="Their report", kind="report",
                    review_state="verified", origin="web")
    db.session.add(source)
    db.session.commit()
    before = row_counts()
    response = _upload(client, _fill(_download(client), [
        _event(provision_codes="1.1.1; 9.8.7"),
        _event(title="Segundo", source_id=source.id, source_title=None, source_url=None,
               source_date=None, publisher=None)]))
    assert response.status_code == 422
    page = _page(response)
    assert ("Events, row 2: Provisions (code:effect; ...): unknown provision code(s) 9.8.7"
            in page)
    assert "Events, row 3: Existing source (id): cites a source of another accord" in page
    assert row_counts() == before


def test_a_rejected_source_is_refused(client, editor, demo, row_counts):
    from tracker.events.services import submit_event

    source = submit_event(event_input(demo, title="Otro")).source_links[0].source
    review_source(source, "rejected", "broken link")
    before = row_counts()
    response = _upload(client, _fill(_download(client), [_event(source_id=source.id)]))
    assert response.status_code == 422
    assert "Existing source (id): cites a rejected source" in _page(response)
    assert row_counts() == before


def test_a_section_editor_may_not_link_provisions_elsewhere(client, demo, make_user, login,
                                                            row_counts):
    section = next(s for s in demo.sections if s.code == "2")
    login(make_user("editor", demo, section))
    data = client.get(f"/accords/{SLUG}/update.xlsx?section=2").data
    before = row_counts()
    response = _upload(client, _fill(data, [_event()]))
    assert response.status_code == 422
    assert "you may not link provision(s) 1.1.1, 1.1.2" in _page(response)
    assert row_counts() == before


def test_a_formula_in_the_events_sheet_is_refused(client, editor, row_counts):
    book = load_workbook(io.BytesIO(_fill(_download(client), [_event()])))
    book.worksheets[1]["C2"] = "=A1"
    out = io.BytesIO()
    book.save(out)
    before = row_counts()
    response = _upload(client, out.getvalue())
    assert response.status_code == 422
    assert "Events, row 2: Title: formulas and error cells are not accepted" in _page(response)
    assert row_counts() == before


def test_an_unknown_events_column_refuses_the_file(client, editor, row_counts):
    book = load_workbook(io.BytesIO(_fill(_download(client), [_event()])))
    book.worksheets[1].cell(1, len(KEYS) + 1, "Mood")
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue())
    assert response.status_code == 400
    assert "sheet Events: unknown column(s): Mood" in _page(response)


def test_a_bad_status_row_keeps_the_good_events_out(client, editor, demo, rising, row_counts):
    code, level = rising
    filled = _fill(_download(client), [_event()], {code: {
        "new_level": level + 1, "effective_on": TODAY + timedelta(days=5),
        "evidence_text": "x"}})
    before = row_counts()
    response = _upload(client, filled)
    assert response.status_code == 422 and "effective date is in the future" in _page(response)
    assert row_counts() == before


def test_a_failure_while_writing_the_events_rolls_back_the_records(client, editor, demo,
                                                                   rising, row_counts,
                                                                   monkeypatch):
    """Both checked at preview; the source the events cite is rejected before the
    confirmation: nothing is written, neither the status record nor any event, even when
    the rejection is seen only inside the transaction, after the records were added."""
    from tracker.events.services import submit_event

    code, level = rising
    source = submit_event(event_input(demo, title="Otro")).source_links[0].source
    filled = _fill(_download(client), [_event(), _event(title="Cita", source_id=source.id)],
                   {code: {"new_level": level + 1, "effective_on": TODAY,
                           "evidence_text": "Decreto"}})
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    from tracker.excel import importer

    plan = importer.read_update(demo, batch.content, editor)
    assert plan.ok and len(plan.event_inputs) == 2 and len(plan.changes) == 1
    review_source(source, "rejected", "broken link")
    before = row_counts()
    from tracker import services
    from tracker.events import services as event_services

    with pytest.raises(services.Invalid) as refused:
        services.confirm_upload(batch, plan.changes, verified=False,
                                events=plan.event_inputs)
    assert "event 1:sources" in refused.value.errors  # seen by the checks before writing
    with monkeypatch.context() as patched:  # the checks pass: the write inside sees it
        patched.setattr(event_services, "problems", lambda *args, **kwargs: {})
        with pytest.raises(services.Invalid) as refused:
            services.confirm_upload(batch, plan.changes, verified=False,
                                    events=plan.event_inputs)
    assert list(refused.value.errors) == ["events:sources"]
    assert row_counts() == before
    assert db.session.get(UploadBatch, batch.id).state == "pending"
    # through the page, the confirmation shows the row again and records nothing
    confirm = client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")
    assert confirm.status_code == 422
    assert "Events, row 3: Existing source (id): cites a rejected source" in _page(confirm)
    assert row_counts() == before
    assert db.session.scalar(select(func.count()).select_from(EventSource)
                             .where(EventSource.source_id == source.id)) == 1


def test_every_problem_of_a_row_is_named_at_once(client, editor, row_counts):
    filled = _fill(_download(client), [_event(
        date=date(2015, 1, 1), place_code="99999", provision_codes="9.9.9; 1.1.1",
        source_kind="rumour", source_url="javascript:alert(1)")])
    before = row_counts()
    response = _upload(client, filled)
    assert response.status_code == 422
    found = re.findall(r"Events, row 2: ([^:]+):", _page(response))
    assert sorted(set(found)) == ["Date", "Place code", "Provisions (code", "Source kind",
                                  "Source link"]
    assert "Source kind: unknown kind 'rumour': use one of official document, gazette" in (
        _page(response))
    assert row_counts() == before


def test_a_rows_problems_are_in_the_readers_language(client, editor, row_counts):
    """The rules' reasons are translated where shown, as the sheet's and columns' names are."""
    editor.locale = "es"
    db.session.commit()
    filled = _fill(_download(client), [_event(date=TODAY + timedelta(days=2),
                                              source_url="notaurl")])
    before = row_counts()
    response = _upload(client, filled)
    assert response.status_code == 422
    page = _page(response)
    assert "la fecha está en el futuro" in page, page[:4000]
    assert "el enlace debe ser una dirección http:// o https://" in page
    assert "the date is in the future" not in page and "the link must be" not in page
    assert row_counts() == before


def test_a_coordinators_events_are_verified_as_their_records(client, demo, make_user, login):
    """As on the web form, a coordinator's own events count as verified at once."""
    coordinator = login(make_user("coordinator", demo))
    response = _upload(client, _fill(_download(client), [_event()]))
    assert response.status_code == 302, _page(response)[:3000]
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert client.post(f"/accords/{SLUG}/update/{batch.id}/confirm").status_code == 302
    event = _events(demo)[-1]
    assert (event.review_state, event.reviewed_by_id) == ("verified", coordinator.id)
    assert event.source_links[0].source.review_state == "verified"


def test_the_preview_shows_every_date_in_the_readers_format(client, editor, demo, rising):
    """The Events sheet's dates (and a range's end) as every page shows dates ("10 jun
    2025" in Spanish), never as typed ("2025-06-10"); a date that is no date, as typed,
    beside the problem naming it."""
    editor.locale = "es"
    db.session.commit()
    code, level = rising
    filled = _fill(_download(client), [
        _event(date=date(2019, 6, 10), end_date=date(2019, 6, 12)),
        _event(date="10/06/2019", title="Otra")],
        {code: {"new_level": level + 1, "effective_on": TODAY, "evidence_text": "Acta"}})
    page = _page(_upload(client, filled))
    table = page[page.index('id="events"'):]
    cells = re.findall(r'<td data-label="Fecha">(.*?)</td>', table)
    assert cells == ["10 jun 2019 – 12 jun 2019", "10/06/2019"]
    assert "2019-06-10" not in table and "2019-06-12" not in table
    assert re.search(r'<td data-label="Desde">[^<]*\d{4}</td>', page)  # the rows' dates too
