"""Officials' dashboards and their charts, and the reference accords' pages.

Views parse the request with `api.params` (same parameters, same 400s as the API), check
access with `visible_accord_or_404`, and take every number from `AccordFigures`, rounded by the
same `as_dict` methods as the API: tables, charts and JSON cannot disagree.

Charts answer with an ETag derived from database state only (the accord's revision, which
every write to its records, reviews, priority flags and structure raises; the reference set's
revisions; the locale, the parameters, the app version), checked before anything is drawn, so
a revalidation costs two one-row queries. The same state keys two small process-local caches
(a dashboard's computed figures, and drawn charts), so any change makes new entries.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import __version__, charts, queries
from ..accords.routes import visible_accord_or_404
from ..api import params
from ..domain import compare
from ..domain.metrics import Filters
from ..domain.scale import LEVEL_KEYS, round_half_up
from ..extensions import db
from ..figures import DEFAULT_REFERENCE_SET, AccordFigures
from ..i18n import level_labels
from ..cache import Recent
from ..models import Accord, ProvisionType
from . import bp

PAGE_PARAMS = ("as_of", "section", "tag", "year")
CROSS_CUTTING_TAGS = ("gender", "ethnic")
OVERDUE_SHOWN = 20
CHARTS = ("priority", "status", "groups", "tags", "comparison", "curve", "pace")
REFERENCE_CHARTS = ("comparison", "curve")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
#: A chart opened on its own: matplotlib's SVG styles its elements inline (and embeds the
#: heatmap as a data: image); nothing else may load and no script may run.
CHART_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'")


# --- parameters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """A dashboard request's parameters, normalised (as_of resolved to a date)."""

    as_of: date
    section: str | None = None
    tag: str | None = None
    year: int | None = None  # years since signing for the comparison; None: now

    def args(self) -> dict[str, str]:
        """Query arguments that reproduce the selection (for chart and form URLs)."""
        found = {"as_of": self.as_of.isoformat(), "section": self.section, "tag": self.tag,
                 "year": None if self.year is None else str(self.year)}
        return {k: v for k, v in found.items() if v is not None}

    @property
    def filters(self) -> Filters:
        return Filters(section=self.section, tag=self.tag)


def _without_empty_values():
    """A GET form sends empty fields for "all": redirect to the same URL without them."""
    if any(value == "" for value in request.args.values()):
        kept = {k: v for k, v in request.args.items() if v != "" and k not in request.view_args}
        return redirect(url_for(request.endpoint, **request.view_args, **kept))
    return None


def _selection(accord: Accord) -> Selection:
    """Parameters checked without loading provisions (filters are checked by `_board`)."""
    params.check_known(PAGE_PARAMS)
    return Selection(params.as_of(accord.signed_on), request.args.get("section"),
                     request.args.get("tag"), params.year())


def _board(accord: Accord, selection: Selection, state: tuple) -> Board:
    """The dashboard's figures, with those already computed for this state reused."""
    figures = _Figures(accord)
    params.filters(figures.provisions)  # 400 for a section or tag the accord does not have
    board = Board(accord, figures, selection)
    board.__dict__.update(_FIGURES.get((state, str(get_locale()), selection)) or {})
    return board


def _keep(board: Board, state: tuple) -> None:
    _FIGURES.put((state, str(get_locale()), board.sel), board.snapshot())


# --- figures for one dashboard ---------------------------------------------------------------

class _Figures(AccordFigures):
    """AccordFigures that computes the levels on a date once (a dashboard asks many times)."""

    def levels(self, as_of: date) -> dict[int, int]:
        known = self.__dict__.setdefault("_levels_on", {})
        if as_of not in known:
            known[as_of] = super().levels(as_of)
        return known[as_of]


