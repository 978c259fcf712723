"""Real-browser fixtures: a live server on its own SQLite database, and headless Chromium.

The live server is a separate app (fresh database file in a temporary folder, migrated and
seeded once per session) served by werkzeug in a daemon thread on a free loopback port.

`_rollback` is overridden here: the one in tests/conftest.py swaps the process-wide
`db.session` for one bound to the test's connection, and the server's threads would then
share that connection (and its savepoints) with the test instead of using their own database.

Chromium is the system one (never downloaded): when it is missing the browser tests are
skipped, or fail when TRACKER_REQUIRE_BROWSER=1 (CI).
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True)
def _rollback():
    """No transaction to roll back: browser tests only read through the live server."""
    yield


@contextmanager
def _serving(folder: Path, secret: str, users=(), prepare=None):
    """Serve a fresh app on its own migrated and seeded SQLite database in `folder`, with
    `users` as (email, password, role, accord slug or None) and `prepare()` (if given) run in
    the app context after seeding; yields the base URL."""
    from werkzeug.serving import make_server

    from tracker import create_app, seed
    from tracker.accounts import create_user
    from tracker.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
                      "SECRET_KEY": secret, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed.run()
        for email, password, role, slug in users:
            create_user(email, password, role=role, accord_slug=slug)
        if prepare is not None:
            prepare()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def serve_seeded():
    """serve_seeded(folder, secret, users, prepare=None) -> context manager yielding a live
    server's URL (its own seeded database, `users` created and `prepare()` run first), for
    modules needing their own."""
    return _serving


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of a running server with the seeded data (its own database)."""
    with _serving(tmp_path_factory.mktemp("live"), "live-test-secret") as url:
        yield url


def _chromium() -> str | None:
    return next((path for path in CHROMIUM_PATHS if Path(path).exists()), None)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        message = f"Chromium not found at {' or '.join(CHROMIUM_PATHS)}"
        if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Folder for screenshots (TRACKER_SCREENSHOTS overrides the temporary one)."""
    chosen = os.environ.get("TRACKER_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")
