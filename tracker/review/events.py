"""Coordinators review pending events and sources in the same queue as status records:
verify, or reject with a reason; audited by `events.services`, 409 once decided."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..events import services as event_services
from ..events.citations import CitesUnverified
from ..events.models import Event, EventSource, Source
from ..extensions import db
from ..forms import error_text
from ..i18n import translate
from ..models import Accord
from ..permissions import can_review, can_view, require
from ..services import Invalid, NotPending
from . import bp
from .forms import ReviewForm
from .queue import render_queue


def _reviewer_of_source(source: Source) -> bool:
    """A source of an accord: its coordinators; a shared one: the coordinators of an accord
    whose events cite it."""
    if source.accord_id is not None:
        return can_review(current_user, db.session.get(Accord, source.accord_id))
    ids = db.session.scalars(select(Event.accord_id).distinct()
                             .join(EventSource, EventSource.event_id == Event.id)
                             .where(EventSource.source_id == source.id)).all()
    return any(can_review(current_user, db.session.get(Accord, i)) for i in ids)


def _decision(form: ReviewForm) -> str:
    """"verified" or "rejected", as the one button pressed says; 400 for none or both (a
    browser sends the pressed button only: both is a crafted request)."""
    if not (form.verify.data or form.reject.data):
        abort(400, description=_("Choose verify or reject."))
    if form.verify.data and form.reject.data:
        abort(400, description=_("Choose verify or reject, not both."))
    return "verified" if form.verify.data else "rejected"


#: What a decision says, whole sentences per kind and decision: the state's word agrees
#: with the noun in Spanish ("Fuente n.º 4 rechazada", "Evento n.º 4 rechazado").
DECIDED = {("record", "verified"): _l("Record #%(id)d verified."),
           ("record", "rejected"): _l("Record #%(id)d rejected."),
           ("event", "verified"): _l("Event #%(id)d verified."),
           ("event", "rejected"): _l("Event #%(id)d rejected."),
           ("source", "verified"): _l("Source #%(id)d verified."),
           ("source", "rejected"): _l("Source #%(id)d rejected.")}


def apply_decision(kind: str, row, review):
    """Apply the posted decision on `row` (a status record, event or source: `kind`) with
    `review` (its service); done, back to the queue with its `DECIDED` sentence flashed.
    Refused, the queue again, the input kept: a missing reason (400) at the row's reason box;
    a refusal the row's state causes (409: it cites an event not verified, a rejected source)
    as the row's own alert (`refused`), never at the reason box; a late decision (already
    reviewed) a 409 page."""
    form = ReviewForm()
    if not form.validate_on_submit():
        if row.review_state == "pending" and not form.errors.keys() - {"reason"}:
            return render_queue(row, form, 400, kind)
        abort(400, description=error_text(form) or _("Choose verify or reject."))
    decision = _decision(form)
    try:
        review(row, decision, form.reason.data or "")
    except Invalid as exc:
        if row.review_state != "pending":
            abort(409, description=_("This submission was already reviewed."))
        errors = dict(exc.errors)
        if "reason" in errors:
            form.reason.errors = [*form.reason.errors, translate(errors.pop("reason"))]
        return render_queue(row, form, 400 if form.reason.errors else 409, kind,
                            refused(errors))
    except CitesUnverified as exc:  # nothing written: the queue says which event to review
        return render_queue(row, form, 409, kind, translate(exc.reason))
    except NotPending:
        typed = (form.reason.data or "").strip()
        abort(409, description=_("This submission was already reviewed.") + (
            " " + _("Your reason was not recorded: %(reason)s", reason=typed) if typed else ""))
    flash(str(DECIDED[kind, decision]) % {"id": row.id})
    return redirect(url_for("review.queue"), 303)


def refused(errors: dict) -> str | None:
    """The reasons of a review refused for what the row is or cites (`errors`: field ->
    reason, the reason box's own left out), translated, as one text; None for none."""
    return "; ".join(translate(reason) for reason in errors.values()) or None


@bp.post("/review/events/<int:event_id>")
@login_required
def decide_event(event_id: int):
    """Verify or reject a pending event (the accord's coordinators)."""
    event = db.session.get(Event, event_id)
    accord = db.session.get(Accord, event.accord_id) if event is not None else None
    if accord is None or not can_view(current_user, accord):
        abort(404, description=_("No such event."))
    require(can_review(current_user, accord), _("Only the accord's coordinators review it."))
    return apply_decision("event", event, event_services.review_event)


@bp.post("/review/sources/<int:source_id>")
@login_required
def decide_source(source_id: int):
    """Verify or reject a pending source (coordinators of its accord, or of an accord whose
    events cite a shared one)."""
    source = db.session.get(Source, source_id)
    if source is None:
        abort(404, description=_("No such source."))
    accord = db.session.get(Accord, source.accord_id) if source.accord_id else None
    if accord is not None and not can_view(current_user, accord):
        abort(404, description=_("No such source."))
    require(_reviewer_of_source(source), _("Only the accord's coordinators review it."))
    return apply_decision("source", source, event_services.review_source)
