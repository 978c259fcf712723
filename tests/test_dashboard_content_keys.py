"""Charts are drawn and shared under a key of what they show (`drawing.content_key`): a write
redraws only the charts whose data changed (a status write: the level charts, not the event
charts; a write that changes no chart's data: none), the bytes served after a write are those
drawn from scratch, and charts that look different never share a key."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from event_helpers import event_input
from flask_babel import force_locale
from sqlalchemy import select

from tracker import charts, services
from tracker.cache import clear_process_caches
from tracker.dashboard import drawahead
from tracker.dashboard.board import CHARTS, Selection
from tracker.dashboard.drawing import chart_inputs, content_key
from tracker.domain.rules import Submission
from tracker.events.services import submit_event
from tracker.extensions import db
from tracker.figures import AccordFigures
from tracker.models import Accord, Provision

SLUG = "colombia-2016-demo"
CHART = f"/accords/{SLUG}/charts"
#: Chart -> the drawing function of `tracker.charts` it is drawn by.
DRAWN_BY = {"priority": "priority_lines", "status": "status_area", "groups": "group_bars",
            "tags": "tag_bars", "comparison": "comparison_ranges", "curve": "score_curve",
            "pace": "pace_projection", "events": "events_per_month",
            "events_map": "events_map"}
EVENT_CHARTS = ("events", "events_map")
#: The charts a change of today's levels changes (the curve's yearly points, and the
#: comparison of one year's provision types, may stay as they were).
TODAY_CHARTS = ("priority", "status", "groups", "tags", "pace")


def _url(name: str, fmt: str = "svg", size: str = "wide") -> str:
    return f"{CHART}/{name}.{fmt}" + ("" if size == "wide" else f"?size={size}")


def _all_charts(client, headers: dict | None = None) -> dict[str, bytes]:
    found = {}
    for name in CHARTS:
        response = client.get(_url(name), headers=headers or {})
        assert response.status_code == 200, name
        found[name] = response.data
    return found


def _counting(monkeypatch) -> Counter:
    """Count the drawings of each chart (the drawing functions replaced in `tracker.charts`,
    the module the charts are drawn through, by counting wrappers of themselves)."""
    drawn: Counter = Counter()
    for name, function in DRAWN_BY.items():
        original = getattr(charts, function)

        def counted(*args, _name=name, _original=original, **kwargs):
            drawn[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(charts, function, counted)
    return drawn


def _provision(demo, code: str) -> Provision:
    return db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.code == code))


def _level(demo, provision: Provision) -> int:
    return AccordFigures(demo).levels(date.today()).get(provision.id, 0)


def _submit(demo, code: str, level: int) -> None:
    provision = _provision(demo, code)
    change = services.StatusChange(
        provision=provision, expected_version=provision.version,
        submission=Submission(level=level, effective_on=date.today(),
                              evidence_text="Published in the official gazette"))
    services.submit([change], verified=True)


def _change_levels(demo) -> None:
    """A verified status write that changes the level of two provisions today."""
    for code in ("1.1.1", "1.1.2"):
        current = _level(demo, _provision(demo, code))
        _submit(demo, code, 3 if current < 3 else 1)


def _from_scratch(app, client) -> dict[str, bytes]:
    clear_process_caches()
    app.extensions["chartstore"].clear()
    return _all_charts(client)


def test_a_status_write_redraws_the_level_charts_and_not_the_event_charts(app, client, demo,
                                                                          monkeypatch):
    before = _all_charts(client)
    drawn = _counting(monkeypatch)
    _change_levels(demo)
    clear_process_caches()  # another worker: only the shared store holds the charts
    after = _all_charts(client)
    changed = {name for name in CHARTS if after[name] != before[name]}
    assert changed >= set(TODAY_CHARTS) and not changed & set(EVENT_CHARTS)
    assert drawn == Counter(changed), drawn  # each changed chart drawn once, no other
    assert _from_scratch(app, client) == after  # no stale chart: byte for byte


def test_a_verified_event_redraws_the_event_charts_only(app, client, demo, monkeypatch):
    before = _all_charts(client)
    drawn = _counting(monkeypatch)
    submit_event(event_input(demo), verified=True)
    clear_process_caches()
    after = _all_charts(client)
    assert drawn == Counter(EVENT_CHARTS), drawn
    assert {name for name in CHARTS if after[name] != before[name]} == set(EVENT_CHARTS)
    monkeypatch.undo()
    assert _from_scratch(app, client) == after


def test_a_write_that_changes_no_chart_data_draws_nothing_again(app, client, demo,
                                                                monkeypatch):
    """A confirmation that repeats a provision's level raises the accord's revision (new
    ETags) but leaves every chart's data as it was."""
    before = _all_charts(client)
    etags = {name: client.get(_url(name)).headers["ETag"] for name in CHARTS}
    drawn = _counting(monkeypatch)
    provision = _provision(demo, "1.1.1")
    _submit(demo, "1.1.1", _level(demo, provision))
    clear_process_caches()
    after = _all_charts(client)
    assert not drawn, drawn
    assert after == before
    assert all(client.get(_url(name)).headers["ETag"] != etags[name] for name in CHARTS)
    monkeypatch.undo()
    assert _from_scratch(app, client) == after


