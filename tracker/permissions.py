"""Who may do what: the one vocabulary of permission checks, used by views and templates.

Roles are granted over everything (no accord), one accord, or one section of an accord (and
so every section and provision below it). Ranks: viewer < editor < coordinator < admin.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, select

from . import queries
from .extensions import db
from .models import Accord, Provision, Section, StatusRecord

ROLE_RANK = {"viewer": 1, "editor": 2, "coordinator": 3, "admin": 4}


def _grants(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return user.roles


def is_admin(user) -> bool:
    return any(g.role == "admin" and g.accord_id is None for g in _grants(user))


def _section_chain(section: Section | None) -> set[int]:
    ids = set()
    while section is not None:
        ids.add(section.id)
        section = section.parent
    return ids


def _covers(grant, accord_id: int, section_ids: set[int] | None) -> bool:
    """Whether a grant's scope includes the accord (section_ids None) or those sections."""
    if grant.accord_id is None:
        return True
    if grant.accord_id != accord_id:
        return False
    if grant.section_id is None:
        return True
    return section_ids is not None and grant.section_id in section_ids


def has_role(user, minimum: str, accord: Accord, section: Section | None = None,
             whole_accord: bool = False) -> bool:
    """`minimum` or higher over the accord; with a section, a grant on it or an ancestor
    counts; `whole_accord` requires a grant over the whole accord."""
    need = ROLE_RANK[minimum]
    sections = None if whole_accord else _section_chain(section)
    return any(ROLE_RANK[g.role] >= need and _covers(g, accord.id, sections)
               for g in _grants(user))


def covering_grant(grants, role: str, accord: Accord | None, section: Section | None = None):
    """The first of `grants` (RoleGrants) that already gives `role` or a stronger one over
    the accord (`accord` None: over everything) or its `section`, or None: a grant of
    `role` there would add nothing."""
    need = ROLE_RANK[role]
    for grant in grants:
        if ROLE_RANK[grant.role] < need:
            continue
        if accord is None:
            if grant.accord_id is None:
                return grant
        elif _covers(grant, accord.id, None if section is None else _section_chain(section)):
            return grant
    return None


def has_any_role_on(user, accord: Accord) -> bool:
    return any(g.accord_id in (None, accord.id) for g in _grants(user))


def sees_internal(user, accord: Accord) -> bool:
    """Whether the user sees the accord's internal record: status records awaiting review or
    rejected (with the reason), levels awaiting review, and the emails of who recorded,
    reviewed, flagged or published. True for users with any role on the accord (or over all
    accords); the public and users without a role there see verified records without authors.
    The one rule for pages, the API and downloads."""
    return has_any_role_on(user, accord)


def can_view(user, accord: Accord) -> bool:
    return accord.public or has_any_role_on(user, accord)


def can_edit(user, provision: Provision) -> bool:
    """Submit status updates for the provision (editors within their scope)."""
    return has_role(user, "editor", provision.accord, provision.section)


def can_edit_some(user, accord: Accord) -> bool:
    """Editor (or more) of the whole accord or of at least one of its sections."""
    need = ROLE_RANK["editor"]
    return any(ROLE_RANK[g.role] >= need and g.accord_id in (None, accord.id)
               for g in _grants(user))


def can_submit_somewhere(user) -> bool:
    """Editor (or more) of some accord or section: may submit status updates somewhere."""
    need = ROLE_RANK["editor"]
    return any(ROLE_RANK[g.role] >= need for g in _grants(user))


def has_submissions(user) -> bool:
    """Whether the user may submit somewhere or once submitted a status record (a former
    editor keeps the list of their submissions): the "My submissions" page is for them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_submit_somewhere(user):
        return True
    return bool(db.session.scalar(select(exists().where(
        StatusRecord.recorded_by_id == user.id))))


def can_review(user, accord: Accord) -> bool:
    """Review submissions, set priority flags, see pending figures: the accord's coordinators."""
    return has_role(user, "coordinator", accord, whole_accord=True)


def why_not_editing(user, accord: Accord, provision: Provision | None = None) -> str | None:
    """Why an editor (of something) is offered no update form here, in the reader's
    language: for the accord (the offline workbook) or, given one, the provision (the status
    form). None where the form is offered, and for people who edit nothing (viewers,
    visitors), to whom no form is owed."""
    if not can_submit_somewhere(user):
        return None
    if accord.kind != "monitored":
        return _("Reference accords are not updated here: their yearly codings come from the "
                 "reference set.")
    if provision is not None and can_edit(user, provision):
        return None
    if provision is None and can_edit_some(user, accord):
        return None
    mine = sorted({g.section.code for g in _grants(user) if g.section is not None
                   and g.accord_id == accord.id and ROLE_RANK[g.role] >= ROLE_RANK["editor"]})
    if mine:
        return _("You edit section %(sections)s of this accord; this provision is in another "
                 "section. Ask an administrator for a role on it.", sections=", ".join(mine))
    return _("You edit other accords: updates to this one are entered by its own editors. "
             "Ask an administrator for a role on it.")


def has_role_on(user, accord: Accord, minimum: str) -> bool:
    return has_role(user, minimum, accord, whole_accord=True)


def require(check: bool, message: str | None = None) -> None:
    """Stop with a 403 unless `check`: `message` (already in the reader's language) says why;
    without one, a general reason in the reader's language."""
    if not check:
        abort(403, description=message or _("You do not have permission to do this."))


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            from flask import current_app

            return current_app.login_manager.unauthorized()
        require(is_admin(current_user), _("Only administrators can do this."))
        return view(*args, **kwargs)
    return wrapped


def visible_accord_or_404(slug: str):
    """The accord `slug` as stored now (`queries.current_accord`); 404 unless the reader may
    see it."""
    return visible_or_404(queries.current_accord(slug), slug)


def visible_or_404(accord, slug: str):
    """`accord` (None: not found, looked up as `slug`) if the reader may see it, else 404."""
    if accord is None or not can_view(current_user, accord):
        abort(404, description=_("No accord %(slug)s here.", slug=repr(slug)))
    return accord
