#!/usr/bin/env python
"""Time the figures of one accord against the bare SELECT of its records, and against pandas.

Every timed call runs inside its own app context (a fresh session, as one web request has),
on a fresh AccordFigures (its cached_property caches live per object); the accord row is
loaded in that context before the clock starts, after a gc.collect() (the collector stays
on while timing, as in the app). Cases run round-robin, `--repeat` times
after one warm-up round, on two paths timed and printed separately:
  cold   every process cache of the tracker emptied before each call (bench/timing.py):
         what the first request after a write, or on a fresh worker, pays
  warm   caches kept from the previous round (a repeated request on the same worker)
Tables give min / median / max wall time and the median CPU time of this process, in ms.
Targets are judged on the cold path.

Cases:
  select_records   queries.records(accord_id): the tracker's own read of the records into
                   Record objects (whatever queries.records does at the time)
  select_raw       the same SELECT (same columns, WHERE, ORDER BY) through text(), driver
                   values without type processing
  summary          AccordFigures(accord).summary(today)
  timeline_month   AccordFigures(accord).timeline(today, "month")
  comparison       f.references("PAM 2015"); f.comparison(None, refs, today);
                   f.score_curve(refs, today)
  bundle           one AccordFigures for a dashboard: summary, monthly timeline, pace,
                   references + comparison now + score curve, overdue, summary by point
                   (by_group(today, lambda p: p.section_path[:1]))
  pandas_timeline  the monthly timeline as a researcher writes it in pandas: read_sql of
                   the records, then per month end the latest verified level per provision

Examples (from the project root):
  .venv/bin/python bench/metrics.py --repeat 15
  .venv/bin/python bench/metrics.py --repeat 15 \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio \\
      --alone-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_alone
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from timing import HEADER, PATHS, Runs, empty_caches, machine_line

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"
REFERENCE_SET = "PAM 2015"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("MPLCONFIGDIR", str(OUT_DIR / "matplotlib"))

# Targets (see README.md).
BUNDLE_OVER_SELECT_MAX = 3.0  # colombia, SQLite
BUNDLE_MS_MAX = 250.0  # colombia, SQLite
PANDAS_OVER_TRACKER_MIN = 10.0  # issue #16: at least 10x, cold
PORTFOLIO_OVER_ALONE_MAX = 1.5  # PostgreSQL

RECORDS_SQL = ("SELECT provision_id, level, effective_on, recorded_at, id, review_state "
               "FROM status_records WHERE accord_id = :accord_id AND review_state <> 'rejected' "
               "ORDER BY effective_on, recorded_at, id")


# --- the cases -----------------------------------------------------------------------------

def case_select_records(accord, today, steps):
    from tracker import queries

    return queries.records(accord.id)


def case_select_raw(accord, today, steps):
    from sqlalchemy import text

    from tracker.extensions import db

    return db.session.execute(text(RECORDS_SQL), {"accord_id": accord.id}).all()


def case_summary(accord, today, steps):
    from tracker.figures import AccordFigures

    return AccordFigures(accord).summary(today)


def case_timeline(accord, today, steps):
    from tracker.figures import AccordFigures

    return AccordFigures(accord).timeline(today, "month")


def case_comparison(accord, today, steps):
    from tracker.figures import AccordFigures

    figures = AccordFigures(accord)
    references = figures.references(REFERENCE_SET)
    return (figures.comparison(None, references, today),
            figures.score_curve(references, today))


def case_bundle(accord, today, steps):
    """Everything a dashboard shows, on ONE AccordFigures; `steps` collects each step's time."""
    from tracker.figures import AccordFigures

    figures = AccordFigures(accord)
    clock = time.perf_counter
    out = {}
    t = clock()

    def step(name, value):
        nonlocal t
        now = clock()
        steps.setdefault(name, []).append(now - t)
        t = now
        out[name] = value

    step("load provisions + records", (figures.provisions, figures.records))
    step("summary", figures.summary(today))
    step("timeline month", figures.timeline(today, "month"))
    step("pace", figures.pace(today))
    references = figures.references(REFERENCE_SET)
    step("references (PAM 2015)", references)
    step("comparison now", figures.comparison(None, references, today))
    step("score curve", figures.score_curve(references, today))
    step("overdue", figures.overdue(today))
    step("by point (by_group)", figures.by_group(today, lambda p: p.section_path[:1]))
    return out


