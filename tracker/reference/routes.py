"""Administration of reference sets: list with provenance, import, replace, delete, default.

Every action is a POST through a form (CSRF) by an administrator; the writes themselves are
`tracker.reference.sets`, one transaction each, audited.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import queries
from ..permissions import admin_required
from ..tables import TableError
from . import sets
from .forms import DefaultForm, DeleteForm, ImportForm, ReplaceForm

bp = Blueprint("reference_admin", __name__)


def _page(status: int = 200, errors=None, form=None, failed_label: str | None = None):
    counts = sets.accord_counts()
    return render_template(
        "reference/admin.html", sets=sets.all_sets(), counts=counts,
        import_form=form if failed_label is None and form is not None else ImportForm(),
        replace_form=ReplaceForm(), delete_form=DeleteForm(), default_form=DefaultForm(),
        errors=errors or [], failed_label=failed_label), status


def _refused(exc: TableError, form=None, label: str | None = None):
    status = getattr(exc, "status", 400)
    return _page(status, exc.errors, form, label)


@bp.get("/")
@admin_required
def index():
    return _page()


@bp.post("/")
@admin_required
def load():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(400, form=form)
    upload = form.file.data
    try:
        result = sets.import_set(upload.read(), upload.filename or "upload",
                                 form.label.data or None, actor=current_user.email)
    except TableError as exc:
        return _refused(exc, form)
    flash(_("Reference set %(set)s loaded: %(accords)s; %(quirks)s.", set=result.label,
            accords=ngettext("%(num)s accord", "%(num)s accords", result.accords),
            quirks=ngettext("%(num)s quirk of the data reported",
                            "%(num)s quirks of the data reported", len(result.quirks))))
    return redirect(url_for(".index"), 303)


def _existing(label: str):
    refset = queries.reference_set(label)
    if refset is None:
        abort(404, description=_("No reference set %(set)s.", set=label))
    return refset


@bp.post("/<path:label>/replace")
@admin_required
def replace(label: str):
    _existing(label)
    form = ReplaceForm()
    if not form.validate_on_submit():
        return _page(400, [err for errs in form.errors.values() for err in errs], None, label)
    upload = form.file.data
    try:
        result = sets.import_set(upload.read(), upload.filename or "upload", label,
                                 replace=True, accept_losses=form.accept_losses.data,
                                 actor=current_user.email)
    except TableError as exc:
        return _refused(exc, None, label)
    flash(ngettext("Reference set %(set)s replaced: %(num)s accord.",
                   "Reference set %(set)s replaced: %(num)s accords.", result.accords, set=label))
    return redirect(url_for(".index"), 303)


@bp.post("/<path:label>/delete")
@admin_required
def delete(label: str):
    _existing(label)
    form = DeleteForm()
    if not form.validate_on_submit():
        return _page(400, [err for errs in form.errors.values() for err in errs], None, label)
    removed = sets.delete_set(label, current_user.email)
    flash(ngettext("Reference set %(set)s deleted with its %(num)s accord.",
                   "Reference set %(set)s deleted with its %(num)s accords.", removed, set=label))
    return redirect(url_for(".index"), 303)


@bp.post("/<path:label>/default")
@admin_required
def make_default(label: str):
    _existing(label)
    if not DefaultForm().validate_on_submit():
        abort(400)
    sets.set_default(label)
    flash(_("%(set)s is now the default reference set.", set=label))
    return redirect(url_for(".index"), 303)