def test_another_worker_reads_a_drawn_chart_through_its_state_key_without_figures(
        app, client, demo, monkeypatch):
    """A chart drawn once is found by another worker through its state key: it computes no
    figure and draws nothing."""
    from tracker.dashboard import routes, shared

    first = _all_charts(client)
    clear_process_caches()
    for module in (routes, shared):
        monkeypatch.setattr(module, "board_for",
                            lambda *a, **k: pytest.fail("figures computed"))
    drawn = _counting(monkeypatch)
    assert _all_charts(client) == first and not drawn


def test_the_draw_ahead_redraws_only_the_charts_whose_data_changed(app, client, demo,
                                                                   monkeypatch):
    """The draw-ahead goes through `shared.chart_bytes`: after a status write it draws the
    charts whose data changed, once each; a request then draws nothing, and finds the
    charts drawn from scratch."""
    made = app.extensions["drawahead"]
    monkeypatch.setattr(made, "mode", "queue")
    made.pending.clear()
    query = f"?as_of={date.today().isoformat()}"
    shown = [name for language, name, fmt, size in drawahead.default_charts(app)
             if language == "en" and fmt == "svg" and size == "wide"]
    # a visitor saw them before the write (what was asked is what is drawn ahead)
    before = {name: client.get(f"{CHART}/{name}.svg{query}").data for name in shown}
    drawn = _counting(monkeypatch)
    _change_levels(demo)
    assert made.drain() == len(shown)
    assert set(drawn) >= set(TODAY_CHARTS) and not set(drawn) & set(EVENT_CHARTS), drawn
    assert set(drawn.values()) == {1}
    redrawn = set(drawn)
    drawn.clear()
    ahead = {name: client.get(f"{CHART}/{name}.svg{query}").data for name in shown}
    assert not drawn  # the request finds what was drawn ahead
    made.pending.clear()
    clear_process_caches()
    app.extensions["chartstore"].clear()
    assert {name for name in shown if ahead[name] != before[name]} == redrawn
    monkeypatch.undo()
    assert ahead == {name: client.get(f"{CHART}/{name}.svg{query}").data for name in shown}


def _keys(app, demo, language: str, selection: Selection, fmt: str, size: str) -> dict:
    from tracker.dashboard.shared import board_for, data_state

    with app.test_request_context("/"), force_locale(language):
        accord = db.session.get(Accord, demo.id, populate_existing=True)
        board = board_for(accord, selection, data_state(accord))
        return {name: content_key(name, fmt, size, chart_inputs(board, name))
                for name in CHARTS}


def test_charts_that_look_different_never_share_a_key(app, demo):
    today = date.today()
    plain = Selection(today)
    base = _keys(app, demo, "en", plain, "svg", "wide")
    assert base == _keys(app, demo, "en", plain, "svg", "wide")  # the same: the same key
    variants = {
        "language": _keys(app, demo, "es", plain, "svg", "wide"),
        "size": _keys(app, demo, "en", plain, "svg", "narrow"),
        "format": _keys(app, demo, "en", plain, "png", "wide"),
        "date": _keys(app, demo, "en", Selection(today - timedelta(days=400)), "svg", "wide"),
        "known_at": _keys(app, demo, "en", Selection(today, known_at=demo.created_at),
                          "svg", "wide"),
    }
    every = [key for keys in [base, *variants.values()] for key in keys.values()]
    assert len(set(every)) == len(every)
    section = _keys(app, demo, "en", Selection(today, section="1"), "svg", "wide")
    tag = _keys(app, demo, "en", Selection(today, tag="gender"), "svg", "wide")
    for name in CHARTS:
        if name in ("comparison", "curve"):  # against the whole accord whatever the filter:
            assert section[name] == tag[name] == base[name]  # the same picture, one drawing
        elif name == "tags":  # its rows are the tags: it shows the section, not the tag
            assert section[name] != base[name] and tag[name] == base[name]
        else:
            assert len({section[name], tag[name], base[name]}) == 3, name


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_computed_by_one_process_are_read_by_another(client, monkeypatch, language):
    """The page computes the dashboard's figures and shares them (`keep_figures`); a process
    with none of them kept (caches emptied: another worker) draws a chart from them without
    computing the comparison again, and draws what the first process would."""
    headers = {"Accept-Language": language}
    assert client.get(f"/accords/{SLUG}/dashboard", headers=headers).status_code == 200
    clear_process_caches()  # another process: nothing kept here, the shared store kept

    def refuse(*_args, **_kwargs):
        raise AssertionError("the comparison was computed again")

    monkeypatch.setattr(AccordFigures, "comparison", refuse)
    shared = client.get(_url("comparison"), headers=headers)
    assert shared.status_code == 200
    monkeypatch.undo()
    clear_process_caches()
    from tracker import chartstore

    with client.application.app_context():
        chartstore.store().clear()  # nothing shared: computed and drawn from scratch
    assert client.get(_url("comparison"), headers=headers).data == shared.data
