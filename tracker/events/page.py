"""One event's page, GET /accords/<slug>/events/<id>: the event as a feed item
(`queries.event_json`, the API's shape) with what only its page shows: the place's
department and groups (a PDET subregion), who submitted and reviewed it and when (for those
who see the internal record), the files each reader may have, and the status records citing
it. Shared with the API's item (`api.events.event`): who may see which event, and the
conditional answer (ETag, 304)."""
from __future__ import annotations

import hashlib
from datetime import date

from flask import abort, current_app, make_response, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import build
from ..permissions import sees_internal, visible_accord_or_404
from ..extensions import db
from ..models import Accord
from ..places.layouts import PDET_KIND
from ..places.models import Place, PlaceGroup, PlaceGroupMember
from . import citations
from .models import Event, EventSource
from .queries import REVIEW_STATES
from .queries import feed_items
from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS
from .blueprint import bp
from .routes import STATE_LABELS, may_download

#: The largest id a database key holds (SQLite refuses a larger integer with an error).
MAX_ID = 2**31 - 1
#: A group of places' kind as a reader reads it (other kinds are shown as stored).
GROUP_KIND_LABELS = {PDET_KIND: _l("PDET subregion")}
#: The place kind that is a department (`events.verified.DEPARTMENT`).
DEPARTMENT = "department"


def shown_states(internal: bool) -> tuple[str, ...]:
    """The review states of the events (and citing records) a reader sees: every state for
    those who see the accord's internal record (`permissions.sees_internal`, the feed's rule
    for its review_state filter), verified only for others."""
    return REVIEW_STATES if internal else ("verified",)


def visible_event_or_404(accord: Accord, event_id: int, internal: bool) -> Event:
    """The accord's event `event_id` when the reader may see it; 404 (with the reason) for an
    unknown id, an event of another accord, or a pending or rejected event for a reader who
    does not see the internal record (as if it did not exist: the feed does not show it)."""
    event = db.session.get(Event, event_id) if 0 < event_id <= MAX_ID else None
    if event is None or event.accord_id != accord.id \
            or event.review_state not in shown_states(internal):
        abort(404, description=_("There is no event %(id)s in this accord.", id=event_id))
    return event


def event_item(accord: Accord, event: Event, internal: bool) -> dict:
    """The event as the feed and the API give it (`queries.event_json`)."""
    return feed_items(accord, [event], internal)[0]


def place_setting(place: Place | None) -> dict:
    """Where a place sits: `department` (the place itself when it is one, else its parent
    when that is one, else None: `events.verified.department_of`'s rule) and `groups`
    ([(kind as read, name)], e.g. a municipality's PDET subregion), sorted."""
    if place is None:
        return {"department": None, "groups": []}
    department = place if place.kind == DEPARTMENT else (
        place.parent if place.parent is not None and place.parent.kind == DEPARTMENT else None)
    groups = db.session.execute(
        select(PlaceGroup.kind, PlaceGroup.name).join(PlaceGroupMember)
        .where(PlaceGroupMember.place_id == place.id)
        .order_by(PlaceGroup.kind, PlaceGroup.name)).all()
    return {"department": department,
            "groups": [(GROUP_KIND_LABELS.get(kind, kind), name) for kind, name in groups]}


def event_etag(accord: Accord, event_id: int, internal: bool, *parts) -> str:
    """The ETag of an event's answer: the accord's revision (raised by every write to its
    events, sources, reviews and status records, `services.touch`), the event, what the
    reader sees (internal or not; a signed-in reader's own session token and form secret:
    the page holds their name and form tokens), the language, the day (a renamed place or
    user shows by the next day at the latest), the code's fingerprint and `parts`."""
    reader = (current_user.get_id(), current_user.id) \
        if current_user.is_authenticated else None
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    key = (accord.id, accord.revision, event_id, internal, reader, session.get(field),
           str(get_locale()), date.today().isoformat(), build.fingerprint(), parts)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]


def answer(etag: str, make):
    """A 304 when the client holds `etag` (and no message is waiting to be flashed), else
    the response `make()` builds; either way with the ETag, revalidated at every use
    ("private, no-cache") and varying with the cookie and language."""
    if request.if_none_match.contains_weak(etag) and "_flashes" not in session:
        response = make_response("", 304)
    else:
        response = make()
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def downloadable(accord: Accord, event: Event) -> set[int]:
    """The ids of the event's sources whose attached file the reader may have
    (`routes.may_download`)."""
    return {link.source.id for link in event.source_links
            if link.source.attachment_sha256 and may_download(accord, link.source)}


@bp.get("/accords/<slug>/events/<int:event_id>")
def show(slug: str, event_id: int):
    """The event in full; 404 for an event the reader may not see (`visible_event_or_404`).
    Query parameters are ignored (a page's rule, `api.params.strict`)."""
    accord = visible_accord_or_404(slug)
    internal = sees_internal(current_user, accord)
    event = visible_event_or_404(accord, event_id, internal)
    return answer(event_etag(accord, event.id, internal, "page"),
                  lambda: make_response(_render(accord, event, internal)))


def _render(accord: Accord, event: Event, internal: bool) -> str:
    event = db.session.scalar(
        select(Event).where(Event.id == event.id).execution_options(populate_existing=True)
        .options(selectinload(Event.place).selectinload(Place.parent),
                 selectinload(Event.source_links).selectinload(EventSource.source),
                 selectinload(Event.submitted_by), selectinload(Event.reviewed_by)))
    return render_template(
        "events/show.html", accord=accord, event=event, ev=event_item(accord, event, internal),
        internal=internal, setting=place_setting(event.place),
        files=downloadable(accord, event),
        citing=citations.citing_records(event.id, shown_states(internal)),
        effects=EFFECT_LABELS, kinds=SOURCE_KIND_LABELS, states=STATE_LABELS)
