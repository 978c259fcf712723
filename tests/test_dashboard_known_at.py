"""The dashboard and its charts as known at a moment (`known_at`) and with records awaiting
review (`include_pending`, the accord's coordinators only): the page's tables equal the API's
answers for the same parameters, every state is its own cache entry and ETag, bad values are
400s, pending for anyone else a 403 (404 where the accord is hidden), and a cut-off's page
links to the dashboard as known at its publication."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from babel.dates import format_date
from sqlalchemy import select

from tracker import services
from tracker.cutoffs.services import publish
from tracker.domain.rules import Submission
from tracker.domain.scale import LEVEL_KEYS
from tracker.extensions import db
from tracker.models import Provision

from cutoff_helpers import T0, T3, T4, small_accord
from test_dashboard import keyed, num, tables

SLUG = "hand-worked"
PAGE = f"/accords/{SLUG}/dashboard"
CHART = f"/accords/{SLUG}/charts"
API = f"/api/v1/accords/{SLUG}"
MAY = "2020-05-15"


@pytest.fixture(autouse=True)
def _fresh_caches():
    from tracker import figures
    from tracker.api import routes as api
    from tracker.dashboard import routes

    for forget in (routes.clear_caches, figures.clear_caches, api.clear_caches):
        forget()
    yield
    for forget in (routes.clear_caches, figures.clear_caches, api.clear_caches):
        forget()


def _q(moment) -> str:
    """The moment as url_for writes it in a query string."""
    return quote(moment.isoformat(), safe=":")


def _page(client, query: str) -> bytes:
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200, response.data[:800]
    return response.data


def _counts(page: bytes) -> tuple[int, ...]:
    rows = keyed(page, "table-headline")
    return tuple(int(rows[key][1]) for key in LEVEL_KEYS)


def _api(client, path: str, query: str) -> dict:
    response = client.get(f"{API}/{path}?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _assert_page_equals_api(client, query: str) -> bytes:
    """Headline, priority, timeline, groups and pace tables against the API's answers."""
    page = _page(client, query)
    summary = _api(client, "summary", query)
    rows = keyed(page, "table-headline")
    for key in LEVEL_KEYS:
        assert int(rows[key][1]) == summary["counts"][key]
        assert num(rows[key][2]) == summary["shares"][key]
    assert num(rows["score"][2]) == summary["score"]
    by_label = {cells[0]: cells for _key, cells in tables(page)["table-priority"]}
    for label, part in (("Priority", summary["priority"]),
                        ("Non-priority", summary["non_priority"])):
        assert num(by_label[label][6]) == part["score"]
    timeline = _api(client, "timeline", query)["points"]
    shown = [cells for _key, cells in tables(page)["table-priority-timeline"]][1:]
    assert [(c[0], num(c[1])) for c in shown] == [  # dates as a person reads them (English)
        (format_date(date.fromisoformat(p["date"]), "medium", locale="en"), p["score"])
        for p in timeline]
    provisions = _api(client, "provisions", query)["provisions"]
    groups = keyed(page, "table-groups")
    for point in ("1", "2"):
        levels = [p["level"] for p in provisions if p["section"][:1] == [point]]
        score = round(100 * sum(levels) / (3 * len(levels)), 2)
        assert num(groups[point][-1]) == score
    pace = _api(client, "pace", query)
    assert num(keyed(page, "table-pace")["score"][1]) == pace["score"]
    return page


# --- known_at ---------------------------------------------------------------------------------

@pytest.mark.parametrize("moment, expected", [
    (T3, (2, 1, 0, 1)),  # before the late record (A=3 from 2020-05-01, verified at T4)
    (T4, (1, 1, 0, 2)),
    (None, (1, 1, 0, 2)),  # as known now
])
def test_page_as_known_at_equals_the_hand_computed_figures_and_the_api(client, moment,
                                                                        expected):
    small_accord()
    query = f"as_of={MAY}" + (f"&known_at={_q(moment)}" if moment else "")
    page = _assert_page_equals_api(client, query)
    assert _counts(page) == expected
    text = html.unescape(page.decode())
    if moment:
        assert f"Figures as known at {moment:%b} {moment.day}, {moment:%Y %H:%M} UTC" in text
        assert f'value="{moment:%Y-%m-%d %H:%M}"' in text  # the form keeps the moment
        charts = re.findall(r'<img src="([^"]+)"', text)
        assert charts and all(f"known_at={_q(moment)}" in src for src in charts)
        for url, _label in re.findall(r'<a href="(/api/v1/[^"]+)">([^<]+)</a>', text):
            assert f"known_at={_q(moment)}" in url
    else:
        assert "Verified records only, as known now." in text and "Figures as known at" not in text


def test_each_moment_is_its_own_page_and_figures(client):
    """The page cache and the figures cache are keyed on known_at: asking for one moment
    never answers with another's figures, in any order."""
    small_accord()
    now = _counts(_page(client, f"as_of={MAY}"))
    then = _counts(_page(client, f"as_of={MAY}&known_at={_q(T3)}"))
    assert now == (1, 1, 0, 2) and then == (2, 1, 0, 1)
    assert _counts(_page(client, f"as_of={MAY}")) == now
    assert _counts(_page(client, f"as_of={MAY}&known_at={_q(T4)}")) == now
    assert _counts(_page(client, f"as_of={MAY}&known_at={_q(T3)}")) == then


