"""The events feed's provision filters (section at any depth, tag, priority), its search
(accents and case aside, either content language), places by name, and the page's form
given back with its refused fields: against events placed by hand, in the API, the page
and the files."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from event_helpers import event_input, new_source
from sqlalchemy import select

from tracker.events.services import review_event, submit_event
from tracker.extensions import db
from tracker.models import Provision

API = "/api/v1/accords/colombia-2016-demo/events"
PAGE = "/accords/colombia-2016-demo/events"

#: The seeded provisions the events bear on: code -> (section path, tags, priority, type,
#: time frame, responsible actor).
PROVISIONS = {
    "1.3.1.3": (("1", "1.3", "1.3.1"), set(), True, "ESD", "medium",
                "Ministerio de Transporte"),
    "1.1.1": (("1", "1.1"), {"gender"}, False, "NRM", "long",
              "Ministerio de Agricultura y Desarrollo Rural"),
    "2.1.5": (("2", "2.1"), {"gender"}, True, "HUR", "medium", "Consejo Nacional Electoral"),
    "1.3.2.2": (("1", "1.3", "1.3.2"), {"gender", "territorial"}, False, "EDU", "long",
                "Ministerio de Vivienda, Ciudad y Territorio"),
}


@pytest.fixture
def written(demo):
    """Four events of the demo accord (original language English):
    F1 2018-06-01 Bogotá (11001): 1.3.1.3 advances; title "Reunión en Bogotá",
       translated "Meeting in Bogotá"; verified.
    F2 2019-02-02 Tibú (54810): 1.1.1 sets back, 2.1.5 context; title "Entrega de TIERRAS",
       description translated "One hundred hectares handed over", actors "Agencia Nacional
       de Tierras"; verified.
    F3 2020-03-03 no place: 1.3.2.2 no effect; title "Informe: 50% de avance_total";
       verified.
    F4 2021-04-04 Bogotá: 1.3.1.3 sets back; title "Bogotá, pendiente"; pending."""
    codes = {p.code: p for p in db.session.scalars(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code.in_(PROVISIONS)))}
    for code, (path, tags, priority, kind, frame, actor) in PROVISIONS.items():
        provision = codes[code]  # what the cases rest on
        assert (provision.priority, set(provision.tag_names)) == (priority, tags), code
        assert provision.section.code == path[-1], code
        assert (provision.provision_type.code, provision.time_frame,
                provision.responsible_actor) == (kind, frame, actor), code
    specs = [
        ("F1", date(2018, 6, 1), "11001", [("1.3.1.3", "advances")],
         dict(title="Reunión en Bogotá", title_translated="Meeting in Bogotá"), True),
        ("F2", date(2019, 2, 2), "54810", [("1.1.1", "sets_back"), ("2.1.5", "context")],
         dict(title="Entrega de TIERRAS", description="Cien hectáreas",
              description_translated="One hundred hectares handed over",
              actors="Agencia Nacional de Tierras"), True),
        ("F3", date(2020, 3, 3), None, [("1.3.2.2", "no_effect")],
         dict(title="Informe: 50% de avance_total", description="", actors=""), True),
        ("F4", date(2021, 4, 4), "11001", [("1.3.1.3", "sets_back")],
         dict(title="Bogotá, pendiente"), False),
    ]
    made = {}
    for key, day, place, links, texts, verified in specs:
        texts.setdefault("description", "")
        texts.setdefault("actors", "")
        event = submit_event(event_input(
            demo, occurred_on=day, place_code=place, sources=[new_source(attachment=None)],
            provisions=[(codes[c], effect) for c, effect in links], **texts))
        if verified:
            review_event(event, "verified", "")
        made[key] = event
    return made


def _keys(client, written, query: str = "") -> list[str]:
    response = client.get(f"{API}?{query}")
    assert response.status_code == 200, (query, response.get_json())
    names = {e.id: k for k, e in written.items()}
    return [names.get(e["id"], "?") for e in response.get_json()["events"]]


CASES = [
    ("", ["F3", "F2", "F1"]),
    ("section=1", ["F3", "F2", "F1"]),
    ("section=1.3", ["F3", "F1"]),
    ("section=1.3.1", ["F1"]),
    ("section=1.1", ["F2"]),
    ("section=2", ["F2"]),
    ("tag=gender", ["F3", "F2"]),
    ("tag=territorial", ["F3"]),
    ("priority=true", ["F2", "F1"]),
    ("priority=false", ["F3", "F2"]),
    ("tag=gender&priority=true", ["F2"]),
    ("section=1&priority=true", ["F1"]),
    # the provision filters and the effect meet on one and the same link
    ("section=1&effect=sets_back", ["F2"]),
    ("section=2&effect=sets_back", []),
    ("priority=true&effect=advances", ["F1"]),
    ("priority=true&effect=context", ["F2"]),
    ("section=1.3&place=11", ["F1"]),
    # the other provision filters of the API (types, time frames, actors as seeded)
    ("provision_type=HUR", ["F2"]),
    ("time_frame=long", ["F3", "F2"]),
    ("time_frame=medium&effect=advances", ["F1"]),
    ("responsible_actor=Ministerio%20de%20Transporte", ["F1"]),
    # search: accents and case aside, either language, actors too; % and _ are letters
    ("q=bogota", ["F1"]),
    ("q=BOGOT%C3%81", ["F1"]),
    ("q=reunion%20en%20bogota", ["F1"]),
    ("q=meeting", ["F1"]),
    ("q=hectares", ["F2"]),
    ("q=hect%C3%A1reas", ["F2"]),
    ("q=tierras", ["F2"]),
    ("q=agencia%20nacional", ["F2"]),
    ("q=%2050%25%20", ["F3"]),
    ("q=5_%25", []),
    ("q=avance_total", ["F3"]),
    ("q=%25", ["F3"]),
    ("q=bogota%20meeting", []),
    ("q=bogota&section=2", []),
    ("q=bogota&from=2018-06-02", []),
    # places by name: exact, accents and case aside; "NAME, PARENT"; a list entry
    ("place=tibu", ["F2"]),
    ("place=%20Tib%C3%BA%20", ["F2"]),
    ("place=tibu,%20norte%20de%20santander", ["F2"]),
    ("place=54810%20TIB%C3%9A,%20NORTE%20DE%20SANTANDER", ["F2"]),
    ("place=norte%20de%20santander", ["F2"]),
    ("place=11001", ["F1"]),
    ("place=11", ["F1"]),
    ("place=Bogota", ["F1"]),  # "BOGOTÁ, D.C.": the municipality, not its department
    ("place=bogota,%20d.c.", ["F1"]),
]


@pytest.mark.parametrize("query, expected", CASES)
def test_each_filter_gives_the_hand_computed_events(client, written, query, expected):
    assert _keys(client, written, query) == expected


def test_search_and_provision_filters_with_review_states(client, demo, written, make_user,
                                                         login):
    login(make_user("coordinator", demo))
    assert _keys(client, written, "q=bogota&review_state=all") == ["F4", "F1"]
    assert _keys(client, written, "section=1.3.1&review_state=pending") == ["F4"]
    assert _keys(client, written, "priority=true&effect=sets_back&review_state=all") == ["F4"]


def test_the_provision_timeline_takes_the_search(client, written):
    body = client.get("/api/v1/accords/colombia-2016-demo/provisions/1.3.1.3/events"
                      "?q=bogota").get_json()
    assert [e["id"] for e in body["events"]] == [written["F1"].id]


def test_the_files_take_the_new_filters(client, written):
    text = client.get(f"{PAGE}.csv?q=tierras").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == ["Entrega de TIERRAS"]
    assert client.get(f"{PAGE}.xlsx?section=1.3&priority=true").status_code == 200
    assert client.get(f"{PAGE}.csv?tag=nope").status_code == 400


@pytest.mark.parametrize("query, fragment", [
    ("section=9.9", "section='9.9' matches no provision of this accord"),
    ("tag=nope", "tag='nope' matches no provision"),
    ("priority=maybe", "priority='maybe' must be true or false"),
    ("q=" + "x" * 201, "q is longer than 200 characters"),
    ("q=%CC%88", "holds nothing to search for"),
    ("place=Ciudad%20Inexistente", "place: no place is named or coded 'Ciudad Inexistente'"),
    ("place=99999", "place='99999' is neither a known place code nor the exact name"),
    ("place=boyaca", "several places are named boyaca: choose one from the list or type its "
                     "code (15 Boyacá; 15104 Boyacá, Boyacá)"),
])
def test_bad_new_parameters_are_named(client, written, query, fragment):
    response = client.get(f"{API}?{query}")
    assert response.status_code == 400 and fragment in response.get_json()["message"]


def test_the_openapi_document_lists_the_new_filters(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/accords/{slug}/events", "/api/v1/accords/{slug}/provisions/{code}/events"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"q", "section", "tag", "priority"} <= names, path


def _field_error(page: str, field: str) -> str | None:
    """The message shown at field `field` of the feed's form (None when there is none)."""
    found = re.search(rf'id="{field}"[^>]*aria-invalid="true"[^>]*>.*?'
                      rf'<span class="errors" id="{field}-error">([^<]+)</span>', page, re.S)
    return found.group(1) if found else None


