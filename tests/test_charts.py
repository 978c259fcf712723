"""tracker.charts: every chart gives a valid PNG or SVG from plain data, with its title, legend,
source line, the illustrative note when asked, and the one palette of the four levels."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from tracker import charts
from tracker.charts import frame as chart_frame
from tracker.charts import text as chart_text
from tracker.charts.layout import NARROW_TICKS
from tracker.domain.scale import LEVEL_KEYS

LEVELS = ["Not initiated", "Minimal", "Intermediate", "Complete"]
FRAME = {"title": "A chart title", "source": "Source: test accord, as of 2024-11-30",
         "note": "Illustrative data", "levels": LEVELS, "x": "X axis", "y": "Y axis"}
REF = {"accord": "This accord", "mean": "Reference mean", "iqr": "Reference IQR",
       "range": "Reference range"}


def _shares(*values):
    return dict(zip(LEVEL_KEYS, values))


def _month_points():
    days = ["2016-12-31", "2017-06-30", "2017-12-31", "2018-06-30", "2018-12-31", "2019-02-28"]
    return [{"date": d, "score": 10.0 * i, "priority": 12.0 * i, "non_priority": 8.0 * i,
             "shares": _shares(100 - 20 * i, 10 * i, 5 * i, 5 * i)} for i, d in enumerate(days)]


def _reference(mean):
    return {"n": 5, "mean": mean, "median": mean, "q1": mean - 10, "q3": mean + 10,
            "min": max(mean - 30, 0), "max": min(mean + 30, 100)}


CASES = {
    "priority_lines": lambda fmt, size="wide": charts.priority_lines(
        _month_points(), "2018-03-29",
        {**FRAME, "all": "All provisions", "priority": "Priority",
         "non_priority": "Non-priority", "since": "Flags set 2018-03-29"}, fmt, size),
    "status_area": lambda fmt, size="wide": charts.status_area(_month_points(), FRAME, fmt, size),
    "pace_projection": lambda fmt, size="wide": charts.pace_projection(
        _month_points(), {"as_of": "2019-02-28", "score": 50.0, "monthly_change_12m": 1.5,
                          "target_date": "2031-11-24"},
        {**FRAME, "score": "Score", "projection": "At this pace",
         "required": "Needed pace", "target": "Target 2031-11-24"}, fmt, size),
    "group_bars": lambda fmt, size="wide": charts.group_bars(
        [{"label": f"{n} Point number {n} with a rather long name", "shares":
          _shares(10, 20, 30, 40)} for n in range(1, 7)], FRAME, fmt, size),
    "tag_bars": lambda fmt, size="wide": charts.tag_bars(
        [{"label": "All provisions (578)", "shares": _shares(8, 37, 19, 36)},
         {"label": "Gender (130)", "shares": _shares(10, 47, 22, 22)}], FRAME, fmt, size),
    "comparison_ranges": lambda fmt, size="wide": charts.comparison_ranges(
        [{"label": "Amnesty (AMN)", "accord_level": 1.5,
          "reference": {"mean": 2.1, "q1": 1.0, "q3": 3.0}},
         {"label": "Reparations (REP)", "accord_level": 1.0, "reference": None}],
        {**FRAME, **REF}, fmt, size),
    "score_curve": lambda fmt, size="wide": charts.score_curve(
        [{"year": y, "accord_score": 10.0 * y if y < 4 else None,
          "reference": _reference(8.0 * y)} for y in range(1, 11)], {**FRAME, **REF}, fmt, size),
    "heatmap": lambda fmt, size="wide": charts.heatmap(
        [{"label": "Amnesty (AMN)", "values": [0, 1, 2, 3]},
         {"label": "Refugees (REF)", "values": [None, 1.5, 2.0, 3.0]}],
        [1, 2, 3, 4], FRAME, fmt, size),
}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (signature, then the IHDR chunk)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def svg_texts(data: bytes) -> str:
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(t for element in root.iter() for t in (element.text,) if t)


@pytest.mark.parametrize("name", sorted(CASES))
def test_png(name):
    width, height = png_size(CASES[name]("png"))
    assert width == 900
    assert 450 <= height <= 1400


@pytest.mark.parametrize("name", sorted(CASES))
def test_svg_has_title_source_note_and_legend(name):
    data = CASES[name]("svg")
    assert b"<svg" in data[:2000]
    text = svg_texts(data)
    for expected in (FRAME["title"], FRAME["source"], "Illustrative data"):
        assert expected in text, expected
    if name in ("status_area", "group_bars", "tag_bars", "heatmap"):
        assert all(level in text for level in LEVELS)
    if name in ("comparison_ranges", "score_curve"):
        assert REF["accord"] in text and REF["mean"] in text
    if name == "priority_lines":
        assert "Priority" in text and "Non-priority" in text


@pytest.mark.parametrize("name", ["status_area", "group_bars", "tag_bars", "heatmap"])
def test_the_four_levels_use_the_one_palette(name):
    data = CASES[name]("svg").decode().lower()
    for colour in charts.LEVEL_COLOURS:
        assert colour.lower() in data, colour


def test_no_note_unless_asked():
    labels = {**FRAME, "note": ""}
    text = svg_texts(charts.status_area(_month_points(), labels, "svg"))
    assert "Illustrative data" not in text and FRAME["source"] in text


def test_the_palette_is_distinct_and_defined_once():
    from tracker import palette
    from tracker.excel import report

    assert len(set(palette.LEVEL_COLOURS)) == 4 and charts.LEVEL_COLOURS is palette.LEVEL_COLOURS
    for module in _chart_modules():
        assert "pyplot" not in inspect.getsource(module).replace("never pyplot", ""), module
    for colour in palette.LEVEL_COLOURS + (palette.PRIORITY, palette.NON_PRIORITY):
        assert inspect.getsource(palette).count(colour) == 1
        for user in (*_chart_modules(), report):
            assert colour.lstrip("#").lower() not in inspect.getsource(user).lower(), user


def _chart_modules() -> list:
    """The package tracker.charts and every module in it."""
    return [charts] + [importlib.import_module(found.name) for found in
                       pkgutil.iter_modules(charts.__path__, "tracker.charts.")]


def test_the_chart_modules_import_in_layers_and_the_package_gives_no_private_helper():
    """The support modules (text, layout, then frame and axes) never import a drawing
    module, nor one of their own layer or above (no import cycle); the package gives only
    public names, so a test that replaces a private helper replaces it where it is used
    (`frame._svg`), never a copy here that nothing calls."""
    import ast

    layers = {"text": 0, "layout": 1, "frame": 2, "axes": 2, "levels": 3, "reference": 3,
              "events": 3}
    modules = _chart_modules()[1:]
    assert {module.__name__.rsplit(".", 1)[1] for module in modules} == set(layers)
    for module in modules:
        layer = layers[module.__name__.rsplit(".", 1)[1]]
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                assert layers[node.module] < layer, (module.__name__, node.module)
    assert not [name for name in vars(charts) if name.startswith("_")
                and not name.startswith("__")]


def test_the_same_input_gives_the_same_bytes():
    assert CASES["group_bars"]("svg") == CASES["group_bars"]("svg")
    assert CASES["group_bars"]("png") == CASES["group_bars"]("png")


@pytest.mark.parametrize("size", charts.SIZES)
@pytest.mark.parametrize("fmt", charts.FORMATS)
def test_empty_and_missing_values_still_draw(fmt, size):
    """Every chart of an empty selection (no rows, no points, or only missing values) draws,
    at both sizes and in both formats: a phone's chart of a selection matching no provision
    failed on its empty legend."""
    from datetime import date

    empty = _shares(None, None, None, None)
    points = [{"date": "2017-01-31", "score": None, "priority": None, "non_priority": None,
               "shares": empty}]
    pace = {"as_of": "2017-01-31", "score": None, "monthly_change_12m": None,
            "target_date": None}
    lines = {**FRAME, "all": "a", "priority": "p", "non_priority": "n", "since": "s"}
    paced = {**FRAME, "score": "s", "projection": "p", "required": "r", "target": "t"}
    events = {**FRAME, "events": "e", "advances": "a", "setbacks": "s", "legend": "l",
              "outline": "o"}
    drawn = [charts.group_bars([], FRAME, fmt, size),
             charts.tag_bars([{"label": "None", "shares": empty}], FRAME, fmt, size),
             charts.tag_bars([], FRAME, fmt, size),
             charts.priority_lines(points, None, lines, fmt, size),
             charts.priority_lines([], None, lines, fmt, size),
             charts.status_area([], FRAME, fmt, size),
             charts.pace_projection(points, pace, paced, fmt, size),
             charts.pace_projection([], pace, paced, fmt, size),
             charts.comparison_ranges([], {**FRAME, **REF}, fmt, size),
             charts.score_curve([], {**FRAME, **REF}, fmt, size),
             charts.heatmap([], [], FRAME, fmt, size),
             charts.events_per_month([], events, fmt, size),
             charts.events_per_month([{"month": date(2020, 1, 1), "events": 0, "advances": 0,
                                       "setbacks": 0}], events, fmt, size),
             charts.events_map([], events, fmt, size)]
    for data in drawn:
        if fmt == "png":
            assert png_size(data)[0] == (900 if size == "wide" else 400)
        else:
            assert ET.fromstring(data).get("width") == ("648pt" if size == "wide" else "288pt")


def test_long_labels_are_wrapped_not_cut_silently():
    assert chart_text._wrap("short", 10) == "short"
    wrapped = chart_text._wrap("Implementation, Verification and Endorsement of the accord", 30)
    first, second = wrapped.split("\n")
    assert len(first) <= 30 and len(second) <= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_narrow_charts_for_phones(name):
    """4 inches wide (288 pt), every word kept as text, nothing drawn past the right edge."""
    data = CASES[name]("svg", "narrow")
    root = ET.fromstring(data)
    assert root.get("width") == "288pt"
    text = svg_texts(data)
    for expected in ("A chart title", "Illustrative data", "Source: test accord"):
        assert expected in text, expected
    assert _blank_right_edge(CASES[name]("png", "narrow"))


def _blank_right_edge(png: bytes) -> bool:
    """True when the last two pixel columns of the PNG are white above the footer (where the
    boxed note sits at the right edge on purpose): a legend or label that ran past the right
    edge would be cut there."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.width == 400  # 4 inches at 100 dpi
    edge = image.crop((image.width - 2, 0, image.width, image.height - 45))
    return edge.getextrema()[0] >= 250


