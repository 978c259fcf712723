"""Draw-ahead: a commit that changes an accord queues it; what visitors recently asked of its
dashboard is drawn again (nothing else), once per burst of writes, at the newest revision;
drawn ahead, charts and pages are byte for byte those drawn on request, which then draws
nothing."""
from __future__ import annotations

import functools
from datetime import date

import pytest
from sqlalchemy import select

from status_helpers import submit_level
from tracker import charts, services
from tracker.cache import clear_process_caches
from tracker.dashboard import drawahead, shared
from tracker.dashboard.board import CHARTS
from tracker.extensions import db
from tracker.models import Provision

SLUG = "colombia-2016-demo"
CHART = f"/accords/{SLUG}/charts"
DRAWERS = ("priority_lines", "status_area", "group_bars", "tag_bars", "comparison_ranges",
           "score_curve", "pace_projection")


@pytest.fixture
def drawer(app, monkeypatch):
    """The app's draw-ahead queue, queueing (drained by hand) and empty."""
    made = app.extensions["drawahead"]
    monkeypatch.setattr(made, "mode", "queue")
    made.pending.clear()
    yield made
    made.pending.clear()


def _submit(demo, code="1.1.1", level=3):
    return submit_level(demo, code, level)


def _refuse_drawing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("drawn on the request although it was drawn ahead")

    for name in DRAWERS:
        monkeypatch.setattr(charts, name, refuse)


def test_a_commit_queues_the_accord_once(drawer, demo):
    _submit(demo, "1.1.1")
    _submit(demo, "1.1.2")
    assert list(drawer.pending) == [demo.id]


def test_a_rolled_back_write_queues_nothing(drawer, demo):
    services.touch(demo.id)
    db.session.rollback()
    assert not drawer.pending
    db.session.commit()  # a later commit does not bring it back
    assert not drawer.pending


def test_the_queue_is_bounded_and_off_queues_nothing(drawer, monkeypatch):
    drawer.schedule(range(1000, 1000 + drawahead.QUEUE_SIZE + 4))
    assert len(drawer.pending) == drawahead.QUEUE_SIZE and drawer.dropped >= 4
    drawer.pending.clear()
    monkeypatch.setattr(drawer, "mode", "off")
    drawer.schedule([1])
    assert not drawer.pending


@pytest.mark.parametrize("language", ["en", "es"])
def test_charts_drawn_ahead_equal_the_charts_drawn_on_request(app, client, drawer, demo,
                                                              monkeypatch, language):
    headers = {"Accept-Language": language}
    query = f"?as_of={date.today().isoformat()}"  # as the page links them
    shown = [(name, fmt, size) for lang, name, fmt, size in drawahead.default_charts(app)
             if lang == language]  # what the page shows: SVG, wide and narrow
    assert {fmt for _, fmt, _ in shown} == {"svg"} and len(shown) == len(CHARTS) * 2

    def url(name, fmt, size):
        return f"{CHART}/{name}.{fmt}{query}" + ("" if size == "wide" else f"&size={size}")

    for chart in shown:  # a visitor saw them before the write
        assert client.get(url(*chart), headers=headers).status_code == 200
    _submit(demo)
    assert drawer.drain() == len(shown)
    clear_process_caches()  # another worker: only the shared store holds them
    with monkeypatch.context() as patched:
        _refuse_drawing(patched)
        ahead = {chart: client.get(url(*chart), headers=headers) for chart in shown}
    assert all(r.status_code == 200 for r in ahead.values())
    clear_process_caches()
    app.extensions["chartstore"].clear()
    for chart in shown:  # drawn now, on request, from scratch
        on_request = client.get(url(*chart), headers=headers)
        assert on_request.data == ahead[chart].data, chart


def test_draw_ahead_never_runs_on_the_request_that_wrote(app, client, drawer, demo,
                                                         make_user, login, monkeypatch):
    """A write through the web queues the accord and answers without drawing anything."""
    _refuse_drawing(monkeypatch)
    monkeypatch.setattr(shared, "chart_bytes", lambda *a, **k: pytest.fail("drawn"))
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == "1.1.1"))
    login(make_user("coordinator", demo))
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data={
        "level": "3", "effective_on": date.today().isoformat(),
        "evidence_text": "Published in the official gazette", "evidence_url": "", "note": "",
        "version": str(provision.version)})
    assert response.status_code == 302, response.data[:500]
    assert list(drawer.pending) == [demo.id]


