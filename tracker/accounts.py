"""User accounts: password hashing, creation and role grants."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from .domain.messages import Message, N_
from .domain.resubmit import repeats
from .extensions import db
from .models import ROLES, Accord, AuditEvent, Organization, RoleGrant, User, utcnow
from .models.base import ROLE_WORDS
from .permissions import covering_grant
from .services import audit
from .services.transaction import acting_user

MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account operation refused, with a reason fit to show: `reason` is a `Message` (or
    an N_-marked string); str() gives the English text (command line), and the web layer
    shows it in the reader's language (`tracker.i18n.translate(exc.reason)`)."""

    def __init__(self, reason: Message | str):
        super().__init__(str(reason))
        self.reason = reason


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash no password matches, made with the hasher's own parameters (once per process)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_hex(32))
    return _dummy_hash


def _dummy_verify(password: str) -> None:
    """The work of one real verification against a hash no password matches."""
    try:
        _hasher.verify(_dummy(), password)
    except (VerificationError, InvalidHashError):
        pass


def login_password_ok(user: User | None, password: str) -> bool:
    """Whether `password` logs `user` in (an active account whose password it is). Costs one
    argon2 verification whatever the case, unknown email and inactive account included, so
    the time taken does not tell which emails have accounts."""
    _dummy()  # made on the first attempt, whoever makes it, so no answer is slower for it
    if user is None:
        _dummy_verify(password)
        return False
    return check_password(user, password) and bool(user.active)


#: Audit actions that count failed logins for emails without an account, so they are
#: throttled and locked out exactly like accounts (no account is created for them).
UNKNOWN_FAILURE = "login.failure"
UNKNOWN_LOCK = "login.locked"


def _unknown_lock(email: str) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == UNKNOWN_LOCK, AuditEvent.actor == email,
                                 AuditEvent.user_id.is_(None))
        .order_by(AuditEvent.id.desc()).limit(1))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def unknown_email_locked(email: str, lockout_seconds: int) -> bool:
    """Whether an email without an account is locked out now (as an account would be after
    the same failures)."""
    lock = _unknown_lock(email)
    return lock is not None and _aware(lock.at) + timedelta(seconds=lockout_seconds) > utcnow()


def record_unknown_failure(email: str, attempts: int, lockout_seconds: int) -> None:
    """Count a failed login for an email without an account, in the audit log (shared by
    every instance); the `attempts`-th failure since the last lock-out locks it for
    `lockout_seconds`. Commits."""
    lock = _unknown_lock(email)
    since = lock.id if lock is not None else 0
    failures = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == UNKNOWN_FAILURE, AuditEvent.actor == email,
        AuditEvent.user_id.is_(None), AuditEvent.id > since)) or 0
    db.session.add(AuditEvent(actor=email, action=UNKNOWN_FAILURE, object_type="login"))
    if failures + 1 >= attempts:
        db.session.add(AuditEvent(actor=email, action=UNKNOWN_LOCK, object_type="login",
                                  after={"seconds": lockout_seconds}))
    db.session.commit()


def new_session_token() -> str:
    return secrets.token_hex(16)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(Message(N_("the password must have at least %(count)s characters"),
                                   count=MIN_PASSWORD_LENGTH))


def registered_organization(name: str) -> Organization | None:
    """The organization already registered under `name`, case and runs of spaces aside
    ("fundación paz y territorio " is "Fundación Paz y Territorio"); None when there is none."""
    wanted = " ".join(name.split()).casefold()
    return next((org for org in db.session.scalars(select(Organization))
                 if " ".join(org.name.split()).casefold() == wanted), None)


def organization_named(name: str) -> Organization:
    """The organization registered under `name` (`registered_organization`), else a new one
    under `name` with its runs of spaces made one."""
    org = registered_organization(name)
    if org is None:
        name = " ".join(name.split())
        org = Organization(name=name)
        db.session.add(org)
        audit("organization.create", "organization", None, after={"name": name})
    return org


def _scope(role: str, accord_slug: str | None, section_code: str | None):
    """The accord and section a role is scoped to, checked."""
    from .models import Section

    if role not in ROLES:
        raise AccountError(Message(N_("unknown role %(role)s"), role=repr(role)))
    accord = section = None
    if accord_slug:
        accord = db.session.scalar(select(Accord).where(Accord.slug == accord_slug))
        if accord is None:
            raise AccountError(Message(N_("no accord with slug %(slug)s"),
                                           slug=repr(accord_slug)))
    if section_code:
        if accord is None:
            raise AccountError(N_("a section scope needs an accord"))
        section = db.session.scalar(select(Section).where(Section.accord_id == accord.id,
                                                          Section.code == section_code))
        if section is None:
            raise AccountError(Message(N_("no section %(code)s in %(accord)s"),
                                           code=repr(section_code), accord=accord_slug))
    if role == "admin" and accord is not None:
        raise AccountError(N_("administrators hold their role over everything"))
    return accord, section


