"""Texts on a chart: each text's extent measured once per process and the renderers that
use the kept extents (`_extent`, `_RendererAgg`, `_RendererSVG`), a text's size in points
(`_text_size`), and wrapping: a label to a number of characters (`_wrap`), the source line to
a width in pixels (`_lines`); and a figure written in the reader's decimal sign
(`_figure_text`)."""
from __future__ import annotations

import re
from typing import Mapping

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import fontManager, get_font
from matplotlib.textpath import TextToPath

from ..cache import Recent


# --- text extents, measured once per process ---------------------------------------------------
# Measuring a string (font shaping) costs 1-6 ms in matplotlib 3.11, and a chart measures
# each of its texts several times (layout, alignment, tick label boxes), with a new renderer
# each time: most of a chart's drawing time. A string's extent in a font never changes, so it
# is measured once, in points (unhinted, as the SVG renderer measures), and scaled to each
# renderer's resolution.

# (text, font) -> (width, height, descent) in points; no write changes them
_EXTENTS = Recent(20_000, "charts.text_extents", follows_data=False)
_TEXT_TO_PATH = TextToPath()


def _extent(text: str, prop, ismath=False) -> tuple[float, float, float]:
    """Width, height and descent (points) of `text` set in font `prop` as plain text (the
    charts never draw mathtext: `_MeasuredText`); TeX is measured each time."""
    if ismath == "TeX":
        return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)
    prop = prop.copy()  # FontProperties is mutable: the key keeps the font as measured
    key = (text, prop)
    found = _EXTENTS.get(key)
    if found is None:
        found = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, False)
        _EXTENTS.put(key, found)
    return found


# font -> (line gap, ascent, descent, units per em) as its file gives them, () when it has
# neither table; read from the font file on every text's layout by matplotlib otherwise
_HEIGHTS = Recent(256, "charts.font_heights", follows_data=False)
#: The tables a text's line height is read from, in matplotlib's order (`Text._get_layout`):
#: (table, line gap, ascent, descent).
_HEIGHT_TABLES = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                  ("hhea", "lineGap", "ascent", "descent"))


def _font_heights(prop) -> tuple:
    """(line gap, ascent, descent, units per em) of the font `prop` selects, in font units,
    read once per process; () when the font has neither table."""
    key = prop.copy()
    found = _HEIGHTS.get(key)
    if found is None:
        font = get_font(fontManager._find_fonts_by_props(prop))
        found = ()
        for name, gap, ascent, descent in _HEIGHT_TABLES:
            table = font.get_sfnt_table(name)
            if table is not None:
                found = (table[gap], table[ascent], table[descent],
                         font.get_sfnt_table("head")["unitsPerEm"])
                break
        _HEIGHTS.put(key, found)
    return found


class _MeasuredText:
    """A renderer mixin: texts are drawn as typed, never as mathtext (matplotlib reads a
    text holding two "$" as a formula: "$5.000 millones y $300" lost its dollars and came
    out in italics, and "$\\frac{" failed the whole chart; a partner's section, tag or place
    name is plain text), their extents come from `_extent`, in this renderer's pixels, and
    the fonts' line heights from `_font_heights`."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath == "TeX":
            return super().get_text_width_height_descent(s, prop, ismath)
        scale = self.points_to_pixels(1.0)
        return tuple(value * scale for value in _extent(s, prop, False))

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        return super().draw_text(gc, x, y, s, prop, angle, ismath == "TeX" and ismath,
                                 mtext)

    def _get_font_height_metrics(self, prop):
        """(ascent, descent, line gap) in this renderer's pixels of font `prop`, as
        `Text._get_layout` computes them from the font's tables (the hook it asks first;
        (None, None, None) lets it read them itself)."""
        heights = _font_heights(prop)
        if not heights:
            return None, None, None
        gap, ascent, descent, units = heights
        scale = 1 / units * prop.get_size_in_points() * self.points_to_pixels(72.0) / 72
        return ascent * scale, -descent * scale, gap * scale


class _RendererAgg(_MeasuredText, RendererAgg):
    pass


class _RendererSVG(_MeasuredText, RendererSVG):
    pass


def _text_size(text: str, prop, rotation: float = 0) -> tuple[float, float]:
    """Width and height (points) of `text` (lines split at newlines) in font `prop`, from the
    kept extents; upright (rotation 90) the two swap."""
    lines = text.split("\n")
    width = max(_extent(line, prop, False)[0] for line in lines)
    line = _extent("Ålp", prop, False)[1]
    height = line * (1 + 1.2 * (len(lines) - 1))
    return (height, width) if rotation % 180 == 90 else (width, height)


def _lines(artist, text: str, room: float, renderer) -> list[str]:
    """`text` as lines at most `room` pixels wide when drawn by `artist`: parts joined by
    " · " stay whole where they fit, a part too long alone breaks between words (a single
    word wider than `room` keeps its own line). A line's width is its kept extent (what
    the artist's window extent would measure, without laying the artist out again)."""
    prop, scale = artist.get_fontproperties(), renderer.points_to_pixels(1.0)

    def fits(candidate: str) -> bool:
        return _extent(candidate, prop)[0] * scale <= room

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


def _figure_text(value: float, labels: Mapping, form: str = "g") -> str:
    """A figure written on a chart in the reader's decimal sign and a true minus (1.5 ->
    "1,5" for a Spanish reader); `form`: its format ("g": shortest; ".1f": one decimal)."""
    return format(value, form).replace(".", labels.get("decimal", ".")).replace("-", "\u2212")


#: A label's trailing count in parentheses, "Comprehensive Rural Reform (104)": kept whole at
#: the end of a label cut to its lines (the figure is what the reader compares).
_COUNT = re.compile(r"\s+(\(\d+\))$")


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """Break `text` into at most `lines` lines of at most `width` characters, only between
    words (at spaces, or after a slash joining two words: "Electoral/" "Political"); never
    inside a word. A word longer than `width` gets a line of its own and is cut with an
    ellipsis only then; when the words need more than `lines` lines, the last line ends
    with an ellipsis after its last whole word that fits. A trailing count in parentheses
    ("... Reform (104)") is never cut: the ellipsis falls on the words before it and the
    count ends the last line (or, when no word fits beside it, stands on a line of its
    own after an ellipsis)."""
    out = _word_lines(text, width)
    if len(out) <= lines:
        return "\n".join(out)
    count = _COUNT.search(text)
    if count and lines > 1 and len(count.group(1)) + 2 <= width:
        tail = count.group(1)
        head = _word_lines(text[:count.start()], width)[:lines]
        last = _cut(head[-1], width - len(tail) - 2)
        if last:
            return "\n".join(head[:-1] + [f"{last}… {tail}"])
        return "\n".join(head[:-2] + [(_cut(head[-2], width - 1) or head[-2][:width - 1])
                                      + "…", tail])
    last = out[lines - 1]
    return "\n".join(out[: lines - 1] + [(_cut(last, width - 1) or last[: width - 1]) + "…"])


def _word_lines(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` characters, broken between words (at spaces, or
    after a slash joining two words), as many as it takes; a word longer than `width` on a
    line of its own, cut with an ellipsis."""
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
    return [line if len(line) <= width else line[: width - 1] + "…" for line in out]


def _cut(line: str, room: int) -> str:
    """The whole (space-separated) words at the start of `line` that fit in `room`
    characters; "" when not even the first does."""
    kept = line.split(" ")
    while kept and len(" ".join(kept)) > room:
        kept.pop()
    return " ".join(kept)
