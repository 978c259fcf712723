#!/usr/bin/env python
"""Build a benchmark database for the accord tracker.

Every workload starts the same way: create_app() on the given URL, the migrations
(flask_migrate.upgrade), the seed (provision types, the "PAM 2015" reference accords with
their illustrative matrix, the 578-provision Colombia demo accord), then a synthetic copy of
the demo accord's structure, slug `bench-target`, whose provisions receive a status record
about every month from signing (2016-11-24) up to today.

Workloads:
  colombia   SQLite or PostgreSQL: the seed plus `bench-target` (~60k records), inserted in
             bulk with db.session.execute(insert(StatusRecord), chunk).
  portfolio  PostgreSQL only: the seed, `bench-target`, and --accords further synthetic
             monitored accords holding --records status records between them, loaded with
             COPY in the order an append-only table grows (by recording time, so every
             accord's rows are interleaved with the others'). With --alone, the same
             `bench-target` (same generator, same seed, same COPY path) without the others,
             to compare its cost with and without millions of other rows.

Examples (from the project root):
  .venv/bin/python bench/workloads.py colombia
  .venv/bin/python bench/workloads.py portfolio \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio
  .venv/bin/python bench/workloads.py portfolio --alone \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_alone
  .venv/bin/python bench/workloads.py drop \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"
TARGET_SLUG = "bench-target"
DEMO_SLUG = "colombia-2016-demo"
SEED = 20161124

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Keep create_app from writing a secret key or a matplotlib cache outside bench/.
os.environ.setdefault("TRACKER_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("MPLCONFIGDIR", str(OUT_DIR / "matplotlib"))

EPOCH = date(1970, 1, 1)
STATES = ("verified", "pending", "rejected")


# --- small helpers ------------------------------------------------------------------------

class Phases:
    """Prints and keeps the wall time of each phase of a build."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self.started = time.perf_counter()

    @contextmanager
    def __call__(self, name: str):
        print(f"-- {name} ...", flush=True)
        t0 = time.perf_counter()
        yield
        elapsed = time.perf_counter() - t0
        self.times.append((name, elapsed))
        print(f"   {name}: {elapsed:8.2f} s", flush=True)

    def report(self) -> None:
        total = time.perf_counter() - self.started
        print("\nphase timings (s)")
        for name, elapsed in self.times:
            print(f"  {name:<66} {elapsed:8.2f}")
        print(f"  {'total':<66} {total:8.2f}")


