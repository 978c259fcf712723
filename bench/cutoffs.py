"""Times a cut-off's figures, its changes since the previous cut-off, the PDF brief, and
figures as known at a moment against the same figures as known now.

Targets (issue 15, colombia workload): a cut-off's figures and its changes each < 300 ms
cold; the PDF brief < 3 s and < 200 MB; `known_at` figures within 1.5x of the same figures
without it. Every figure is timed cold (every process cache emptied before each run, see
bench/timing.py) and, on a separate labelled row, warm; min / median / max wall time and the
median CPU time of this process, in ms.

The first run publishes two cut-offs on the accord ("bench 1" a year ago, "bench 2" a month
ago) if they are missing; cut-offs are immutable, so later runs reuse them.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/cutoffs.py
  .venv/bin/python bench/cutoffs.py --slug colombia-2016-demo --repeat 7
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from timing import HEADER, PATHS, empty_caches, machine_line, measure  # noqa: E402
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"


def _rows(name: str, call, repeat: int, target: str = "") -> dict:
    """Time `call` on the cold path (every process cache emptied before each run) and on the
    warm path (caches kept), print one labelled row for each, return both `Runs`."""
    found = {}
    for path in PATHS:
        runs, _ = measure(call, repeat, path)
        found[path] = runs
        print(f"  {path}: {name:<40} {runs.row()}  {target}")
    return found


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
              f"{second.label!r} ({second.as_of}); {args.repeat} runs each; {machine_line()}")
        print(f"  {'':<46} {HEADER}")

        def figures_of_cutoff():
            return report.figures_json(accord, report.Moment.of(second))

        def revision_of_cutoff():
            return report.revisions(second)

        def changes_since():
            return report.changes_json(accord, report.Moment.of(first), report.Moment.of(second))

        for name, call, target in (
                ("cut-off figures (as published)", figures_of_cutoff, "(target < 300 ms cold)"),
                ("its revision (published vs now)", revision_of_cutoff, ""),
                ("changes since previous cut-off", changes_since, "(target < 300 ms cold)")):
            _rows(name, call, args.repeat, target)

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

        plain = _rows("figures as known now", same_figures(None), args.repeat)
        known = _rows(f"figures known_at {moment.date().isoformat()}", same_figures(moment),
                      args.repeat)
        print(f"  known_at / as known now, cold: wall "
              f"{known['cold'].median / plain['cold'].median:.2f}, cpu "
              f"{known['cold'].cpu_median / plain['cold'].cpu_median:.2f} (target <= 1.5)")

        def brief_pdf():
            previous = report.Moment.of(first)
            return build(Brief(accord, report.Moment.of(second), previous, second,
                               report.revisions(second)))

        pdf_runs = _rows("PDF brief", brief_pdf, args.repeat, "(target < 3 s cold)")
        pdf = brief_pdf()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        empty_caches()
        tracemalloc.start()
        brief_pdf()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  PDF brief: {len(pdf) // 1024} kB; cold median "
              f"{pdf_runs['cold'].median:.2f} s")
        print(f"  {'PDF brief memory (cold)':<34} Python peak {peak:6.1f} MB, process max RSS "
              f"{rss:6.1f} MB  (target < 200 MB)")
        print(f"  {machine_line()}")


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