def test_a_reference_accord_has_no_dashboard_charts_to_draw(app, drawer):
    from tracker.models import Accord

    reference = db.session.scalar(select(Accord).where(Accord.kind == "reference"))
    assert drawahead.draw_defaults(app, reference.id) == 0


def test_the_page_drawn_ahead_is_the_page_rendered_on_request(app, client, drawer, demo,
                                                             monkeypatch):
    from flask import render_template as real_render

    from tracker.dashboard import routes

    assert client.get(f"/accords/{SLUG}/dashboard").status_code == 200  # seen before
    _submit(demo)
    assert drawer.drain() == 1
    clear_process_caches()  # another worker: only the shared store holds it

    def refuse(name, **context):
        assert name != "dashboard/_board.html", "rendered on request although drawn ahead"
        return real_render(name, **context)

    with monkeypatch.context() as patched:
        patched.setattr(routes, "render_template", refuse)
        ahead = client.get(f"/accords/{SLUG}/dashboard")
    assert ahead.status_code == 200
    clear_process_caches()
    app.extensions["chartstore"].clear()
    on_request = client.get(f"/accords/{SLUG}/dashboard")
    assert _content(on_request.data) == _content(ahead.data)


def _content(page: bytes) -> bytes:
    """The dashboard's content (the frame around it carries per-response tokens)."""
    start = page.index(b'<div class="dashboard">')
    return page[start:page.index(b"</main>", start)]


def test_a_request_during_the_drawing_ahead_waits_for_it_rather_than_drawing_again(
        app, client, demo, monkeypatch):
    """The first official arriving while a chart is being drawn ahead (here: by another
    process, holding the chart's lock in the shared store) waits for that drawing and is
    answered with it: nothing is drawn on the request."""
    import threading

    _submit(demo)
    url = f"{CHART}/status.svg?as_of={date.today().isoformat()}"
    expected = client.get(url).data  # the chart as drawn from scratch
    key = next(k for name, k in _keys(app, demo) if name == "status")
    store = app.extensions["chartstore"]
    assert store.get(key) == expected
    clear_process_caches()
    store.clear()
    holding, release = threading.Event(), threading.Event()

    def draw_ahead():  # another process's draw-ahead, under way when the request comes
        with store.lock(key) as held:
            assert held
            holding.set()
            release.wait(30)
            store.put(key, expected)

    ahead = threading.Thread(target=draw_ahead)
    ahead.start()
    try:
        assert holding.wait(30)
        threading.Timer(0.3, release.set).start()
        with monkeypatch.context() as patched:
            _refuse_drawing(patched)
            answer = client.get(url)
    finally:
        release.set()
        ahead.join(30)
    assert answer.status_code == 200 and answer.data == expected


def test_a_request_for_a_chart_the_drawing_claimed_waits_for_it(app, client, drawer, demo,
                                                               monkeypatch):
    """The first official after a write asks for the page's charts while the draw-ahead
    draws the first: a request for one it claimed waits for that drawing and is answered
    with it (drawn once, by the draw-ahead) instead of drawing it beside it on the same
    cores."""
    import threading

    for name in ("priority", "status"):
        assert client.get(f"{CHART}/{name}.svg").status_code == 200
    _submit(demo)
    drawer.pending.clear()
    clear_process_caches()
    calls, answers, asking = [], {}, []
    drawers = {name: getattr(charts, name) for name in ("priority_lines", "status_area")}

    def request_status():
        answers["status"] = app.test_client().get(f"{CHART}/status.svg")

    def priority(*args, **kwargs):
        calls.append(("priority_lines", threading.current_thread().name))
        official = threading.Thread(target=request_status, name="official")
        official.start()
        official.join(0.5)
        assert official.is_alive()  # waiting for the claimed drawing
        asking.append(official)
        return drawers["priority_lines"](*args, **kwargs)

    def status(*args, **kwargs):
        calls.append(("status_area", threading.current_thread().name))
        return drawers["status_area"](*args, **kwargs)

    monkeypatch.setattr(charts, "priority_lines", priority)
    monkeypatch.setattr(charts, "status_area", status)
    main = threading.current_thread().name
    assert drawahead.draw_recent(app, demo.id) == (2, True)
    asking[0].join(30)
    assert calls == [("priority_lines", main), ("status_area", main)]  # once each, ahead
    assert answers["status"].status_code == 200
    assert answers["status"].data == client.get(f"{CHART}/status.svg").data
    assert len(calls) == 2


