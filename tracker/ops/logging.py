"""One structured (JSON) log line per request: method, path, status, duration, request id,
user id. No query strings, form values, emails or other personal data."""
from __future__ import annotations

import json
import logging
import secrets
import time

from flask import Flask, g, request

logger = logging.getLogger("tracker.request")


def request_id(incoming: str | None) -> str:
    """The request's id: the X-Request-ID it came with when that is 1-64 printable
    characters (a proxy's), else 16 new random hex digits."""
    incoming = incoming or ""
    return incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else (
        secrets.token_hex(8))


def log_request(method: str, path: str, status: int, started: float | None,
                request_id: str | None, user_id: int | None, **more) -> None:
    """Write the request's line; `started`: its `time.perf_counter()` at the start (the
    duration is in ms); `more`: further fields (a kept answer says `kept=True`)."""
    logger.info(json.dumps({
        "method": method, "path": path, "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "request_id": request_id, "user_id": user_id, **more}))


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response):
    from flask_login import current_user

    user_id = current_user.id if getattr(current_user, "is_authenticated", False) else None
    log_request(request.method, request.path, response.status_code,
                g.get("request_started"), g.get("request_id"), user_id)
    return response


def init_app(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_log)
