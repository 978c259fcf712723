"""Charts of verified implementation events: events per month, advances above the axis and
setbacks below (`events_per_month`), and events by municipality on a map (`events_map`)."""
from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Mapping, Sequence

from matplotlib.dates import date2num
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator, MultipleLocator

from ..palette import ACCORD, INK, LEVEL_COLOURS, OUTLINE
from .axes import _add_path_patch, _boxes, _few_ticks, _no_data, _time_span, _year_axis
from .frame import _axis_labels, _drawing, _figure, _legend, _save
from .layout import TALL, _font, _layout
from .text import _figure_text, _text_size, _wrap

#: Places named on a narrow (phone) map at most: the table under the chart lists them all.
NARROW_NAMED = 3
#: The box under a place's name: white, a little see-through, no edge (the name clear of the
#: dots and lines beneath it, and still text in an SVG).
NAME_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
            "edgecolor": "none"}
#: Points kept between a name's line and another line or name (lines that touched or crossed
#: near their dots left a reader unsure which dot a name belongs to).
LINE_CLEARANCE = 2.0
#: Points between a dot's edge and its name, horizontally; above or below its centre.
NAME_GAP = (4.0, 3.0)


class _AspectAsMeant(logging.Filter):
    """Drops matplotlib's warning that an equal aspect widens limits set by hand: the map
    sets both and lets the aspect widen one, on purpose (the warning filled the server's
    log once for every map drawn)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "to fulfill fixed data aspect with adjustable data limits" not in \
            record.getMessage()


logging.getLogger("matplotlib.axes._base").addFilter(_AspectAsMeant())


@_drawing
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
    _signed_count_axis(ax, max((r["setbacks"] for r in rows), default=0), labels)
    _axis_labels(ax, labels)
    if handles:
        _legend(ax, handles)
    return _save(fig, fmt)


def _signed_count_axis(ax, setbacks: int, labels: Mapping) -> None:
    """Whole-count ticks on the y axis, on both sides of zero when there are setbacks: the
    axis reaches down to the first tick at or below the most setbacks of a month (a month
    of 2 setbacks under ticks 3 apart had no tick below zero to read it by). Ticks below
    zero are signed with a true minus ("−3"), as the setback bars are drawn: a bare "3" on
    both sides read as one count twice, the reader left to find out which side is which."""
    bottom, top = ax.get_ylim()
    ticks = MaxNLocator(integer=True).tick_values(-setbacks, top)  # counts: whole ticks
    step = max(1, round(ticks[1] - ticks[0])) if len(ticks) > 1 else 1
    if setbacks:  # the margin matplotlib gave the bars, or down to that tick if lower
        ax.set_ylim(min(bottom, -step * math.ceil(setbacks / step)), top)
    ax.yaxis.set_major_locator(MultipleLocator(step))
    ax.yaxis.set_major_formatter(lambda value, _pos: _figure_text(round(value), labels))


def _dot_area(events: int, scale: float) -> float:
    """A place's dot area (pt²): `scale` pt² an event, 12 at least (a dot to see)."""
    return max(12, events * scale)


