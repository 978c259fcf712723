"""Events and sources: submission with links and attached files, review, the rules that
refuse an event (nothing written), and the history triggers."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from event_helpers import (EXE, ELF, HTML, JPEG, PDF, PNG, SVG, TEXT, WEBP, docm, docx,
                           event_input, new_source, odt, xlsx)
from tracker.events import files
from tracker.events.models import Attachment, Event, EventProvision, EventSource, Source
from tracker.events.services import (NewSource, Upload, review_event, review_source,
                                     submit_event)
from tracker.extensions import db
from tracker.models import Accord, AuditEvent, Provision
from tracker.services import Invalid, NotPending


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == action))


def test_submit_records_event_links_source_and_file(demo):
    before = demo.revision
    event = submit_event(event_input(demo))
    assert event.review_state == "pending" and event.origin == "web"
    assert event.place.name == "Tibú" and event.place.parent.name == "Norte de Santander"
    links = db.session.execute(select(EventProvision.provision_id, EventProvision.effect,
                                      EventProvision.accord_id, EventProvision.occurred_on)
                               .where(EventProvision.event_id == event.id)
                               .order_by(EventProvision.provision_id)).all()
    assert links == [(demo.provisions[0].id, "advances", demo.id, date(2019, 3, 3)),
                     (demo.provisions[1].id, "sets_back", demo.id, date(2019, 3, 3))]
    (source,) = [link.source for link in event.source_links]
    assert (source.review_state, source.accord_id, source.kind) == ("pending", demo.id, "report")
    attachment = source.attachment
    assert attachment.media_type == "application/pdf" and attachment.content == PDF
    assert attachment.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    assert source.attachment_name == "informe.pdf"
    assert _audits("event.submit") == 1 and _audits("source.submit") == 1
    db.session.refresh(demo)
    assert demo.revision == before + 1


def test_the_same_file_twice_is_stored_once(demo):
    """Two sources (another title) with the same file: one attachment, two sources. (The
    same source named twice is one source: tests/test_events_form_sources.py.)"""
    submit_event(event_input(demo))
    submit_event(event_input(demo, title="Otra entrega",
                             sources=[new_source(title="Acta de entrega")]))
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert db.session.scalar(select(func.count()).select_from(Source)) == 2


def test_an_event_may_cite_an_existing_shared_source(demo):
    first = submit_event(event_input(demo, sources=[new_source(shared=True, attachment=None)]))
    shared = first.source_links[0].source
    assert shared.accord_id is None
    second = submit_event(event_input(demo, title="Segunda", sources=[shared]))
    assert [link.source_id for link in second.source_links] == [shared.id]


def test_review_verifies_event_and_its_pending_sources(demo):
    event = submit_event(event_input(demo))
    review_event(event, "verified")
    assert event.review_state == "verified" and event.reviewed_at is not None
    assert event.source_links[0].source.review_state == "verified"
    assert _audits("event.verified") == 1 and _audits("source.verified") == 1
    with pytest.raises(NotPending):
        review_event(event, "rejected", "late")


def test_rejecting_needs_a_reason(demo, row_counts):
    event = submit_event(event_input(demo))
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        review_event(event, "rejected", "  ")
    assert set(refused.value.errors) == {"reason"}
    assert row_counts() == before
    review_event(event, "rejected", "duplicate of another event")
    assert event.review_state == "rejected" and event.review_reason.startswith("duplicate")
    assert event.source_links[0].source.review_state == "pending"


def test_an_event_citing_a_source_rejected_meanwhile_cannot_be_verified(demo, row_counts):
    event = submit_event(event_input(demo))
    review_source(event.source_links[0].source, "rejected", "broken link")
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        review_event(event, "verified")
    assert set(refused.value.errors) == {"sources"}
    assert row_counts() == before and event.review_state == "pending"


def test_verified_entry_is_recorded_as_reviewed(demo):
    event = submit_event(event_input(demo), verified=True, origin="import")
    assert (event.review_state, event.review_reason) == ("verified", "recorded by a reviewer")
    assert event.source_links[0].source.review_state == "verified"


def _other_accords_provision(demo) -> Provision:
    other = Accord(slug="other-accord", name="Other accord", country="Colombia",
                   signed_on=date(2016, 6, 23))
    db.session.add(other)
    db.session.flush()
    provision = Provision(accord_id=other.id, code=demo.provisions[0].code, text="Same code")
    db.session.add(provision)
    db.session.flush()
    return provision


def _rejected_source(demo) -> Source:
    event = submit_event(event_input(demo, title="Fuente rechazada"))
    source = event.source_links[0].source
    review_source(source, "rejected", "not a real report")
    return source


BAD_EVENTS = {
    "provision of another accord": (
        lambda demo: {"provisions": [(demo.provisions[0], "advances"),
                                     (_other_accords_provision(demo), "context")]},
        "provisions", "not a provision of this accord"),
    "unknown place code": (lambda demo: {"place_code": "99999"}, "place",
                           "99999 is not a known place code"),
    "date before signing": (lambda demo: {"occurred_on": date(2016, 11, 23)}, "occurred_on",
                            "the date is before the accord was signed"),
    "date in the future": (lambda demo: {"occurred_on": date.today() + timedelta(days=1)},
                           "occurred_on", "the date is in the future"),
    "end before start": (lambda demo: {"ended_on": date(2019, 3, 2)}, "ended_on",
                         "the end date is before the date"),
    "rejected source": (lambda demo: {"sources": [_rejected_source(demo)]}, "sources",
                        "cites a rejected source"),
    "no provision": (lambda demo: {"provisions": []}, "provisions",
                     "at least one provision is required"),
    "no source": (lambda demo: {"sources": []}, "sources", "at least one source is required"),
    "unknown effect": (lambda demo: {"provisions": [(demo.provisions[0], "helps")]}, "effect",
                       "unknown effect 'helps': use one of advances, sets back"),
    "empty title": (lambda demo: {"title": " "}, "title", "this field is required"),
    "translated title too long": (lambda demo: {"title_translated": "T" * 301},
                                  "title_translated", "longer than 300 characters"),
    "source of unknown kind": (lambda demo: {"sources": [new_source(kind="tweet")]},
                               "source_1.kind", "unknown source kind 'tweet'"),
    "source link not http": (lambda demo: {"sources": [new_source(url="javascript:alert(1)")]},
                             "source_1.url", "http"),
}


@pytest.mark.parametrize("case", sorted(BAD_EVENTS))
def test_a_bad_event_names_the_field_and_writes_nothing(demo, row_counts, case):
    values, field, reason = BAD_EVENTS[case]
    changes = values(demo)
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        submit_event(event_input(demo, **changes))
    assert field in refused.value.errors, refused.value.errors
    assert reason in str(refused.value.errors[field])
    assert row_counts() == before


@pytest.mark.parametrize("content, kind", [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"),
    (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (odt(), "application/vnd.oasis.opendocument.text"), (TEXT, "text/plain")],
    ids=["pdf", "png", "jpeg", "webp", "docx", "xlsx", "odt", "text"])
def test_accepted_kinds_are_found_by_content(content, kind):
    assert files.media_type(content, 10_000) == kind


@pytest.mark.parametrize("content, reason", [
    (HTML, "HTML, SVG or other markup"), (SVG, "HTML, SVG or other markup"),
    (b"  \n<p>hello</p>", "HTML, SVG or other markup"),
    (ELF, "program"), (EXE, "program"), (b"#!/bin/sh\nrm -rf /\n", "program"),
    (b"GIF89a" + b"\x00" * 30, "image/gif"), (b"\x00\x01\x02binary", "unknown"),
    (b"", "empty"), (docm(), "macros"), (docx()[:-30], "damaged"),
    (docx()[:120], "application/zip")],
    ids=["html", "svg", "markup", "elf", "exe", "script", "gif", "binary", "empty", "docm",
         "damaged", "zip"])
def test_refused_kinds_whatever_the_name(demo, row_counts, content, reason):
    with pytest.raises(files.Refused) as refused:
        files.media_type(content, 10_000)
    assert reason in str(refused.value)
    before = row_counts()
    with pytest.raises(files.Refused):
        submit_event(event_input(demo, sources=[new_source(attachment=Upload(content,
                                                                             "report.pdf"))]))
    assert row_counts() == before


def test_a_file_of_no_known_kind_is_refused_wholly_in_spanish(app):
    # "no se aceptan archivos de este tipo (unknown)": the kind's own word stayed English
    from flask_babel import force_locale

    from tracker.i18n import translate

    with pytest.raises(files.Refused) as refused:
        files.media_type(b"\x00\x01\x02binary", 10_000)
    with app.test_request_context("/"), force_locale("es"):
        shown = translate(refused.value.reason)
    assert "(desconocido)" in shown and "unknown" not in shown


def test_a_file_over_the_limit_is_refused(app, demo, row_counts):
    before = row_counts()
    big = PDF + b"\x00" * app.config["MAX_ATTACHMENT_BYTES"]
    with pytest.raises(files.TooLarge):
        submit_event(event_input(demo, sources=[new_source(attachment=Upload(big, "b.pdf"))]))
    assert row_counts() == before


def test_submitter_is_the_logged_in_user(app, demo, make_user):
    from flask_login import login_user

    editor = make_user("editor", demo)
    with app.test_request_context("/", method="POST"):
        login_user(editor)
        event = submit_event(event_input(demo))
    assert event.submitted_by_id == editor.id
    assert event.source_links[0].source.submitted_by_id == editor.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event.submit"))
    assert audit.actor == editor.email


def _refused(statement: str, **params) -> None:
    with pytest.raises(DBAPIError) as refused:
        with db.session.begin_nested():
            db.session.execute(text(statement), params)
    assert "append-only" in str(refused.value)


def test_history_triggers_refuse_edits_and_deletes(demo):
    event = submit_event(event_input(demo))
    source = event.source_links[0].source
    ids = {"e": event.id, "s": source.id, "h": source.attachment_sha256}
    _refused("UPDATE events SET title = 'changed' WHERE id = :e", **ids)
    _refused("DELETE FROM events WHERE id = :e", **ids)
    _refused("UPDATE sources SET url = 'https://x.org' WHERE id = :s", **ids)
    _refused("DELETE FROM sources WHERE id = :s", **ids)
    _refused("UPDATE event_provisions SET effect = 'context' WHERE event_id = :e", **ids)
    _refused("DELETE FROM event_sources WHERE event_id = :e", **ids)
    _refused("UPDATE attachments SET media_type = 'text/html' WHERE sha256 = :h", **ids)
    _refused("DELETE FROM attachments WHERE sha256 = :h", **ids)
    review_event(event, "verified")
    _refused("UPDATE events SET review_state = 'rejected', review_reason = 'x' WHERE id = :e",
             **ids)


def test_events_keep_their_indexes():
    names = {index.name for table in ("events", "event_provisions", "event_sources", "places")
             for index in db.metadata.tables[table].indexes}
    assert {"ix_events_accord_date", "ix_event_provisions_provision", "ix_event_sources_source",
            "ix_places_parent"} <= names
