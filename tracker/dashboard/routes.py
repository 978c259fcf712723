"""Officials' dashboards and their charts (what a dashboard shows is `board`; the figures
and charts kept for every process, and the keys that name them, are `shared`; this module
parses requests, renders pages and answers; the reference accords' pages are `reference`).

Views parse the request with `api.params` (same parameters, same 400s as the API), check
access with `visible_or_404`, and take every number from `AccordFigures`, rounded by the
same `as_dict` methods as the API: tables, charts and JSON cannot disagree.

Charts answer with an ETag derived from database state only (the accord's revision, which
every write to its records, reviews, priority flags and structure raises; the reference set's
revisions; the locale, the parameters, the app version), checked before anything is drawn.
That state is read in one query with the accord itself (`shared.data_state`), so a
revalidation, and any answer already kept, costs that one query. The same state keys small
process-local caches (a dashboard's computed figures, its content, drawn charts, anonymous
visitors' whole pages), so any change makes new entries.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import (abort, current_app, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .. import chartstore, charts, kept, queries
from ..permissions import can_review, visible_or_404
from ..api import params
from ..cache import Recent, once
from ..compression import Stored, send_stored
from ..domain.compare import MAX_YEARS
from ..domain.messages import Message, N_
from ..domain.scale import LEVEL_KEYS
from ..domain.text import parse_iso_date
from ..models import Accord
from ..i18n import section_options
from ..web import local_date, local_datetime, set_disposition
from . import asked, bp
from . import shared as kept_for_all
from .board import CHARTS, Board, Selection, level_names, natural, selection_text
from .drawing import alt_texts, chart_boxes
from .shared import (board_for, data_state, etag_for, figures_for, keep_figures, kept_chart,
                     wanted_reference_set)

PAGE_PARAMS = ("as_of", "section", "tag", "year", "known_at", "include_pending")
#: The page's fields by parameter, as its messages name them (`params.field_labels`).
PAGE_LABELS = {"as_of": _l("As of"), "section": _l("Point or theme"), "tag": _l("Tag"),
               "year": _l("Comparison year since signing"), "known_at": _l("As known at (UTC)"),
               "include_pending": _l("Include records awaiting review (not official)")}
#: A chart's own parameter: the size it is drawn at (tracker.charts.SIZES), "wide" if absent.
CHART_PARAMS = PAGE_PARAMS + ("size",)
OVERDUE_SHOWN = 20
MIME = {"png": "image/png", "svg": "image/svg+xml"}
#: A chart opened on its own: matplotlib's SVG styles its elements inline (and embeds the
#: heatmap as a data: image); nothing else may load and no script may run.
CHART_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'")


# --- parameters ------------------------------------------------------------------------------

def _canonical(allowed: tuple[str, ...] | None = None):
    """A redirect to the same URL without empty parameters (a GET form sends empty fields
    for "all") and, given the view's `allowed` parameters, without the others; None when
    there are none to drop. The page drops what it does not take, so a link's tracking
    parameters (`?utm_source=...`) or a random query string neither keep another copy of
    the page for anonymous visitors nor push kept answers out; a chart refuses them (400)."""
    def wanted(name: str, value: str) -> bool:
        return value != "" and (allowed is None or name in allowed)

    if not all(wanted(name, value) for name, value in request.args.items(multi=True)):
        kept = {k: v for k, v in request.args.items()
                if wanted(k, v) and k not in request.view_args}
        return redirect(url_for(request.endpoint, **request.view_args, **kept))
    return None


def _selection(accord: Accord, allowed: tuple[str, ...] = PAGE_PARAMS) -> Selection:
    """Parameters checked without loading provisions (filters are checked by `_board`), as
    the API checks them: `include_pending=true` is a 403 for anyone but the accord's
    coordinators; `known_at` is a 400 when malformed, before the accord existed, in the
    future or given with `include_pending=true`."""
    params.check_known(allowed)
    include_pending = params.boolean("include_pending", False)
    if include_pending and not can_review(current_user, accord):
        abort(403, description=_("Only the accord's coordinators may include records awaiting "
                                 "review (include_pending)."))
    return Selection(params.as_of(accord.signed_on), request.args.get("section"),
                     request.args.get("tag"), params.year(), params.known_at(accord),
                     include_pending)


def _visible_with_state(slug: str) -> tuple[Accord, tuple]:
    """The accord (404 unless the reader may see it) and its `data_state`, in one query."""
    accord, reference = queries.current_accord_with_reference_version(
        slug, wanted_reference_set())
    visible_or_404(accord, slug)
    return accord, data_state(accord, reference)


# (state, locale, selection, day) -> the dashboard's rendered content
_PAGES = Recent(32, "dashboard.pages")
# ETag -> an anonymous visitor's whole page (Stored, with its gzip form)
_ANONYMOUS_PAGES = Recent(64, "dashboard.anonymous_pages")


def _date_problem(accord: Accord) -> str | None:
    """Why the `as_of` date asked for cannot be shown (not a date, in the future, before the
    signing), in the reader's language; None when it can (or none was given)."""
    text = request.args.get("as_of")
    if not text:
        return None
    try:
        day = parse_iso_date(text)
    except ValueError:
        return _("“%(value)s” is not a date: write it as YYYY-MM-DD.", value=text[:40])
    if day > date.today():
        return _("%(date)s is in the future: figures are shown up to today.",
                 date=local_date(day))
    if day < accord.signed_on:
        return _("%(date)s is before the accord was signed (%(signed)s): choose a date from "
                 "the signing on.", date=local_date(day), signed=local_date(accord.signed_on))
    return None


