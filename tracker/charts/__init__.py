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
per process (`text._extent`: shaping a string costs matplotlib 1-6 ms), the plot's margins are
computed from those extents instead of by a layout engine (`layout._fit`: no second drawing),
and the artists are few: the bars of one level are one path (`axes._boxes`), ticks are set
as places without matplotlib's Tick objects (`axes._fixed_ticks`) and drawn as one line of
marks, plain texts and one grid collection per axis (`layout._light_ticks`), category rows
are labelled by plain texts (`axes._row_labels`). An SVG is written by one `Figure.draw`
(`frame._svg`). The cyclic garbage collector is paused while a chart is drawn and frees the
figure in one young collection after (`frame._drawing`).

The package's modules, each importing only those above it:
  text.py       kept text extents, the renderers that use them, wrapping of labels
  layout.py     the two sizes and their fonts; light ticks; margins without a layout engine
  frame.py      the figure, title, source line, note, axis labels, legend; PNG and SVG bytes;
                the collector's pause while drawing
  axes.py       bars as one path, category row labels, year and percent axes, empty plots
  levels.py     the level and score charts, over time and as of one date
  reference.py  the charts against the reference accords
  events.py     the charts of implementation events
The drawing functions and the public constants are imported here: callers use `charts.NAME`.
A test that replaces a private helper replaces it in the module that holds it.
"""
from __future__ import annotations

from ..palette import (ACCORD, INK, LEVEL_COLOURS, MARKER, NON_PRIORITY, PRIORITY,
                       REFERENCE_IQR, REFERENCE_MEAN, REFERENCE_RANGE, TEXT_ON_LEVEL)
from .events import events_map, events_per_month
from .layout import (DPI, FONT, FORMATS, HEIGHT, LABEL_GAP, PAD, ROW_LABEL_GAP, SIZES, TICK_GAP,
                     WIDTH, drawn_pixels)
from .levels import group_bars, pace_projection, priority_lines, status_area, tag_bars
from .reference import comparison_ranges, heatmap, score_curve

__all__ = [
    # drawing functions: plain data and translated labels in, PNG or SVG bytes out
    "priority_lines", "status_area", "pace_projection", "group_bars", "tag_bars",
    "comparison_ranges", "score_curve", "heatmap", "events_per_month", "events_map",
    # sizes and measures
    "FORMATS", "SIZES", "DPI", "WIDTH", "HEIGHT", "PAD", "FONT", "TICK_GAP", "LABEL_GAP",
    "ROW_LABEL_GAP", "drawn_pixels",
    # the palette every chart uses (tracker.palette)
    "ACCORD", "INK", "LEVEL_COLOURS", "MARKER", "NON_PRIORITY", "PRIORITY", "REFERENCE_IQR",
    "REFERENCE_MEAN", "REFERENCE_RANGE", "TEXT_ON_LEVEL",
]
