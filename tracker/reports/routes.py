"""Downloads and the offline update round trip. Views check access and send what
`tracker.excel` builds; every write goes through `services.submit`."""
from __future__ import annotations

import hashlib
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select, update

from .. import queries, services
from ..permissions import (can_edit_some, can_review, has_role, require, sees_internal,
                           visible_accord_or_404)
from ..api import params
from ..domain.text import safe_label
# tracker.excel (and openpyxl with it, ~20 MB a worker) is imported by the views that make or
# read a workbook, so a worker that never does is spared it.
from ..extensions import db
from ..i18n import translate
from ..models import Provision, Section, UploadBatch
from ..tables import TableError
from ..web import CSV_MIMETYPE, send_download
from . import bp
from .forms import BatchForm, UploadForm




def _insider(accord) -> bool:
    """Users with a role on the accord see unverified records and authors' emails."""
    return sees_internal(current_user, accord)


# --- downloads -------------------------------------------------------------------------------

@bp.get("/accords/<slug>/report.xlsx")
def report(slug: str):
    from ..excel import XLSX_MIMETYPE
    from ..excel.report import report_workbook
    accord = visible_accord_or_404(slug)
    params.check_known(("as_of",))
    as_of = params.as_of(accord.signed_on)
    insider = _insider(accord)
    data = report_workbook(accord, as_of, include_unverified=insider, show_authors=insider)
    return send_download(data, f"{slug}-report-{as_of.isoformat()}.xlsx", XLSX_MIMETYPE)


@bp.get("/accords/<slug>/provisions.csv")
def provisions_csv(slug: str):
    from ..excel import export
    accord = visible_accord_or_404(slug)
    params.check_known(("as_of",))
    as_of = params.as_of(accord.signed_on)
    return send_download(export.provisions_csv(accord, as_of),
                         f"{slug}-provisions-{as_of.isoformat()}.csv", CSV_MIMETYPE)


@bp.get("/accords/<slug>/history.csv")
def history_csv(slug: str):
    from ..excel import export
    accord = visible_accord_or_404(slug)
    params.check_known(("as_of",))
    as_of = params.as_of(accord.signed_on)
    insider = _insider(accord)
    data = export.history_csv(accord, as_of, include_unverified=insider, show_authors=insider)
    return send_download(data, f"{slug}-history-{as_of.isoformat()}.csv", CSV_MIMETYPE)


@bp.get("/reference-sets/<label>.csv")
def reference_csv(label: str):
    """The reference set in the long format `flask import-reference` reads (public accords)."""
    from ..excel import export
    params.check_known(())
    if label not in queries.reference_sets():
        abort(404, description=_("No reference set %(label)s.", label=label))
    return send_download(export.reference_csv(label), f"{label}.csv", CSV_MIMETYPE)


# --- the offline update round trip -------------------------------------------------------------

def _section_param(accord) -> Section | None:
    params.check_known(("section",))
    code = request.args.get("section")
    if not code:
        return None
    section = db.session.scalar(select(Section).where(Section.accord_id == accord.id,
                                                      Section.code == code))
    if section is None:
        abort(400, description=_("section=%(code)s matches no section of this accord",
                                 code=code))
    return section


def _has_provisions(accord) -> bool:
    """Whether the accord holds any provision (a section without any gets a workbook with
    the headers only)."""
    return db.session.scalar(select(Provision.id).where(Provision.accord_id == accord.id)
                             .limit(1)) is not None


def _edits_some_of(accord) -> bool:
    return can_edit_some(current_user, accord)


@bp.get("/accords/<slug>/update.xlsx")
@login_required
def update_workbook(slug: str):
    from ..excel import XLSX_MIMETYPE
    from ..excel.update import update_workbook
    accord = visible_accord_or_404(slug)
    section = _section_param(accord)
    require(has_role(current_user, "editor", accord, section),
            _("You may not edit this accord or section."))
    if not _has_provisions(accord):
        abort(404, description=_("This accord has no provisions yet: there is nothing to "
                                 "update. Import its structure first."))
    data = update_workbook(accord, section)
    scope = f"-{section.code}" if section else ""
    return send_download(data, f"{slug}{scope}-update-{date.today().isoformat()}.xlsx",
                         XLSX_MIMETYPE)


