"""One event's page and the API's item: what each reader sees of each review state, the
404s, the links to the page from the feed, the provision's timeline, the review queue and
the records citing it, the conditional answers, and the feed's folded lists on phones."""
from __future__ import annotations

import re
from datetime import date

import pytest
from event_helpers import PDF, event_input, new_source

from tracker import services
from tracker.domain.rules import Submission
from tracker.events.services import review_event, submit_event
from tracker.extensions import db

SLUG = "colombia-2016-demo"
PAGE = f"/accords/{SLUG}/events"
API = f"/api/v1/accords/{SLUG}/events"
LONG = "Se entregaron 300 hectáreas a familias campesinas del Catatumbo. " * 8  # > 300 chars


@pytest.fixture
def events(demo):
    """verified (Tibú, with a PDF, advances p0, sets back p1, a long description and a record
    of p0 citing it), pending (Medellín, no PDET) and rejected events of the demo accord."""
    p = demo.provisions
    verified = submit_event(event_input(demo, title="Entrega de tierras en Tibú",
                                        language="es", description=LONG))
    review_event(verified, "verified")
    pending = submit_event(event_input(
        demo, title="Reunión en Medellín", language="es", place_code="05001",
        provisions=[(p[2], "context")],
        sources=[new_source(title="Acta", kind="interview", attachment=None)]))
    rejected = submit_event(event_input(
        demo, title="Rumor sin fuente", language="es", provisions=[(p[3], "sets_back")],
        sources=[new_source(title="Blog", kind="news", attachment=None)]))
    review_event(rejected, "rejected", "not an implementation event")
    provision = p[0]
    level = services.current_level(provision, date.today())
    (record,) = services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, date.today(), events=(verified.id,)), provision.version)],
        verified=True)
    db.session.commit()
    return {"verified": verified, "pending": pending, "rejected": rejected, "record": record}


def _html(client, url, lang="en", status=200):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == status, response.get_data(as_text=True)[:1500]
    return response.get_data(as_text=True)


def test_the_page_shows_the_event_in_full_to_anyone(client, demo, events):
    event, record = events["verified"], events["record"]
    html = _html(client, f"{PAGE}/{event.id}")
    h1 = html[html.index("<h1>"):html.index("</h1>")]
    assert "Entrega de tierras en Tibú" in h1 and "[ES]" in h1  # written in Spanish only
    assert LONG.strip() in html  # the whole description, not the feed's 300 characters
    assert "Tibú" in html and "Norte de Santander" in html and "(54)" in html
    assert "PDET subregion: Catatumbo" in html
    assert "Agencia Nacional de Tierras" in html
    first, second = demo.provisions[0].code, demo.provisions[1].code
    assert f'href="/accords/{SLUG}/provisions/{first}"' in html and "advances" in html
    assert f'href="/accords/{SLUG}/provisions/{second}"' in html and "sets back" in html
    source = event.source_links[0].source
    assert "Informe de seguimiento" in html and "Procuraduría" in html
    assert 'href="https://example.org/informe.pdf"' in html
    assert f'href="/accords/{SLUG}/sources/{source.id}/file"' in html
    cited = html[html.index('id="records"'):]
    assert f"/provisions/{first}#timeline" in cited and f">{record.level}<" in cited
    assert "@" not in html[html.index("<main"):]  # no one's email: the internal record
    assert "Submitted" not in html
    assert client.get(f"{PAGE}/{event.id}/file").status_code == 404  # no such page


def test_the_page_speaks_the_readers_language(client, events):
    html = _html(client, f"{PAGE}/{events['verified'].id}", lang="es")
    h1 = html[html.index("<h1>"):html.index("</h1>")]
    assert "Entrega de tierras en Tibú" in h1 and "[ES]" not in h1
    assert "Subregión PDET: Catatumbo" in html and "avanza" in html
    assert "Niveles que se apoyan en este evento" in html


