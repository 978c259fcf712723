"""Draw-ahead: after a commit that changes an accord, what visitors recently asked of its
dashboard (its content and charts, in the sizes, languages and filters asked for: `asked`) is
drawn again in the background, so the next official finds it ready.

- `services.touch` (every write raises the accord's revision through it) notes the accord in
  the session; after the commit (never before, never after a rollback) the accord is queued.
- Writes coalesce: an accord queued again before its drawing began is drawn once, and a
  drawing begins at most once per `CHART_DRAW_AHEAD_COALESCE_SECONDS` (default 1) per accord:
  a write after a quiet spell is drawn at once, the writes of a busy second after it lead to
  one more drawing, of the newest revision. A drawing that finds the accord revised since it
  began stops (what it would draw is stale already); the newer write's own queueing follows.
- The queue is bounded (`QUEUE_SIZE` accords). One daemon thread per process drains it,
  never on the request that wrote, and one drawing at a time runs on the machine (a lock file
  in the instance folder): the workers' drawings never compete with each other for the cores.
  It runs only where a long-running server runs: `CHART_DRAW_AHEAD = "thread"` (set by
  `tracker/gunicorn_conf.py`); "queue" only queues (tests drain by hand); "off" (the
  default: commands, one-shot scripts) does nothing.
- The page's content (`routes.page_body`) and each chart (`shared.chart_bytes`) are made with
  the same selection, state and language the request asking for them would have, into the
  shared store (`tracker.chartstore`): what is drawn ahead is byte for byte what a request
  would draw, and a request for a chart being drawn ahead (the store's lock per drawing), or
  claimed by the drawing to be drawn next in the same process (`CLAIM_AHEAD` charts ahead),
  waits for it instead of drawing it again beside it under the same interpreter lock;
  another worker draws what it is asked for on its own core.
- A chart is drawn under a key of what it shows (`drawing.content_key`: its data and labels),
  so a drawing ahead computes each variant's figures but draws again only the charts whose
  data the write changed (a status write: not the event charts; an event write: only
  those; a confirmation that repeats a level: none), and finds the others stored.

Settings: `CHART_DRAW_AHEAD_RECENT_MINUTES`, `CHART_DRAW_AHEAD_MAX` (`asked`); the start-up
warming (`tracker.warmup`) draws the defaults instead (`draw_defaults`:
`CHART_DRAW_AHEAD_LANGUAGES`, default every language of the app; `CHART_DRAW_AHEAD_FORMATS`,
default "svg", the format the page shows).
"""
from __future__ import annotations

import fcntl
import functools
import logging
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from ..services.transaction import TOUCHED
from .asked import Variant

log = logging.getLogger(__name__)

QUEUE_SIZE = 16
SESSION_KEY = TOUCHED  # the accords a transaction touched (`services.touch` notes them)
MODES = ("off", "queue", "thread")


class DrawAhead:
    """The bounded, coalescing queue of accords to draw, and its drawing thread. `coalesce`:
    seconds between two drawings of one accord; `clock`: monotonic seconds (tests)."""

    def __init__(self, app: Flask, mode: str, coalesce: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        if mode not in MODES:
            raise ValueError(f"CHART_DRAW_AHEAD must be one of {', '.join(MODES)}")
        self.app, self.mode, self.coalesce, self.clock = app, mode, coalesce, clock
        self.pending: OrderedDict[int, float] = OrderedDict()  # accord -> when it is due
        self.began: dict[int, float] = {}  # accord -> when its last drawing began
        self.lock, self.wake = threading.Lock(), threading.Event()
        self.thread: threading.Thread | None = None
        self.thread_pid: int | None = None
        self.dropped = 0
        self.abandoned = 0

    def schedule(self, accord_ids: Iterable[int]) -> None:
        """Queue accords, each due at once or `coalesce` seconds after its last drawing
        began; one already queued stays as it is (its drawing will read the newest
        revision); beyond QUEUE_SIZE, dropped."""
        if self.mode == "off":
            return
        with self.lock:
            now = self.clock()
            for accord_id in accord_ids:
                if accord_id in self.pending:
                    continue
                if len(self.pending) >= QUEUE_SIZE:
                    self.dropped += 1
                    continue
                self.pending[accord_id] = max(now, self.began.get(accord_id, now - self.coalesce)
                                              + self.coalesce)
            if self.mode == "thread":
                self._ensure_thread()
        self.wake.set()

    def _ensure_thread(self) -> None:
        """Start the thread in this process (a forked worker does not inherit its parent's)."""
        if self.thread is not None and self.thread_pid == os.getpid() and self.thread.is_alive():
            return
        self.thread_pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="chart-draw-ahead", daemon=True)
        self.thread.start()

    def take(self, ignore_time: bool = False) -> tuple[int | None, float | None]:
        """(the accord due first, None) when one is due (its drawing counts as begun now),
        else (None, seconds until the next is due), or (None, None) when none is queued."""
        with self.lock:
            if not self.pending:
                return None, None
            accord_id, due = min(self.pending.items(), key=lambda item: item[1])
            now = self.clock()
            if due > now and not ignore_time:
                return None, due - now
            del self.pending[accord_id]
            self.began = {a: t for a, t in self.began.items() if now - t < self.coalesce}
            self.began[accord_id] = now
            return accord_id, None

    def drain(self) -> int:
        """Draw every queued accord's recently asked variants, here and now, whenever they
        are due (tests); returns how many were made or found."""
        made = 0
        while (accord_id := self.take(ignore_time=True)[0]) is not None:
            made += self.draw(accord_id)
        return made

    def draw(self, accord_id: int) -> int:
        """Draw one accord's recently asked variants, one drawing at a time on the machine;
        returns how many were made or found (a failure costs the next visitor time, and is
        logged: nothing more)."""
        try:
            with _machine_lock(self.app):
                made, complete = draw_recent(self.app, accord_id)
            if not complete:
                self.abandoned += 1
            return made
        except Exception:
            log.exception("drawing ahead the dashboard of accord %s failed", accord_id)
            return 0

    def _run(self) -> None:
        # Not niced: a request for a chart being drawn here waits for this thread's lock, so
        # a lower priority would make the visitor wait longer (priority inversion).
        while True:
            accord_id, wait = self.take()
            if accord_id is not None:
                self.draw(accord_id)
                continue
            self.wake.wait(wait)
            self.wake.clear()


