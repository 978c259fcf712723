"""Charts as PNG or SVG bytes, drawn with matplotlib's object API (never pyplot).

Every function takes plain data (the lists and dicts that `figures.AccordFigures` and the API
give) and a `labels` dict of texts the caller has already translated, and returns the image
bytes. Keys every chart reads from `labels`: "title", "source" (the line at the bottom) and,
optionally, "note" (shown boxed at the bottom right: the caller passes "Illustrative data"
when the data is illustrative) and "empty" (shown in the plot when there is nothing to draw).
"levels" holds the four level names, level 0 first; "x" and "y" the axis labels; "decimal"
the reader's decimal sign for figures written on a chart (default ".").

Two sizes (`size`): "wide" (9 x 4.5 inches, 900 px wide as PNG) for screens and print, and
"narrow" (4 inches wide: 288 pt, drawn at about 384 CSS px) for phones, where an SVG shown at
360-390 px keeps axis text at about 12-13 px. A narrow chart wraps its title, labels and source
line to its width and stacks its legend in fewer columns.

One palette for the four levels everywhere (Okabe-Ito, safe for colour-blind readers: warm
hues for levels not yet reached, blues for the levels reached).

Cost (tens of ms a chart, drawn ahead after every write): each text's extent is measured once
per process (`_extent`: shaping a string costs matplotlib 1-6 ms), the plot's margins are
computed from those extents instead of by a layout engine (`_fit`: no second drawing), and
the artists are few: the bars of one level are one path (`_boxes`), ticks are one line of
marks, plain texts and one grid collection per axis (`_light_ticks`), category rows are
labelled by plain texts (`_row_labels`). An SVG is written by one `Figure.draw` (`_svg`).
"""
from __future__ import annotations

import io
import math
import threading
from datetime import date, timedelta
from typing import Mapping, Sequence

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.dates import DateFormatter, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from ..cache import Recent
from ..domain.scale import LEVEL_KEYS
from ..palette import (ACCORD, INK, LEVEL_COLOURS, MARKER, NON_PRIORITY, PRIORITY,  # noqa: F401
                      REFERENCE_IQR, REFERENCE_MEAN, REFERENCE_RANGE, TEXT_ON_LEVEL)

FORMATS = ("png", "svg")
SIZES = ("wide", "narrow")
DPI = 100
WIDTH = 9.0  # inches: 900 px at DPI
HEIGHT = 4.5
PAD = 0.06  # inches: the figure's margin around its texts, and the gap between them
FONT = {"title": 14, "label": 11, "tick": 10, "legend": 10, "source": 9, "value": 9}


class _Layout:
    """A size's measures: figure width and base height (inches); font sizes by role
    (points); characters per line of a label by use ("bars", "types", "tags": category
    labels; "axis", "legend") and the lines a category label may take; characters per line
    of the title; legend columns at most; height (inches) per category row by chart kind
    ("bars", "types"), for charts that grow with their rows."""

    def __init__(self, width, height, font, label_chars, label_lines, title_chars, columns,
                 row):
        self.width, self.height, self.font = width, height, font
        self.label_chars, self.label_lines = label_chars, label_lines
        self.title_chars, self.columns, self.row = title_chars, columns, row


_LAYOUTS = {
    "wide": _Layout(WIDTH, HEIGHT, FONT,
                    label_chars={"bars": 38, "types": 44, "tags": 30, "axis": 200,
                                 "legend": 200},
                    label_lines=2, title_chars=200, columns=4,
                    row={"bars": 0.5, "types": 0.27}),
    "narrow": _Layout(4.0, 4.6, {"title": 12, "label": 10, "tick": 9.5, "legend": 9.5,
                                 "source": 8.5, "value": 8.5},
                      label_chars={"bars": 20, "types": 22, "tags": 14, "axis": 26,
                                   "legend": 40},
                      label_lines=3, title_chars=36, columns=2,
                      row={"bars": 0.62, "types": 0.5}),
}


def _layout(size: str) -> _Layout:
    if size not in _LAYOUTS:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    return _LAYOUTS[size]

_SVG_LOCK = threading.Lock()  # rc_context is process-wide: one SVG save at a time


# --- text extents, measured once per process ---------------------------------------------------
# Measuring a string (font shaping) costs 1-6 ms in matplotlib 3.11, and a chart measures
# each of its texts several times (layout, alignment, tick label boxes), with a new renderer
# each time: most of a chart's drawing time. A string's extent in a font never changes, so it
# is measured once, in points (unhinted, as the SVG renderer measures), and scaled to each
# renderer's resolution.

# (text, font) -> (width, height, descent) in points; no write changes them
_EXTENTS = Recent(20_000, "charts.text_extents", follows_data=False)
_TEXT_TO_PATH = TextToPath()


def _extent(text: str, prop, ismath) -> tuple[float, float, float]:
    """Width, height and descent (points) of `text` set in font `prop`; mathtext and TeX
    are measured each time (never used by these charts' own texts)."""
    if ismath:
        return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)
    prop = prop.copy()  # FontProperties is mutable: the key keeps the font as measured
    key = (text, prop)
    found = _EXTENTS.get(key)
    if found is None:
        found = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, False)
        _EXTENTS.put(key, found)
    return found


