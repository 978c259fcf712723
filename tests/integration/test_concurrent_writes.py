"""Writes wait their turn under real gunicorn workers, on SQLite and on PostgreSQL: many
partners submitting at once get no 5xx and lose nothing, true conflicts are 409s that keep
the input, two coordinators deciding one record or a double confirmation of one upload
record once, and a lock held past the wait is a 503 that keeps the input."""
from __future__ import annotations

import io
import random
import re
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from .conftest import (ROOT, Browser, flask, fresh_postgres_database, instances, need,
                       reachable)

pytestmark = pytest.mark.slow
SLUG = "colombia-2016-demo"
PASSWORD = "integration password"
EDITORS = [f"editor{i}@example.org" for i in range(6)]
COORDINATORS = ["coord0@example.org", "coord1@example.org"]
TODAY = date.today().isoformat()
USERS_SCRIPT = f"""
from tracker import create_app
from tracker.accounts import create_user
app = create_app()
with app.app_context():
    for email in {EDITORS!r}:
        create_user(email, {PASSWORD!r}, role="editor", accord_slug={SLUG!r})
    for email in {COORDINATORS!r}:
        create_user(email, {PASSWORD!r}, role="coordinator", accord_slug={SLUG!r})
"""


class Served:
    """One migrated, seeded database with partner accounts, served by gunicorn (2 workers)."""

    def __init__(self, kind, url, env, base):
        self.kind, self.url, self.env, self.base = kind, url, env, base
        self.engine = create_engine(url)

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).all()

    def levels_and_versions(self) -> dict[str, tuple[int, int]]:
        """code -> (official level today, version) of the monitored accord's provisions."""
        api = Browser(self.base).request(f"/api/v1/accords/{SLUG}/provisions")[2]
        import json

        levels = {p["code"]: p["level"] for p in json.loads(api)["provisions"]}
        versions = dict(self.rows(
            "SELECT p.code, p.version FROM provisions p JOIN accords a ON a.id = p.accord_id "
            "WHERE a.slug = :slug", slug=SLUG))
        return {code: (levels[code], versions[code]) for code in levels}

    def client(self, email: str, base: str | None = None) -> Browser:
        browser = Browser(base or self.base)
        assert browser.login(email, PASSWORD)[0] == 302
        return browser


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory, gunicorn):
    import os

    folder = tmp_path_factory.mktemp(f"concurrent-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'tracker.db'}"
    else:
        need(reachable(5432), "PostgreSQL at 127.0.0.1:5432")
        url = fresh_postgres_database("tracker_concurrency_test")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": "concurrency-secret",
                "MPLCONFIGDIR": str(folder / "mpl"), "PYTHONUNBUFFERED": "1"})
    flask("db", "upgrade", env=env)
    flask("seed", env=env)
    subprocess.run([sys.executable, "-c", USERS_SCRIPT], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    with instances(gunicorn, env, count=1) as (base,):
        found = Served(request.param, url, env, base)
        yield found
        found.engine.dispose()


def _update(client: Browser, token: str, code: str, level: int, version: int, evidence: str):
    return client.request(f"/accords/{SLUG}/provisions/{code}/update", {
        "csrf_token": token, "level": str(level), "effective_on": TODAY,
        "evidence_text": evidence, "evidence_url": "", "note": "", "version": str(version)})


def _all_at_once(jobs, run, workers=16):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))


def test_many_submissions_at_once_wait_their_turn(served):
    """120 submissions from 6 partners at once: 100 on different provisions, 10 pairs on the
    same provision from the same version (true conflicts: one is recorded, one is a 409)."""
    state = served.levels_and_versions()
    codes = [code for code, (level, _version) in state.items() if level < 3]
    assert len(codes) >= 110
    clients = [served.client(email) for email in EDITORS]
    tokens = [c.token(f"/accords/{SLUG}/provisions/{codes[0]}") for c in clients]
    jobs = [(i % 6, code, f"Concurrent evidence {i} for {code}")
            for i, code in enumerate(codes[:100])]
    pairs = codes[100:110]
    for i, code in enumerate(pairs):
        jobs += [(i % 6, code, f"Pair evidence A for {code}"),
                 ((i + 1) % 6, code, f"Pair evidence B for {code}")]
    random.Random(12).shuffle(jobs)

    def run(job):
        who, code, evidence = job
        level, version = state[code]
        status, _, body = _update(clients[who], tokens[who], code, level + 1, version, evidence)
        return job, status, body.decode()

    results = _all_at_once(jobs, run)
    statuses = [status for _, status, _ in results]
    assert all(status in (302, 409) for status in statuses), sorted(set(statuses))
    stored = {row[0] for row in served.rows(
        "SELECT evidence_text FROM status_records WHERE evidence_text LIKE 'Concurrent%' "
        "OR evidence_text LIKE 'Pair%'")}
    for (_who, code, evidence), status, body in results:
        if status == 302:
            assert evidence in stored  # every accepted submission is in the database
        else:
            assert evidence not in stored and code in pairs
            assert evidence in body  # the conflict page keeps what was typed
    assert len(stored) == statuses.count(302) == 110
    for code in pairs:
        assert sorted(s for (_w, c, _e), s, _b in results if c == code) == [302, 409]
    audited = served.rows("SELECT count(*) FROM audit_events WHERE action = 'status.record'")
    assert audited[0][0] >= 110


