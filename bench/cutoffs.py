"""Times a cut-off's figures (and its answer as the API serves it), its changes since the
previous cut-off, the PDF brief (time and memory, in a process of its own), and figures as
known at a moment against the same figures without it.

Targets (issue 15, colombia workload): a cut-off's figures and its changes each < 300 ms
cold; the PDF brief < 3 s and < 200 MB; `known_at` figures within 1.5x of the same figures
without it. Every call is cold: every process cache of the tracker (figures, API answers,
dashboard figures, pages and charts) is emptied before each run. The garbage collector is
frozen after start-up, as `tracker/gunicorn_conf.py` does in the server.

Each line prints wall and CPU time (time.process_time: this process, SQLite included, so on a
busy machine it shows what the call costs when it does not wait for a core) as
min / median / max over the runs, and the load average.

The cut-offs (published on the first run if missing; immutable, so later runs reuse them):
"bench 1" as of a year ago and "bench 2" as of a month ago, each published the day after its
date (the publication moment is set in the past through the publishing service's clock), so
records verified since then make them differ from now, as a real report's would; "bench 3"
as of yesterday, published at the first run, after the last verification of the workload.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/cutoffs.py
  .venv/bin/python bench/cutoffs.py --slug colombia-2016-demo --repeat 7
  .venv/bin/python bench/cutoffs.py --profile cutoff-api     # cProfile (CPU) of one cold call
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import logging
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, time as clock, timedelta, timezone
from pathlib import Path
from unittest import mock
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"


def clear_every_cache() -> None:
    """Empty every process-local cache the tracker keeps (a cold call): figures, reference
    data, API answers, dashboard figures, pages and drawn charts (one registry:
    `tracker.cache.clear_process_caches`)."""
    from tracker.cache import clear_process_caches

    clear_process_caches()


def cold(call, repeat: int) -> dict:
    """Wall and CPU seconds of `call` over `repeat` cold runs: {"wall": [...], "cpu": [...],
    "result": last result}."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        clear_every_cache()
        started, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return {"wall": walls, "cpu": cpus, "result": result}


def spread(values: list[float], scale: float = 1000) -> str:
    """'min / median / max' of `values` times `scale`."""
    return " / ".join(f"{v * scale:.0f}" for v in (min(values), statistics.median(values),
                                                    max(values)))


def line(name: str, timed: dict, target: str = "") -> None:
    print(f"  {name:<44} wall {spread(timed['wall']):>17} ms   cpu "
          f"{spread(timed['cpu']):>17} ms  {target}")


def _publish_at(accord, label: str, as_of: date, moment: datetime | None):
    """The cut-off `label`, published now (moment None) or at `moment` if missing."""
    from tracker.cutoffs import services

    found = services.by_label(accord, label)
    if found is not None:
        return found
    if moment is None:
        return services.publish(accord, label, as_of)
    with mock.patch.object(services, "utcnow", lambda: moment):
        return services.publish(accord, label, as_of)


def cutoffs(accord):
    today = date.today()
    first, second = today - timedelta(365), today - timedelta(30)
    after = lambda day: datetime.combine(day + timedelta(1), clock(12), timezone.utc)  # noqa: E731
    return (_publish_at(accord, "bench 1", first, after(first)),
            _publish_at(accord, "bench 2", second, after(second)),
            _publish_at(accord, "bench 3", today - timedelta(1), None))