class _MeasuredText:
    """A renderer mixin whose text extents come from `_extent`, in its own pixels."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath == "TeX":
            return super().get_text_width_height_descent(s, prop, ismath)
        scale = self.points_to_pixels(1.0)
        return tuple(value * scale for value in _extent(s, prop, ismath))


class _RendererAgg(_MeasuredText, RendererAgg):
    pass


class _RendererSVG(_MeasuredText, RendererSVG):
    pass


class _Canvas(FigureCanvasAgg):
    """The Agg canvas (PNG, and the measures of the layout), with measured text kept."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer, self._lastKey = _RendererAgg(w, h, self.figure.dpi), key
        return self.renderer


# --- frame: figure, title, legend, source line, bytes ----------------------------------------

def _figure(labels: Mapping, size: str = "wide", rows: int = 0, per_row: str = "",
            height: float | None = None) -> tuple[Figure, object]:
    """A figure of `size` with its title, source line and note; `rows` category rows of
    kind `per_row` ("bars", "types") make it taller than the size's base height (inches;
    `height` replaces the base height). The plot's margins are set when it is saved
    (`_fit`)."""
    layout = _layout(size)
    height = height or layout.height
    if rows:
        height = max(height, 1.9 + layout.row[per_row] * rows)
    fig = Figure(figsize=(layout.width, height), dpi=DPI, facecolor="white")
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


def _font(fig: Figure, role: str) -> float:
    return _layout(getattr(fig, "layout_size", "wide")).font[role]


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


def _lines(artist, text: str, room: float, renderer) -> list[str]:
    """`text` as lines at most `room` pixels wide when drawn by `artist`: parts joined by
    " · " stay whole where they fit, a part too long alone breaks between words (a single
    word wider than `room` keeps its own line)."""
    def fits(candidate: str) -> bool:
        artist.set_text(candidate)
        return artist.get_window_extent(renderer).width <= room

    lines: list[str] = []
    for part in text.split(" · "):
        if lines and fits(lines[-1] + " · " + part):
            lines[-1] += " · " + part
            continue
        line = ""
        for word in part.split(" "):
            if line and not fits(line + " " + word):
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _axis_labels(ax, labels: Mapping) -> None:
    fig = ax.get_figure()
    font, chars = _font(fig, "label"), _layout(fig.layout_size).label_chars["axis"]
    ax.set_xlabel(_wrap(labels.get("x", ""), chars, 2), fontsize=font, color=INK)
    ax.set_ylabel(labels.get("y", ""), fontsize=font, color=INK)


def _legend(ax, handles: list) -> None:
    """Above the plot, under the title: never over the data; two columns if one row would
    run past the figure's right edge."""
    fig = ax.get_figure()
    layout = _layout(getattr(fig, "layout_size", "wide"))
    if fig.layout_size == "narrow":  # above the plot from the figure's left edge, so long
        # category labels on the left leave it the whole width
        anchor = blended_transform_factory(fig.transFigure, ax.transAxes)
        columns = min(len(handles), layout.columns)
        for handle in handles:  # a long entry takes two lines rather than run off the edge
            handle.set_label(_wrap(handle.get_label(), layout.label_chars["legend"], 2))
        while True:
            legend = ax.legend(handles=handles, ncols=columns, loc="lower left",
                               bbox_to_anchor=(0.01, 1.01), bbox_transform=anchor,
                               borderaxespad=0, frameon=False, fontsize=layout.font["legend"])
            if columns == 1 or (legend.get_window_extent(fig.canvas.get_renderer()).width
                                <= fig.bbox.width * 0.97):
                return
            columns -= 1
    options = {"loc": "lower left", "bbox_to_anchor": (0, 1.01), "borderaxespad": 0,
               "frameon": False, "fontsize": layout.font["legend"]}
    columns = min(len(handles), layout.columns) or 1
    legend = ax.legend(handles=handles, ncols=columns, **options)
    while columns > 1 and (legend.get_window_extent(fig.canvas.get_renderer()).width
                           > fig.bbox.width * (0.75 if columns == len(handles) else 0.95)):
        columns = max(1, min(columns - 1, 2))
        legend = ax.legend(handles=handles, ncols=columns, **options)


def _level_handles(labels: Mapping, order: Sequence[int] = (0, 1, 2, 3)) -> list[Patch]:
    return [Patch(facecolor=LEVEL_COLOURS[i], label=labels["levels"][i]) for i in order]


TICK_GAP = 7.0  # points from the plot to its tick labels (tick length 3.5 + pad 3.5)
LABEL_GAP = 4.0  # points from the tick labels to the axis label (matplotlib's labelpad)


def _text_size(text: str, prop, rotation: float = 0) -> tuple[float, float]:
    """Width and height (points) of `text` (lines split at newlines) in font `prop`, from the
    kept extents; upright (rotation 90) the two swap."""
    lines = text.split("\n")
    width = max(_extent(line, prop, False)[0] for line in lines)
    line = _extent("Ålp", prop, False)[1]
    height = line * (1 + 1.2 * (len(lines) - 1))
    return (height, width) if rotation % 180 == 90 else (width, height)


