"""The events feed, on the page and in the API: every filter against events placed by hand,
review states by role, paging, bad parameters, and the download of an attached file."""
from __future__ import annotations

import re
from datetime import date

import pytest
from event_helpers import PDF, event_input, new_source

from tracker.events.services import Upload, review_event, submit_event

API = "/api/v1/accords/colombia-2016-demo/events"
PAGE = "/accords/colombia-2016-demo/events"


@pytest.fixture
def placed(demo):
    """Five events of the demo accord (p0-p3: its first four provisions):
    E1 2018-05-01 Tibú (54810; Norte de Santander 54; PDET Catatumbo): p0 advances, p1 sets
       back; a report with a PDF; verified.
    E2 2019-07-10 Argelia (19050; Cauca 19; PDET Alto Patía): p1 context; news; verified.
    E3 2020-02-02 no place: p2 advances; gazette; verified.
    E4 2021-03-03 Medellín (05001; Antioquia; no PDET): p0 no effect; interview; pending.
    E5 2021-04-04 Argelia: p3 sets back; report; rejected."""
    p = demo.provisions
    specs = [
        ("E1", date(2018, 5, 1), "54810", [(p[0], "advances"), (p[1], "sets_back")],
         new_source(title="S1", kind="report"), "verified"),
        ("E2", date(2019, 7, 10), "19050", [(p[1], "context")],
         new_source(title="S2", kind="news", attachment=None), "verified"),
        ("E3", date(2020, 2, 2), None, [(p[2], "advances")],
         new_source(title="S3", kind="gazette", attachment=None), "verified"),
        ("E4", date(2021, 3, 3), "05001", [(p[0], "no_effect")],
         new_source(title="S4", kind="interview", attachment=Upload(PDF + b"4", "e4.pdf")),
         "pending"),
        ("E5", date(2021, 4, 4), "19050", [(p[3], "sets_back")],
         new_source(title="S5", kind="report", attachment=None), "rejected"),
    ]
    made = {}
    for title, day, place, links, source, state in specs:
        event = submit_event(event_input(demo, title=title, occurred_on=day, place_code=place,
                                         provisions=links, sources=[source]))
        if state != "pending":
            review_event(event, state, "not an implementation event" if state == "rejected"
                         else "")
        made[title] = event
    return made


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"{API}?{query}")
    assert response.status_code == 200, response.get_json()
    return [e["title"] for e in response.get_json()["events"]]


def _cases(demo):
    p = [x.code for x in demo.provisions[:4]]
    return [
        ("", ["E3", "E2", "E1"]),
        ("from=2019-01-01", ["E3", "E2"]),
        ("to=2019-07-10", ["E2", "E1"]),
        ("from=2019-01-01&to=2019-12-31", ["E2"]),
        ("place=54", ["E1"]),
        ("place=19", ["E2"]),
        ("place=54810", ["E1"]),
        ("place=CO", ["E2", "E1"]),
        ("place=05", []),
        ("group=CATATUMBO", ["E1"]),
        ("group=alto%20pat%C3%8DA%20y%20norte%20del%20cauca", ["E2"]),
        ("group=Alto%20Patia%20y%20Norte%20del%20Cauca", ["E2"]),
        (f"provision={p[1]}", ["E2", "E1"]),
        (f"provision={p[0]}", ["E1"]),
        (f"provision={p[3]}", []),
        ("effect=sets_back", ["E1"]),
        ("effect=advances", ["E3", "E1"]),
        ("effect=context", ["E2"]),
        ("effect=no_effect", []),
        ("source_kind=gazette", ["E3"]),
        ("source_kind=news", ["E2"]),
        ("source_kind=interview", []),
        (f"provision={p[1]}&effect=sets_back", ["E1"]),
        (f"provision={p[0]}&effect=sets_back", []),
        ("place=CO&effect=context&from=2019-07-10&to=2019-07-10", ["E2"]),
    ]


def test_every_filter_gives_the_hand_computed_events(client, demo, placed):
    for query, expected in _cases(demo):
        assert _titles(client, query) == expected, query


def test_review_states_are_for_those_with_a_role(client, demo, placed, make_user, login):
    response = client.get(f"{API}?review_state=pending")
    assert response.status_code == 403
    assert "review_state='pending'" in response.get_json()["message"]
    login(make_user("coordinator", demo))
    assert _titles(client, "review_state=all") == ["E5", "E4", "E3", "E2", "E1"]
    assert _titles(client, "review_state=pending") == ["E4"]
    assert _titles(client, "review_state=rejected&place=19") == ["E5"]
    assert _titles(client) == ["E3", "E2", "E1"]


def test_an_event_as_json(client, demo, placed):
    body = client.get(f"{API}?place=54810").get_json()
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    (event,) = body["events"]
    assert event["date"] == "2018-05-01" and event["end_date"] is None
    assert event["place"] == {"code": "54810", "name": "Tibú", "kind": "municipality",
                              "parent": {"code": "54", "name": "Norte de Santander"}}
    assert event["provisions"] == [{"code": demo.provisions[0].code, "effect": "advances"},
                                   {"code": demo.provisions[1].code, "effect": "sets_back"}]
    (source,) = event["sources"]
    assert source["title"] == "S1" and source["kind"] == "report"
    assert source["attachment"]["media_type"] == "application/pdf"
    assert source["attachment"]["size_bytes"] == len(PDF)
    assert event["title_en"] == "E1" and event["title_es"] == ""
    assert "review_reason" not in event and "review_state" not in source


def test_paging(client, placed):
    first = client.get(f"{API}?per_page=2").get_json()
    assert (first["total"], first["pages"]) == (3, 2)
    assert [e["title"] for e in first["events"]] == ["E3", "E2"]
    assert _titles(client, "per_page=2&page=2") == ["E1"]
    assert _titles(client, "per_page=2&page=3") == []