class Board:
    """Everything a dashboard shows, each figure computed once and only when asked for."""

    #: Computed figures (plain, small) that may be kept for the next request.
    KEPT = ("summary", "timeline", "priority_since", "section_titles", "groups", "tags",
            "comparison", "curve", "illustrative_references", "pace", "overdue")

    def __init__(self, accord: Accord, figures: AccordFigures, selection: Selection):
        self.accord, self.figures, self.sel = accord, figures, selection

    def snapshot(self) -> dict:
        return {name: self.__dict__[name] for name in self.KEPT if name in self.__dict__}

    @cached_property
    def summary(self) -> dict:
        return self.figures.summary(self.sel.as_of, self.sel.filters)

    @cached_property
    def timeline(self) -> list[dict]:
        """Monthly points, shaped as the API's /timeline gives them."""
        series = self.figures.timeline(self.sel.as_of, "month", self.sel.filters)
        return [{"date": day.isoformat(), **whole.as_dict(), "priority": prio.as_dict(),
                 "non_priority": rest.as_dict()}
                for day, whole, prio, rest in zip(series["dates"], series["all"],
                                                  series["priority"], series["non_priority"])]

    @cached_property
    def priority_since(self) -> str | None:
        since = self.figures.priority_since()
        return since.isoformat() if since else None

    @cached_property
    def section_titles(self) -> dict[str, str]:
        return {s.code: s.title for s in self.accord.sections}

    @cached_property
    def groups(self) -> list[dict]:
        """By point, or by the children of the chosen section."""
        chosen = self.sel.section
        if chosen is None:
            keys = lambda p: [p.section_path[:1]] if p.section_path else []  # noqa: E731
        else:
            keys = lambda p: [p.section_path[: p.section_path.index(chosen) + 2]]  # noqa: E731
        found = self.figures.by_group(self.sel.as_of, keys, self.sel.filters)
        rows = []
        for path in sorted(found, key=lambda path: [_natural(c) for c in path]):
            code = path[-1]
            label = f"{code} {self.section_titles.get(code, '')}".strip()
            if code == chosen:
                label = _("%(section)s (directly)", section=label)
            rows.append({"code": code, "label": label, **found[path].as_dict()})
        return rows

    @cached_property
    def tags(self) -> list[dict]:
        """The whole selection (section filter only), then each cross-cutting tag in it."""
        whole = Filters(section=self.sel.section)
        rows = [{"tag": None, "label": _("All provisions"),
                 **self.figures.summary(self.sel.as_of, whole)}]
        present = {t for p in self.figures.subset(whole) for t in p.tags}
        names = {"gender": _("Gender"), "ethnic": _("Ethnic")}
        for tag in CROSS_CUTTING_TAGS:
            if tag in present:
                rows.append({"tag": tag, "label": names[tag], **self.figures.summary(
                    self.sel.as_of, Filters(section=self.sel.section, tag=tag))})
        return rows

    @cached_property
    def references(self) -> list:
        return self.figures.references(DEFAULT_REFERENCE_SET, True)

    @cached_property
    def comparison(self) -> dict:
        result = self.figures.comparison(self.sel.year, self.references, self.sel.as_of)
        data = result.as_dict()
        names = _type_names()
        for row in data["types"]:
            row["name"] = names.get(row["provision_type"], row["provision_type"])
        return data

    @cached_property
    def curve(self) -> list[dict]:
        return [p.as_dict() for p in self.figures.score_curve(self.references, self.sel.as_of)]

    @cached_property
    def illustrative_references(self) -> dict[str, bool]:
        """Whether any reference accord used by the comparison, or the curve, is illustrative."""
        year = self.comparison["year"]
        flagged = set(db.session.scalars(select(Accord.slug).where(
            Accord.slug.in_([r.slug for r in self.references]), Accord.illustrative.is_(True))))
        return {"comparison": any(r.slug in flagged for r in self.references
                                  if r.coded_in(year)),
                "curve": any(r.slug in flagged for r in self.references if r.horizon_years)}

    @cached_property
    def pace(self) -> dict:
        target = self.accord.target_date
        return {"as_of": self.sel.as_of.isoformat(),
                "target_date": target.isoformat() if target else None,
                **self.figures.pace(self.sel.as_of, self.sel.filters).as_dict()}

    @cached_property
    def overdue(self) -> list[dict]:
        levels = self.figures.levels(self.sel.as_of)
        return [{"code": p.code, "deadline": p.deadline.isoformat(),
                 "level": levels.get(p.id, 0), "section": " › ".join(p.section_path)}
                for p in self.figures.overdue(self.sel.as_of, self.sel.filters)]