def test_the_reason_written_for_an_event_verified_on_entry_reads_in_spanish(client, demo,
                                                                           make_user, login):
    """The reason the application stores ("recorded by a reviewer") is shown in the reader's
    language on the event's page, as the provision page and "My submissions" show reasons."""
    event = submit_event(event_input(demo, title="Acta de entrega"), verified=True)
    login(make_user("coordinator", demo))
    html = _html(client, f"{PAGE}/{event.id}", lang="es")
    assert "registrado por un revisor" in html and "recorded by a reviewer" not in html


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_pending_and_rejected_events_are_not_there_for_the_public(client, events, state):
    event = events[state]
    html = _html(client, f"{PAGE}/{event.id}", status=404)
    assert f"There is no event {event.id} in this accord." in html
    assert client.get(f"{API}/{event.id}").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor", "coordinator"])
@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_those_with_a_role_see_every_state_with_its_review(client, demo, events, make_user,
                                                            login, role, state):
    user = login(make_user(role, demo))
    event = events[state]
    html = _html(client, f"{PAGE}/{event.id}")
    assert "only those with a role on the accord see it" in html
    facts = html[html.index('class="event-facts"'):html.index("</dl>")]
    assert "Submitted" in facts and "import" in facts  # entered without a web user
    if state == "rejected":
        assert "Rejected" in facts and "not an implementation event" in facts
    else:
        assert "Rejected" not in facts
    assert user.email not in facts
    assert client.get(f"{API}/{event.id}").status_code == 200