def test_refused_values_give_the_form_back_with_each_error_at_its_field(client, written):
    response = client.get(f"{PAGE}?q=tierras&place=Ciudad%20Inexistente&effect=helps"
                          "&from=2020-01-01")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    summary = page[page.index('class="error-summary"'):page.index("</div>",
                                                                  page.index('error-summary'))]
    assert summary.count("<li>") == 2
    assert 'href="#place"' in summary and 'href="#effect"' in summary
    assert "no place is named or coded" in _field_error(page, "place")
    assert "must be one of advances" in _field_error(page, "effect")
    assert _field_error(page, "q") is None and _field_error(page, "from") is None
    assert 'value="tierras"' in page and 'value="Ciudad Inexistente"' in page  # kept whole
    assert 'value="2020-01-01"' in page
    assert "Entrega de TIERRAS" not in page  # no events listed under a refused filter


def test_an_unknown_parameter_is_ignored_by_the_page_and_refused_by_the_api(client, written):
    """A page ignores what it does not take (a campaign tag on a shared link); the API and
    the files name it."""
    response = client.get(f"{PAGE}?colour=red&utm_source=mail")
    assert response.status_code == 200
    assert 'class="error-summary"' not in response.get_data(as_text=True)
    for url in (API, f"{PAGE}.csv"):
        refused = client.get(f"{url}?colour=red")
        assert refused.status_code == 400 and "colour" in refused.get_data(as_text=True)


