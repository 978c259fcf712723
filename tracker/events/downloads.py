"""The events feed as files: GET /accords/<slug>/events.csv and /events.xlsx, with the feed's
filters (`events.filters`; paging aside, every matching event). A review state other than
verified is for those who see the accord's internal record (403 otherwise), as on the feed."""
from __future__ import annotations

from flask import request
from flask_babel import gettext
from flask_login import current_user

from ..permissions import sees_internal, visible_accord_or_404
from ..web import CSV_MIMETYPE, send_download
from . import export, filters
from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS, tag_label
from .blueprint import bp
from .routes import PAGE_LABELS, STATE_LABELS

#: The feed's parameters a file takes: all but paging.
FILE_PARAMS = tuple(p for p in filters.PARAMS if p not in ("page", "per_page"))



def _chosen(slug: str):
    accord = visible_accord_or_404(slug)
    filters.params.check_known(FILE_PARAMS)
    internal = sees_internal(current_user, accord)
    chosen, _page, _per_page = filters.from_request(accord, internal)
    return accord, chosen, internal


def filters_text() -> str:
    """The filters given, as the events page's form shows them, in the reader's language:
    “Effect”: advances; “From”: 1 Jan 2019 (each field by its label, each value as offered)."""
    from ..domain.text import parse_iso_date
    from ..web import local_date

    words = {"effect": EFFECT_LABELS, "source_kind": SOURCE_KIND_LABELS,
             "review_state": STATE_LABELS}
    shown = []
    for name, value in request.args.items(multi=True):
        if name in ("from", "to"):
            value = local_date(parse_iso_date(value))  # checked by `filters.from_request`
        elif name == "tag":
            value = tag_label(value)  # a known tag by its label, as the form offers it
        shown.append(f"{gettext('“%(field)s”', field=PAGE_LABELS.get(name, name))}: "
                     f"{words.get(name, {}).get(value, value)}")
    return "; ".join(shown)


@bp.get("/accords/<slug>/events.csv")
def events_csv(slug: str):
    """Every event matching the filters, as CSV; 400 naming a bad parameter."""
    accord, chosen, internal = _chosen(slug)
    return send_download(export.events_csv(accord, chosen, internal), f"{slug}-events.csv",
                         CSV_MIMETYPE)


@bp.get("/accords/<slug>/events.xlsx")
def events_xlsx(slug: str):
    """Every event matching the filters, as a workbook; 400 naming a bad parameter."""
    from ..excel import XLSX_MIMETYPE

    accord, chosen, internal = _chosen(slug)
    return send_download(export.events_xlsx(accord, chosen, internal, filters_text()),
                         f"{slug}-events.xlsx", XLSX_MIMETYPE)
