"""Status records citing events: the rule (a change of level, up or down, rests on
evidence or a cited event), the status form's offer of the provision's verified events,
the citations written with the record (append-only), and the provision's timeline."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from event_helpers import event_input
from htmlforms import parse
from tracker import services
from tracker.domain.rules import Submission, problems
from tracker.events.models import StatusRecordEvent
from tracker.events.services import review_event, submit_event
from tracker.extensions import db
from tracker.models import AuditEvent, StatusRecord

SIGNED, TODAY = date(2016, 11, 24), date(2024, 1, 1)


@pytest.mark.parametrize("sub, current, fields", [
    (Submission(1, TODAY), 2, {"evidence_text"}),                      # a fall, bare
    (Submission(3, TODAY), 2, {"evidence_text"}),                      # a rise, bare
    (Submission(1, TODAY, events=(7,)), 2, set()),                     # a fall on an event
    (Submission(3, TODAY, events=(7,)), 2, set()),                     # a rise on an event
    (Submission(1, TODAY, evidence_text="Decree repealed"), 2, set()),  # a fall on evidence
    (Submission(3, TODAY, events=(7, 8)), 2, {"events"}),              # 8 is not citable
    (Submission(2, TODAY, events=(7,)), 2, set()),                     # a confirmation
])
def test_a_change_of_level_either_way_rests_on_evidence_or_an_event(sub, current, fields):
    found = problems(sub, current_level=current, signed_on=SIGNED, today=TODAY,
                     citable=frozenset({7}))
    assert set(found) == fields


def _provision_page(client, demo, provision):
    return client.get(f"/accords/{demo.slug}/provisions/{provision.code}")


@pytest.fixture
def verified_event(demo):
    """A verified event advancing the demo's first provision (and setting back the second)."""
    event = submit_event(event_input(demo))
    review_event(event, "verified")
    return event


def test_the_status_form_offers_the_provisions_verified_events_newest_first(
        client, demo, make_user, login, verified_event):
    older = submit_event(event_input(demo, title="Primera reunión",
                                     occurred_on=date(2018, 1, 2)))
    review_event(older, "verified")
    pending = submit_event(event_input(demo, title="Pendiente"))
    login(make_user("editor", demo))
    html = _provision_page(client, demo, demo.provisions[0]).get_data(as_text=True)
    offered = [c.attrs.get("value") for c in parse(html).controls if c.name == "events"]
    assert offered == [str(verified_event.id), str(older.id)]
    assert str(pending.id) not in offered


def test_a_fall_citing_an_event_is_recorded_with_its_citation_and_shown(
        client, demo, make_user, login, verified_event, today):
    provision = demo.provisions[1]
    level = services.current_level(provision, today)
    if level == 0:
        services.submit([services.StatusChange(provision, Submission(
            2, date(2018, 1, 1), None, "Decree"), provision.version)], verified=True)
        db.session.refresh(provision)
        level = 2
    login(make_user("editor", demo))
    url = f"/accords/{demo.slug}/provisions/{provision.code}/update"
    bare = {"level": str(level - 1), "effective_on": today.isoformat(),
            "version": str(provision.version)}
    refused = client.post(url, data=bare)
    assert refused.status_code == 400
    assert "required when the level changes" in refused.get_data(as_text=True)
    response = client.post(url, data=dict(bare, events=[str(verified_event.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    record = db.session.scalar(select(StatusRecord).order_by(StatusRecord.id.desc()))
    assert record.level == level - 1 and record.evidence_text is None
    assert db.session.scalars(select(StatusRecordEvent.event_id).where(
        StatusRecordEvent.status_record_id == record.id)).all() == [verified_event.id]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "status.record")
                              .order_by(AuditEvent.id.desc()))
    assert audit.after["events"] == [verified_event.id]
    html = _provision_page(client, demo, provision).get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):html.index(">History<")]
    assert f'href="/accords/{demo.slug}/events/{verified_event.id}"' in timeline
    assert f'id="event-{verified_event.id}"' in timeline and "sets back" in timeline
    assert f"/sources/{verified_event.source_links[0].source_id}/file" in timeline


def test_an_event_not_offered_cannot_be_cited(client, demo, make_user, login, today,
                                              row_counts):
    pending = submit_event(event_input(demo))
    provision = demo.provisions[0]
    login(make_user("editor", demo))
    before = row_counts()
    response = client.post(f"/accords/{demo.slug}/provisions/{provision.code}/update",
                           data={"level": "3", "effective_on": today.isoformat(),
                                 "version": str(provision.version),
                                 "events": [str(pending.id)]})
    assert response.status_code == 400
    assert row_counts() == before


def test_the_service_refuses_an_event_of_another_provision(demo, verified_event, today,
                                                           row_counts):
    other = next(p for p in demo.provisions[2:] if services.current_level(p, today) < 3)
    before = row_counts()
    with pytest.raises(services.Invalid) as refused:
        services.submit([services.StatusChange(other, Submission(
            3, today, events=(verified_event.id,)), other.version)], verified=False)
    assert "events" in refused.value.errors
    assert row_counts() == before


def test_citations_are_never_changed_nor_removed(demo, verified_event, today):
    provision = demo.provisions[0]
    level = services.current_level(provision, today)
    (record,) = services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, today, events=(verified_event.id,)), provision.version)],
        verified=True)
    for statement in ("UPDATE status_record_events SET event_id = event_id",
                      "DELETE FROM status_record_events"):
        with pytest.raises(DBAPIError):
            with db.session.begin_nested():
                db.session.execute(text(statement))


def test_visitors_see_verified_events_only_in_the_timeline(client, demo, make_user, login,
                                                           verified_event):
    pending = submit_event(event_input(demo, title="Aún pendiente"))
    html = _provision_page(client, demo, demo.provisions[0]).get_data(as_text=True)
    assert f'id="event-{verified_event.id}"' in html
    assert f'id="event-{pending.id}"' not in html and "Aún pendiente" not in html
    login(make_user("viewer", demo))
    html = _provision_page(client, demo, demo.provisions[0]).get_data(as_text=True)
    assert f'id="event-{pending.id}"' in html


def test_the_review_queue_shows_the_events_a_pending_record_cites(client, demo, make_user,
                                                                  login, verified_event,
                                                                  today):
    """The coordinator judges a pending record by its cited events: title, date, place,
    effect on the provision and review state, each linked to the event's page."""
    provision = demo.provisions[0]
    level = services.current_level(provision, today)
    (record,) = services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, today, events=(verified_event.id,)), provision.version)],
        verified=False)
    login(make_user("coordinator", demo))
    html = client.get("/review", headers={"Accept-Language": "es"}).get_data(as_text=True)
    card = html[html.index(f'id="record-{record.id}"'):]
    card = card[:card.index("</section>")]
    assert "Eventos en que se apoya" in card
    assert f'href="/accords/{demo.slug}/events/{verified_event.id}"' in card
    assert verified_event.title in card and "3 mar 2019" in card
    assert "Tibú, Norte de Santander (54810)" in card
    assert "avanza" in card and "verificado" in card