def pandas_timeline(accord_id: int, signed_on: date, today: date):
    """The monthly timeline as a researcher would write it with pandas.

    Returns a DataFrame indexed by period end (month ends from the signing month, then
    `today`) with the number of provisions at each level 0-3 (verified records only).
    """
    import pandas as pd
    from sqlalchemy import text

    from tracker.extensions import db

    conn = db.session.connection()
    records = pd.read_sql(
        text("SELECT provision_id, level, effective_on, recorded_at, id, review_state "
             "FROM status_records WHERE accord_id = :accord_id"),
        conn, params={"accord_id": accord_id})
    provisions = pd.read_sql(text("SELECT id FROM provisions WHERE accord_id = :accord_id"),
                             conn, params={"accord_id": accord_id})
    records = records[records["review_state"] == "verified"].copy()
    records["effective_on"] = pd.to_datetime(records["effective_on"])
    records["recorded_at"] = pd.to_datetime(records["recorded_at"], utc=True, format="mixed")
    records = records.sort_values(["effective_on", "recorded_at", "id"])

    ends = list(pd.date_range(pd.Timestamp(signed_on), pd.Timestamp(today), freq="ME"))
    if not ends or ends[-1] != pd.Timestamp(today):
        ends = [e for e in ends if e < pd.Timestamp(today)] + [pd.Timestamp(today)]
    n_provisions = len(provisions)
    rows = []
    for end in ends:
        known = records[records["effective_on"] <= end]
        latest = known.groupby("provision_id")["level"].last()
        counts = latest.value_counts().reindex([0, 1, 2, 3], fill_value=0)
        counts[0] += n_provisions - len(latest)
        rows.append(counts.to_numpy())
    return pd.DataFrame(rows, index=pd.DatetimeIndex(ends, name="period_end"),
                        columns=[0, 1, 2, 3])


def case_pandas(accord, today, steps):
    return pandas_timeline(accord.id, accord.signed_on, today)


CASES = {
    "select_records": ("SELECT: queries.records(accord_id)", case_select_records),
    "select_raw": ("SELECT: raw text(), same columns", case_select_raw),
    "summary": ("AccordFigures.summary(today)", case_summary),
    "timeline": ("AccordFigures.timeline(today, 'month')", case_timeline),
    "comparison": ("comparison now + score_curve", case_comparison),
    "bundle": ("dashboard bundle (one AccordFigures)", case_bundle),
    "pandas": ("pandas monthly timeline (read_sql + loop)", case_pandas),
}


# --- running -------------------------------------------------------------------------------

def make_app(url: str):
    from tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def accord_facts(app, slug: str) -> dict:
    from sqlalchemy import func, select

    from tracker import queries
    from tracker.extensions import db
    from tracker.models import Provision, StatusRecord

    with app.app_context():
        accord = queries.accord_by_slug(slug)
        if accord is None:
            raise SystemExit(f"no accord {slug!r} in {app.config['SQLALCHEMY_DATABASE_URI']}; "
                             "build it with bench/workloads.py")
        facts = {
            "id": accord.id, "signed_on": accord.signed_on, "dialect": db.engine.dialect.name,
            "records": db.session.scalar(select(func.count()).select_from(StatusRecord)
                                         .where(StatusRecord.accord_id == accord.id)),
            "provisions": db.session.scalar(select(func.count()).select_from(Provision)
                                            .where(Provision.accord_id == accord.id)),
            "all_records": db.session.scalar(select(func.count()).select_from(StatusRecord)),
        }
    return facts


class Timings:
    """Wall and CPU seconds of each case, and the bundle's step times, of one database on
    one path."""

    def __init__(self, names: list[str]) -> None:
        self.runs: dict[str, Runs] = {name: Runs() for name in names}
        self.steps: dict[str, list[float]] = {}

    @property
    def wall(self) -> dict[str, list[float]]:
        return {name: runs.wall for name, runs in self.runs.items()}


def run_rounds(targets: list[tuple], today: date, repeat: int, path: str = "cold",
               warmup: int = 1) -> list[Timings]:
    """Round-robin over the databases and their cases (so drift hits all alike).

    `targets`: (app, accord id, case names) per database. One call of one case = one app
    context, the accord row loaded, a fresh AccordFigures inside the case function. On the
    cold path every process cache is emptied before each call; on the warm path never.
    """
    from tracker.extensions import db
    from tracker.models import Accord

    results = [Timings(names) for _app, _aid, names in targets]
    for round_ in range(warmup + repeat):
        for (app, accord_id, names), result in zip(targets, results):
            for name in names:
                fn = CASES[name][1]
                scratch: dict[str, list[float]] = {}
                if path == "cold":
                    empty_caches()
                gc.collect()  # garbage of the previous call is not charged to this one
                with app.app_context():
                    accord = db.session.get(Accord, accord_id)
                    c0, t0 = time.process_time(), time.perf_counter()
                    fn(accord, today, scratch)
                    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
                if round_ >= warmup:
                    result.runs[name].add(elapsed, cpu)
                    for key, values in scratch.items():
                        result.steps.setdefault(key, []).extend(values)
    return results