def _natural(code: str) -> tuple:
    """Sort "1.10" after "1.9"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in code.split("."))


def _type_names() -> dict[str, str]:
    return dict(db.session.execute(select(ProvisionType.code, ProvisionType.name)).all())


# --- labels, alt texts, chart bytes ----------------------------------------------------------

def level_names() -> list[str]:
    return level_labels()  # the shared translations of the four levels


def _short(text: str, width: int = 60) -> str:
    """`text` cut at a word boundary to fit `width` characters, with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width - 1] + "…"


def selection_text(board: Board, with_tag: bool = True) -> str:
    parts = []
    if board.sel.section:
        parts.append(_("section %(code)s", code=board.sel.section))
    if board.sel.tag and with_tag:
        parts.append(_("tag %(tag)s", tag=board.sel.tag))
    return ", ".join(parts)


def _frame(board: Board, name: str) -> dict:
    """Labels every chart of the board shares: levels, source line, illustrative note."""
    source = _("Source: %(accord)s, verified records as of %(date)s",
               accord=_short(board.accord.name), date=board.sel.as_of.isoformat())
    chosen = selection_text(board, with_tag=name != "tags")  # the tags chart ignores the tag
    if name not in REFERENCE_CHARTS and chosen:
        source += " · " + _("Selection: %(what)s", what=chosen)
    if name in REFERENCE_CHARTS:
        source += " · " + _("Reference set %(set)s", set=DEFAULT_REFERENCE_SET)
        illustrative = board.accord.illustrative or board.illustrative_references[name]
    else:
        illustrative = board.accord.illustrative
    return {"levels": level_names(), "source": source, "empty": _("No data for this selection"),
            "note": _("Illustrative data") if illustrative else ""}


def _chart_labels(board: Board, name: str) -> dict:
    year, score, share = _("Year"), _("Score (0-100)"), _("Share of provisions (%)")
    ref = {"accord": _("This accord"), "mean": _("Reference mean"),
           "iqr": _("Reference interquartile range"), "range": _("Reference range (min-max)")}
    by_name = {  # built lazily: only the asked chart's figures are computed
        "priority": lambda: {
            "title": _("Score of priority and non-priority provisions"), "x": year, "y": score,
            "all": _("All provisions"), "priority": _("Priority"),
            "non_priority": _("Non-priority"),
            "since": _("Priority flags set %(date)s", date=board.priority_since or "")},
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
            "target": _("Target date %(date)s", date=board.pace["target_date"] or "")},
    }
    return {**_frame(board, name), **by_name[name]()}


def render_chart(board: Board, name: str, fmt: str) -> bytes:
    labels = _chart_labels(board, name)
    if name == "priority":
        points = [{"date": p["date"], "score": p["score"], "priority": p["priority"]["score"],
                   "non_priority": p["non_priority"]["score"]} for p in board.timeline]
        return charts.priority_lines(points, board.priority_since, labels, fmt)
    if name == "status":
        return charts.status_area(board.timeline, labels, fmt)
    if name == "groups":
        rows = [{**r, "label": f"{r['label']} ({r['provisions']})"} for r in board.groups]
        return charts.group_bars(rows, labels, fmt)
    if name == "tags":
        rows = [{**r, "label": f"{r['label']} ({r['provisions']})"} for r in board.tags]
        return charts.tag_bars(rows, labels, fmt)
    if name == "comparison":
        rows = [{**r, "label": f"{r['name']} ({r['provision_type']})"}
                for r in board.comparison["types"]]
        return charts.comparison_ranges(rows, labels, fmt)
    if name == "curve":
        return charts.score_curve(board.curve, labels, fmt)
    return charts.pace_projection(board.timeline, board.pace, labels, fmt)


def _number(value) -> str:
    return "—" if value is None else str(value)


