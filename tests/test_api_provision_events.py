"""GET /api/v1/accords/<slug>/provisions/<code>/events: a provision's events (filtered and
paged as the accord's feed) and its level records with the events each cites."""
from __future__ import annotations

from datetime import date

from event_helpers import event_input
from tracker import services
from tracker.domain.rules import Submission
from tracker.events.services import review_event, submit_event


def _url(demo, provision, query=""):
    return f"/api/v1/accords/{demo.slug}/provisions/{provision.code}/events{query}"


def test_events_and_the_records_citing_them(client, demo, make_user, login, today):
    provision = demo.provisions[0]
    verified = submit_event(event_input(demo))
    review_event(verified, "verified")
    older = submit_event(event_input(demo, title="Antes", occurred_on=date(2018, 5, 1)))
    review_event(older, "verified")
    pending = submit_event(event_input(demo, title="Pendiente"))
    other = submit_event(event_input(demo, title="Otra", provisions=[
        (demo.provisions[2], "advances")]))
    review_event(other, "verified")
    level = services.current_level(provision, today)
    (record,) = services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, today, events=(older.id, verified.id)), provision.version)],
        verified=True)
    body = client.get(_url(demo, provision)).get_json()
    assert [e["id"] for e in body["events"]] == [verified.id, older.id]  # newest first
    assert body["total"] == 2 and body["provision"] == provision.code
    assert body["records"][0]["id"] == record.id
    assert body["records"][0]["events"] == sorted([older.id, verified.id])
    assert all(r["review_state"] == "verified" for r in body["records"])
    narrowed = client.get(_url(demo, provision, "?from=2019-01-01")).get_json()
    assert [e["id"] for e in narrowed["events"]] == [verified.id]
    assert client.get(_url(demo, provision, "?review_state=all")).status_code == 403
    login(make_user("viewer", demo))
    everything = client.get(_url(demo, provision, "?review_state=all")).get_json()
    assert {e["id"] for e in everything["events"]} == {verified.id, older.id, pending.id}


def test_bad_addresses_and_parameters(client, demo):
    provision = demo.provisions[0]
    assert client.get(_url(demo, provision, "?provision=1.1.1")).status_code == 400
    assert client.get(_url(demo, provision, "?effect=maybe")).status_code == 400
    assert client.get(f"/api/v1/accords/{demo.slug}/provisions/99.99/events").status_code \
        == 404
    assert client.get("/api/v1/accords/nothing/provisions/1.1.1/events").status_code == 404


def test_the_openapi_document_describes_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    path = document["paths"]["/api/v1/accords/{slug}/provisions/{code}/events"]
    names = [p["name"] for p in path["get"]["parameters"]]
    assert "code" in names and "effect" in names and "provision" not in names
