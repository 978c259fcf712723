"""What the dashboard computes once for every process: its figures (a `board.Board`'s,
kept in this process and pickled into the shared store, `tracker.chartstore`) and its charts
(drawn once per content, found through a key of the database state), and the keys that name
them (`data_state`, `etag_for`). Views (`routes`) and the draw-ahead (`drawahead`) both go
through here, so a chart drawn ahead is byte for byte the one a request would draw."""
from __future__ import annotations

import hashlib
import pickle

from flask import current_app
from flask_babel import get_locale

from .. import build, chartstore, queries
from ..api import params
from ..cache import Recent
from ..compression import Stored
from ..models import Accord
from .board import Board, DashboardFigures, Selection
from .drawing import chart_inputs, content_key

_FIGURES = Recent(32, "dashboard.figures")  # (state, locale, selection) -> Board.snapshot()
_DRAWN = Recent(128, "dashboard.charts")  # ETag -> Stored chart (a chart is ~20-130 kB)


def clear(figures: bool = True, drawn: bool = True) -> None:
    """Forget the figures and/or charts kept in this process."""
    if figures:
        _FIGURES.clear()
    if drawn:
        _DRAWN.clear()


def data_state(accord: Accord, reference_version: str | None = None) -> tuple:
    """The database state a dashboard's figures depend on: the same on every instance.
    `accord` as read in this transaction (`queries.current_accord`: its revision is the
    one stored); `reference_version`: the default reference set's version read with it,
    else read here."""
    if reference_version is None:
        reference_version = queries.default_reference_set_version(wanted_reference_set())
    return (accord.id, accord.revision, reference_version, accord.name,
            accord.name_translated, accord.illustrative,
            accord.signed_on, accord.target_date)


def wanted_reference_set() -> str | None:
    """The reference set the dashboards compare with (`REFERENCE_SET`; None: the default)."""
    return current_app.config.get("REFERENCE_SET")


def etag_for(state: tuple, *parts) -> str:
    """The key (an ETag, quoted) of what `parts` ask of the dashboard at database `state`, in
    the current language and app version."""
    key = (state, str(get_locale()), parts, build.fingerprint())
    return '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


def figures_for(accord: Accord, selection: Selection) -> DashboardFigures:
    """The accord's figures for the selection's record choice (pending, known at)."""
    return DashboardFigures(accord, include_pending=selection.include_pending,
                            known_at=selection.known_at)


def board_for(accord: Accord, selection: Selection, state: tuple) -> Board:
    """The dashboard's figures, with those already computed for this state reused: kept in
    this process, else computed by another process (the shared store: `keep_figures`)."""
    figures = figures_for(accord, selection)
    for name, chosen in (("section", selection.section), ("tag", selection.tag)):
        if chosen is not None:  # 400 for a section or tag the accord does not have
            params.check_filter(name, chosen, figures.provisions)
    board = Board(accord, figures, selection)
    key = (state, str(get_locale()), selection)
    kept = _FIGURES.get(key)
    if kept is None:
        shared = chartstore.read(_shared_figures_key(state, selection))
        if shared is not None:
            kept = pickle.loads(shared)
            _FIGURES.put(key, kept)
    board.__dict__.update(kept or {})
    return board


def keep_figures(board: Board, state: tuple) -> None:
    """Keep the figures `board` computed, in this process and, when they are more than
    were kept, in the shared store: after a write, the process that draws the page (or a
    chart) first computes them once for every process (~70 ms of CPU on a 578-provision
    accord, against ~1 ms to read them). The store is the app's own (files in the instance
    folder, or the deployment's Redis), trusted as the code is: its entries are pickles."""
    key = (state, str(get_locale()), board.sel)
    known, snapshot = _FIGURES.get(key), board.snapshot()
    _FIGURES.put(key, snapshot)
    if known is None or len(snapshot) > len(known):
        chartstore.write(_shared_figures_key(state, board.sel),
                         pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))


def _shared_figures_key(state: tuple, selection: Selection) -> str:
    return "figures " + etag_for(state, "figures", selection)


def chart_bytes(accord: Accord, selection: Selection, state: tuple, name: str,
                fmt: str, size: str = "wide") -> bytes:
    """Chart `name` of the dashboard `selection` in `fmt`, in the current language, from
    the shared store (`tracker.chartstore`), else drawn once for every process and kept
    there (the draw-ahead's way: it keeps nothing in this process). Asked for by
    `etag_for(state, name, fmt, selection)` (database state, parameters, language, format,
    app version: a revalidation and a kept chart cost one query), drawn and stored by what
    the chart shows (`drawing.content_key`: its data, translated labels, format, size and
    the app version), so a write that leaves a chart's data as it was draws nothing again
    (an event write redraws the event charts only), and a chart drawn ahead after a write
    (`drawahead`) is the one a request then finds. `state` is `data_state(accord)` read in
    this transaction; `size` one of `charts.SIZES`."""
    return _stored_chart(accord, selection, state, name, fmt, size)


def claim_chart(accord: Accord, selection: Selection, state: tuple, name: str, fmt: str,
                size: str = "wide") -> str | None:
    """Claim the drawing of chart `name` (as `chart_bytes` would draw it) for this thread
    (`chartstore.claim`): the key claimed, or None when it is drawn already or another
    process is drawing it."""
    if chartstore.read(_pointer(state, name, fmt, selection, size)):
        return None
    board = board_for(accord, selection, state)
    content = content_key(name, fmt, size, chart_inputs(board, name))
    keep_figures(board, state)  # the drawing that follows reads them instead of computing
    return content if chartstore.claim(content) else None


def _pointer(state: tuple, name: str, fmt: str, selection: Selection, size: str) -> str:
    return "content of " + etag_for(state, name, fmt, selection, size)


def _stored_chart(accord: Accord, selection: Selection, state: tuple, name: str, fmt: str,
                  size: str) -> bytes:
    """The shared store holds a drawing under its content key and, under "content of " and
    the state key, that content key: a later request, in any process, reads the content key
    then the drawing, and computes nothing."""
    pointer = _pointer(state, name, fmt, selection, size)
    drawn_as = chartstore.read(pointer)
    found = chartstore.read(drawn_as.decode("ascii", "replace")) if drawn_as else None
    if found is not None:
        return found
    board = board_for(accord, selection, state)
    inputs = chart_inputs(board, name)
    keep_figures(board, state)
    content = content_key(name, fmt, size, inputs)
    drawn = chartstore.get_or_draw(content, lambda: inputs.draw(fmt, size))
    chartstore.write(pointer, content.encode())
    return drawn


def kept_chart(accord: Accord, selection: Selection, state: tuple, name: str, fmt: str,
               size: str) -> Stored:
    """`_stored_chart`, kept in this process with its gzip form (made once, when first
    sent)."""
    return _DRAWN.get_or_make(etag_for(state, name, fmt, selection, size), lambda: Stored(
        _stored_chart(accord, selection, state, name, fmt, size)))