def _keys(app, demo) -> list[tuple[str, str]]:
    """(chart, shared store key of its drawing: what it shows) of the demo's default wide
    charts, in English."""
    from flask_babel import force_locale

    from tracker.dashboard.drawing import chart_inputs, content_key
    from tracker.dashboard.routes import _selection
    from tracker.dashboard.shared import board_for, data_state
    from tracker.models import Accord

    with app.test_request_context("/"), force_locale("en"):
        accord = db.session.get(Accord, demo.id, populate_existing=True)
        selection, state = _selection(accord), data_state(accord)
        board = board_for(accord, selection, state)
        return [(name, content_key(name, "svg", "wide", chart_inputs(board, name)))
                for name in CHARTS]


def _drawn(monkeypatch) -> list[tuple]:
    """What the draw-ahead makes, as (language, chart or "page", size, query), and nothing
    drawn (the calls are recorded instead)."""
    from flask import request
    from flask_babel import get_locale

    from tracker.dashboard import routes

    made = []

    def page(accord, selection, state):
        made.append((str(get_locale()), "page", "", tuple(sorted(request.args.items()))))
        return ""

    def chart(accord, selection, state, name, fmt, size="wide"):
        made.append((str(get_locale()), f"{name}.{fmt}", size,
                     tuple(sorted(request.args.items()))))
        return b""

    monkeypatch.setattr(routes, "page_body", page)
    monkeypatch.setattr(shared, "chart_bytes", chart)
    return made


def test_nothing_asked_nothing_drawn_ahead(app, drawer, demo, monkeypatch):
    made = _drawn(monkeypatch)
    _submit(demo)
    assert list(drawer.pending) == [demo.id]
    assert drawer.drain() == 0 and made == []


def test_only_the_variants_recently_asked_are_drawn_ahead(app, client, drawer, demo,
                                                          monkeypatch):
    """Sizes, languages, formats and filters as visitors asked them, the page first; not
    what a coordinator alone sees (pending records), not a refused filter, not what was
    asked longer ago than CHART_DRAW_AHEAD_RECENT_MINUTES."""
    import time

    from tracker import chartstore

    today = date.today().isoformat()
    assert client.get(f"{CHART}/status.svg?as_of={today}&size=narrow").status_code == 200
    assert client.get(f"/accords/{SLUG}/dashboard?section=1",
                      headers={"Accept-Language": "es"}).status_code == 200
    assert client.get(f"{CHART}/tags.png?tag=nope").status_code == 400  # not noted
    assert client.get(f"{CHART}/tags.svg?include_pending=true").status_code == 403
    made = _drawn(monkeypatch)
    _submit(demo)
    assert drawer.drain() == 2
    assert made == [("es", "page", "", (("section", "1"),)),
                    ("en", "status.svg", "narrow", ())]  # "today" is redrawn as today
    made.clear()
    later = time.time() + 60 * app.config["CHART_DRAW_AHEAD_RECENT_MINUTES"] + 1
    monkeypatch.setattr(chartstore.time, "time", lambda: later)
    _submit(demo, "1.1.2")
    assert drawer.drain() == 0 and made == []