def _light_ticks(ax) -> None:
    """Draw each axis's ticks as one line of tick marks, one text per label and one
    collection of grid lines, where matplotlib makes a Tick (five artists, about 1 ms each
    to make and as much to draw) per tick: same places, marks, fonts, colours and grid
    (read from the axis's tick parameters). Labels go in `ax.light_labels` ({"x", "y"}:
    [(place along the axis 0-1, Text)]) for `_margins`; the axis labels are then placed
    by `_place_axis_labels`."""
    fig = ax.get_figure()
    ax.light_labels = {}
    for name in ("x", "y"):
        axis = getattr(ax, f"{name}axis")
        params = axis.get_tick_params(which="major")
        low, high = sorted(getattr(ax, f"get_{name}lim")())
        locs = list(axis.get_majorticklocs())
        texts = axis.major.formatter.format_ticks(locs)
        getattr(ax, f"set_{name}ticks")([])
        slack = 1e-9 * abs(high - low)
        shown = [(loc, text) for loc, text in zip(locs, texts)
                 if low - slack <= loc <= high + slack]
        marked = params.get("bottom" if name == "x" else "left", True)
        length = params.get("length", 3.5) if marked else 0
        gap = (length + 3.5) / 72
        place = (ax.get_xaxis_transform() if name == "x" else ax.get_yaxis_transform())
        ink = params.get("color", INK)
        if shown and length:
            at = [loc for loc, _ in shown]
            ax.add_line(Line2D(at if name == "x" else [0] * len(at),
                               [0] * len(at) if name == "x" else at, transform=place,
                               marker=TICKDOWN if name == "x" else TICKLEFT, markersize=length,
                               markeredgewidth=0.8, color=ink, linestyle="", clip_on=False))
        if shown and params.get("gridOn"):
            lines = [[(loc, 0), (loc, 1)] if name == "x" else [(0, loc), (1, loc)]
                     for loc, _ in shown]
            below = ax.get_axisbelow()
            ax.add_collection(LineCollection(
                lines, transform=place, colors=params.get("grid_color", "#b0b0b0"),
                linewidths=params.get("grid_linewidth", 0.8),
                zorder=0.5 if below is True else 1.5 if below == "line" else 2.5),
                autolim=False)
        shift = (ScaledTranslation(0, -gap, fig.dpi_scale_trans) if name == "x"
                 else ScaledTranslation(-gap, 0, fig.dpi_scale_trans))
        options = ({"ha": "center", "va": "top"} if name == "x"
                   else {"ha": "right", "va": "center_baseline"})
        ax.light_labels[name] = [
            ((loc - low) / ((high - low) or 1),
             ax.text(loc if name == "x" else 0, 0 if name == "x" else loc, text,
                     transform=place + shift, fontsize=params.get("labelsize", _font(fig, "tick")),
                     color=params.get("labelcolor", INK), **options))
            for loc, text in shown if text]
        ax.light_gap = getattr(ax, "light_gap", {}) | {name: length + 3.5}


def _place_axis_labels(ax, renderer) -> None:
    """The axis labels beyond the light tick labels (matplotlib would place them from its
    own ticks' boxes): labelpad (4 pt) beyond the farthest label."""
    if not hasattr(ax, "light_labels"):
        return
    fig, frame = ax.get_figure(), ax.bbox
    points = fig.dpi / 72
    for name, label in (("x", ax.xaxis.label), ("y", ax.yaxis.label)):
        if not label.get_text():
            continue
        sizes = [_text_size(t.get_text(), t.get_fontproperties())
                 for _, t in ax.light_labels[name]]
        away = ax.light_gap[name] + max([h if name == "x" else w for w, h in sizes] + [0.0])
        if name == "y" and getattr(ax, "row_labels", None):
            away = max(away, ROW_LABEL_GAP + max(
                _text_size(t.get_text(), t.get_fontproperties())[0] for t in ax.row_labels))
        away = (away + LABEL_GAP) * points
        if name == "x":
            ax.xaxis.set_label_coords(0.5, -away / frame.height)
        else:
            ax.yaxis.set_label_coords(-away / frame.width, 0.5)


def _tick_sizes(axis) -> list[tuple[float, float, float]]:
    """(place along the axis 0-1, width, height in points) of each tick label drawn."""
    light = getattr(axis.axes, "light_labels", None)
    if light is not None:
        return [(at, *_text_size(text.get_text(), text.get_fontproperties()))
                for at, text in light[axis.axis_name]]
    low, high = sorted(axis.get_view_interval())
    sizes = []
    for tick in axis.get_major_ticks(len(axis.get_majorticklocs())):
        loc, label = tick.get_loc(), tick.label1
        if loc is None or not label.get_visible() or not label.get_text():
            continue
        if low - 1e-9 * abs(high - low) <= loc <= high + 1e-9 * abs(high - low):
            sizes.append(((loc - low) / ((high - low) or 1),
                          *_text_size(label.get_text(), label.get_fontproperties(),
                                      label.get_rotation())))
    return sizes


