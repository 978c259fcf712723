from __future__ import annotations

import hashlib
from datetime import date

from flask import abort, current_app, jsonify, make_response, request
from flask_login import current_user

from .. import build, chartstore, kept, queries
from ..cache import Recent
from ..compression import Stored, send_stored
from ..figures import AccordFigures, alignment_rule, default_reference_set
from ..permissions import can_view, has_role_on
from ..domain import bilingual
from ..domain.messages import N_, Message
from ..i18n import translate
from . import bp, params
from .openapi import document

ACCORD_FIELDS = ("slug", "name", "country", "signed_on", "kind", "reference_set", "illustrative")


def _accord_json(accord) -> dict:
    """An accord's identity; `name` as stored (in `original_language`), and `name_en`,
    `name_es` for each content language ("" where that language's name is not entered)."""
    data = {name: getattr(accord, name) for name in ACCORD_FIELDS}
    data["signed_on"] = accord.signed_on.isoformat()
    data["original_language"] = accord.original_language
    names = bilingual.by_language(accord.name, accord.name_translated, accord.original_language)
    data.update({f"name_{language}": text for language, text in names.items()})
    data["external_ids"] = accord.external_ids or {}
    return data


def reference_set_json(refset, accords: int) -> dict:
    """A reference set with its provenance, as the API and the admin page show it."""
    return {
        "label": refset.label, "version": refset.version, "default": refset.is_default,
        "illustrative": refset.illustrative, "accords": accords, "citation": refset.citation,
        "source": {"file": refset.source_filename, "sha256": refset.source_sha256,
                   "format": refset.source_format, "rows_read": refset.rows_read,
                   "url": refset.source_url},
        "imported_at": refset.imported_at.isoformat(), "imported_by": refset.imported_by,
        "alignment": refset.alignment, "quirks": refset.quirks or [],
    }


def _figures(slug: str) -> AccordFigures:
    """The accord's figures; 404 if hidden; pending records only for its coordinators."""
    accord = queries.current_accord(slug)
    if accord is None or not can_view(current_user, accord):
        abort(404, description=translate(Message(N_("no accord %(slug)s"), slug=repr(slug))))
    include_pending = params.boolean("include_pending", False)
    if include_pending and not has_role_on(current_user, accord, "coordinator"):
        abort(403, description=translate(N_("include_pending is for the accord's "
                                            "coordinators")))
    return AccordFigures(accord, include_pending=include_pending,
                         known_at=params.known_at(accord))


_ANSWERS = Recent(256, "api.answers")  # answer key -> Stored JSON (and its gzip form)


def _answer(figures: AccordFigures, make, *state):
    """Send the JSON `make()` builds, with an ETag from database state only (the accord's
    revision as read by this request, any extra `state`, the exact query, the day, the code's
    fingerprint `build.fingerprint`): a 304 when the client has it, and a process-local copy
    (kept with its gzip form) for the next caller with the same key, so a kept answer costs
    no figure, no encoding and no compression. A process without it takes it from the shared
    store (`tracker.chartstore`), where the first process to need it after a write puts it:
    after a write each answer is computed once for every worker and instance, not once per
    process."""
    key = (request.path, tuple(sorted(request.args.items(multi=True))), figures.accord.id,
           figures.accord.revision, state, date.today().isoformat(), build.fingerprint())
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    if request.if_none_match.contains_weak(etag):  # W/ when it came compressed
        response = make_response("", 304)
        response.set_etag(etag)
    else:
        stored = _ANSWERS.get_or_make(key, lambda: Stored(chartstore.get_or_draw(
            f"api answer {etag}", lambda: current_app.json.dumps(make()).encode())))
        response = make_response(b"")
        response.mimetype = "application/json"
        response.set_etag(etag)
        send_stored(response, stored)
        kept.may_keep()  # the same for every anonymous client: kept until the next write
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def clear_caches() -> None:
    _ANSWERS.clear()


@bp.get("/accords")
def accords():
    params.check_known(())
    return jsonify({"accords": [_accord_json(a) for a in queries.visible_accords(current_user)]})


@bp.get("/reference-sets")
def reference_sets():
    """Every reference set with its provenance (the default first)."""
    from ..reference.sets import accord_counts

    params.check_known(())
    counts = accord_counts()
    return jsonify({"reference_sets": [reference_set_json(s, counts.get(s.label, 0))
                                       for s in queries.all_reference_sets()]})


