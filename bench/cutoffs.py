"""Times a cut-off's figures, its changes since the previous cut-off, the PDF brief, and
figures as known at a moment against the same figures as known now.

Targets (issue 15, colombia workload): a cut-off's figures and its changes each < 300 ms
cold; the PDF brief < 3 s and < 200 MB; `known_at` figures within 1.5x of the same figures
without it. Every call is cold: `tracker.figures.clear_caches()` runs before each one.

The first run publishes two cut-offs on the accord ("bench 1" a year ago, "bench 2" a month
ago) if they are missing; cut-offs are immutable, so later runs reuse them.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/cutoffs.py
  .venv/bin/python bench/cutoffs.py --slug colombia-2016-demo --repeat 7
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"


CPU = {}  # name -> median CPU seconds of the last _cold call, printed beside the wall time


def _cold(call, repeat: int) -> tuple[float, float, object]:
    """Median and best wall time (seconds) of `call`, caches cleared before each run; the
    median CPU time (this process, SQLite included) goes to CPU["last"]: on a busy machine
    it shows what the call costs when it does not wait for a core."""
    from tracker import figures

    walls, cpus, result = [], [], None
    for _ in range(repeat):
        figures.clear_caches()
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    CPU["last"] = statistics.median(cpus)
    return statistics.median(walls), min(walls), result


def _cutoffs(accord):
    from tracker.cutoffs.services import by_label, publish

    today = date.today()
    first = by_label(accord, "bench 1") or publish(accord, "bench 1", today - timedelta(365))
    second = by_label(accord, "bench 2") or publish(accord, "bench 2", today - timedelta(30))
    return first, second


def _known_at_moment(accord):
    """A moment half-way through the accord's recording history (so known_at drops records)."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import StatusRecord

    low, high = db.session.execute(select(func.min(StatusRecord.recorded_at),
                                          func.max(StatusRecord.recorded_at))
                                   .where(StatusRecord.accord_id == accord.id)).one()
    from tracker.models import UTCDateTime  # noqa: F401  (times come back aware)

    if isinstance(low, str):
        from datetime import datetime, timezone

        low, high = (datetime.fromisoformat(v).replace(tzinfo=timezone.utc) for v in (low, high))
    return low + (high - low) / 2


def run(args) -> None:
    from tracker import create_app, queries
    from tracker.cutoffs import report
    from tracker.cutoffs.brief import Brief
    from tracker.cutoffs.pdf import build
    from tracker.figures import AccordFigures, default_reference_set

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATELIMIT_ENABLED": False})
    with app.test_request_context("/"):
        accord = queries.accord_by_slug(args.slug)
        if accord is None:
            raise SystemExit(f"no accord {args.slug!r} in {args.database_url}")
        first, second = _cutoffs(accord)
        print(f"{accord.slug}: cut-offs {first.label!r} ({first.as_of}) and "
              f"{second.label!r} ({second.as_of}); {args.repeat} cold runs each")

        def figures_of_cutoff():
            return report.figures_json(accord, report.Moment.of(second))

        def revision_of_cutoff():
            return report.revisions(second)

        def changes_since():
            return report.changes_json(accord, report.Moment.of(first), report.Moment.of(second))

        for name, call in (("cut-off figures (as published)", figures_of_cutoff),
                           ("its revision (published vs now)", revision_of_cutoff),
                           ("changes since previous cut-off", changes_since)):
            median, best, _ = _cold(call, args.repeat)
            print(f"  {name:<34} median {median * 1000:7.1f} ms  best {best * 1000:7.1f} ms"
                  f"  cpu {CPU['last'] * 1000:7.1f} ms  (target < 300 ms)")

        moment = _known_at_moment(accord)
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

        plain = _cold(same_figures(None), args.repeat)[0]
        plain_cpu = CPU["last"]
        known = _cold(same_figures(moment), args.repeat)[0]
        print(f"  {'figures as known now':<34} median {plain * 1000:7.1f} ms  cpu "
              f"{plain_cpu * 1000:7.1f} ms")
        print(f"  {'figures known_at ' + moment.date().isoformat():<34} median "
              f"{known * 1000:7.1f} ms  cpu {CPU['last'] * 1000:7.1f} ms  ratio (cpu) "
              f"{CPU['last'] / plain_cpu:.2f} (target <= 1.5)")

        def brief_pdf():
            previous = report.Moment.of(first)
            return build(Brief(accord, report.Moment.of(second), previous, second,
                               report.revisions(second)))

        median, best, pdf = _cold(brief_pdf, args.repeat)
        pdf_cpu = CPU["last"]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from tracker import figures as kept

        kept.clear_caches()
        tracemalloc.start()
        brief_pdf()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  {'PDF brief (' + str(len(pdf) // 1024) + ' kB)':<34} median {median:7.2f} s"
              f"   best {best:7.2f} s  cpu {pdf_cpu:5.2f} s  (target < 3 s)")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"  {'PDF brief memory':<34} Python peak {peak:6.1f} MB, process max RSS "
              f"{rss:6.1f} MB  (target < 200 MB)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--slug", default="bench-target")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.database_url == DEFAULT_URL and not (OUT_DIR / "colombia.db").exists():
        raise SystemExit("No workload: run `.venv/bin/python bench/workloads.py colombia` first")
    run(args)


if __name__ == "__main__":
    main()