def _margins(fig: Figure, ax) -> tuple[dict, list]:
    """Pixels the plot needs outside its frame on each side ("left", "right", "bottom",
    "top") for its tick labels, axis labels and legend, from the texts' kept extents; and
    the x tick labels as (place along the axis 0-1, half their width in pixels), which may
    run past the frame's ends."""
    points = fig.dpi / 72
    if not getattr(ax, "keep_ticks", False):
        _light_ticks(ax)
    xs, ys = _tick_sizes(ax.xaxis), _tick_sizes(ax.yaxis)
    need = {"left": 0.0, "right": 0.0, "bottom": 0.0, "top": 0.0}
    rows = [_text_size(text.get_text(), text.get_fontproperties())
            for text in getattr(ax, "row_labels", ())]
    if rows:
        need["left"] = ROW_LABEL_GAP + max(w for w, _ in rows)
        need["top"] = rows[0][1] / 2
    if ys:
        need["left"] = max(need["left"], TICK_GAP + max(w for _, w, _ in ys))
        need["top"] = max([need["top"]] + [h / 2 for at, _, h in ys if at > 0.97])
    if xs:
        need["bottom"] = TICK_GAP + max(h for _, _, h in xs)
    for side, label in (("left", ax.yaxis.label), ("bottom", ax.xaxis.label)):
        if label.get_text():
            size = _text_size(label.get_text(), label.get_fontproperties(), label.get_rotation())
            need[side] += LABEL_GAP + (size[0] if side == "left" else size[1])
    need = {side: value * points for side, value in need.items()}
    legend = ax.get_legend()
    if legend is not None:
        need["top"] = max(need["top"], legend.get_window_extent(
            fig.canvas.get_renderer()).height + 0.015 * fig.bbox.height)
    return need, [(at, w * points / 2) for at, w, _ in xs]


def _fit(fig: Figure) -> None:
    """Place the plot between the title and the footer with room for its tick labels, axis
    labels and legend, as constrained layout would, but from each text's kept extent (no
    layout engine, no extra drawing). Annotations the layout counts (in_layout) that would
    still run past the figure's right or top edge shrink the plot."""
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    pad = PAD * fig.dpi
    width, height = fig.bbox.width, fig.bbox.height
    top, bottom = height - pad, pad
    for text in fig.texts + [fig._suptitle, fig._supxlabel]:
        if text is not None and text.get_text():
            extent = text.get_window_extent(renderer)
            if extent.y0 > height / 2:
                top = min(top, extent.y0 - pad)
            else:
                bottom = max(bottom, extent.y1 + pad)
    need, ends = _margins(fig, ax)
    left, right = pad + need["left"], width - pad - need["right"]
    for at, half in ends:  # an x tick label centred near an end stays inside the figure
        if at > 0:
            right = min(right, left + (width - pad - half - left) / at)
        if at < 1:
            left = max(left, (pad + half - at * right) / (1 - at))
    low, high = bottom + need["bottom"], top - need["top"]
    ax.set_position([left / width, low / height, max(right - left, 10) / width,
                     max(high - low, 10) / height])
    notes = [text for text in ax.texts if text.get_in_layout() and hasattr(text, "xyann")]
    if notes:
        right_over = max(text.get_window_extent(renderer).x1 for text in notes) - (width - pad)
        top_over = max(text.get_window_extent(renderer).y1 for text in notes) - high
        if right_over > 0 or top_over > 0:
            right -= max(right_over, 0)
            high -= max(top_over, 0)
            ax.set_position([left / width, low / height, max(right - left, 10) / width,
                             max(high - low, 10) / height])
    _place_axis_labels(ax, renderer)


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


def _boxes(ax, lefts: Sequence[float], bottoms: Sequence[float], widths: Sequence[float],
           heights: Sequence[float], colour: str, label: str = "", **style) -> PathPatch:
    """Rectangles (data units: left, bottom, width, height each) drawn as ONE artist, one
    path in the SVG, rather than one artist per bar; empty ones are left out. The data
    limits grow to hold them; `style`: PathPatch options (edgecolor, linewidth)."""
    vertices, codes = [], []
    for x, y, w, h in zip(lefts, bottoms, widths, heights):
        if w and h:
            vertices += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    patch = PathPatch(Path(vertices or [(0, 0)], codes or [Path.MOVETO]), facecolor=colour,
                      label=label, **{"linewidth": 0, **style})
    if vertices:
        ax.add_patch(patch)
    return patch


ROW_LABEL_GAP = 3.5  # points from the plot's left edge to a row's label (a tick label's pad)


def _row_labels(ax, texts: Sequence[str]) -> None:
    """One label per category row (y = 0, 1, ...) left of the plot, where an axis would put
    its tick labels (same font, colour, gap and alignment), as plain texts: a tick is five
    artists, and these rows have no tick marks. A y-axis label goes beyond them."""
    fig = ax.get_figure()
    ax.set_yticks([])
    place = ax.get_yaxis_transform() + ScaledTranslation(-ROW_LABEL_GAP / 72, 0,
                                                         fig.dpi_scale_trans)
    ax.row_labels = [ax.text(0, y, text, transform=place, ha="right", va="center_baseline",
                             fontsize=_font(fig, "tick"), color=INK)
                     for y, text in enumerate(texts)]


def _dates(points: Sequence[Mapping]) -> list[date]:
    return [date.fromisoformat(p["date"]) for p in points]