@bp.get("/accords/<slug>/summary")
def summary(slug: str):
    params.check_known(("as_of", "include_pending", "known_at") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    chosen = params.filters(lambda: figures.provisions)
    return _answer(figures, lambda: figures.summary(as_of, chosen))


@bp.get("/accords/<slug>/timeline")
def timeline(slug: str):
    params.check_known(("freq", "as_of", "include_pending", "known_at") + params.FILTER_PARAMS)
    figures = _figures(slug)
    freq = params.frequency()
    as_of = params.as_of(figures.accord.signed_on)
    chosen = params.filters(lambda: figures.provisions)
    return _answer(figures, lambda: _timeline_json(figures, slug, freq, as_of, chosen))


def _timeline_json(figures, slug, freq, as_of, chosen) -> dict:
    series = figures.timeline(as_of, freq, chosen)
    points = [
        {"date": day.isoformat(), **whole.as_dict(),
         "priority": priority.as_dict(), "non_priority": rest.as_dict()}
        for day, whole, priority, rest in zip(
            series["dates"], series["all"], series["priority"], series["non_priority"])
    ]
    since = figures.priority_since()
    return {"accord": slug, "freq": freq, "as_of": as_of.isoformat(),
            "priority_flags_since": since.isoformat() if since else None,
            "priority_flags": figures.flag_dates().as_dict(), "points": points}


@bp.get("/accords/<slug>/pace")
def pace(slug: str):
    params.check_known(("as_of", "include_pending", "known_at") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    chosen = params.filters(lambda: figures.provisions)
    return _answer(figures, lambda: _pace_json(figures, slug, as_of, chosen))


def _pace_json(figures, slug, as_of, chosen) -> dict:
    target = figures.accord.target_date
    overdue = figures.overdue(as_of, chosen)
    levels = figures.levels(as_of)
    return {
        "accord": slug, "as_of": as_of.isoformat(),
        "target_date": target.isoformat() if target else None,
        **figures.pace(as_of, chosen).as_dict(),
        "overdue": [{"code": p.code, "deadline": p.deadline.isoformat(),
                     "level": levels.get(p.id, 0)} for p in overdue],
    }


@bp.get("/accords/<slug>/comparison")
def comparison(slug: str):
    params.check_known(("year", "reference_set", "include_illustrative", "as_of",
                        "include_pending", "known_at"))
    figures = _figures(slug)
    year = params.year()
    as_of = params.as_of(figures.accord.signed_on)
    asked_for = params.value("reference_set")
    # the set asked for, else the default, and its version: one query
    label, version = queries.chosen_reference_set(asked_for or current_app.config.get(
        "REFERENCE_SET"))
    if asked_for and label != asked_for:
        params.bad_request(Message(N_("reference_set=%(value)s is not a known reference set"),
                                   value=repr(asked_for)))
    if not label:
        params.bad_request(Message(N_("no reference set is loaded (import-reference loads "
                                      "one)")))
    with_illustrative = params.boolean("include_illustrative", True)

    def make() -> dict:
        references = figures.references(label, with_illustrative)
        rule = alignment_rule(label)
        return {
            "accord": slug, "reference_set": label, "include_illustrative": with_illustrative,
            "reference_citation": getattr(queries.reference_set(label), "citation", ""),
            "requested_year": "now" if year is None else year,
            "alignment": {**rule.as_dict(),
                          "first_year": rule.first_year(
                              figures.accord.signed_on,
                              figures.accord.first_implementation_year)},
            **figures.comparison(year, references, as_of, rule).as_dict(),
            "score_curve": [p.as_dict() for p in figures.score_curve(references, as_of, rule)],
        }
    return _answer(figures, make, version)


@bp.get("/accords/<slug>/provisions")
def provisions(slug: str):
    params.check_known(("as_of", "include_pending", "known_at") + params.FILTER_PARAMS)
    figures = _figures(slug)
    as_of = params.as_of(figures.accord.signed_on)
    chosen = params.filters(lambda: figures.provisions)
    return _answer(figures, lambda: {"accord": slug, "as_of": as_of.isoformat(),
                                     "provisions": figures.provision_levels(as_of, chosen)})


@bp.get("/openapi.json")
def openapi():
    params.check_known(())
    return jsonify(document(sorted(queries.reference_sets()), default_reference_set()))
