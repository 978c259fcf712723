from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from .. import accounts
from ..domain.text import control_character
from ..extensions import db, limiter
from ..forms import EmptyForm
from ..models import User, utcnow
from ..services import audit
from . import bp
from .forms import LoginForm, PasswordForm


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a partner to another host after logging in."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not any((c.isspace() and c != " ") or c == "\\" for c in target) \
            and control_character(target) is None and not urlsplit(target).netloc:
        return target  # no line breaks (header injection) nor "/\\host" (another site)
    return url_for("accords.index")


def _locked(user: User | None, email: str) -> bool:
    if user is None:
        return accounts.unknown_email_locked(email, current_app.config["LOGIN_LOCKOUT_SECONDS"])
    return user.locked_until is not None and user.locked_until > utcnow()


def _record_failure(user: User | None, email: str) -> None:
    """Count a failed login in the database, so the lock-out holds across every instance;
    an email without an account is counted and locked out the same way."""
    attempts = current_app.config["LOGIN_ATTEMPTS"]
    seconds = current_app.config["LOGIN_LOCKOUT_SECONDS"]
    if user is None:
        accounts.record_unknown_failure(email, attempts, seconds)
        return
    user.failed_logins += 1
    if user.failed_logins >= attempts:
        user.locked_until = utcnow() + timedelta(seconds=seconds)
        user.failed_logins = 0
        audit("user.locked", "user", user.id, after={"until": user.locked_until.isoformat()})
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute; 200 per hour", methods=["POST"])
def login():
    """The login form. A wrong password, an unknown email and an inactive account get the
    same answer in the same time (one argon2 verification each), and are locked out alike
    after LOGIN_ATTEMPTS failures."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status
    email = form.email.data.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if _locked(user, email):
        abort(429, description=_("Too many failed attempts for this account. "
                                 "Try again in a few minutes."))
    if not accounts.login_password_ok(user, form.password.data):
        _record_failure(user, email)
        form.password.errors.append(_("Wrong email or password."))
        return render_template("auth/login.html", form=form), 400
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    login_user(user, remember=form.remember.data)
    session.permanent = False
    return redirect(_safe_next(form.next.data))


@bp.post("/logout")
def logout():
    """End the session: the user's session token is rotated, so a copy of this session's
    cookie or of its remember-me cookie no longer logs anyone in (other devices of the user
    are logged out too)."""
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.session_token = accounts.new_session_token()
            audit("user.logout", "user", current_user.id)
            db.session.commit()
        logout_user()
    return redirect(url_for("accords.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not accounts.check_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        elif form.new.data == form.current.data:
            form.new.errors.append(_("The new password is the current one: choose a "
                                     "different password."))
        else:
            current_user.password_hash = accounts.hash_password(form.new.data)
            current_user.session_token = accounts.new_session_token()  # logs out elsewhere
            audit("user.password", "user", current_user.id)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Your password was changed. Other sessions were logged out."))
            return redirect(url_for("accords.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the interface language; kept on the account when logged in. Only then is a
    form token asked for (`web.CSRF_FOR_ACCOUNTS_ONLY`): an anonymous visitor's switch
    changes nothing but that visitor's own choice of language, and pages for anonymous
    visitors then hold no token, so they are the same for everyone and kept whole."""
    form = EmptyForm() if current_user.is_authenticated else EmptyForm(meta={"csrf": False})
    if code not in current_app.config["LANGUAGES"] or not form.validate_on_submit():
        abort(400, description=_("Unknown language."))
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