def test_a_narrow_chart_wraps_long_labels_into_three_lines_at_most():
    rows = [{"label": "Verification/Monitoring Mechanism and a very long tail of words (VER)",
             "reference": None, "accord_level": 1.0}]
    text = svg_texts(charts.comparison_ranges(rows, {**FRAME, **REF}, "svg", "narrow"))
    assert "Verification/" in text and "Monitoring Mechanism" in text and "…" in text
    assert chart_text._wrap("Decentralization/Federalism (DEC)", 22, 3) == \
        "Decentralization/\nFederalism (DEC)"
    title = chart_text._wrap("Score by year since signing against the reference accords", 36, 3)
    assert all(len(line) <= 36 for line in title.split("\n")) and title.count("\n") == 1


def test_unknown_size_is_refused():
    with pytest.raises(ValueError):
        charts.status_area(_month_points(), FRAME, "svg", "huge")


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        charts.status_area(_month_points(), FRAME, "gif")


@pytest.mark.parametrize("note", [None, "Illustrative data"])
def test_a_long_source_line_wraps_inside_the_figure(note):
    """A source line longer than the figure is wide wraps (at " · ", else between words) and
    is never cut off at the right edge, with or without the boxed note."""
    long_source = "Source: " + " · ".join(["a fairly long part of the source line"] * 8) + \
        " · " + "one part far too long to stay whole on a single line of the chart " * 3
    fig, _ = chart_frame._figure(dict(FRAME, source=long_source, note=note))
    renderer = fig.canvas.get_renderer()
    box = fig._supxlabel.get_window_extent(renderer)
    assert "\n" in fig._supxlabel.get_text()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    words = [w for w in long_source.split() if w != "·"]  # a line break replaces a " · "
    assert [w for w in fig._supxlabel.get_text().split() if w != "·"] == words