def test_charts_follow_known_at_with_their_own_etag(client, monkeypatch):
    from tracker import charts

    small_accord()
    drawn = {}
    original = charts.status_area

    def keep(points, labels, fmt, *size):
        drawn["points"], drawn["source"] = points, labels["source"]
        return original(points, labels, fmt, *size)

    monkeypatch.setattr(charts, "status_area", keep)
    tags = {}
    for moment in (T3, T4, None):
        query = f"as_of={MAY}" + (f"&known_at={_q(moment)}" if moment else "")
        response = client.get(f"{CHART}/status.svg?{query}")
        assert response.status_code == 200
        tags[moment] = response.headers["ETag"]
        timeline = _api(client, "timeline", query)["points"]
        assert [(p["date"], p["shares"]) for p in drawn["points"]] == [
            (p["date"], p["shares"]) for p in timeline]
        if moment:
            assert f"records verified by {moment:%b} {moment.day}, {moment:%Y %H:%M} UTC" in drawn["source"]
        again = client.get(f"{CHART}/status.svg?{query}",
                           headers={"If-None-Match": tags[moment]})
        assert again.status_code == 304
    assert len(set(tags.values())) == 3


FUTURE = "2999-01-01T00:00:00+00:00"


@pytest.mark.parametrize("value, reason", [
    ("yesterday", "is not an ISO 8601 timestamp"),
    ("2024-13-01T00:00", "is not an ISO 8601 timestamp"),
    ((T0 - timedelta(seconds=1)).isoformat(), "before the accord existed"),
    (FUTURE, "in the future"),
])
def test_a_bad_known_at_is_a_400_naming_it_on_the_charts(client, value, reason):
    small_accord()
    for url in (f"{CHART}/status.png", f"{CHART}/curve.svg"):
        response = client.get(f"{url}?known_at={quote(value)}")
        assert response.status_code == 400, url
        assert response.mimetype == "text/html"
        text = html.unescape(response.data.decode())
        assert "known_at" in text and reason in text
        api = client.get(f"{API}/summary?known_at={quote(value)}").get_json()["message"]
        assert api in text  # the same words as the API


# --- include_pending --------------------------------------------------------------------------

def _pending(accord, code="C", level=3, effective=date(2020, 4, 1)):
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == code))
    return services.submit([services.StatusChange(
        provision, Submission(level, effective, None, "awaiting review"), provision.version)],
        verified=False)[0]


def test_coordinators_include_pending_records_as_the_api_does(client, make_user, login):
    accord = small_accord()
    _pending(accord)
    login(make_user("coordinator", accord))
    official = _assert_page_equals_api(client, f"as_of={MAY}")
    pending = _assert_page_equals_api(client, f"as_of={MAY}&include_pending=true")
    assert _counts(official) == (1, 1, 0, 2) and _counts(pending) == (0, 1, 0, 3)
    text = pending.decode()
    assert "these figures are not official" in text
    assert 'name="include_pending" value="true" checked' in text
    assert all("include_pending=true" in src for src in re.findall(r'<img src="([^"]+)"', text))
    assert 'name="include_pending" value="true">' in official.decode()  # the switch, off


def test_pending_charts_are_their_own_entries(client, make_user, login):
    accord = small_accord()
    _pending(accord)
    login(make_user("coordinator", accord))
    official = client.get(f"{CHART}/groups.svg?as_of={MAY}")
    pending = client.get(f"{CHART}/groups.svg?as_of={MAY}&include_pending=true")
    assert official.status_code == pending.status_code == 200
    assert official.headers["ETag"] != pending.headers["ETag"]
    assert official.data != pending.data
    assert b"pending (not official)" in pending.data


def test_the_switch_is_for_coordinators_only(client, make_user, login):
    accord = small_accord()
    _pending(accord)
    anonymous = _page(client, f"as_of={MAY}").decode()  # kept rendered for this state
    assert 'name="include_pending"' not in anonymous
    for url in (PAGE, f"{CHART}/status.png"):
        response = client.get(f"{url}?include_pending=true")
        assert response.status_code == 403 and "coordinators" in response.data.decode()
    login(make_user("viewer", accord))
    assert client.get(f"{PAGE}?include_pending=true").status_code == 403
    login(make_user("editor", accord))
    assert client.get(f"{CHART}/groups.svg?include_pending=true").status_code == 403
    login(make_user("coordinator", accord))
    assert 'name="include_pending"' in _page(client, f"as_of={MAY}").decode()


def test_pending_on_a_private_accord_is_404_for_those_without_a_role(client, make_user,
                                                                     login):
    small_accord(public=False)
    login(make_user("viewer", small_accord("other-accord")))
    for url in (PAGE, f"{CHART}/status.png"):
        assert client.get(f"{url}?include_pending=true").status_code == 404


