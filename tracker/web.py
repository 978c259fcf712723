"""Per-request plumbing: request ids, security headers, language, template helpers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel

from . import i18n
from .i18n.rendering import render_context

# The formatters pages use as template filters, defined with the reader's language in
# `i18n.formatting`, and reachable here too (views and charts import them from `web`).
from .i18n.formatting import (SCORE_PLACES, SHARE_PLACES, day_of_year,  # noqa: F401
                              decimal_sign, fixed, isodate, local_date, local_datetime,
                              megabytes, number, percent, published_score, score_figure,
                              sentence, share_figure, signed, utc_moment)

#: No third-party origin anywhere; inline styles and scripts are not used.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

babel = Babel()


def select_locale() -> str:
    """The user's preference, else the session's choice, else the browser's language."""
    from flask import current_app
    from flask_login import current_user

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a command, a script: the default language
        return languages[0]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or languages[0]


def wants_json() -> bool:
    """Whether the current request is the JSON API's (its errors answer in JSON)."""
    return request.path.startswith("/api/")


def return_path() -> str:
    """Where to come back to after switching language or logging in: this page when it was
    a GET; after a form was posted, the page the form was on (a same-site referrer), else
    the form's own address when it is also a page, else the home page."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if answers_get(request.path):  # no referrer sent: the form's own page, if it has one
        return request.path
    return "/"


def answers_get(path: str) -> bool:
    """Whether `path` is also a page (a GET route), as a form's address often is."""
    from flask import current_app
    from werkzeug.exceptions import HTTPException

    try:
        current_app.url_map.bind(request.host).match(path, method="GET")
    except HTTPException:
        return False
    except Exception:  # a routing redirect, or anything else: not a plain page
        return False
    return True


def _unauthorized():
    """Not logged in (or the session ended): to the login page, then back. A form posted
    after the session ended cannot be replayed; the login page says so."""
    from flask import flash, redirect, url_for
    from flask_babel import gettext as _

    if wants_json():
        from flask import abort

        abort(401, description=_("Log in first."))
    if request.method != "GET":
        flash(_("Your session has ended. Log in, then send the form again: it was not "
                "recorded."), "error")
    return redirect(url_for("auth.login", next=return_path()))


def _start_request() -> None:
    from .ops.logging import request_id

    g.request_id = request_id(request.headers.get("X-Request-ID"))


def _secure_response(response):
    """Security headers on every answer; an answer to a logged-in user is personal (it names
    them, holds their form tokens, may show a private accord), so no cache keeps it unless
    the view chose its own caching."""
    from flask_login import current_user

    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers and getattr(current_user, "is_authenticated",
                                                           False):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def _load_user(token: str):
    from sqlalchemy import select

    from .extensions import db
    from .models import User

    return db.session.scalar(select(User).where(User.session_token == token, User.active))


def _template_globals() -> dict:
    from flask_babel import get_locale

    from . import __version__

    from . import permissions
    from .api.params import shown_boolean
    from .forms import EmptyForm

    return {"version": __version__, "current_locale": lambda: str(get_locale()),
            "perm": permissions, "empty_form": EmptyForm, "shown_boolean": shown_boolean}


#: Views that check CSRF through their own form, so a failed check re-renders the form with
#: the partner's input kept (instead of the generic 400 page).
CSRF_CHECKED_BY_FORM = {"provisions.update", "events.new"}
#: Views whose form takes a file attached to a source, so the attachment limit
#: (`MAX_ATTACHMENT_BYTES`) applies there besides the request's (`errors._too_large_post`).
ATTACHMENT_FORMS = {"events.new"}
#: Posts that check CSRF only for a logged-in user: anonymously they change nothing but the
#: visitor's own session (the language switch), and so the pages of anonymous visitors
#: carry no token and can be kept whole (`dashboard.routes`).
CSRF_FOR_ACCOUNTS_ONLY = {"auth.set_language"}


def _csrf_guard() -> None:
    from flask import current_app

    from .extensions import csrf

    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.routing_exception is not None:
        return  # no such address, or not for this method: its 404/405 (with Allow) answers
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or (
            request.endpoint in CSRF_CHECKED_BY_FORM):
        return
    if request.endpoint in CSRF_FOR_ACCOUNTS_ONLY:
        from flask_login import current_user

        if not current_user.is_authenticated:
            return
    csrf.protect()


def _csrf_error(exc):
    from flask import render_template
    from flask_babel import gettext as _

    return render_template(
        "error.html", status=400, title=_("Form expired or incomplete"),
        message=_("The form could not be accepted: it was open too long, or the session "
                  "ended. Go back, reload the page and submit again.")), 400


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from .extensions import csrf, login_manager
    from .forms import unkept_file

    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_csrf_guard)
    app.register_error_handler(CSRFError, _csrf_error)
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(isodate)
    app.add_template_filter(local_date, "date")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(utc_moment)
    app.add_template_filter(sentence)
    for formatter in (score_figure, share_figure, percent, signed, fixed, published_score,
                      megabytes):
        app.add_template_filter(formatter)
    app.context_processor(_template_globals)
    app.context_processor(render_context)  # the reader's language resolved once a page
    # Globals (not context) so imported macros see them too.
    for helper in (i18n.level_label, i18n.review_state, i18n.time_frame, i18n.translate,
                   i18n.tag_label, i18n.known_tags_text, i18n.stored_reason,
                   i18n.priority_reason, i18n.stored_word, i18n.provision_type_text,
                   i18n.country_name, i18n.local, i18n.audit_action,
                   i18n.audit_field, i18n.content_html, i18n.language_marker, i18n.point_title,
                   i18n.point_title_html, i18n.role_name, i18n.shown_texts, i18n.shown_html,
                   i18n.source_shown, i18n.language_badge, i18n.upload_state, i18n.source_format,
                   i18n.source_state,
                   return_path, number, percent, fixed, score_figure, share_figure, signed,
                   unkept_file):
        app.add_template_global(helper)
    app.before_request(_start_request)
    app.after_request(_secure_response)


def set_disposition(headers, kind: str, filename: str) -> None:
    """Set Content-Disposition (`kind`: "attachment" or "inline") for `filename`, as
    Werkzeug's `send_file(download_name=...)` does: an ASCII `filename` (quotes,
    backslashes and semicolons escaped inside the quoted value) and, for any other
    character, the UTF-8 name as RFC 5987 `filename*`. Never raises for any text."""
    import unicodedata
    from urllib.parse import quote

    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
        headers.set("Content-Disposition", kind, filename=simple,
                    **{"filename*": "UTF-8''" + quote(filename, safe="!#$&+^`|~")})
    else:
        headers.set("Content-Disposition", kind, filename=filename)


#: The media type of every CSV download; Werkzeug adds "; charset=utf-8" to text types.
CSV_MIMETYPE = "text/csv"


def send_download(data: bytes, filename: str, mimetype: str):
    """A file download (attachment named `filename`) of `data`, never kept by a cache: the
    figures and records in it can change with the next write."""
    import io

    from flask import send_file

    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
