"""Events pages: an accord's events feed (read-only, filtered and paged as the API) and the
download of a cited source's attached file."""
from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, select

from ..permissions import sees_internal, visible_accord_or_404
from ..extensions import db
from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS
from ..places.lookup import country_code
from ..places.models import PlaceGroup
from ..web import set_disposition
from . import filters
from .blueprint import bp
from .models import Attachment, Event, EventSource, Source
from .queries import find_events

STATE_LABELS = {"verified": _l("verified"), "pending": _l("pending"),
                "rejected": _l("rejected"), "all": _l("all")}
#: A download is never rendered by the browser: no script, no plugin, no same-origin access.
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


#: The feed form's fields by parameter, as its messages name them (each field's id is its
#: parameter's name).
PAGE_LABELS = {"q": _l("Search"), "from": _l("From"), "to": _l("To"),
               "place": _l("Place (code or name)"), "group": _l("Group of places"),
               "section": _l("Section"), "tag": _l("Tag"), "priority": _l("Priority"),
               "provision": _l("Provision"), "effect": _l("Effect"),
               "source_kind": _l("Source kind"), "review_state": _l("Review state"),
               "page": _l("Page"), "per_page": _l("Events per page")}


@bp.get("/accords/<slug>/events")
def index(slug: str):
    """The accord's events, filtered and paged as the API's (`events.filters`); the form's
    blank fields are dropped by a redirect. Refused values give the form again (400), each
    message at its field and in the error summary, and no events (as the dashboard shows
    a refused date)."""
    accord = visible_accord_or_404(slug)
    given = request.args.to_dict(flat=False)
    if any(not "".join(values).strip() for values in given.values()):
        kept = {k: v for k, v in given.items() if "".join(v).strip()}  # the form's blanks
        return redirect(url_for("events.index", slug=slug, **kept))
    filters.params.field_labels(PAGE_LABELS)
    _known, problems = filters.params.refusals(
        {"query": lambda: filters.params.check_known(filters.PARAMS)})
    internal = sees_internal(current_user, accord)
    if not problems:
        chosen, page, per_page = filters.from_request(accord, internal, problems)
    found = None if problems else find_events(accord, chosen, page, per_page, internal)
    page_note = None
    if found is not None and found.total and page > found.pages:  # past the end: the last
        found = find_events(accord, chosen, found.pages, per_page, internal)  # page, said so
        page_note = ngettext(
            "There is no page %(asked)d: the list has %(num)d page; this is it.",
            "There is no page %(asked)d: the list has %(num)d pages; this is the last.",
            found.pages, asked=page)
    summary = [(name if name in PAGE_LABELS else None, message)  # (field id, message)
               for name, message in problems.items()]
    return render_template("events/index.html", accord=accord, found=found, internal=internal,
                           problems=problems, summary=summary, page_note=page_note,
                           **_form_choices(accord)), \
        400 if problems else 200


def _form_choices(accord) -> dict:
    """What the feed's form offers: groups of places, places (the new-event form's list),
    sections, tags, effects, source kinds, review states; and the reader's language."""
    from ..dashboard.board import natural
    from ..i18n import section_options
    from ..places.choices import place_entries
    from ..queries import provision_infos

    country = country_code(accord)
    groups = db.session.scalars(select(PlaceGroup).where(PlaceGroup.country == country)
                                .order_by(PlaceGroup.kind, PlaceGroup.name)).all() \
        if country else []
    infos = provision_infos(accord.id)
    codes = sorted({c for p in infos for c in p.section_path}, key=natural)
    return dict(groups=groups, places=place_entries(accord),
                sections=section_options(accord, codes),
                tags=sorted({t for p in infos for t in p.tags}), effects=EFFECT_LABELS,
                kinds=SOURCE_KIND_LABELS, states=STATE_LABELS, lang=str(get_locale()),
                labels=PAGE_LABELS)


def may_download(accord, source: Source) -> bool:
    """Whether the reader may have the source's file: those who see the accord's internal
    record, if an event of the accord cites it or it is the accord's; others, if it is
    verified and a verified event of the accord cites it."""
    cited = select(EventSource.event_id).join(Event).where(
        EventSource.source_id == source.id, Event.accord_id == accord.id)
    if sees_internal(current_user, accord):
        return source.accord_id == accord.id or bool(db.session.scalar(select(exists(cited))))
    return source.review_state == "verified" and bool(db.session.scalar(select(exists(
        cited.where(Event.review_state == "verified")))))


@bp.get("/accords/<slug>/sources/<int:source_id>/file")
def source_file(slug: str, source_id: int):
    """The attached file, as a download (never shown inline), with its media type and
    `nosniff`; 404 for a reader who may not have it."""
    accord = visible_accord_or_404(slug)
    source = db.session.get(Source, source_id)
    if source is None or source.attachment_sha256 is None or not may_download(accord, source):
        abort(404, description=_("No file for source %(id)s here.", id=source_id))
    attachment = db.session.get(Attachment, source.attachment_sha256)
    response = make_response(attachment.content)
    response.mimetype = attachment.media_type
    set_disposition(response.headers, "attachment",
                    source.attachment_name or f"{attachment.sha256[:16]}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(attachment.sha256)
    return response
