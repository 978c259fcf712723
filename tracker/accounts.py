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


def create_user(email: str, password: str, *, role: str, org_name: str | None = None,
                accord_slug: str | None = None, name: str = "") -> User:
    """Create a user holding `role` (over everything, or over one accord) and commit."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    validate_password(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"a user with email {email} already exists")
    accord = None
    if accord_slug:
        accord = db.session.scalar(select(Accord).where(Accord.slug == accord_slug))
        if accord is None:
            raise AccountError(f"no accord with slug {accord_slug!r}")
    user = User(email=email, name=name, password_hash=hash_password(password),
                session_token=new_session_token(),
                organization=organization_named(org_name) if org_name else None)
    user.roles.append(RoleGrant(role=role, accord=accord))
    db.session.add(user)
    db.session.flush()
    audit("user.create", "user", user.id, accord_id=accord.id if accord else None,
          after={"email": email, "role": role, "accord": accord_slug, "organization": org_name})
    db.session.commit()
    return user
