"""Accord tracker: monitor how peace accords are implemented.

`create_app` builds the application; nothing runs at import time.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

__version__ = "0.1.0"

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MPLCONFIGDIR", str(Path(app.instance_path) / "matplotlib"))

    from .config import from_environment

    app.config.update(from_environment(app.instance_path))
    if config:
        app.config.update(config)

    _init_extensions(app)
    from . import inputs

    inputs.init_app(app)  # before the routes: it bounds their <int:...> values
    _register_blueprints(app)
    from . import summary
    from .dashboard import drawahead

    summary.listen()
    drawahead.init_app(app)

    from . import cli, compression, errors, formtokens, web
    from .ops import logging as request_logging

    compression.init_app(app)  # registered first, so it runs after every other after_request
    formtokens.init_app(app)  # tokens masked before compressing; unmasked before CSRF checks
    errors.init_app(app)
    web.init_app(app)
    inputs.init_checks(app)  # after web: refusals carry the request id
    request_logging.init_app(app)
    cli.init_app(app)
    _behind_proxies(app)
    from . import kept

    kept.init_app(app)  # the outermost layer: answers kept public reads before the app
    return app


def _behind_proxies(app: Flask) -> None:
    """Trust X-Forwarded-* from TRACKER_PROXIES proxies in front (0: served directly)."""
    proxies = int(os.environ.get("TRACKER_PROXIES", app.config.get("PROXIES", 0)) or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_prefix=proxies)


def _init_extensions(app: Flask) -> None:
    from .extensions import db, limit_writes_only, limiter, migrate

    db.init_app(app)
    limiter.init_app(app)
    limit_writes_only(app)
    if not app.config.get("REDIS_URL"):
        app.logger.warning("TRACKER_REDIS_URL is not set: rate-limit counters are kept in this "
                           "process only (fine for one process; set it for several instances)")
    from .events.search import outside_models

    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True,
                     include_object=outside_models)  # the search index is no model's
    from . import chartstore

    chartstore.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _postgresql_lock_wait(app)


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite set up once, where the engine is made, for every write path (web, workbook
    confirmation, review, command line, admin):

    - foreign keys on (SQLite ignores them otherwise), and recursive triggers on, so the
      DELETE half of a REPLACE meets the append-only triggers;
    - WAL, so readers never wait for a writer nor a writer for readers;
    - transactions begun by SQLAlchemy itself (pysqlite's own handling defers BEGIN and breaks
      SAVEPOINTs), and begun as writers (`BEGIN IMMEDIATE`) unless they serve a GET, HEAD or
      OPTIONS request: a deferred transaction that reads, then writes, cannot wait for the
      write lock (SQLite answers "database is locked" at once, whatever busy_timeout says),
      while one begun as a writer waits its turn for up to LOCK_WAIT_MS. A
      connection may ask for either with the execution option `sqlite_begin`.
    """
    from sqlalchemy import event

    from .extensions import db

    busy_ms = int(app.config.get("LOCK_WAIT_MS", 10000))
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA recursive_triggers=ON")
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except Exception:  # a read-only file keeps its mode; /readyz reports it, reads still work
            pass
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin") or _begin_mode()
        connection.exec_driver_sql(f"BEGIN {mode}")


def _postgresql_lock_wait(app: Flask) -> None:
    """PostgreSQL waits for a row lock forever by default: a write waits at most LOCK_WAIT_MS,
    then fails as "busy" (a 503 that keeps the input) instead of outliving the request."""
    from sqlalchemy import event

    from .extensions import db

    wait_ms = int(app.config.get("LOCK_WAIT_MS", 10000))
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {wait_ms}")
        dbapi_connection.commit()


def _begin_mode() -> str:
    """IMMEDIATE for transactions that may write: outside requests (commands), and in requests
    other than GET, HEAD and OPTIONS; DEFERRED (a reader) otherwise, and for the error page
    of a request whose write failed (`g.database_reads_only`)."""
    from flask import g, has_request_context, request

    if has_request_context() and (request.method in ("GET", "HEAD", "OPTIONS")
                                  or g.get("database_reads_only")):
        return "DEFERRED"
    return "IMMEDIATE"


def _register_blueprints(app: Flask) -> None:
    from .accords import bp as accords_bp
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .cutoffs.routes import bp as cutoffs_bp
    from .dashboard import bp as dashboard_bp
    from .events import downloads, entry, page, routes  # noqa: F401 (their routes on bp)
    from .events.blueprint import bp as events_bp
    from .provisions import bp as provisions_bp
    from .ops import bp as ops_bp
    from .reference.routes import bp as reference_admin_bp
    from .reports import bp as reports_bp
    from .review import bp as review_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(accords_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(provisions_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reference_admin_bp, url_prefix="/admin/reference-sets")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(cutoffs_bp)
    app.register_blueprint(events_bp)
