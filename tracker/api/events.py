"""An accord's implementation events in the API: GET /api/v1/accords/<slug>/events, with
the feed's filters as query parameters (`events.filters`) and paging."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from .. import queries
from ..events import filters
from ..events.queries import find_events
from ..permissions import sees_internal, visible_or_404
from . import bp, params


@bp.get("/accords/<slug>/events")
def events(slug: str):
    """One page of the accord's events (filters: `events.filters.PARAMS`); 404 for an accord
    the caller may not see."""
    params.check_known(filters.PARAMS)
    accord = visible_or_404(queries.accord_by_slug(slug), slug)
    internal = sees_internal(current_user, accord)
    chosen, page, per_page = filters.from_request(accord, internal)
    found = find_events(accord, chosen, page, per_page, internal)
    response = jsonify({"accord": slug, "total": found.total, "page": found.page,
                        "per_page": found.per_page, "pages": found.pages,
                        "events": found.events})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/accords/<slug>/events/<int:event_id>")
def event(slug: str, event_id: int):
    """One event, as an item of the accord's events (`events.queries.event_json`), with an
    ETag (304 when the caller holds it); 404 with the reason for an accord the caller may not
    see, an unknown id, an event of another accord, or a pending or rejected event for a
    caller without a role on the accord (`events.page.visible_event_or_404`)."""
    from ..events import page

    params.check_known(())
    accord = visible_or_404(queries.accord_by_slug(slug), slug)
    internal = sees_internal(current_user, accord)
    found = page.visible_event_or_404(accord, event_id, internal)
    return page.answer(page.event_etag(accord, found.id, internal, "api"),
                       lambda: jsonify(page.event_item(accord, found, internal)))