def _year_axis(ax) -> None:
    """A tick each year; on a narrow chart every n-th year, at most six ticks."""
    base = 1
    if getattr(ax.get_figure(), "layout_size", "wide") == "narrow":
        first, last = ax.get_xlim()
        base = max(1, math.ceil((last - first) / 365.25 / 6))
    first, last = (day.year for day in num2date(sorted(ax.get_xlim())))
    ax.xaxis.set_major_locator(FixedLocator(  # 1 January of every `base`-th year shown
        [date2num(date(year, 1, 1)) for year in range(first, last + 1) if year % base == 0]))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)


def _time_span(ax, first: date | None, last: date | None) -> None:
    """x from the first to the last date; a month around a lone date (never a zero span)."""
    if first is None:
        return
    if last is None or last <= first:
        first, last = first - timedelta(days=15), first + timedelta(days=15)
    ax.set_xlim(first, last)


def _no_data(ax, labels: Mapping, empty: bool) -> None:
    """Say so in the middle of the plot when there is nothing to draw."""
    if empty:
        ax.text(0.5, 0.5, labels.get("empty", ""), transform=ax.transAxes, ha="center",
                va="center", fontsize=_font(ax.get_figure(), "label"),
                color="#555555")


def _percent_axis(ax, axis: str = "y") -> None:
    getattr(ax, f"set_{axis}lim")(0, 100)
    getattr(ax, f"set_{axis}ticks")(range(0, 101, 20))


# --- over time -------------------------------------------------------------------------------

def priority_lines(points: Sequence[Mapping], since: str | None, labels: Mapping,
                   fmt: str = "png", size: str = "wide") -> bytes:
    """Score of priority and non-priority provisions (and all) at each period end.

    points: [{"date", "score", "priority", "non_priority"}]; since: ISO date of the priority
    flags, marked by a vertical line labelled labels["since"].
    labels: "all", "priority", "non_priority", "x", "y".
    """
    fig, ax = _figure(labels, size)
    days = _dates(points)
    series = (("score", labels["all"], ACCORD, "-", 1.6), ("priority", labels["priority"],
              PRIORITY, "-", 2.6), ("non_priority", labels["non_priority"], NON_PRIORITY,
              "--", 2.6))
    handles = []
    for key, name, colour, style, width in series:
        values = [p[key] for p in points]
        if any(v is not None for v in values):
            handles += ax.plot(days, [float("nan") if v is None else v for v in values],
                               color=colour, linestyle=style, linewidth=width, label=name)
    when = date.fromisoformat(since) if since else None
    if when and days and days[0] <= when <= days[-1]:  # only within the period shown
        ax.axvline(when, color=MARKER, linestyle=":", linewidth=1.6)
        left_half = (when - days[0]) <= (days[-1] - when)
        note = ax.annotate(labels["since"], xy=(when, 1), xycoords=("data", "axes fraction"),
                           xytext=(4 if left_half else -4, -4), textcoords="offset points",
                           va="top", ha="left" if left_half else "right",
                           fontsize=_font(fig, "value"), color=MARKER)
        note.set_in_layout(False)
    _time_span(ax, days[0] if days else None, days[-1] if days else None)
    _no_data(ax, labels, not handles)
    _year_axis(ax)
    _percent_axis(ax)
    _axis_labels(ax, labels)
    _legend(ax, handles)
    return _save(fig, fmt)


def status_area(points: Sequence[Mapping], labels: Mapping, fmt: str = "png",
                size: str = "wide") -> bytes:
    """Shares (percent) of the four levels at each period end, stacked: complete at the
    bottom. points: [{"date", "shares": {level key: percent}}]."""
    fig, ax = _figure(labels, size)
    days = _dates(points)
    order = (3, 2, 1, 0)  # stacked from the bottom
    stacks = [[p["shares"][LEVEL_KEYS[i]] or 0 for p in points] for i in order]
    ax.stackplot(days, stacks, colors=[LEVEL_COLOURS[i] for i in order],
                 edgecolor="white", linewidth=0.3)
    _time_span(ax, days[0] if days else None, days[-1] if days else None)
    _no_data(ax, labels, all(p["shares"][key] is None for p in points for key in LEVEL_KEYS))
    _year_axis(ax)
    _percent_axis(ax)
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)


def pace_projection(points: Sequence[Mapping], pace: Mapping, labels: Mapping,
                    fmt: str = "png", size: str = "wide") -> bytes:
    """The score so far, its projection at the last 12 months' pace, and the pace needed to
    reach 100 by the target date. points: [{"date", "score"}]; pace: the API's pace figures
    ("as_of", "score", "monthly_change_12m", "target_date").
    labels: "score", "projection", "required", "target", "x", "y"."""
    fig, ax = _figure(labels, size)
    days = _dates(points)
    scores = [float("nan") if p["score"] is None else p["score"] for p in points]
    handles = ax.plot(days, scores, color=ACCORD, linewidth=2.2, label=labels["score"])
    start = date.fromisoformat(pace["as_of"])
    target = date.fromisoformat(pace["target_date"]) if pace.get("target_date") else None
    end = max(target or start, start + timedelta(days=730))
    _time_span(ax, days[0] if days else start, end + timedelta(days=90))
    _no_data(ax, labels, all(p["score"] is None for p in points))
    score, monthly = pace.get("score"), pace.get("monthly_change_12m")
    if score is not None and monthly is not None:
        months = (end - start).days * 12 / 365.25
        if monthly:  # stop where the line leaves the 0-100 scale
            months = min(months, ((100 if monthly > 0 else 0) - score) / monthly)
        finish = start + timedelta(days=months * 365.25 / 12)
        handles += ax.plot([start, finish], [score, score + monthly * months], color=PRIORITY,
                           linestyle="--", linewidth=2.2, label=labels["projection"])
    if target is not None and score is not None and target > start:
        handles += ax.plot([start, target], [score, 100], color=NON_PRIORITY, linestyle=":",
                           linewidth=2.2, label=labels["required"])
        ax.axvline(target, color=MARKER, linewidth=1.2)
        note = ax.annotate(labels["target"], xy=(target, 0.03),
                           xycoords=("data", "axes fraction"), xytext=(-4, 0),
                           textcoords="offset points", ha="right", fontsize=_font(fig, "value"),
                           color=MARKER)
        note.set_in_layout(False)
    _year_axis(ax)
    _percent_axis(ax)
    _axis_labels(ax, labels)
    _legend(ax, handles)
    return _save(fig, fmt)