def alt_texts(board: Board) -> dict[str, str]:
    """What each chart shows, in a sentence with its key figures (the <img> alt text)."""
    s, cmp, pace = board.summary, board.comparison, board.pace
    return {
        "priority": _("Line chart of the score by month: priority provisions %(p)s, "
                      "non-priority %(n)s on %(date)s.", p=_number(s["priority"]["score"]),
                      n=_number(s["non_priority"]["score"]), date=s["as_of"]),
        "status": _("Stacked area chart of the share of provisions at each level by month; "
                    "on %(date)s %(c)s%% complete and %(z)s%% not initiated.", date=s["as_of"],
                    c=_number(s["shares"]["complete"]),
                    z=_number(s["shares"]["not_initiated"])),
        "groups": _("Horizontal stacked bars of the share of provisions at each level for "
                    "%(n)s groups; see the table for each figure.", n=len(board.groups)),
        "tags": _("Grouped bars of the share of provisions at each level for all provisions "
                  "and the gender and ethnic provisions; see the table."),
        "comparison": _("Dot chart of this accord's mean level per provision type beside the "
                        "reference mean and interquartile range: %(above)s of %(compared)s "
                        "provision types above average.", above=cmp["types_above_mean"],
                        compared=cmp["types_compared"]),
        "curve": _("Line chart of the score by year since signing over the band of the "
                   "reference accords' scores; see the table for each year."),
        "pace": _("Line chart of the score with its projection at the pace of the last 12 "
                  "months (%(m)s points a month) and the pace needed to reach 100 by "
                  "%(target)s (%(r)s points a month).", m=_number(pace["monthly_change_12m"]),
                  target=_number(pace["target_date"]),
                  r=_number(pace["required_monthly_change"])),
    }


# --- caching ---------------------------------------------------------------------------------

def data_state(accord: Accord) -> tuple:
    """The database state a dashboard's figures depend on: the same on every instance."""
    return (accord.id, queries.data_version(accord.id),
            queries.reference_set_version(DEFAULT_REFERENCE_SET), accord.name, accord.illustrative,
            accord.signed_on, accord.target_date)


def etag_for(state: tuple, *parts) -> str:
    key = (state, str(get_locale()), parts, __version__)
    return '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


_FIGURES = Recent(32)  # (state, locale, selection) -> Board.snapshot()
_DRAWN = Recent(128)  # ETag -> chart bytes (a chart is ~20-130 kB)
_PAGES = Recent(32)  # (state, locale, selection, day) -> the dashboard's rendered content


def clear_caches(figures: bool = True, drawn: bool = True) -> None:
    """Forget kept figures and/or drawn charts (benchmarks; tests, whose rolled-back rows
    let SQLite reuse record ids)."""
    if figures:
        _FIGURES.clear()
    if drawn:
        _DRAWN.clear()
    if figures:
        _PAGES.clear()


def _image(data: bytes | None, fmt: str, etag: str, filename: str):
    response = make_response(data or b"", 200 if data is not None else 304)
    if data is not None:
        response.mimetype = MIME[fmt]
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
        response.headers["Content-Security-Policy"] = CHART_POLICY
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _conditional(etag: str) -> bool:
    return request.if_none_match.contains_weak(etag.strip('"'))


# --- views -----------------------------------------------------------------------------------

@bp.get("/accords/<slug>/dashboard")
def show(slug: str):
    accord = visible_accord_or_404(slug)
    redirected = _without_empty_values()
    if redirected:
        return redirected
    selection = _selection(accord)
    state = data_state(accord)
    key = (state, str(get_locale()), tuple(sorted(selection.args().items())), date.today())

    def render_body() -> str:
        board = _board(accord, selection, state)
        body = render_template(
            "dashboard/_board.html", accord=accord, board=board, sel=board.sel,
            level_keys=LEVEL_KEYS, level_names=level_names(), alts=alt_texts(board),
            sections=_section_options(board), tags=sorted({t for p in board.figures.provisions
                                                           for t in p.tags}),
            today=date.today(), overdue_shown=OVERDUE_SHOWN,
            reference_set=DEFAULT_REFERENCE_SET, api_links=_api_links(accord, board.sel),
            selection_text=selection_text(board))
        _keep(board, state)  # the page's charts, requested next, reuse these figures
        return body

    # The content is the same for every visitor: keep it rendered for this state.
    body = Markup(_PAGES.get_or_make(key, render_body))
    return render_template("dashboard/show.html", accord=accord, body=body)


def _api_links(accord: Accord, sel: Selection) -> list[tuple[str, str]]:
    """The JSON API requests that give the page's figures."""
    chosen = {k: v for k, v in sel.args().items() if k != "year"}
    year = {"as_of": sel.as_of.isoformat(), "year": sel.year or "now"}
    return [(_("summary"), url_for("api.summary", slug=accord.slug, **chosen)),
            (_("timeline"), url_for("api.timeline", slug=accord.slug, **chosen)),
            (_("pace"), url_for("api.pace", slug=accord.slug, **chosen)),
            (_("comparison"), url_for("api.comparison", slug=accord.slug, **year))]


