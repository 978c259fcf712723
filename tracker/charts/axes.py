"""What goes in a chart's plot besides its data: bars drawn as one path per colour
(`_boxes`), category rows labelled by plain texts (`_row_labels`), a dated axis by years
(`_dates`, `_year_axis`, `_time_span`), ticks set as places (`_fixed_ticks`), a 0-100 axis
(`_percent_axis`) and the note of an empty plot (`_no_data`)."""
from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Mapping, Sequence

from matplotlib.dates import DateFormatter, date2num, num2date
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ..palette import INK
from .layout import NARROW_TICKS, ROW_LABEL_GAP, _font


def _boxes(ax, lefts: Sequence[float], bottoms: Sequence[float], widths: Sequence[float],
           heights: Sequence[float], colour: str, label: str = "", **style) -> PathPatch:
    """Rectangles (data units: left, bottom, width, height each) drawn as ONE artist, one
    path in the SVG, rather than one artist per bar; empty ones are left out. The data
    limits and the view grow to hold them (a caller may set narrower limits after); `style`:
    PathPatch options (edgecolor, linewidth)."""
    vertices, codes = [], []
    for x, y, w, h in zip(lefts, bottoms, widths, heights):
        if w and h:
            vertices += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    patch = PathPatch(Path(vertices or [(0, 0)], codes or [Path.MOVETO]), facecolor=colour,
                      label=label, **{"linewidth": 0, **style})
    if vertices:
        _add_path_patch(ax, patch)
        ax.autoscale_view()  # the data limits grew but not the view: bars outside the view
        # would be cut off unless a later artist (a line) or set_*lim widened it
    return patch


def _add_path_patch(ax, patch: PathPatch) -> None:
    """`ax.add_patch(patch)` for a path of straight segments in data units, its data limits
    grown from its vertices at once (add_patch walks the path segment by segment in Python:
    a few ms for a path of a thousand dots or a hundred bars)."""
    ax.add_artist(patch)
    ax.update_datalim(patch.get_path().vertices)


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


def _narrow(ax) -> bool:
    return getattr(ax.get_figure(), "layout_size", "wide") == "narrow"


def _few_ticks(ax) -> None:
    """On a narrow chart, at most `NARROW_TICKS` ticks on each axis of a plot of figures
    (a map's degrees), at whole steps of 1, 2, 5 or 10 units: short labels that never run
    together ("−80 −75 −70", not "−82,5−80−77,5"). A wide chart keeps matplotlib's ticks."""
    if _narrow(ax):
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(nbins=NARROW_TICKS - 1, steps=[1, 2, 5, 10],
                                               integer=True))


def _year_axis(ax) -> None:
    """A tick each year; on a narrow chart every n-th year, at most `NARROW_TICKS` ticks."""
    base = 1
    if _narrow(ax):
        first, last = ax.get_xlim()
        base = max(1, math.ceil((last - first) / 365.25 / NARROW_TICKS))
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
    if empty:  # on a white box: a map's outline, or grid lines, run under it
        ax.text(0.5, 0.5, labels.get("empty", ""), transform=ax.transAxes, ha="center",
                va="center", fontsize=_font(ax.get_figure(), "label"),
                color="#555555", zorder=5, bbox={"boxstyle": "round,pad=0.3",
                                                  "facecolor": "white", "edgecolor": "none"})


def _fixed_ticks(axis, places: Sequence[float], texts: Sequence[str] | None = None) -> None:
    """Ticks at `places` on `axis` (labelled `texts`, else by the axis's formatter), as
    `Axis.set_ticks` sets them (the view grown to hold them) but without making a Tick, of
    five artists, for each: the chart draws its ticks light (`layout._light_ticks`)."""
    places = list(places)
    if places:
        axis.set_view_interval(min(places), max(places))
    axis.set_major_locator(FixedLocator(places))
    if texts is not None:
        axis.set_major_formatter(FixedFormatter(list(texts)))


def _percent_axis(ax, axis: str = "y") -> None:
    getattr(ax, f"set_{axis}lim")(0, 100)
    _fixed_ticks(getattr(ax, f"{axis}axis"), range(0, 101, 20))
