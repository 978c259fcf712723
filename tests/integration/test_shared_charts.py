"""One gunicorn instance of two workers on SQLite with the file chart store, as configured by
tracker/gunicorn_conf.py: the master warms before forking, and after a web write what
visitors recently asked of the dashboard (here its page and one chart) is drawn ahead into the
store, and nothing else; every worker then serves it (new charts, never the old ones). Ports:
free loopback ports; SQLite in a temporary folder."""
import re
import time
from pathlib import Path

import pytest

from .conftest import Browser, flask, instances

pytestmark = pytest.mark.slow
PASSWORD = "integration password"
SLUG = "colombia-2016-demo"
# What was asked before the write: the page's content and one chart (one language, one size);
# kept after the write: the page, the dashboard's figures (shared by every process), the
# chart's drawing (under the key of what it shows) and the pointer to it from its state key
DRAWN_PER_CHANGE = 4


def _charts(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() and p.parent.name != "locks"
            and "asked" not in p.relative_to(folder).parts and not p.name.startswith(".tmp-")}


@pytest.fixture(scope="module")
def server(tmp_path_factory, gunicorn):
    import os

    folder = tmp_path_factory.mktemp("shared-charts")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.db'}",
                "TRACKER_SECRET_KEY": "shared-secret",
                "TRACKER_CHART_STORE_DIR": str(folder / "charts"),
                "MPLCONFIGDIR": str(folder / "mpl")})
    flask("db", "upgrade", env=env)
    flask("seed", env=env)
    flask("users", "create", "coord@example.org", "--role", "coordinator", "--accord", SLUG,
          env={**env, "TRACKER_NEW_PASSWORD": PASSWORD})
    with instances(gunicorn, env, count=1, workers=2) as bases:
        yield bases[0], folder / "charts"


def test_a_write_draws_the_default_charts_ahead_for_every_worker(server):
    base, store = server
    client = Browser(base)
    chart = f"/accords/{SLUG}/charts/status.svg?as_of={time.strftime('%Y-%m-%d')}"
    before = client.request(chart)[2]
    assert client.request(f"/accords/{SLUG}/dashboard")[0] == 200  # asked: drawn ahead
    client.login("coord@example.org", PASSWORD)
    path = f"/accords/{SLUG}/provisions/1.1.1"
    page = client.request(path)[2].decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    held = _charts(store)
    status, _, _ = client.request(path + "/update", {
        "csrf_token": client.token(path), "level": "3", "effective_on": time.strftime("%Y-%m-%d"),
        "evidence_text": "Gazette", "version": version})
    assert status == 302
    deadline = time.monotonic() + 60
    while len(_charts(store) - held) < DRAWN_PER_CHANGE and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # nothing more comes
    drawn_ahead = _charts(store) - held
    assert len(drawn_ahead) == DRAWN_PER_CHANGE
    anonymous = Browser(base)
    answers = {anonymous.request(chart)[2] for _ in range(6)}  # both workers, surely
    assert answers and before not in answers and len(answers) == 1
    assert answers.pop() in {p.read_bytes() for p in drawn_ahead}
    assert _charts(store) - held == drawn_ahead  # served from the store, nothing drawn again