def dialect_of(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def _pg_parts(url: str):
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.database:
        raise SystemExit(f"no database name in {url!r}")
    return parsed


def _admin_connection(url: str):
    """An autocommit psycopg connection to the server's `postgres` database."""
    import psycopg

    parsed = _pg_parts(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
        user=parsed.username or "postgres", password=parsed.password,
        dbname="postgres", autocommit=True)


def pg_database_exists(url: str) -> bool:
    name = _pg_parts(url).database
    with _admin_connection(url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is not None


def pg_drop_database(url: str, force: bool = False) -> None:
    """Drop a bench* database; refused while others are connected unless `force`."""
    import psycopg
    from psycopg import sql

    name = _pg_parts(url).database
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to drop {name!r}: only databases named bench* are dropped")
    statement = "DROP DATABASE IF EXISTS {} WITH (FORCE)" if force else \
        "DROP DATABASE IF EXISTS {}"
    with _admin_connection(url) as conn:
        try:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
        except psycopg.errors.ObjectInUse as exc:
            raise SystemExit(f"{name} is in use ({exc}); try again later, or pass --force "
                             "to end those sessions") from None
    print(f"dropped database {name}")


def pg_create_database(url: str) -> None:
    from psycopg import sql

    name = _pg_parts(url).database
    with _admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created database {name}")


def prepare_database(url: str, recreate: bool, force: bool = False) -> None:
    """SQLite: a fresh file. PostgreSQL: the database created if missing (or recreated)."""
    dialect = dialect_of(url)
    if dialect == "sqlite":
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or path == ":memory:":
            raise SystemExit("give SQLite as a file URL, e.g. sqlite:///bench/out/x.db")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            extra = Path(str(path) + suffix)
            if extra.exists():
                extra.unlink()
        print(f"fresh SQLite file {path}")
    elif dialect == "postgresql":
        if pg_database_exists(url):
            if not recreate:
                raise SystemExit(f"database {_pg_parts(url).database!r} exists; pass "
                                 "--recreate to drop and rebuild it")
            pg_drop_database(url, force)
        pg_create_database(url)
    else:
        raise SystemExit(f"unsupported database {dialect!r}")


def make_app(url: str):
    from tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def pg_raw_connection(app):
    """The psycopg connection under a fresh SQLAlchemy connection (for COPY)."""
    from tracker.extensions import db

    connection = db.engine.connect()
    return connection, connection.connection.driver_connection


def pg_fix_sequences(tables: tuple[str, ...]) -> None:
    from sqlalchemy import text

    from tracker.extensions import db

    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def _next_id(model) -> int:
    from sqlalchemy import func, select

    from tracker.extensions import db

    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


# --- the target accord: a copy of the demo accord's structure ------------------------------

def copy_demo_structure(slug: str = TARGET_SLUG) -> tuple[int, list[int], date]:
    """Copy the demo accord's sections, provisions, tags and priority history in bulk.

    Returns (accord id, provision ids in code order of the demo, signing date). Ids are given
    explicitly (bulk inserts, no RETURNING); PostgreSQL sequences are moved past them.
    """
    from sqlalchemy import insert, select

    from tracker.extensions import db
    from tracker.models import (
        Accord,
        PriorityChange,
        Provision,
        ProvisionTag,
        Section,
    )

    demo = db.session.scalar(select(Accord).where(Accord.slug == DEMO_SLUG))
    if demo is None:
        raise SystemExit(f"the seed did not create {DEMO_SLUG!r}")
    accord_id = _next_id(Accord)
    db.session.execute(insert(Accord), [{
        "id": accord_id, "slug": slug,
        "name": "Bench target (synthetic copy of the Colombia demo structure)",
        "country": demo.country, "signed_on": demo.signed_on, "kind": "monitored",
        "description": "Synthetic benchmark accord: the demo accord's structure with "
                       "generated monthly status records. Not real data.",
        "target_date": demo.target_date, "illustrative": True, "public": True,
    }])

    sections = db.session.execute(
        select(Section.id, Section.parent_id, Section.code, Section.title, Section.position)
        .where(Section.accord_id == demo.id).order_by(Section.id)).all()
    next_section = _next_id(Section)
    section_map = {old: next_section + i for i, (old, *_rest) in enumerate(sections)}
    if sections:
        db.session.execute(insert(Section), [
            {"id": section_map[sid], "accord_id": accord_id,
             "parent_id": section_map[parent] if parent else None,
             "code": code, "title": title, "position": position}
            for sid, parent, code, title, position in sections])

    provisions = db.session.execute(
        select(Provision.id, Provision.section_id, Provision.code, Provision.text,
               Provision.provision_type_id, Provision.priority, Provision.responsible_actor,
               Provision.deadline, Provision.time_frame)
        .where(Provision.accord_id == demo.id).order_by(Provision.id)).all()
    next_provision = _next_id(Provision)
    provision_map = {row[0]: next_provision + i for i, row in enumerate(provisions)}
    db.session.execute(insert(Provision), [
        {"id": provision_map[pid], "accord_id": accord_id,
         "section_id": section_map.get(sid) if sid else None, "code": code, "text": text,
         "provision_type_id": type_id, "priority": priority, "responsible_actor": actor,
         "deadline": deadline, "time_frame": frame, "version": 1}
        for pid, sid, code, text, type_id, priority, actor, deadline, frame in provisions])

    tags = db.session.execute(
        select(ProvisionTag.provision_id, ProvisionTag.tag)
        .where(ProvisionTag.provision_id.in_(provision_map))).all()
    if tags:
        db.session.execute(insert(ProvisionTag), [
            {"provision_id": provision_map[pid], "tag": tag} for pid, tag in tags])
    changes = db.session.execute(
        select(PriorityChange.provision_id, PriorityChange.priority,
               PriorityChange.effective_on, PriorityChange.reason)
        .where(PriorityChange.provision_id.in_(provision_map))).all()
    if changes:
        db.session.execute(insert(PriorityChange), [
            {"provision_id": provision_map[pid], "priority": flag, "effective_on": when,
             "reason": reason} for pid, flag, when, reason in changes])
    if db.engine.dialect.name == "postgresql":
        pg_fix_sequences(("accords", "sections", "provisions", "priority_changes"))
    db.session.commit()
    return accord_id, [provision_map[row[0]] for row in provisions], demo.signed_on


def _level_path(seed: int, pid: int, pace: float, start: int, span: int):
    """A provision's setbacks as a process in time, drawn apart from its reports: on a
    30-day grid from `start`, each step begins a setback of one level with probability
    0.012, lasting 30-180 days. Returns level(day, rising level) -> the level that day, the
    same whatever the days between reports."""
    rng = random.Random(f"{seed}-{pid}")
    setbacks, day = [], start
    while day <= span:
        if rng.random() < 0.012:
            setbacks.append((day, day + 30 * rng.randint(1, 6)))
        day += 30

    def level(day: int, rising: int) -> int:
        if rising > 0 and any(begin <= day < end for begin, end in setbacks):
            return rising - 1
        return rising

    return level


def target_records(accord_id: int, provision_ids: list[int], signed_on: date, today: date,
                   now: datetime, seed: int = SEED, every: tuple[int, int] = (20, 40),
                   history: str = "reports") -> list[tuple]:
    """Status records of the target accord: one every 20-40 days per provision (`every`:
    other report intervals, for the same accord with fewer or more records).

    Each provision starts being reported within two years of signing, then moves along its
    own pace towards "complete": levels rise, with occasional setbacks of one level. With
    `history="reports"` (the default) a setback lasts one to six reports (about 1% of
    reports start one), so more frequent reports make more setbacks; with `history="time"`
    setbacks are drawn in time (`_level_path`), so the level history is the same whatever
    `every` is and more frequent reports only repeat it (nearly the same level changes).
    About 2% of records are rejected; pending ones are mostly in the last three months.
    Effective dates never pass `today`; records are recorded 0-14 days after taking effect.
    Rows: (accord_id, provision_id, level, effective_on, recorded_at, review_state,
    evidence_text); the order is deterministic (same seed, same rows).
    """
    rng = random.Random(seed)
    span = (today - signed_on).days
    rows = []
    for pid in provision_ids:
        pace = rng.uniform(0.2, 1.4)
        start = rng.randint(0, 730)
        day = start
        setback = 0
        in_time = _level_path(seed, pid, pace, start, span) if history == "time" else None
        while day <= span:
            when = signed_on + timedelta(days=day)
            level = min(3, int(pace * (day / span) * 3.3))
            if in_time is not None:  # the level the provision has that day
                level = in_time(day, level)
            elif setback:  # a setback lasts a few reports, then the level recovers
                setback -= 1
                level = max(level - 1, 0)
            elif level > 0 and rng.random() < 0.012:
                setback = rng.randint(0, 5)
                level -= 1
            draw = rng.random()
            recent = (today - when).days <= 90
            if draw < 0.02:
                state = "rejected"
            elif draw < (0.30 if recent else 0.04):
                state = "pending"
            else:
                state = "verified"
            recorded = datetime(when.year, when.month, when.day, tzinfo=UTC) + \
                timedelta(seconds=rng.randint(8 * 3600, 14 * 86400))
            recorded = min(recorded, now)
            rows.append((accord_id, pid, level, when, recorded, state,
                         f"Synthetic report {when.isoformat()} on provision {pid}"))
            day += rng.randint(*every)
    return rows


def insert_records_bulk(rows: list[tuple], chunk: int = 5000) -> None:
    """db.session.execute(insert(StatusRecord), chunk of dicts), never one object per row."""
    from sqlalchemy import insert

    from tracker.extensions import db
    from tracker.models import StatusRecord

    for start in range(0, len(rows), chunk):
        db.session.execute(insert(StatusRecord), [
            {"accord_id": a, "provision_id": p, "level": level, "effective_on": eff,
             "recorded_at": rec, "review_state": state, "source": "import",
             "evidence_text": evidence}
            for a, p, level, eff, rec, state, evidence in rows[start:start + chunk]])
    db.session.commit()


# --- the portfolio: many synthetic accords, generated with numpy, loaded with COPY ----------

RECORD_COLUMNS = ("accord_id", "provision_id", "level", "effective_on", "recorded_at",
                  "review_state", "source", "evidence_text")


def build_portfolio_structure(n_accords: int, today: date, rng) -> list[dict]:
    """Accords, sections and provisions of the other monitored accords, via COPY.

    Returns one dict per accord: id, signing day (days since 1970), first provision id and
    number of provisions (provision ids of an accord are consecutive).
    """
    from sqlalchemy import insert, select

    from tracker.extensions import db
    from tracker.models import Accord, Provision, ProvisionType, Section

    type_ids = list(db.session.scalars(select(ProvisionType.id).order_by(ProvisionType.id)))
    accord_id = _next_id(Accord)
    section_id = _next_id(Section)
    provision_id = _next_id(Provision)
    lo = (date(1995, 1, 1) - EPOCH).days
    hi = (date(2024, 6, 30) - EPOCH).days
    accords, accord_rows, section_rows, provision_rows = [], [], [], []
    for n in range(n_accords):
        signed_day = int(rng.integers(lo, hi))
        signed_on = EPOCH + timedelta(days=signed_day)
        n_prov = int(rng.integers(80, 601))
        accord_rows.append({
            "id": accord_id, "slug": f"bench-accord-{n + 1:04d}",
            "name": f"Synthetic accord {n + 1}", "country": f"Country {n % 60 + 1}",
            "signed_on": signed_on, "kind": "monitored", "illustrative": True,
            "description": "Synthetic benchmark accord (not real data).",
            "target_date": signed_on + timedelta(days=15 * 365), "public": bool(n % 5),
        })
        themes = []
        for point in range(1, int(rng.integers(4, 9)) + 1):
            point_id = section_id
            section_rows.append((point_id, accord_id, None, str(point), f"Point {point}",
                                 len(section_rows)))
            section_id += 1
            for theme in range(1, int(rng.integers(2, 7)) + 1):
                section_rows.append((section_id, accord_id, point_id, f"{point}.{theme}",
                                     f"Theme {point}.{theme}", len(section_rows)))
                themes.append((section_id, f"{point}.{theme}"))
                section_id += 1
        first = provision_id
        for k in range(n_prov):
            sid, theme_code = themes[k * len(themes) // n_prov]
            deadline = None
            if rng.random() < 0.5:
                deadline = (signed_on + timedelta(days=int(rng.integers(180, 5500)))).isoformat()
            provision_rows.append((
                provision_id, accord_id, sid, f"{theme_code}.{k + 1}",
                f"Synthetic stipulation {k + 1} of accord {n + 1}",
                type_ids[int(rng.integers(0, len(type_ids)))] if type_ids else None,
                bool(rng.random() < 0.25), f"Institution {int(rng.integers(1, 40))}",
                deadline, ("short", "medium", "long")[int(rng.integers(0, 3))], 1))
            provision_id += 1
        accords.append({"id": accord_id, "signed_day": signed_day, "first": first,
                        "n_prov": n_prov})
        accord_id += 1
    db.session.execute(insert(Accord), accord_rows)
    db.session.commit()
    sa_conn, raw = pg_raw_connection(None)
    try:
        with raw.cursor() as cur:
            with cur.copy("COPY sections (id, accord_id, parent_id, code, title, position) "
                          "FROM STDIN") as copy:
                for row in section_rows:
                    copy.write_row(row)
            with cur.copy("COPY provisions (id, accord_id, section_id, code, text, "
                          "provision_type_id, priority, responsible_actor, deadline, "
                          "time_frame, version) FROM STDIN") as copy:
                for row in provision_rows:
                    copy.write_row(row)
        raw.commit()
    finally:
        sa_conn.close()
    pg_fix_sequences(("accords", "sections", "provisions"))
    db.session.commit()
    print(f"   {len(accord_rows)} accords, {len(section_rows)} sections, "
          f"{len(provision_rows)} provisions")
    return accords


def generate_portfolio_records(accords: list[dict], total: int, today: date, now: datetime,
                               rng) -> dict:
    """Columns (numpy arrays) of `total` records spread over `accords`.

    Each accord gets records in proportion to provisions x days since signing; a provision's
    level follows its own pace upwards, ~2% of reports one level lower (a setback the next
    report recovers); ~2% rejected, ~3% pending.
    """
    import numpy as np

    today_day = (today - EPOCH).days
    now_sec = int(now.timestamp())
    weights = np.array([a["n_prov"] * max(today_day - a["signed_day"], 1) for a in accords],
                       dtype=float)
    counts = np.floor(weights / weights.sum() * total).astype(np.int64)
    counts[: total - int(counts.sum())] += 1  # hand out the remainder
    parts = {k: [] for k in ("accord", "provision", "level", "eff", "rec", "state")}
    for accord, n_rec in zip(accords, counts):
        n_rec = int(n_rec)
        n_prov, signed = accord["n_prov"], accord["signed_day"]
        span = max(today_day - signed, 1)
        prov = rng.integers(0, n_prov, size=n_rec)
        eff = rng.integers(signed, today_day + 1, size=n_rec)
        order = np.lexsort((eff, prov))
        prov, eff = prov[order], eff[order]
        pace = rng.uniform(0.2, 1.4, size=n_prov)[prov]
        level = np.minimum(3, np.floor(pace * (eff - signed) / span * 3.3)).astype(np.int8)
        setback = (level > 0) & (rng.random(n_rec) < 0.02)  # one report a level lower
        level[setback] -= 1
        draw = rng.random(n_rec)
        state = np.zeros(n_rec, dtype=np.int8)
        state[draw < 0.05] = 1
        state[draw < 0.02] = 2
        rec = eff.astype(np.int64) * 86400 + rng.integers(8 * 3600, 14 * 86400, size=n_rec)
        rec = np.minimum(rec, now_sec)
        parts["accord"].append(np.full(n_rec, accord["id"], dtype=np.int64))
        parts["provision"].append(prov.astype(np.int64) + accord["first"])
        parts["level"].append(level)
        parts["eff"].append(eff.astype(np.int64))
        parts["rec"].append(rec)
        parts["state"].append(state)
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=np.int64)
            for k, v in parts.items()}


def records_to_columns(rows: list[tuple]) -> dict:
    """Target rows (from target_records) as the same numpy columns."""
    import numpy as np

    return {
        "accord": np.array([r[0] for r in rows], dtype=np.int64),
        "provision": np.array([r[1] for r in rows], dtype=np.int64),
        "level": np.array([r[2] for r in rows], dtype=np.int8),
        "eff": np.array([(r[3] - EPOCH).days for r in rows], dtype=np.int64),
        "rec": np.array([int(r[4].timestamp()) for r in rows], dtype=np.int64),
        "state": np.array([STATES.index(r[5]) for r in rows], dtype=np.int8),
    }


def copy_records(columns: dict, chunk: int = 250_000) -> int:
    """COPY the records in recording-time order (how an append-only table grows)."""
    import numpy as np

    order = np.argsort(columns["rec"], kind="stable")
    n = len(order)
    sa_conn, raw = pg_raw_connection(None)
    states = np.array(STATES, dtype=object)
    try:
        with raw.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            with cur.copy(f"COPY status_records ({', '.join(RECORD_COLUMNS)}) "
                          "FROM STDIN") as copy:
                for start in range(0, n, chunk):
                    idx = order[start:start + chunk]
                    accord = columns["accord"][idx].tolist()
                    provision = columns["provision"][idx].tolist()
                    level = columns["level"][idx].tolist()
                    eff = np.datetime_as_string(
                        columns["eff"][idx].astype("datetime64[D]")).tolist()
                    rec = np.datetime_as_string(
                        columns["rec"][idx].astype("datetime64[s]")).tolist()
                    state = states[columns["state"][idx]].tolist()
                    for a, p, lv, e, r, s in zip(accord, provision, level, eff, rec, state):
                        copy.write_row((a, p, lv, e, r, s, "import",
                                        f"Synthetic report {e} on provision {p}"))
        raw.commit()
    finally:
        sa_conn.close()
    return n


def secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of status_records' indexes other than the primary key."""
    from sqlalchemy import text

    from tracker.extensions import db

    return list(db.session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'status_records' "
        "AND indexname <> 'pk_status_records' ORDER BY indexname")).all())


