"""Status rows of the offline update workbook citing events: an event recorded already (by
number) or one typed on the same workbook's Events sheet ("E5"); every bad reference named
at its row and column, all or nothing; the events, records and citations written in one
transaction; and the review of a record citing an event still pending (or rejected)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from event_helpers import assert_refused_at_the_item, event_input
from test_excel_update_events import _download, _fill, _page, _upload
from tracker import services
from tracker.domain.citing import EventRefs, parse_event_refs
from tracker.domain.rules import Submission
from tracker.events.models import Event, EventProvision, StatusRecordEvent
from tracker.events.services import review_event, submit_event
from tracker.excel import columns as C
from tracker.extensions import db
from tracker.models import Accord, StatusRecord, UploadBatch, utcnow

SLUG = "colombia-2016-demo"
TODAY = date.today()
KEYS = [c.key for c in C.UPDATE]


# --- the notation ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, refs", [
    ("12", EventRefs((12,))),
    (12.0, EventRefs((12,))),
    ("#12; E5 ;e3, 40", EventRefs((12, 40), (3, 5))),
    ("E5; E5", EventRefs((), (5,))),
    (" ; ", None),
    (None, None),
])
def test_references_are_numbers_or_events_sheet_rows(typed, refs):
    assert parse_event_refs(typed) == refs


@pytest.mark.parametrize("typed", ["row 5", "E1", "5a", "E", "#-3", "12 13"])
def test_other_references_are_refused_by_name(typed):
    with pytest.raises(ValueError) as caught:
        parse_event_refs(typed)
    assert "is neither an event number" in str(caught.value.args[0])


# --- helpers ---------------------------------------------------------------------------------

def _event_row(codes: str, **values) -> dict:
    base = {"date": date(2019, 3, 3), "title": "Entrega de tierras en Tibú",
            "place_code": "54810", "provision_codes": codes, "source_title": "Informe ANT",
            "source_url": "https://example.org/ant", "source_kind": "report"}
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def _confirm(client):
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    return client.post(f"/accords/{SLUG}/update/{batch.id}/confirm")


def _counts(demo) -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Event.id)).where(Event.accord_id == demo.id)),
            db.session.scalar(select(func.count(StatusRecord.id))),
            db.session.scalar(select(func.count()).select_from(StatusRecordEvent)))


def _cites(record: StatusRecord) -> list[int]:
    return list(db.session.scalars(select(StatusRecordEvent.event_id).where(
        StatusRecordEvent.status_record_id == record.id).order_by(StatusRecordEvent.event_id)))


@pytest.fixture
def levels(client) -> dict[str, int]:
    api = client.get(f"/api/v1/accords/{SLUG}/provisions").get_json()["provisions"]
    return {p["code"]: p["level"] for p in api}


@pytest.fixture
def verified_event(demo):
    """A verified event bearing on the demo's first two provisions."""
    event = submit_event(event_input(demo, title="Decreto verificado"))
    review_event(event, "verified")
    return event


def _other_level(level: int) -> int:
    return level + 1 if level < 3 else level - 1


def _two(demo, levels) -> tuple[str, str]:
    """A provision the verified event bears on (the first) and another one it does not."""
    first = demo.provisions[0].code
    linked = {demo.provisions[0].id, demo.provisions[1].id}
    other = next(p.code for p in demo.provisions if p.id not in linked and p.code in levels)
    return first, other


# --- the round trip --------------------------------------------------------------------------