def _moment_problem(accord: Accord) -> str | None:
    """Why the `known_at` moment asked for cannot be used (not a moment, before the accord
    was entered here, in the future, or given with records awaiting review), in the reader's
    language; None when it can (or none was given). A moment without an offset is UTC."""
    text = request.args.get("known_at")
    if not text:
        return None
    if params.boolean("include_pending", False):
        return _("“As known at” counts verified records only: it cannot include records "
                 "awaiting review. Clear one of the two.")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return _("“%(value)s” is not a moment: write it as YYYY-MM-DD HH:MM (UTC).",
                 value=text[:40])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if moment > datetime.now(timezone.utc):
        return _("%(moment)s is in the future: leave the field empty for the figures as "
                 "known now.", moment=local_datetime(moment))
    if moment < accord.created_at:
        return _("%(moment)s is before the accord was entered here (%(created)s).",
                 moment=local_datetime(moment), created=local_datetime(accord.created_at))
    return None


def clear_caches(figures: bool = True, drawn: bool = True) -> None:
    """Forget kept figures and/or drawn charts (benchmarks; tests, whose rolled-back rows
    let SQLite reuse record ids)."""
    kept_for_all.clear(figures, drawn)
    if figures:
        _PAGES.clear()
        _ANONYMOUS_PAGES.clear()


def _image(data: Stored | bytes | None, fmt: str, etag: str, filename: str):
    """A chart's answer: `data` (a 304 for None), gzip-compressed once per `Stored` for the
    clients and formats `tracker.compression` compresses."""
    response = make_response(b"", 200 if data is not None else 304)
    response.headers["ETag"] = etag
    if data is not None:
        response.mimetype = MIME[fmt]
        set_disposition(response.headers, "inline", filename)
        response.headers["Content-Security-Policy"] = CHART_POLICY
        send_stored(response, data if isinstance(data, Stored) else Stored(data))
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _conditional(etag: str) -> bool:
    return request.if_none_match.contains_weak(etag.strip('"'))


def _size() -> str:
    """The chart size asked for with size= (400 for an unknown one); "wide" if absent."""
    size = params.value("size") or "wide"
    if size not in charts.SIZES:
        params.bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                                   name="size", value=repr(size),
                                   allowed=", ".join(charts.SIZES)), "size")
    return size


def _suffix(size: str) -> str:
    return "" if size == "wide" else f"-{size}"


# --- views -----------------------------------------------------------------------------------

@bp.get("/accords/<slug>/dashboard")
def show(slug: str):
    """The dashboard of a monitored accord as of a date (default today); a date that cannot
    be shown gives the page as of today with the reason at the date field (400)."""
    accord, state = _visible_with_state(slug)
    redirected = _canonical(PAGE_PARAMS)
    if redirected:
        return redirected
    params.field_labels(PAGE_LABELS)
    problems = _choice_problems(accord)
    if problems:
        return _refused_choices(accord, state, problems)
    selection = _selection(accord)
    variant = asked.of_request()
    if _plain_anonymous_visit():
        answer = _anonymous_page(accord, selection, state, variant)
    else:
        body = Markup(page_body(accord, selection, state))
        answer = render_template("dashboard/show.html", accord=accord, body=body)
    asked.note(accord.id, variant)  # answered: its filters exist
    return answer


