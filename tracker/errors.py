"""Error pages: JSON under /api/, HTML elsewhere; the session is rolled back on a 500.

Database errors that have a meaning for the person waiting (see `storage`) are no 500s: a
busy database or storage that cannot take writes is a 503 and a concurrent change is a 409,
each saying that nothing was saved and keeping what was typed (the page repeats the posted
fields and offers to send them again).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Flask, Response, current_app, g, jsonify, make_response, redirect,
                   render_template, request)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect

from . import storage
from .extensions import db
from .web import ATTACHMENT_FORMS, answers_get, megabytes, wants_json


def _render(status: int, title: str, message: str, kept=None, back: str | None = None):
    """The error page (`back`: the address of the form to open again, if any), or JSON
    under /api/."""
    if wants_json():
        return jsonify({"error": title, "message": message, "status": status,
                        "request_id": g.get("request_id")}), status
    try:
        return render_template("error.html", status=status, title=title, message=message,
                               kept=kept, back=back), status
    except Exception:  # the page itself needed the database that just failed
        if status < 500:
            raise
        from flask import current_app

        current_app.logger.exception("error page not rendered (request %s)",
                                     g.get("request_id"))
        lines = [f"{status} {title}", "", message, ""]
        lines += [f"{name}: {value}" for name, value in (kept or {}).get("fields", [])]
        return Response("\n".join(lines) + "\n", mimetype="text/plain"), status


#: Posted fields never repeated back in a page.
SECRET_FIELDS = ("password", "current", "new", "confirm")


def kept_input() -> dict | None:
    """What the failed POST carried, to show and send again: {"fields": [(name, value)],
    "hidden": [(name, value)], "files": bool}; None for other methods."""
    if request.method != "POST":
        return None
    fields, hidden = [], []
    for name, value in request.form.items(multi=True):
        if name in SECRET_FIELDS or "password" in name or name == "csrf_token":
            continue  # the page writes a fresh form token
        (hidden if name in ("version", "next") else fields).append((name, value))
    return {"fields": fields, "hidden": hidden, "files": bool(request.files)}


def _titles() -> dict[int, str]:
    from flask_babel import gettext as _

    return {400: _("Bad request"), 401: _("Log in first"), 403: _("Not allowed"),
            404: _("Not found"), 405: _("Not available this way"), 409: _("Conflict"),
            413: _("File too large"), 429: _("Too many attempts"), 500: _("Server error"),
            503: _("Unavailable")}


def _too_large_post() -> tuple[str, str | None]:
    """The 413 message for a POST over the request limit (its body was never read, so
    nothing of it can be kept), with the limits that apply to the form in MB (the request's;
    the attachment's too on a form taking a source's file, `web.ATTACHMENT_FORMS`); and the
    address to open the form again: the same path when it answers a GET (None otherwise)."""
    from flask import current_app
    from flask_babel import gettext as _


    config = current_app.config
    whole = _megabytes_limit()
    if request.endpoint in ATTACHMENT_FORMS:
        message = _("Nothing was saved, and what was typed was not kept: what was sent is "
                    "larger than this server accepts (%(request)s at most for a whole form, "
                    "files included; %(attachment)s at most for a file attached to a "
                    "source). Open the form again, fill it in and choose a smaller file.",
                    request=whole,
                    attachment=megabytes(config.get("MAX_ATTACHMENT_BYTES") or 0))
    else:
        message = _("Nothing was saved, and what was typed was not kept: what was sent is "
                    "larger than this server accepts (%(request)s at most for a whole form, "
                    "files included). Open the form again, fill it in and choose a smaller "
                    "file.", request=whole)
    if not answers_get(request.path):
        return message, None
    return message, request.script_root + request.path


def _megabytes_limit() -> str:
    """The request limit (MAX_CONTENT_LENGTH) in MB, as messages show sizes."""
    from flask import current_app


    return megabytes(current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _generic(code: int) -> str:
    """Werkzeug's stock description, in the reader's language."""
    from flask_babel import gettext as _

    return {404: _("There is nothing at this address. Check the link, or start from the list "
                   "of accords."),
            405: _("This address does not answer this kind of request. Go back to the page "
                   "you came from and use its links and buttons."),
            413: _("The file is larger than this server accepts (%(size)s at most).",
                   size=_megabytes_limit()),
            429: _("Too many attempts in a short time. Wait a minute and try again.")}.get(
        code, "")


def _page_of_form() -> str:
    """For a page opened at an address that only takes a form's submission (a bookmark, a
    shared link or a reload of a refused form's answer, "/provisions/6.1.1/update"): the
    nearest address above it that answers a GET, the page the form is on
    ("/provisions/6.1.1"); the site's root when none does."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    path = request.path.rstrip("/")
    while "/" in path.strip("/"):
        path = path.rsplit("/", 1)[0]
        try:
            adapter.match(path, method="GET")
        except RequestRedirect as moved:  # the page's own address ends with "/"
            return urlsplit(moved.new_url).path
        except HTTPException:  # none there, or only another method
            continue
        return request.script_root + path
    return request.script_root + "/"


