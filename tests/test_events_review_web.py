"""Pending events and sources in the coordinators' review queue: verify, reject with a
reason (required), audited, 409 once decided, and only by the accord's coordinators."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from event_helpers import assert_refused_at_the_item, event_input, new_source
from tracker.events.services import submit_event
from tracker.extensions import db
from tracker.models import AuditEvent, StatusRecord


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == action))


@pytest.fixture
def pending(demo):
    """A pending event citing a new pending source (with a file)."""
    event = submit_event(event_input(demo))
    return event, event.source_links[0].source


def test_the_queue_shows_pending_events_with_their_links_and_sources(client, demo, make_user,
                                                                      login, pending):
    event, source = pending
    login(make_user("coordinator", demo))
    html = client.get("/review").get_data(as_text=True)
    assert f'id="event-{event.id}"' in html and "Entrega de tierras en Tibú" in html
    assert "Tibú" in html and demo.provisions[0].code in html and "sets back" in html
    assert f'id="source-{source.id}"' in html and "Informe de seguimiento" in html
    assert f"/accords/{demo.slug}/sources/{source.id}/file" in html
    assert f'action="/review/events/{event.id}"' in html
    assert "Nothing awaits review." not in html


def test_verifying_an_event_verifies_its_source_and_is_audited_once(client, demo, make_user,
                                                                     login, pending):
    event, source = pending
    login(make_user("coordinator", demo))
    response = client.post(f"/review/events/{event.id}", data={"verify": "Verify"})
    assert response.status_code == 303
    db.session.refresh(event)
    db.session.refresh(source)
    assert (event.review_state, source.review_state) == ("verified", "verified")
    assert _audits("event.verified") == 1 and _audits("source.verified") == 1
    again = client.post(f"/review/events/{event.id}", data={"reject": "Reject",
                                                            "reason": "late"})
    assert again.status_code == 409 and "late" in again.get_data(as_text=True)
    assert _audits("event.rejected") == 0


def test_rejecting_needs_a_reason_shown_at_the_events_box(client, demo, make_user, login,
                                                           pending, row_counts):
    event, _source = pending
    login(make_user("coordinator", demo))
    before = row_counts()
    response = client.post(f"/review/events/{event.id}", data={"reject": "Reject",
                                                                "reason": " "})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="error-summary"' in html
    assert f'href="#event-reason-{event.id}"' in html and "reason is required" in html
    assert row_counts() == before
    response = client.post(f"/review/events/{event.id}", data={"reject": "Reject",
                                                                "reason": "No such delivery"})
    assert response.status_code == 303
    db.session.refresh(event)
    assert (event.review_state, event.review_reason) == ("rejected", "No such delivery")
    assert _audits("event.rejected") == 1


def test_a_rejected_source_blocks_its_events_verification(client, demo, make_user, login,
                                                          pending, row_counts):
    event, source = pending
    login(make_user("coordinator", demo))
    response = client.post(f"/review/sources/{source.id}", data={"reject": "Reject",
                                                                  "reason": "Not official"})
    assert response.status_code == 303
    db.session.refresh(source)
    assert source.review_state == "rejected" and _audits("source.rejected") == 1
    before = row_counts()
    response = client.post(f"/review/events/{event.id}", data={"verify": "Verify"})
    assert response.status_code == 409
    assert_refused_at_the_item(response.get_data(as_text=True), "event", event.id,
                               "rejected source")
    assert row_counts() == before
    again = client.post(f"/review/sources/{source.id}", data={"verify": "Verify"})
    assert again.status_code == 409


def test_a_shared_source_is_reviewed_by_coordinators_of_an_accord_citing_it(
        client, demo, make_user, login):
    event = submit_event(event_input(demo, sources=[new_source(shared=True,
                                                               attachment=None)]))
    shared = event.source_links[0].source
    login(make_user("coordinator", demo))
    html = client.get("/review").get_data(as_text=True)
    assert f'id="source-{shared.id}"' in html and "shared by every accord" in html
    response = client.post(f"/review/sources/{shared.id}", data={"verify": "Verify"})
    assert response.status_code == 303


@pytest.mark.parametrize("role", ["editor", "viewer", None])
def test_only_coordinators_decide(client, demo, make_user, login, pending, role, row_counts):
    event, source = pending
    if role:
        login(make_user(role, demo))
    before = row_counts()
    for url in (f"/review/events/{event.id}", f"/review/sources/{source.id}"):
        response = client.post(url, data={"verify": "Verify"})
        assert response.status_code in ((403,) if role else (302, 401)), url
    assert row_counts() == before


def test_unknown_rows_are_404(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    assert client.post("/review/events/999999", data={"verify": "Verify"}).status_code == 404
    assert client.post("/review/sources/999999", data={"verify": "Verify"}).status_code == 404


def test_an_empty_queue_says_so(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    assert "Nothing awaits review." in client.get("/review").get_data(as_text=True)



@pytest.mark.parametrize("kind", ["record", "events", "sources"])
def test_verify_and_reject_at_once_is_refused(client, demo, make_user, login, kind):
    """A browser sends the one button pressed: both is a crafted request, refused whole."""
    event = submit_event(event_input(demo))
    if kind == "record":
        provision = demo.provisions[0]
        login(make_user("editor", demo))
        assert client.post(f"/accords/{demo.slug}/provisions/{provision.code}/update", data={
            "level": "2", "effective_on": "2024-05-01", "evidence_text": "Decreto 77",
            "version": str(provision.version)}).status_code == 302
        row = db.session.scalar(select(StatusRecord).where(
            StatusRecord.evidence_text == "Decreto 77"))
        url = f"/review/{row.id}"
    else:
        row = event if kind == "events" else event.source_links[0].source
        url = f"/review/{kind}/{row.id}"
    login(make_user("coordinator", demo))
    response = client.post(url, data={"verify": "Verify", "reject": "Reject",
                                      "reason": "No consta"})
    assert response.status_code == 400
    assert "Choose verify or reject, not both." in response.get_data(as_text=True)
    db.session.expire_all()
    assert row.review_state == "pending" and not row.review_reason