def half_way(accord) -> datetime:
    """A moment half-way through the accord's recording history."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import StatusRecord

    low, high = db.session.execute(select(func.min(StatusRecord.recorded_at),
                                          func.max(StatusRecord.recorded_at))
                                   .where(StatusRecord.accord_id == accord.id)).one()
    if isinstance(low, str):
        low, high = (datetime.fromisoformat(v).replace(tzinfo=timezone.utc) for v in (low, high))
    return low + (high - low) / 2


def make_app(url: str):
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    logging.getLogger("tracker.request").setLevel(logging.WARNING)  # no line per request
    gc.collect()
    gc.freeze()  # as the server does once the app is built
    return app


def brief_pdf_call(accord, first, second):
    from tracker.cutoffs import report
    from tracker.cutoffs.brief import Brief
    from tracker.cutoffs.pdf import build

    def call():
        return build(Brief(accord, report.Moment.of(second), report.Moment.of(first), second,
                           report.revisions(second)))
    return call


def pdf_only(args) -> None:
    """In a process of its own: the PDF brief's times and this process's peak RSS (JSON)."""
    from tracker import queries

    app = make_app(args.database_url)
    with app.test_request_context("/"):
        accord = queries.accord_by_slug(args.slug)
        first, second, _ = cutoffs(accord)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        timed = cold(brief_pdf_call(accord, first, second), args.repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": timed["wall"], "cpu": timed["cpu"], "kb": len(timed["result"])
                      // 1024, "rss_ready": before, "rss_peak": peak}))


def run(args) -> None:
    from tracker import queries
    from tracker.cutoffs import report
    from tracker.figures import AccordFigures, default_reference_set

    app = make_app(args.database_url)
    client = app.test_client()
    with app.test_request_context("/"):
        accord = queries.accord_by_slug(args.slug)
        if accord is None:
            raise SystemExit(f"no accord {args.slug!r} in {args.database_url}")
        first, second, third = cutoffs(accord)
        revised = report.revisions(second)["revised"]
        print(f"{accord.slug}: cut-offs {first.label!r} ({first.as_of}, published "
              f"{first.published_at:%Y-%m-%d}), {second.label!r} ({second.as_of}, published "
              f"{second.published_at:%Y-%m-%d}, revised since: {revised}), {third.label!r} "
              f"({third.as_of}, published {third.published_at:%Y-%m-%d %H:%M}); "
              f"{args.repeat} cold runs each; times min / median / max")
        api = f"/api/v1/accords/{accord.slug}"

        def get(path):
            def call():
                response = client.get(path)
                assert response.status_code == 200, response.data[:300]
                return response.data
            return call

        calls = {
            "cutoff-figures": (f"{second.label}: figures as published",
                               lambda: report.figures_json(accord, report.Moment.of(second))),
            "cutoff-revision": (f"{second.label}: revision (published vs now)",
                                lambda: report.revisions(second)),
            "cutoff-api": (f"{second.label}: GET /cutoffs/<label> (both)",
                           get(f"{api}/cutoffs/{quote(second.label)}")),
            "cutoff-api-3": (f"{third.label}: GET /cutoffs/<label> (both)",
                             get(f"{api}/cutoffs/{quote(third.label)}")),
            "changes": (f"changes {first.label} -> {second.label}",
                        lambda: report.changes_json(accord, report.Moment.of(first),
                                                    report.Moment.of(second))),
            "changes-api": ("GET /cutoffs/<label>/changes?since=",
                            get(f"{api}/cutoffs/{quote(second.label)}/changes?since="
                                f"{quote(first.label)}")),
        }
        if args.profile:
            name, call = calls[args.profile]
            call()
            clear_every_cache()
            profile = cProfile.Profile(time.process_time)  # CPU: a busy machine skews wall
            profile.runcall(call)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return
        for key, (name, call) in calls.items():
            line(name, cold(call, args.repeat), "(target < 300 ms)")

        label = default_reference_set()
        as_of = date.today()

        def same_figures(known_at):
            def call():
                figures = AccordFigures(accord, known_at=known_at)
                references = figures.references(label)
                return (figures.summary(as_of), figures.timeline(as_of),
                        figures.pace(as_of), figures.comparison(None, references, as_of),
                        figures.provision_levels(as_of))
            return call

        plain = cold(same_figures(None), args.repeat)
        line("figures as known now", plain)
        for name, moment in (("known_at now (same records)", datetime.now(timezone.utc)),
                             ("known_at bench 2's publication", second.published_at),
                             ("known_at half-way", half_way(accord))):
            known = cold(same_figures(moment), args.repeat)
            ratio = statistics.median(known["cpu"]) / statistics.median(plain["cpu"])
            line(f"figures {name}", known, f"cpu ratio {ratio:.2f} (target <= 1.5)")

    child = subprocess.run([sys.executable, __file__, "--pdf-only", "--database-url",
                            args.database_url, "--slug", args.slug, "--repeat",
                            str(args.repeat)], capture_output=True, text=True, check=True)
    pdf = json.loads(child.stdout.strip().splitlines()[-1])
    line(f"PDF brief ({pdf['kb']} kB, own process)", pdf, "(target < 3 s)")
    print(f"  {'PDF brief memory':<44} process peak RSS {pdf['rss_peak']:.0f} MB "
          f"(app ready: {pdf['rss_ready']:.0f} MB)  (target < 200 MB)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--slug", default="bench-target")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=("cutoff-figures", "cutoff-revision",
                                              "cutoff-api", "cutoff-api-3", "changes",
                                              "changes-api"))
    parser.add_argument("--pdf-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.database_url == DEFAULT_URL and not (OUT_DIR / "colombia.db").exists():
        raise SystemExit("No workload: run `.venv/bin/python bench/workloads.py colombia` first")
    if args.pdf_only:
        pdf_only(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