def test_figures_written_on_a_chart_use_the_readers_decimal_sign():
    rows = [{"label": "Amnesty", "values": [1.5, 2]}]
    spanish = svg_texts(charts.heatmap(rows, [1, 2], {**FRAME, "decimal": ","}, "svg"))
    assert "1,5" in spanish and "1.5" not in spanish
    assert "1.5" in svg_texts(charts.heatmap(rows, [1, 2], FRAME, "svg"))


@pytest.mark.parametrize("text, width, lines", [
    ("Todas las disposiciones (578)", 12, 3),
    ("Todas las disposiciones (578)", 14, 3),
    ("Disposiciones sobre género y étnicas (212)", 12, 3),
    ("Verification/Monitoring Mechanism and a very long tail of words (VER)", 22, 3),
    ("Score by year since signing against the reference accords", 36, 3),
    ("1 Hacia un Nuevo Campo Colombiano: Reforma Rural Integral (104)", 20, 3),
    ("2 Participación política: Apertura democrática para construir la paz (94)", 20, 3),
    ("1 Comprehensive Rural Reform (104)", 14, 2),
    ("San Vicente del Caguán (12)", 14, 2),
])
def test_wrapped_labels_break_only_between_words(text, width, lines):
    wrapped = chart_text._wrap(text, width, lines)
    out = wrapped.split("\n")
    assert len(out) <= lines and all(len(line) <= width for line in out)
    words = text.replace("/", "/ ").split()
    count = words[-1] if re.fullmatch(r"\(\d+\)", words[-1]) else None
    kept = out[-1].split()  # a trailing count is never cut: it ends the last line
    assert count is None or kept[-1] == count
    if count and len(out) > 1 and kept == [count]:  # alone, after a line ending in "…"
        out = out[:-1]
    elif count and len(kept) > 1:  # after the cut's "…" on the last line
        out[-1] = " ".join(kept[:-1])
    for line in out:  # every line is whole words, or one word too long cut with "…"
        pieces = line.replace("/", "/ ").split()
        for piece in pieces:
            assert piece in words or (piece.endswith("…") and (
                len(line) == width and len(pieces) == 1 or piece == pieces[-1] and line is out[-1]))


def test_a_label_that_fits_is_never_cut_and_a_too_long_word_stands_alone():
    assert chart_text._wrap("Todas las disposiciones (578)", 14, 3) == \
        "Todas las\ndisposiciones\n(578)"
    assert chart_text._wrap("Todas las disposiciones (578)", 12, 3) == \
        "Todas las\ndisposicion…\n(578)"
    assert chart_text._wrap("a Supercalifragilistic word", 10, 3) == "a\nSupercali…\nword"


