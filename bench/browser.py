#!/usr/bin/env python
"""The dashboard as an official's Chromium sees it: first view right after a partner's
update, with an empty browser cache (cold), against the same page reloaded with everything
answering 304 (warm), in the same run.

Copies the workload database (bench/out/colombia.db -> bench/out/browser.db), adds a
coordinator, starts gunicorn as configured (tracker/gunicorn_conf.py: 2 workers, preload,
draw-ahead) on an empty chart store; an official opens the dashboard once, untimed (the
draw-ahead redraws only what was asked in the last 30 minutes: on a working day someone has;
--unseen skips it, so the first run finds nothing drawn ahead), then --runs times:
  1. the coordinator records a new level for one provision through the web form (POST with
     its CSRF token, as the form sends it): each run another provision (in code order, or
     --code), two levels away from its current verified level, so that every write changes
     what the dashboard shows (a level written back to one already shown would find every
     chart drawn before: their keys are what they show);
  2. at once (or --delay seconds later), a NEW browser context (empty cache) opens the
     dashboard: load time (navigation start to the load event: the page and its style sheets:
     the first screen; the charts are all below it, loading="lazy", fetched as the reader
     nears them: those shown at the load event are counted; and the server's wait for the
     page and for the slowest of those charts, request sent to first byte received), then
     every chart shown (right after the load event every chart not yet fetched is asked for,
     as if the reader jumped through the page: navigation start to the last chart decoded)
     and bytes received then (transfer sizes of the page and every resource, compressed as
     sent);
  3. the same context reloads the page (revalidation: 304s): the same measures;
  4. another new context opens the page with nothing changed since (every answer ready on
     the server): the floor of an empty-cache view, what Chromium itself spends (the SVG
     charts are parsed and laid out on the page's main thread when not in its cache).
With --visitors N, steps 2 and 4 open the page in N new contexts at the same moment
(desktop and phone, English and Spanish in turn: each asks its own page and charts) and
keep the slowest; step 3 reloads the first.
Prints min / median / max of each. Debian's Chromium (/usr/bin/chromium), headless.

Targets (issue 16): cold load within 2x the warm load of the same run and under 400 ms;
bytes (every chart shown) under 120 kB with compression. Every chart shown is printed beside
them, with its own ratios: what a reader who scrolls at once waits for.

  .venv/bin/python bench/browser.py --runs 5
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
sys.path.insert(0, str(BENCH_DIR))
from timing import machine_line  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "official-bench@example.org", "bench password for the browser"
MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const charts = [...document.querySelectorAll('figure.chart img')];
  const waits = performance.getEntriesByType('resource')
    .filter(r => r.name.includes('/charts/') && r.responseEnd <= nav.loadEventStart)
    .map(r => r.responseStart - r.requestStart);
  return {load: nav.loadEventEnd - nav.startTime, charts: charts.length,
          charts_at_load: charts.filter(i => i.complete && i.naturalWidth > 0).length,
          page_wait: nav.responseStart - nav.requestStart,
          chart_wait: waits.length ? Math.max(...waits) : 0};
}"""
#: Every chart shown: the charts not yet fetched (loading="lazy": all are below the first
#: screen) are asked for at once, as if the reader jumped through the page
#: right after the load event; the moment (from navigation start) the last one is decoded,
#: and the bytes of the page and every resource (transfer sizes, compressed as sent) then.
EVERY_CHART = """async () => {
  const charts = [...document.querySelectorAll('figure.chart img')];
  charts.forEach(i => { i.loading = 'eager'; });
  await Promise.all(charts.map(i => i.decode().catch(() => null)));
  const shown = performance.now();
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const bytes = nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0);
  return {every_chart: shown - nav.startTime, bytes: bytes, resources: resources.length,
          broken: charts.filter(i => !(i.complete && i.naturalWidth > 0)).length};
}"""


def _measure(page) -> dict:
    """The load event's measures, then every chart's (`EVERY_CHART`)."""
    found = page.evaluate(MEASURE)
    found.update(page.evaluate(EVERY_CHART))
    if found["broken"]:
        raise SystemExit(f"{found['broken']} chart(s) did not load")
    return found


def _copy_database(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env, *args):
    subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "tracker", *args],
                   env=env, cwd=ROOT, check=True, capture_output=True)


