from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import services, tagging
from ..permissions import can_edit, can_review, require, sees_internal, visible_accord_or_404
from ..api import params
from ..domain import metrics
from ..domain.rules import Submission
from ..domain.text import parse_int
from ..domain.timeline import timeline
from ..events import citations
from ..events.models import Event
from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS
from ..extensions import db
from ..figures import AccordFigures
from ..i18n import review_state, section_options, tag_label, translate, type_option
from ..models import PriorityChange, Provision, ProvisionType, Section, StatusRecord
from . import bp, listing
from .forms import PriorityForm, ProvisionForm, StatusForm


@bp.get("/accords/<slug>/sections")
def sections(slug: str):
    accord = visible_accord_or_404(slug)
    figures = AccordFigures(accord, include_pending=listing.include_pending(accord))
    by_section = figures.by_group(date.today(), lambda p: p.section_path)
    roots = [s for s in accord.sections if s.parent_id is None]
    return render_template("provisions/sections.html", accord=accord, roots=roots,
                           by_section={k: v.as_dict() for k, v in by_section.items()})


@bp.get("/accords/<slug>/provisions")
def index(slug: str):
    """The accord's provisions, filtered, searched and paged. Refused values give the form
    again (400), each message at its field and in the error summary, and no list."""
    accord = visible_accord_or_404(slug)
    params.field_labels(listing.LIST_LABELS)
    problems: dict[str, str] = {}
    figures = AccordFigures(accord, include_pending=listing.pending_or_refused(accord, problems))
    today = date.today()
    levels = figures.levels(today)
    asked = listing.list_choices(figures, today, problems)
    chosen = [] if problems else listing.chosen(accord, figures, levels, today, asked)
    size = 50
    pages = max(1, -(-len(chosen) // size))
    page = min(asked.get("page", 1), pages)  # past the end: the last page, said so
    shown = chosen[(page - 1) * size: page * size]
    rows = {p.id: p for p in db.session.scalars(
        select(Provision).where(Provision.id.in_([p.id for p in shown])))}
    summary = [(name if name in listing.LIST_LABELS and name != "page" else None, message)
               for name, message in problems.items()]
    return render_template(
        "provisions/index.html", accord=accord, provisions=[rows[p.id] for p in shown],
        levels=levels, total=len(chosen), page=page, pages=pages,
        problems=problems, summary=summary, asked=asked,
        page_note=ngettext("There is no page %(asked)d: the list has %(num)d page; this is it.",
                           "There is no page %(asked)d: the list has %(num)d pages; this is "
                           "the last.", pages, asked=asked["page"])
        if asked.get("page", 1) > pages else None,
        sections=section_options(accord, sorted(
            {c for p in figures.provisions for c in p.section_path}, key=_code_key)),
        tags=sorted({t for p in figures.provisions for t in p.tags}),
        types=_type_options({p.type_code for p in figures.provisions if p.type_code}),
        today=today,
        include_pending=figures.include_pending), 400 if problems else 200


def _type_options(codes: set[str]) -> list[tuple[str, str]]:
    """(code, option text) of the provision types `codes`, by code (`i18n.type_option`)."""
    types = db.session.scalars(select(ProvisionType).where(ProvisionType.code.in_(codes)))
    return sorted((t.code, type_option(t)) for t in types)


def _code_key(code: str):
    return [int(part) if part.isdigit() else part for part in code.split(".")]


def _provision_or_404(accord, code: str) -> Provision:
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == accord.id, Provision.code == code))
    if provision is None:
        abort(404, description=_("No provision %(code)s in this accord.", code=code))
    return provision


def _show(accord, provision, form=None, priority_form=None, status=200, conflict=None):
    today = date.today()
    everything = services.history(provision)  # read once: the levels and the records shown
    level, pending_level = _levels(provision, everything, today)
    if form is None and can_edit(current_user, provision):
        form = StatusForm(version=provision.version, effective_on=today, level=str(level))
        form.offer_events(citations.citable_events(provision))
    if priority_form is None and can_review(current_user, accord):
        priority_form = PriorityForm(version=provision.version, effective_on=today,
                                     priority="yes" if provision.priority else "no")
    flags = list(db.session.scalars(select(PriorityChange).where(
        PriorityChange.provision_id == provision.id).order_by(PriorityChange.effective_on.desc(),
                                                              PriorityChange.id.desc())))
    internal = sees_internal(current_user, accord)
    records = everything
    if not internal:  # the public record: verified records, without authors (as downloads)
        records = [r for r in records if r.review_state == "verified"]
    return render_template(
        "provisions/show.html", accord=accord, provision=provision, internal=internal,
        records=records, flags=flags, form=form,
        timeline=_timeline(provision, records, internal), effects=EFFECT_LABELS,
        source_kinds=SOURCE_KIND_LABELS,
        priority_form=priority_form, conflict=conflict, conflicted=status == 409, today=today,
        level=level, pending_level=pending_level,
    ), status