# --- as of one date --------------------------------------------------------------------------

def group_bars(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
               size: str = "wide") -> bytes:
    """One horizontal bar per group (point or theme), split into the four levels' shares.
    rows: [{"label", "shares": {level key: percent}}], drawn top to bottom."""
    fig, ax = _figure(labels, size, len(rows), "bars")
    layout = _layout(size)
    ys = list(range(len(rows)))
    left = [0.0] * len(rows)
    for level, key in enumerate(LEVEL_KEYS):
        widths = [r["shares"].get(key) or 0 for r in rows]
        _boxes(ax, left, [y - 0.35 for y in ys], widths, [0.7] * len(ys), LEVEL_COLOURS[level],
               edgecolor="white", linewidth=0.6)
        for y, x0, width in zip(ys, left, widths):
            if width >= 7:  # room for the figure inside the bar
                ax.text(x0 + width / 2, y, f"{width:.0f}", ha="center", va="center",
                        fontsize=_font(fig, "value"), color=TEXT_ON_LEVEL[level])
        left = [a + b for a, b in zip(left, widths)]
    _row_labels(ax, [_wrap(r["label"], layout.label_chars["bars"], layout.label_lines)
                     for r in rows])
    _no_data(ax, labels, not rows)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    _percent_axis(ax, "x")
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)


def tag_bars(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
             size: str = "wide") -> bytes:
    """Grouped bars: for each subset (the whole selection, gender, ethnic...) the share of
    each level side by side. rows: [{"label", "shares": {level key: percent}}]."""
    fig, ax = _figure(labels, size)
    width = 0.8 / len(LEVEL_KEYS)
    for level, key in enumerate(LEVEL_KEYS):
        xs = [i + (level - 1.5) * width for i in range(len(rows))]
        values = [r["shares"].get(key) or 0 for r in rows]
        _boxes(ax, [x - width * 0.475 for x in xs], [0] * len(xs), [width * 0.95] * len(xs),
               values, LEVEL_COLOURS[level])
        for x, value in zip(xs, values):  # the figure above its bar, below the top (ylim)
            ax.annotate(f"{value:.0f}", (x, value), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=_font(fig, "value"), color=INK,
                        in_layout=False)
    layout = _layout(size)
    ax.set_xticks(range(len(rows)), [_wrap(r["label"], layout.label_chars["tags"],
                                           layout.label_lines) for r in rows],
                  fontsize=layout.font["tick"])
    _no_data(ax, labels, all(v is None for r in rows for v in r["shares"].values()))
    highest = max([v or 0 for r in rows for v in r["shares"].values()] + [10])
    ax.set_ylim(0, highest * 1.1 + 4)  # room for the figures above the bars
    ax.set_yticks([t for t in range(0, 101, 10 if highest <= 60 else 20) if t <= highest + 4])
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)


# --- against the reference set ---------------------------------------------------------------

def _reference_handles(labels: Mapping, with_range: bool = False) -> list:
    handles = [Line2D([], [], color=ACCORD, marker="o", linestyle="", markersize=8,
                      label=labels["accord"]),
               Line2D([], [], color=REFERENCE_MEAN, marker="|", linestyle="", markersize=14,
                      markeredgewidth=2.4, label=labels["mean"]),
               Patch(facecolor=REFERENCE_IQR, label=labels["iqr"])]
    if with_range:
        handles[1] = Line2D([], [], color=REFERENCE_MEAN, linestyle="--", label=labels["mean"])
        handles[0] = Line2D([], [], color=ACCORD, marker="o", linewidth=2.2,
                            label=labels["accord"])
        handles.append(Patch(facecolor=REFERENCE_RANGE, label=labels["range"]))
    return handles


