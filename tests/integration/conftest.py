"""Integration tests run the app as separate processes (flask CLI, gunicorn) against real
servers. When a server they need is missing they skip locally and fail in CI."""
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"


def required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("TRACKER_REQUIRE_SERVERS") == "1"


def need(condition: bool, what: str) -> None:
    if not condition:
        (pytest.fail if required() else pytest.skip)(f"{what} is not available")


def reachable(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(*args, env, check=True, **kwargs):
    return subprocess.run([str(BIN / "flask"), "--app", "tracker", *args], env=env, cwd=ROOT,
                          check=check, capture_output=True, text=True, **kwargs)


def fresh_postgres_database(name: str) -> str:
    """The URL of an empty PostgreSQL database called `name`. With
    TRACKER_INTEGRATION_POSTGRES_URL set, that one database is used instead (its public
    schema emptied): for a server shared with other runs."""
    from sqlalchemy import create_engine, text

    shared = os.environ.get("TRACKER_INTEGRATION_POSTGRES_URL")
    if shared:
        engine = create_engine(shared)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return shared
    engine = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{POSTGRES}/{name}"


@pytest.fixture
def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_SECRET_KEY": "integration-secret", "PYTHONUNBUFFERED": "1",
                "MPLCONFIGDIR": str(tmp_path / "mpl"), "FLASK_APP": "tracker"})
    return env


@pytest.fixture(scope="session")
def gunicorn():
    path = shutil.which("gunicorn", path=str(BIN))
    need(path is not None, "gunicorn (the deploy extra)")
    return path


class Browser:
    """A cookie-keeping HTTP client that reads CSRF tokens from forms."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path, data=None, headers=None, body=None):
        """(status, headers, body bytes); `data` is sent form-encoded, `body` as given."""
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def token(self, path) -> str:
        _, _, page = self.request(path)
        found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(rb'type="hidden" name="csrf_token" value="([^"]+)"', page)
        return found.group(1).decode()

    def login(self, email, password):
        return self.request("/login", {"csrf_token": self.token("/login"), "email": email,
                                       "password": password})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_ready(base, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@contextmanager
def instances(gunicorn, env, count=2, workers=2):
    """`count` gunicorn instances of the app (each with `workers` workers) on loopback
    ports: yields their base URLs; stops them on exit."""
    processes, bases = [], []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [gunicorn, "-c", "python:tracker.gunicorn_conf", "tracker:create_app()"],
                env={**env, "TRACKER_BIND": f"127.0.0.1:{port}",
                     "TRACKER_WORKERS": str(workers)},
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            processes.append(process)
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes):
            wait_ready(base, process)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
            process.stderr.close()
