from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user

from .. import queries
from ..figures import DEFAULT_REFERENCE_SET, AccordFigures
from ..permissions import can_view, has_role_on
from . import bp, params
from .openapi import document

ACCORD_FIELDS = ("slug", "name", "country", "signed_on", "kind", "reference_set", "illustrative")


def _accord_json(accord) -> dict:
    data = {name: getattr(accord, name) for name in ACCORD_FIELDS}
    data["signed_on"] = accord.signed_on.isoformat()
    return data


def _figures(slug: str) -> AccordFigures:
    """The accord's figures; 404 if hidden; pending records only for its coordinators."""
    accord = queries.accord_by_slug(slug)
    if accord is None or not can_view(current_user, accord):
        abort(404, description=f"no accord {slug!r}")
    include_pending = params.boolean("include_pending", False)
    if include_pending and not has_role_on(current_user, accord, "coordinator"):
        abort(403, description="include_pending is for the accord's coordinators")
    return AccordFigures(accord, include_pending=include_pending)


@bp.get("/accords")
def accords():
    params.check_known(())
    return jsonify({"accords": [_accord_json(a) for a in queries.visible_accords(current_user)]})


@bp.get("/accords/<slug>/summary")
def summary(slug: str):
    params.check_known(("as_of", "include_pending") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    return jsonify(figures.summary(as_of, params.filters(figures.provisions)))


@bp.get("/accords/<slug>/timeline")
def timeline(slug: str):
    params.check_known(("freq", "as_of", "include_pending") + params.FILTER_PARAMS)
    figures = _figures(slug)
    freq = params.frequency()
    as_of = params.as_of(figures.accord.signed_on)
    series = figures.timeline(as_of, freq, params.filters(figures.provisions))
    points = [
        {"date": day.isoformat(), **whole.as_dict(),
         "priority": priority.as_dict(), "non_priority": rest.as_dict()}
        for day, whole, priority, rest in zip(
            series["dates"], series["all"], series["priority"], series["non_priority"])
    ]
    since = figures.priority_since()
    return jsonify({"accord": slug, "freq": freq, "as_of": as_of.isoformat(),
                    "priority_flags_since": since.isoformat() if since else None,
                    "points": points})


@bp.get("/accords/<slug>/pace")
def pace(slug: str):
    params.check_known(("as_of", "include_pending") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    chosen = params.filters(figures.provisions)
    target = figures.accord.target_date
    overdue = figures.overdue(as_of, chosen)
    levels = figures.levels(as_of)
    return jsonify({
        "accord": slug, "as_of": as_of.isoformat(),
        "target_date": target.isoformat() if target else None,
        **figures.pace(as_of, chosen).as_dict(),
        "overdue": [{"code": p.code, "deadline": p.deadline.isoformat(),
                     "level": levels.get(p.id, 0)} for p in overdue],
    })


@bp.get("/accords/<slug>/comparison")
def comparison(slug: str):
    params.check_known(("year", "reference_set", "include_illustrative", "as_of",
                        "include_pending"))
    figures = _figures(slug)
    year = params.year()
    as_of = params.as_of(figures.accord.signed_on)
    label = params.request.args.get("reference_set", DEFAULT_REFERENCE_SET)
    if label not in queries.reference_sets():
        params.bad_request(f"reference_set={label!r} is not a known reference set")
    with_illustrative = params.boolean("include_illustrative", True)
    references = figures.references(label, with_illustrative)
    result = figures.comparison(year, references, as_of)
    return jsonify({
        "accord": slug, "reference_set": label, "include_illustrative": with_illustrative,
        "requested_year": "now" if year is None else year,
        **result.as_dict(),
        "score_curve": [p.as_dict() for p in figures.score_curve(references, as_of)],
    })


@bp.get("/accords/<slug>/provisions")
def provisions(slug: str):
    params.check_known(("as_of", "include_pending") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    rows = figures.provision_levels(as_of, params.filters(figures.provisions))
    return jsonify({"accord": slug, "as_of": as_of.isoformat(), "provisions": rows})


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