def handle_http_error(exc: HTTPException):
    """The error page (or JSON under /api/) for an HTTP error, keeping the headers the error
    carries (`Allow` on a 405, `WWW-Authenticate`, `Retry-After`...). A page asked for at an
    address that only takes a form's submission is sent on to the page of the form (303)."""
    code = exc.code or 500
    if code == 405 and request.method in ("GET", "HEAD") and not wants_json():
        return redirect(_page_of_form(), 303)
    stock = type(exc).description  # the class's own text: ours are set per abort()
    message = exc.description
    if wants_json():  # an error's own text, else the reader's language's (never werkzeug's)
        body, status = _render(code, exc.name, message if message and message != stock
                               else _generic(code) or exc.name)
    elif code == 413 and request.method == "POST" and (not message or message == stock):
        message, back = _too_large_post()
        body, status = _render(code, _titles()[code], message, back=back)
    else:
        if not message or message == stock:
            message = _generic(code) or message or exc.name
        body, status = _render(code, _titles().get(code, exc.name), message)
    response = make_response(body, status)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(exc: Exception):
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    from flask import current_app

    current_app.logger.exception("unhandled error (request %s)", g.get("request_id"))
    error = InternalServerError()
    if wants_json():
        return _render(500, error.name, "Something went wrong on our side. Nothing was saved. "
                       f"Quote request {g.get('request_id', '-')} when reporting it.")
    from flask_babel import gettext as _

    return _render(500, _("Server error"), _(
        "Something went wrong on our side. Nothing was saved. Quote request %(id)s when "
        "reporting it.", id=g.get("request_id", "-")))


def _without_database() -> None:
    """Let the page render without waiting on the database again: the failed transaction is
    rolled back (a lost connection may refuse even that), later reads of this request begin
    as readers (SQLite: no second wait for the write lock), and a user not loaded yet (the
    failed read may have been that very load) is shown as anonymous."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        db.session.close()
    g.database_reads_only = True
    if "_login_user" not in g:
        from flask_login import AnonymousUserMixin

        g._login_user = AnonymousUserMixin()


def handle_unavailable(exc: storage.Unavailable):
    """503: busy past the wait, or storage that cannot take writes; the input is kept."""
    from flask import current_app
    from flask_babel import gettext as _

    _without_database()
    current_app.logger.warning("database unavailable (%s, request %s): %s", exc.kind,
                               g.get("request_id"), exc.detail)
    title = _("Busy, nothing was saved") if exc.kind == storage.BUSY else _(
        "Storage unavailable, nothing was saved")
    kept = kept_input()
    response, status = _render(503, title, _(exc.message(input_kept=kept is not None)), kept)
    response = current_app.make_response((response, status))
    response.headers["Retry-After"] = "2" if exc.kind == storage.BUSY else "60"
    return response


def handle_database_error(exc: Exception):
    """Database errors with a meaning for the user (busy, storage, a concurrent change of
    append-only history) get 503 or 409 with the input kept; any other is a 500."""
    found = storage.unavailable(exc)
    if found is not None:
        return handle_unavailable(found)
    if storage.classify(exc) == storage.APPEND_ONLY:
        from flask_babel import gettext as _

        _without_database()
        return _render(409, _("Conflict"), _(
            "Someone changed this record at the same moment. Nothing was saved; your input "
            "is kept below. Reload the page to see the current state."), kept_input())
    return handle_unexpected(exc)


def _writes_allowed_again() -> None:
    g.pop("database_reads_only", None)  # a new request may write (a test client reuses g)


def init_app(app: Flask) -> None:
    app.before_request(_writes_allowed_again)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(storage.Unavailable, handle_unavailable)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeout, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
