"""Entering an event on the web: one form with the event, its place, the provisions it bears
on (each with its effect) and its sources (cited, or one new with an attached file).
Editors' events wait for a coordinator's review; a coordinator's own are verified."""
from __future__ import annotations

import re

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..permissions import can_edit, can_edit_some, can_review, require, visible_accord_or_404
from ..domain.messages import N_
from ..domain.text import searchable
from ..extensions import db
from ..forms import unkept_file
from ..i18n import (LANGUAGE_NAMES, marked_text, review_state, source_shown, source_state,
                    translate, typing_language)
from ..models import Accord, Provision
from ..places.choices import place_entries, typed_place_code
from ..services import Invalid, NotPending
from ..web import local_date, megabytes
from . import files
from .forms import MAX_SOURCES_OFFERED, RECENT_SOURCES, EventForm
from ..i18n.vocabulary import EFFECT_LABELS, SOURCE_KIND_LABELS
from .blueprint import bp
from .models import Source
from .services import EventInput, NewSource, Upload, enter_event
from .services import problems as event_problems

#: A rule's field (`domain.events.event_problems`) -> the form field showing it.
FIELDS = {"occurred_on": "occurred_on", "ended_on": "ended_on", "title": "title",
          "description": "description", "actors": "actors", "place": "place",
          "title_translated": "title", "description_translated": "description",
          "language": "language",
          "provisions": "provision_1", "effect": "effect_1", "sources": "cited",
          "accord": "title"}
SOURCE_FIELDS = {"title": "source_title", "kind": "source_kind",
                 "publisher": "source_publisher", "published_on": "source_date",
                 "url": "source_url", "language": "source_language"}


def offered_sources(accord: Accord) -> list[Source]:
    """The sources an event of `accord` may cite: the accord's and the shared ones, not
    rejected, newest first (MAX_SOURCES_OFFERED at most)."""
    return list(db.session.scalars(
        select(Source).where(or_(Source.accord_id == accord.id, Source.accord_id.is_(None)),
                             Source.review_state != "rejected")
        .order_by(Source.published_on.desc().nulls_last(), Source.id.desc())
        .limit(MAX_SOURCES_OFFERED)))


def _source_label(source: Source) -> str:
    """"title · kind · publisher · date · review state" (date in the reader's format)."""
    parts = [marked_text(source_shown(source.title, source.language)),
             str(SOURCE_KIND_LABELS.get(source.kind, source.kind))]
    if source.publisher:
        parts.append(source.publisher)
    if source.published_on:
        parts.append(local_date(source.published_on))
    if source.review_state != "verified":
        parts.append(source_state(source.review_state))
    return " · ".join(parts)


def _form(accord: Accord, sources: list[Source]) -> EventForm:
    """The form, its language the reader's typing language unless the request gives one."""
    form = EventForm(formdata=(request.form | request.files) if request.method == "POST"
                     else None, language=typing_language(accord))
    form.fill(EFFECT_LABELS, SOURCE_KIND_LABELS, LANGUAGE_NAMES,
              [(s.id, _source_label(s)) for s in sources[:RECENT_SOURCES]])
    return form


def _page(accord: Accord, form: EventForm, status: int = 200, problem: str | None = None):
    """The form page; a refused form remembers the name of a file it could not keep (the
    next submission must choose it again or say the source has none)."""
    form.dropped_file.data = unkept_file(form.source_file) or form.dropped_file.data
    sources = offered_sources(accord)
    provisions = db.session.execute(select(Provision.code, Provision.text)
                                    .where(Provision.accord_id == accord.id)
                                    .order_by(Provision.id)).all()
    return render_template("events/new.html", accord=accord, form=form, problem=problem,
                           places=place_entries(accord), provisions=provisions,
                           source_entries=[f"#{s.id} {_source_label(s)}" for s in sources],
                           more_sources=len(sources) > RECENT_SOURCES), status


def _error(form: EventForm, name: str, reason) -> None:
    """Show `reason` (translated) under the form field `name`."""
    field = form[name]
    field.errors = [*field.errors, translate(reason)]