def pg_maintenance(phase) -> None:
    """VACUUM ANALYZE status_records (visibility map and hint bits, as after autovacuum), then
    ANALYZE the rest."""
    from tracker.extensions import db

    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        with phase("VACUUM ANALYZE status_records"):
            conn.exec_driver_sql("VACUUM (ANALYZE) status_records")
        with phase("ANALYZE (all tables)"):
            conn.exec_driver_sql("ANALYZE")


# --- the workloads -------------------------------------------------------------------------

def base_build(url: str, phase, recreate: bool, force: bool = False):
    """Database, migrations and seed; returns the app."""
    import flask_migrate

    from tracker import seed
    from tracker.extensions import db

    with phase("prepare database"):
        prepare_database(url, recreate, force)
    app = make_app(url)
    with app.app_context():
        with phase("migrate (flask_migrate.upgrade)"):
            flask_migrate.upgrade()
        with phase("seed (tracker.seed.run)"):
            for line in seed.run():
                print(f"   {line}")
        db.session.remove()
    return app


def target_structure_and_rows(phase, today: date, now: datetime,
                              every: tuple[int, int] = (20, 40), history: str = "reports"):
    with phase("target accord structure (copy of the demo accord)"):
        accord_id, provision_ids, signed_on = copy_demo_structure()
        print(f"   accord id {accord_id}, {len(provision_ids)} provisions")
    with phase("target records: generate"):
        rows = target_records(accord_id, provision_ids, signed_on, today, now, every=every,
                              history=history)
        # In the order an append-only table grows: by recording time.
        rows.sort(key=lambda r: r[4])
        states = {s: sum(1 for r in rows if r[5] == s) for s in STATES}
        print(f"   {len(rows)} records ({states})")
    return accord_id, rows


