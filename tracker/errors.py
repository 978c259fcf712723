"""Error pages: JSON under /api/, HTML elsewhere; the session is rolled back on a 500."""
from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": title, "message": message, "status": status,
                        "request_id": g.get("request_id")}), status
    return render_template("error.html", status=status, title=title, message=message), status


def _titles() -> dict[int, str]:
    from flask_babel import gettext as _

    return {400: _("Bad request"), 401: _("Log in first"), 403: _("Not allowed"),
            404: _("Not found"), 405: _("Not available this way"), 409: _("Conflict"),
            413: _("File too large"), 429: _("Too many attempts"), 500: _("Server error"),
            503: _("Unavailable")}


def _generic(code: int) -> str:
    """Werkzeug's stock description, in the reader's language."""
    from flask_babel import gettext as _

    return {404: _("There is nothing at this address. Check the link, or start from the list "
                   "of accords."),
            405: _("This address does not answer this kind of request. Go back to the page "
                   "you came from and use its links and buttons."),
            413: _("The file is larger than this server accepts."),
            429: _("Too many attempts in a short time. Wait a minute and try again.")}.get(
        code, "")


def handle_http_error(exc: HTTPException):
    """The error page (or JSON under /api/) for an HTTP error, keeping the headers the error
    carries (`Allow` on a 405, `WWW-Authenticate`, `Retry-After`...)."""
    code = exc.code or 500
    stock = type(exc).description  # the class's own text: ours are set per abort()
    message = exc.description
    if wants_json():
        body, status = _render(code, exc.name, message or exc.name)
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


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
