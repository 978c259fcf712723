"""A provision's events in the API: GET /api/v1/accords/<slug>/provisions/<code>/events,
with the events feed's filters (but `provision`) as query parameters and paging, and the
provision's level records, each with the ids of the events it cites."""
from __future__ import annotations

from dataclasses import replace

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import queries, services
from ..events import citations, filters
from ..events.queries import find_events
from ..extensions import db
from ..models import Provision
from ..permissions import sees_internal, visible_or_404
from . import bp, params

def _params() -> tuple[str, ...]:
    """The feed's query parameters, but the provision (given by the address). Read when
    asked: `events.filters` reads `api.params`, so it may still be loading when this
    module is (through `tracker.api`)."""
    return tuple(p for p in filters.PARAMS if p != "provision")


def record_json(record, cited: list[int]) -> dict:
    """A status record in the provision's timeline: level, dates, review state, evidence,
    note and the ids of the events it cites."""
    return {"id": record.id, "level": record.level,
            "effective_on": record.effective_on.isoformat(),
            "review_state": record.review_state, "evidence_url": record.evidence_url,
            "evidence_text": record.evidence_text, "note": record.note, "events": cited}


@bp.get("/accords/<slug>/provisions/<code>/events")
def provision_events(slug: str, code: str):
    """One page of the events bearing on the provision (newest first; filters as the
    accord's feed) and all its level records (newest first; verified only for those who
    do not see the internal record); 404 for an accord or provision the caller may not
    see, 400 for a bad parameter."""
    params.check_known(_params())
    accord = visible_or_404(queries.accord_by_slug(slug), slug)
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == accord.id,
                                                          Provision.code == code))
    if provision is None:
        abort(404, description=_("No provision %(code)s in this accord.", code=repr(code)))
    internal = sees_internal(current_user, accord)
    chosen, page, per_page = filters.from_request(accord, internal)
    found = find_events(accord, replace(chosen, provision_id=provision.id), page, per_page,
                        internal)
    records = [r for r in services.history(provision)
               if internal or r.review_state == "verified"]
    cited = citations.cited_by_records([r.id for r in records])
    response = jsonify({"accord": slug, "provision": code, "total": found.total,
                        "page": found.page, "per_page": found.per_page,
                        "pages": found.pages, "events": found.events,
                        "records": [record_json(r, cited.get(r.id, [])) for r in records]})
    response.headers["Cache-Control"] = "private, no-cache"
    return response
