"""Draw-ahead: a commit that changes an accord queues its dashboard's default charts; drawn
ahead, they are byte for byte the charts drawn on request, which then draws nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker import charts, services
from tracker.cache import clear_process_caches
from tracker.dashboard import drawahead
from tracker.dashboard.board import CHARTS
from tracker.domain.rules import Submission
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
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == code))
    change = services.StatusChange(
        provision=provision, expected_version=provision.version,
        submission=Submission(level=level, effective_on=date.today(),
                              evidence_text="Published in the official gazette"))
    return services.submit([change], verified=True)[0]


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
    _submit(demo)
    assert drawer.drain() == len(drawahead.default_charts(app))
    clear_process_caches()  # another worker: only the shared store holds them
    headers = {"Accept-Language": language}
    query = f"?as_of={date.today().isoformat()}"  # as the page links them
    shown = [(name, fmt, size) for lang, name, fmt, size in drawahead.default_charts(app)
             if lang == language]  # what the page shows: SVG, wide and narrow
    assert {fmt for _, fmt, _ in shown} == {"svg"} and len(shown) == len(CHARTS) * 2

    def url(name, fmt, size):
        return f"{CHART}/{name}.{fmt}{query}" + ("" if size == "wide" else f"&size={size}")

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
    from tracker.dashboard import routes

    _refuse_drawing(monkeypatch)
    monkeypatch.setattr(routes, "chart_bytes", lambda *a, **k: pytest.fail("drawn"))
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

    _submit(demo)
    drawer.drain()
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


def _keys(app, demo) -> list[tuple[str, str]]:
    """(chart, shared store key) of the demo's default wide charts, in English."""
    from flask_babel import force_locale

    from tracker.dashboard.routes import _selection, data_state, etag_for
    from tracker.models import Accord

    with app.test_request_context("/"), force_locale("en"):
        accord = db.session.get(Accord, demo.id, populate_existing=True)
        selection, state = _selection(accord), data_state(accord)
        return [(name, etag_for(state, name, "svg", selection, "wide")) for name in CHARTS]