POINT_LABELS = ["1 Hacia un Nuevo Campo Colombiano: Reforma Rural Integral (104)",
                "2 Participación política: Apertura democrática para construir la paz (94)"]


def test_a_cut_label_keeps_its_trailing_count():
    """The ellipsis falls on the words before a label's count "(n)", which ends the last
    line: a narrow points chart cut "Reforma Rural…" and lost the (104) beside the bar."""
    assert chart_text._wrap(POINT_LABELS[0], 20, 3) == \
        "1 Hacia un Nuevo\nCampo Colombiano:\nReforma Rural… (104)"
    assert chart_text._wrap(POINT_LABELS[1], 20, 3) == \
        "2 Participación\npolítica: Apertura\ndemocrática… (94)"
    # no word of the last line fits beside the count: the count takes a line of its own
    assert chart_text._wrap("1 Comprehensive Rural Reform (104)", 14, 2) == "1…\n(104)"
    # a label without a count (a type code is not one) is cut as before: whole words, "…"
    assert chart_text._wrap("Verification/Monitoring Mechanism and a very long tail of words "
                            "(VER)", 22, 3) == \
        "Verification/\nMonitoring Mechanism\nand a very long tail…"


@pytest.mark.parametrize("text, width, lines", [
    ("Gender (130)", 14, 3), ("Victims (88)", 20, 3),
    ("1 Comprehensive Rural Reform (104)", 20, 3), ("Todas las disposiciones (578)", 14, 3),
])
def test_a_label_that_fits_its_lines_is_left_as_it_is(text, width, lines):
    wrapped = chart_text._wrap(text, width, lines)
    assert "…" not in wrapped and wrapped.split() == text.split()
    assert len(text) > width or wrapped == text  # a short label stays on one line


def test_a_narrow_points_chart_keeps_each_points_count():
    rows = [{"label": label, "shares": _shares(10, 20, 30, 40)} for label in POINT_LABELS]
    for size in charts.SIZES:
        text = svg_texts(charts.group_bars(rows, FRAME, "svg", size))
        assert "(104)" in text and "(94)" in text, (size, text)


def _drawn_figure(monkeypatch, name, size):
    """The matplotlib figure of CASES[name] as laid out and saved (as SVG)."""
    kept = []
    draw = chart_frame._svg
    monkeypatch.setattr(chart_frame, "_svg", lambda fig: kept.append(fig) or draw(fig))
    CASES[name]("svg", size)
    return kept[0]


