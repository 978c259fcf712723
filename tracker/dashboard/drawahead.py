"""Draw-ahead: after a commit that changes an accord, its dashboard's default content and
charts are drawn in the background, so the first official to open the dashboard finds them
ready.

- `services.touch` (every write raises the accord's revision through it) notes the accord in
  the session; after the commit (never before, never after a rollback) the accord is queued.
- The queue is bounded (`QUEUE_SIZE` accords) and coalesces: an accord written ten times
  while queued is drawn once, at its newest revision.
- One daemon thread per process drains it, never on the request that wrote. It runs only
  where a long-running server runs: `CHART_DRAW_AHEAD = "thread"` (set by
  `tracker/gunicorn_conf.py`); "queue" only queues (tests drain by hand); "off" (the
  default: commands, one-shot scripts) does nothing.
- The page's content (`routes.page_body`) and each chart (`routes.chart_bytes`) are made with
  the same selection, state and language a request without parameters would have, into the
  shared store (`tracker.chartstore`): what is drawn ahead is byte for byte what a request
  would draw.

Settings: `CHART_DRAW_AHEAD_LANGUAGES` (default: every language of the app) and
`CHART_DRAW_AHEAD_FORMATS` (default: "png", the format the dashboard page shows; set "svg"
when the page shows SVG charts).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUE_SIZE = 16
SESSION_KEY = "tracker.touched_accords"
MODES = ("off", "queue", "thread")


class DrawAhead:
    """The bounded, coalescing queue of accords to draw, and its drawing thread."""

    def __init__(self, app: Flask, mode: str):
        if mode not in MODES:
            raise ValueError(f"CHART_DRAW_AHEAD must be one of {', '.join(MODES)}")
        self.app, self.mode = app, mode
        self.pending: OrderedDict[int, None] = OrderedDict()
        self.lock, self.wake = threading.Lock(), threading.Event()
        self.thread: threading.Thread | None = None
        self.thread_pid: int | None = None
        self.dropped = 0

    def schedule(self, accord_ids) -> None:
        """Queue accords (already queued ones stay in place; beyond QUEUE_SIZE, dropped)."""
        if self.mode == "off":
            return
        with self.lock:
            for accord_id in accord_ids:
                if accord_id in self.pending:
                    continue
                if len(self.pending) >= QUEUE_SIZE:
                    self.dropped += 1
                    continue
                self.pending[accord_id] = None
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

    def _next(self) -> int | None:
        with self.lock:
            return self.pending.popitem(last=False)[0] if self.pending else None

    def drain(self) -> int:
        """Draw every queued accord's default charts, here and now; returns charts made."""
        made = 0
        while (accord_id := self._next()) is not None:
            try:
                made += draw_defaults(self.app, accord_id)
            except Exception:  # a failed draw-ahead costs the next visitor time, nothing more
                log.exception("drawing ahead the charts of accord %s failed", accord_id)
        return made

    def _run(self) -> None:
        # Not niced: a request for a chart being drawn here waits for this thread's lock, so
        # a lower priority would make the visitor wait longer (priority inversion).
        while True:
            self.wake.wait()
            self.wake.clear()
            self.drain()


def default_charts(app: Flask) -> list[tuple[str, str, str, str]]:
    """(language, chart name, format, size) of every chart drawn ahead: by default what the
    dashboard page shows (SVG, wide and narrow, in every language), in the order they are
    drawn: size by size (the first, "wide", is what a desktop browser asks for), and within
    a size language by language, so an official arriving during the drawing finds the
    page and the charts of the commonest view drawn first."""
    from ..charts import SIZES
    from .board import CHARTS

    languages = app.config.get("CHART_DRAW_AHEAD_LANGUAGES") or app.config["LANGUAGES"]
    formats = app.config.get("CHART_DRAW_AHEAD_FORMATS") or ("svg",)
    sizes = app.config.get("CHART_DRAW_AHEAD_SIZES") or SIZES
    return [(language, name, fmt, size) for size in sizes for language in languages
            for name in CHARTS for fmt in formats]


def draw_defaults(app: Flask, accord_id: int, deadline: float | None = None) -> int:
    """Make the default charts of accord `accord_id`'s dashboard (as a request without
    parameters would, in each language) in the shared store; returns how many were made or
    found. A reference accord, or one gone, has none. `deadline` (`time.monotonic()`
    seconds): no chart is begun after it (the start-up warming's bound)."""
    from flask_babel import force_locale

    from ..extensions import db
    from ..models import Accord
    from .routes import _selection, chart_bytes, data_state, page_body

    made, pages = 0, set()
    for language, name, fmt, size in default_charts(app):
        if deadline is not None and time.monotonic() >= deadline:
            return made
        with app.test_request_context("/", headers={"Accept-Language": language}):
            accord = db.session.get(Accord, accord_id, populate_existing=True)
            if accord is None or accord.kind == "reference":
                return made
            with force_locale(language):
                selection, state = _selection(accord), data_state(accord)
                if language not in pages:  # the page first: it is what a visitor asks first
                    page_body(accord, selection, state)
                    pages.add(language)
                chart_bytes(accord, selection, state, name, fmt, size)
            made += 1
    return made


def note_touched(accord_id: int) -> None:
    """Called by `services.touch`: this transaction changes the accord's figures."""
    from ..extensions import db

    db.session.info.setdefault(SESSION_KEY, set()).add(accord_id)


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
    app.extensions["drawahead"] = DrawAhead(app, app.config.get("CHART_DRAW_AHEAD", "off"))
    if not _LISTENING:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _LISTENING = True