def comparison_ranges(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
                      size: str = "wide") -> bytes:
    """Per provision type: the accord's mean level (dot) beside the reference accords' mean
    (tick) and interquartile range (grey bar), on the 0-3 scale.
    rows: [{"label", "accord_level", "reference": {"mean", "q1", "q3"} | None}]."""
    fig, ax = _figure(labels, size, len(rows), "types")
    layout = _layout(size)
    compared = [(y, r["reference"]) for y, r in enumerate(rows) if r.get("reference")]
    _boxes(ax, [r["q1"] for _, r in compared], [y - 0.3 for y, _ in compared],
           [r["q3"] - r["q1"] for _, r in compared], [0.6] * len(compared), REFERENCE_IQR)
    ax.plot([r["mean"] for _, r in compared], [y for y, _ in compared], linestyle="",
            marker="|", markersize=14, markeredgewidth=2.4, color=REFERENCE_MEAN)
    ax.plot([r["accord_level"] for r in rows], range(len(rows)), linestyle="", marker="o",
            markersize=8, color=ACCORD)
    _row_labels(ax, [_wrap(r["label"], layout.label_chars["types"], layout.label_lines)
                     for r in rows])
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    ax.set_xlim(-0.1, 3.1)
    _no_data(ax, labels, not rows)
    ax.set_xticks(range(4), [f"{i} {name}" if size == "wide" else str(i)
                             for i, name in enumerate(labels["levels"])])
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _reference_handles(labels))
    return _save(fig, fmt)


def score_curve(points: Sequence[Mapping], labels: Mapping, fmt: str = "png",
                size: str = "wide") -> bytes:
    """The accord's score by year since signing over the reference accords' band (range and
    interquartile range) and mean. points: the API's score_curve entries."""
    fig, ax = _figure(labels, size)
    banded = [p for p in points if p.get("reference")]
    years = [p["year"] for p in banded]
    refs = [p["reference"] for p in banded]
    ax.fill_between(years, [r["min"] for r in refs], [r["max"] for r in refs],
                    color=REFERENCE_RANGE, linewidth=0)
    ax.fill_between(years, [r["q1"] for r in refs], [r["q3"] for r in refs],
                    color=REFERENCE_IQR, linewidth=0)
    ax.plot(years, [r["mean"] for r in refs], color=REFERENCE_MEAN, linestyle="--")
    own = [p for p in points if p.get("accord_score") is not None]
    ax.plot([p["year"] for p in own], [p["accord_score"] for p in own], color=ACCORD,
            marker="o", linewidth=2.2)
    ax.set_xticks([p["year"] for p in points])
    _no_data(ax, labels, not points)
    ax.set_xlim(0.8, max([p["year"] for p in points] + [1]) + 0.2)
    _percent_axis(ax)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _reference_handles(labels, with_range=True))
    return _save(fig, fmt)


def heatmap(rows: Sequence[Mapping], years: Sequence[int], labels: Mapping,
            fmt: str = "png", size: str = "wide") -> bytes:
    """Provision type x year since signing, each cell coloured by its (mean) level.
    rows: [{"label", "values": [level or None per year]}]; None cells are left blank."""
    fig, ax = _figure(labels, size, len(rows), "types")
    layout = _layout(size)
    grid = [[float("nan") if v is None else v for v in row["values"]] for row in rows]
    cmap = ListedColormap(LEVEL_COLOURS).with_extremes(bad="white")
    ax.imshow(grid or [[float("nan")]], cmap=cmap, norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4),
              aspect="auto", interpolation="nearest")
    for y, row in enumerate(rows):
        for x, value in enumerate(row["values"]):
            if value is not None:
                level = min(3, max(0, int(value + 0.5)))
                ax.text(x, y, _figure_text(value, labels), ha="center", va="center", fontsize=_font(fig, "value"),
                        color=TEXT_ON_LEVEL[level])
    if size == "wide":
        ax.set_xticks(range(len(years)), [str(y) for y in years])
    else:  # one line each, upright columns of text
        ax.set_xticks(range(len(years)), [str(y).replace("\n", " · ") for y in years],
                      rotation=90)
    _no_data(ax, labels, not rows)
    ax.set_yticks(range(len(rows)), [_wrap(r["label"], layout.label_chars["types"],
                                                   layout.label_lines) for r in rows],
                  fontsize=layout.font["tick"])
    ax.tick_params(length=0)
    ax.keep_ticks = True  # upright year labels on a narrow chart: matplotlib's own ticks
    for spine in ax.spines.values():
        spine.set_visible(False)
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)


def _figure_text(value: float, labels: Mapping) -> str:
    """A figure written on a chart (1.5 -> "1,5" for a Spanish reader): shortest form."""
    return f"{value:g}".replace(".", labels.get("decimal", ".")).replace("-", "\u2212")


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """Break `text` into at most `lines` lines of at most `width` characters, only between
    words (at spaces, or after a slash joining two words: "Electoral/" "Political"); never
    inside a word. A word longer than `width` gets a line of its own and is cut with an
    ellipsis only then; when the words need more than `lines` lines, the last line ends
    with an ellipsis after its last whole word that fits."""
    words: list[str] = []
    for word in text.split():
        parts = word.split("/")  # "Verification/Monitoring" may break after the slash
        words += [part + "/" for part in parts[:-1] if part] + ([parts[-1]] if parts[-1] else [])
    out: list[str] = []
    for word in words:
        joiner = "" if out and out[-1].endswith("/") else " "
        if out and len(out[-1]) + len(joiner) + len(word) <= width:
            out[-1] += joiner + word
        else:
            out.append(word)
    out = [line if len(line) <= width else line[: width - 1] + "…" for line in out]
    if len(out) > lines:
        last = out[lines - 1]
        kept = last.split(" ")
        while kept and len(" ".join(kept)) + 1 > width:
            kept.pop()
        out = out[: lines - 1] + [(" ".join(kept) if kept else last[: width - 1]) + "…"]
    return "\n".join(out)