def _start(env, port, log: Path | None = None):
    output = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:tracker.gunicorn_conf",
         "tracker:create_app()"], cwd=ROOT, env={**env, "TRACKER_BIND": f"127.0.0.1:{port}"},
        stdout=output, stderr=output)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def _write(request_context, base, slug, code, level) -> None:
    page = request_context.get(f"{base}/accords/{slug}/provisions/{code}").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', page) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    answer = request_context.post(
        f"{base}/accords/{slug}/provisions/{code}/update", max_redirects=0,
        form={"csrf_token": token.group(1), "level": str(level),
              "effective_on": date.today().isoformat(), "evidence_text": "Official gazette",
              "evidence_url": "", "note": "", "version": version})
    if answer.status != 302:
        raise SystemExit(f"the write was refused: {answer.status}")


def _writes(database: Path, slug: str, code: str | None, runs: int) -> list[tuple[str, int]]:
    """(provision code, level) of each run's write: the provision's current verified level
    plus two (mod 4), so that each write changes the figures; with one `code`, its level
    alternates between two levels that differ."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT p.code, (SELECT s.level FROM status_records s WHERE s.provision_id = p.id "
            "AND s.review_state = 'verified' ORDER BY s.effective_on DESC, s.id DESC LIMIT 1) "
            "FROM provisions p JOIN accords a ON a.id = p.accord_id WHERE a.slug = ? "
            "ORDER BY p.id", (slug,)).fetchall()
    if code is not None:
        rows = [row for row in rows if row[0] == code] * runs
        if not rows:
            raise SystemExit(f"no provision {code} in {slug}")
        first = ((rows[0][1] or 0) + 2) % 4
        return [(code, first if run % 2 == 0 else (first + 2) % 4) for run in range(runs)]
    return [(found, ((level or 0) + 2) % 4) for found, level in rows[:runs]]


#: Who visits, in turn, when several do at once: (locale, viewport, a phone?); the first is
#: Chromium's defaults (the one visitor of the figures measured before --visitors).
VISITORS = ((None, None, False),
            ("es-ES", {"width": 390, "height": 844}, True),
            ("es-ES", {"width": 1280, "height": 900}, False),
            ("en-US", {"width": 390, "height": 844}, True))


def _visitors(browser, kinds) -> list:
    """A page in a new browser context (an empty cache) for each kind of visitor."""
    pages = []
    for locale, viewport, phone in kinds:
        context = browser.new_context() if locale is None else browser.new_context(
            locale=locale, viewport=viewport, is_mobile=phone,
            extra_http_headers={"Accept-Language": locale[:2]})
        pages.append(context.new_page())
    return pages


def _slowest(pages, url) -> dict:
    """Every page opens `url` at the same moment (navigations started one after another,
    then awaited); the measures of the one whose load took longest."""
    for page in pages:
        page.goto(url, wait_until="commit")
    for page in pages:
        page.wait_for_load_state("load")
    return max((_measure(page) for page in pages), key=lambda m: m["load"])


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slug", default="bench-target")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", help="the provision written before each view (default: "
                        "another one each run, in code order)")
    parser.add_argument("--delay", type=float, default=0,
                        help="seconds between the write and the official's first view "
                             "(0: at once, racing the draw-ahead)")
    parser.add_argument("--unseen", action="store_true",
                        help="no view of the dashboard before the first write (nothing asked "
                             "recently: the first run is drawn on request)")
    parser.add_argument("--visitors", type=int, default=1,
                        help="empty-cache visitors opening the page at the same moment after "
                             "each write (more than 1: desktop and phone, English and "
                             "Spanish in turn; the cold and floor rows give each run's "
                             "slowest visitor)")
    parser.add_argument("--log", action="store_true",
                        help="keep the server's log (a line per request, with its duration) "
                             "in bench/out/browser-server.log")
    args = parser.parse_args(argv)
    database = OUT_DIR / "browser.db"
    _copy_database(OUT_DIR / "colombia.db", database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": f"sqlite:///{database}", "TRACKER_SECRET_KEY": "bench",
                "TRACKER_CHART_STORE_DIR": tempfile.mkdtemp(prefix="charts-", dir=OUT_DIR),
                "MPLCONFIGDIR": str(OUT_DIR / "matplotlib"), "TRACKER_WORKERS": "2"})
    _flask({**env, "TRACKER_NEW_PASSWORD": PASSWORD}, "users", "create", EMAIL, "--role",
           "coordinator", "--accord", args.slug)
    port = _free_port()
    process = _start(env, port, OUT_DIR / "browser-server.log" if args.log else None)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/accords/{args.slug}/dashboard"
    writes = _writes(database, args.slug, args.code, args.runs)
    cold, warm, floor = [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            partner = browser.new_context()
            login = partner.new_page()
            login.goto(f"{base}/login")
            login.fill("input[name=email]", EMAIL)
            login.fill("input[name=password]", PASSWORD)
            login.click("form[action$='/login'] button[type=submit]")
            login.wait_for_load_state()
            if "/login" in login.url:
                raise SystemExit("the coordinator could not log in")
            kinds = [VISITORS[i % len(VISITORS)] for i in range(max(1, args.visitors))]
            if not args.unseen:  # seen earlier in the day (untimed; its own empty cache)
                for earlier in _visitors(browser, kinds):
                    earlier.goto(url, wait_until="load")
                    earlier.context.close()
            for code, level in writes:
                _write(partner.request, base, args.slug, code, level)
                time.sleep(args.delay)
                pages = _visitors(browser, kinds)  # empty caches
                cold.append(_slowest(pages, url))
                pages[0].reload(wait_until="load")
                warm.append(_measure(pages[0]))
                for page in pages:
                    page.context.close()
                pages = _visitors(browser, kinds)  # empty caches, nothing changed since
                floor.append(_slowest(pages, url))
                for page in pages:
                    page.context.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)

    def line(label, values, key, unit, scale=1.0):
        found = [v[key] / scale for v in values]
        return (f"  {label:<34} {min(found):9.1f} {statistics.median(found):9.1f} "
                f"{max(found):9.1f} {unit}")

    print(f"dashboard {args.slug} in Chromium, {args.runs} runs, each {args.delay:.0f} s after a "
          f"web write{', never seen before' if args.unseen else ', seen once before the runs'}"
          f"{f', {args.visitors} visitors at once (the slowest)' if args.visitors > 1 else ''}"
          f"; {machine_line()}")
    print(f"  {'':<34} {'min':>9} {'median':>9} {'max':>9}")
    print(line("cold (empty cache) load", cold, "load", "ms"))
    print(line("warm (304s) load", warm, "load", "ms"))
    print(line("empty cache, nothing changed", floor, "load", "ms"))
    print(line("charts shown at the load event", cold, "charts_at_load", f"of {cold[0]['charts']}"))
    print(line("cold: server's wait, page", cold, "page_wait", "ms"))
    print(line("cold: server's wait, slowest chart", cold, "chart_wait", "ms"))
    print(line("floor: server's wait, page", floor, "page_wait", "ms"))
    print(line("floor: server's wait, slowest chart", floor, "chart_wait", "ms"))
    print(line("cold: every chart shown", cold, "every_chart", "ms"))
    print(line("warm: every chart shown", warm, "every_chart", "ms"))
    print(line("floor: every chart shown", floor, "every_chart", "ms"))
    print(line("cold bytes, every chart", cold, "bytes", "kB", 1024))
    print(line("warm bytes, every chart", warm, "bytes", "kB", 1024))

    def median(values, key):
        return statistics.median(v[key] for v in values)

    print(f"  cold / warm load (medians) {median(cold, 'load') / median(warm, 'load'):.2f}x "
          f"(target <= 2x); cold median {median(cold, 'load'):.0f} ms (target < 400 ms); "
          f"cold bytes {median(cold, 'bytes') / 1024:.0f} kB (target < 120 kB)")
    print(f"  every chart shown: cold / warm (medians) "
          f"{median(cold, 'every_chart') / median(warm, 'every_chart'):.2f}x, cold median "
          f"{median(cold, 'every_chart'):.0f} ms")
    print(f"  floor: empty cache with nothing changed / warm (medians) "
          f"{median(floor, 'load') / median(warm, 'load'):.2f}x load, "
          f"{median(floor, 'every_chart') / median(warm, 'every_chart'):.2f}x every chart "
          f"(what the browser alone adds to an empty-cache view); cold after the write - "
          f"floor (medians) {median(cold, 'load') - median(floor, 'load'):.0f} ms load, "
          f"{median(cold, 'every_chart') - median(floor, 'every_chart'):.0f} ms every chart "
          f"(what the server still drew)")
    print(f"  {machine_line()}")


if __name__ == "__main__":
    main()