def _upload_page(accord, form, status=200):
    sections = [s for s in accord.sections if has_role(current_user, "editor", accord, s)]
    return render_template("reports/upload.html", accord=accord, form=form,
                           whole=has_role(current_user, "editor", accord),
                           sections=sections), status


def _preview(accord, plan, batch=None, status=None, message=None):
    if status is None:
        status = 409 if plan.conflicts else (422 if not plan.ok else 200)
    from ..i18n.vocabulary import EFFECT_LABELS

    return render_template("reports/preview.html", accord=accord, plan=plan, batch=batch,
                           form=BatchForm(), message=message, effect_labels=EFFECT_LABELS,
                           verified=can_review(current_user, accord)), status


@bp.route("/accords/<slug>/update", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    from ..excel import importer
    accord = visible_accord_or_404(slug)
    require(_edits_some_of(accord), _("You may not edit this accord."))
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(accord, form)
    if not form.validate_on_submit():
        return _upload_page(accord, form, status=400)
    upload_file = form.workbook.data
    data = upload_file.read()
    try:
        plan = importer.read_update(accord, data, current_user)
    except TableError as exc:  # the file itself is refused: its problems are its field's
        form.workbook.errors = [(_("Row %(row)d", row=e.row) + ": " if e.row else "")
                                + translate(e.message) for e in exc.errors]
        return _upload_page(accord, form, status=400)
    if not plan.ok or not plan.writes_something:
        return _preview(accord, plan)  # problems, or nothing to record: nothing is kept
    batch = _keep(accord, safe_label(upload_file.filename, 255, "update.xlsx"), data)
    return redirect(url_for(".preview", slug=slug, batch_id=batch.id))


def _keep(accord, filename: str, data: bytes) -> UploadBatch:
    """Store the upload until it is confirmed; earlier pending uploads of the user for this
    accord are discarded (one preview at a time)."""
    db.session.execute(update(UploadBatch).where(
        UploadBatch.user_id == current_user.id, UploadBatch.accord_id == accord.id,
        UploadBatch.state == "pending").values(state="discarded"))
    batch = UploadBatch(user_id=current_user.id, accord_id=accord.id, filename=filename[:255],
                        sha256=hashlib.sha256(data).hexdigest(), content=data, state="pending")
    db.session.add(batch)
    db.session.flush()
    services.audit("excel.upload", "upload_batch", batch.id, accord_id=accord.id,
                   after={"filename": batch.filename, "sha256": batch.sha256})
    db.session.commit()
    return batch


def _batch_or_404(accord, batch_id: int) -> UploadBatch:
    batch = db.session.get(UploadBatch, batch_id)
    if batch is None or batch.accord_id != accord.id or batch.user_id != current_user.id:
        abort(404, description=_("No such upload."))
    return batch


@bp.get("/accords/<slug>/update/<int:batch_id>")
@login_required
def preview(slug: str, batch_id: int):
    from ..excel import importer
    accord = visible_accord_or_404(slug)
    batch = _batch_or_404(accord, batch_id)
    plan = importer.read_update(accord, batch.content, current_user)
    return _preview(accord, plan, batch)


@bp.post("/accords/<slug>/update/<int:batch_id>/confirm")
@login_required
def confirm(slug: str, batch_id: int):
    from ..excel import importer
    accord = visible_accord_or_404(slug)
    batch = _batch_or_404(accord, batch_id)
    if not BatchForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    plan = importer.read_update(accord, batch.content, current_user)
    if batch.state == "committed":
        abort(409, description=_already_recorded())
    if batch.state != "pending":
        abort(409, description=_("This upload was already %(state)s.", state=batch.state))
    if not plan.ok:
        return _preview(accord, plan, batch)
    return _commit(accord, plan, batch)


def _commit(accord, plan, batch):
    changes = plan.changes
    if not plan.writes_something:
        # Only a pending upload becomes "discarded": a confirmation that raced another one
        # may read no change only because the other just recorded them.
        marked = db.session.execute(
            update(UploadBatch).where(UploadBatch.id == batch.id,
                                      UploadBatch.state == "pending")
            .values(state="discarded"), execution_options={"synchronize_session": False})
        db.session.commit()
        if not marked.rowcount:
            abort(409, description=_already_recorded())
        flash(_("Nothing to record: the workbook holds no change."))
        return redirect(url_for("accords.show", slug=accord.slug))
    verified = can_review(current_user, accord)
    try:  # the upload is marked committed with the records and events, or none of them
        records = services.confirm_upload(batch, changes, verified=verified,
                                          events=plan.event_inputs)
    except services.NotPending:  # a source its events cite was reviewed meanwhile
        return _preview(accord, plan, None, 409, _(
            "A source the events cite was reviewed while you were confirming. Nothing was "
            "recorded: upload the workbook again."))
    except services.AlreadyRecorded:  # a second confirmation sent at the same moment
        abort(409, description=_already_recorded())
    except services.Conflict as exc:
        return _preview(accord, plan, None, 409, _(
            "Provision %(code)s changed while you were confirming. Nothing was recorded: "
            "download a fresh workbook.", code=exc.provision.code))
    except services.Invalid as exc:
        return _preview(accord, plan, None, 422, "; ".join(
            _describe(plan, key, reason) for key, reason in exc.errors.items()))
    if not records.added and not records.events:
        flash(_already_recorded())
        return redirect(url_for("accords.show", slug=accord.slug))
    repeated = len(records) - records.added  # equal to the user's latest: not written again
    recorded = [ngettext("%(num)d status record recorded", "%(num)d status records recorded",
                         records.added)] if records.added else []
    if records.events:
        recorded.append(ngettext("%(num)d event recorded", "%(num)d events recorded",
                                 len(records.events)))
    flash(" · ".join(recorded) + ("" if verified else " · " + _("pending review"))
          + (" · " + ngettext("%(num)d row was already recorded: nothing changed for it",
                              "%(num)d rows were already recorded: nothing changed for them",
                              repeated) if repeated else ""))
    return redirect(url_for("accords.show", slug=accord.slug))


def _already_recorded() -> str:
    return _("This upload was already recorded. Nothing was recorded twice.")


def _describe(plan, key: str, reason: str) -> str:
    """A `services.Invalid` key ("index:field", or "field" for one change; "event N:field"
    for the N-th event to record) as a row of its sheet."""
    index, _sep, field = key.rpartition(":")
    if index == "events":
        return f"{plan.events_sheet}: {translate(reason)} ({field})"
    if index.startswith("event "):
        rows = [e.row for e in plan.events if e.to_record]
        number = int(index.split()[1])
        row = rows[number] if number < len(rows) else 0
        return (_("%(sheet)s, row %(row)d", sheet=plan.events_sheet, row=row)
                + f": {translate(reason)} ({field})")
    row = plan.row_of_change(int(index) if index.isdigit() else 0) or 0
    return _("Row %(row)d", row=row) + f": {translate(reason)} ({field})"


@bp.post("/accords/<slug>/update/<int:batch_id>/discard")
@login_required
def discard(slug: str, batch_id: int):
    accord = visible_accord_or_404(slug)
    batch = _batch_or_404(accord, batch_id)
    if not BatchForm().validate_on_submit():
        abort(400, description=_("The form expired; try again."))
    if batch.state == "committed":
        abort(409, description=_("This upload was already recorded; it cannot be discarded. "
                                 "A correction is a new record."))
    if batch.state == "pending":
        batch.state = "discarded"
        services.audit("excel.discard", "upload_batch", batch.id, accord_id=accord.id)
        db.session.commit()
    flash(_("The upload was discarded; nothing was recorded."))
    return redirect(url_for(".upload", slug=slug))
