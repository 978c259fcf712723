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
    ("priority=x", "“Priority”='x' must be one of yes, no", "«Prioridad»"),
    ("level=9", "“Level”='9' must be one of 0, 1, 2, 3", "«Nivel»"),
    ("overdue=yes", "“overdue only”='yes' must be one of 1", "«solo vencidas»"),
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


def test_a_briefs_paper_is_named_by_its_field(client, demo):
    response = client.get(f"{BASE}/brief?paper=folio")
    assert response.status_code == 400
    assert "“Paper”='folio' must be one of a4, letter" in unescape(response.get_data(as_text=True))
