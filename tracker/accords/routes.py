from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import queries
from ..api import params
from ..domain.alignment import AlignmentRule
from ..domain import compare
from ..domain.scale import LEVEL_KEYS, round_half_up
from ..extensions import db
from ..figures import AccordFigures
from ..models import Provision
from ..permissions import can_review, visible_accord_or_404
from ..web import day_of_year
from . import bp


@bp.get("/")
def index():
    """Every accord visible to the visitor, monitored first, then the reference sets."""
    accords = queries.visible_accords(current_user)
    counts = dict(db.session.execute(
        select(Provision.accord_id, func.count()).group_by(Provision.accord_id)).all())
    return render_template(
        "accords/index.html", counts=counts,
        monitored=[a for a in accords if a.kind == "monitored"],
        reference=[a for a in accords if a.kind == "reference"],
        scores=queries.reference_overview([a.id for a in accords if a.kind == "reference"]))


@bp.get("/accords/<slug>")
def show(slug: str):
    accord = visible_accord_or_404(slug)
    if accord.kind == "reference":  # its page is the coded matrix
        return redirect(url_for("dashboard.reference", slug=slug))
    as_of = date.today()
    include_pending = bool(params.optional_boolean("pending")) and can_review(current_user,
                                                                            accord)
    figures = AccordFigures(accord, include_pending=include_pending)
    summary = figures.summary(as_of)
    reference_score = None
    from ..cutoffs import forms as cutoff_forms, services as cutoff_services

    return render_template("accords/show.html", accord=accord, summary=summary,
                           as_of=as_of, level_keys=LEVEL_KEYS, reference_score=reference_score,
                           api_url=request.url_root.rstrip("/") + f"/api/v1/accords/{slug}/summary",
                           cutoffs=cutoff_services.cutoffs(accord)[:5],
                           latest_cutoff=cutoff_services.latest(accord),
                           publish_form=cutoff_forms.publish_form(accord)
                           if can_review(current_user, accord) else None)


@bp.get("/methodology")
def methodology():
    """Scale, formulas, alignment rule (as read off the default reference set) and sources."""
    from ..figures import default_reference_set

    refset = queries.reference_set(default_reference_set())
    rule = AlignmentRule.from_dict(refset.alignment if refset else None)
    rule_dates = {key: day_of_year(*value) if value else "—"
                  for key, value in (("last", rule.last_same_year),
                                     ("next", rule.first_next_year))}
    return render_template("accords/methodology.html", refset=refset, rule=rule,
                           rule_dates=rule_dates, curve_differences=_curve_differences(refset))


def _curve_differences(refset) -> list[dict]:
    """Years whose reference mean, computed from the types each accord contains, differs
    (to two decimals) from the mean of the scores the data set itself gives."""
    if refset is None:
        return []
    references = queries.reference_data(refset.label)
    ours = compare.reference_curve(references)
    theirs = compare.reference_curve(references, published=True)
    rows = []
    for year, dist in ours.items():
        other = theirs.get(year)
        if other is not None and round_half_up(dist.mean, 2) != round_half_up(other.mean, 2):
            rows.append({"year": year, "mean": round_half_up(dist.mean, 2),
                         "published": round_half_up(other.mean, 2), "n": dist.n})
    return rows