def _levels(provision: Provision, history: list[StatusRecord], on: date) -> tuple[int, int]:
    """The provision's level on `on` (official: verified records) and with the records
    awaiting review, from its whole `history` (`services.history`), as
    `services.current_level` computes each from the same records."""
    records = [metrics.Record(r.provision_id, r.level, r.effective_on, r.recorded_at, r.id,
                              r.review_state) for r in history]
    return (metrics.levels_as_of(records, on, False).get(provision.id, 0),
            metrics.levels_as_of(records, on, True).get(provision.id, 0))


def _timeline(provision: Provision, records: list[StatusRecord], internal: bool):
    """The provision's events (verified; also pending for those who see the internal
    record) and the `records` shown, newest first, each record with the events it cites."""
    states = ("verified", "pending") if internal else ("verified",)
    events = citations.provision_events(provision, states)
    cites = citations.cited_by_records([r.id for r in records])
    titles = {e.id: e for e, _effect in events}
    shown = [(r.effective_on, r.id, (r, [titles.get(i) or db.session.get(Event, i)
                                         for i in cites.get(r.id, [])])) for r in records]
    return timeline([(e.occurred_on, e.id, (e, effect)) for e, effect in events], shown)


@bp.get("/accords/<slug>/provisions/<code>")
def show(slug: str, code: str):
    accord = visible_accord_or_404(slug)
    return _show(accord, _provision_or_404(accord, code))


def _corrected_record(form: StatusForm, provision: Provision) -> StatusRecord | None:
    if form.corrects.data is None:
        return None
    record = db.session.get(StatusRecord, form.corrects.data)
    if record is None or record.provision_id != provision.id:
        form.corrects.errors.append(_("No such record of this provision."))
    return record


@bp.post("/accords/<slug>/provisions/<code>/update")
@login_required
def update(slug: str, code: str):
    accord = visible_accord_or_404(slug)
    provision = _provision_or_404(accord, code)
    require(can_edit(current_user, provision),
            _("You cannot update provisions of this part of the accord."))
    form = StatusForm()
    form.offer_events(citations.citable_events(provision))
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(_("Your form had expired; your input is kept. Check it and submit again."),
                  "error")
        return _show(accord, provision, form=form, status=400)
    corrects = _corrected_record(form, provision)
    if corrects is not None and not can_review(current_user, accord):
        form.corrects.errors.append(_("Only coordinators record corrections."))
    if form.corrects.errors:
        return _show(accord, provision, form=form, status=400)
    change = services.StatusChange(
        provision=provision, expected_version=_version(form),
        submission=Submission(level=int(form.level.data), effective_on=form.effective_on.data,
                              evidence_url=(form.evidence_url.data or "").strip() or None,
                              evidence_text=(form.evidence_text.data or "").strip() or None,
                              note=(form.note.data or "").strip() or None,
                              events=tuple(sorted(int(i) for i in form.events.data or ()))),
        corrects=corrects)
    try:
        records = services.submit([change], verified=can_review(current_user, accord))
    except services.Invalid as exc:
        _attach(exc, form, form.note)
        return _show(accord, provision, form=form, status=400)
    except services.Conflict as exc:
        db.session.refresh(provision)
        return _show(accord, provision, form=form, status=409, conflict=exc.newer)
    state = review_state(records[0].review_state)
    # a resent form equal to the user's latest record writes nothing: say so, not "recorded"
    flash(_("Update recorded as %(state)s.", state=state) if records.added else
          _("Nothing changed: this update is already recorded (%(state)s).", state=state))
    return redirect(url_for("provisions.show", slug=slug, code=code))


def _attach(exc: services.Invalid, form, fallback) -> None:
    """Show a service's rule violations under their fields (translated), else under `fallback`."""
    for name, reason in exc.errors.items():
        getattr(form, name, fallback).errors.append(translate(reason))


def _version(form) -> int:
    try:
        return parse_int(form.version.data, minimum=0)
    except ValueError:
        abort(400, description=_("The form is damaged (no version). Reload the page."))


@bp.post("/accords/<slug>/provisions/<code>/priority")
@login_required
def priority(slug: str, code: str):
    accord = visible_accord_or_404(slug)
    provision = _provision_or_404(accord, code)
    require(can_review(current_user, accord), _("Only coordinators set priority flags."))
    form = PriorityForm()
    if not form.validate_on_submit():
        return _show(accord, provision, priority_form=form, status=400)
    try:
        change = services.set_priority(provision, form.priority.data == "yes",
                                       form.effective_on.data, form.reason.data or "",
                                       _version(form))
    except services.Invalid as exc:
        _attach(exc, form, form.reason)
        return _show(accord, provision, priority_form=form, status=400)
    except services.Conflict as exc:
        db.session.refresh(provision)
        return _show(accord, provision, priority_form=form, status=409, conflict=exc.newer)
    if change is None:
        flash(_("Nothing changed: the provision is already a priority.") if provision.priority
              else _("Nothing changed: the provision is not a priority."))
    else:
        flash(_("Priority flag saved."))
    return redirect(url_for("provisions.show", slug=slug, code=code))



