"""The colours every chart uses, drawn (`tracker.charts`) or native to a workbook
(`tracker.excel.report`): levels in Okabe & Ito's colour-blind-safe palette, other series
from the same family, never confused with the levels."""

#: Level 0..3: vermillion, orange, sky blue, blue (Okabe & Ito 2008).
LEVEL_COLOURS = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")
#: Text drawn on a bar of each level's colour (contrast >= 4.5).
TEXT_ON_LEVEL = ("#000000", "#000000", "#000000", "#FFFFFF")
ACCORD = "#000000"
PRIORITY = "#CC79A7"
NON_PRIORITY = "#009E73"
REFERENCE_MEAN = "#555555"
REFERENCE_IQR = "#BDBDBD"
REFERENCE_RANGE = "#E8E8E8"
MARKER = "#7A3B00"
INK = "#1D2430"
#: The faint dots of every municipality under a map's events (the country's shape).
OUTLINE = "#B0B0B0"