def _plain_anonymous_visit() -> bool:
    """An anonymous visitor with no message waiting (flashed): such visitors all get the same
    page for the same address and language."""
    return not current_user.is_authenticated and "_flashes" not in session


def _anonymous_page(accord: Accord, selection: Selection, state: tuple,
                    variant: asked.Variant | None):
    """The whole page for an anonymous visitor, kept in this process with its gzip form and
    an ETag (a revalidation is a 304), keyed like the charts by database state, language,
    address and day: a kept page costs one query and no rendering or compression, and until
    the next write none (`tracker.kept`: `variant` is noted as asked each time). A page
    that holds a form token (none should) is sent but never kept."""
    etag = etag_for(state, "anonymous page", request.script_root, request.full_path,
                    date.today())
    if _conditional(etag):
        response = make_response(b"", 304)
    else:
        stored, holds_token = _ANONYMOUS_PAGES.get(etag), False
        if stored is None:
            html = render_template("dashboard/show.html", accord=accord,
                                   body=Markup(page_body(accord, selection, state)))
            stored = Stored(html.encode())
            holds_token = bool(g.get(current_app.config.get("WTF_CSRF_FIELD_NAME",
                                                            "csrf_token")))
            if not holds_token:
                _ANONYMOUS_PAGES.put(etag, stored)
        if not holds_token:
            kept.may_keep(asked.noter(accord.id, variant))
        response = make_response(b"")
        response.mimetype = "text/html"
    response.headers["ETag"] = etag
    if response.status_code == 200:
        send_stored(response, stored)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def page_body(accord: Accord, selection: Selection, state: tuple) -> str:
    """The dashboard's content for `selection` in the current language, the same for every
    visitor of one kind: from this process's cache, else from the shared store (drawn ahead
    after a write, or by another process), else rendered once for every process. Keyed by
    database state, language, selection, whether the reader coordinates the accord (only
    coordinators see the switch for pending records), day and app version, like the
    charts."""
    coordinator = can_review(current_user, accord)
    key = (state, str(get_locale()), tuple(sorted(selection.args().items())), coordinator,
           date.today())

    def render_body() -> bytes:
        board = board_for(accord, selection, state)
        body = render_template("dashboard/_board.html", **_board_context(accord, board))
        keep_figures(board, state)  # the page's charts, requested next, reuse these figures
        return body.encode()

    stored_as = etag_for(state, "page", selection, coordinator, date.today())
    return _PAGES.get_or_make(key, lambda: chartstore.get_or_draw(stored_as,
                                                                 render_body).decode())


def _board_context(accord: Accord, board: Board) -> dict:
    """What `dashboard/_board.html` is rendered with; `coordinator`: the reader may review
    the accord's records, so sees the switch for pending records."""
    return dict(accord=accord, board=board, sel=board.sel,
                coordinator=can_review(current_user, accord),
                level_keys=LEVEL_KEYS, level_names=level_names(), alts=alt_texts(board),
                chart_boxes={name: chart_boxes(board, name) for name in CHARTS},
                sections=_section_options(board), tags=sorted({t for p in board.figures.provisions
                                                               for t in p.tags}),
                today=date.today(), overdue_shown=OVERDUE_SHOWN,
                reference_set=board.reference_set, api_links=_api_links(accord, board.sel),
                selection_text=selection_text(board))


def _choice_problems(accord: Accord) -> dict[str, str]:
    """Why each choice of the page's form that cannot be used was refused, by parameter, in
    the reader's language: the date and the moment (`_date_problem`, `_moment_problem`),
    the comparison year, and a point, theme or tag no provision of the accord has. Read on
    every request, not only on one that renders the page (a kept page reads none)."""
    # the accord's provisions, read once and only when a point or tag is given
    structure = once(lambda: figures_for(accord, Selection(date.today(), None, None,
                                                            None)).provisions)

    problems = {name: problem for name, problem in (("as_of", _date_problem(accord)),
                                                    ("known_at", _moment_problem(accord)))
                if problem is not None}
    _values, refused = params.refusals({
        "year": params.year,
        "section": lambda: params.filter_value("section", structure),
        "tag": lambda: params.filter_value("tag", structure)})
    for name in refused:  # said as the form's reader sees it, when one value was given
        given = request.args.getlist(name)
        if len(given) == 1 and given[0].strip():
            refused[name] = _option_problem(name, given[0].strip()[:40], structure)
    return problems | refused


