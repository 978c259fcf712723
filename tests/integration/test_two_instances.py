"""Two app instances (gunicorn, two loopback ports) on one PostgreSQL and one Redis: nothing
may assume a single process."""
import json
import re
import time

import pytest

from .conftest import REDIS, flask, fresh_postgres_database, need, reachable
from .conftest import Browser as BaseBrowser
from .conftest import instances as _instances

pytestmark = pytest.mark.slow
PASSWORD = "integration password"
SLUG = "colombia-2016-demo"


class Browser(BaseBrowser):
    def login(self, email, password=PASSWORD):
        return super().login(email, password)


@pytest.fixture(scope="module")
def cluster_env(tmp_path_factory):
    need(reachable(5432), "PostgreSQL at 127.0.0.1:5432")
    need(reachable(6379), "Redis at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(f"{REDIS}/15").flushdb()
    url = fresh_postgres_database("tracker_cluster_test")
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": url, "TRACKER_REDIS_URL": f"{REDIS}/15",
                "TRACKER_SECRET_KEY": "shared-secret",
                "MPLCONFIGDIR": str(tmp_path_factory.mktemp("mpl"))})
    flask("db", "upgrade", env=env)
    flask("seed", env=env)
    for email, role in (("coord@example.org", "coordinator"), ("victim@example.org", "viewer")):
        flask("users", "create", email, "--role", role, "--accord", SLUG,
              env={**env, "TRACKER_NEW_PASSWORD": PASSWORD})
    return env


@pytest.fixture(scope="module")
def bases(cluster_env, gunicorn):
    with _instances(gunicorn, cluster_env) as found:
        yield found


def test_sessions_are_valid_on_every_instance(bases):
    client = Browser(bases[0])
    status, headers, _ = client.login("coord@example.org")
    assert status == 302
    client.base = bases[1]
    assert b"coord@example.org" in client.request("/")[2]


def test_a_change_through_one_is_seen_through_the_other(bases):
    one, two = Browser(bases[0]), Browser(bases[1])
    chart = f"/accords/{SLUG}/charts/status.png"
    etags = [b.request(chart)[1].get("ETag") for b in (one, two)]
    assert etags[0] and etags[0] == etags[1]
    summary = f"/api/v1/accords/{SLUG}/summary"
    before = json.loads(two.request(summary)[2])
    one.login("coord@example.org")
    path = f"/accords/{SLUG}/provisions/1.1.1"
    page = one.request(path)[2].decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    status, _, _ = one.request(path + "/update", {
        "csrf_token": one.token(path), "level": "3", "effective_on": time.strftime("%Y-%m-%d"),
        "evidence_text": "Gazette", "version": version})
    assert status == 302
    after = json.loads(two.request(summary)[2])
    assert after["counts"]["complete"] == before["counts"]["complete"] + (
        0 if before["counts"]["complete"] == after["counts"]["complete"] else 1)
    assert after != before
    new_etags = [b.request(chart)[1].get("ETag") for b in (one, two)]
    assert new_etags[0] == new_etags[1] != etags[0]


def test_login_throttling_counts_across_instances(bases):
    import redis

    redis.Redis.from_url(f"{REDIS}/15").flushdb()  # earlier tests logged in from this address
    clients = [Browser(bases[0]), Browser(bases[1])]
    statuses = []
    for attempt in range(24):
        client = clients[attempt % 2]
        # A new unknown email each time: one email is locked out after five failures, like
        # an account; this counts the per-address limit alone.
        statuses.append(client.login(f"nobody{attempt}@example.org", "wrong password")[0])
    assert statuses[:20] == [400] * 20  # 20 per minute per address, shared through Redis
    assert set(statuses[20:]) == {429}


def test_account_lockout_holds_on_every_instance(cluster_env, gunicorn):
    import redis

    redis.Redis.from_url(f"{REDIS}/15").flushdb()  # a fresh minute for the address limit
    with _instances(gunicorn, cluster_env) as fresh:
        clients = [Browser(fresh[0]), Browser(fresh[1])]
        for attempt in range(5):
            assert clients[attempt % 2].login("victim@example.org", "wrong password")[0] == 400
        assert clients[0].login("victim@example.org")[0] == 429
        assert clients[1].login("victim@example.org")[0] == 429


def test_readyz_is_503_when_the_database_is_unreachable(cluster_env, gunicorn):
    broken = {**cluster_env,
              "TRACKER_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"}
    with _instances(gunicorn, broken, count=1) as (base,):
        status, _, body = Browser(base).request("/readyz")
        assert status == 503 and b"database unreachable" in body
