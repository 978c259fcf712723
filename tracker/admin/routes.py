from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import i18n
from ..domain.messages import N_
from ..accounts import (AccountError, create_user, email_taken, grant_role_once,
                        organization_named, registered_organization, revoke_problem)
from ..extensions import db
from ..forms import error_text
from ..models import Accord, AuditEvent, Organization, RoleGrant, Section, User
from ..permissions import admin_required
from ..services import audit
from . import bp
from .changes import field_changes, plain
from .forms import GrantForm, OrganizationForm, UserForm

AUDIT_PAGE = 100


def _scope_options():
    accords = list(db.session.scalars(select(Accord).where(Accord.kind == "monitored")
                                      .order_by(Accord.name)))
    sections = list(db.session.scalars(select(Section).where(
        Section.accord_id.in_([a.id for a in accords])).order_by(Section.accord_id,
                                                                 Section.position)))
    return accords, sections


def _scope(form) -> tuple[Accord | None, Section | None]:
    """The accord and section a role form names; a section must belong to the accord."""
    accord = section = None
    if form.accord.data:
        accord = db.session.scalar(select(Accord).where(Accord.slug == form.accord.data))
    if form.section.data:
        section = db.session.get(Section, int(form.section.data))
        if accord is None or section is None or section.accord_id != accord.id:
            raise AccountError(N_("The section must belong to the chosen accord."))
    if form.role.data == "admin" and accord is not None:
        raise AccountError(N_("Administrators hold their role over everything."))
    return accord, section


@bp.get("/")
@admin_required
def index():
    """The administration's first page: the accounts and roles (its forms' own addresses,
    opened as pages, lead here through the page above them)."""
    return redirect(url_for("admin.users"), 302)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """Accounts and roles; POST creates an account (viewer unless chosen otherwise; an
    administrator only with the confirmation box ticked, else 400 and nothing created; an
    e-mail another account has, as the only error, 409: a conflict with stored data)."""
    form = UserForm()
    form.fill(*_scope_options())
    if request.method == "POST":
        valid = form.validate_on_submit()  # then the checks beyond the form: all at once
        if form.role.data == "admin" and not form.confirm_admin.data:
            valid = False
            form.confirm_admin.errors.append(_(
                "An administrator account must be confirmed: tick the box, or choose a "
                "smaller role."))
        try:
            if not (form.accord.errors or form.section.errors):  # choices known to be valid
                _scope(form)
        except AccountError as exc:
            valid = False
            (form.accord if form.role.data == "admin" else form.section).errors.append(
                i18n.translate(exc.reason))
        if valid:
            try:
                _create(form)
                return redirect(url_for("admin.users"), 303)
            except AccountError as exc:  # e.g. the same email added meanwhile
                form.email_taken = email_taken(exc.reason)
                form.email.errors.append(i18n.translate(exc.reason))
    if request.method != "POST":
        return _users_page(form=form)
    only_taken = form.email_taken and list(form.errors) == ["email"] and len(
        form.email.errors) == 1
    return _users_page(form=form, status=409 if only_taken else 400)


def _users_page(form: UserForm | None = None, grant_form: GrantForm | None = None,
                grant_user: User | None = None, org_form: OrganizationForm | None = None,
                revoke_error: str | None = None, status: int = 200):
    """The accounts page. A refused form is passed in with its errors (`grant_form` with the
    `grant_user` whose row it belongs to) and is shown with them, its input kept; the other
    forms are shown empty. `revoke_error`: why a revoke was refused. Revoke is offered only
    for the grants `accounts.revoke_problem` allows."""
    if form is None:
        form = UserForm(formdata=None)
        form.fill(*_scope_options())
    people = list(db.session.scalars(select(User).order_by(User.email)))
    empty_grant = GrantForm(formdata=None)
    empty_grant.fill(*_scope_options())
    kept = {g.id for u in people for g in u.roles
            if revoke_problem(g, current_user.id) is not None}
    return render_template("admin/users.html", form=form, users=people, kept_grants=kept,
                           revoke_error=revoke_error,
                           grant_form=empty_grant, failed_grant=grant_form,
                           grant_user=grant_user,
                           org_form=org_form or OrganizationForm(formdata=None),
                           organizations=list(db.session.scalars(
                               select(Organization).order_by(Organization.name)))), status


