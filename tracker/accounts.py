"""User accounts: password hashing, creation and role grants."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from .extensions import db
from .models import ROLES, Accord, Organization, RoleGrant, User
from .services import audit

MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account operation refused, with a reason fit to show."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_session_token() -> str:
    return secrets.token_hex(16)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def organization_named(name: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = Organization(name=name)
        db.session.add(org)
        audit("organization.create", "organization", None, after={"name": name})
    return org


def _scope(role: str, accord_slug: str | None, section_code: str | None):
    """The accord and section a role is scoped to, checked."""
    from .models import Section

    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    accord = section = None
    if accord_slug:
        accord = db.session.scalar(select(Accord).where(Accord.slug == accord_slug))
        if accord is None:
            raise AccountError(f"no accord with slug {accord_slug!r}")
    if section_code:
        if accord is None:
            raise AccountError("a section scope needs an accord")
        section = db.session.scalar(select(Section).where(Section.accord_id == accord.id,
                                                          Section.code == section_code))
        if section is None:
            raise AccountError(f"no section {section_code!r} in {accord_slug}")
    if role == "admin" and accord is not None:
        raise AccountError("administrators hold their role over everything")
    return accord, section


def create_user(email: str, password: str, *, role: str, org_name: str | None = None,
                accord_slug: str | None = None, section_code: str | None = None,
                name: str = "") -> User:
    """Create a user holding `role` (over everything, one accord or one of its sections)."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an email address")
    validate_password(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"a user with email {email} already exists")
    accord, section = _scope(role, accord_slug, section_code)
    user = User(email=email, name=name, password_hash=hash_password(password),
                session_token=new_session_token(),
                organization=organization_named(org_name) if org_name else None)
    user.roles.append(RoleGrant(role=role, accord=accord, section=section))
    db.session.add(user)
    db.session.flush()
    audit("user.create", "user", user.id, accord_id=accord.id if accord else None,
          after={"email": email, "role": role, "accord": accord_slug, "section": section_code,
                 "organization": org_name})
    db.session.commit()
    return user


def grant_role(email: str, role: str, *, accord_slug: str | None = None,
               section_code: str | None = None) -> RoleGrant:
    """Grant a role to an existing user, over everything, an accord or one of its sections."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise AccountError(f"no user with email {email}")
    accord, section = _scope(role, accord_slug, section_code)
    if any((g.role, g.accord_id, g.section_id) == (role, accord and accord.id,
                                                   section and section.id) for g in user.roles):
        raise AccountError("that role is already granted")
    grant = RoleGrant(user=user, role=role, accord=accord, section=section)
    db.session.add(grant)
    db.session.flush()
    audit("role.grant", "user", user.id, accord_id=accord.id if accord else None,
          after={"role": role, "accord": accord_slug, "section": section_code})
    db.session.commit()
    return grant