def _round_trip(client, demo, levels, verified_event):
    first, other = _two(demo, levels)
    filled = _fill(_download(client), [_event_row(f"{other}:advances")], {
        other: {"new_level": _other_level(levels[other]), "effective_on": TODAY,
                "events": "E2"},
        first: {"new_level": _other_level(levels[first]), "effective_on": TODAY,
                "events": str(verified_event.id)}})
    before = _counts(demo)
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    preview = _page(client.get(response.headers["Location"]))
    assert "Events cited" in preview
    assert "E2 Entrega de tierras en Tibú" in preview
    assert f"#{verified_event.id} Decreto verificado" in preview
    assert "Record 2 status changes and 1 event" in preview
    assert _counts(demo) == before  # nothing before confirmation
    assert _confirm(client).status_code == 302
    new = db.session.scalar(select(Event).where(Event.accord_id == demo.id)
                            .order_by(Event.id.desc()).limit(1))
    record = {r.provision.code: r for r in db.session.scalars(
        select(StatusRecord).where(StatusRecord.source == "excel"))}
    assert new.title == "Entrega de tierras en Tibú"
    assert _cites(record[other]) == [new.id]
    assert _cites(record[first]) == [verified_event.id]
    assert not record[other].evidence_text and not record[other].evidence_url
    return new, record[other], record[first]


def test_an_editor_records_an_event_and_the_level_it_changed_in_one_workbook(
        client, demo, make_user, login, levels, verified_event):
    login(make_user("editor", demo))
    new, citing, other = _round_trip(client, demo, levels, verified_event)
    assert (new.review_state, citing.review_state, other.review_state) == ("pending",) * 3


def test_a_coordinators_workbook_is_verified_at_once_events_and_records(
        client, demo, make_user, login, levels, verified_event):
    login(make_user("coordinator", demo))
    new, citing, other = _round_trip(client, demo, levels, verified_event)
    assert (new.review_state, citing.review_state, other.review_state) == ("verified",) * 3


@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_the_same_workbook_uploaded_again_records_nothing_twice(client, demo, make_user, login,
                                                               levels, role):
    """Its Events row is held by the accord now (pending for an editor, verified for a
    coordinator); the status row citing it repeats the record already written."""
    login(make_user(role, demo))
    _first, other = _two(demo, levels)
    filled = _fill(_download(client), [_event_row(f"{other}:advances")], {
        other: {"new_level": _other_level(levels[other]), "effective_on": TODAY,
                "events": "E2"}})
    assert _upload(client, filled).status_code == 302
    assert _confirm(client).status_code == 302
    after = _counts(demo)
    again = _upload(client, filled)
    page = _page(again)
    assert again.status_code == 200, page[:3000]
    assert "already recorded" in page and "awaits review" not in page
    assert _counts(demo) == after


def test_the_workbook_explains_the_column_in_the_readers_language(client, demo, make_user,
                                                                   login):
    user = login(make_user("editor", demo))
    book = load_workbook(io.BytesIO(_download(client)))
    sheet = book.worksheets[0]
    assert sheet.cell(1, KEYS.index("events") + 1).value == "Events cited"
    letter = chr(ord("A") + KEYS.index("events"))
    note = next(dv for dv in sheet.data_validations.dataValidation
                if str(dv.sqref).startswith(f"{letter}2:"))
    assert note.showInputMessage and "E5 = its row 5" in note.prompt
    assert len(note.prompt) <= 255  # Excel's limit for an input message
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert "E followed by a row number of the Events sheet" in about["Events cited"]
    user.locale = "es"
    db.session.commit()
    book = load_workbook(io.BytesIO(_download(client)))
    sheet = book["Actualización"]
    assert sheet.cell(1, KEYS.index("events") + 1).value == "Eventos citados"
    note = next(dv for dv in sheet.data_validations.dataValidation if dv.prompt)
    assert "hoja Eventos" in note.prompt and len(note.prompt) <= 255
    about = dict(book["Acerca de"].iter_rows(min_row=2, values_only=True))
    assert "E seguida del número de una fila" in about["Eventos citados"]


