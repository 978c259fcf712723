"""The JSON API: each endpoint, its figures, and every kind of bad parameter."""
from datetime import date, timedelta

import pytest

from tracker.domain.metrics import Filters
from tracker.figures import AccordFigures

SLUG = "colombia-2016-demo"
BASE = f"/api/v1/accords/{SLUG}"


def test_accords_list(client):
    data = client.get("/api/v1/accords").get_json()["accords"]
    assert len(data) == 35
    demo = next(a for a in data if a["slug"] == SLUG)
    assert demo == {"slug": SLUG, "name": demo["name"], "country": "Colombia",
                    "signed_on": "2016-11-24", "kind": "monitored", "reference_set": None,
                    "illustrative": True, "external_ids": {}, "original_language": "en",
                    "name_en": demo["name"], "name_es": demo["name_es"]}
    assert demo["name_es"].startswith("Acuerdo Final para la Terminación del Conflicto")
    assert sum(a["kind"] == "reference" for a in data) == 34


def test_summary_at_a_published_cut_off(client):
    data = client.get(f"{BASE}/summary?as_of=2019-02-28").get_json()
    assert data["accord"] == SLUG and data["as_of"] == "2019-02-28"
    assert data["provisions"] == 578
    assert data["counts"] == {"not_initiated": 182, "minimal": 194, "intermediate": 69,
                              "complete": 133}
    # 133/578 = 23.010...%; score = 100 * (194 + 2*69 + 3*133) / (3*578) = 42.16...
    assert data["shares"]["complete"] == 23.0
    assert data["shares"]["not_initiated"] == 31.5
    assert data["score"] == 42.16
    assert data["priority"]["provisions"] + data["non_priority"]["provisions"] == 578
    for part in ("priority", "non_priority"):
        assert sum(data[part]["counts"].values()) == data[part]["provisions"]


@pytest.mark.parametrize("query, filters", [
    ("section=1", Filters(section="1")),
    ("section=3.2", Filters(section="3.2")),
    ("tag=gender", Filters(tag="gender")),
    ("priority=true", Filters(priority=True)),
    ("priority=false&tag=ethnic", Filters(priority=False, tag="ethnic")),
])
def test_summary_filters_match_the_domain(client, demo, query, filters):
    data = client.get(f"{BASE}/summary?as_of=2023-11-30&{query}").get_json()
    expected = AccordFigures(demo).summary(date(2023, 11, 30), filters)
    assert data["counts"] == expected["counts"] and data["score"] == expected["score"]
    assert 0 < data["provisions"] < 578


def test_summary_by_provision_type(client, demo):
    code = next(p.type_code for p in AccordFigures(demo).provisions if p.type_code)
    data = client.get(f"{BASE}/summary?provision_type={code}").get_json()
    assert data["provisions"] == sum(p.type_code == code for p in AccordFigures(demo).provisions)


def test_gender_subset_counts_within_the_whole(client):
    whole = client.get(f"{BASE}/summary?as_of=2024-11-30").get_json()
    gender = client.get(f"{BASE}/summary?as_of=2024-11-30&tag=gender").get_json()
    assert gender["provisions"] == 130
    for key, count in gender["counts"].items():
        assert count <= whole["counts"][key]


def test_timeline(client):
    data = client.get(f"{BASE}/timeline?freq=year&as_of=2020-06-30").get_json()
    dates = [p["date"] for p in data["points"]]
    assert dates == ["2016-12-31", "2017-12-31", "2018-12-31", "2019-12-31", "2020-06-30"]
    assert data["priority_flags_since"] == "2018-03-29"
    at_end = client.get(f"{BASE}/summary?as_of=2020-06-30").get_json()
    assert data["points"][-1]["counts"] == at_end["counts"]
    monthly = client.get(f"{BASE}/timeline?as_of=2019-02-28").get_json()["points"]
    assert len(monthly) == 28 and monthly[-1]["counts"]["complete"] == 133
    assert monthly[-1]["priority"]["score"] > monthly[-1]["non_priority"]["score"]


def test_pace(client, demo):
    data = client.get(f"{BASE}/pace?as_of=2024-11-30").get_json()
    assert data["target_date"] == "2031-11-24"
    assert data["score"] == client.get(f"{BASE}/summary?as_of=2024-11-30").get_json()["score"]
    assert data["monthly_change_12m"] > 0
    assert data["required_monthly_change"] > data["monthly_change_12m"]
    assert date.fromisoformat(data["projected_completion"]) > date(2031, 11, 24)
    for item in data["overdue"]:
        assert item["level"] < 3 and item["deadline"] < "2024-11-30"
    assert len(data["overdue"]) == len(AccordFigures(demo).overdue(date(2024, 11, 30)))


def test_comparison_at_year_three(client):
    data = client.get(f"{BASE}/comparison?year=3").get_json()
    # signed on 24 November, after PAM's 17 November threshold: year 1 is 2017, year 3 2019
    assert data["year"] == 3 and data["accord_as_of"] == "2019-12-31"
    assert data["alignment"]["first_year"] == 2017
    assert data["reference_accords"] == 33  # Abidjan was coded for two years only
    assert data["types_compared"] == sum(t["reference"] is not None for t in data["types"])
    assert data["types_above_mean"] == sum(t["above_mean"] for t in data["types"])
    for row in data["types"]:
        ref = row["reference"]
        if ref:
            assert ref["min"] <= ref["q1"] <= ref["median"] <= ref["q3"] <= ref["max"]
            assert 0 <= row["percentile"] <= 100
            assert row["difference"] == pytest.approx(row["accord_level"] - ref["mean"],
                                                      abs=0.011)
    curve = data["score_curve"]
    assert [p["year"] for p in curve] == list(range(1, 11))
    assert curve[0]["reference"]["n"] == 34