def _create(form: UserForm) -> None:
    accord, section = _scope(form)
    user = create_user(form.email.data, form.password.data, role=form.role.data,
                       org_name=form.organization.data or None,
                       accord_slug=accord.slug if accord else None,
                       section_code=section.code if section else None,
                       name=form.name.data or "")
    flash(_("Account %(email)s created.", email=user.email))


@bp.post("/users/<int:user_id>/roles")
@admin_required
def grant(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = GrantForm()
    form.fill(*_scope_options())
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, description=error_text(form))
        return _users_page(grant_form=form, grant_user=user, status=400)
    if form.role.data == "admin" and not form.confirm_admin.data:
        form.confirm_admin.errors.append(_(
            "Granting the administrator role needs the confirmation box ticked: an "
            "administrator manages every account and accord."))
        return _users_page(grant_form=form, grant_user=user, status=400)
    try:
        accord, section = _scope(form)
    except AccountError as exc:
        (form.accord if form.role.data == "admin" else form.section).errors.append(
            i18n.translate(exc.reason))
        return _users_page(grant_form=form, grant_user=user, status=400)
    try:
        _grant, added = grant_role_once(user.email, form.role.data,
                                        accord_slug=accord.slug if accord else None,
                                        section_code=section.code if section else None)
    except AccountError as exc:
        form.role.errors.append(i18n.translate(exc.reason))
        return _users_page(grant_form=form, grant_user=user, status=409)
    flash(_("Role granted.") if added else _("Nothing changed: this role is already granted."))
    return redirect(url_for("admin.users"), 303)


@bp.post("/roles/<int:grant_id>/revoke")
@admin_required
def revoke(grant_id: int):
    """Revoke a role in two steps that need no script: the list's button asks (a page
    naming the person and the role, 200); that page's button, with confirm=yes, revokes.
    A role no longer held (revoked already, e.g. from another tab) or one
    `accounts.revoke_problem` keeps is a 409 with the reason, nothing changed."""
    grant_row = db.session.get(RoleGrant, grant_id)
    if grant_row is None:
        return _users_page(revoke_error=_(
            "This role is no longer held: it was revoked already. Nothing changed."), status=409)
    problem = revoke_problem(grant_row, current_user.id)
    if problem is not None:  # not offered, but a stale page or a crafted POST can ask
        return _users_page(revoke_error=i18n.translate(problem), status=409)
    if request.form.get("confirm") != "yes":
        return render_template("admin/revoke.html", grant=grant_row)
    before = {"user": grant_row.user.email, "role": grant_row.role,
              "accord": grant_row.accord.slug if grant_row.accord else None,
              "section": grant_row.section.code if grant_row.section else None}
    user_id, accord_id = grant_row.user_id, grant_row.accord_id
    db.session.delete(grant_row)
    audit("role.revoke", "user", user_id, accord_id=accord_id, before=before)
    db.session.commit()
    flash(_("Role revoked."))
    return redirect(url_for("admin.users"), 303)


@bp.post("/organizations")
@admin_required
def organizations():
    form = OrganizationForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, description=error_text(form))
        return _users_page(org_form=form, status=400)
    known = registered_organization(form.name.data)
    if known is not None:
        flash(_("Nothing changed: the organization %(name)s is already registered.",
                name=known.name))
        return redirect(url_for("admin.users"), 303)
    organization_named(form.name.data)
    db.session.commit()
    flash(_("Organization saved."))
    return redirect(url_for("admin.users"), 303)