def test_two_coordinators_deciding_one_record_at_once(served):
    state = served.levels_and_versions()
    codes = [code for code, (level, _version) in state.items() if level < 3][-12:]
    editor = served.client(EDITORS[0])
    token = editor.token(f"/accords/{SLUG}/provisions/{codes[0]}")
    for code in codes:
        level, version = state[code]
        assert _update(editor, token, code, level + 1, version, f"Review race {code}")[0] == 302
    records = dict(served.rows(
        "SELECT evidence_text, id FROM status_records WHERE evidence_text LIKE 'Review race%'"))
    first, second = (served.client(email) for email in COORDINATORS)
    tokens = {id(first): first.token("/review"), id(second): second.token("/review")}
    jobs = [(first, record, {"verify": "Verify", "reason": ""}) for record in records.values()]
    jobs += [(second, record, {"reject": "Reject", "reason": "Second look"})
             for record in records.values()]
    random.Random(7).shuffle(jobs)

    def run(job):
        client, record, decision = job
        status, _, body = client.request(f"/review/{record}",
                                         {"csrf_token": tokens[id(client)], **decision})
        return record, "verified" if "verify" in decision else "rejected", status, body

    results = _all_at_once(jobs, run)
    assert all(status in (303, 409) for *_rest, status, _body in results)
    final = dict(served.rows("SELECT id, review_state FROM status_records WHERE id IN "
                             f"({', '.join(str(r) for r in records.values())})"))
    for record in records.values():
        outcome = {decision: status for r, decision, status, _b in results if r == record}
        assert sorted(outcome.values()) == [303, 409]
        winner = next(decision for decision, status in outcome.items() if status == 303)
        assert final[record] == winner
        loser = next(body for r, _d, status, body in results if r == record and status == 409)
        assert b"already reviewed" in loser
        decisions = served.rows("SELECT count(*) FROM audit_events WHERE object_id = :id AND "
                                "action IN ('status.verified', 'status.rejected')", id=record)
        assert decisions[0][0] == 1


def _multipart(field: str, filename: str, data: bytes, token: str) -> tuple[bytes, dict]:
    boundary = "----concurrency-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/vnd.openxmlformats-"
            f"officedocument.spreadsheetml.sheet\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_a_double_confirmation_records_once(served):
    from test_excel_update import _fill

    editor = served.client(EDITORS[1])
    for round_ in range(3):
        state = served.levels_and_versions()
        codes = [code for code, (level, _v) in state.items() if level < 3][200 + 2 * round_:
                                                                          202 + 2 * round_]
        evidence = f"Double confirm round {round_}"
        workbook = editor.request(f"/accords/{SLUG}/update.xlsx")[2]
        filled = _fill(workbook, {code: {"new_level": state[code][0] + 1,
                                         "effective_on": date.today(),
                                         "evidence_text": evidence} for code in codes})
        body, headers = _multipart("workbook", "update.xlsx", filled,
                                   editor.token(f"/accords/{SLUG}/update"))
        status, answer, page = editor.request(f"/accords/{SLUG}/update", body=body,
                                              headers=headers)
        assert status == 302, page.decode()[:2000]
        preview = re.sub(r"^https?://[^/]+", "", answer["Location"])
        token = editor.token(preview)

        def confirm(_):
            return editor.request(preview + "/confirm", {"csrf_token": token})

        results = _all_at_once([0, 1], confirm, workers=2)
        assert sorted(status for status, _h, _b in results) == [302, 409]
        refused = next(page for status, _h, page in results if status == 409)
        assert b"already recorded" in refused
        stored = served.rows("SELECT count(*) FROM status_records WHERE evidence_text = :e",
                             e=evidence)
        assert stored[0][0] == len(codes)


@contextmanager
def _lock_held(served):
    """Another writer holding the lock the next write needs, and not letting go."""
    if served.kind == "sqlite":
        holder = sqlite3.connect(served.url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        with served.engine.connect() as holder:
            holder.execute(text("SELECT id FROM accords WHERE slug = :slug FOR NO KEY UPDATE"),
                           {"slug": SLUG})
            try:
                yield
            finally:
                holder.rollback()


def test_a_lock_held_past_the_wait_is_a_503_that_keeps_the_input(served, gunicorn):
    state = served.levels_and_versions()
    code = [code for code, (level, _v) in state.items() if level < 3][150]
    level, version = state[code]
    typed = "Held lock: long evidence typed by the partner on a slow link"
    with instances(gunicorn, {**served.env, "TRACKER_LOCK_WAIT_MS": "300"}, count=1,
                   workers=1) as (base,):
        client = served.client(EDITORS[2], base)
        token = client.token(f"/accords/{SLUG}/provisions/{code}")
        with _lock_held(served):
            status, headers, body = _update(client, token, code, level + 1, version, typed)
        assert status == 503, body.decode()[:2000]
        assert headers.get("Retry-After") == "2"
        assert b"Nothing was saved" in body and typed.encode() in body
        assert b"Send it again" in body
        assert served.rows("SELECT count(*) FROM status_records WHERE evidence_text = :e",
                           e=typed)[0][0] == 0
        assert _update(client, token, code, level + 1, version, typed)[0] == 302
    assert served.rows("SELECT count(*) FROM status_records WHERE evidence_text = :e",
                       e=typed)[0][0] == 1