def test_comparison_now_and_without_illustrative(client):
    now = client.get(f"{BASE}/comparison").get_json()
    assert now["requested_year"] == "now" and now["year"] == 10
    real_only = client.get(f"{BASE}/comparison?year=2&include_illustrative=false").get_json()
    everything = client.get(f"{BASE}/comparison?year=2").get_json()
    assert real_only["reference_accords"] == everything["reference_accords"] == 34
    assert real_only["reference_set"] == "PAM_ID v1.5"


def test_provisions_endpoint(client):
    data = client.get(f"{BASE}/provisions?as_of=2019-02-28").get_json()
    levels = [p["level"] for p in data["provisions"]]
    assert len(levels) == 578
    assert [levels.count(n) for n in range(4)] == [182, 194, 69, 133]
    section = client.get(f"{BASE}/provisions?section=2").get_json()["provisions"]
    assert section and all(p["section"][0] == "2" for p in section)


# Two days ahead, not one: computed when the tests are collected, it must still be in the
# future when a run that began before midnight reaches it.
FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/v1/accords/nope/summary", 404, "no accord"),
    (f"{BASE}/summary?as_of=2019-02-30", 400, "is not a date"),
    (f"{BASE}/summary?as_of=yesterday", 400, "is not a date"),
    (f"{BASE}/summary?as_of={FUTURE}", 400, "in the future"),
    (f"{BASE}/summary?as_of=2010-01-01", 400, "before the accord was signed"),
    (f"{BASE}/summary?section=99", 400, "section='99' matches no provision"),
    (f"{BASE}/summary?tag=astrology", 400, "tag='astrology'"),
    (f"{BASE}/summary?priority=maybe", 400, "must be true or false"),
    (f"{BASE}/summary?provision_type=XYZ", 400, "provision_type='XYZ'"),
    (f"{BASE}/summary?time_frame=eternal", 400, "time_frame='eternal'"),
    (f"{BASE}/summary?colour=red", 400, "unknown parameter(s): colour"),
    (f"{BASE}/summary?include_pending=true", 403, "coordinators"),
    (f"{BASE}/timeline?freq=week", 400, "freq='week'"),
    (f"{BASE}/comparison?year=0", 400, "from 1 to 10"),
    (f"{BASE}/comparison?year=11", 400, "from 1 to 10"),
    (f"{BASE}/comparison?year=two", 400, "from 1 to 10"),
    (f"{BASE}/comparison?reference_set=Nope", 400, "not a known reference set"),
    (f"{BASE}/comparison?include_illustrative=perhaps", 400, "must be true or false"),
    (f"{BASE}/provisions?as_of=2019-2-1", 400, "is not a date"),
    ("/api/v1/accords?x=1", 400, "unknown parameter"),
    ("/api/v1/nothing-here", 404, ""),
])
def test_bad_parameters(client, url, status, fragment):
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json
    assert fragment in response.get_json()["message"]


def test_private_accord_is_hidden(client, demo):
    demo.public = False
    for url in ("/api/v1/accords", f"{BASE}/summary"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert SLUG not in {a["slug"] for a in response.get_json()["accords"]}


def test_openapi_matches_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = set(document["paths"])
    routed = {rule.rule.replace("<slug>", "{slug}").replace("<label>", "{label}")
              .replace("<code>", "{code}").replace("<int:event_id>", "{event_id}")
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/")}
    assert documented == routed
    summary_params = {p["name"] for p in document["paths"]["/api/v1/accords/{slug}/summary"]
                      ["get"]["parameters"]}
    assert summary_params == {"slug", "as_of", "include_pending", "known_at", "section", "tag",
                              "priority",
                              "provision_type", "responsible_actor", "time_frame"}


def test_answers_carry_an_etag_that_follows_the_data(client, demo):
    from datetime import date as day

    from tracker import services
    from tracker.domain.rules import Submission

    url = f"{BASE}/summary?as_of={day.today().isoformat()}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    provision = demo.provisions[0]
    services.submit([services.StatusChange(provision, Submission(3, day.today(), None, "x"),
                                           provision.version)], verified=True)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["counts"] != first.get_json()["counts"]


def test_comparison_of_a_year_not_over_reads_the_as_of_date(client):
    data = client.get(f"{BASE}/comparison?year=10&as_of=2026-06-30").get_json()
    assert data["accord_as_of"] == "2026-06-30" and data["year_complete"] is False
    done = client.get(f"{BASE}/comparison?year=3&as_of=2026-06-30").get_json()
    assert done["accord_as_of"] == "2019-12-31" and done["year_complete"] is True
    early = client.get(f"{BASE}/comparison?year=3&as_of=2019-02-28").get_json()
    assert early["accord_as_of"] == "2019-02-28" and early["year_complete"] is False


def test_a_kept_comparison_reads_the_accord_and_the_reference_set_in_two_queries(app, client):
    """The set asked for (or the default), whether it exists and its version: one query."""
    from sqlalchemy import event

    from tracker.extensions import db

    url = f"/api/v1/accords/{SLUG}/comparison"
    first = client.get(url)
    assert first.status_code == 200
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        again = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert again.status_code == 200 and again.data == first.data
    assert len(statements) <= 2, len(statements)
    label = first.get_json()["reference_set"]
    assert client.get(f"{url}?reference_set={label}").get_json()["reference_set"] == label
    assert client.get(f"{url}?reference_set={label}x").status_code == 400