def test_a_spanish_workbook_cites_its_events_rows(client, demo, make_user, login, levels):
    user = login(make_user("editor", demo))
    user.locale = "es"
    db.session.commit()
    _first, other = _two(demo, levels)
    filled = _fill(_download(client), [_event_row(f"{other}:avanza", source_kind="informe")],
                   {other: {"new_level": _other_level(levels[other]), "effective_on": TODAY,
                            "events": "e2"}})
    response = _upload(client, filled)
    assert response.status_code == 302, _page(response)[:3000]
    assert _confirm(client).status_code == 302
    record = db.session.scalar(select(StatusRecord).where(StatusRecord.source == "excel"))
    assert len(_cites(record)) == 1


def test_a_workbook_made_before_the_column_still_imports(client, demo, make_user, login,
                                                         levels):
    login(make_user("editor", demo))
    _first, other = _two(demo, levels)
    book = load_workbook(io.BytesIO(_fill(_download(client), [], {other: {
        "new_level": _other_level(levels[other]), "effective_on": TODAY,
        "evidence_text": "Decreto"}})))
    book.worksheets[0].delete_cols(KEYS.index("events") + 1)
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue())
    assert response.status_code == 302, _page(response)[:3000]
    assert _confirm(client).status_code == 302


# --- bad references --------------------------------------------------------------------------

def _other_accords_event(demo) -> int:
    other = db.session.scalar(select(Accord).where(Accord.id != demo.id).limit(1))
    event = Event(accord_id=other.id, occurred_on=date(2019, 1, 1), title="Ajeno",
                  origin="web", submitted_at=utcnow(), review_state="verified",
                  reviewed_at=utcnow())
    db.session.add(event)
    db.session.commit()
    return event.id


def _on(demo, code: str, title: str) -> Event:
    """A pending event bearing on provision `code` only."""
    provision = next(p for p in demo.provisions if p.code == code)
    return submit_event(event_input(demo, title=title, provisions=[(provision, "advances")]))


def _pending(demo, code: str) -> int:
    return _on(demo, code, "Pendiente").id


def _rejected(demo, code: str) -> int:
    event = _on(demo, code, "Rechazado")
    review_event(event, "rejected", "sin fuente")
    return event.id


