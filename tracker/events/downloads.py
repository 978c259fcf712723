"""The events feed as files: GET /accords/<slug>/events.csv and /events.xlsx, with the feed's
filters (`events.filters`; paging aside, every matching event). A review state other than
verified is for those who see the accord's internal record (403 otherwise), as on the feed."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from ..accords.routes import visible_accord_or_404
from ..permissions import sees_internal
from ..web import CSV_MIMETYPE, send_download
from . import export, filters
from .routes import bp

#: The feed's parameters a file takes: all but paging.
FILE_PARAMS = tuple(p for p in filters.PARAMS if p not in ("page", "per_page"))



def _chosen(slug: str):
    accord = visible_accord_or_404(slug)
    filters.params.check_known(FILE_PARAMS)
    internal = sees_internal(current_user, accord)
    chosen, _page, _per_page = filters.from_request(accord, internal)
    return accord, chosen, internal


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
    given = " & ".join(f"{k}={v}" for k, v in request.args.items(multi=True))
    return send_download(export.events_xlsx(accord, chosen, internal, given),
                         f"{slug}-events.xlsx", XLSX_MIMETYPE)
