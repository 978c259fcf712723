"""What visitors asked for recently, per accord: the variants of its dashboard the draw-ahead
redraws after a write (`drawahead`), instead of every size, language and format.

A variant is the dashboard's content or one of its charts (name, format, size), in one
language, with one choice of the page's parameters (filters, comparison year, a date other
than today). The views note each variant they answer (`note`) in the shared store
(`tracker.chartstore`: Redis, or files every process of the machine shares), so a variant
asked through any worker or instance is drawn ahead by whichever process takes the write.
A process notes one variant at most once per `NOTE_EVERY` seconds (a kept answer costs no
store write); variants not asked for `CHART_DRAW_AHEAD_RECENT_MINUTES` (default 30) are
forgotten; at most `CHART_DRAW_AHEAD_MAX` (default 48) are drawn ahead per accord, the most
recently asked first.

Not noted: views that include records awaiting review (coordinators' only: the draw-ahead
draws as an anonymous visitor), and answers refused for bad parameters.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import current_app, request
from flask_babel import get_locale

from .. import chartstore
from ..cache import Recent
from .board import CHARTS

log = logging.getLogger(__name__)

NOTE_EVERY = 60.0
#: The parameters that choose a variant (`routes.CHART_PARAMS` without `size`, a chart's own).
PARAMS = ("as_of", "section", "tag", "year", "known_at", "include_pending")
_NOTED = Recent(1024, "dashboard.asked")  # (accord id, variant) -> monotonic time noted


@dataclass(frozen=True)
class Variant:
    """One answer of an accord's dashboard: `chart` None for the page's content, else a
    chart's name with its `fmt` ("svg", "png") and `size` (`charts.SIZES`); `query`: the
    page's parameters as sorted (name, value) pairs."""

    language: str
    chart: str | None = None
    fmt: str = ""
    size: str = ""
    query: tuple[tuple[str, str], ...] = ()

    def encode(self) -> str:
        return json.dumps([self.language, self.chart, self.fmt, self.size,
                           [list(pair) for pair in self.query]], separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> "Variant | None":
        """The variant `text` encodes; None for anything else (never an error)."""
        try:
            language, chart, fmt, size, query = json.loads(text)
            pairs = tuple((str(k), str(v)) for k, v in query)
            return cls(str(language), None if chart is None else str(chart), str(fmt),
                       str(size), pairs)
        except (ValueError, TypeError):
            return None

    def order(self) -> tuple:
        """Pages first (a visitor asks the page, then its charts), then wide charts, each
        size's charts in the page's order (the order a browser asks for them: the drawing
        keeps ahead of the first visitor after a write)."""
        return (self.chart is not None, self.size != "wide",
                CHARTS.index(self.chart) if self.chart in CHARTS else len(CHARTS))


def of_request(chart: str | None = None, fmt: str = "", size: str = "") -> Variant | None:
    """The variant the current request asks for; None when it is not drawn ahead (records
    awaiting review). A date equal to today is left out: "today" is redrawn each day."""
    today = date.today().isoformat()
    query = tuple(sorted((name, value) for name, value in request.args.items()
                         if name in PARAMS and not (name == "as_of" and value == today)))
    if any(name == "include_pending" and value.lower() in ("1", "true", "yes", "on")
           for name, value in query):
        return None
    return Variant(str(get_locale()), chart, fmt, size, query)


def note(accord_id: int, variant: Variant | None) -> None:
    """Note that `variant` of accord `accord_id` was asked for (at most once per NOTE_EVERY
    seconds per process). A store that fails is logged: the answer is sent anyway."""
    if variant is not None:
        _note(chartstore.store(), accord_id, variant)


def noter(accord_id: int, variant: Variant | None) -> Callable[[], None] | None:
    """`note` as a callable that needs no app context (the current app's store kept in it):
    what a kept answer (`tracker.kept`) calls each time it is sent; None for no variant."""
    if variant is None:
        return None
    shared = chartstore.store()
    return lambda: _note(shared, accord_id, variant)


def _note(shared, accord_id: int, variant: Variant) -> None:
    key, now = (accord_id, variant), time.monotonic()
    last = _NOTED.get(key)
    if last is not None and now - last < NOTE_EVERY:
        return
    _NOTED.put(key, now)
    try:
        shared.note_asked(str(accord_id), variant.encode())
    except (OSError, *chartstore._redis_errors()) as exc:
        log.warning("could not note what was asked (%s)", exc)


def recent(accord_id: int) -> list[Variant]:
    """The variants of accord `accord_id` asked for recently, in the order they are drawn
    ahead (`Variant.order`): pages, then wide charts, then the rest, each size's charts in
    the page's order; within each, the most recently asked first."""
    config = current_app.config
    seconds = 60 * float(config.get("CHART_DRAW_AHEAD_RECENT_MINUTES", 30))
    limit = int(config.get("CHART_DRAW_AHEAD_MAX", 48))
    found = chartstore.store().asked(str(accord_id), seconds, limit)
    variants = [v for v in map(Variant.decode, found) if v is not None]
    return sorted(variants, key=Variant.order)  # stable: recency kept within each rank