def test_the_page_in_spanish_names_the_field_and_the_new_filters(client, written):
    response = client.get(f"{PAGE}?section=9.9&place=Ciudad%20Inexistente",
                          headers={"Accept-Language": "es"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "«Sección»" in _field_error(page, "section")
    assert "«Lugar (código o nombre)»" in _field_error(page, "place")
    assert "ningún lugar se llama ni tiene el código" in page
    assert "Ningún evento se buscó: corrija los campos marcados" in page
    page = client.get(PAGE, headers={"Accept-Language": "es"}).get_data(as_text=True)
    for label in ("Buscar", "Sección", "Etiqueta", "Prioridad", "no prioritaria"):
        assert f"{label}" in page, label


def test_the_page_searches_and_pages(client, written):
    page = client.get(f"{PAGE}?q=tierras").get_data(as_text=True)
    assert "Entrega de TIERRAS" in page and "Reunión en Bogotá" not in page
    assert 'class="pager"' not in page  # one page: nothing to page through


def _pager(page: str, id: str) -> str:
    start = page.index(f'id="{id}"')
    return page[start:page.index("</nav>", start)]


def test_the_page_links_every_page_above_and_below_the_list(client, written):
    page = client.get(f"{PAGE}?per_page=1&section=1&page=2").get_data(as_text=True)
    top, bottom = _pager(page, "pager-top"), _pager(page, "pager-bottom")
    assert page.index('id="pager-top"') < page.index("<table") < page.index('id="pager-bottom"')
    assert top.replace("above", "below") == bottom.replace("pager-bottom", "pager-top")
    links = dict((text.strip(), href.replace("&amp;", "&")) for href, text in
                 re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', top))
    for text, number in (("« first", 1), ("‹ previous", 1), ("1", 1), ("3", 3),
                         ("next ›", 3), ("last »", 3)):
        assert f"page={number}" in links[text] and "per_page=1" in links[text], text
        assert "section=1" in links[text], text
    assert '<span aria-current="page">2</span>' in top and "page 2 of 3" in top
    spanish = client.get(f"{PAGE}?per_page=1&page=3",
                         headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "« primera" in spanish and "‹ anterior" in spanish and "última »" not in spanish


def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, written):
    """As the provision list does: the last page, with a note; the API keeps an empty page."""
    last = client.get(f"{PAGE}?per_page=1&section=1").get_data(as_text=True)
    pages = int(re.search(r"page 1 of (\d+)", last).group(1))
    page = client.get(f"{PAGE}?per_page=1&section=1&page=999")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"There is no page 999: the list has {pages} pages; this is the last." in text
    assert f"page {pages} of {pages}" in text and "<table" in text
    api = client.get(f"{API}?per_page=1&section=1&page=999").get_json()
    assert api["events"] == []
