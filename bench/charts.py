#!/usr/bin/env python
"""Time the dashboard and its charts, as a server sees them.

In one process, through the Flask test client (each request has its own app context and
session, as in production; min / median / max wall time per request over --repeat runs,
with the median CPU time of the process beside them: on a shared machine the CPU time is the
steadier). "cold" rows empty EVERY process cache of the tracker and the shared chart store
before each run (bench/timing.py): records read, figures computed, matplotlib drawing, as
the first request after a write pays when nothing was drawn ahead; "fresh process, chart in
the shared store" empties this process's caches only (a new worker, or a chart drawn ahead
or by another worker); "warm" rows keep everything:
  chart cold     each chart from scratch (what no write changes, the text extents in the
                 charts' font, kept as a running worker keeps them)
  fresh worker   the same with the text extents measured anew too
  after the page the same when the dashboard page was just served (its figures are kept, as
                 when a browser asks for the page's charts): drawing only
  drawn before   the same chart asked again without If-None-Match (another visitor)
  revalidation   a chart request carrying its current ETag: the 304 answered before drawing
  dashboard      the dashboard HTML (every table; the charts are separate requests), cold and
                 warm
With --gunicorn, also a real server: gunicorn (tracker/gunicorn_conf.py, 2 workers) on
loopback and --clients concurrent clients. A round is "the dashboard, then its nine charts
with the ETags the client holds". Cold start: one round by every client at once on the fresh
server (every chart drawn); steady: --rounds more rounds. Per-request p50/p95/max, errors.

Targets (colombia workload, SQLite): chart cold < 300 ms, revalidation < 10 ms, dashboard
< 150 ms, gunicorn p95 < 250 ms with no errors. Nothing here is asserted in the test suite.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/charts.py
  .venv/bin/python bench/charts.py --slug colombia-2016-demo --repeat 9 --gunicorn
  .venv/bin/python bench/charts.py \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from timing import HEADER, machine_line, measure

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"
CHARTS = ("priority", "status", "groups", "tags", "comparison", "curve", "pace", "events",
          "events_map")  # every dashboard chart (tracker.dashboard.board.CHARTS)
TARGETS_MS = {"cold": 300.0, "revalidate": 10.0, "dashboard": 150.0, "gunicorn_p95": 250.0}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("MPLCONFIGDIR", str(OUT_DIR / "matplotlib"))


def _get(client, url: str, headers: dict | None = None, expect: int = 200):
    response = client.get(url, headers=headers or {})
    if response.status_code != expect:
        raise SystemExit(f"{url}: {response.status_code} (expected {expect})")
    return response


def _mark(value: float, target: float) -> str:
    return "ok" if value < target else "OVER"


def bench_in_process(url: str, slug: str, repeat: int) -> None:
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    logging.getLogger("tracker.request").setLevel(logging.WARNING)  # one JSON line a request
    client = app.test_client()
    base = f"/accords/{slug}"
    query = f"?as_of={date.today().isoformat()}"
    page = f"{base}/dashboard{query}"
    _get(client, f"{base}/charts/status.png{query}")  # warm-up: fonts, imports
    print(f"\n{slug}: in-process (Flask test client), {repeat} runs each; {machine_line()}")
    print(f"  {'request':<44} {HEADER}  target (median)")

    def row(label, path, url, target=None, headers=None, expect=200, before=None,
            store=True, everything=False):
        """store=False: the shared chart store is kept (only this process's caches go);
        everything=True: the text extents go too (a freshly started worker)."""
        runs, _ = measure(lambda: _get(client, url, headers, expect), repeat, path,
                          app if store else None, before, everything)
        goal = f"< {target:.0f} {_mark(runs.median * 1000, target)}" if target else ""
        print(f"  {label:<44} {runs.row()}  {goal}")

    for name in CHARTS:
        for fmt in ("png", "svg"):
            chart = f"{base}/charts/{name}.{fmt}{query}"
            row(f"cold: chart {name}.{fmt}", "cold", chart, TARGETS_MS["cold"])
            if fmt == "svg":
                row("  fresh worker (text extents measured anew)", "cold", chart,
                    everything=True)
                row("  cold, after the page (figures kept)", "cold", chart,
                    before=lambda: _get(client, page))
            if fmt == "png":
                row("  cold, after the page (figures kept)", "cold", chart,
                    before=lambda: _get(client, page))
                row("  fresh process, chart in the shared store", "cold", chart,
                    before=lambda: _get(client, chart), store=False)
    chart = f"{base}/charts/status.png{query}"
    row("warm: chart drawn before (no If-None-Match)", "warm", chart)
    for name in ("status", "comparison"):
        chart = f"{base}/charts/{name}.png{query}"
        etag = _get(client, chart).headers["ETag"]
        row(f"cold: revalidation 304 {name}.png", "cold", chart, TARGETS_MS["revalidate"],
            {"If-None-Match": etag}, 304)
        row(f"warm: revalidation 304 {name}.png", "warm", chart, TARGETS_MS["revalidate"],
            {"If-None-Match": etag}, 304)
    row("cold: dashboard HTML", "cold", page, TARGETS_MS["dashboard"])
    row("warm: dashboard HTML (kept)", "warm", page, TARGETS_MS["dashboard"])
    from tracker.extensions import db

    with app.app_context():
        db.engine.dispose()


# --- gunicorn ---------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            urllib.request.urlopen(f"{base}/reference", timeout=10).read()
            return
        except OSError:  # refused while starting, or a slow first answer
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _client_rounds(base: str, slug: str, rounds: int, held: dict, results: list,
                   errors: list) -> None:
    """One visitor: the dashboard, then each chart with the ETag held from the last round."""
    query = f"?as_of={date.today().isoformat()}"
    for _ in range(rounds):
        urls = [("dashboard", f"{base}/accords/{slug}/dashboard{query}")] + [
            ("chart", f"{base}/accords/{slug}/charts/{name}.png{query}") for name in CHARTS]
        for kind, url in urls:
            request = urllib.request.Request(url)
            if url in held:
                request.add_header("If-None-Match", held[url])
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    status, etag = response.status, response.headers.get("ETag")
            except urllib.error.HTTPError as exc:
                status, etag = exc.code, exc.headers.get("ETag")
            except OSError as exc:  # refused, reset or timed out
                errors.append(f"{url}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            if status not in (200, 304):
                errors.append(f"{url}: {status}")
            if etag:
                held[url] = etag
            results.append((kind if status == 200 or kind == "dashboard" else "304", elapsed))


def _run_clients(base, slug, clients, rounds, held) -> tuple[list, list, float]:
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_client_rounds,
                                args=(base, slug, rounds, held[i], results, errors))
               for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - start


def bench_gunicorn(url: str, slug: str, clients: int, rounds: int) -> None:
    """First every client at once on a fresh server (nothing cached anywhere), then the same
    clients for `rounds` more rounds, revalidating with the ETags they hold."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    import tempfile

    store = tempfile.mkdtemp(prefix="charts-", dir=OUT_DIR)  # empty: nothing drawn before
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_BIND": f"127.0.0.1:{port}",
           "TRACKER_WORKERS": "2", "TRACKER_CHART_STORE_DIR": store}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:tracker.gunicorn_conf",
         "tracker:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(base, process)
        held: list[dict] = [{} for _ in range(clients)]
        print(f"\ngunicorn, 2 workers (gthread), {clients} concurrent clients, loopback; "
              "a round = the dashboard, then its 9 charts (PNG)")
        _report("cold start: 1 round", *_run_clients(base, slug, clients, 1, held))
        _report(f"warm (steady): {rounds} rounds", *_run_clients(base, slug, clients, rounds, held),
                target=TARGETS_MS["gunicorn_p95"])
    finally:
        process.terminate()
        process.wait(timeout=30)