def ms(seconds: float) -> float:
    return seconds * 1000


def median_ms(values: list[float]) -> float:
    return ms(statistics.median(values))


def print_table(title: str, timings: Timings, labels: dict[str, str]) -> None:
    print(f"\n{title}")
    print(f"  {'case':<46} {HEADER}")
    for name, runs in timings.runs.items():
        print(f"  {labels.get(name, name):<46} {runs.row()}")
    if timings.steps:
        print("  bundle steps (min / median / max over repeats):")
        for key, values in timings.steps.items():
            print(f"    {key:<44} {ms(min(values)):8.1f} {median_ms(values):8.1f} "
                  f"{ms(max(values)):8.1f}")


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def wait_until_idle(limit_s: float, threshold: float = 0.7) -> None:
    """Wait (at most `limit_s`) for the 1-minute load average to fall under `threshold`."""
    deadline = time.monotonic() + limit_s
    while load_average() > threshold and time.monotonic() < deadline:
        time.sleep(5)


def check_pandas(app, facts: dict, today: date) -> bool:
    """The pandas timeline against the tracker's, month by month; prints OK or MISMATCH."""
    from tracker.extensions import db
    from tracker.figures import AccordFigures
    from tracker.models import Accord

    with app.app_context():
        accord = db.session.get(Accord, facts["id"])
        tracker = AccordFigures(accord).timeline(today, "month")
        frame = pandas_timeline(accord.id, accord.signed_on, today)
    pandas_dates = [ts.date() for ts in frame.index]
    bad = []
    if pandas_dates != tracker["dates"]:
        bad.append(f"dates differ: pandas {len(pandas_dates)} points, tracker "
                   f"{len(tracker['dates'])}")
    for when, summary, row in zip(tracker["dates"], tracker["all"], frame.to_numpy()):
        if tuple(int(x) for x in row) != tuple(summary.counts):
            bad.append(f"{when}: tracker {summary.counts}, pandas {tuple(int(x) for x in row)}")
    verdict = "OK" if not bad else "MISMATCH"
    print(f"\npandas vs tracker monthly timeline ('all' counts per level, "
          f"{len(tracker['dates'])} period ends from {tracker['dates'][0]} to "
          f"{tracker['dates'][-1]}): {verdict}")
    for line in bad[:10]:
        print(f"  {line}")
    last = tracker["all"][-1]
    print(f"  at {tracker['dates'][-1]}: counts {last.counts}, score "
          f"{last.as_dict()['score']}")
    return not bad