def email_problem(email: str) -> Message | None:
    """Why a new account cannot have `email` (not an email address; an account has it
    already, case aside), or None: the one check of `create_user`, also run by the account
    form's validation so every field's error shows at once."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        return Message(N_("%(email)s is not an email address"), email=repr(email))
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return Message(EMAIL_TAKEN, email=email)
    return None


#: Why a new account cannot have an e-mail another account has: a conflict with stored
#: data (the web answers 409), where every other reason is bad input (400).
EMAIL_TAKEN = N_("a user with email %(email)s already exists")


def email_taken(problem: Message | str | None) -> bool:
    """Whether `problem` (from `email_problem` or an `AccountError`) is `EMAIL_TAKEN`."""
    return isinstance(problem, Message) and problem.text == EMAIL_TAKEN


def revoke_problem(grant, actor_id: int | None) -> Message | None:
    """Why role grant `grant` (a RoleGrant) may not be revoked by the user `actor_id`, or
    None: an administrator's own administrator role, and the last administrator role, stay
    (the accounts page offers no revoke for them; the revoke view refuses them with 409)."""
    if grant.role != "admin" or grant.accord_id is not None:
        return None
    if grant.user_id == actor_id:
        return Message(N_("You cannot remove your own administrator role; another "
                          "administrator can."))
    others = db.session.scalar(select(func.count(RoleGrant.id)).where(
        RoleGrant.role == "admin", RoleGrant.accord_id.is_(None), RoleGrant.id != grant.id))
    if not others:
        return Message(N_("This is the last administrator: grant the role to someone else "
                          "first."))
    return None


def create_user(email: str, password: str, *, role: str, org_name: str | None = None,
                accord_slug: str | None = None, section_code: str | None = None,
                name: str = "") -> User:
    """Create a user holding `role` (over everything, one accord or one of its sections)."""
    email = email.strip().lower()
    problem = email_problem(email)
    if problem is not None:
        raise AccountError(problem)
    validate_password(password)
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


def grant_role_once(email: str, role: str, *, accord_slug: str | None = None,
                    section_code: str | None = None) -> tuple[RoleGrant, bool]:
    """(the grant, whether it was made now): `grant_role`, unless this administrator
    granted this very role within the window (`domain.resubmit.repeats`: the form sent
    again from a reloaded page); that grant is then given, nothing written. A role held
    otherwise raises AccountError (a conflict, HTTP 409)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    accord, section = _scope(role, accord_slug, section_code) if user else (None, None)
    held = next((g for g in (user.roles if user else ()) if (g.role, g.accord_id, g.section_id)
                 == (role, accord and accord.id, section and section.id)), None)
    if held is not None:
        scope = {"role": role, "accord": accord_slug or None, "section": section_code or None}
        granted = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "role.grant",
                                     AuditEvent.object_type == "user",
                                     AuditEvent.object_id == user.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
        if granted is not None and repeats(
                scope, {k: (granted.after or {}).get(k) or None for k in scope},
                same_author=granted.actor == acting_user()[1], earlier_at=held.granted_at,
                now=utcnow()):
            return held, False
    return grant_role(email, role, accord_slug=accord_slug, section_code=section_code), True


def grant_role(email: str, role: str, *, accord_slug: str | None = None,
               section_code: str | None = None) -> RoleGrant:
    """Grant a role to an existing user, over everything, an accord or one of its sections."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise AccountError(Message(N_("no user with email %(email)s"), email=email))
    accord, section = _scope(role, accord_slug, section_code)
    if any((g.role, g.accord_id, g.section_id) == (role, accord and accord.id,
                                                   section and section.id) for g in user.roles):
        raise AccountError(N_("that role is already granted"))
    held = covering_grant(user.roles, role, accord, section)
    if held is not None:  # a weaker role beside it would add nothing, and hide the stronger
        raise AccountError(Message(N_(
            "%(email)s already holds the %(held)s role over %(scope)s, which includes this "
            "one: revoke it first to give a weaker role"), email=user.email,
            held=Message(ROLE_WORDS[held.role]), scope=held.section.code if held.section
            else (held.accord.slug if held.accord else Message(N_("every accord")))))
    grant = RoleGrant(user=user, role=role, accord=accord, section=section)
    db.session.add(grant)
    db.session.flush()
    audit("role.grant", "user", user.id, accord_id=accord.id if accord else None,
          after={"role": role, "accord": accord_slug, "section": section_code})
    db.session.commit()
    return grant