def _links(form: EventForm, accord: Accord) -> list[tuple[Provision, str]]:
    """(provision, effect) of each filled row; a code not of the accord, or of a part the
    user may not edit, is an error at its row, and so is a code an earlier row named (at
    the repeating row, which is left out)."""
    rows = [(number, row, (row[0].data or "").split()[0])
            for number, row in enumerate(form.links(), start=1) if (row[0].data or "").strip()]
    found = {p.code: p for p in db.session.scalars(select(Provision).where(
        Provision.accord_id == accord.id, Provision.code.in_([c for _n, _r, c in rows])))}
    links, first_row = [], {}
    for number, row, code in rows:
        provision = found.get(code)
        if code in first_row:
            _error(form, row[0].name, _("Provision %(code)s is already in row %(row)d.",
                                        code=code, row=first_row[code]))
            continue
        first_row[code] = number
        if provision is None:
            _error(form, row[0].name, _("No provision %(code)s in this accord.", code=code))
        elif not can_edit(current_user, provision):
            _error(form, row[0].name, _("You cannot link provisions of this part of the accord."))
        else:
            links.append((provision, row[1].data))
    return links


def _titled(accord: Accord) -> dict[str, list[tuple[int, str]]]:
    """The sources an event of `accord` may cite by title (its own and the shared ones, not
    rejected): folded title (`domain.text.searchable`, spaces collapsed) -> [(id, title)]."""
    titled: dict[str, list[tuple[int, str]]] = {}
    for source_id, title in db.session.execute(select(Source.id, Source.title).where(
            or_(Source.accord_id == accord.id, Source.accord_id.is_(None)),
            Source.review_state != "rejected").order_by(Source.id)):
        titled.setdefault(_folded(title), []).append((source_id, title))
    return titled


def _folded(title: str) -> str:
    return " ".join(searchable(title).split())


def _typed_source(form: EventForm, part: str, titled: dict) -> int | None:
    """The source number `part` names: "#12 title…" (as the list offers them) or "12", or
    the exact title of one source (accents and case aside); else an error at the field."""
    found = re.match(r"#?([0-9]{1,9})(?:\s|$)", part)
    if found:
        return int(found.group(1))
    named = titled.get(_folded(part), [])
    if len(named) == 1:
        return named[0][0]
    if named:
        _error(form, "cited_other", _(
            "Several sources are titled %(title)s: type the number of the one you mean "
            "(%(sources)s).", title=repr(part),
            sources="; ".join(f"#{i} {title}" for i, title in named)))
    else:
        _error(form, "cited_other", _("%(part)s is not a source: choose one from the list, "
                                      "type its number (#12) or its exact title.",
                                      part=repr(part)))
    return None


def _typed_sources(form: EventForm, accord: Accord, ticked: set[int]) -> list[Source]:
    """The registered sources named in `cited_other` (";"-separated, each as
    `_typed_source` reads it), not ticked already; a part naming no source of the accord
    (nor a shared one) is an error at the field."""
    parts = [p for p in (p.strip() for p in (form.cited_other.data or "").split(";")) if p]
    titled = _titled(accord) if any(not re.match(r"#?[0-9]", p) for p in parts) else {}
    wanted = [i for i in (_typed_source(form, part, titled) for part in parts) if i is not None]
    if not wanted:
        return []
    held = {s.id: s for s in db.session.scalars(select(Source).where(
        Source.id.in_(wanted), or_(Source.accord_id == accord.id, Source.accord_id.is_(None))))}
    missing = [f"#{i}" for i in wanted if i not in held]
    if missing:
        _error(form, "cited_other", _("No source %(numbers)s is registered for this accord.",
                                      numbers=", ".join(missing)))
    return [held[i] for i in dict.fromkeys(wanted) if i in held and i not in ticked]


def _new_source(form: EventForm) -> NewSource | None:
    """The new source the form gives, if any. A file chosen before a refusal and not chosen
    again is an error at the file field, unless the source is to be saved without one."""
    if not form.has_new_source():
        return None
    upload = form.source_file.data
    attachment = None
    if upload and upload.filename:
        attachment = Upload(upload.read(), upload.filename)
    elif form.dropped_file.data and not form.without_file.data:
        _error(form, "source_file", _(
            "The file %(name)s chosen before was not sent again: choose it again, or tick "
            "\u201c%(label)s\u201d.", name=form.dropped_file.data,
            label=form.without_file.label.text))
    return NewSource(title=form.source_title.data or "", kind=form.source_kind.data or "",
                     publisher=form.source_publisher.data or "",
                     published_on=form.source_date.data, url=form.source_url.data or None,
                     language=form.source_language.data or None, attachment=attachment)


