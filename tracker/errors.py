"""Error pages: JSON under /api/, HTML elsewhere; the session is rolled back on a 500."""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": title, "message": message, "status": status,
                        "request_id": g.get("request_id")}), status
    return render_template("error.html", status=status, title=title, message=message), status


def handle_http_error(exc: HTTPException):
    return _render(exc.code or 500, exc.name, exc.description or exc.name)


def handle_unexpected(exc: Exception):
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    from flask import current_app

    current_app.logger.exception("unhandled error (request %s)", g.get("request_id"))
    error = InternalServerError()
    return _render(500, error.name, "Something went wrong on our side. Nothing was saved. "
                   f"Quote request {g.get('request_id', '-')} when reporting it.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
