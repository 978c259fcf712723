"""The dashboard's event figures read the verified links, the verified events, the verified
days and the department provisions (`events.verified`, kept by database triggers): after
every way of writing events (web form, review on the web and by service, command-line import,
places brought up to date, a link or an event inserted by hand), these tables equal what
events, links and places say, and every figure equals a plain recount from events, links and
places, on a hand-made set of events and on the demo's illustrative events, as known now and
as known at moments between reviews (`known_at`: events verified by then)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from event_helpers import event_input, new_source
from sqlalchemy import select
from test_events_entry import URL as FORM_URL, _filled, _post
from test_events_feed import placed  # noqa: F401 (the five placed events)

from tracker import figures, seed
from tracker.dashboard.board import Board, DashboardFigures, Selection
from tracker.dashboard.routes import clear_caches
from tracker.domain.event_figures import window_start
from tracker.events.figures import provisions_with_events
from tracker.events.models import (DepartmentProvision, Event, EventProvision,
                                   VerifiedDay, VerifiedEvent, VerifiedLink)
from tracker.events.services import review_event, submit_event
from tracker.extensions import db
from tracker.places.layouts import PDET_KIND
from tracker.places.models import Place, PlaceGroup, PlaceGroupMember


# --- what events, links and places say, read plainly -----------------------------------------

def _moment(event: Event) -> datetime:
    return event.reviewed_at or event.submitted_at


def _department(place: Place | None) -> int | None:
    if place is None:
        return None
    if place.kind == "department":
        return place.id
    parent = place.parent
    return parent.id if parent is not None and parent.kind == "department" else None


def expected_links(accord_id: int) -> set[tuple]:
    """The verified links as events, links and places say they should be."""
    found = set()
    for event in db.session.scalars(select(Event).where(Event.accord_id == accord_id,
                                                        Event.review_state == "verified")):
        for link in event.provision_links:
            found.add((event.id, link.provision_id, event.occurred_on, link.effect,
                       event.place_id, _department(event.place), _moment(event)))
    return found


def held_links(accord_id: int) -> set[tuple]:
    return {(v.event_id, v.provision_id, v.occurred_on, v.effect, v.place_id,
             v.department_id, v.verified_at)
            for v in db.session.scalars(select(VerifiedLink).where(
                VerifiedLink.accord_id == accord_id))}


def expected_events(accord_id: int) -> set[tuple]:
    """The verified events as events and their links say they should be."""
    return {(e.id, e.occurred_on, e.place_id, _moment(e),
             int(any(link.effect == "advances" for link in e.provision_links)),
             int(any(link.effect == "sets_back" for link in e.provision_links)))
            for e in db.session.scalars(select(Event).where(Event.accord_id == accord_id,
                                                            Event.review_state == "verified"))}


def held_events(accord_id: int) -> set[tuple]:
    return {(v.event_id, v.occurred_on, v.place_id, v.verified_at, v.advances, v.sets_back)
            for v in db.session.scalars(select(VerifiedEvent).where(
                VerifiedEvent.accord_id == accord_id))}


def expected_days(accord_id: int) -> dict[date, tuple]:
    """Day -> (verified events, those advancing, those setting back), as events say."""
    found: dict[date, tuple] = {}
    for _event, day, _place, _moment, advances, sets_back in expected_events(accord_id):
        events, advancing, setting_back = found.get(day, (0, 0, 0))
        found[day] = (events + 1, advancing + advances, setting_back + sets_back)
    return found


def held_days(accord_id: int) -> dict[date, tuple]:
    return {v.occurred_on: (v.events, v.advances, v.sets_back)
            for v in db.session.scalars(select(VerifiedDay).where(
                VerifiedDay.accord_id == accord_id))}


def expected_pairs(accord_id: int) -> dict[tuple, date]:
    """(department id, provision id) -> the first date of a verified event at a place of
    the department bearing on the provision, as events, links and places say."""
    found: dict[tuple, date] = {}
    for _event, provision, day, _effect, _place, department, _moment in \
            expected_links(accord_id):
        if department is not None:
            key = (department, provision)
            found[key] = min(day, found.get(key, day))
    return found


def held_pairs(accord_id: int) -> dict[tuple, date]:
    return {(v.department_id, v.provision_id): v.first_on
            for v in db.session.scalars(select(DepartmentProvision).where(
                DepartmentProvision.accord_id == accord_id))}


def assert_kept(accord) -> None:
    db.session.flush()
    db.session.expire_all()
    assert held_links(accord.id) == expected_links(accord.id)
    assert held_events(accord.id) == expected_events(accord.id)
    assert held_days(accord.id) == expected_days(accord.id)
    assert held_pairs(accord.id) == expected_pairs(accord.id)


def recount(accord, as_of: date, provision_ids=None, known_at=None) -> dict:
    """Every event figure counted from the ORM rows, one event at a time."""
    chosen = []
    for event in db.session.scalars(select(Event).where(Event.accord_id == accord.id)):
        links = [(link.provision_id, link.effect) for link in event.provision_links
                 if provision_ids is None or link.provision_id in provision_ids]
        if event.review_state != "verified" or event.occurred_on > as_of or not links:
            continue
        if known_at is not None and _moment(event) > known_at:
            continue
        chosen.append((event, links))
    months, places, departments, groups = {}, {}, {}, {}
    pdet = {m.place_id: m.group_id for m in db.session.scalars(
        select(PlaceGroupMember).join(PlaceGroup).where(PlaceGroup.kind == PDET_KIND))}
    for event, links in chosen:
        row = months.setdefault(event.occurred_on.replace(day=1).isoformat(), [0, 0, 0])
        row[0] += 1
        row[1] += any(effect == "advances" for _p, effect in links)
        row[2] += any(effect == "sets_back" for _p, effect in links)
        if event.place is None:
            continue
        places[event.place.code] = places.get(event.place.code, 0) + 1
        for key, tally in ((_department(event.place), departments),
                           (pdet.get(event.place_id), groups)):
            if key is not None:
                events, provisions = tally.setdefault(key, [0, set()])
                tally[key][0] = events + 1
                provisions.update(p for p, _effect in links)
    since = window_start(as_of)
    return {"months": {m: tuple(v) for m, v in months.items()},
            "places": places,
            "departments": _by_code(Place, departments),
            "groups": _by_code(PlaceGroup, groups),
            "recent": {p for event, links in chosen if event.occurred_on >= since
                       for p, _effect in links}}


def _by_code(model, tally: dict) -> dict:
    return {db.session.get(model, key).code: (events, len(provisions))
            for key, (events, provisions) in tally.items()}


def board_figures(accord, as_of: date, known_at=None, **chosen) -> dict:
    """The same figures as the dashboard computes them."""
    clear_caches()
    figures.clear_caches()
    board = Board(accord, DashboardFigures(accord, known_at=known_at),
                  Selection(as_of, known_at=known_at, **chosen))
    ids = board.event_provision_ids
    monthly = board.events_monthly
    assert monthly[0]["month"] == accord.signed_on.replace(day=1).isoformat()
    assert monthly[-1]["month"] == as_of.replace(day=1).isoformat()
    return {"months": {r["month"]: (r["events"], r["advances"], r["setbacks"])
                       for r in monthly if r["events"]},
            "places": {r["code"]: r["events"] for r in board.events_places},
            "departments": {r["code"]: (r["events"], r["provisions"])
                            for r in board.events_departments},
            "groups": {r["code"]: (r["events"], r["provisions"])
                       for r in board.events_subregions},
            "recent": {p for p in provisions_with_events(accord.id, window_start(as_of),
                                                         as_of, known_at)
                       if ids is None or p in ids}}


def _places_with_points(counts: dict) -> dict:
    with_point = set(db.session.scalars(select(Place.code).where(
        Place.code.in_(list(counts)), Place.longitude.is_not(None))))
    return {code: n for code, n in counts.items() if code in with_point}


def assert_figures_match(accord, as_of: date, known_at=None, section=None) -> dict:
    ids = None
    if section is not None:
        ids = {p.id for p in DashboardFigures(accord).subset(
            Selection(as_of, section=section).filters)}
    expected = recount(accord, as_of, ids, known_at)
    expected["places"] = _places_with_points(expected["places"])
    found = board_figures(accord, as_of, known_at, section=section)
    assert found == expected
    return found


# --- a hand-made set of events ----------------------------------------------------------------

@pytest.fixture
def hand_made(demo, placed):  # noqa: F811
    """The five placed events (E1-E3 verified, E4 pending, E5 rejected) and: E6 verified on
    entry at a department itself (Cauca, 19), two links advancing; E7 at Tibú, pending then
    verified; E8 at Argelia, pending then rejected. Returns the events by title."""
    p = demo.provisions
    made = dict(placed)
    made["E6"] = submit_event(event_input(
        demo, title="E6", occurred_on=date(2020, 2, 20), place_code="19",
        provisions=[(p[4], "advances"), (p[5], "advances"), (p[0], "context")],
        sources=[new_source(attachment=None)]), verified=True)
    for title, day, code, decision in (("E7", date(2021, 1, 9), "54810", "verified"),
                                       ("E8", date(2020, 12, 1), "19050", "rejected")):
        made[title] = submit_event(event_input(
            demo, title=title, occurred_on=day, place_code=code,
            provisions=[(p[6], "sets_back"), (p[1], "advances")],
            sources=[new_source(attachment=None)]))
        review_event(made[title], decision, "not an event" if decision == "rejected" else "")
    return made


def test_verified_links_follow_each_service_write_and_review(demo, placed):  # noqa: F811
    assert_kept(demo)
    assert {v[0] for v in held_links(demo.id)} == {placed[t].id for t in ("E1", "E2", "E3")}
    review_event(placed["E4"], "verified", "")
    assert_kept(demo)
    assert placed["E4"].id in {v[0] for v in held_links(demo.id)}
    entered = submit_event(event_input(demo, title="E9", place_code="19",
                                       sources=[new_source(attachment=None)]), verified=True)
    assert_kept(demo)
    rows = [v for v in held_links(demo.id) if v[0] == entered.id]
    assert len(rows) == 2 and {v[5] for v in rows} == {entered.place_id}  # its own department


def test_the_hand_made_figures_equal_a_plain_recount(demo, hand_made):
    assert_kept(demo)
    for as_of in (date(2018, 5, 1), date(2020, 2, 19), date(2020, 12, 31), date(2021, 6, 30),
                  date.today()):
        assert_figures_match(demo, as_of)
    found = assert_figures_match(demo, date(2021, 6, 30))
    assert found["departments"]["19"] == (2, 4)  # E2 at Argelia, E6 at Cauca itself
    assert found["departments"]["54"] == (2, 3)  # E1 and E7 at Tibú
    assert found["months"]["2020-02-01"] == (2, 2, 0)  # E3, E6 (two advancing links: once)
    for section in {p.section.code for p in demo.provisions[:7]}:
        assert_figures_match(demo, date(2021, 6, 30), section=section)


def test_known_at_counts_only_the_events_verified_by_then(demo, hand_made):
    e1, e6, e7 = hand_made["E1"], hand_made["E6"], hand_made["E7"]
    as_of = date(2021, 6, 30)
    now = assert_figures_match(demo, as_of)
    just_before_e7 = assert_figures_match(demo, as_of, e7.reviewed_at - timedelta(microseconds=1))
    assert just_before_e7["places"]["54810"] == now["places"]["54810"] - 1
    assert just_before_e7["departments"]["54"] == (1, 2)
    at_e7 = assert_figures_match(demo, as_of, e7.reviewed_at)
    assert at_e7 == now
    before_e6 = assert_figures_match(demo, as_of, e6.reviewed_at - timedelta(microseconds=1))
    assert "19" not in before_e6["departments"] or before_e6["departments"]["19"] == (1, 1)
    before_any = assert_figures_match(demo, as_of, e1.reviewed_at - timedelta(microseconds=1))
    assert before_any["months"] == {} and before_any["places"] == {}
    recent_e7 = assert_figures_match(demo, date(2021, 3, 1), e7.reviewed_at)
    assert demo.provisions[6].id in recent_e7["recent"]
    assert demo.provisions[6].id not in assert_figures_match(
        demo, date(2021, 3, 1), e7.reviewed_at - timedelta(microseconds=1))["recent"]


def test_the_dashboard_page_as_known_at_a_moment_leaves_later_events_out(client, demo,
                                                                         hand_made):
    moment = hand_made["E7"].reviewed_at - timedelta(microseconds=1)
    url = "/accords/colombia-2016-demo/dashboard"
    clear_caches()
    now = client.get(url, query_string={"as_of": "2021-06-30"}).get_data(as_text=True)
    clear_caches()
    then = client.get(url, query_string={"as_of": "2021-06-30",
                                         "known_at": moment.isoformat()})
    assert then.status_code == 200
    tibu_now = now.split('data-key="54810"')[1].split("</tr>")[0]
    tibu_then = then.get_data(as_text=True).split('data-key="54810"')[1].split("</tr>")[0]
    assert ">2<" in tibu_now and ">1<" in tibu_then


# --- every write path keeps the verified links ------------------------------------------------

def test_the_web_form_and_the_review_queue_keep_them(client, demo, make_user, login):
    login(make_user("editor", demo))
    assert _post(client, _filled(client, demo)).status_code == 303
    pending = db.session.scalar(select(Event).order_by(Event.id.desc()))
    assert_kept(demo)
    assert held_links(demo.id) == set()
    login(make_user("coordinator", demo))
    response = client.post(f"/review/events/{pending.id}", data={"verify": "Verify"})
    assert response.status_code in (302, 303)
    assert_kept(demo)
    assert {v[0] for v in held_links(demo.id)} == {pending.id}
    assert _post(client, _filled(client, demo, title=["Verificado al entrar"],
                                 place=["19050"])).status_code == 303
    assert_kept(demo)
    assert len(held_links(demo.id)) == 4
    another = submit_event(event_input(demo, title="Rechazado",
                                       sources=[new_source(attachment=None)]))
    client.post(f"/review/events/{another.id}",
                data={"reject": "Reject", "reason": "No such delivery"})
    assert_kept(demo)
    assert another.id not in {v[0] for v in held_links(demo.id)}
    assert FORM_URL.endswith("/events/new")


def test_the_command_line_import_keeps_them(tmp_path, demo, runner):
    from test_events_import import GOOD

    path = tmp_path / "events.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import-events", demo.slug, str(path), "--verified"])
    assert result.exit_code == 0, result.output
    assert_kept(demo)
    assert len(held_links(demo.id)) == 4  # 1.1.1;1.1.2, 1.1.3, 1.1.1


def test_places_brought_up_to_date_move_their_links_department(demo, placed):  # noqa: F811
    from tracker.places.importer import import_places

    tibu = db.session.scalar(select(Place).where(Place.code == "54810"))
    import_places(b"code,name,kind,parent_code\n54810,TIBU,municipality,19\n", "move.csv")
    assert_kept(demo)
    assert {v[5] for v in held_links(demo.id) if v[4] == tibu.id} == {tibu.parent_id}
    import_places(b"code,name,kind,parent_code\n19,CAUCA,region,CO\n", "kind.csv")
    assert_kept(demo)
    assert {v[5] for v in held_links(demo.id) if v[4] == tibu.id} == {None}
    assert_figures_match(demo, date(2021, 6, 30))


def test_a_link_inserted_by_hand_is_copied_by_the_database(demo, placed):  # noqa: F811
    """The database keeps the table, not the services: a link added by hand to a verified
    event (as a bulk insert or a restore adds them) is copied with its event's facts."""
    e2 = placed["E2"]
    db.session.add(EventProvision(event_id=e2.id, provision_id=demo.provisions[9].id,
                                  accord_id=demo.id, occurred_on=e2.occurred_on,
                                  effect="advances"))
    assert_kept(demo)
    assert (e2.id, demo.provisions[9].id) in {v[:2] for v in held_links(demo.id)}