def build_colombia(args) -> None:
    from tracker.extensions import db

    phase = Phases()
    today, now = date.today(), datetime.now(UTC)
    app = base_build(args.database_url, phase, args.recreate, args.force)
    with app.app_context():
        _accord_id, rows = target_structure_and_rows(phase, today, now, args.every,
                                                     args.history)
        with phase("target records: bulk insert (insert(StatusRecord), chunks of 5000)"):
            insert_records_bulk(rows)
            touch_bench_accords()
        if db.engine.dialect.name == "postgresql":
            pg_maintenance(phase)
        else:
            with phase("ANALYZE"):
                db.session.execute(db.text("ANALYZE"))
                db.session.commit()
        summarize_database()
        db.session.remove()
    phase.report()


def build_portfolio(args) -> None:
    import numpy as np
    from sqlalchemy import text

    from tracker.extensions import db

    if dialect_of(args.database_url) != "postgresql":
        raise SystemExit("the portfolio workload needs PostgreSQL (--database-url "
                         "postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio)")
    phase = Phases()
    today, now = date.today(), datetime.now(UTC)
    app = base_build(args.database_url, phase, args.recreate, args.force)
    with app.app_context():
        _accord_id, rows = target_structure_and_rows(phase, today, now)
        columns = records_to_columns(rows)
        if not args.alone:
            rng = np.random.default_rng(args.seed)
            with phase(f"other accords: structure ({args.accords} accords, COPY)"):
                accords = build_portfolio_structure(args.accords, today, rng)
            with phase(f"other accords: generate {args.records:,} records (numpy)"):
                others = generate_portfolio_records(accords, args.records, today, now, rng)
                columns = {k: np.concatenate([columns[k], others[k]]) for k in columns}
        indexes = secondary_indexes()
        if args.keep_indexes:
            indexes = []
        with phase("drop secondary indexes of status_records"):
            for name, _ddl in indexes:
                db.session.execute(text(f"DROP INDEX {name}"))
            db.session.commit()
        with phase(f"COPY {len(columns['accord']):,} status records (by recording time)"):
            copy_records(columns)
            touch_bench_accords()
        with phase("recreate secondary indexes"):
            for name, ddl in indexes:
                db.session.execute(text(ddl))
                print(f"   {name}")
            db.session.commit()
        db.session.remove()
        pg_maintenance(phase)
        summarize_database()
        db.session.remove()
    phase.report()


