"""A chart's frame and bytes: the figure with its title, source line and note (`_figure`),
its axis labels and legend above the plot (`_axis_labels`, `_legend`, `_level_handles`), and
the PNG or SVG it is saved as (`_save`, `_svg`), drawn by renderers that keep text extents;
the collector's pause while a chart is drawn (`_drawing`)."""
from __future__ import annotations

import functools
import gc
import io
import threading
from typing import Callable, Mapping, Sequence, TypeVar

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from ..palette import INK, LEVEL_COLOURS
from .layout import DPI, FORMATS, PAD, _fit, _font, _layout, figure_inches
from .text import _RendererAgg, _RendererSVG, _lines, _wrap


_SVG_LOCK = threading.Lock()  # rc_context is process-wide: one SVG save at a time

# --- the garbage collector while charts are drawn ----------------------------------------------
# A figure is tens of thousands of objects in reference cycles, alive until its bytes are
# written. Collected as usual, the cyclic collector runs dozens of times during one chart,
# finds the figure alive and moves it to its older generations, where it turns to garbage
# that only the costly collections of the whole heap free (a worker's heap: 3-5 ms of each
# chart's 25-35). Paused while any chart of the process is drawn, then one collection of the
# youngest generation frees the figure at once (about 1.5 ms).
_PAUSE = threading.Lock()
_paused = {"drawing": 0, "was_enabled": True}
_Drawn = TypeVar("_Drawn", bound=Callable)


def _drawing(draw: _Drawn) -> _Drawn:
    """`draw` (a public drawing function) with the cyclic garbage collector paused while it
    runs, in this and any other thread, and the youngest generation collected once the last
    drawing of the process ends (the collector is left off if something else had turned
    it off)."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with _PAUSE:
            if _paused["drawing"] == 0:
                _paused["was_enabled"] = gc.isenabled()
                gc.disable()
            _paused["drawing"] += 1
        try:
            return draw(*args, **kwargs)
        finally:
            with _PAUSE:
                _paused["drawing"] -= 1
                last = _paused["drawing"] == 0 and _paused["was_enabled"]
                if last:
                    gc.enable()
            if last:
                gc.collect(0)
    return drawn  # type: ignore[return-value]


class _Canvas(FigureCanvasAgg):
    """The Agg canvas (PNG, and the measures of the layout), with measured text kept."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer, self._lastKey = _RendererAgg(w, h, self.figure.dpi), key
        return self.renderer


def _figure(labels: Mapping, size: str = "wide", rows: int = 0, per_row: str = "",
            height: float | None = None) -> tuple[Figure, object]:
    """A figure of `size` with its title, source line and note; `rows` category rows of
    kind `per_row` ("bars", "types") make it taller than the size's base height (inches;
    `height` replaces the base height). The plot's margins are set when it is saved
    (`_fit`)."""
    layout = _layout(size)
    width, height = figure_inches(size, rows, per_row, height)
    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    _Canvas(fig)
    fig.layout_size = size  # read by the helpers below
    fig.suptitle(_wrap(labels["title"], layout.title_chars, 3), x=0.01, y=1 - PAD / height,
                 ha="left", va="top", fontsize=layout.font["title"], fontweight="bold",
                 color=INK)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=layout.font["tick"], colors=INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _footer(fig, labels)
    return fig, ax


def _footer(fig: Figure, labels: Mapping) -> None:
    """The source line at the bottom left (space kept by the layout as a figure x-label),
    and the boxed note at the bottom right; the source wraps (at " · ", else between words)
    to stay inside the figure and clear the note."""
    source = fig.supxlabel(labels["source"], x=0.01, y=PAD / fig.get_figheight(), ha="left",
                           va="bottom", fontsize=_font(fig, "source"), color="#333333")
    renderer = fig.canvas.get_renderer()
    room = fig.bbox.width * 0.97
    if labels.get("note"):
        note = fig.text(0.99, PAD / fig.get_figheight(), labels["note"],
                        fontsize=_font(fig, "label"), fontweight="bold",
                        color="#5C4500", ha="right", va="bottom",
                        bbox={"boxstyle": "round,pad=0.25", "facecolor": "#FFF3CD",
                              "edgecolor": "#E0C067"})
        room -= note.get_window_extent(renderer).width + 16
    source.set_text("\n".join(_lines(source, labels["source"], room, renderer)))


