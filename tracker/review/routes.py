"""The review queue's page, the decision on a status record, and one's own submissions."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from .. import services
from ..extensions import db
from ..models import Accord, StatusRecord
from ..permissions import can_review, can_view, require
from . import bp
from .events import apply_decision
from .mine import SHOWN, my_events, my_records, my_sources
from .queue import render_queue


@bp.get("/review")
@login_required
def queue():
    """Pending submissions of the accords the user coordinates, oldest first
    (`queue.PAGE` at most)."""
    return render_queue()


@bp.post("/review/<int:record_id>")
@login_required
def decide(record_id: int):
    record = db.session.get(StatusRecord, record_id)
    accord = db.session.get(Accord, record.accord_id) if record is not None else None
    if accord is None or not can_view(current_user, accord):
        abort(404, description=_("No such record."))  # a private accord's is not told apart
    require(can_review(current_user, accord), _("Only the accord's coordinators review it."))
    return apply_decision("record", record, services.review)


@bp.get("/my/submissions")
@login_required
def mine():
    """The user's own status records, events and sources with their review state, newest
    first (`mine.SHOWN` of each at most)."""
    records, accords = my_records(current_user)
    return render_template("review/mine.html", records=records, accords=accords,
                           events=my_events(current_user), sources=my_sources(current_user),
                           shown=SHOWN)