def test_charts_are_drawn_ahead_in_the_order_a_browser_asks_for_them(app, client, drawer,
                                                                     demo, monkeypatch):
    """The page, then each size's charts in the page's order, whatever order they were
    asked in (the last chart a browser asked was drawn first: the first visitor after a
    write waited for the charts at the top of the page)."""
    for name in CHARTS:  # the most recently asked last
        assert client.get(f"{CHART}/{name}.svg").status_code == 200
    for name in ("priority", "pace"):
        assert client.get(f"{CHART}/{name}.svg?size=narrow").status_code == 200
    assert client.get(f"/accords/{SLUG}/dashboard").status_code == 200
    made = _drawn(monkeypatch)
    _submit(demo)
    drawer.drain()
    assert made == [("en", "page", "", ())] + [
        ("en", f"{name}.svg", "wide", ()) for name in CHARTS] + [
        ("en", "priority.svg", "narrow", ()), ("en", "pace.svg", "narrow", ())]


def test_writes_in_a_burst_lead_to_one_drawing_of_the_newest_revision(app):
    """The first write after a quiet spell is drawn at once; the writes that follow within
    the coalescing time wait for its end and are drawn once; a drawing is never queued
    per write."""
    now = [100.0]
    queue = drawahead.DrawAhead(app, "queue", coalesce=1.0, clock=lambda: now[0])
    queue.schedule([7])
    assert queue.take() == (7, None)  # at once: nothing drawn in the last second
    for moment in (100.1, 100.4, 100.8):  # three more writes while it is drawn
        now[0] = moment
        queue.schedule([7])
    assert list(queue.pending) == [7]  # one drawing to come, not three
    now[0] = 100.9
    accord, wait = queue.take()
    assert accord is None and wait == pytest.approx(0.1)
    now[0] = 101.0
    assert queue.take() == (7, None)
    assert queue.take() == (None, None)
    now[0] = 105.0  # a quiet spell: the next write is drawn at once again
    queue.schedule([7, 8])
    assert queue.take() == (7, None) and queue.take() == (8, None)


def test_a_drawing_stops_when_the_accord_is_revised_meanwhile(app, client, drawer, demo,
                                                              monkeypatch):
    """What a drawing would make after a newer write is stale already: it stops, and the
    newer write's own queueing draws the newest revision."""
    from tracker import chartstore

    for name in ("status", "groups", "tags"):
        assert client.get(f"{CHART}/{name}.svg").status_code == 200
    _submit(demo)
    drawer.pending.clear()
    drawn = []

    def chart(accord, selection, state, name, fmt, size="wide"):
        drawn.append((name, accord.revision))
        if len(drawn) == 1:  # a partner's write lands during the drawing
            assert len(chartstore.claimed()) == 3  # the charts it draws next are claimed
            services.touch(demo.id)
            db.session.commit()
        return b""

    monkeypatch.setattr(shared, "chart_bytes", chart)
    assert drawahead.draw_recent(app, demo.id) == (1, False) and len(drawn) == 1
    assert chartstore.claimed() == []  # stopped: what it claimed is let go
    assert list(drawer.pending) == [demo.id]  # the newer write is queued
    assert drawer.drain() == 3
    assert {revision for _, revision in drawn[1:]} == {drawn[0][1] + 1}


def test_the_charts_of_one_page_are_claimed_in_one_request_context(app, client, drawer, demo,
                                                                   monkeypatch):
    """Charts asked in one language with one query are claimed together (one selection, one
    database state), not each in a request context of its own; all are still claimed."""
    from tracker import chartstore

    for name in ("status", "groups", "tags"):
        assert client.get(f"{CHART}/{name}.svg").status_code == 200
    assert client.get(f"{CHART}/status.svg?size=narrow").status_code == 200
    _submit(demo)
    drawer.pending.clear()
    contexts, claimed = [], []
    real = drawahead._in_request

    def counted(app_, accord_id, variant, revision, do):
        contexts.append(isinstance(do, functools.partial))
        return real(app_, accord_id, variant, revision, do)

    def chart(accord, selection, state, name, fmt, size="wide"):
        claimed.append(len(chartstore.claimed()))
        return b""

    monkeypatch.setattr(drawahead, "_in_request", counted)
    monkeypatch.setattr(shared, "chart_bytes", chart)
    made, complete = drawahead.draw_recent(app, demo.id)
    assert complete and made == 4  # the four charts asked
    assert contexts.count(True) == 1  # one claiming context for the four charts
    assert claimed[0] == 4  # every chart claimed before the first is drawn
