"""Cut-off pages: the list with the publish form, a cut-off's permanent page, the changes
since another cut-off, its data package and workbook, and the officials' brief (print page
and PDF) for a cut-off or a date."""
from __future__ import annotations

import base64
from datetime import date

from flask import (Blueprint, abort, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..permissions import can_review, require, sees_internal, visible_accord_or_404
from ..api import params
from ..dashboard.drawing import alt_texts
from ..domain.messages import N_, Message
from ..domain.scale import LEVEL_KEYS
from ..i18n import translate
from ..services import Invalid
from ..web import local_date, set_disposition
from . import report, services
from .brief import CHARTS, Brief
from .forms import PublishForm, publish_form
from .models import Cutoff

#: The paper sizes a brief is laid out for.
PAPERS = ("a4", "letter")

bp = Blueprint("cutoffs", __name__)


def _monitored_or_404(slug: str):
    accord = visible_accord_or_404(slug)
    if accord.kind != "monitored":
        abort(404, description=_("Reference accords have no cut-offs."))
    return accord


def _cutoff_or_404(accord, label: str):
    found = services.by_label(accord, services.normal_label(label))
    if found is None:
        abort(404, description=_("No cut-off %(label)s for this accord.", label=label))
    return found


@bp.get("/accords/<slug>/cutoffs")
def index(slug: str, form: PublishForm | None = None, status: int = 200):
    accord = _monitored_or_404(slug)
    listed = [report.cutoff_json(c) for c in services.cutoffs(accord)]
    if form is None and can_review(current_user, accord):
        form = publish_form(accord)
    return render_template("cutoffs/index.html", accord=accord, cutoffs=listed, form=form,
                           today=date.today()), status


@bp.post("/accords/<slug>/cutoffs")
@login_required
def publish(slug: str):
    accord = _monitored_or_404(slug)
    require(can_review(current_user, accord), _("Only the accord's coordinators publish "
                                                 "cut-offs."))
    form = publish_form(accord, request.form)
    if not form.validate():
        return index(slug, form=form, status=400)
    try:
        cutoff, added = services.publish_once(accord, form.label.data, form.as_of.data,
                                              form.note.data or "",
                                              form.supersedes.data or None)
    except Invalid as exc:
        for name, reason in exc.errors.items():
            getattr(form, name, form.label).errors.append(translate(reason))
        return index(slug, form=form,
                     status=409 if isinstance(exc, services.LabelTaken) else 400)
    flash(_("Cut-off %(label)s published: its figures stay as they are now.",
            label=cutoff.label) if added else
          _("Nothing changed: cut-off %(label)s is already published.", label=cutoff.label))
    return redirect(url_for("cutoffs.show", slug=slug, label=cutoff.label))


@bp.get("/accords/<slug>/cutoffs/<label>")
def show(slug: str, label: str):
    accord = _monitored_or_404(slug)
    cutoff = _cutoff_or_404(accord, label)
    return render_template(
        "cutoffs/show.html", accord=accord, cutoff=report.cutoff_json(cutoff),
        published_by=cutoff.published_by if sees_internal(current_user, accord) else None,
        figures=report.figures_json(accord, report.Moment.of(cutoff)),
        revision=report.revisions(cutoff), previous=services.previous(cutoff),
        level_keys=LEVEL_KEYS)


def _since(accord, default, until) -> tuple[Cutoff | None, str | None]:
    """(the `since` cut-off (default: `default`), None), or (None, the reason) for a label
    naming no cut-off or a cut-off with a date after `until` (the changes would run
    backwards): the page then shows the reason with a 400."""
    label = request.args.get("since")
    if label is None:
        return default, None
    found = services.by_label(accord, services.normal_label(label))
    if found is None:
        return None, _("%(field)s: %(label)s names no cut-off of this accord.",
                       field=_("“%(field)s”", field=_("Since")), label=label)
    if found.as_of > until:
        return None, _("%(field)s: %(label)s is a cut-off of %(date)s, after %(until)s: "
                       "changes are counted from an earlier date to a later one.",
                       field=_("“%(field)s”", field=_("Since")), label=found.label,
                       date=local_date(found.as_of), until=local_date(until))
    return found, None


@bp.get("/accords/<slug>/cutoffs/<label>/changes")
def changes(slug: str, label: str):
    accord = _monitored_or_404(slug)
    cutoff = _cutoff_or_404(accord, label)
    base, error = _since(accord, services.previous(cutoff), cutoff.as_of)
    if error:
        return _changes_page(accord, None, report.Moment.of(cutoff), error=error)
    if base is None:
        choosable = any(c.as_of <= cutoff.as_of and c.id != cutoff.id
                        for c in services.cutoffs(accord))
        return _changes_page(accord, None, report.Moment.of(cutoff), message=_(
            "%(label)s is the first report of this accord: choose a cut-off to compare with.",
            label=cutoff.label) if choosable else _(
            "%(label)s is the first report of this accord: there is no earlier cut-off to "
            "compare it with.", label=cutoff.label))
    return _changes_page(accord, report.Moment.of(base), report.Moment.of(cutoff))


@bp.get("/accords/<slug>/changes")
def changes_to_now(slug: str):
    accord = _monitored_or_404(slug)
    now = report.Moment.now()
    base, error = _since(accord, services.latest(accord), now.as_of)
    if error:
        return _changes_page(accord, None, now, error=error)
    if base is None:  # an ordinary state, reached by the cut-offs page's link: a note
        return _changes_page(accord, None, now, message=_(
            "This accord has no cut-off yet: nothing to compare with."))
    return _changes_page(accord, report.Moment.of(base), now)


def _changes_page(accord, before, after, message: str | None = None,
                  error: str | None = None):
    """The changes page from `before` to `after`; without `before`, the page says why:
    `message` (a first report: 200) or `error` (in the error summary, with a 400)."""
    return render_template("cutoffs/changes.html", accord=accord, before=before, after=after,
                           data=report.changes_json(accord, before, after) if before else None,
                           titles=({**before.titles(accord), **after.titles(accord)}
                                   if before else after.titles(accord)), message=message,
                           error=error,
                           cutoffs=[c for c in services.cutoffs(accord)  # the choosable ones
                                    if c.as_of <= after.as_of and c.label != after.label]
                           ), 400 if error else 200


def _brief(accord, label: str | None) -> Brief:
    """The brief of cut-off `label` (changes since the previous cut-off), or, without a
    label, of `as_of` (default today) as known now (changes since the latest cut-off)."""
    if label is not None:
        cutoff = _cutoff_or_404(accord, label)
        before = services.previous(cutoff)
        return Brief(accord, report.Moment.of(cutoff),
                     report.Moment.of(before) if before else None, cutoff,
                     report.revisions(cutoff))
    moment = report.Moment.now(params.as_of(accord.signed_on))
    before = services.latest(accord, before=moment.as_of)
    return Brief(accord, moment, report.Moment.of(before) if before else None)


def _paper(label: str | None) -> str:
    """The brief's `paper` (a4, the default, or letter), after checking the parameters a
    brief takes (`as_of` only without a cut-off's label); 400 naming a bad one."""
    params.field_labels({"paper": _l("Paper"), "as_of": _l("As of")})
    params.check_known(("paper",) if label is not None else ("paper", "as_of"))
    paper = params.value("paper") or "a4"
    if paper not in PAPERS:
        params.bad_request(Message(N_("%(name)s=%(value)s must be one of %(allowed)s"),
                                   name=params.named("paper"), value=repr(paper[:40]),
                                   allowed=", ".join(PAPERS)))
    return paper


@bp.get("/accords/<slug>/brief")
@bp.get("/accords/<slug>/cutoffs/<label>/brief")
def brief_page(slug: str, label: str | None = None):
    accord = _monitored_or_404(slug)
    paper = _paper(label)
    brief = _brief(accord, label)
    alts = alt_texts(brief.board)
    charts = [(_data_uri(brief.chart(name, "png")), alts[name]) for name in CHARTS]
    return render_template("cutoffs/brief.html", brief=brief, accord=accord, charts=charts,
                           paper=paper, level_keys=LEVEL_KEYS)


def _data_uri(png: bytes) -> str:
    """A chart inside the page itself (the page's policy allows data: images, and a saved or
    printed page keeps its charts)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@bp.get("/accords/<slug>/brief.pdf")
@bp.get("/accords/<slug>/cutoffs/<label>/brief.pdf")
def brief_pdf(slug: str, label: str | None = None):
    from flask_babel import get_locale

    from .pdf import build

    accord = _monitored_or_404(slug)
    paper = _paper(label)
    brief = _brief(accord, label)
    name = (f"{accord.slug}-brief-{_safe(brief.moment.label or brief.moment.as_of.isoformat())}"
            f"-{get_locale()}.pdf")
    return _download(build(brief, paper), "application/pdf", name)


@bp.get("/accords/<slug>/cutoffs/<label>/data.zip")
def data_package(slug: str, label: str):
    from .package import build

    accord = _monitored_or_404(slug)
    params.check_known(())
    cutoff = _cutoff_or_404(accord, label)
    return _download(build(cutoff, request.url_root), "application/zip",
                     f"{accord.slug}-{_safe(label)}-data.zip")


@bp.get("/accords/<slug>/cutoffs/<label>/report.xlsx")
def workbook(slug: str, label: str):
    from ..excel import XLSX_MIMETYPE
    from ..excel.report import report_workbook

    accord = _monitored_or_404(slug)
    params.check_known(())
    cutoff = _cutoff_or_404(accord, label)
    before = services.previous(cutoff)
    data = report_workbook(accord, cutoff.as_of, include_unverified=False, show_authors=False,
                           known_at=cutoff.published_at, cutoff_label=cutoff.label,
                           since=report.Moment.of(before) if before else None,
                           snapshot=report.Moment.of(cutoff).snapshot,
                           fixed_at=cutoff.published_at)
    return _download(data, XLSX_MIMETYPE, f"{accord.slug}-{_safe(label)}-report.xlsx")


def _safe(label: str) -> str:
    """A label as part of a file name: letters (any script) and digits kept, anything else
    (quotes, semicolons, spaces, slashes) a hyphen; the header carries it as RFC 5987."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in label)


def _download(data: bytes, mimetype: str, filename: str):
    response = make_response(data)
    response.mimetype = mimetype
    set_disposition(response.headers, "attachment", filename)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