def profile_bundle(app, accord_id: int, today: date, top: int) -> None:
    from tracker.extensions import db
    from tracker.models import Accord

    with app.app_context():
        accord = db.session.get(Accord, accord_id)
        profiler = cProfile.Profile()
        profiler.enable()
        case_bundle(accord, today, {})
        profiler.disable()
    for key in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(key).print_stats(top)
        text = stream.getvalue()
        start = text.find("   ncalls")
        print(f"\ncProfile of one bundle, by {key} (top {top}; profiling inflates times):")
        print(text[start:] if start >= 0 else text)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"SQLAlchemy URL (default: {DEFAULT_URL})")
    parser.add_argument("--slug", default="bench-target",
                        help="the accord to measure (default: bench-target)")
    parser.add_argument("--repeat", type=int, default=15,
                        help="timed repeats of each case after one warm-up (default 15)")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the 'as of' date of every figure (default: today)")
    parser.add_argument("--alone-url",
                        help="also time the same accord in this database (built with "
                             "workloads.py portfolio --alone) and compare the bundle")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated subset of: {', '.join(CASES)}")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS for the 1-minute load average to fall "
                             "under 0.7 (other work on the machine inflates every figure)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="what-if: gc.freeze() once the apps are built (as a server can do "
                             "after start-up), so the collector stops rescanning them")
    parser.add_argument("--paths", default="cold,warm",
                        help="comma-separated paths to time: cold (caches emptied before "
                             "each call), warm (caches kept); default both")
    parser.add_argument("--profile", type=int, metavar="TOP", default=0,
                        help="also cProfile one bundle and print the TOP functions")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if not args.paths or set(args.paths) - set(PATHS):
        parser.error(f"--paths must name some of {', '.join(PATHS)}")
    unknown = [n for n in names if n not in CASES]
    if unknown or args.repeat < 1:
        parser.error(f"unknown cases {unknown}" if unknown else "--repeat must be >= 1")
    labels = {name: label for name, (label, _fn) in CASES.items()}

    app = make_app(args.database_url)
    facts = accord_facts(app, args.slug)
    print(f"database: {facts['dialect']} {args.database_url}")
    print(f"accord {args.slug} (id {facts['id']}): {facts['provisions']} provisions, "
          f"{facts['records']:,} status records; {facts['all_records']:,} records in the "
          f"database; as of {args.today}; {args.repeat} repeats after 1 warm-up; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    targets = [(app, facts["id"], names)]
    if args.alone_url:
        alone_app = make_app(args.alone_url)
        alone_facts = accord_facts(alone_app, args.slug)
        print(f"alone database: {alone_facts['dialect']} {args.alone_url}: "
              f"{alone_facts['records']:,} records of {args.slug}, "
              f"{alone_facts['all_records']:,} in the database (timed in the same rounds)")
        targets.append((alone_app, alone_facts["id"], [n for n in names if n != "pandas"]))
    if args.gc_freeze:
        gc.collect()
        print(f"gc.freeze(): {len(gc.get_objects()):,} tracked objects moved to the "
              "permanent generation")
        gc.freeze()
    if args.wait_idle:
        wait_until_idle(args.wait_idle)
    load_before = load_average()
    t0 = time.perf_counter()
    by_path = {path: run_rounds(targets, args.today, args.repeat, path) for path in args.paths}
    elapsed_cases = time.perf_counter() - t0
    load_after = load_average()
    for path, results in by_path.items():
        what = ("COLD: every process cache emptied before each call" if path == "cold" else
                "WARM: caches kept from the previous round")
        print_table(f"{what} (cpu: this process only, not the database server)",
                    results[0], labels)
        if len(results) > 1:
            print_table(f"{path.upper()}, the same accord ALONE in its database", results[1],
                        labels)
    print(f"\n(timed rounds took {elapsed_cases:.1f} s; 1-minute load average "
          f"{load_before:.2f} before, {load_after:.2f} after; {machine_line()})")
    judged = "cold" if "cold" in by_path else args.paths[0]
    here = by_path[judged][0]
    alone = by_path[judged][1] if len(by_path[judged]) > 1 else None

    ok_pandas = check_pandas(app, facts, args.today) if "pandas" in names else None

    times = here.wall
    print(f"\nratios and targets (medians, {judged.upper()} path)")
    sqlite = facts["dialect"] == "sqlite"
    where = "" if sqlite else "  [target set for colombia on SQLite]"
    if "bundle" in times and "select_records" in times:
        bundle = median_ms(times["bundle"])
        floor = median_ms(times["select_records"])
        ratio = bundle / floor
        print(f"  bundle / SELECT queries.records        {ratio:6.2f}x   target <= "
              f"{BUNDLE_OVER_SELECT_MAX:.1f}x   {verdict(ratio <= BUNDLE_OVER_SELECT_MAX)}"
              f"{where}")
        if "select_raw" in times:
            raw = median_ms(times["select_raw"])
            print(f"  bundle / SELECT raw text()             {bundle / raw:6.2f}x   "
                  f"target <= {BUNDLE_OVER_SELECT_MAX:.1f}x   "
                  f"{verdict(bundle / raw <= BUNDLE_OVER_SELECT_MAX)}{where}")
            print(f"  (queries.records / raw text() = {floor / raw:.2f}x)")
        print(f"  bundle median                         {bundle:7.1f} ms  target < "
              f"{BUNDLE_MS_MAX:.0f} ms   {verdict(bundle < BUNDLE_MS_MAX)}{where}")
    if "pandas" in times and "timeline" in times:
        ratio = median_ms(times["pandas"]) / median_ms(times["timeline"])
        print(f"  pandas timeline / tracker timeline     {ratio:6.2f}x   target >= "
              f"{PANDAS_OVER_TRACKER_MIN:.1f}x   {verdict(ratio >= PANDAS_OVER_TRACKER_MIN)}"
              f"   (results {'OK' if ok_pandas else 'MISMATCH'})")
    if alone and "bundle" in times and "bundle" in alone.wall:
        ratio = median_ms(times["bundle"]) / median_ms(alone.wall["bundle"])
        print(f"  bundle here / bundle alone             {ratio:6.2f}x   target <= "
              f"{PORTFOLIO_OVER_ALONE_MAX:.1f}x   {verdict(ratio <= PORTFOLIO_OVER_ALONE_MAX)}")
        for name in ("select_records", "select_raw"):
            if name in times and name in alone.wall:
                ratio = median_ms(times[name]) / median_ms(alone.wall[name])
                print(f"  {CASES[name][0].split(': ', 1)[1] + ' here / alone':<38} "
                      f"{ratio:6.2f}x   (information)")

    if args.profile:
        profile_bundle(app, facts["id"], args.today, args.profile)


if __name__ == "__main__":
    main()
