"""The review queue as a page: the pending status records, events and sources of the accords
the user coordinates, oldest first, and a refused decision shown again at its row. Shared by
the decisions on records (`routes`) and on events and sources (`events`)."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..events.models import Event, EventProvision, EventSource, Source
from ..extensions import db
from ..figures import AccordFigures
from ..models import Accord, StatusRecord
from ..permissions import can_review, require
from .forms import ReviewForm

PAGE = 100


def pending_events(accords: list[Accord]) -> list[Event]:
    """The pending events of `accords`, oldest submission first (PAGE at most), with their
    links, sources and place loaded."""
    return list(db.session.scalars(
        select(Event).options(selectinload(Event.provision_links)
                              .joinedload(EventProvision.provision),
                              selectinload(Event.source_links).joinedload(EventSource.source),
                              selectinload(Event.place), selectinload(Event.submitted_by))
        .where(Event.accord_id.in_([a.id for a in accords]), Event.review_state == "pending")
        .order_by(Event.submitted_at, Event.id).limit(PAGE)))


def pending_sources(accords: list[Accord]) -> list[Source]:
    """The pending sources of `accords` and the pending shared ones an event of theirs
    cites, oldest first (PAGE at most). Verifying an event verifies its pending sources;
    these are the ones a coordinator may also judge on their own (e.g. to reject one)."""
    ids = [a.id for a in accords]
    cited_here = exists(select(EventSource.event_id).join(Event).where(
        EventSource.source_id == Source.id, Event.accord_id.in_(ids)))
    return list(db.session.scalars(
        select(Source).where(Source.review_state == "pending",
                             or_(Source.accord_id.in_(ids),
                                 Source.accord_id.is_(None) & cited_here))
        .order_by(Source.submitted_at, Source.id).limit(PAGE)))


def reviewable_accords() -> list[Accord]:
    """The monitored accords the current user coordinates (reviews)."""
    accords = db.session.scalars(select(Accord).where(Accord.kind == "monitored"))
    return [a for a in accords if can_review(current_user, a)]


def render_queue(failed=None, failed_form: ReviewForm | None = None, status: int = 200,
           failed_kind: str = "record", refusal: str | None = None):
    """The review queue: status records, events and sources; `failed_form` (the refused
    decision on `failed`, a `failed_kind` "record", "event" or "source") is shown with its
    input kept, its field errors at that row's reason box, and `refusal` (a translated
    reason the row's state gives, not its reason box) as that row's own alert; both in the
    error summary."""
    from ..events.citations import cited_events
    from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS

    accords = reviewable_accords()
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
