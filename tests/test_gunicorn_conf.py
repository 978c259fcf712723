"""Workers that keep what they learned: preload, recycling on memory growth, warm caches."""
from __future__ import annotations

import logging
import os
from types import SimpleNamespace

from tracker import queries
from tracker.figures import AccordFigures
from tracker.warmup import warm_figures


_BEFORE = os.environ.get("TRACKER_CHART_DRAW_AHEAD")
from tracker import gunicorn_conf  # noqa: E402  (sets TRACKER_CHART_DRAW_AHEAD for a server)

if _BEFORE is None:  # not for the apps other tests make in this process
    os.environ.pop("TRACKER_CHART_DRAW_AHEAD", None)


def _worker(start_mb):
    return SimpleNamespace(alive=True, pid=1, tracker_start_mb=start_mb,
                           log=logging.getLogger("test"))


def test_the_app_is_preloaded_and_recycling_is_rare_and_jittered():
    assert gunicorn_conf.preload_app is True
    assert gunicorn_conf.max_requests >= 50_000
    assert 0 < gunicorn_conf.max_requests_jitter < gunicorn_conf.max_requests


def test_a_worker_is_recycled_when_its_memory_grows_past_the_threshold(monkeypatch):
    monkeypatch.setattr(gunicorn_conf, "resident_mb", lambda: 200.0)
    steady = _worker(start_mb=150.0)
    gunicorn_conf.post_request(steady, None, {}, None)
    assert steady.alive
    grown = _worker(start_mb=200.0 - gunicorn_conf.MAX_GROWTH_MB - 1)
    gunicorn_conf.post_request(grown, None, {}, None)
    assert not grown.alive


def test_memory_is_read_after_one_request_in_many(monkeypatch):
    reads = []
    monkeypatch.setattr(gunicorn_conf, "resident_mb", lambda: reads.append(1) or 200.0)
    worker = _worker(start_mb=150.0)
    for _ in range(gunicorn_conf.MEMORY_CHECK_EVERY * 3):
        gunicorn_conf.post_request(worker, None, {}, None)
    assert len(reads) == 3 and worker.alive


def test_resident_memory_is_measured():
    assert 10 < gunicorn_conf.resident_mb() < 100_000


def test_warming_fills_the_figures_caches(app, demo, monkeypatch):
    assert warm_figures() >= 1

    def refuse(*_args, **_kwargs):
        raise AssertionError("read again after warming")

    monkeypatch.setattr(queries, "level_changes", refuse)
    monkeypatch.setattr(queries, "provision_infos", refuse)
    assert AccordFigures(demo).records


def test_warming_draws_one_dashboards_charts_so_a_fresh_worker_measures_no_text(
        app, client, demo, monkeypatch):
    from tracker.charts import text as chart_text
    from tracker.cache import clear_process_caches
    from tracker.warmup import warm_charts

    clear_process_caches(everything=True)  # a freshly started process
    assert warm_charts(app, seconds=600) > 0
    measured = len(chart_text._EXTENTS.items)
    assert measured > 0
    clear_process_caches()  # a worker forked after: data caches empty, text measures kept
    app.extensions["chartstore"].clear()  # and nothing drawn to find: it draws anew
    client.get(f"/accords/{demo.slug}/dashboard")
    for name in ("status", "groups", "tags"):
        assert client.get(f"/accords/{demo.slug}/charts/{name}.svg").status_code == 200
    assert len(chart_text._EXTENTS.items) == measured  # every text was measured already


def test_warming_begins_no_chart_after_its_time(app, demo):
    from tracker.warmup import warm_charts

    assert warm_charts(app, seconds=0) == 0
    assert warm_charts(app, seconds=1e-9) == 0


def test_a_worker_hands_the_interpreter_between_its_threads_often(monkeypatch):
    """A request's every database round trip waits for the interpreter while sibling threads
    compute: at most a millisecond in a worker, not Python's default 5 ms."""
    import sys

    before = sys.getswitchinterval()
    monkeypatch.setattr(gunicorn_conf, "resident_mb", lambda: 100.0)
    worker = SimpleNamespace()
    try:
        gunicorn_conf.post_worker_init(worker)
        assert sys.getswitchinterval() <= 0.001 < before
        assert worker.tracker_start_mb == 100.0
    finally:
        sys.setswitchinterval(before)
        import gc

        gc.unfreeze()