PAGE_REASONS = {"yesterday": "is not a moment", "2024-13-01T00:00": "is not a moment",
                (T0 - timedelta(seconds=1)).isoformat(): "before the accord was entered here",
                FUTURE: "is in the future"}


@pytest.mark.parametrize("value", sorted(PAGE_REASONS))
def test_a_bad_known_at_gives_the_dashboard_with_the_reason_at_the_field(client, value):
    small_accord()
    response = client.get(f"{PAGE}?as_of={MAY}&known_at={quote(value)}")
    assert response.status_code == 400 and response.mimetype == "text/html"
    text = html.unescape(response.data.decode())
    summary = text[text.index('id="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert 'href="#known_at"' in summary and PAGE_REASONS[value] in summary
    field = text[text.index('id="known_at"') - 200:text.index('id="known_at-error"') + 300]
    assert f'value="{value}"' in field and 'aria-invalid="true"' in field
    assert PAGE_REASONS[value] in field
    assert f'value="{MAY}"' in text  # the date asked for is kept, figures as known now
    assert "Figures as known at" not in text


def test_known_at_does_not_go_with_pending(client, make_user, login):
    accord = small_accord()
    login(make_user("coordinator", accord))
    response = client.get(f"{PAGE}?known_at={_q(T3)}&include_pending=true")
    assert response.status_code == 400
    text = html.unescape(response.data.decode())
    assert 'href="#known_at"' in text and "cannot include records awaiting review" in text
    assert client.get(f"{PAGE}?include_pending=maybe").status_code == 400


# --- from a cut-off ---------------------------------------------------------------------------

def test_a_cutoffs_page_links_the_dashboard_as_known_at_its_publication(client):
    accord = small_accord()
    cutoff = publish(accord, "Report 1", date(2020, 12, 31), "first")
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == "C"))
    services.submit([services.StatusChange(  # found late: changes the date's figures now
        provision, Submission(2, date(2020, 3, 1), None, "found late"), provision.version)],
        verified=True)
    text = client.get(f"/accords/{SLUG}/cutoffs/Report 1").data.decode()
    link = html.unescape(re.search(r'href="(/accords/hand-worked/dashboard\?[^"]+)"',
                                   text).group(1))
    assert "as_of=2020-12-31" in link and "known_at=" in link
    page = client.get(link)
    assert page.status_code == 200
    published = client.get(f"{API}/cutoffs/Report 1").get_json()["figures"]["summary"]
    shown = keyed(page.data, "table-headline")
    assert {k: int(shown[k][1]) for k in LEVEL_KEYS} == published["counts"]
    assert num(shown["score"][2]) == published["score"]
    now = _counts(_page(client, "as_of=2020-12-31"))
    assert now != tuple(published["counts"][k] for k in LEVEL_KEYS)  # the late record counts
    assert f"{cutoff.published_at:%b} {cutoff.published_at.day}, {cutoff.published_at:%Y %H:%M} UTC" in page.data.decode()


ES = {"Accept-Language": "es"}


def test_messages_write_moments_in_the_one_format_and_name_fields_by_their_label(
        client, make_user, login):
    """A refused moment is written as every moment is ("1 ene 2023 00:00 UTC"), never in
    ISO; a refused value on the page names its field by the label the reader sees, while the
    API keeps the parameter's name."""
    accord = small_accord()
    response = client.get(f"{PAGE}?known_at=2020-01-01", headers=ES)
    assert response.status_code == 400
    text = html.unescape(response.data.decode())
    assert "1 ene 2020 00:00 UTC es anterior" in text and "(1 ene 2023 00:00 UTC)" in text
    assert "2020-01-01 00:00" not in text and "2023-01-01 00:00" not in text
    api = client.get(f"{API}/summary?known_at=2020-01-01", headers=ES).get_json()
    assert "(1 ene 2023 00:00 UTC)" in str(api) and "+00:00)" not in str(api)
    login(make_user("coordinator", accord))
    page = html.unescape(client.get(f"{PAGE}?include_pending=maybe", headers=ES).data.decode())
    assert "include_pending='maybe'" not in page
    assert "«Incluir registros pendientes de revisión (no oficial)»='maybe'" in page
    api = client.get(f"{API}/summary?include_pending=maybe").get_json()
    assert "include_pending='maybe'" in str(api)


def test_the_moment_comes_back_in_the_form_as_its_field_asks_for_it(client):
    """Typed "YYYY-MM-DD HH:MM" (the field's placeholder), the moment is shown in the field
    the same way, not rewritten as "2020-05-15T12:13:00+00:00"; sent again unchanged, it
    gives the same page."""
    from htmlforms import parse

    small_accord()
    typed = "2024-03-10 09:00"
    page = client.get(f"{PAGE}?known_at={quote(typed)}").get_data(as_text=True)
    form = next(f for f in parse(page).forms if f.action.endswith("/dashboard"))
    assert form.submission()["known_at"] == [typed]
    again = client.get(PAGE, query_string=form.submission())
    assert again.status_code in (200, 302)
    seconds = client.get(f"{PAGE}?known_at=2024-03-10T09:00:05Z").get_data(as_text=True)
    assert 'value="2024-03-10 09:00:05"' in seconds