def _axis_labels(ax, labels: Mapping) -> None:
    fig = ax.get_figure()
    font, chars = _font(fig, "label"), _layout(fig.layout_size).label_chars["axis"]
    ax.set_xlabel(_wrap(labels.get("x", ""), chars, 2), fontsize=font, color=INK)
    ax.set_ylabel(labels.get("y", ""), fontsize=font, color=INK)


def _legend(ax, handles: list) -> None:
    """Above the plot, under the title: never over the data; two columns if one row would
    run past the figure's right edge. No entries (an empty selection draws no line): no
    legend."""
    if not handles:
        return
    fig = ax.get_figure()
    layout = _layout(getattr(fig, "layout_size", "wide"))
    if fig.layout_size == "narrow":  # above the plot from the figure's left edge, so long
        # category labels on the left leave it the whole width
        anchor = blended_transform_factory(fig.transFigure, ax.transAxes)
        columns = min(len(handles), layout.columns)
        for handle in handles:  # a long entry takes two lines rather than run off the edge
            handle.set_label(_wrap(handle.get_label(), layout.label_chars["legend"], 2))
        while True:
            legend = ax.legend(handles=_row_major(handles, columns), ncols=columns,
                               loc="lower left",
                               bbox_to_anchor=(0.01, 1.01), bbox_transform=anchor,
                               borderaxespad=0, frameon=False, fontsize=layout.font["legend"])
            if columns == 1 or (legend.get_window_extent(fig.canvas.get_renderer()).width
                                <= fig.bbox.width * 0.97):
                return
            columns -= 1
    options = {"loc": "lower left", "bbox_to_anchor": (0, 1.01), "borderaxespad": 0,
               "frameon": False, "fontsize": layout.font["legend"]}
    columns = min(len(handles), layout.columns)
    legend = ax.legend(handles=_row_major(handles, columns), ncols=columns, **options)
    while columns > 1 and (legend.get_window_extent(fig.canvas.get_renderer()).width
                           > fig.bbox.width * (0.75 if columns == len(handles) else 0.95)):
        columns = max(1, min(columns - 1, 2))
        legend = ax.legend(handles=_row_major(handles, columns), ncols=columns, **options)


def _row_major(handles: list, columns: int) -> list:
    """`handles` reordered so that a legend of `columns` columns, which matplotlib fills
    column by column (its first columns one entry longer), reads row by row in their
    order: 1 2 / 3 4, not 1 3 / 2 4."""
    rows, long_columns = divmod(len(handles), columns)
    return [handles[row * columns + column] for column in range(columns)
            for row in range(rows + (column < long_columns))]


def _level_handles(labels: Mapping, order: Sequence[int] = (0, 1, 2, 3)) -> list[Patch]:
    return [Patch(facecolor=LEVEL_COLOURS[i], label=labels["levels"][i]) for i in order]


def _save(fig: Figure, fmt: str) -> bytes:
    _fit(fig)
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    elif fmt == "svg":
        # Text stays text (searchable, translatable, smaller); fixed ids make the bytes stable.
        with _SVG_LOCK, rc_context({"svg.fonttype": "none", "svg.hashsalt": "accord-tracker"}):
            return _svg(fig)
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return buffer.getvalue()


def _svg(fig: Figure) -> bytes:
    """The figure as SVG, as `savefig(format="svg")` writes it (points, images at DPI), drawn
    by `_RendererSVG` so its text is measured once per process."""
    text = io.StringIO()
    width, height = fig.get_size_inches()
    fig.dpi = 72  # SVG units are points
    try:
        renderer = MixedModeRenderer(fig, width, height, DPI, _RendererSVG(
            width * 72, height * 72, text, image_dpi=DPI, metadata={"Date": None}))
        fig.draw(renderer)
        renderer.finalize()
    finally:
        fig.dpi = DPI
    return text.getvalue().encode("utf-8")
