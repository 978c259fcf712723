"""One rule for query parameters: an HTML page ignores those it does not take (links from
elsewhere add their own); the JSON API and files refuse them, naming them; a bad value of a
parameter a route takes is a 400 naming it everywhere (a page names its field)."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Accord

SLUG = "colombia-2016-demo"
BASE = f"/accords/{SLUG}"


def _reference_slug() -> str:
    return db.session.scalar(select(Accord.slug).where(Accord.kind == "reference")
                             .order_by(Accord.id).limit(1))


@pytest.mark.parametrize("path", [f"{BASE}/dashboard", f"{BASE}/events", f"{BASE}/provisions",
                                  f"{BASE}/brief", "/reference", "reference/<slug>"])
def test_pages_ignore_parameters_they_do_not_take(client, demo, path):
    if path == "reference/<slug>":
        path = f"/reference/{_reference_slug()}"
    response = client.get(f"{path}?utm_source=x&utm_source=y")
    if path.endswith("/dashboard"):  # kept for anonymous visitors: sent to its one address
        assert response.status_code == 302 and response.headers["Location"].endswith(path)
        response = client.get(response.headers["Location"])
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("path", [f"/api/v1{BASE}/summary", f"{BASE}/events.csv",
                                  f"{BASE}/provisions.csv", f"{BASE}/history.csv",
                                  f"{BASE}/report.xlsx", f"{BASE}/brief.pdf"])
def test_the_api_and_files_refuse_parameters_they_do_not_take(client, demo, path):
    response = client.get(f"{path}?utm_source=x")
    assert response.status_code == 400
    assert "utm_source" in response.get_data(as_text=True)


def test_a_file_names_a_filter_it_does_not_take(client, demo):
    response = client.get(f"{BASE}/provisions.csv?level=9")
    assert response.status_code == 400 and "level" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, english, spanish", [
    ("priority=x", "“Priority”='x' must be true or false", "«Prioridad»='x' debe ser true o"),
    ("level=9", "“Level”='9' must be one of 0, 1, 2, 3", "«Nivel»"),
    ("overdue=maybe", "“overdue only”='maybe' must be true or false", "«solo vencidas»"),
    ("page=x", "“Page”='x' must be a whole number from 1 on", "«Página»"),
    ("section=ZZ", "“Section”='ZZ' matches no provision of this accord", "«Sección»"),
    ("no_event_since=2019-13-01", "“No verified event since”='2019-13-01' is not a date",
     "«Sin eventos verificados desde»"),
    ("level=1&level=2", "“Level” is given 2 times", "«Nivel»"),
])
def test_the_provision_list_names_a_bad_value_by_its_field(client, demo, query, english,
                                                           spanish):
    response = client.get(f"{BASE}/provisions?{query}")
    assert response.status_code == 400 and english in unescape(response.get_data(as_text=True))
    client.post("/language/es")
    response = client.get(f"{BASE}/provisions?{query}")
    assert response.status_code == 400 and spanish in unescape(response.get_data(as_text=True))


def _listed_codes(page: str) -> list[str]:
    import re

    return re.findall(r'/provisions/([^"/]+)">', page)


@pytest.mark.parametrize("yes, no", [("true", "false"), ("yes", "no"), ("1", "0"),
                                     ("s%C3%AD", "no"), ("TRUE", "False")])
def test_every_page_api_and_file_reads_yes_no_values_alike(client, demo, yes, no):
    """The provision list took yes/no while the feed, API and dashboard took true/false:
    one rule now (`domain.text.parse_boolean`)."""
    for flag, canonical in ((yes, "true"), (no, "false")):
        page = client.get(f"{BASE}/provisions?priority={flag}")
        assert page.status_code == 200
        listed = _listed_codes(page.get_data(as_text=True))
        assert listed and listed == _listed_codes(
            client.get(f"{BASE}/provisions?priority={canonical}").get_data(as_text=True))
        wanted = f'<option value="{canonical}" selected>'
        assert wanted in page.get_data(as_text=True)  # the form shows what was read
        for path in (f"{BASE}/events", f"{BASE}/events.csv", f"/api/v1{BASE}/summary"):
            assert client.get(f"{path}?priority={flag}").status_code == 200, path
        # the dashboard does not choose by priority: it drops the parameter
        assert client.get(f"{BASE}/dashboard?priority={flag}").status_code == 302
    assert client.get(f"{BASE}/provisions?overdue={yes}").status_code == 200


def test_a_refused_filter_is_shown_at_its_field_not_as_a_bare_page(client, demo):
    client.post("/language/es")
    response = client.get(f"{BASE}/provisions?priority=quiza&level=9&section=1")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert 'id="priority" aria-invalid="true" aria-describedby="priority-error"' in page
    assert 'id="level" aria-invalid="true" aria-describedby="level-error"' in page
    assert 'id="section" aria-invalid' not in page  # a good value is kept, not marked
    assert '<span class="errors" id="priority-error">«Prioridad»=\'quiza\'' in page
    assert 'href="#priority"' in page and "corrija los campos marcados" in page
    assert 'name="q"' in page and "No provision matches" not in page


def test_a_briefs_paper_is_named_by_its_field(client, demo):
    response = client.get(f"{BASE}/brief?paper=folio")
    assert response.status_code == 400
    assert "“Paper”='folio' must be one of a4, letter" in unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("path, query", [(f"{BASE}/brief", "as_of=2099-01-01"),
                                         (f"{BASE}/brief", "paper=folio")])
def test_a_page_refused_for_its_options_links_the_page_without_them(client, demo, path,
                                                                    query):
    # the refusal named the bad option and left a phone user nowhere to go but Back
    response = client.get(f"{path}?{query}", headers={"Accept-Language": "es"})
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert f'<a href="{path}">Abrir esta página sin estas opciones</a>' in page
    assert client.get(path).status_code == 200


def test_a_dashboard_refused_for_its_options_shows_itself_without_them(client, demo):
    """The dashboard, refused a year and a point, is the dashboard with both named at their
    fields (and Reset beside them), not an error page."""
    response = client.get(f"{BASE}/dashboard?year=abc&section=99",
                          headers={"Accept-Language": "es"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and 'id="table-headline"' in page
    assert 'id="year-error"' in page and 'id="section-error"' in page
    assert f'<a class="reset" href="{BASE}/dashboard">Restablecer</a>' in page
