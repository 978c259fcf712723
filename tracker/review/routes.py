from __future__ import annotations

from datetime import date

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import services
from ..extensions import db
from ..figures import AccordFigures
from ..models import Accord, StatusRecord
from ..permissions import can_review, can_view, require
from . import bp
from .forms import ReviewForm

PAGE = 100


def _reviewable_accords() -> list[Accord]:
    accords = db.session.scalars(select(Accord).where(Accord.kind == "monitored"))
    return [a for a in accords if can_review(current_user, a)]


@bp.get("/review")
@login_required
def queue():
    """Pending submissions of the accords the user coordinates, oldest first (PAGE at most)."""
    return _queue()


def _queue(failed=None, failed_form: ReviewForm | None = None, status: int = 200,
           failed_kind: str = "record", refusal: str | None = None):
    """The review queue: status records, events and sources; `failed_form` (the refused
    decision on `failed`, a `failed_kind` "record", "event" or "source") is shown with its
    input kept, its field errors at that row's reason box, and `refusal` (a translated
    reason the row's state gives, not its reason box) as that row's own alert; both in the
    error summary."""
    from ..events.citations import cited_events
    from ..events.routes import EFFECT_LABELS, SOURCE_KIND_LABELS
    from .events import pending_events, pending_sources

    accords = _reviewable_accords()
    require(bool(accords), _("Only coordinators review submissions."))
    pending = list(db.session.scalars(
        select(StatusRecord).options(joinedload(StatusRecord.provision),
                                     joinedload(StatusRecord.recorded_by))
        .where(StatusRecord.accord_id.in_([a.id for a in accords]),
               StatusRecord.review_state == "pending")
        .order_by(StatusRecord.recorded_at, StatusRecord.id).limit(PAGE)))
    levels = {a.id: AccordFigures(a).levels(date.today()) for a in accords
              if any(r.accord_id == a.id for r in pending)}
    from ..cutoffs.services import cutoffs as published

    reports = {a.id: [c for c in published(a) if not any(o.supersedes_id == c.id
                                                         for o in published(a))]
               for a in accords if any(r.accord_id == a.id for r in pending)}
    # cut-offs already published for a date the record would change: it would show there
    # as a revision, not as a change since
    revises = {r.id: [c.label for c in reports[r.accord_id] if c.as_of >= r.effective_on]
               for r in pending}
    return render_template("review/queue.html", pending=pending, form=ReviewForm(formdata=None),
                           failed=failed, failed_form=failed_form, failed_kind=failed_kind,
                           refusal=refusal,
                           events=pending_events(accords), sources=pending_sources(accords),
                           effect_labels=EFFECT_LABELS, source_kinds=SOURCE_KIND_LABELS,
                           accords={a.id: a for a in accords}, revises=revises,
                           cites=cited_events(pending),
                           current={r.id: levels[r.accord_id].get(r.provision_id, 0)
                                    for r in pending}), status


@bp.post("/review/<int:record_id>")
@login_required
def decide(record_id: int):
    record = db.session.get(StatusRecord, record_id)
    accord = db.session.get(Accord, record.accord_id) if record is not None else None
    if accord is None or not can_view(current_user, accord):
        abort(404, description=_("No such record."))  # a private accord's is not told apart
    require(can_review(current_user, accord), _("Only the accord's coordinators review it."))
    from .events import apply_decision

    return apply_decision("record", record, services.review)


@bp.get("/my/submissions")
@login_required
def mine():
    records = list(db.session.scalars(
        select(StatusRecord).options(joinedload(StatusRecord.provision))
        .where(StatusRecord.recorded_by_id == current_user.id)
        .order_by(StatusRecord.recorded_at.desc(), StatusRecord.id.desc()).limit(200)))
    accords = {a.id: a for a in db.session.scalars(
        select(Accord).where(Accord.id.in_({r.accord_id for r in records})))}
    return render_template("review/mine.html", records=records, accords=accords)