def test_events_and_links_inserted_by_hand_keep_the_verified_events(demo, placed):  # noqa: F811
    """An event inserted as verified (as a restore inserts it) gets its row at once, with
    no flag; each link inserted after it raises the flag of its effect, and only that one;
    a pending event has no row until it is verified, then with the flags of its links."""
    from datetime import timezone

    def inserted(title: str, state: str) -> Event:
        event = Event(accord_id=demo.id, occurred_on=date(2019, 3, 3), title=title,
                      place_id=placed["E1"].place_id, origin="restore", review_state=state,
                      submitted_at=datetime(2019, 3, 4, 12, tzinfo=timezone.utc))
        db.session.add(event)
        db.session.flush()
        return event

    def link(event: Event, n: int, effect: str) -> None:
        db.session.add(EventProvision(event_id=event.id, provision_id=demo.provisions[n].id,
                                      accord_id=demo.id, occurred_on=event.occurred_on,
                                      effect=effect))
        assert_kept(demo)

    def flags(event: Event) -> tuple:
        return db.session.execute(select(VerifiedEvent.advances, VerifiedEvent.sets_back)
                                  .where(VerifiedEvent.event_id == event.id)).one_or_none()

    restored = inserted("restored", "verified")
    assert_kept(demo)
    assert flags(restored) == (0, 0)
    link(restored, 1, "context")
    assert flags(restored) == (0, 0)
    link(restored, 2, "sets_back")
    assert flags(restored) == (0, 1)
    link(restored, 3, "advances")
    link(restored, 4, "sets_back")
    assert flags(restored) == (1, 1)
    pending = inserted("pending", "pending")
    link(pending, 1, "advances")
    assert flags(pending) is None
    review_event(pending, "verified", "")
    assert_kept(demo)
    assert flags(pending) == (1, 0)


# --- the demo's illustrative events -----------------------------------------------------------

def test_the_demo_figures_equal_a_plain_recount(demo):
    seed.load_demo_events(seed.SEED_DIR)
    assert_kept(demo)
    assert len(held_links(demo.id)) > 454
    for as_of in (date(2018, 6, 30), date(2022, 12, 31), date.today()):
        assert_figures_match(demo, as_of)
    assert_figures_match(demo, date.today(), section="1")
    loaded = max(_moment(e) for e in db.session.scalars(select(Event)))
    assert_figures_match(demo, date.today(), loaded)
    empty = assert_figures_match(demo, date.today(), loaded - timedelta(days=1))
    assert empty["months"] == {}
