"""A chart's measures and its plot's place without a layout engine: the two sizes ("wide",
"narrow") with their fonts and label widths (`_layout`, `_font`), the ticks drawn as few
artists (`_light_ticks`), and the margins computed from the texts' kept extents (`_margins`,
`_fit`: no second drawing)."""
from __future__ import annotations

from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.transforms import ScaledTranslation

from ..palette import INK
from .text import _text_size


FORMATS = ("png", "svg")
SIZES = ("wide", "narrow")
DPI = 100
WIDTH = 9.0  # inches: 900 px at DPI
HEIGHT = 4.5
PAD = 0.06  # inches: the figure's margin around its texts, and the gap between them
#: Most ticks an axis of a narrow (phone) chart carries: its labels never run together.
NARROW_TICKS = 6
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


#: Charts that grow with their category rows: drawing function -> the kind of row
#: (`_Layout.row`); and charts drawn taller than their size's base height: (function, size)
#: -> height (inches). What `_figure` is given, and what a page reserves (`drawn_pixels`).
ROW_KINDS = {"group_bars": "bars", "comparison_ranges": "types", "heatmap": "types"}
TALL = {("events_map", "wide"): 6.5}


def figure_inches(size: str, rows: int = 0, per_row: str = "",
                  height: float | None = None) -> tuple[float, float]:
    """(width, height) in inches of a figure of `size`: its base height (or `height`), taller
    when `rows` category rows of kind `per_row` need it. ValueError: unknown size."""
    layout = _layout(size)
    height = height or layout.height
    if rows:
        height = max(height, 1.9 + layout.row[per_row] * rows)
    return layout.width, height


def drawn_pixels(function: str, size: str, rows: int = 0) -> tuple[int, int]:
    """(width, height) in CSS pixels (96 per inch: a browser shows the SVG, written in points,
    at this size) of the chart drawn by `function` (a drawing function's name) at `size`
    with `rows` category rows (counted only for the charts that grow with them): the room a
    page keeps for the chart before it arrives. ValueError: unknown size."""
    kind = ROW_KINDS.get(function, "")
    width, height = figure_inches(size, rows if kind else 0, kind, TALL.get((function, size)))
    return round(width * 96), round(height * 96)


def _font(fig: Figure, role: str) -> float:
    return _layout(getattr(fig, "layout_size", "wide")).font[role]


TICK_GAP = 7.0  # points from the plot to its tick labels (tick length 3.5 + pad 3.5)
LABEL_GAP = 4.0  # points from the tick labels to the axis label (matplotlib's labelpad)
ROW_LABEL_GAP = 3.5  # points from the plot's left edge to a row's label (a tick label's pad)


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
    if legend is not None and not getattr(legend, "inside", False):  # a legend above
        need["top"] = max(need["top"], legend.get_window_extent(
            fig.canvas.get_renderer()).height + 0.015 * fig.bbox.height)
    return need, [(at, w * points / 2) for at, w, _ in xs]


def _fit(fig: Figure) -> None:
    """Place the plot between the title and the footer with room for its tick labels, axis
    labels and legend, as constrained layout would, but from each text's kept extent (no
    layout engine, no extra drawing). Annotations the layout counts (in_layout) that would
    still run past the figure's right or top edge shrink the plot. Then each of
    `fig.after_fit` (callables, no arguments) runs: texts placed by the plot's final
    pixels."""
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
    for arrange in getattr(fig, "after_fit", ()):  # texts placed once the plot is placed
        arrange()
