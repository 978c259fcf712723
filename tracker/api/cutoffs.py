"""Published cut-offs in the API: the list, one cut-off's figures with its revisions, and
what changed since another cut-off (or from a cut-off to now)."""
from __future__ import annotations

from flask import abort, request

from ..cutoffs import report, services
from ..domain.messages import N_, Message
from ..i18n import translate
from . import bp, params
from .routes import _answer, _figures


def _cutoff_or_404(figures, label: str):
    found = services.by_label(figures.accord, services.normal_label(label))
    if found is None:
        abort(404, description=translate(Message(N_("no cut-off %(label)s for accord %(slug)s"),
                                                 label=repr(label),
                                                 slug=repr(figures.accord.slug))))
    return found


def _since(figures, default, until):
    """The `since` cut-off (default: `default`); an unknown label, or a cut-off dated after
    `until` (the changes would run backwards), is a 400 naming it."""
    label = request.args.get("since")
    if label is None:
        return default
    found = services.by_label(figures.accord, services.normal_label(label))
    if found is None:
        params.bad_request(Message(N_("since=%(value)s names no cut-off of this accord"),
                                   value=repr(label)))
    if found.as_of > until:
        params.bad_request(Message(N_("since=%(value)s is a cut-off of %(date)s, after %(until)s: "
                                      "changes run from an earlier date to a later one"),
                                   value=repr(label), date=found.as_of,
                                   until=until))
    return found


@bp.get("/accords/<slug>/cutoffs")
def cutoffs(slug: str):
    params.check_known(())
    figures = _figures(slug)
    return _answer(figures, lambda: {
        "accord": slug,
        "cutoffs": [report.cutoff_json(c) for c in services.cutoffs(figures.accord)]},
        services.state(figures.accord))


@bp.get("/accords/<slug>/cutoffs/<label>")
def cutoff(slug: str, label: str):
    params.check_known(())
    figures = _figures(slug)
    found = _cutoff_or_404(figures, label)
    return _answer(figures, lambda: {
        **report.cutoff_json(found),
        "figures": report.figures_json(figures.accord, report.Moment.of(found)),
        "revision": report.revisions(found)}, services.state(figures.accord))


@bp.get("/accords/<slug>/cutoffs/<label>/changes")
def cutoff_changes(slug: str, label: str):
    params.check_known(("since",))
    figures = _figures(slug)
    found = _cutoff_or_404(figures, label)
    base = _since(figures, services.previous(found), found.as_of)
    if base is None:
        params.bad_request(Message(N_("cut-off %(label)s is the first one: name another "
                                      "with since="), label=repr(label)))
    return _answer(figures, lambda: report.changes_json(
        figures.accord, report.Moment.of(base), report.Moment.of(found)),
        services.state(figures.accord))


@bp.get("/accords/<slug>/changes")
def changes_to_now(slug: str):
    """From a cut-off (`since`, default the latest) to today as known now."""
    params.check_known(("since",))
    figures = _figures(slug)
    now = report.Moment.now()
    base = _since(figures, services.latest(figures.accord), now.as_of)
    if base is None:
        params.bad_request(Message(N_("this accord has no cut-off yet: nothing to compare "
                                      "with")))
    return _answer(figures, lambda: report.changes_json(
        figures.accord, report.Moment.of(base), now),
        services.state(figures.accord))