@pytest.mark.parametrize("size", charts.SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_margins_hold_every_text_inside_the_figure_and_clear_of_the_plot(monkeypatch, name,
                                                                           size):
    """The margins are computed from the texts' kept extents, without a layout engine:
    matplotlib's own measure of the drawn figure finds every text inside the figure, the
    title above the plot and its legend, the source line below the axis label, and the
    category labels left of the plot."""
    fig = _drawn_figure(monkeypatch, name, size)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    whole = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    assert whole.x0 >= -0.5 and whole.y0 >= -0.5
    assert whole.x1 <= fig.bbox.width + 0.5 and whole.y1 <= fig.bbox.height + 0.5
    above = ax.get_tightbbox(renderer)
    assert fig._suptitle.get_window_extent(renderer).y0 >= above.y1 - 0.5
    assert fig._supxlabel.get_window_extent(renderer).y1 <= above.y0 + 0.5
    light = getattr(ax, "light_labels", {"x": [], "y": []})
    for label in getattr(ax, "row_labels", []) + ax.get_yticklabels() + [
            text for _, text in light["y"]]:
        if label.get_text():
            box = label.get_window_extent(renderer)
            assert box.x1 <= frame.x0 + 0.5 and box.x0 >= 0
            if ax.yaxis.label.get_text():  # the axis label beyond them, clear of them
                assert ax.yaxis.label.get_window_extent(renderer).x1 <= box.x0 + 0.5
    for label in ax.get_xticklabels() + [text for _, text in light["x"]]:
        if label.get_text():
            box = label.get_window_extent(renderer)
            assert box.y1 <= frame.y0 + 0.5
            if ax.xaxis.label.get_text():
                assert ax.xaxis.label.get_window_extent(renderer).y1 <= box.y0 + 0.5


def test_ticks_are_drawn_as_one_line_of_marks_and_plain_labels(monkeypatch):
    """No matplotlib Tick (five artists each) on a dashboard chart: the same marks, labels
    and grid from one line, one text per label and one collection."""
    fig = _drawn_figure(monkeypatch, "priority_lines", "wide")
    ax = fig.axes[0]
    assert not ax.xaxis.get_majorticklocs().size and not ax.yaxis.get_majorticklocs().size
    assert [text.get_text() for _, text in ax.light_labels["y"]] == \
        ["0", "20", "40", "60", "80", "100"]
    assert [text.get_text() for _, text in ax.light_labels["x"]] == ["2017", "2018", "2019"]
    assert len(ax.collections) == 1  # the grid along y


def test_a_text_is_measured_once_per_process(monkeypatch):
    """Measuring a string (font shaping) is most of a chart's cost: a second chart with the
    same texts measures none again."""
    chart_text._EXTENTS.clear()
    measured = []
    measure = chart_text._TEXT_TO_PATH.get_text_width_height_descent
    monkeypatch.setattr(chart_text._TEXT_TO_PATH, "get_text_width_height_descent",
                        lambda *args: measured.append(args[0]) or measure(*args))
    CASES["group_bars"]("svg")
    first = len(measured)
    assert first
    CASES["group_bars"]("svg")
    CASES["group_bars"]("png")
    assert len(measured) == first


def test_bars_are_one_path_per_level_whatever_the_rows():
    """One artist (one SVG path) per level colour, not one per bar."""
    def paths(rows):
        drawn = charts.group_bars([{"label": f"Point {n}", "shares": _shares(10, 20, 30, 40)}
                                   for n in range(rows)], {**FRAME, "note": ""}, "svg")
        return drawn.count(b"<path ")

    assert paths(3) == paths(30)


def _svg_ticks(data: bytes) -> list[str]:
    """The numbers written on a chart (its ticks and figures)."""
    import re

    return [w for w in svg_texts(data).split() if re.fullmatch(r"[\u2212-]?[0-9]+([.,][0-9]+)?", w)]


def test_event_counts_have_whole_ticks_only_even_on_a_phone():
    from datetime import date

    rows = [{"month": date(2019, m, 1), "events": 1 + m % 2, "advances": m % 2,
             "setbacks": 1} for m in range(1, 7)]
    labels = {**FRAME, "decimal": ",", "events": "Todos", "advances": "Avances",
              "setbacks": "Retrocesos"}
    for size in ("narrow", "wide"):
        words = _svg_ticks(charts.events_per_month(rows, labels, "svg", size))
        assert not [w for w in words if "." in w or "," in w], words
        assert "1" in words and "2" in words


@pytest.mark.parametrize("size", charts.SIZES)
def test_setbacks_below_the_axis_have_ticks_to_read_them_by(size):
    """Many advances above the axis and a few setbacks below: the axis has whole ticks
    below zero too, reaching the most setbacks of a month, signed with a true minus."""
    from datetime import date

    rows = [{"month": date(2019, m, 1), "events": 2 * m + m % 2, "advances": 2 * m,
             "setbacks": m % 2} for m in range(1, 13)]  # up to 24 above, 1 below
    labels = {**FRAME, "events": "All", "advances": "Up", "setbacks": "Down"}
    words = _svg_ticks(charts.events_per_month(rows, labels, "svg", size))
    below = [int(w[1:]) for w in words if w.startswith("\u2212")]
    assert below and max(below) >= 1, words
    assert not [w for w in words if w.startswith("-")], words
    assert "24" in words or "20" in words  # the side above keeps its ticks
    without = [{**r, "events": r["advances"], "setbacks": 0} for r in rows]
    assert not [w for w in _svg_ticks(charts.events_per_month(without, labels, "svg", size))
                if w.startswith("\u2212")]


def test_the_events_map_has_an_outline_a_size_legend_and_local_decimals():
    points = [{"name": "TIBÚ", "longitude": -72.73, "latitude": 8.64, "events": 9},
              {"name": "PASTO", "longitude": -77.28, "latitude": 1.21, "events": 2}]
    outline = [(-75.0 + i / 10, 4.0 + i / 20) for i in range(40)]
    labels = {**FRAME, "decimal": ",", "legend": "Eventos (área del punto)",
              "outline": "Municipios sin eventos"}
    text = svg_texts(charts.events_map(points, labels, "svg", "narrow", outline=outline))
    assert "Eventos (área del punto)" in text and "Municipios sin eventos" in text
    assert {"1", "5", "9"} <= set(text.split())  # dot sizes for 1, about half, the most
    ticks = [w for w in text.split() if w.startswith("\u2212")]
    assert ticks and not [w for w in ticks if "." in w]
    bare = svg_texts(charts.events_map(points, labels, "svg", "narrow"))
    assert "Municipios sin eventos" not in bare


def test_a_map_is_few_svg_elements_whatever_its_municipalities_and_places():
    """A phone's browser parses and lays out an SVG element by element: the demo's map drew
    each of ~1,100 municipalities' dots as an element of its own, each event dot as a path
    of its own and each place name as glyph outlines (465 kB). The outline is one path,
    dots of one size share one definition, names are text."""
    def elements(places, municipalities):
        points = [{"name": f"Lugar {n}", "longitude": -76 + (n % 40) / 10,
                   "latitude": 2 + n / 100, "events": 1 + n % 4} for n in range(places)]
        outline = [(-79 + (n % 60) / 5, -4 + n / 60) for n in range(municipalities)]
        data = charts.events_map(points, {**FRAME, "legend": "Eventos"}, "svg", "wide",
                                 outline=outline)
        root = ET.fromstring(data)
        return sum(1 for _ in root.iter()), [e for e in root.iter() if e.tag.endswith("path")
                                              and len(e.get("d", "")) > 5000], data

    few, long_paths, _ = elements(20, 100)
    many, _, _ = elements(20, 1100)
    assert many == few  # 1,000 more municipalities: not one element more
    assert len(long_paths) <= 1  # the outline only: no name drawn as glyph outlines
    dots, _, _ = elements(400, 1100)
    assert dots - few < 400 * 1.2  # one <use> per dot, no path of its own


def test_a_map_without_events_still_shows_the_country():
    outline = [(-79.0, -4.2), (-66.9, 12.4), (-75.5, 6.2)]
    fig_bytes = charts.events_map([], {**FRAME, "legend": "Eventos", "decimal": "."}, "svg",
                                  "wide", outline=outline)
    ticks = _svg_ticks(fig_bytes)
    assert "\u221270" in ticks and "10" in ticks, ticks  # the country's degrees, not 0-1
    assert "0.2" not in ticks


def test_a_narrow_map_has_few_whole_degree_ticks():
    """Half-degree ticks ("−82,5−80−77,5...") ran together on a phone."""
    points = [{"name": "Tibú", "longitude": -72.73, "latitude": 8.64, "events": 9},
              {"name": "Pasto", "longitude": -77.28, "latitude": 1.21, "events": 2}]
    outline = [(-81.7 + i * 0.4, -4.2 + i * 0.45) for i in range(40)]
    labels = {**FRAME, "decimal": ",", "legend": "Eventos"}
    for size, most in (("narrow", NARROW_TICKS), ("wide", 20)):
        ticks = _svg_ticks(charts.events_map(points, labels, "svg", size, outline=outline))
        degrees = [w for w in ticks if w.lstrip("\u2212").replace(",", "").isdigit()]
        assert 2 <= len(degrees) <= most * 2 + 3, (size, degrees)  # two axes, dot sizes
    narrow = _svg_ticks(charts.events_map(points, labels, "svg", "narrow", outline=outline))
    assert not [w for w in narrow if "," in w], narrow


def test_map_names_never_overlap_and_stay_few_on_a_phone(monkeypatch):
    """Names of crowded places (a dense department) are placed apart or left out; their
    casing is the stored one (no str.title(): "del", not "Del")."""
    from tracker.charts import events as chart_events

    placed = []
    original = chart_events._place_names
    monkeypatch.setattr(chart_events, "_place_names",
                        lambda *args: placed.append(original(*args)) or placed[-1])
    points = [{"name": f"Manaure Balcón del Cesar {n}", "longitude": -73.0 + n / 50,
               "latitude": 10.4 + n / 50, "events": 9 - n} for n in range(6)]
    outline = [(-81.7, -4.2), (-66.9, 13.4)]
    labels = {**FRAME, "legend": "Eventos"}
    for size, most in (("narrow", chart_events.NARROW_NAMED), ("wide", 5)):
        text = svg_texts(charts.events_map(points, labels, "svg", size, outline=outline))
        boxes = placed[-1]
        assert 1 <= len(boxes) <= most
        assert not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                       for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
        assert "Del" not in text.split()
        assert {"Manaure", "Balcón", "del"} <= set(text.split())  # names are text
    first = charts.events_map(points, labels, "png", "narrow", outline=outline)
    assert first == charts.events_map(points, labels, "png", "narrow", outline=outline)


def test_a_name_s_line_never_runs_through_another_name_nor_crosses_another_line(monkeypatch):
    """A reviewer's map of one section: four places stacked close together, each name set
    apart with a line to its dot; Dabeiba's line ran through "Concepción (1)", and on a
    phone the lines of names placed above dots lower down crossed."""
    from tracker.charts import events as chart_events

    seen = []
    original = chart_events._place_names

    def place(ax, *args):
        boxes = original(ax, *args)
        seen.append((boxes, list(ax.name_lines)))
        return boxes

    monkeypatch.setattr(chart_events, "_place_names", place)
    points = [{"name": f"Municipio número {n}", "longitude": -76.0 + (n % 2) * 0.05,
               "latitude": 7.0 - n * 0.08, "events": 1} for n in range(6)]
    points += [{"name": f"Otro {n}", "longitude": -74.0 + n * 0.3, "latitude": 4.0 + n * 0.2,
                "events": 1} for n in range(20)]
    outline = [(-79.0, -4.2), (-66.9, 12.4)]
    for size in ("wide", "narrow"):
        charts.events_map(points, {**FRAME, "legend": "Eventos"}, "svg", size, named=6,
                          outline=outline)
        boxes, lines = seen[-1]
        assert boxes and lines, (size, boxes, lines)  # names set apart, with lines
        assert size == "narrow" or len(lines) >= 2, (size, lines)
        for i, line in enumerate(lines):
            own = [b for b in boxes if b[0] <= line[2] <= b[2] and b[1] <= line[3] <= b[3]]
            assert not [b for b in boxes if b not in own
                        and chart_events.segment_hits_box(line, b)], size
            assert not [other for other in lines[i + 1:]
                        if chart_events.segment_distance(line, other) < 2], size


def test_segments_and_boxes_meet_where_they_should():
    from tracker.charts.events import segment_distance, segment_hits_box, segments_cross

    assert segments_cross((0, 0, 10, 10), (0, 10, 10, 0))
    assert not segments_cross((0, 0, 10, 10), (20, 0, 30, 10))
    assert not segments_cross((0, 0, 10, 0), (10, 0, 20, 5))  # touching ends
    assert segment_hits_box((0, 5, 20, 5), (5, 0, 10, 10))  # through it
    assert segment_hits_box((7, 5, 30, 30), (5, 0, 10, 10))  # from inside
    assert not segment_hits_box((0, 20, 20, 20), (5, 0, 10, 10))  # above it
    assert not segment_hits_box((0, 0, 5, 0), (5, 0, 10, 10))  # to a corner only
    assert segment_hits_box((0, 11, 20, 11), (5, 0, 10, 10), margin=2)  # grazing it
    assert segment_distance((0, 0, 10, 10), (0, 10, 10, 0)) == 0  # crossing
    assert segment_distance((0, 0, 10, 0), (0, 3, 10, 3)) == 3
    assert segment_distance((0, 0, 10, 0), (12, 0, 20, 0)) == 2


def _events_with_setbacks(fmt, size="wide"):
    from datetime import date as day

    rows = [{"month": day(2024, m, 1), "events": 6 + m, "advances": 4 + m, "setbacks": 3 + m}
            for m in range(1, 7)]
    return charts.events_per_month(rows, {**FRAME, "events": "All events", "advances": "Up",
                                          "setbacks": "Down"}, fmt, size)


@pytest.mark.parametrize("size", charts.SIZES)
@pytest.mark.parametrize("name", sorted(CASES) + ["events_per_month"])
def test_no_bar_is_cut_off_by_the_plots_limits(monkeypatch, name, size):
    """Every bar (drawn as one path per level) lies inside the plot's view: a bar outside it
    would silently vanish from the chart while its figure stays in the table."""
    kept = []
    draw = chart_frame._svg
    monkeypatch.setattr(chart_frame, "_svg", lambda fig: kept.append(fig) or draw(fig))
    (CASES.get(name) or _events_with_setbacks)("svg", size)
    for ax in kept[0].axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        for patch in ax.patches:
            vertices = patch.get_path().vertices
            if not len(vertices):
                continue
            inside = ((vertices[:, 0] >= x0 - 1e-9) & (vertices[:, 0] <= x1 + 1e-9)
                      & (vertices[:, 1] >= y0 - 1e-9) & (vertices[:, 1] <= y1 + 1e-9))
            assert inside.all(), (name, size, (x0, x1, y0, y1),
                                  vertices[~inside][:4].tolist())


@pytest.mark.parametrize("count", [3, 4, 5])
def test_a_legend_in_columns_reads_row_by_row(count):
    """On a phone a legend takes two or three columns, which matplotlib fills column by
    column: the map's read "1 5 / 3 Municipios", the levels' "0 2 / 1 3"."""
    from matplotlib.patches import Patch

    from tracker.charts.frame import _figure, _legend

    fig, ax = _figure(FRAME, "narrow")
    names = [f"Nivel {n}" for n in range(count)]
    _legend(ax, [Patch(label=name) for name in names])
    fig.canvas.draw()  # the legend's entries are placed when drawn
    renderer = fig.canvas.get_renderer()
    texts = ax.get_legend().get_texts()
    assert 2 <= ax.get_legend()._ncols < count  # columns, not one row
    placed = sorted(texts, key=lambda t: (-round(t.get_window_extent(renderer).y0),
                                          t.get_window_extent(renderer).x0))
    assert [t.get_text() for t in placed] == [t.get_text() for t in sorted(
        texts, key=lambda t: names.index(t.get_text().replace("\n", " ")))]


@pytest.mark.parametrize("drawing", ["group_bars", "tag_bars"])
def test_a_share_on_a_bar_is_written_as_its_table_writes_it(drawing):
    """13.46 % reaches a chart as 13.5 (its table's figure, one decimal); the bars rounded it
    again and wrote "14" beside the table's "13,5"."""
    rows = [{"label": "Punto 1 (104)", "shares": {"not_initiated": 13.5, "minimal": 54.8,
                                                   "intermediate": 21.2, "complete": 10.5}}]
    for size in ("wide", "narrow"):
        words = svg_texts(getattr(charts, drawing)(rows, {**FRAME, "decimal": ","}, "svg",
                                                   size)).split()
        assert "13,5" in words and "54,8" in words and "14" not in words, (size, words)



#: Texts a partner may type that matplotlib reads as a formula: two "$" (pesos), and a
#: broken formula, which made the whole chart fail.
DOLLARS = ["Fondo $5.000 y $300", "Costo $\\frac{ y $x"]


def _drawn_with(name: str, labels: dict, fmt: str, size: str) -> bytes:
    """Chart `name` (a CASES chart or an events chart) drawn with `labels` as its frame."""
    from datetime import date

    if name == "events_per_month":
        rows = [{"month": date(2024, m, 1), "events": m + 1, "advances": m, "setbacks": 1}
                for m in range(1, 4)]
        return charts.events_per_month(rows, labels, fmt, size)
    if name == "events_map":
        points = [{"name": "EL $ALTO$", "longitude": -72.73, "latitude": 8.64, "events": 9}]
        return charts.events_map(points, labels, fmt, size,
                                 outline=[(-75.0 + i / 10, 4.0 + i / 20) for i in range(40)])
    return CASES[name](fmt, size)


@pytest.mark.parametrize("size", charts.SIZES)
@pytest.mark.parametrize("name", sorted(CASES) + ["events_per_month", "events_map"])
def test_every_text_is_drawn_as_typed_never_as_a_formula(monkeypatch, name, size):
    """Title, note, axis labels, level names (legend) and the events' labels holding dollar
    signs, the source line a broken formula: every chart draws, as PNG and SVG, with each
    text verbatim."""
    wordy = {**{key: DOLLARS[0] for key in FRAME}, "source": DOLLARS[1],
             "levels": [f"{level} $ {i}$" for i, level in enumerate(LEVELS)],
             "events": "$a$", "advances": "$b$", "setbacks": "$c$", "legend": "$d$",
             "outline": "$e$"}
    monkeypatch.setitem(globals(), "FRAME", wordy)  # what CASES draw with
    assert png_size(_drawn_with(name, wordy, "png", size))[0] == (
        900 if size == "wide" else 400)
    text = svg_texts(_drawn_with(name, wordy, "svg", size))
    assert DOLLARS[0] in text and DOLLARS[1] in text.replace("\n", " "), name
    shown = {"status_area": wordy["levels"], "group_bars": wordy["levels"],
             "tag_bars": wordy["levels"], "heatmap": wordy["levels"],
             "events_per_month": ["$a$", "$b$", "$c$"], "events_map": ["$d$", "EL $ALTO$"]}
    for expected in shown.get(name, []):
        assert expected in text, expected


def test_the_collector_pauses_while_any_chart_is_drawn_and_frees_each_figure_after(
        monkeypatch):
    """While a chart is drawn (in any thread) the cyclic collector is off; when the last
    drawing ends it is on again and the figures drawn are garbage already collected: no
    Figure of them outlives its drawing; a collector turned off by something else stays
    off."""
    import gc
    import threading

    from matplotlib.figure import Figure

    def figures() -> int:
        return sum(isinstance(thing, Figure) for thing in gc.get_objects())

    gc.collect()
    before = figures()
    seen, started, release = [], threading.Event(), threading.Event()
    real = chart_frame._save

    def watched_save(fig, fmt):
        seen.append(gc.isenabled())
        if threading.current_thread().name == "first":
            started.set()
            release.wait(10)
        return real(fig, fmt)

    monkeypatch.setattr("tracker.charts.levels._save", watched_save)
    first = threading.Thread(target=lambda: CASES["status_area"]("svg"), name="first")
    first.start()
    assert started.wait(10)
    CASES["group_bars"]("svg")  # a second drawing ends while the first goes on
    assert not gc.isenabled()
    release.set()
    first.join(10)
    monkeypatch.undo()
    assert seen == [False, False] and gc.isenabled()
    assert figures() == before
    gc.disable()
    try:
        CASES["tag_bars"]("svg")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_map_leaves_no_warning_in_the_log(caplog):
    """The map's equal aspect widens the limits it sets, as meant: nothing is logged."""
    points = [{"name": "TIBÚ", "longitude": -72.73, "latitude": 8.64, "events": 9},
              {"name": "PASTO", "longitude": -77.28, "latitude": 1.21, "events": 2}]
    with caplog.at_level("WARNING"):
        for size in charts.SIZES:
            charts.events_map(points, {**FRAME, "legend": "Events", "outline": "Others"},
                              "svg", size, outline=[(-75.0, 4.0), (-74.0, 5.0)])
    assert not [r for r in caplog.records if r.levelno >= 30], caplog.text


@pytest.mark.parametrize("name", sorted(set(CASES) - {"heatmap"}))
def test_a_chart_makes_no_tick_beyond_the_four_its_axes_start_with(monkeypatch, name):
    """Ticks are set as places (`axes._fixed_ticks`) and drawn light: matplotlib's Tick, five
    artists each, is made only for the two it starts each axis with (major and minor),
    whatever the number of ticks shown. (The heatmap keeps matplotlib's own ticks for its
    upright year labels.)"""
    import matplotlib.axis

    made = []
    real = matplotlib.axis.Tick.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axis.Tick, "__init__", counted)
    for size in charts.SIZES:
        made.clear()
        CASES[name]("svg", size)
        assert len(made) <= 4, (size, made)
