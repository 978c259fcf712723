"""Settings, read from the environment (prefix TRACKER_) when the app is created."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_UPLOAD_LIMIT = 8 * 1024 * 1024
DEFAULT_ATTACHMENT_LIMIT = 5 * 1024 * 1024
#: Interface languages (a catalogue in tracker/translations for each but English).
LANGUAGES = ("en", "es")


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """TRACKER_SECRET_KEY, else a key kept in instance/ so sessions survive a restart.

    Several instances must share TRACKER_SECRET_KEY; the file is a convenience for one machine.
    """
    key = os.environ.get("TRACKER_SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _words(value: str) -> tuple[str, ...]:
    """'png, svg' -> ("png", "svg")."""
    return tuple(word.strip() for word in value.split(",") if word.strip())


def from_environment(instance_path: str) -> dict:
    """Every setting the app reads, as a dict for app.config.update()."""
    instance = Path(instance_path)
    database_url = os.environ.get("TRACKER_DATABASE_URL") or (
        f"sqlite:///{instance / 'tracker.db'}"
    )
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # How long a write waits for another writer's lock before the answer is a 503 "busy"
        # (SQLite's busy_timeout: writes take the lock when they begin, so the wait always
        # applies; PostgreSQL's lock_timeout). Well under the server's request timeout.
        "LOCK_WAIT_MS": int(os.environ.get("TRACKER_LOCK_WAIT_MS", 10000)),
        # /readyz reports storage unavailable below this much free space beside a SQLite file.
        "MIN_FREE_DISK_MB": int(os.environ.get("TRACKER_MIN_FREE_DISK_MB", 16)),
        "REDIS_URL": os.environ.get("TRACKER_REDIS_URL") or None,
        "RATELIMIT_STORAGE_URI": os.environ.get("TRACKER_REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_ATTEMPTS": int(os.environ.get("TRACKER_LOGIN_ATTEMPTS", 5)),
        "LOGIN_LOCKOUT_SECONDS": int(os.environ.get("TRACKER_LOGIN_LOCKOUT_SECONDS", 900)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("TRACKER_MAX_UPLOAD_BYTES", DEFAULT_UPLOAD_LIMIT)),
        # A source's attached file (kept in the database): larger ones are refused with 413.
        "MAX_ATTACHMENT_BYTES": int(os.environ.get("TRACKER_MAX_ATTACHMENT_BYTES",
                                                   DEFAULT_ATTACHMENT_LIMIT)),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("TRACKER_SECURE_COOKIES")),
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("TRACKER_SECURE_COOKIES")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TRACKER_TIMEZONE") or "UTC",
        "LANGUAGES": LANGUAGES,
        "PAGE_SIZE": 50,
        "COMPRESS_RESPONSES": _bool(os.environ.get("TRACKER_COMPRESS", "1")),
        # Drawn charts shared by every process: a folder (default <instance>/charts; Redis
        # instead when TRACKER_REDIS_URL is set), its bound in MB, how long a process waits
        # for another drawing the same chart (seconds), and the Redis entries' lifetime.
        "CHART_STORE_DIR": os.environ.get("TRACKER_CHART_STORE_DIR") or None,
        "CHART_STORE_MB": float(os.environ.get("TRACKER_CHART_STORE_MB", 256)),
        "CHART_STORE_WAIT": float(os.environ.get("TRACKER_CHART_STORE_WAIT", 10)),
        "CHART_STORE_TTL": int(os.environ.get("TRACKER_CHART_STORE_TTL", 7 * 24 * 3600)),
        # Draw a dashboard's asked-for charts in the background after a write: "thread" under a
        # long-running server (tracker/gunicorn_conf.py sets it), "off" otherwise.
        "CHART_DRAW_AHEAD": os.environ.get("TRACKER_CHART_DRAW_AHEAD") or "off",
        # What is drawn ahead: the variants asked for in the last minutes (at most MAX per
        # accord); one drawing per accord at most every COALESCE seconds.
        "CHART_DRAW_AHEAD_RECENT_MINUTES": float(
            os.environ.get("TRACKER_CHART_DRAW_AHEAD_RECENT_MINUTES", 30)),
        "CHART_DRAW_AHEAD_MAX": int(os.environ.get("TRACKER_CHART_DRAW_AHEAD_MAX", 48)),
        "CHART_DRAW_AHEAD_COALESCE_SECONDS": float(
            os.environ.get("TRACKER_CHART_DRAW_AHEAD_COALESCE_SECONDS", 1)),
        "CHART_DRAW_AHEAD_FORMATS": _words(os.environ.get("TRACKER_CHART_DRAW_AHEAD_FORMATS")
                                           or "svg"),
        # Public reads kept per process and answered without the app until the next write
        # (tracker/kept.py): how many (0: none), their longest life in seconds, their bound in MB.
        "KEPT_ANSWERS": int(os.environ.get("TRACKER_KEPT_ANSWERS", 512)),
        "KEPT_ANSWER_SECONDS": float(os.environ.get("TRACKER_KEPT_ANSWER_SECONDS", 10)),
        "KEPT_ANSWER_MB": float(os.environ.get("TRACKER_KEPT_ANSWER_MB", 64)),
        # Label of the reference set comparisons use by default (else the one flagged default)
        "REFERENCE_SET": os.environ.get("TRACKER_REFERENCE_SET") or None,
    }
