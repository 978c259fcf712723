"""Charts of the four implementation levels and the score: over time (`priority_lines`,
`status_area`, `pace_projection`) and as of one date (`group_bars`, `tag_bars`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Mapping, Sequence

from ..domain.scale import LEVEL_KEYS
from ..palette import (ACCORD, INK, LEVEL_COLOURS, MARKER, NON_PRIORITY, PRIORITY,
                       TEXT_ON_LEVEL)
from .axes import (_boxes, _dates, _fixed_ticks, _no_data, _percent_axis, _row_labels,
                   _time_span, _year_axis)
from .frame import _axis_labels, _drawing, _figure, _legend, _level_handles, _save
from .layout import ROW_KINDS, _font, _layout
from .text import _figure_text, _wrap


# --- over time -------------------------------------------------------------------------------

@_drawing
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


@_drawing
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


@_drawing
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

def _share_text(share: float, labels: Mapping) -> str:
    """A share (percent, as given: one decimal) written on a bar as its table writes it,
    "13,5" for a Spanish reader: rounding it again to a whole number made 13.46 % "14"
    beside the table's "13,5"."""
    return _figure_text(share, labels, ".1f")


@_drawing
def group_bars(rows: Sequence[Mapping], labels: Mapping, fmt: str = "png",
               size: str = "wide") -> bytes:
    """One horizontal bar per group (point or theme), split into the four levels' shares.
    rows: [{"label", "shares": {level key: percent}}], drawn top to bottom."""
    fig, ax = _figure(labels, size, len(rows), ROW_KINDS["group_bars"])
    layout = _layout(size)
    ys = list(range(len(rows)))
    left = [0.0] * len(rows)
    for level, key in enumerate(LEVEL_KEYS):
        widths = [r["shares"].get(key) or 0 for r in rows]
        _boxes(ax, left, [y - 0.35 for y in ys], widths, [0.7] * len(ys), LEVEL_COLOURS[level],
               edgecolor="white", linewidth=0.6)
        for y, x0, width in zip(ys, left, widths):
            if width >= (7 if size == "wide" else 11):  # room for the figure inside the bar
                ax.text(x0 + width / 2, y, _share_text(width, labels), ha="center",
                        va="center", fontsize=_font(fig, "value"), color=TEXT_ON_LEVEL[level])
        left = [a + b for a, b in zip(left, widths)]
    _row_labels(ax, [_wrap(r["label"], layout.label_chars["bars"], layout.label_lines)
                     for r in rows])
    _no_data(ax, labels, not rows)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    _percent_axis(ax, "x")
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)


@_drawing
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
            ax.annotate(_share_text(value, labels), (x, value), xytext=(0, 2),
                        textcoords="offset points",
                        ha="center", va="bottom", fontsize=_font(fig, "value"), color=INK,
                        in_layout=False)
    layout = _layout(size)
    _fixed_ticks(ax.xaxis, range(len(rows)), [_wrap(r["label"], layout.label_chars["tags"],
                                                    layout.label_lines) for r in rows])
    _no_data(ax, labels, all(v is None for r in rows for v in r["shares"].values()))
    highest = max([v or 0 for r in rows for v in r["shares"].values()] + [10])
    ax.set_ylim(0, highest * 1.1 + 4)  # room for the figures above the bars
    _fixed_ticks(ax.yaxis, [t for t in range(0, 101, 10 if highest <= 60 else 20)
                            if t <= highest + 4])
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    _axis_labels(ax, labels)
    _legend(ax, _level_handles(labels))
    return _save(fig, fmt)