def _option_problem(name: str, value: str, structure) -> str:
    """Why the form's choice `name` ("section", "tag", "year") cannot be `value`, said at
    its field (the field's label stands beside it): a provision's code given as a point or
    theme names the provision's section."""
    if name == "year":
        return _("“%(value)s” is not a year since signing: choose one from 1 to %(high)s, or "
                 "“Now (the year under way)”.", value=value, high=MAX_YEARS)
    if name == "tag":
        return _("no provision of this accord carries the tag “%(tag)s”: choose one from "
                 "the list.", tag=value)
    provision = next((p for p in structure() if p.code == value and p.section_path), None)
    if provision is not None:
        return _("“%(code)s” is a provision, not a point or theme: choose its section "
                 "(%(section)s) or another from the list.", code=value,
                 section=provision.section_path[-1])
    return _("“%(code)s” is not a point or theme of this accord: choose one from the list.",
             code=value)


def _date_as_typed() -> str:
    """The `as_of` asked for, for the date field to show again when refused: a date the
    field can hold (YYYY-MM-DD: one in the future, or before the signing), else ""."""
    text = (request.args.get("as_of") or "").strip()
    try:
        return parse_iso_date(text).isoformat()
    except ValueError:
        return ""


def _refused_choices(accord: Accord, state: tuple, problems: dict[str, str]):
    """The dashboard with what can be shown, every refused choice left out (a refused
    `as_of`: as of today; `known_at`: as known now; a point, theme, tag or year: all of
    them, the year under way) and the others kept, each problem at its field and all in
    an error summary, the typed moment kept: 400, a whole page rather than an error
    page."""
    params.check_known(PAGE_PARAMS)
    include_pending = params.boolean("include_pending", False)
    if include_pending and not can_review(current_user, accord):
        abort(403, description=_("Only the accord's coordinators may include records awaiting "
                                 "review (include_pending)."))

    def kept(name: str, read):
        return None if name in problems else read()

    selection = Selection(
        kept("as_of", lambda: params.as_of(accord.signed_on)) or date.today(),
        kept("section", lambda: request.args.get("section")),
        kept("tag", lambda: request.args.get("tag")), kept("year", params.year),
        kept("known_at", lambda: params.known_at(accord)), include_pending)
    board = board_for(accord, selection, state)
    body = render_template("dashboard/_board.html", problems=problems,
                           known_at_typed=(request.args.get("known_at") or "")[:100],
                           as_of_typed=_date_as_typed(),
                           **_board_context(accord, board))
    return render_template("dashboard/show.html", accord=accord, body=Markup(body)), 400


def _api_links(accord: Accord, sel: Selection) -> list[tuple[str, str]]:
    """The JSON API requests that give the page's figures."""
    chosen = {k: v for k, v in sel.args().items() if k != "year"}
    year = {k: v for k, v in sel.args().items() if k in ("as_of", "known_at", "include_pending")}
    year["year"] = sel.year or "now"
    return [(_("summary"), url_for("api.summary", slug=accord.slug, **chosen)),
            (_("timeline"), url_for("api.timeline", slug=accord.slug, **chosen)),
            (_("pace"), url_for("api.pace", slug=accord.slug, **chosen)),
            (_("comparison"), url_for("api.comparison", slug=accord.slug, **year))]


def _section_options(board: Board) -> list[tuple[str, str]]:
    codes = {code for p in board.figures.provisions for code in p.section_path}
    return section_options(board.accord, sorted(codes, key=natural))


@bp.get("/accords/<slug>/charts/<any(" + ", ".join(CHARTS) + "):name>.<any(png, svg):fmt>")
def chart(slug: str, name: str, fmt: str):
    accord, state = _visible_with_state(slug)
    redirected = _canonical()
    if redirected:
        return redirected
    selection = _selection(accord, CHART_PARAMS)
    size = _size()
    etag = etag_for(state, name, fmt, selection, size)
    filename = f"{accord.slug}-{name}-{selection.as_of.isoformat()}{_suffix(size)}.{fmt}"
    if selection.section or selection.tag:  # a 400 for a filter the accord lacks, even on
        params.filters(figures_for(accord, selection).provisions)  # a revalidation
    variant = asked.of_request(name, fmt, size)
    asked.note(accord.id, variant)
    kept.may_keep(asked.noter(accord.id, variant))  # the same for every anonymous visitor
    if _conditional(etag):
        return _image(None, fmt, etag, filename)
    return _image(kept_chart(accord, selection, state, name, fmt, size), fmt, etag, filename)