def test_the_internal_record_shows_who_verified(client, demo, events, make_user, login):
    coordinator = make_user("coordinator", demo)
    login(coordinator)
    pending = events["pending"]
    response = client.post(f"/review/events/{pending.id}", data={"verify": "1"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:800]
    html = _html(client, f"{PAGE}/{pending.id}")
    facts = html[html.index('class="event-facts"'):html.index("</dl>")]
    assert "Verified" in facts and coordinator.email in facts


def test_unknown_and_foreign_events_are_404(client, app, demo, events):
    from sqlalchemy import select

    from tracker.models import Accord

    other = db.session.scalar(select(Accord).where(Accord.id != demo.id,
                                                   Accord.public.is_(True)))
    event = events["verified"]
    assert client.get(f"/accords/{other.slug}/events/{event.id}").status_code == 404
    assert client.get(f"/api/v1/accords/{other.slug}/events/{event.id}").status_code == 404
    for bad in (0, 999999, 2**40, "abc", -1):
        assert client.get(f"{PAGE}/{bad}").status_code == 404, bad
        assert client.get(f"{API}/{bad}").status_code == 404, bad
    assert client.get(f"/accords/no-such/events/{event.id}").status_code == 404
    demo.public = False
    db.session.commit()
    assert client.get(f"{PAGE}/{event.id}").status_code == 404
    assert client.get(f"{API}/{event.id}").status_code == 404


def test_the_api_item_is_the_feeds_item_and_its_404_says_why(client, demo, events, make_user,
                                                             login):
    event = events["verified"]
    item = client.get(f"{API}/{event.id}").get_json()
    listed = next(e for e in client.get(API).get_json()["events"] if e["id"] == event.id)
    assert item == listed and "submitted_at" not in item
    missing = client.get(f"{API}/999999")
    assert missing.status_code == 404
    assert "999999" in missing.get_json()["message"]
    refused = client.get(f"{API}/{event.id}?page=2")
    assert refused.status_code == 400 and "page" in refused.get_json()["message"]
    login(make_user("coordinator", demo))
    internal = client.get(f"{API}/{events['pending'].id}").get_json()
    listed = next(e for e in client.get(f"{API}?review_state=pending").get_json()["events"]
                  if e["id"] == events["pending"].id)
    assert internal == listed and internal["review_state"] == "pending"
    assert "submitted_at" in internal


def test_the_openapi_document_describes_the_item(client):
    document = client.get("/api/v1/openapi.json").get_json()
    item = document["paths"]["/api/v1/accords/{slug}/events/{event_id}"]["get"]
    assert {p["name"] for p in item["parameters"]} == {"slug", "event_id"}
    assert set(item["responses"]) == {"200", "400", "404"}


def test_a_page_ignores_unknown_parameters(client, events):
    assert client.get(f"{PAGE}/{events['verified'].id}?utm_source=x&page=9").status_code \
        == 200


@pytest.mark.parametrize("url", [PAGE + "/{id}", API + "/{id}"])
def test_answers_are_conditional_and_follow_the_data(client, events, url):
    event = events["pending"]
    review_event(event, "verified")
    db.session.commit()
    url = url.format(id=event.id)
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    spanish = client.get(url, headers={"If-None-Match": etag, "Accept-Language": "es"})
    assert spanish.status_code == 200  # another language, another tag
    provision = event.provision_links[0].provision
    services.submit([services.StatusChange(provision, Submission(
        1, date.today(), events=(event.id,)), provision.version)], verified=True)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


def test_a_signed_in_reader_gets_their_own_tag(client, demo, events, make_user, login):
    url = f"{PAGE}/{events['verified'].id}"
    public = client.get(url).headers["ETag"]
    login(make_user("editor", demo))
    mine = client.get(url, headers={"If-None-Match": public})
    assert mine.status_code == 200 and mine.headers["ETag"] != public


def test_the_feed_links_each_card_to_its_page_and_folds_lists_for_phones(client, demo,
                                                                       events):
    html = _html(client, PAGE)
    event = events["verified"]
    row = html[html.index(f'href="{PAGE}/{event.id}"'):]
    row = row[:row.index("</tr>")]
    assert "2 provisions" in row and "1 source" in row
    assert row.count('class="fold-narrow"') == 2 and row.count('class="fold-wide"') == 2
    assert row.count(f'/provisions/{demo.provisions[0].code}"') == 2  # wide and folded
    assert 'class="clamp"' in row
    spanish = _html(client, PAGE, lang="es")
    assert "2 disposiciones" in spanish and "1 fuente" in spanish


def test_the_timeline_and_the_records_citing_link_to_the_page(client, demo, events):
    html = _html(client, f"/accords/{SLUG}/provisions/{demo.provisions[0].code}")
    timeline = html[html.index('id="timeline"'):]
    link = f'href="{PAGE}/{events["verified"].id}"'
    assert timeline.count(link) == 2  # the event's entry and the record resting on it


def test_the_review_queue_links_pending_events_and_cited_ones(client, demo, events,
                                                              make_user, login):
    verified = events["verified"]
    provision = demo.provisions[1]
    level = services.current_level(provision, date.today())
    (record,) = services.submit([services.StatusChange(provision, Submission(
        0 if level else 1, date.today(), events=(verified.id,)), provision.version)],
        verified=False)
    db.session.commit()
    login(make_user("coordinator", demo))
    html = _html(client, "/review")
    card = html[html.index(f'id="event-{events["pending"].id}"'):]
    assert re.search(rf'<h3><a href="{PAGE}/{events["pending"].id}">', card)
    card = html[html.index(f'id="record-{record.id}"'):]
    assert f'href="{PAGE}/{verified.id}"' in card[:card.index("</section>")]


def test_a_file_link_only_for_those_who_may_have_it(client, demo, make_user, login):
    """A pending event's new source with a file: its page (for an editor) offers the file;
    once verified, the public page offers it too."""
    event = submit_event(event_input(demo, sources=[new_source()]))
    db.session.commit()
    source = event.source_links[0].source
    link = f'href="/accords/{SLUG}/sources/{source.id}/file"'
    assert client.get(f"{PAGE}/{event.id}").status_code == 404
    login(make_user("editor", demo))
    assert link in _html(client, f"{PAGE}/{event.id}")
    assert client.get(f"/accords/{SLUG}/sources/{source.id}/file").data == PDF


def test_an_event_over_a_range_without_a_place(client, demo):
    event = submit_event(event_input(demo, title="Mesa de seguimiento", language="es",
                                     occurred_on=date(2019, 3, 3), ended_on=date(2019, 3, 9),
                                     place_code=None, actors="", description=""))
    review_event(event, "verified")
    db.session.commit()
    html = _html(client, f"{PAGE}/{event.id}", lang="es")
    facts = html[html.index('class="event-facts"'):html.index("</dl>")]
    assert "3 mar 2019 – 9 mar 2019" in facts
    assert "Lugar" not in facts and "Actores" not in facts
    assert 'id="description"' not in html
