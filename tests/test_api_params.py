"""The API accepts exactly what its OpenAPI document states, and refuses the rest with a
400 naming the parameter (runs on SQLite and PostgreSQL)."""
from __future__ import annotations

import re

import pytest

SLUG = "colombia-2016-demo"
API = f"/api/v1/accords/{SLUG}"



@pytest.mark.parametrize("query, fragment", [
    ("summary?as_of=20250316", "is not a date"),
    ("summary?as_of=2025-W11-1", "is not a date"),
    ("summary?as_of=2025-03-16T00:00", "is not a date"),
    ("summary?as_of=%202025-03-16", "is not a date"),
    ("summary?as_of=", "as_of is empty"),
    ("summary?section=1&section=2", "section is given 2 times"),
    ("summary?tag=", "tag is empty"),
    ("summary?tag=gender%00", "control character"),
    ("summary?priority=maybe", "must be true or false"),
    ("summary?priority=2", "must be true or false"),
    ("summary?priority=verdadero", "must be true or false"),
    ("timeline?freq=month&freq=year", "freq is given 2 times"),
    ("comparison?year=01", "from 1 to 10"),
    ("comparison?year=" + "9" * 5000, "from 1 to 10"),
    ("comparison?year=%2B3", "from 1 to 10"),
    ("comparison?reference_set=", "reference_set is empty"),
    ("comparison?include_illustrative=nope", "must be true or false"),
    ("provisions?responsible_actor=a%00", "control character"),
    ("provisions?time_frame=", "time_frame is empty"),
])
def test_api_accepts_exactly_what_it_documents(client, query, fragment):
    response = client.get(f"{API}/{query}")
    assert response.status_code == 400 and response.is_json
    assert fragment in response.get_json()["message"]


def test_api_names_control_characters_in_any_parameter_and_the_slug(client):
    for url in (f"{API}/summary?colour=%00", f"/api/v1/accords/{SLUG}%00/summary",
                "/api/v1/openapi.json?x=1"):
        response = client.get(url)
        assert response.status_code == 400 and response.is_json, url


def test_api_documented_values_still_work(client):
    for query in ("summary?as_of=2019-02-28&priority=true&tag=gender",
                  "comparison?year=10&include_illustrative=false",
                  "timeline?freq=year&time_frame=short"):
        response = client.get(f"{API}/{query}")
        assert response.status_code == 200, (query, response.get_json())


@pytest.mark.parametrize("yes, no", [("true", "false"), ("yes", "no"), ("1", "0"),
                                     ("TRUE", "False"), ("s%C3%AD", "no"), ("si", "NO")])
def test_every_spelling_of_a_yes_no_value_reads_alike(client, yes, no):
    """One rule for every page, API and file (`domain.text.parse_boolean`)."""
    for flag, canonical in ((yes, "true"), (no, "false")):
        got = client.get(f"{API}/summary?priority={flag}")
        assert got.status_code == 200, got.get_json()
        assert got.get_json() == client.get(f"{API}/summary?priority={canonical}").get_json()


def test_openapi_states_every_constraint(client):
    from tracker.api import params

    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    summary = {p["name"]: p["schema"] for p in paths["/api/v1/accords/{slug}/summary"]["get"]
               ["parameters"]}
    assert summary["as_of"]["pattern"] == params.DATE_PATTERN
    assert re.fullmatch(summary["as_of"]["pattern"].strip("^$"), "2025-03-16")
    assert not re.fullmatch(summary["as_of"]["pattern"].strip("^$"), "20250316")
    assert summary["tag"]["minLength"] == 1 and summary["section"]["minLength"] == 1
    assert summary["priority"]["enum"][:2] == ["true", "false"]  # first: what to write
    assert set(summary["priority"]["enum"]) == set(params.BOOLEANS)
    assert summary["time_frame"]["enum"] == ["short", "medium", "long"]
    comparison = {p["name"]: p for p in paths["/api/v1/accords/{slug}/comparison"]["get"]
                  ["parameters"]}
    assert comparison["year"]["schema"]["enum"] == list(params.YEARS)
    assert comparison["reference_set"]["schema"]["enum"] == ["PAM_ID v1.5"]
    assert comparison["reference_set"]["schema"]["default"] == "PAM_ID v1.5"
    as_of = next(p for p in paths["/api/v1/accords/{slug}/pace"]["get"]["parameters"]
                 if p["name"] == "as_of")
    assert "before the accord was signed" in as_of["description"]
    for path in paths.values():
        for parameter in path["get"]["parameters"]:
            if parameter["in"] == "query":
                assert "given at most once" in parameter["description"].lower()
