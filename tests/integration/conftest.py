"""Integration tests run the app as separate processes (flask CLI, gunicorn) against real
servers. When a server they need is missing they skip locally and fail in CI."""
import os
import shutil
import socket
import subprocess
import sys
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
    from sqlalchemy import create_engine, text

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