def edit_values(provision: Provision) -> dict:
    """The edit form's fields as stored, by field name: every field, relationships included,
    so a form saved unchanged submits exactly what is stored."""
    return {"text": provision.text, "text_translated": provision.text_translated or "",
            "section": str(provision.section_id or ""),
            "provision_type": provision.provision_type.code if provision.provision_type else "",
            "tags": "; ".join(tag_label(t) for t in provision.tag_names),
            "responsible_actor": provision.responsible_actor or "",
            "deadline": provision.deadline, "time_frame": provision.time_frame or "",
            "version": str(provision.version)}


def _edit_form(accord, provision, formdata=None) -> ProvisionForm:
    form = ProvisionForm(formdata=formdata,
                         data=None if formdata else edit_values(provision))
    form.fill(db.session.scalars(select(Section).where(Section.accord_id == accord.id)
                                 .order_by(Section.position)),
              db.session.scalars(select(ProvisionType).order_by(ProvisionType.code)),
              accord.original_language or "en")
    return form


def _same_text(submitted: str, stored: str | None) -> bool:
    """A browser sends a textarea's line ends as CRLF and may trim it: not a change."""
    def plain(text):
        return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return plain(submitted) == plain(stored)


EDITED_FIELDS = ("text", "text_translated", "section", "provision_type", "tags",
                 "responsible_actor", "deadline", "time_frame")


def _shown(field) -> str:
    """A field's value as the person reads it (a select's option label, a date in the one
    format), cut to 300 characters."""
    from ..web import local_date

    if field.type == "SelectField":
        labels = {str(choice[0]): choice[1] for choice in field.iter_choices()}
        return str(labels.get(str(field.data or ""), field.data or "—"))
    if field.type == "DateField":
        return local_date(field.data) if field.data else "—"
    text = (field.data or "").strip()
    return (text[:300] + "…" if len(text) > 300 else text) or "—"


def unsaved_values(submitted: ProvisionForm, current: ProvisionForm) -> list[tuple[str, str]]:
    """After a conflict: (field id, "label: your value «…» was not saved") for every field whose
    submitted value differs from the stored one, so the form can show the stored values
    without losing what the person typed."""
    unsaved = []
    for name in EDITED_FIELDS:
        mine, stored = submitted[name], current[name]
        same = (_same_text(mine.data, stored.data) if mine.type in ("TextAreaField",
                                                                      "StringField")
                else mine.data == stored.data)
        if not same:
            unsaved.append((stored.id, _("%(field)s: your value «%(mine)s» was not saved "
                                         "(now: «%(stored)s»).", field=stored.label.text,
                                         mine=_shown(mine), stored=_shown(stored))))
    return unsaved


@bp.route("/accords/<slug>/provisions/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, code: str):
    """Coordinators edit a provision's text, place, type, tags, actor and deadline."""
    accord = visible_accord_or_404(slug)
    provision = _provision_or_404(accord, code)
    require(can_review(current_user, accord), _("Only coordinators edit the accord's structure."))
    form = _edit_form(accord, provision, request.form if request.method == "POST" else None)
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("provisions/edit.html", accord=accord, provision=provision,
                               form=form), status
    ptype = db.session.scalar(select(ProvisionType).where(
        ProvisionType.code == form.provision_type.data)) if form.provision_type.data else None
    text, translated = form.text.data, form.text_translated.data or ""
    values = {"text": provision.text if _same_text(text, provision.text)
              else text.replace("\r\n", "\n").strip(),
              "text_translated": provision.text_translated
              if _same_text(translated, provision.text_translated)
              else translated.replace("\r\n", "\n").strip() or None,
              "section_id": int(form.section.data)
              if form.section.data else None,
              "provision_type_id": ptype.id if ptype else None,
              "responsible_actor": form.responsible_actor.data or None,
              "deadline": form.deadline.data, "time_frame": form.time_frame.data or None}
    try:
        tags = tagging.vocabulary(accord.id).resolve_text(form.tags.data)
    except ValueError as exc:  # a tag with nothing of its own (domain.tags)
        form.tags.errors.append(translate(exc.args[0]))
        return render_template("provisions/edit.html", accord=accord, provision=provision,
                               form=form), 400
    try:
        changed = services.edit_provision(provision, values, tags, _version(form))
    except services.Invalid as exc:
        _attach(exc, form, form.deadline)
        return render_template("provisions/edit.html", accord=accord, provision=provision,
                               form=form), 400
    except services.Conflict:
        db.session.refresh(provision)
        current = _edit_form(accord, provision)  # the stored values, with the new version
        conflict = _("This provision changed since you opened the form. Nothing was "
                     "overwritten: the form now shows the current values; re-enter any of "
                     "your values listed here that you still want.")
        return render_template("provisions/edit.html", accord=accord, provision=provision,
                               form=current, conflict=conflict,
                               unsaved=unsaved_values(form, current)), 409
    flash(_("Provision saved.") if changed else _("Nothing changed: these values are already "
                                                   "stored."))
    return redirect(url_for("provisions.show", slug=slug, code=code))