BAD = {
    "unknown": (lambda demo, ev, code: "999999", "#999999: this accord has no such event"),
    "other accord": (lambda demo, ev, code: str(_other_accords_event(demo)),
                     "this accord has no such event"),
    "other provision": (lambda demo, ev, code: f"#{ev.id}",
                        "event 'Decreto verificado' does not bear on provision"),
    "pending": (lambda demo, ev, code: str(_pending(demo, code)),
                "event 'Pendiente' awaits review; only verified events can be cited"),
    "rejected": (lambda demo, ev, code: str(_rejected(demo, code)),
                 "event 'Rechazado' was rejected; it cannot be cited"),
    "no such row": (lambda demo, ev, code: "E9", "E9: the Events sheet has no event on that row"),
    "bad row": (lambda demo, ev, code: "E3", "E3: that row of the Events sheet has problems"),
    "row not linking": (lambda demo, ev, code: "E2",
                        "E2: the event on that row does not bear on provision"),
    "not a reference": (lambda demo, ev, code: "fila 2", "'fila 2' is neither an event number"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_bad_reference_is_named_and_nothing_is_written(client, demo, make_user, login,
                                                            levels, verified_event, case):
    login(make_user("editor", demo))
    make_ref, expected = BAD[case]
    first, other = _two(demo, levels)
    ref = make_ref(demo, verified_event, other)
    filled = _fill(_download(client), [
        _event_row(f"{first}:advances"),                        # row 2: good, not `other`
        _event_row(f"{other}:advances", title=None)],           # row 3: no title
        {other: {"new_level": _other_level(levels[other]), "effective_on": TODAY,
                 "evidence_text": "Acta", "events": ref},
         first: {"new_level": _other_level(levels[first]), "effective_on": TODAY,
                 "events": "E2"}})                                # a good row besides
    before, batches = _counts(demo), db.session.scalar(select(func.count(UploadBatch.id)))
    response = _upload(client, filled)
    page = _page(response)
    assert response.status_code == 422, page[:3000]
    row = next(r.row for r in load_workbook(io.BytesIO(filled)).worksheets[0]
               .iter_rows(min_row=2, max_col=1) for r in r if r.value == other)
    assert f"Row {row} ({other}): Events cited: " in page
    assert expected in page
    assert _counts(demo) == before
    assert db.session.scalar(select(func.count(UploadBatch.id))) == batches


@pytest.mark.parametrize("ref", ["E2", "99999", "fila 2"])
def test_a_bad_reference_is_the_rows_one_problem_not_also_missing_evidence(
        client, demo, make_user, login, levels, ref):
    """A rise citing only a refused reference: one problem, at the Events cited column;
    the evidence rule adds no second line for the same citation. Without any reference
    the same rise is refused for its missing evidence."""
    login(make_user("editor", demo))
    _first, other = _two(demo, levels)
    rise = {"new_level": _other_level(levels[other]), "effective_on": TODAY}
    response = _upload(client, _fill(_download(client), [], {other: dict(rise, events=ref)}))
    page = _page(response)
    assert response.status_code == 422
    assert "Events cited: " in page
    assert "evidence (a link, a description or a cited event) is required" not in page
    bare = _page(_upload(client, _fill(_download(client), [], {other: rise})))
    assert "evidence (a link, a description or a cited event) is required" in bare


def test_a_race_at_confirmation_writes_neither_the_events_nor_the_records(
        client, demo, make_user, login, levels, verified_event, monkeypatch):
    """The events are written first in the transaction; a provision changed between the
    check and the write (a Conflict raised after them) rolls them back with the rest."""
    from tracker.excel import importer
    from tracker.models import Provision

    login(make_user("editor", demo))
    first, other = _two(demo, levels)
    response = _upload(client, _fill(_download(client), [_event_row(f"{other}:advances")], {
        other: {"new_level": _other_level(levels[other]), "effective_on": TODAY,
                "events": "E2"}}))
    assert response.status_code == 302
    before = _counts(demo)
    real = importer.read_update

    def read_then_someone_writes(*args, **kwargs):
        plan = real(*args, **kwargs)
        db.session.execute(Provision.__table__.update()
                           .where(Provision.__table__.c.code == other,
                                  Provision.__table__.c.accord_id == demo.id)
                           .values(version=Provision.__table__.c.version + 1))
        return plan

    monkeypatch.setattr(importer, "read_update", read_then_someone_writes)
    refused = _confirm(client)
    assert refused.status_code == 409 and "changed while you were confirming" in _page(refused)
    db.session.rollback()
    assert _counts(demo) == before
    batch = db.session.scalar(select(UploadBatch).order_by(UploadBatch.id.desc()))
    assert batch.state == "pending"


def test_a_change_citing_an_event_the_upload_does_not_write_is_refused(
        client, demo, make_user, login, levels):
    user = login(make_user("editor", demo))
    _first, other = _two(demo, levels)
    provision = next(p for p in demo.provisions if p.code == other)
    change = services.StatusChange(provision, Submission(
        _other_level(levels[other]), TODAY, new_events=(0,)), provision.version)
    batch = UploadBatch(user_id=user.id, accord_id=demo.id, filename="x.xlsx",
                        sha256="0" * 64, content=b"x", state="pending")
    db.session.add(batch)
    db.session.commit()
    before = _counts(demo)
    with pytest.raises(ValueError):
        services.confirm_upload(batch, [change], verified=False, events=[])
    assert _counts(demo) == before
    assert db.session.get(UploadBatch, batch.id).state == "pending"


# --- review ----------------------------------------------------------------------------------

@pytest.fixture
def cited_pending(client, demo, make_user, login, levels, verified_event):
    """An editor's upload: a pending event and the pending record citing it."""
    login(make_user("editor", demo))
    new, record, _other = _round_trip(client, demo, levels, verified_event)
    coordinator = login(make_user("coordinator", demo))
    return new, record, coordinator


def test_a_record_is_verified_only_after_the_event_it_cites(client, demo, cited_pending):
    event, record, coordinator = cited_pending
    queue = _page(client.get("/review"))
    assert f"Cites event #{event.id}, still awaiting review." in queue
    assert f'href="#event-{event.id}"' in queue and f'id="event-{event.id}"' in queue
    refused = client.post(f"/review/{record.id}", data={"verify": "Verify"})
    assert refused.status_code == 409
    assert f"It cites event #{event.id} (Entrega de tierras en Tibú), still awaiting " \
           "review" in _page(refused)
    assert_refused_at_the_item(refused.get_data(as_text=True), "record", record.id,
                               "still awaiting review")
    db.session.expire_all()
    assert db.session.get(StatusRecord, record.id).review_state == "pending"
    assert client.post(f"/review/events/{event.id}", data={"verify": "Verify"}
                       ).status_code == 303
    assert f"Cites event #{event.id}" not in _page(client.get("/review"))
    assert client.post(f"/review/{record.id}", data={"verify": "Verify"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(StatusRecord, record.id).review_state == "verified"


def test_rejecting_the_cited_event_leaves_the_record_to_be_rejected(client, demo,
                                                                    cited_pending):
    event, record, coordinator = cited_pending
    assert client.post(f"/review/events/{event.id}", data={
        "reject": "Reject", "reason": "sin fuente verificable"}).status_code == 303
    assert f"Cites event #{event.id}, which was rejected." in _page(client.get("/review"))
    refused = client.post(f"/review/{record.id}", data={"verify": "Verify"})
    assert refused.status_code == 409 and "which was rejected" in _page(refused)
    assert_refused_at_the_item(refused.get_data(as_text=True), "record", record.id,
                               "which was rejected")
    db.session.expire_all()
    assert db.session.get(StatusRecord, record.id).review_state == "pending"
    assert client.post(f"/review/{record.id}", data={
        "reject": "Reject", "reason": "el evento fue rechazado"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(StatusRecord, record.id).review_state == "rejected"
    assert _cites(db.session.get(StatusRecord, record.id)) == [event.id]  # kept, as written


def test_the_spanish_queue_names_the_pending_event(client, demo, cited_pending):
    event, record, coordinator = cited_pending
    coordinator.locale = "es"
    db.session.commit()
    queue = _page(client.get("/review"))
    assert f"Cita el evento n.º {event.id}, aún pendiente de revisión." in queue
    refused = client.post(f"/review/{record.id}", data={"verify": "Verificar"})
    assert refused.status_code == 409
    assert f"Cita el evento n.º {event.id} (Entrega de tierras en Tibú), aún pendiente" \
           in _page(refused)
    assert_refused_at_the_item(refused.get_data(as_text=True), "record", record.id,
                               f"Cita el evento n.º {event.id}")


def test_links_of_the_new_event_name_the_provision_it_changed(demo, cited_pending):
    event, record, coordinator = cited_pending
    assert db.session.scalar(select(EventProvision.effect).where(
        EventProvision.event_id == event.id,
        EventProvision.provision_id == record.provision_id)) == "advances"


def test_an_event_written_with_the_record_counts_as_its_evidence():
    """The one rule (`domain.rules.evidence_problem`): an event to be written with the
    record is a cited event, a rise or a fall resting on it needs no link or text."""
    from tracker.domain.rules import Submission, problems

    signed, today = date(2016, 11, 24), date(2024, 1, 1)
    for level in (1, 3):
        bare = problems(Submission(level, today), current_level=2, signed_on=signed,
                        today=today)
        cited = problems(Submission(level, today, new_events=(0,)), current_level=2,
                         signed_on=signed, today=today)
        assert "evidence_text" in bare and cited == {}