def _report(title, results, errors, wall, target=None) -> None:
    print(f"  {title}: {len(results)} requests in {wall:.1f} s "
          f"({len(results) / wall:.0f} req/s), errors: {len(errors)}")
    print(f"    {'requests':<12} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}  ms")
    for kind in ("dashboard", "chart", "304", "all"):
        times = sorted(t for k, t in results if kind in (k, "all"))
        if not times:
            continue
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))] * 1000
        goal = f"  p95 < {target:.0f} {_mark(p95, target)}" if target and kind == "all" else ""
        print(f"    {kind:<12} {len(times):5d} {statistics.median(times) * 1000:8.1f} "
              f"{p95:8.1f} {times[-1] * 1000:8.1f}{goal}")
    for error in errors[:10]:
        print(f"    error: {error}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="database holding the workload (default: %(default)s)")
    parser.add_argument("--slug", action="append",
                        help="accord(s) to time (default: bench-target and colombia-2016-demo)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per request (median)")
    parser.add_argument("--gunicorn", action="store_true", help="also time a gunicorn server")
    parser.add_argument("--clients", type=int, default=8, help="concurrent gunicorn clients")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per gunicorn client")
    args = parser.parse_args(argv)
    if args.database_url == DEFAULT_URL and not (OUT_DIR / "colombia.db").exists():
        raise SystemExit("No workload: run `.venv/bin/python bench/workloads.py colombia` first")
    slugs = args.slug or ["bench-target", "colombia-2016-demo"]
    for slug in slugs:
        bench_in_process(args.database_url, slug, args.repeat)
    if args.gunicorn:
        bench_gunicorn(args.database_url, slugs[0], args.clients, args.rounds)


if __name__ == "__main__":
    main()