def _input(form: EventForm, accord: Accord, sources: list[Source]) -> EventInput:
    """The event the form gives; problems the form alone can see are left as field errors."""
    try:
        code = typed_place_code(accord, form.place.data)
    except ValueError as exc:
        _error(form, "place", exc.args[0])
        code = None
    # a value not offered (a crafted request) is already refused at the field by its choices
    ticked = set(form.cited.data or ())
    cited_ids = {s.id for s in sources if str(s.id) in ticked}
    cited = [s for s in sources if s.id in cited_ids] + _typed_sources(form, accord, cited_ids)
    new = _new_source(form)
    return EventInput(accord=accord, occurred_on=form.occurred_on.data, title=form.title.data,
                      provisions=_links(form, accord),
                      sources=cited + ([new] if new else []), ended_on=form.ended_on.data,
                      description=form.description.data or "", place_code=code,
                      actors=form.actors.data or "",
                      language=form.language.data or typing_language(accord))


def _attachment_error(form: EventForm, exc: Exception) -> int:
    """Show why the attached file is refused at its field; the status: 413 over the size
    limit, else 400."""
    if isinstance(exc, files.TooLarge):
        _error(form, "source_file", _("The file is %(size)s; the limit is %(limit)s.",
                                      size=megabytes(exc.size), limit=megabytes(exc.limit)))
        return 413
    _error(form, "source_file", exc.reason)
    return 400


def _check_attachment(form: EventForm, item: EventInput) -> int:
    """Check the new source's attached file by its content beside every other check, so a
    refused file is named with the rest: the status to answer (413 for a file over the
    limit, else 400 when anything is wrong)."""
    for source in item.sources:
        if isinstance(source, NewSource) and source.attachment is not None:
            try:
                files.media_type(source.attachment.content,
                                 current_app.config["MAX_ATTACHMENT_BYTES"])
            except (files.TooLarge, files.Refused) as exc:
                return _attachment_error(form, exc)
    return 400


def _show_problems(form: EventForm, errors: dict, *, beside: bool = False) -> None:
    """Show the rules' `errors` at their fields; `beside`: only at fields showing none yet
    (the form's own checks found those first)."""
    for name, reason in errors.items():
        if name.startswith("source_1."):
            target = SOURCE_FIELDS.get(name.split(".", 1)[1], "source_title")
        elif name == "sources" and (form.cited_other.data or "").strip() \
                and not form.cited.data:  # the sources were typed, not ticked
            target = "cited_other"
        elif name == "sources":  # none at all: say each of the form's three ways to give one
            target, reason = "cited", N_(
                "at least one source is required: tick a recent source, type the number of "
                "another registered source, or describe a new source below")
        else:
            target = FIELDS.get(name, "title")
        if not (beside and form[target].errors):
            _error(form, target, reason)


@bp.route("/accords/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """The form entering an event (editors of the accord or of a section of it). Bad input
    re-renders it with every problem (400; 413 for a file over the limit); nothing is
    written unless all of it is acceptable."""
    accord = visible_accord_or_404(slug)
    require(can_edit_some(current_user, accord),
            _("Only the accord's editors and coordinators enter events."))
    require(accord.kind == "monitored", translate(N_(
        "events are recorded for monitored accords, not reference ones")))
    sources = offered_sources(accord)
    form = _form(accord, sources)
    if request.method == "GET":
        return _page(accord, form)
    form.validate_on_submit()
    # every problem at once: the form's own, the rows', the place's, the rules' and the file's
    item = _input(form, accord, sources)
    _show_problems(form, event_problems(item), beside=True)
    status = _check_attachment(form, item)
    if any(field.errors for field in form):
        return _page(accord, form, status)
    try:
        event, added = enter_event(item, verified=can_review(current_user, accord))
    except Invalid as exc:
        _show_problems(form, exc.errors)
        return _page(accord, form, 400)
    except (files.TooLarge, files.Refused) as exc:  # checked above: only if it changed
        return _page(accord, form, _attachment_error(form, exc))
    except NotPending:
        return _page(accord, form, 409, _("A source you cited was reviewed meanwhile. "
                                          "Check the sources and submit again."))
    state = review_state(event.review_state)
    flash(_("Event #%(id)d recorded as %(state)s.", id=event.id, state=state) if added else
          _("Nothing changed: this event is already recorded as #%(id)d (%(state)s).",
            id=event.id, state=state))
    return redirect(url_for("events.index", slug=slug, review_state=event.review_state), 303)