def _size_handles(ax, most: int, scale: float, label: str):
    """A legend of dot sizes: 1, about half the most and the most events."""
    counts = sorted({1, (most + 1) // 2, most})
    return [ax.scatter([], [], s=_dot_area(n, scale), color=LEVEL_COLOURS[3], alpha=0.6,
                       edgecolors="white", linewidths=0.5, label=str(n)) for n in counts], label


@_drawing
def events_map(points: Sequence[Mapping], labels: Mapping, fmt: str = "png",
               size: str = "wide", named: int = 5,
               outline: Sequence[tuple[float, float]] = ()) -> bytes:
    """Verified events by municipality at the municipalities' points (longitude, latitude
    in WGS84 degrees), each dot's area proportional to its events, with a legend of dot
    sizes; the `named` places with most events are labelled (at most `NARROW_NAMED` on a
    narrow map, where a long name takes two lines), each name beside its dot where it
    overlaps no other name nor any dot, stays inside the plot and is nearer to its own dot
    than to any other or has a line to it (`_place_names`, `name_spot`), else left out;
    `outline`: (longitude, latitude) of every municipality, drawn faintly under the dots
    (the country's shape).
    Axis degrees in the reader's decimal sign. points: [{"name", "longitude", "latitude",
    "events"}], most events first. labels: "x", "y", "legend" (what a dot is), "outline"
    (what a faint point is)."""
    fig, ax = _figure(labels, size, height=TALL.get(("events_map", size)))
    handles = []
    lons = [p["longitude"] for p in points] + [p[0] for p in outline]
    lats = [p["latitude"] for p in points] + [p[1] for p in outline]
    if outline:
        handles.append(_outline(ax, outline, labels.get("outline", "")))
    if points:
        most = max(p["events"] for p in points)
        scale = (400 if size == "wide" else 150) / most  # the largest dot's area (pt²)
        area = {p["events"]: _dot_area(p["events"], scale) for p in points}
        for events in sorted(area, reverse=True):  # one scatter per dot size, largest first
            # (smaller dots on top, as before): a size's dots share one path in an SVG
            group = [p for p in points if p["events"] == events]
            ax.scatter([p["longitude"] for p in group], [p["latitude"] for p in group],
                       s=area[events], color=LEVEL_COLOURS[3], alpha=0.6,
                       edgecolors="white", linewidths=0.5)
        chars = _layout(size).label_chars["tags"] if size == "narrow" else 200
        notes = [ax.annotate(_wrap(f"{p['name']} ({p['events']})", chars),
                             (p["longitude"], p["latitude"]),
                             xytext=(0, 0), textcoords="offset points", ha="left",
                             va="bottom", fontsize=_font(fig, "value"), color=INK,
                             annotation_clip=False, in_layout=False,
                             bbox=NAME_BOX,  # text stays text in an SVG (a halo would not)
                             arrowprops={"arrowstyle": "-", "color": "#555555",
                                         "linewidth": 0.6, "shrinkA": 1, "shrinkB": 0})
                 for p in points[:named if size == "wide" else min(named, NARROW_NAMED)]]
        # every dot's radius (points) from its area: no name covers a dot
        dots = [(p["longitude"], p["latitude"], math.sqrt(area[p["events"]] / math.pi))
                for p in points]
        for note, dot in zip(notes, dots):
            note.radius = dot[2]
        middle = (min(lons) + max(lons)) / 2
        fig.after_fit = [lambda: _place_names(ax, notes, middle, dots)]
        sizes, title = _size_handles(ax, most, scale, labels["legend"])
    if lons:
        pad = 1.0
        ax.set_xlim(min(lons) - pad, max(max(lons) + pad, min(lons) + 4))
        ax.set_ylim(min(lats) - pad, max(max(lats) + pad, min(lats) + 4))
    ax.set_aspect("equal", adjustable="datalim")
    _few_ticks(ax)
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
        legend.inside = True  # in the plot's empty corner: no room kept above the plot
    return _save(fig, fmt)


OUTLINE_DOT = 2.26  # diameter (points) of a municipality's faint dot: an area of 4 pt²


def _outline(ax, outline: Sequence[tuple[float, float]], label: str) -> Line2D:
    """Every municipality of `outline` (longitude, latitude) as a faint dot, all of them ONE
    path of dots (a round-capped stroke of each point to itself, nudged by a billionth of a
    degree so that every renderer draws it): one element in an SVG, where a dot each would be
    one element each (~1,100 on a map of Colombia, which a phone's browser parses and lays out
    one by one). Returns the legend's handle (a dot of the same colour and size)."""
    vertices = [v for x, y in outline for v in ((x, y), (x + 1e-9, y))]
    codes = [Path.MOVETO, Path.LINETO] * len(outline)
    _add_path_patch(ax, PathPatch(Path(vertices, codes), fill=False, edgecolor=OUTLINE,
                                  linewidth=OUTLINE_DOT, capstyle="round", zorder=1))
    return Line2D([], [], linestyle="none", marker="o", markersize=OUTLINE_DOT,
                  markerfacecolor=OUTLINE, markeredgewidth=0, label=label)


def _box_distance(box: tuple[float, ...], x: float, y: float) -> float:
    """Distance (pixels) from the point (x, y) to the box (x0, y0, x1, y1): 0 inside it."""
    return math.hypot(max(box[0] - x, 0.0, x - box[2]), max(box[1] - y, 0.0, y - box[3]))


def name_spot(box: tuple[float, ...], own: tuple[float, float, float],
              dots: Sequence[tuple[float, float, float]]) -> bool | None:
    """Whether a place's name may sit in `box` (x0, y0, x1, y1) beside its dot `own`, among
    every dot of the map `dots` (x, y, radius; all in pixels; `own` may be among them):
    None when the box covers any dot's marker (the distance from a dot's centre to the box
    under its radius), else whether it needs a line to its dot: True when the box is nearer
    to another dot than to its own, measured from each dot's edge (the distance to its
    centre less its radius), so a reader never takes the name for a neighbour's. Pure."""
    mine = _box_distance(box, own[0], own[1]) - own[2]
    if mine < 0:
        return None
    line = False
    for x, y, radius in dots:
        if (x, y, radius) == own:
            continue
        edge = _box_distance(box, x, y) - radius
        if edge < 0:
            return None
        line = line or edge < mine
    return line


def _place_names(ax, notes: Sequence, middle: float,
                 dots: Sequence[tuple[float, float, float]] = ()) -> list[tuple[float, ...]]:
    """Put each name (annotations, most events first) at the first of twelve places beside
    its dot (above, then below; on the side towards the map's `middle` longitude first, so
    a name never runs off the map's edge; then farther out, with a line to its dot) whose
    box, measured from the kept text extents, lies inside the plot, overlaps no name
    placed before and meets `name_spot` over the map's `dots` (longitude, latitude, radius
    in points): covering no dot, and with a line to its own dot when nearer to another; a
    name with no such place is hidden (the table under the map lists every place). Offsets
    in points: the same in PNG and SVG. A name whose line to its dot (drawn towards the
    name's centre) would run through or graze a name placed before, or cross or come within
    `LINE_CLEARANCE` of its line, or whose box a line drawn before runs through, takes its
    next place. Deterministic. Returns the boxes of the names shown (x0, y0, x1, y1 in
    pixels); the lines drawn (x1, y1, x2, y2, pixels) are kept as `ax.name_lines`."""
    fig = ax.get_figure()
    ax.apply_aspect()  # the limits the plot is drawn with (equal aspect)
    scale = fig.dpi / 72
    frame = ax.bbox
    centres = ax.transData.transform([(d[0], d[1]) for d in dots]) if dots else []
    marks = [(float(cx), float(cy), d[2] * scale) for (cx, cy), d in zip(centres, dots)]
    taken: list[tuple[float, float, float, float]] = []
    lines: list[tuple[float, float, float, float]] = []  # the lines drawn so far (pixels)
    clear = LINE_CLEARANCE * scale  # pixels kept between a line and another line or name
    for note in notes:
        x, y = (float(v) for v in ax.transData.transform(note.xy))
        own = (x, y, note.radius * scale)
        width, height = _text_size(note.get_text(), note.get_fontproperties())
        out = -1 if note.xy[0] > middle else 1  # east of the middle: names run west first
        spots = []
        for far in (1, 3, 5):  # beside the dot's edge, then farther out (with a line)
            gx, gy = note.radius + NAME_GAP[0] * far, NAME_GAP[1] * far
            for side in (out, -out):
                for up in (1, -1):
                    dx = gx if side > 0 else -gx - width
                    spots.append((dx, gy if up > 0 else -gy - height, far > 1))
        note.set_visible(False)
        for dx, dy, far in spots:
            box = (x + dx * scale, y + dy * scale, x + (dx + width) * scale,
                   y + (dy + height) * scale)
            inside = (box[0] >= frame.x0 and box[2] <= frame.x1 and box[1] >= frame.y0
                      and box[3] <= frame.y1)
            if not inside or any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3]
                                 and b[1] < box[3] for b in taken):
                continue
            if any(segment_hits_box(seg, box, clear) for seg in lines):
                continue  # a line drawn before would run through (or graze) this name
            line = name_spot(box, own, marks)
            if line is None:
                continue
            drawn = far or line  # a name set apart points to its dot
            if drawn:  # drawn from the dot towards the name's centre, hidden under its box
                seg = (x, y, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                if any(segment_hits_box(seg, b, clear) for b in taken) or any(
                        segment_distance(seg, other) < clear for other in lines):
                    continue  # its line would run through a name, or cross or touch a line
                lines.append(seg)
            note.xyann = (dx, dy)
            note.set_visible(True)
            note.arrow_patch.set_visible(drawn)
            taken.append(box)
            break
    ax.name_lines = lines
    return taken


def segments_cross(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether segments a and b (x1, y1, x2, y2 each) cross at a point inside both (touching
    ends and parallel segments do not count). Pure."""
    def side(x1, y1, x2, y2, x, y):
        return (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)

    d1, d2 = side(*b, a[0], a[1]), side(*b, a[2], a[3])
    d3, d4 = side(*a, b[0], b[1]), side(*a, b[2], b[3])
    return d1 * d2 < 0 and d3 * d4 < 0


def segment_distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The shortest distance between segments a and b (x1, y1, x2, y2 each): 0 when they
    cross. Pure."""
    if segments_cross(a, b):
        return 0.0

    def to_segment(px, py, x1, y1, x2, y2):
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy)
                                                     / (dx * dx + dy * dy)))
        return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))

    return min(to_segment(a[0], a[1], *b), to_segment(a[2], a[3], *b),
               to_segment(b[0], b[1], *a), to_segment(b[2], b[3], *a))


def segment_hits_box(seg: tuple[float, ...], box: tuple[float, ...],
                     margin: float = 0.0) -> bool:
    """Whether the segment (x1, y1, x2, y2) runs through the inside of the box (x0, y0, x1,
    y1) grown by `margin` on every side: an end inside it, or a crossing of one of its
    sides. Pure."""
    x1, y1, x2, y2 = seg
    box = (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)

    def inside(x, y):
        return box[0] < x < box[2] and box[1] < y < box[3]

    if inside(x1, y1) or inside(x2, y2):
        return True
    corners = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
    return any(segments_cross(seg, (*corners[i], *corners[(i + 1) % 4])) for i in range(4))