@pytest.mark.parametrize("query, status, fragment", [
    ("from=2016-01-01", 400, "before the accord was signed"),
    ("from=01/02/2019", 400, "is not a date"),
    ("from=2020-01-01&to=2019-01-01", 400, "is after"),
    ("place=99999", 400, "is neither a known place code nor the exact name"),
    ("group=NOWHERE", 400, "names no group of places"),
    ("provision=zz", 400, "is not a provision of this accord"),
    ("effect=helps", 400, "must be one of advances, sets back (sets_back), no effect on"),
    ("source_kind=tweet", 400, "must be one of official document (official_document), "
                               "gazette, news"),
    ("per_page=0", 400, "from 1 to 200"),
    ("per_page=201", 400, "from 1 to 200"),
    ("page=x", 400, "whole number"),
    ("page=%C2%B2", 400, "whole number"),  # a superscript two: a digit to str.isdigit
    ("colour=red", 400, "unknown parameter"),
    ("place=", 400, "place is empty"),
    ("review_state=maybe", 400, "must be one of verified"),
])
def test_bad_parameters_are_named(client, query, status, fragment):
    response = client.get(f"{API}?{query}")
    assert response.status_code == status and response.is_json
    assert fragment in response.get_json()["message"]


def test_a_refused_choice_lists_the_names_in_the_readers_language(client):
    message = client.get(f"{API}?effect=helps", headers={"Accept-Language": "es"}).get_json()
    assert "avanza (advances), retrocede (sets_back), sin efecto en el nivel (no_effect), " \
        "contexto (context)" in message["message"]
    page = client.get(f"{PAGE}?source_kind=tweet", headers={"Accept-Language": "es"})
    assert page.status_code == 400
    assert "documento oficial (official_document), diario oficial (gazette)" in \
        page.get_data(as_text=True)


def test_a_private_accord_has_no_public_events(client, demo):
    demo.public = False
    assert client.get(API).status_code == 404
    assert client.get(PAGE).status_code == 404


def _listed(page: str) -> set[str]:
    """The event titles the page lists (not any text: a form token may hold "E2"), each
    linked to its event's page."""
    import re

    return set(re.findall(r'<strong><a href="/accords/[^/"]+/events/\d+">([^<]+)</a>', page))


def test_the_page_lists_filters_and_translates(client, demo, placed):
    page = client.get(PAGE).get_data(as_text=True)
    assert {"E1", "E3"} <= _listed(page) and "E4" not in _listed(page)
    assert "Tibú, Norte de Santander" in page and "sets back" in page
    assert f"/accords/colombia-2016-demo/sources/{placed['E1'].source_links[0].source_id}/file" \
        in page
    page = client.get(f"{PAGE}?group=CATATUMBO").get_data(as_text=True)
    assert "E1" in _listed(page) and "E2" not in _listed(page)
    spanish = client.get(PAGE, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Eventos de implementación" in spanish and "retrocede" in spanish


def test_the_pages_empty_fields_are_dropped_and_bad_ones_refused(client, placed):
    response = client.get(f"{PAGE}?from=&place=&effect=sets_back")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events?effect=sets_back")
    assert client.get(f"{PAGE}?place=99999").status_code == 400


def test_attached_file_is_a_download_with_nosniff(client, placed):
    source = placed["E1"].source_links[0].source
    response = client.get(f"/accords/colombia-2016-demo/sources/{source.id}/file")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "informe.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_pending_files_are_for_those_with_a_role(client, demo, placed, make_user, login):
    pending = placed["E4"].source_links[0].source
    url = f"/accords/colombia-2016-demo/sources/{pending.id}/file"
    assert client.get(url).status_code == 404
    no_file = placed["E2"].source_links[0].source
    assert client.get(f"/accords/colombia-2016-demo/sources/{no_file.id}/file").status_code \
        == 404
    login(make_user("editor", demo))
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF + b"4"


@pytest.mark.parametrize("query, field", [
    ("place=zzz", "Lugar (código o nombre)"), ("group=Nope", "Grupo de lugares"),
    ("provision=9.9.9", "Disposición"), ("effect=maybe", "Efecto"),
    ("review_state=pending", "Estado de revisión"),
    ("from=2020-01-02&to=2020-01-01", "Desde"),
])
def test_the_page_names_a_refused_value_by_its_fields_label(client, placed, query, field):
    """On the page (not in the API), a refusal names the field as the form shows it."""
    page = client.get(f"{PAGE}?{query}", headers={"Accept-Language": "es"})
    assert page.status_code in (400, 403)
    assert f"«{field}»" in page.get_data(as_text=True)  # the reader's quotation marks
    api = client.get(f"{API}?{query}").get_json()["message"]
    assert re.search(rf"\b{query.split('=')[0]}[=:]", api)  # the API keeps the parameter's name


@pytest.mark.parametrize("given, shown", [
    ("true", "true"), ("s%C3%AD", "true"), ("1", "true"), ("yes", "true"), ("TRUE", "true"),
    ("false", "false"), ("no", "false"), ("0", "false"), ("No", "false")])
def test_the_priority_select_shows_every_spelling_of_yes_and_no(client, given, shown):
    html = client.get(f"{PAGE}?priority={given}", headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    select = re.search(r'<select name="priority".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\w*)" selected>', select) == [shown]


def test_a_refused_priority_selects_nothing(client):
    response = client.get(f"{PAGE}?priority=maybe")
    select = re.search(r'<select name="priority".*?</select>', response.get_data(as_text=True),
                       re.S).group(0)
    assert response.status_code == 400 and " selected" not in select
