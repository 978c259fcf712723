"""What each dashboard chart is drawn from: its inputs (the plain data and translated labels
a drawing function of `tracker.charts` is called with: `chart_inputs`), the key of what it
shows (`content_key`: a chart is drawn once per content, whatever write made a new state),
the drawing itself, and each chart's alt text. The figures come from a `board.Board`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import build, charts
from ..i18n import local
from ..web import decimal_sign, local_date, percent, score_figure
from .board import CHARTS, REFERENCE_CHARTS, Board, level_names, selection_text, short


def _frame(board: Board, name: str) -> dict:
    """Labels every chart of the board shares: levels, source line, illustrative note."""
    if board.sel.known_at is not None:
        source = _("Source: %(accord)s, as of %(date)s · records verified by %(moment)s UTC",
                   accord=short(local(board.accord, "name")), moment=board.sel.known_at_text,
                   date=local_date(board.sel.as_of))
    elif board.sel.include_pending:
        source = _("Source: %(accord)s, as of %(date)s · verified and pending (not official) "
                   "records", accord=short(local(board.accord, "name")),
                   date=local_date(board.sel.as_of))
    else:
        source = _("Source: %(accord)s, verified records as of %(date)s",
                   accord=short(local(board.accord, "name")), date=local_date(board.sel.as_of))
    chosen = selection_text(board, with_tag=name != "tags")  # the tags chart ignores the tag
    if name not in REFERENCE_CHARTS and chosen:
        source += " · " + _("Selection: %(what)s", what=chosen)
    if name in REFERENCE_CHARTS:
        source += " · " + _("Reference set %(set)s", set=board.reference_set)
        if board.reference_citation:
            source += f" ({board.reference_citation})"
        illustrative = board.accord.illustrative or board.illustrative_references[name]
    else:
        illustrative = board.accord.illustrative
    return {"levels": level_names(), "source": source, "empty": _("No data for this selection"),
            "note": _("Illustrative data") if illustrative else "", "decimal": decimal_sign()}


def _chart_labels(board: Board, name: str) -> dict:
    year, score, share = _("Year"), _("Score (0-100)"), _("Share of provisions (%)")
    ref = {"accord": _("This accord"), "mean": _("Reference mean"),
           "iqr": _("Reference interquartile range"), "range": _("Reference range (min-max)")}
    by_name = {  # built lazily: only the asked chart's figures are computed
        "priority": lambda: {
            "title": _("Score of priority and non-priority provisions"), "x": year, "y": score,
            "all": _("All provisions"), "priority": _("Priority"),
            "non_priority": _("Non-priority"),
            "since": (_("Priority flags set %(date)s", date=local_date(board.priority_since))
                      if board.priority_flags["most_set"] == board.priority_flags["flags"]
                      else _("Most priority flags set %(date)s",
                             date=local_date(board.priority_since)))},
        "status": lambda: {"title": _("Implementation status over time"), "x": year,
                           "y": share},
        "groups": lambda: {
            "title": _("Implementation by theme of section %(code)s", code=board.sel.section)
            if board.sel.section else _("Implementation by point"), "x": share, "y": ""},
        "tags": lambda: {"title": _("Gender and ethnic provisions against all provisions"),
                         "x": "", "y": share},
        "comparison": lambda: {
            "title": _("Provision types against the reference accords, year %(year)s since "
                       "signing", year=board.comparison["year"]),
            "x": _("Mean implementation level (0-3)"), "y": "", **ref},
        "curve": lambda: {
            "title": _("Score by year since signing against the reference accords"),
            "x": _("Years since signing"), "y": score, **ref},
        "pace": lambda: {
            "title": _("Pace of implementation and projection to the target date"), "x": year,
            "y": score, "score": _("Score"),
            "projection": _("At the pace of the last 12 months"),
            "required": _("Pace needed to complete by the target date"),
            "target": _("Target date %(date)s", date=local_date(board.pace["target_date"]))},
        "events": lambda: {"title": _("Verified implementation events by month"),
                           "x": year, "y": _("Events"), "events": _("All events"),
                           "advances": _("Events that advance a provision"),
                           "setbacks": _("Events that set a provision back (below the axis)")},
        "events_map": lambda: {"title": _("Verified implementation events by municipality"),
                               "x": _("Longitude"), "y": _("Latitude"),
                               "legend": _("Events (dot area)"),
                               "outline": _("Municipalities")},
    }
    return {**_frame(board, name), **by_name[name]()}


@dataclass(frozen=True)
class ChartInputs:
    """What a chart is drawn from: `function`, the name of a drawing function of
    `tracker.charts` (looked up when drawn), called with `args` (plain data, then the
    translated labels), the format and size, and the keyword arguments `options` ((name,
    value) pairs). Plain data only (lists, dicts built in a fixed order, str, int, float,
    date, None), so its `repr` is the same in every process: two charts with equal inputs are
    the same picture (`content_key`)."""

    function: str
    args: tuple
    options: tuple = ()

    def draw(self, fmt: str, size: str = "wide") -> bytes:
        """The chart as `fmt` ("png", "svg") bytes at `size` (`tracker.charts.SIZES`)."""
        return getattr(charts, self.function)(*self.args, fmt, size, **dict(self.options))


def chart_inputs(board: Board, name: str) -> ChartInputs:
    """What chart `name` (one of CHARTS) of the board is drawn from, in the current
    language; computes only the figures that chart shows."""
    labels = _chart_labels(board, name)
    if name == "priority":
        points = [{"date": p["date"], "score": p["score"], "priority": p["priority"]["score"],
                   "non_priority": p["non_priority"]["score"]} for p in board.timeline]
        return ChartInputs("priority_lines", (points, board.priority_since, labels))
    if name == "status":
        return ChartInputs("status_area", (board.timeline, labels))
    if name == "groups":
        rows = [{**r, "label": f"{r['label']} ({r['provisions']})"} for r in board.groups]
        return ChartInputs("group_bars", (rows, labels))
    if name == "tags":
        rows = [{**r, "label": f"{r['label']} ({r['provisions']})"} for r in board.tags]
        return ChartInputs("tag_bars", (rows, labels))
    if name == "comparison":
        rows = [{**r, "label": f"{r['name']} ({r['provision_type']})"}
                for r in board.comparison["types"]]
        return ChartInputs("comparison_ranges", (rows, labels))
    if name == "curve":
        return ChartInputs("score_curve", (board.curve, labels))
    if name == "events":
        rows = [{**r, "month": date.fromisoformat(r["month"])} for r in board.events_monthly]
        return ChartInputs("events_per_month", (rows, labels))
    if name == "events_map":
        return ChartInputs("events_map", (board.events_places, labels),
                           (("outline", board.country_points),))
    if name == "pace":
        return ChartInputs("pace_projection", (board.timeline, board.pace, labels))
    raise ValueError(f"chart must be one of {', '.join(CHARTS)}")


def chart_boxes(board: Board, name: str) -> dict[str, tuple[int, int]]:
    """Size ("wide", "narrow") -> (width, height) in CSS pixels of chart `name` as drawn for
    the board (`charts.drawn_pixels`): the box the page keeps for it before it arrives."""
    inputs = chart_inputs(board, name)
    rows = len(inputs.args[0]) if inputs.args and isinstance(inputs.args[0], list) else 0
    return {size: charts.drawn_pixels(inputs.function, size, rows) for size in charts.SIZES}


def content_key(name: str, fmt: str, size: str, inputs: ChartInputs) -> str:
    """The key of what chart `name` shows drawn as `fmt` at `size`: "chart " and the
    SHA-256 (hex) of the repr of the name, format, size, inputs and app version. Equal
    inputs draw equal bytes, so a write that leaves a chart's inputs as they were leaves
    its key as it was."""
    found = repr((name, fmt, size, inputs, build.fingerprint()))
    return "chart " + hashlib.sha256(found.encode()).hexdigest()


def render_chart(board: Board, name: str, fmt: str, size: str = "wide") -> bytes:
    """Chart `name` (one of CHARTS) of the board as `fmt` ("png", "svg") bytes, drawn at
    `size` ("wide" for screens and print, "narrow" for phones; see tracker.charts)."""
    return chart_inputs(board, name).draw(fmt, size)


def alt_texts(board: Board) -> dict[str, str]:
    """What each chart shows, in a sentence with its key figures (the <img> alt text)."""
    s, cmp, pace = board.summary, board.comparison, board.pace
    return {
        "priority": _("Line chart of the score by month: priority provisions %(p)s, "
                      "non-priority %(n)s on %(date)s.", p=score_figure(s["priority"]["score"]),
                      n=score_figure(s["non_priority"]["score"]), date=local_date(s["as_of"])),
        "status": _("Stacked area chart of the share of provisions at each level by month; "
                    "on %(date)s %(c)s complete and %(z)s not initiated.",
                    date=local_date(s["as_of"]), c=percent(s["shares"]["complete"]),
                    z=percent(s["shares"]["not_initiated"])),
        "groups": ngettext("Horizontal stacked bars of the share of provisions at each level "
                           "for %(num)s group; see the table for each figure.",
                           "Horizontal stacked bars of the share of provisions at each level "
                           "for %(num)s groups; see the table for each figure.",
                           len(board.groups)),
        "tags": _("Grouped bars of the share of provisions at each level for all provisions "
                  "and the gender and ethnic provisions; see the table."),
        "comparison": ngettext("Dot chart of this accord's mean level per provision type "
                               "beside the reference mean and interquartile range: %(above)s "
                               "of %(num)s provision type above average.",
                               "Dot chart of this accord's mean level per provision type "
                               "beside the reference mean and interquartile range: %(above)s "
                               "of %(num)s provision types above average.",
                               cmp["types_compared"], above=cmp["types_above_mean"]),
        "curve": _("Line chart of the score by year since signing over the band of the "
                   "reference accords' scores; see the table for each year."),
        "pace": _("Line chart of the score with its projection at the pace of the last 12 "
                  "months (%(m)s points a month) and the pace needed to reach 100 by "
                  "%(target)s (%(r)s points a month).", m=score_figure(pace["monthly_change_12m"]),
                  target=local_date(pace["target_date"]),
                  r=score_figure(pace["required_monthly_change"])),
        # counts after a colon: no word agrees with them (1 event, 1 evento)
        "events": _("Bar chart of the verified implementation events by month up to %(date)s "
                    "(events: %(n)s; advancing a provision: %(a)s; setting one back: %(s)s); "
                    "see the table for each month.", date=local_date(s["as_of"]),
                    n=sum(r["events"] for r in board.events_monthly),
                    a=sum(r["advances"] for r in board.events_monthly),
                    s=sum(r["setbacks"] for r in board.events_monthly)),
        "events_map": ngettext("Map of the verified implementation events at %(num)s "
                               "municipality, a dot sized by its events: %(top)s. See the "
                               "table.",
                               "Map of the verified implementation events at %(num)s "
                               "municipalities, each a dot sized by its events; most in "
                               "%(top)s. See the table.", len(board.events_places),
                        top=", ".join(f"{p['name']} ({p['events']})"
                                      for p in board.events_places[:3]))
        if board.events_places else _("Map of the municipalities: no verified "
                                      "implementation event up to %(date)s.",
                                      date=local_date(s["as_of"])),
    }
