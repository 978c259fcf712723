#!/usr/bin/env python
"""Time the Excel exports and the update-workbook validation; print figures (never asserted).

Cases, each measured in its own child process (a fresh interpreter, so its peak resident
memory, ru_maxrss, is the case's own):
  report        tracker.excel.report.report_workbook(accord, today): the whole report
                (About, Summary, Provisions, History, Timeline, Comparison, two charts),
                queries and figures included; wall and CPU time, peak RSS, and the RSS the
                process already had before the export (interpreter, app, libraries)
  pandas        the same rows (gathered first, untimed) written by pandas
                DataFrame.to_excel(engine="openpyxl"), one sheet each, as a researcher would;
                only the writing is timed
  update        a 10,000-provision accord in a scratch SQLite database: the update workbook
                built, then filled on every row (untimed) and validated by
                tracker.excel.importer.read_update (every row checked, nothing written)

Every case is timed cold (every process cache of the tracker emptied before each run, see
bench/timing.py); the report also warm, on its own labelled line. The machine may be shared
with other work: the CPU time and load average are printed beside the wall time.

Targets (README): report < 5 s and peak RSS < 300 MB on the colombia workload, report
time <= 0.7 x pandas; a 10,000-row update workbook validated in < 10 s.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/excel.py
  .venv/bin/python bench/excel.py --slug colombia-2016-demo --repeat 3 --rows 2000
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"
DEFAULT_SLUGS = ("bench-target", "colombia-2016-demo")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("MPLCONFIGDIR", str(OUT_DIR / "matplotlib"))

REPORT_SECONDS_MAX = 5.0
REPORT_RSS_MB_MAX = 300.0
REPORT_OVER_PANDAS_MAX = 0.7
UPDATE_SECONDS_MAX = 10.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _app(url: str):
    from tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def _accord(slug: str | None):
    from tracker import queries

    for candidate in ([slug] if slug else DEFAULT_SLUGS):
        accord = queries.accord_by_slug(candidate)
        if accord is not None:
            return accord
    raise SystemExit(f"no accord {slug or ' or '.join(DEFAULT_SLUGS)} in this database")


def _timed(call, repeat: int, path: str = "cold") -> dict:
    """Median, min and max wall seconds and median CPU seconds of `call`; on the cold path
    every process cache of the tracker is emptied before each run (bench/timing.py)."""
    from timing import measure

    runs, result = measure(call, repeat, path)
    return {"wall": statistics.median(runs.wall), "best": min(runs.wall),
            "worst": max(runs.wall), "cpu": statistics.median(runs.cpu), "result": result}


# --- child cases -----------------------------------------------------------------------------

def child_report(args) -> dict:
    from tracker.excel.report import report_workbook
    from tracker.extensions import db

    app = _app(args.database_url)
    with app.app_context():
        accord = _accord(args.slug)
        records = db.session.execute(db.text(
            "SELECT count(*) FROM status_records WHERE accord_id = :a"), {"a": accord.id}).scalar()
        before = _rss_mb()
        timing = _timed(lambda: len(report_workbook(accord, date.today())), args.repeat)
        warm = _timed(lambda: len(report_workbook(accord, date.today())), args.repeat, "warm")
    warm.pop("result")
    return {"slug": accord.slug, "records": records, "bytes": timing.pop("result"),
            "rss_before_mb": before, "rss_peak_mb": _rss_mb(), "warm": warm, **timing}


def _same_rows(accord):
    """The rows of the report's sheets, as the tracker builds them (plain values)."""
    from tracker.excel import columns as C
    from tracker.excel import report_rows
    from tracker.figures import AccordFigures, default_reference_set

    today = date.today()
    data = report_rows.ReportData(accord, AccordFigures(accord), today)
    label = default_reference_set()
    references = data.figures.references(label)
    sheets = {
        "Summary": (C.SUMMARY, report_rows.summary_rows(data)),
        "Provisions": (C.PROVISIONS, list(report_rows.provision_rows(data))),
        "History": (C.HISTORY, list(report_rows.history_rows(accord, today))),
        "Timeline": (C.TIMELINE, list(report_rows.timeline_rows(data))),
        "Comparison": (C.COMPARISON, report_rows.comparison_rows(data, references, label)[1]),
    }
    for _columns, rows in sheets.values():
        for row in rows:  # Excel has no time zones: pandas refuses aware datetimes
            for key, value in row.items():
                if getattr(value, "tzinfo", None) is not None:
                    row[key] = value.replace(tzinfo=None)
    return sheets


def child_pandas(args) -> dict:
    import pandas as pd

    app = _app(args.database_url)
    with app.app_context():
        accord = _accord(args.slug)
        frames = {name: pd.DataFrame(rows, columns=[c.key for c in columns])
                  for name, (columns, rows) in _same_rows(accord).items()}

    def write() -> int:
        out = io.BytesIO()
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return len(out.getvalue())

    timing = _timed(write, args.repeat)
    return {"rows": sum(len(f) for f in frames.values()), "bytes": timing.pop("result"),
            "rss_peak_mb": _rss_mb(), **timing}


