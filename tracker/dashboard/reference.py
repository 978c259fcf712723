"""The reference accords' pages: the list of reference sets and their accords, and one
accord's coded years as a provision type x year matrix, with its heatmap (PNG or SVG, ETag
from the accord's data version, as the dashboard's charts)."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from .. import charts, queries
from ..permissions import visible_accord_or_404
from ..api import params
from ..domain import compare
from ..domain.scale import round_half_up
from ..i18n import local
from ..models import Accord
from ..web import decimal_sign
from . import bp
from .board import level_names, short, type_names
from .routes import _conditional, _image, _size, _suffix
from .shared import etag_for


@bp.get("/reference")
def references():
    params.check_known(())
    found = [a for a in queries.visible_accords(current_user) if a.kind == "reference"]
    sets: dict[str, list[Accord]] = {}
    for accord in found:
        sets.setdefault(accord.reference_set or "", []).append(accord)
    provenance = {s.label: s for s in queries.all_reference_sets()}
    return render_template("dashboard/references.html", sets=sorted(sets.items()),
                           provenance=provenance,
                           scores=queries.reference_overview([a.id for a in found]))


def _reference_or_404(slug: str, allowed: tuple[str, ...] = ()) -> Accord:
    accord = visible_accord_or_404(slug)
    if accord.kind != "reference":
        abort(404, description=_("%(slug)s is not a reference accord.", slug=slug))
    params.check_known(allowed)
    return accord


def reference_matrix(accord: Accord) -> dict:
    """The accord's coded years as the data set holds them, in calendar order: the level of
    each provision type the accord contains that year (None: not in the accord), the score
    computed from them and the score the file publishes.

    {"years": [year_count | None], "calendar": [YYYY], "rows": [{"code", "label", "values"}],
     "scores": [float | None], "published": [str | None], "outside": [{code: level}]}
    """
    coded = queries.reference_years([accord.id]).get(accord.id, [])
    names = type_names()
    codes = sorted({c for y in coded for c in y.levels}, key=lambda c: names.get(c, c))
    scores = [compare.ReferenceYear(y.calendar_year, y.levels).score for y in coded]
    return {
        "years": [y.year_count for y in coded],
        "calendar": [y.calendar_year for y in coded],
        "rows": [{"code": c, "label": f"{names.get(c, c)} ({c})",
                  "values": [y.levels.get(c) for y in coded]} for c in codes],
        "scores": [None if s is None else round_half_up(s, 2) for s in scores],
        "published": [_published(y.published_score) for y in coded],
        "outside": [y.outside for y in coded],
    }


def _published(text: str | None) -> float | None:
    """A score as the data set writes it ('38.09524'), as a number; None if not one."""
    try:
        return float(text) if text else None
    except ValueError:
        return None


@bp.get("/reference/<slug>")
def reference(slug: str):
    accord = _reference_or_404(slug)
    refset = queries.reference_set(accord.reference_set) if accord.reference_set else None
    rows = set(queries.reference_source_rows(accord.id))
    quirks = [q for q in (refset.quirks or []) if q.get("row") in rows] if refset else []
    return render_template("dashboard/reference.html", accord=accord, refset=refset,
                           quirks=quirks, matrix=reference_matrix(accord),
                           level_names=level_names())


@bp.get("/reference/<slug>/charts/heatmap.<any(png, svg):fmt>")
def reference_chart(slug: str, fmt: str):
    accord = _reference_or_404(slug, ("size",))
    size = _size()
    matrix = reference_matrix(accord)
    if not matrix["calendar"]:
        abort(404, description=_("No coded years for this accord."))
    etag = etag_for((accord.id, queries.data_version(accord.id), accord.name,
                     accord.name_translated, accord.illustrative, accord.horizon_years),
                    "heatmap", fmt, size)
    filename = f"{accord.slug}-heatmap{_suffix(size)}.{fmt}"
    if _conditional(etag):
        return _image(None, fmt, etag, filename)
    labels = {"title": _("Implementation level by provision type and year since signing"),
              "x": _("Years since signing (calendar year)"), "y": "", "levels": level_names(),
              "source": _("Source: %(accord)s, coded years 1-%(n)s (reference set %(set)s)",
                          accord=short(local(accord, "name")), n=accord.horizon_years,
                          set=accord.reference_set or "—"),
              "note": _("Illustrative data") if accord.illustrative else "",
              "empty": _("No data for this selection"), "decimal": decimal_sign()}
    columns = [f"{count or '–'}\n{year}" for count, year in zip(matrix["years"],
                                                                   matrix["calendar"])]
    data = charts.heatmap(matrix["rows"], columns, labels, fmt, size)
    return _image(data, fmt, etag, filename)
