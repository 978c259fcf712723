from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from flask_migrate import Config
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from . import bp, storage_check


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up (no database call)."""
    return jsonify({"status": "ok"})


def _expected_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return set(ScriptDirectory.from_config(config).get_heads())


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """The database answers, its schema is at the migrations' head and it can take writes
    (`storage_check`); 503 with the reason otherwise."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        reason = f"database unreachable: {type(exc).__name__}"
        return jsonify({"status": "unavailable", "reason": reason}), 503
    expected = _expected_heads()
    if current != expected:
        return jsonify({"status": "unavailable",
                        "reason": f"migrations not at head (database {sorted(current)}, "
                                  f"code {sorted(expected)}); run flask db upgrade"}), 503
    try:
        problem = storage_check.problem()
    except SQLAlchemyError as exc:
        problem = f"database unreachable: {type(exc).__name__}"
    if problem:
        return jsonify({"status": "unavailable", "reason": f"storage unavailable: {problem}"}), 503
    return jsonify({"status": "ready", "migration": sorted(current)})
