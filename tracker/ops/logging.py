"""One structured (JSON) log line per request: method, path, status, duration, request id,
user id. No query strings, form values, emails or other personal data."""
from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, request

logger = logging.getLogger("tracker.request")


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response):
    from flask_login import current_user

    started = g.get("request_started")
    user_id = current_user.id if getattr(current_user, "is_authenticated", False) else None
    logger.info(json.dumps({
        "method": request.method, "path": request.path, "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "request_id": g.get("request_id"), "user_id": user_id,
    }))
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