# --- implementation events -------------------------------------------------------------------

def events_per_month(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
                     size: str = "wide") -> bytes:
    """Verified events by month: events with an advancing link as bars above the axis,
    events with a setback below it, and every event as a step line.

    rows: [{"month": date (first day), "events", "advances", "setbacks"}].
    labels: "events", "advances", "setbacks", "x", "y".
    """
    fig, ax = _figure(labels, size)
    months = [r["month"] for r in rows]
    width = 24  # days: a month's bar with a gap
    handles = []
    if rows:
        middle = [m + timedelta(days=14) for m in months]
        lefts = [value - width / 2 for value in date2num(middle)]
        for key, sign, level in (("advances", 1, 3), ("setbacks", -1, 0)):
            bars = _boxes(ax, lefts, [0] * len(rows), [width] * len(rows),
                          [sign * r[key] for r in rows], LEVEL_COLOURS[level], labels[key])
            bars.sticky_edges.y.append(0)
            handles.append(bars)
        handles += ax.step(middle, [r["events"] for r in rows], where="mid", color=ACCORD,
                           linewidth=1.2, label=labels["events"])
        ax.axhline(0, color=INK, linewidth=0.8)
        _time_span(ax, months[0], months[-1] + timedelta(days=31))
    _no_data(ax, labels, not any(r["events"] for r in rows))
    _year_axis(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole ticks only
    ax.yaxis.set_major_formatter(lambda value, _pos: f"{abs(round(value)):d}")
    _axis_labels(ax, labels)
    if handles:
        _legend(ax, handles)
    return _save(fig, fmt)


def _size_handles(ax, most: int, scale: float, label: str):
    """A legend of dot sizes: 1, about half the most and the most events."""
    counts = sorted({1, (most + 1) // 2, most})
    return [ax.scatter([], [], s=max(12, n * scale), color=LEVEL_COLOURS[3], alpha=0.6,
                       edgecolors="white", linewidths=0.5, label=str(n)) for n in counts], label


def events_map(points: Sequence[Mapping], labels: Mapping, fmt: str = "png",
               size: str = "wide", named: int = 5,
               outline: Sequence[tuple[float, float]] = ()) -> bytes:
    """Verified events by municipality at the municipalities' points (longitude, latitude
    in WGS84 degrees), each dot's area proportional to its events, with a legend of dot
    sizes; the `named` places with most events are labelled; `outline`: (longitude,
    latitude) of every municipality, drawn faintly under the dots (the country's shape).
    Axis degrees in the reader's decimal sign. points: [{"name", "longitude", "latitude",
    "events"}], most events first. labels: "x", "y", "legend" (what a dot is), "outline"
    (what a faint point is)."""
    fig, ax = _figure(labels, size, height=6.5 if size == "wide" else None)
    handles = []
    if outline:
        handles.append(ax.scatter([p[0] for p in outline], [p[1] for p in outline], s=4,
                                  color="#B0B0B0", linewidths=0,
                                  label=labels.get("outline", "")))
    if points:
        most = max(p["events"] for p in points)
        scale = (400 if size == "wide" else 150) / most  # the largest dot's area (pt²)
        ax.scatter([p["longitude"] for p in points], [p["latitude"] for p in points],
                   s=[max(12, p["events"] * scale) for p in points], color=LEVEL_COLOURS[3],
                   alpha=0.6, edgecolors="white", linewidths=0.5, label=labels["legend"])
        lons = [p["longitude"] for p in points] + [p[0] for p in outline]
        lats = [p["latitude"] for p in points] + [p[1] for p in outline]
        middle = (min(lons) + max(lons)) / 2
        for p in points[:named]:  # a name east of the middle runs west: never off the edge
            east = p["longitude"] > middle
            ax.annotate(f"{p['name'].title()} ({p['events']})", (p["longitude"], p["latitude"]),
                        xytext=(-5 if east else 5, 5), textcoords="offset points",
                        ha="right" if east else "left", fontsize=_font(fig, "value"),
                        color=INK)
        sizes, title = _size_handles(ax, most, scale, labels["legend"])
        pad = 1.0
        ax.set_xlim(min(lons) - pad, max(max(lons) + pad, min(lons) + 4))
        ax.set_ylim(min(lats) - pad, max(max(lats) + pad, min(lats) + 4))
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(lambda value, _pos: _figure_text(value, labels))
    _no_data(ax, labels, not points)
    _axis_labels(ax, labels)
    if points and size == "narrow":  # above the plot, as every chart's on a phone
        _legend(ax, sizes + handles)
        ax.get_legend().set_title(title, prop={"size": _font(fig, "value")})
    elif points:  # at the bottom left: the Pacific on a map of Colombia
        legend = ax.legend(handles=sizes + handles, title=title, loc="lower left",
                           fontsize=_font(fig, "value"), title_fontsize=_font(fig, "value"),
                           framealpha=0.9, labelspacing=1.0, borderpad=0.8)
        legend.get_frame().set_edgecolor("#CCCCCC")
    return _save(fig, fmt)
