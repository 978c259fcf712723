"""The dashboard's event figures against hand-computed expectations: the pure rules
(`domain.event_figures`), then the board and page on the demo accord's five placed events
and on a small hand-worked accord for the stalled provisions."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from cutoff_helpers import small_accord
from event_helpers import event_input, new_source
from test_events_feed import placed  # noqa: F401 (the five placed events)

from tracker import services
from tracker.dashboard.board import Board, DashboardFigures, Selection
from tracker.dashboard.routes import clear_caches
from tracker.domain import event_figures as ef
from tracker.domain.metrics import Record
from tracker.domain.rules import Submission
from tracker.events.services import review_event, submit_event


# --- pure rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2024, 6, 30), 12, date(2023, 6, 30)),
    (date(2024, 3, 31), 1, date(2024, 2, 29)),
    (date(2023, 3, 31), 1, date(2023, 2, 28)),
    (date(2024, 1, 15), 1, date(2023, 12, 15)),
    (date(2024, 2, 29), 12, date(2023, 2, 28)),
])
def test_months_before(day, months, expected):
    assert ef.months_before(day, months) == expected


def test_window_start_is_the_day_after_twelve_months_back():
    assert ef.window_start(date(2024, 6, 30)) == date(2023, 7, 1)
    assert ef.window_start(date(2024, 2, 29)) == date(2023, 3, 1)


@pytest.mark.parametrize("signed, first", [(date(2016, 11, 24), date(2017, 11, 23)),
                                           (date(2020, 1, 1), date(2020, 12, 31)),
                                           (date(2020, 2, 29), date(2021, 2, 28)),
                                           (date(2019, 3, 31), date(2020, 3, 30))])
def test_stalled_from_is_the_first_date_whose_window_starts_at_signing(signed, first):
    assert ef.window_start(first) >= signed > ef.window_start(first - timedelta(days=1))
    assert ef.stalled_from(signed) == first


def test_monthly_sums_days_fills_empty_months_and_ignores_later_days():
    rows = ef.monthly(date(2020, 3, 10),
                      {date(2020, 1, 5): 2, date(2020, 1, 20): 1, date(2020, 3, 10): 1,
                       date(2020, 3, 11): 5},
                      {date(2020, 1, 5): 1, date(2020, 3, 11): 5}, {date(2020, 1, 20): 1},
                      start=date(2019, 12, 24))
    assert rows == [
        {"month": date(2019, 12, 1), "events": 0, "advances": 0, "setbacks": 0},
        {"month": date(2020, 1, 1), "events": 3, "advances": 1, "setbacks": 1},
        {"month": date(2020, 2, 1), "events": 0, "advances": 0, "setbacks": 0},
        {"month": date(2020, 3, 1), "events": 1, "advances": 0, "setbacks": 0},
    ]
    assert ef.monthly(date(2020, 3, 10), {}, {}, {}) == []
    assert len(ef.monthly(date(2021, 1, 1), {}, {}, {}, start=date(2020, 12, 31))) == 2


def test_by_department_sums_each_places_events_into_its_department():
    # places 11 and 12 in department 1, 21 in department 2, 99 in none
    assert ef.by_department({11: 2, 12: 3, 21: 1, 99: 5},
                                       {11: 1, 12: 1, 21: 2, 1: 1}) == {1: 5, 2: 1}
    assert ef.by_department({1: 4, 11: 1}, {1: 1, 11: 1}) == {1: 5}  # itself too
    assert ef.by_department({}, {11: 1}) == {}


def test_changed_in_counts_records_in_the_window_by_review_state():
    records = [Record(1, 2, date(2020, 1, 1), 1, 1), Record(2, 1, date(2020, 6, 30), 2, 2),
               Record(3, 1, date(2020, 3, 1), 3, 3, "pending"),
               Record(4, 1, date(2020, 3, 1), 4, 4, "rejected"),
               Record(5, 1, date(2020, 7, 1), 5, 5)]
    since, until = date(2020, 1, 1), date(2020, 6, 30)
    assert ef.changed_in(records, since, until) == {1, 2}
    assert ef.changed_in(records, since, until, include_pending=True) == {1, 2, 3}


def test_a_record_confirming_the_level_held_is_no_change():
    """In effect order: 6 holds 2 from 2019 and is confirmed at 2 in the window; 7's first
    record is level 0 (the level it had); 8 falls from 2 to 1 in the window; 9's pending
    rise is followed by a verified record at the verified level."""
    records = [Record(6, 2, date(2019, 5, 1), 1, 1), Record(8, 2, date(2019, 6, 1), 2, 2),
               Record(9, 1, date(2019, 7, 1), 3, 3),
               Record(7, 0, date(2020, 2, 1), 4, 4), Record(6, 2, date(2020, 3, 1), 5, 5),
               Record(9, 2, date(2020, 3, 2), 6, 6, "pending"),
               Record(8, 1, date(2020, 4, 1), 7, 7), Record(9, 1, date(2020, 5, 1), 8, 8)]
    since, until = date(2020, 1, 1), date(2020, 6, 30)
    assert ef.changed_in(records, since, until) == {8}
    assert ef.changed_in(records, since, until, include_pending=True) == {8, 9}


# --- the demo accord's placed events -----------------------------------------------------------

def _board(accord, as_of: date, **chosen) -> Board:
    selection = Selection(as_of, **chosen)
    return Board(accord, DashboardFigures(accord), selection)


def test_events_per_month_count_verified_events_up_to_the_date(demo, placed):  # noqa: F811
    board = _board(demo, date(2021, 6, 30))
    rows = board.events_monthly
    assert rows[0]["month"] == "2016-11-01" and rows[-1]["month"] == "2021-06-01"
    assert len(rows) == 56  # November 2016 to June 2021
    busy = {r["month"]: (r["events"], r["advances"], r["setbacks"]) for r in rows
            if r["events"]}
    assert busy == {"2018-05-01": (1, 1, 1), "2019-07-01": (1, 0, 0),
                    "2020-02-01": (1, 1, 0)}  # E4 is pending, E5 rejected
    early = _board(demo, date(2019, 12, 31)).events_monthly
    assert sum(r["events"] for r in early) == 2 and early[-1]["month"] == "2019-12-01"


def test_events_by_department_subregion_and_municipality(demo, placed):  # noqa: F811
    board = _board(demo, date(2021, 6, 30))
    assert board.events_departments == [
        {"code": "19", "name": "Cauca", "events": 1, "provisions": 1},
        {"code": "54", "name": "Norte de Santander", "events": 1, "provisions": 2}]
    assert board.events_subregions == [
        {"code": "1", "name": "Alto Patía y Norte del Cauca", "events": 1, "provisions": 1},
        {"code": "4", "name": "Catatumbo", "events": 1, "provisions": 2}]
    assert board.events_places == [
        {"code": "19050", "name": "Argelia", "department": "Cauca", "longitude": -77.24905,
         "latitude": 2.257427, "events": 1},
        {"code": "54810", "name": "Tibú", "department": "Norte de Santander",
         "longitude": -72.734496, "latitude": 8.639891, "events": 1}]
    before = _board(demo, date(2019, 1, 1))
    assert [r["code"] for r in before.events_departments] == ["54"]
    assert [r["code"] for r in before.events_places] == ["54810"]


def test_a_second_event_at_a_place_adds_up(demo, placed):  # noqa: F811
    p = demo.provisions
    event = submit_event(event_input(demo, title="E6", occurred_on=date(2020, 5, 5),
                                     place_code="54810", provisions=[(p[1], "advances"),
                                                                     (p[5], "sets_back")],
                                     sources=[new_source(attachment=None)]))
    review_event(event, "verified", "")
    board = _board(demo, date(2021, 6, 30))
    tibu = next(r for r in board.events_places if r["code"] == "54810")
    assert tibu["events"] == 2
    assert board.events_departments[0] == {"code": "54", "name": "Norte de Santander",
                                           "events": 2, "provisions": 3}
    may = next(r for r in board.events_monthly if r["month"] == "2020-05-01")
    assert (may["events"], may["advances"], may["setbacks"]) == (1, 1, 1)


def test_a_selection_counts_events_bearing_on_its_provisions(demo, placed):  # noqa: F811
    p2 = demo.provisions[2]
    chosen = p2.section.code
    in_section = {p.id for p in demo.provisions if chosen in _path(p)}
    board = _board(demo, date(2021, 6, 30), section=chosen)
    expected = {"E1": bool(in_section & {demo.provisions[0].id, demo.provisions[1].id}),
                "E2": demo.provisions[1].id in in_section, "E3": True}
    assert sum(r["events"] for r in board.events_monthly) == sum(expected.values())
    advancing = {"E1": demo.provisions[0].id in in_section, "E3": True}
    assert sum(r["advances"] for r in board.events_monthly) == sum(advancing.values())


def _path(provision) -> list[str]:
    found, section = [], provision.section
    while section is not None:
        found.append(section.code)
        section = section.parent
    return found


# --- stalled provisions on a hand-worked accord ------------------------------------------------

@pytest.fixture
def hand(app):
    """small_accord (A priority: level changes 2020-05-01 and 2020-06-01; B 2020-03-01; C
    rejected only; D 2020-01-15) with a verified event on B (2020-09-01, context) and a
    pending one on C (2020-10-01)."""
    accord = small_accord()
    made = {p.code: p for p in accord.provisions}
    for title, day, code, state in (("on B", date(2020, 9, 1), "B", "verified"),
                                     ("on C", date(2020, 10, 1), "C", "pending")):
        event = submit_event(event_input(accord, title=title, occurred_on=day, place_code=None,
                                         provisions=[(made[code], "context")],
                                         sources=[new_source(attachment=None)]))
        if state == "verified":
            review_event(event, "verified", "")
    clear_caches()
    return accord


def test_stalled_provisions_by_hand(hand):
    board = _board(hand, date(2021, 3, 31))  # window 2020-04-01 .. 2021-03-31
    assert board.stalled == {"since": "2020-04-01", "from": "2020-12-31", "count": 2,
                             "priority_count": 0,
                             "rows": [{"code": "C", "priority": False, "section": "2"},
                                      {"code": "D", "priority": False, "section": "2"}]}
    later = _board(hand, date(2021, 6, 15)).stalled  # window 2020-06-16 .. 2021-06-15
    assert [r["code"] for r in later["rows"]] == ["A", "C", "D"]
    assert (later["count"], later["priority_count"]) == (3, 1)
    # B's event (2020-09-01) is out of the window, but B is complete (3 since 2020-03-01):
    # nothing is left of it to stall.
    latest = _board(hand, date(2021, 9, 1)).stalled
    assert [r["code"] for r in latest["rows"]] == ["A", "C", "D"]
    only_two = _board(hand, date(2021, 6, 15), section="2").stalled
    assert [r["code"] for r in only_two["rows"]] == ["C", "D"]


def test_a_record_confirming_the_level_keeps_a_provision_stalled(hand):
    """D holds 1 since 2020-01-15; a verified record confirming 1 on 2021-02-01 is no change
    of level, so D stays stalled as of 2021-03-31 (a rise to 2 would take it off)."""
    provision = next(p for p in hand.provisions if p.code == "D")
    services.submit([services.StatusChange(provision, Submission(
        1, date(2021, 2, 1), None, "Same level, confirmed"), provision.version)],
        verified=True)
    clear_caches()
    assert [r["code"] for r in _board(hand, date(2021, 3, 31)).stalled["rows"]] == ["C", "D"]
    services.submit([services.StatusChange(provision, Submission(
        2, date(2021, 2, 2), None, "Decree"), provision.version)], verified=True)
    clear_caches()
    assert [r["code"] for r in _board(hand, date(2021, 3, 31)).stalled["rows"]] == ["C"]


def test_no_provision_is_stalled_before_twelve_months_since_signing(hand, client):
    """Signed 2020-01-01: the first 12-month window within the accord ends 2020-12-31."""
    early = _board(hand, date(2020, 12, 30)).stalled
    assert (early["count"], early["priority_count"], early["rows"]) == (None, None, [])
    assert early["from"] == "2020-12-31"
    first = _board(hand, date(2020, 12, 31)).stalled  # window 2020-01-01 .. 2020-12-31
    assert first["since"] == "2020-01-01"  # A, B and D changed level in 2020: C alone
    assert [r["code"] for r in first["rows"]] == ["C"]
    html = client.get(f"/accords/{hand.slug}/dashboard?as_of=2020-06-30",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    section = html.split('id="stalled"')[1].split("</section>")[0]
    assert "Todavía no" in section and "31 dic 2020" in section, section
    assert 'class="big"' not in section


# --- the page ----------------------------------------------------------------------------------

def test_the_page_shows_the_event_sections_in_spanish(client, demo, placed):  # noqa: F811
    clear_caches()
    html = client.get("/accords/colombia-2016-demo/dashboard?as_of=2021-06-30",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    for part in ('id="events"', 'id="events-places"', 'id="stalled"', 'href="#events"',
                 'href="#stalled"', 'id="table-events-departments"', 'id="table-events-map"',
                 "Norte de Santander", "Catatumbo", "Tibú"):
        assert part in html, part
    assert "Eventos de implementación" in html and "Disposiciones estancadas" in html
    stalled_rows = html.split('id="table-stalled"')[1].split("</table>")[0]
    assert stalled_rows.count("<tr data-key=") == _board(demo, date(2021, 6, 30)).stalled[
        "count"]


def test_an_event_write_moves_the_dashboard(client, demo, placed):  # noqa: F811
    url = "/accords/colombia-2016-demo/dashboard?as_of=2021-06-30"
    before = client.get(url).get_data(as_text=True)
    assert 'data-key="05001"' not in before
    event = submit_event(event_input(demo, title="E7", occurred_on=date(2020, 8, 8),
                                     place_code="05001", sources=[new_source(attachment=None)]))
    review_event(event, "verified", "")
    after = client.get(url).get_data(as_text=True)
    assert 'data-key="05001"' in after


@pytest.mark.parametrize("name", ["events", "events_map"])
def test_event_charts_draw(client, placed, name):  # noqa: F811
    for fmt, size in (("svg", "wide"), ("png", "narrow")):
        response = client.get(f"/accords/colombia-2016-demo/charts/{name}.{fmt}"
                              f"?as_of=2021-06-30&size={size}")
        assert response.status_code == 200
        assert response.mimetype == {"svg": "image/svg+xml", "png": "image/png"}[fmt]
    svg = client.get(f"/accords/colombia-2016-demo/charts/{name}.svg?as_of=2021-06-30",
                     headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Illustrative data" not in svg and "Datos ilustrativos" in svg


# --- the provision list: no event since a date -------------------------------------------------

def test_the_provision_list_filters_no_event_since(client, demo, placed):  # noqa: F811
    p = demo.provisions
    url = "/accords/colombia-2016-demo/provisions"
    everyone = len(p)
    # Verified events since 2019-01-01: E2 (p1) and E3 (p2); E4 (p0) is pending.
    html = client.get(f"{url}?no_event_since=2019-01-01").get_data(as_text=True)
    assert f"{everyone - 2} provisions" in html
    since_2018 = client.get(f"{url}?no_event_since=2018-01-01").get_data(as_text=True)
    assert f"{everyone - 3} provisions" in since_2018  # E1 adds p0 (p1 already counted)
    latest = client.get(f"{url}?no_event_since=2020-03-01").get_data(as_text=True)
    assert f"{everyone} provisions" in latest
    first_page = client.get(f"{url}?no_event_since=2019-01-01&section={p[2].section.code}"
                            ).get_data(as_text=True)
    assert f">{p[2].code}</a>" not in first_page
    assert client.get(f"{url}?no_event_since=2019-13-01").status_code == 400
    assert client.get(f"{url}?no_event_since=2999-01-01").status_code == 400