def _section_options(board: Board) -> list[tuple[str, str]]:
    paths = {path[-1]: path for p in board.figures.provisions
             for path in (p.section_path[:n] for n in range(1, len(p.section_path) + 1))}
    return [(code, "– " * (len(paths[code]) - 1) + f"{code} {board.section_titles.get(code, '')}")
            for code in sorted(paths, key=_natural)]


@bp.get("/accords/<slug>/charts/<any(" + ", ".join(CHARTS) + "):name>.<any(png, svg):fmt>")
def chart(slug: str, name: str, fmt: str):
    accord = visible_accord_or_404(slug)
    redirected = _without_empty_values()
    if redirected:
        return redirected
    selection = _selection(accord)
    state = data_state(accord)
    etag = etag_for(state, name, fmt, selection)
    filename = f"{accord.slug}-{name}-{selection.as_of.isoformat()}.{fmt}"
    if _conditional(etag):
        return _image(None, fmt, etag, filename)

    def draw() -> bytes:
        board = _board(accord, selection, state)
        drawn = render_chart(board, name, fmt)
        _keep(board, state)
        return drawn

    return _image(_DRAWN.get_or_make(etag, draw), fmt, etag, filename)


# --- reference accords -----------------------------------------------------------------------

@bp.get("/reference")
def references():
    params.check_known(())
    found = [a for a in queries.visible_accords(current_user) if a.kind == "reference"]
    sets: dict[str, list[Accord]] = {}
    for accord in found:
        sets.setdefault(accord.reference_set or "", []).append(accord)
    return render_template("dashboard/references.html", sets=sorted(sets.items()))


def _reference_or_404(slug: str) -> Accord:
    accord = visible_accord_or_404(slug)
    if accord.kind != "reference":
        abort(404, description=_("%(slug)s is not a reference accord.", slug=slug))
    params.check_known(())
    return accord


def reference_matrix(accord: Accord) -> dict:
    """Mean level per provision type at the end of each coded year, and the score."""
    data = queries.accord_data(accord)
    years = list(range(1, (accord.horizon_years or 0) + 1))
    per_year = [compare.type_levels(data.provision_types, compare.reference_levels(data, y))
                for y in years]
    names = _type_names()
    codes = sorted({c for c in data.provision_types.values() if c},
                   key=lambda c: names.get(c, c))
    figures = AccordFigures(accord)
    return {
        "years": years,
        "calendar": [compare.year_end(accord.signed_on, y).isoformat() for y in years],
        "rows": [{"code": c, "label": f"{names.get(c, c)} ({c})",
                  "values": [round_half_up(levels[c], 2) if c in levels else None
                             for levels in per_year]} for c in codes],
        "scores": [figures.summary(compare.year_end(accord.signed_on, y))["score"]
                   for y in years],
    }


@bp.get("/reference/<slug>")
def reference(slug: str):
    accord = _reference_or_404(slug)
    return render_template("dashboard/reference.html", accord=accord,
                           matrix=reference_matrix(accord), level_names=level_names())


@bp.get("/reference/<slug>/charts/heatmap.<any(png, svg):fmt>")
def reference_chart(slug: str, fmt: str):
    accord = _reference_or_404(slug)
    if not accord.horizon_years:
        abort(404, description=_("No coded years for this accord."))
    etag = etag_for((accord.id, queries.data_version(accord.id), accord.name,
                     accord.illustrative, accord.horizon_years), "heatmap", fmt)
    filename = f"{accord.slug}-heatmap.{fmt}"
    if _conditional(etag):
        return _image(None, fmt, etag, filename)
    matrix = reference_matrix(accord)
    labels = {"title": _("Implementation level by provision type and year since signing"),
              "x": _("Years since signing"), "y": "", "levels": level_names(),
              "source": _("Source: %(accord)s, coded years 1-%(n)s (reference set %(set)s)",
                          accord=_short(accord.name), n=accord.horizon_years,
                          set=accord.reference_set or "—"),
              "note": _("Illustrative data") if accord.illustrative else "",
              "empty": _("No data for this selection")}
    data = charts.heatmap(matrix["rows"], matrix["years"], labels, fmt)
    return _image(data, fmt, etag, filename)