def _scratch_accord(rows: int):
    """A monitored accord of `rows` provisions (10 points x 10 themes), one record each."""
    from flask_migrate import upgrade

    from tracker import seed
    from tracker.importers import import_accord, import_statuses

    upgrade()
    seed.load_provision_types(seed.SEED_DIR)
    structure = ["code,section,text,provision_type,priority,tags,deadline"]
    statuses = ["provision_code,level,effective_on,evidence,note"]
    for n in range(rows):
        point, theme = n % 10 + 1, n // 10 % 10 + 1
        structure.append(f"P{n},{point} Point {point} > {point}.{theme} Theme {theme},"
                         f"Provision {n},,{'yes' if n % 4 == 0 else 'no'},,")
        statuses.append(f"P{n},{n % 3},2018-0{n % 9 + 1}-15,Report {n},")
    import_accord("\n".join(structure).encode(), "s.csv", name="Bench update accord",
                  country="Benchland", signed_on=date(2017, 1, 1), slug="bench-update")
    import_statuses("bench-update", "\n".join(statuses).encode(), "s.csv")
    from tracker import queries

    return queries.accord_by_slug("bench-update")


def _fill_every_row(data: bytes) -> bytes:
    from openpyxl import load_workbook

    from tracker.excel import columns as C

    book = load_workbook(io.BytesIO(data))
    sheet = book[C.UPDATE_SHEET]
    keys = [c.key for c in C.UPDATE]
    level_at, date_at = keys.index("new_level") + 1, keys.index("effective_on") + 1
    evidence_at, current_at = keys.index("evidence_text") + 1, keys.index("current_level") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, level_at).value = (sheet.cell(row, current_at).value + 1) % 4
        sheet.cell(row, date_at).value = date.today()
        sheet.cell(row, evidence_at).value = f"Bench evidence {row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def child_update(args) -> dict:
    from tracker.accounts import create_user
    from tracker.excel.update import update_workbook
    from tracker.excel.importer import read_update

    with tempfile.TemporaryDirectory() as folder:
        app = _app(f"sqlite:///{Path(folder) / 'update.db'}")
        with app.app_context():
            accord = _scratch_accord(args.rows)
            user = create_user("bench@example.org", "bench-only-password", role="admin")
            built = _timed(lambda: update_workbook(accord), 1)
            filled = _fill_every_row(built["result"])
            timing = _timed(lambda: read_update(accord, filled, user), args.repeat)
            plan = timing.pop("result")
    return {"rows": plan.rows_read, "changes": len(plan.changes),
            "problems": len(plan.problem_rows), "bytes": len(filled),
            "build_wall": built["wall"], "rss_peak_mb": _rss_mb(), **timing}


CHILDREN = {"report": child_report, "pandas": child_pandas, "update": child_update}


# --- parent ----------------------------------------------------------------------------------

def run_child(case: str, args) -> dict:
    command = [sys.executable, __file__, "--child", case, "--database-url", args.database_url,
               "--repeat", str(args.repeat), "--rows", str(args.rows)]
    if args.slug:
        command += ["--slug", args.slug]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"case {case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="workload database (default: bench/out/colombia.db)")
    parser.add_argument("--slug", help="accord to export (default: bench-target, else the "
                                       "demo accord)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument("--rows", type=int, default=10_000, help="update workbook rows")
    parser.add_argument("--skip", action="append", default=[], choices=list(CHILDREN),
                        help="leave a case out (repeatable)")
    parser.add_argument("--child", choices=list(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    import openpyxl

    print(f"openpyxl {openpyxl.__version__}, lxml {'yes' if openpyxl.LXML else 'no'}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.repeat} runs")
    results = {case: run_child(case, args) for case in CHILDREN if case not in args.skip}
    report, pandas, update = (results.get(k) for k in ("report", "pandas", "update"))
    if report:
        warm = report["warm"]
        print(f"report workbook, warm (caches kept): min / median / max {warm['best']:.2f} / "
              f"{warm['wall']:.2f} / {warm['worst']:.2f} s wall, {warm['cpu']:.2f} s CPU")
        print(f"report workbook, cold {report['slug']} ({report['records']} records): "
              f"min / median / max {report['best']:.2f} / {report['wall']:.2f} / "
              f"{report['worst']:.2f} s wall, {report['cpu']:.2f} s "
              f"CPU, {report['bytes'] / 1e6:.1f} MB file; peak RSS {report['rss_peak_mb']:.0f} "
              f"MB (process before export {report['rss_before_mb']:.0f} MB)  "
              f"[{_verdict(report['wall'] < REPORT_SECONDS_MAX)} < {REPORT_SECONDS_MAX:.0f} s, "
              f"{_verdict(report['rss_peak_mb'] < REPORT_RSS_MB_MAX)} < "
              f"{REPORT_RSS_MB_MAX:.0f} MB]")
    if pandas:
        print(f"pandas to_excel  {pandas['rows']} rows: min / median / max {pandas['best']:.2f}"
              f" / {pandas['wall']:.2f} / {pandas['worst']:.2f} s wall, {pandas['cpu']:.2f} s "
              f"CPU; peak RSS "
              f"{pandas['rss_peak_mb']:.0f} MB")
    if report and pandas:
        ratio, cpu_ratio = report["wall"] / pandas["wall"], report["cpu"] / pandas["cpu"]
        print(f"report / pandas  {ratio:.2f} x wall, {cpu_ratio:.2f} x CPU  "
              f"[{_verdict(ratio <= REPORT_OVER_PANDAS_MAX)} <= {REPORT_OVER_PANDAS_MAX}]")
    if update:
        print(f"update workbook  {update['rows']} rows built in {update['build_wall']:.2f} s; "
              f"validated in min / median / max {update['best']:.2f} / {update['wall']:.2f} / "
              f"{update['worst']:.2f} s wall, "
              f"{update['cpu']:.2f} s CPU: {update['changes']} changes, {update['problems']} "
              f"problem rows; peak RSS {update['rss_peak_mb']:.0f} MB  "
              f"[{_verdict(update['wall'] < UPDATE_SECONDS_MAX)} < {UPDATE_SECONDS_MAX:.0f} s]")


if __name__ == "__main__":
    main()