def touch_bench_accords() -> None:
    """Raise the revision of the accords that received records, as the tracker's own writes
    do (services.touch), so caches keyed by it see new data, and make their level-change
    summary (the records were loaded in bulk, past the tracker's writes)."""
    from sqlalchemy import text

    from tracker.extensions import db
    from tracker.models import Accord

    if hasattr(Accord, "revision"):
        db.session.execute(text("UPDATE accords SET revision = revision + 1 "
                                "WHERE kind = 'monitored' AND slug LIKE 'bench-%'"))
        db.session.commit()
    try:  # the level-change summary, as the tracker keeps it with its own writes
        from tracker import summary
    except ImportError:  # an earlier tracker state
        return
    from sqlalchemy import select

    for accord_id in db.session.scalars(select(Accord.id).where(
            Accord.kind == "monitored", Accord.slug.like("bench-%"))):
        summary.rebuild(accord_id)
    db.session.commit()


def summarize_database() -> None:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Accord, Provision, StatusRecord

    target = db.session.scalar(select(Accord.id).where(Accord.slug == TARGET_SLUG))
    monitored = db.session.scalar(select(func.count()).select_from(Accord)
                                  .where(Accord.kind == "monitored"))
    provisions = db.session.scalar(select(func.count()).select_from(Provision))
    records = db.session.scalar(select(func.count()).select_from(StatusRecord))
    mine = db.session.execute(
        select(StatusRecord.review_state, func.count(), func.max(StatusRecord.effective_on))
        .where(StatusRecord.accord_id == target).group_by(StatusRecord.review_state)).all()
    print(f"\ndatabase: {monitored} monitored accords, {provisions:,} provisions, "
          f"{records:,} status records")
    print(f"{TARGET_SLUG} (id {target}): "
          + ", ".join(f"{state} {n:,}" for state, n, _last in mine)
          + f"; latest effective date {max(last for *_x, last in mine)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=("colombia", "portfolio", "drop"),
                        help="what to build ('drop' drops a bench* PostgreSQL database)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"SQLAlchemy URL (default: {DEFAULT_URL}); a SQLite file is "
                             "rebuilt from scratch, a PostgreSQL database created if missing")
    parser.add_argument("--recreate", action="store_true",
                        help="PostgreSQL: drop and recreate the database if it exists")
    parser.add_argument("--force", action="store_true",
                        help="drop/--recreate: end other sessions on the database first")
    parser.add_argument("--accords", type=int, default=200,
                        help="portfolio: other monitored accords besides bench-target "
                             "(default 200)")
    parser.add_argument("--records", type=int, default=5_000_000,
                        help="portfolio: status records of those other accords "
                             "(default 5,000,000; bench-target adds ~60k)")
    parser.add_argument("--alone", action="store_true",
                        help="portfolio: only bench-target (same rows), no other accords")
    parser.add_argument("--keep-indexes", action="store_true",
                        help="portfolio: COPY into the indexed table instead of dropping and "
                             "recreating status_records' secondary indexes around the COPY")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the others")
    parser.add_argument("--every", default="20-40", metavar="LOW-HIGH",
                        type=lambda v: tuple(int(x) for x in v.split("-")),
                        help="colombia: days between two reports of a provision (default "
                             "20-40: ~64k records; 120-240: ~10k; 6-13: ~200k)")
    parser.add_argument("--history", choices=("reports", "time"), default="reports",
                        help="colombia: setbacks drawn per report (default: more reports, "
                             "more setbacks) or in time (the same level history whatever "
                             "--every is: records grow, level changes barely)")
    args = parser.parse_args(argv)
    if args.workload == "drop":
        if dialect_of(args.database_url) != "postgresql":
            raise SystemExit("drop is for PostgreSQL bench databases")
        pg_drop_database(args.database_url, args.force)
    elif args.workload == "colombia":
        build_colombia(args)
    else:
        build_portfolio(args)


if __name__ == "__main__":
    main()