@contextmanager
def _machine_lock(app: Flask) -> Iterator[None]:
    """One drawing at a time among the processes of this machine (a lock file in the
    instance folder; the holder's death releases it)."""
    with open(Path(app.instance_path) / "drawahead.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def default_charts(app: Flask) -> list[tuple[str, str, str, str]]:
    """(language, chart name, format, size) of every chart the start-up warming draws: what
    the dashboard page shows (SVG, wide and narrow, in every language), in the order they are
    drawn: size by size (the first, "wide", is what a desktop browser asks for), and within
    a size language by language."""
    from ..charts import SIZES
    from .board import CHARTS

    languages = app.config.get("CHART_DRAW_AHEAD_LANGUAGES") or app.config["LANGUAGES"]
    formats = app.config.get("CHART_DRAW_AHEAD_FORMATS") or ("svg",)
    sizes = app.config.get("CHART_DRAW_AHEAD_SIZES") or SIZES
    return [(language, name, fmt, size) for size in sizes for language in languages
            for name in CHARTS for fmt in formats]


def default_variants(app: Flask) -> list[Variant]:
    """The page's content and charts of `default_charts`, each language's page before its
    first chart."""
    made: list[Variant] = []
    for language, name, fmt, size in default_charts(app):
        if Variant(language) not in made:  # a language's page before its first chart
            made.append(Variant(language))
        made.append(Variant(language, name, fmt, size))
    return made


def draw_defaults(app: Flask, accord_id: int, deadline: float | None = None) -> int:
    """Make the default content and charts of accord `accord_id`'s dashboard
    (`default_variants`) in the shared store; returns how many were made or found. A
    reference accord, or one gone, has none. `deadline` (`time.monotonic()` seconds): no
    chart is begun after it (the start-up warming's bound)."""
    return draw_variants(app, accord_id, default_variants(app), deadline)[0]


def draw_recent(app: Flask, accord_id: int) -> tuple[int, bool]:
    """Make the variants of accord `accord_id`'s dashboard asked for recently
    (`asked.recent`); returns (how many were made or found, whether it went to the end)."""
    from .asked import recent

    with app.app_context():
        variants = recent(accord_id)
    return draw_variants(app, accord_id, variants)


#: Charts the drawing claims ahead of the one it draws (`chartstore.claim`): a request for
#: one of them in the same process waits for the drawing instead of drawing it beside it.
CLAIM_AHEAD = 12


def draw_variants(app: Flask, accord_id: int, variants: list[Variant],
                  deadline: float | None = None) -> tuple[int, bool]:
    """Make each of `variants` of accord `accord_id`'s dashboard as a request asking for it
    would, in the shared store, all at the revision read first: it stops when the accord is
    revised meanwhile (or gone, or past `deadline`). A variant a request would refuse (an
    unknown chart, size or language; a filter or date no longer valid) is skipped. The
    charts up to `CLAIM_AHEAD` ahead of the one drawn are claimed, and every claim let go
    when the drawing ends, stops or fails. Returns (how many were made or found, whether it
    went to the end)."""
    made, revision, claimed_to = 0, None, 0
    try:
        for index, variant in enumerate(variants):
            if deadline is not None and time.monotonic() >= deadline:
                return made, False
            if variant.chart is not None:
                ahead = [v for v in variants[max(index, claimed_to):index + CLAIM_AHEAD]
                         if v.chart is not None]
                for group in _asked_alike(ahead):  # one request context for each
                    page = Variant(group[0].language, query=group[0].query)
                    claimed = _in_request(app, accord_id, page, revision,
                                          functools.partial(_claim, charts=group))
                    if claimed is None:
                        return made, False
                    revision = claimed[0]
                claimed_to = max(claimed_to, index + CLAIM_AHEAD)
            drawn = _in_request(app, accord_id, variant, revision, _make)
            if drawn is None:
                return made, False
            revision, ok = drawn
            made += ok
        return made, True
    finally:
        from .. import chartstore

        chartstore.let_go()


def _make(accord, variant: Variant) -> None:
    from .routes import CHART_PARAMS, PAGE_PARAMS, _selection, page_body
    from .shared import chart_bytes, data_state

    if variant.chart is None:
        selection = _selection(accord, PAGE_PARAMS)
        page_body(accord, selection, data_state(accord))
    else:
        selection = _selection(accord, CHART_PARAMS)
        chart_bytes(accord, selection, data_state(accord), variant.chart, variant.fmt,
                    variant.size)


def _asked_alike(variants: list[Variant]) -> list[list[Variant]]:
    """`variants` in runs asked in one language with one query (the charts of one page),
    in their order."""
    runs: list[list[Variant]] = []
    for variant in variants:
        if runs and (runs[-1][0].language, runs[-1][0].query) == (variant.language,
                                                                  variant.query):
            runs[-1].append(variant)
        else:
            runs.append([variant])
    return runs


def _claim(accord, _page: Variant, charts: list[Variant]) -> None:
    """Claim each of `charts` (asked alike: `_asked_alike`) in the request context of their
    page: one selection and one database state for all; a chart, format or size a request
    would refuse is skipped."""
    from .routes import CHART_PARAMS, _selection
    from .shared import claim_chart, data_state

    selection, state = _selection(accord, CHART_PARAMS), data_state(accord)
    for variant in charts:
        if _chart_asked_well(variant):
            claim_chart(accord, selection, state, variant.chart, variant.fmt, variant.size)


def _chart_asked_well(variant: Variant) -> bool:
    """Whether a request would take chart `variant`'s name, format and size."""
    from ..charts import SIZES
    from .board import CHARTS
    from .routes import MIME

    return variant.chart in CHARTS and variant.fmt in MIME and variant.size in SIZES


def _in_request(app: Flask, accord_id: int, variant: Variant, revision: int | None,
                do: Callable) -> tuple[int | None, bool] | None:
    """`do(accord, variant)` (make or claim one variant) at `revision` (None: the current
    one), in a request context as the request asking for it would have: (the revision,
    whether it was done), or None when the accord is gone, a reference accord, or revised
    since."""
    from flask_babel import force_locale

    from ..extensions import db
    from ..models import Accord

    if variant.language not in app.config["LANGUAGES"] or (variant.chart is not None
                                                           and not _chart_asked_well(variant)):
        return revision, False
    with app.test_request_context("/", query_string=list(variant.query),
                                  headers={"Accept-Language": variant.language}):
        accord = db.session.get(Accord, accord_id, populate_existing=True)
        if accord is None or accord.kind == "reference":
            return None
        if revision is not None and accord.revision != revision:
            return None  # revised meanwhile: the newer write queued its own drawing
        revision = accord.revision  # as read now (a commit while drawing expires `accord`)
        with force_locale(variant.language):
            try:
                do(accord, variant)
            except HTTPException:  # refused as a request would be: nothing to keep
                return revision, False
        return revision, True


def _after_commit(session: Session) -> None:
    touched = session.info.pop(SESSION_KEY, None)
    if touched and has_app_context():
        drawer = current_app.extensions.get("drawahead")
        if drawer is not None:
            drawer.schedule(sorted(touched))


def _after_soft_rollback(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction is gone, and its changes with it
        session.info.pop(SESSION_KEY, None)


_LISTENING = False


def init_app(app: Flask) -> None:
    """Give the app its queue; listen for commits once per process."""
    global _LISTENING
    app.extensions["drawahead"] = DrawAhead(
        app, app.config.get("CHART_DRAW_AHEAD", "off"),
        float(app.config.get("CHART_DRAW_AHEAD_COALESCE_SECONDS", 1.0)))
    if not _LISTENING:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _LISTENING = True