@bp.get("/audit")
@admin_required
def audit_log():
    """The newest AUDIT_PAGE audit events, filtered by action prefix, actor email or accord
    slug; each event's before/after shown field by field (400 for an unknown accord)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip()
    accord_slug = request.args.get("accord", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actor:
        query = query.where(AuditEvent.actor == actor.lower())
    if accord_slug:
        accord = db.session.scalar(select(Accord).where(Accord.slug == accord_slug))
        if accord is None:
            abort(400, description=_("Unknown accord: %(slug)s", slug=accord_slug))
        query = query.where(AuditEvent.accord_id == accord.id)
    events = list(db.session.scalars(query.limit(AUDIT_PAGE)))
    codes = _audit_codes(events)
    objects = {e.id: " ".join(filter(None, (
        i18n.audit_object(e.object_type),
        str(codes.get((e.object_type, e.object_id), e.object_id or ""))))) for e in events}

    def shown(field, value):
        return plain(i18n.audit_value(field, value, codes), yes=_("yes"), no=_("no"))

    return render_template("admin/audit.html", events=events, objects=objects, shown=shown,
                           changes={e.id: field_changes(e.before, e.after) for e in events})


def _audit_codes(events) -> dict[tuple[str, int], str]:
    """What the events' object ids and stored ids stand for, as a person names them:
    (kind, id) -> text, for kinds provision (its code), place (its code and name),
    status_record (its provision's code), section and provision_type (their codes), user
    (email), cutoff and reference_set
    (their labels); the same codes under the stored field names (provision, corrects,
    section_id, provision_type_id). Ids no longer held are left out (shown as the id)."""
    from ..cutoffs.models import Cutoff
    from ..models import Provision, ProvisionType, ReferenceSet, StatusRecord
    from ..places.models import Place

    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_id is not None:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
        for side in (e.before, e.after):
            if isinstance(side, dict):
                for field, kind in (("provision", "provision"), ("corrects", "status_record"),
                                    ("section_id", "section"),
                                    ("provision_type_id", "provision_type")):
                    if isinstance(side.get(field), int):
                        wanted.setdefault(kind, set()).add(side[field])
                if isinstance(side.get("place"), int):
                    wanted.setdefault("place", set()).add(side["place"])
                links = side.get("provisions")  # an event's [provision, effect] pairs
                for link in links if isinstance(links, list) else ():
                    if isinstance(link, list) and link and isinstance(link[0], int):
                        wanted.setdefault("provision", set()).add(link[0])
    codes: dict[tuple[str, int], str] = {}

    def fill(kind, query):
        if wanted.get(kind):
            for key, text in db.session.execute(query):
                codes[(kind, key)] = text

    fill("provision", select(Provision.id, Provision.code).where(
        Provision.id.in_(wanted.get("provision", ()))))
    fill("status_record", select(StatusRecord.id, Provision.code).join(
        Provision, StatusRecord.provision_id == Provision.id).where(
        StatusRecord.id.in_(wanted.get("status_record", ()))))
    fill("section", select(Section.id, Section.code).where(
        Section.id.in_(wanted.get("section", ()))))
    fill("provision_type", select(ProvisionType.id, ProvisionType.code).where(
        ProvisionType.id.in_(wanted.get("provision_type", ()))))
    fill("user", select(User.id, User.email).where(User.id.in_(wanted.get("user", ()))))
    fill("cutoff", select(Cutoff.id, Cutoff.label).where(Cutoff.id.in_(wanted.get("cutoff", ()))))
    fill("reference_set", select(ReferenceSet.id, ReferenceSet.label).where(
        ReferenceSet.id.in_(wanted.get("reference_set", ()))))
    fill("accord", select(Accord.id, Accord.slug).where(Accord.id.in_(wanted.get("accord", ()))))
    fill("place", select(Place.id, Place.code + " " + Place.name).where(
        Place.id.in_(wanted.get("place", ()))))
    for field, kind in (("provision", "provision"), ("corrects", "status_record"),
                        ("section_id", "section"), ("provision_type_id", "provision_type")):
        codes.update({(field, key): text for (k, key), text in list(codes.items())
                      if k == kind})
    return codes
