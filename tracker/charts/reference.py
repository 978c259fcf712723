"""Charts against the reference accords: the accord's level beside the reference range per
provision type (`comparison_ranges`), its score over the reference band by year since
signing (`score_curve`), and a reference accord's provision types by year (`heatmap`)."""
from __future__ import annotations

from typing import Mapping, Sequence

from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..palette import (ACCORD, LEVEL_COLOURS, REFERENCE_IQR, REFERENCE_MEAN, REFERENCE_RANGE,
                       TEXT_ON_LEVEL)
from .axes import _boxes, _fixed_ticks, _no_data, _percent_axis, _row_labels
from .frame import _axis_labels, _drawing, _figure, _legend, _level_handles, _save
from .layout import ROW_KINDS, _font, _layout
from .text import _figure_text, _wrap


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


@_drawing
def comparison_ranges(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
                      size: str = "wide") -> bytes:
    """Per provision type: the accord's mean level (dot) beside the reference accords' mean
    (tick) and interquartile range (grey bar), on the 0-3 scale.
    rows: [{"label", "accord_level", "reference": {"mean", "q1", "q3"} | None}]."""
    fig, ax = _figure(labels, size, len(rows), ROW_KINDS["comparison_ranges"])
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
    _fixed_ticks(ax.xaxis, range(4), [f"{i} {name}" if size == "wide" else str(i)
                                      for i, name in enumerate(labels["levels"])])
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _reference_handles(labels))
    return _save(fig, fmt)


@_drawing
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
    _fixed_ticks(ax.xaxis, [p["year"] for p in points])
    _no_data(ax, labels, not points)
    ax.set_xlim(0.8, max([p["year"] for p in points] + [1]) + 0.2)
    _percent_axis(ax)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _reference_handles(labels, with_range=True))
    return _save(fig, fmt)


@_drawing
def heatmap(rows: Sequence[Mapping], years: Sequence[int], labels: Mapping,
            fmt: str = "png", size: str = "wide") -> bytes:
    """Provision type x year since signing, each cell coloured by its (mean) level.
    rows: [{"label", "values": [level or None per year]}]; None cells are left blank."""
    fig, ax = _figure(labels, size, len(rows), ROW_KINDS["heatmap"])
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
