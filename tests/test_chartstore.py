"""The shared chart store: files (every process of a machine) and Redis (every instance);
one drawing per key across processes; bounded; and never a stale chart after a write."""
from __future__ import annotations

import multiprocessing
import os
import uuid
from pathlib import Path

import pytest

from status_helpers import submit_level
from tracker import chartstore
from tracker.cache import clear_process_caches

SLUG = "colombia-2016-demo"
CHART = f"/accords/{SLUG}/charts"
REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def _redis_store(prefix: str | None = None):
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # no server here: the Redis half is skipped, the file half still runs
        pytest.skip(f"no Redis at {REDIS_URL}")
    return chartstore.RedisStore(REDIS_URL, prefix or f"test:charts:{uuid.uuid4().hex}", 60, 5)


@pytest.fixture(params=["files", "redis"])
def store(request, tmp_path):
    if request.param == "files":
        yield chartstore.FileStore(tmp_path / "charts", 10 * 2**20, 5)
    else:
        made = _redis_store()
        yield made
        made.clear()


def test_put_get_and_clear(store):
    assert store.get("a") is None
    store.put("a", b"\x89PNG one")
    store.put("b", b"<svg/>")
    assert store.get("a") == b"\x89PNG one" and store.get("b") == b"<svg/>"
    store.put("a", b"\x89PNG two")  # a new value replaces the old one whole
    assert store.get("a") == b"\x89PNG two"
    assert store.clear() == 2
    assert store.get("a") is None


def test_get_or_draw_draws_once_then_serves_the_stored_bytes(store):
    drawn = []

    def draw():
        drawn.append(1)
        return b"chart"

    assert chartstore.get_or_draw("k", draw, store) == b"chart"
    assert chartstore.get_or_draw("k", draw, store) == b"chart"
    assert len(drawn) == 1


def test_file_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    store = chartstore.FileStore(tmp_path, 10 * 2**20, 5)
    for i in range(20):
        store.put(f"k{i}", os.urandom(1000))
    assert not [p for p in tmp_path.rglob(".tmp-*")]
    assert len(list(tmp_path.glob("??/*"))) == 20


def test_the_file_store_stays_under_its_bound_dropping_least_recently_used(tmp_path):
    store = chartstore.FileStore(tmp_path, 5000, 5)
    for i in range(4):
        store.put(f"k{i}", b"x" * 1000)
        os.utime(store._path(f"k{i}"), (1000 + i, 1000 + i))  # k0 the oldest
    assert store.get("k0") is not None  # read: now the most recently used
    for i in range(4, 8):
        store.put(f"k{i}", b"x" * 1000)
    assert store.size() <= 5000
    assert store.get("k0") is not None and store.get("k1") is None


def test_a_write_does_not_look_over_the_whole_folder(tmp_path, monkeypatch):
    """Each write listed and stat-ed every file of the store (thousands after a day): now a
    process looks once it has written a 32nd of the bound, and the bound still holds, give
    or take that much."""
    store = chartstore.FileStore(tmp_path, 32_000, 5)
    looks = []
    listing = store._files
    monkeypatch.setattr(store, "_files", lambda: looks.append(1) or listing())
    for i in range(100):
        store.put(f"k{i}", b"x" * 100)
    assert 1 <= len(looks) <= 12  # 10,000 bytes written, a look per 1,000
    for i in range(100, 200):
        store.put(f"k{i}", b"x" * 1000)
    assert store.size() <= 32_000 + 1000 + 1000


def _draw_in_child(folder: str, key: str, counter: str, queue) -> None:
    """A second process drawing the same key: each drawing appends a line to `counter`."""
    import time

    store = chartstore.FileStore(Path(folder), 10 * 2**20, 10)

    def draw():
        with open(counter, "a") as out:
            out.write("drawn\n")
        time.sleep(0.5)  # long enough for the other process to ask meanwhile
        return b"the chart"

    queue.put(chartstore.get_or_draw(key, draw, store))


def test_one_process_draws_while_the_others_wait(tmp_path):
    counter = tmp_path / "drawings.txt"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_draw_in_child,
                                args=(str(tmp_path / "store"), "same", str(counter), queue))
                for _ in range(3)]
    for child in children:
        child.start()
    results = [queue.get(timeout=30) for _ in children]
    for child in children:
        child.join(timeout=30)
    assert results == [b"the chart"] * 3
    assert counter.read_text().count("drawn") == 1


def test_a_store_that_fails_never_fails_the_chart(tmp_path, monkeypatch):
    store = chartstore.FileStore(tmp_path, 10 * 2**20, 5)

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "put", disk_full)
    assert chartstore.get_or_draw("k", lambda: b"drawn anyway", store) == b"drawn anyway"


def test_two_databases_on_one_redis_never_share_charts(app):
    _redis_store()
    first = chartstore.RedisStore(REDIS_URL, "test:charts:db-a", 60, 5)
    second = chartstore.RedisStore(REDIS_URL, "test:charts:db-b", 60, 5)
    try:
        first.put("same key", b"a")
        assert second.get("same key") is None
    finally:
        first.clear()
        second.clear()


# --- through the app ---------------------------------------------------------------------------

def _submit(demo, code: str, level: int) -> None:
    submit_level(demo, code, level)


def test_a_chart_is_kept_in_the_shared_store_for_other_processes(app, client):
    url = f"{CHART}/status.svg"
    first = client.get(url)
    assert first.status_code == 200
    clear_process_caches()  # another worker: nothing of this process's caches

    from tracker import charts

    def refuse(*_args, **_kwargs):
        raise AssertionError("drawn again although another process drew it")

    original = charts.status_area
    charts.status_area = refuse
    try:
        again = client.get(url)
    finally:
        charts.status_area = original
    assert again.status_code == 200 and again.data == first.data


@pytest.mark.parametrize("name", ["status", "groups", "tags"])
def test_after_a_write_through_another_worker_no_chart_is_stale(app, client, demo, name):
    """This process (worker B) holds the chart in its caches and in the shared store; a write
    through worker A (here: the service layer, which touches no cache) must make B serve the
    new chart, equal to one drawn from scratch."""
    url = f"{CHART}/{name}.svg"
    before = client.get(url).data
    for code in ("1.1.1", "1.1.2", "1.1.3", "1.2.1"):
        _submit(demo, code, 3)
    after = client.get(url)
    assert after.status_code == 200 and after.data != before
    clear_process_caches()
    app.extensions["chartstore"].clear()
    assert client.get(url).data == after.data  # drawn from scratch: the same chart


def test_the_dashboard_figures_follow_a_write_through_another_worker(client, demo):
    page = f"/accords/{SLUG}/dashboard"
    api = f"/api/v1/accords/{SLUG}/summary"
    client.get(page)
    before = client.get(api).get_json()
    _submit(demo, "1.1.1", 3)
    _submit(demo, "1.1.2", 3)
    after = client.get(api).get_json()
    assert after["counts"] != before["counts"] or after["score"] != before["score"]
    clear_process_caches()
    assert client.get(api).get_json() == after


def test_an_api_answer_is_computed_once_for_every_process_and_follows_a_write(app, client,
                                                                             demo, monkeypatch):
    """Another worker (its process caches empty) takes the answer from the shared store
    rather than computing the figures again; after a write it gets the new answer, equal to
    one computed from scratch."""
    from tracker.figures import AccordFigures

    api = f"/api/v1/accords/{SLUG}/timeline?freq=month"
    before = client.get(api)
    assert before.status_code == 200
    clear_process_caches()  # another worker
    with monkeypatch.context() as patched:
        patched.setattr(AccordFigures, "timeline", lambda *a, **k: pytest.fail("computed"))
        assert client.get(api).data == before.data
    _submit(demo, "1.1.1", 3)
    _submit(demo, "1.1.2", 0)
    clear_process_caches()
    after = client.get(api)
    assert after.status_code == 200 and after.data != before.data
    clear_process_caches()
    app.extensions["chartstore"].clear()
    assert client.get(api).data == after.data  # computed from scratch: the same answer


def test_a_restore_forgets_every_drawn_chart(app, client):
    """Restored accords may repeat ids and revisions of the database they replace."""
    from tracker import backup

    assert client.get(f"{CHART}/status.svg").status_code == 200
    store = app.extensions["chartstore"]
    assert store.size() > 0
    backup._forget_drawn_charts()
    assert store.size() == 0


def test_an_anonymous_page_kept_whole_follows_a_write_through_another_worker(app, client,
                                                                              demo):
    page = f"/accords/{SLUG}/dashboard"
    first = client.get(page)
    etag = first.headers["ETag"]
    assert client.get(page, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(page).data == first.data  # kept
    _submit(demo, "1.1.1", 3)
    _submit(demo, "1.1.2", 3)
    assert client.get(page, headers={"If-None-Match": etag}).status_code == 200
    after = client.get(page)
    assert after.headers["ETag"] != etag and after.data != first.data
    clear_process_caches()
    app.extensions["chartstore"].clear()
    assert client.get(page).data == after.data  # rendered from scratch: the same page


def test_what_was_asked_is_kept_per_group_most_recent_first_and_forgotten_when_old(
        store, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(chartstore.time, "time", lambda: now[0])
    store.note_asked("7", "page en")
    now[0] += 1
    store.note_asked("7", "chart es")
    store.note_asked("8", "other accord")
    now[0] += 1
    if isinstance(store, chartstore.FileStore):  # a file's time is the clock's, not ours
        for path in store.folder.glob("asked/*/*"):
            os.utime(path, (now[0] - 1, now[0] - 1))
        os.utime(store._asked_folder("7") / chartstore._name("page en")[:32],
                 (now[0] - 2, now[0] - 2))
    assert store.asked("7", 60, 10) == ["chart es", "page en"]
    assert store.asked("7", 60, 1) == ["chart es"]
    assert store.asked("9", 60, 10) == []
    now[0] += 120
    assert store.asked("7", 60, 10) == []  # too old: forgotten
    now[0] -= 120
    assert store.asked("7", 600, 10) == [] and store.asked("8", 600, 10) == ["other accord"]
    store.clear()  # forgets what was asked with the charts
    assert store.asked("8", 600, 10) == []


def test_a_claimed_key_is_waited_for_then_read_never_drawn_twice(store):
    """The draw-ahead claims the charts it draws next: a request asking for one meanwhile
    (another thread or process) waits for that drawing and answers with it."""
    import threading

    assert chartstore.claim("k", store) and chartstore.claimed() == ["k"]
    drawn, answers = [], []

    def request():
        answers.append(chartstore.get_or_draw("k", lambda: drawn.append("request") or b"x",
                                              store))

    other = threading.Thread(target=request)
    other.start()
    other.join(0.3)
    assert other.is_alive() and not answers  # waiting for the claimed drawing
    assert chartstore.get_or_draw("k", lambda: drawn.append("ahead") or b"chart",
                                  store) == b"chart"  # the claimer does not wait for itself
    other.join(10)
    assert answers == [b"chart"] and drawn == ["ahead"]
    assert chartstore.claimed() == []  # drawn: let go


def test_a_claim_is_refused_for_a_stored_or_held_key_and_let_go_on_demand(store):
    import threading

    store.put("stored", b"chart")
    assert not chartstore.claim("stored", store)
    assert chartstore.claim("held", store)
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(chartstore.claim("held", store)))
    thread.start()
    thread.join(10)
    assert elsewhere == [False]
    chartstore.let_go()  # a drawing that stops early lets go what it did not draw
    assert chartstore.claimed() == []
    drawn = []
    thread = threading.Thread(target=lambda: drawn.append(
        chartstore.get_or_draw("held", lambda: b"drawn", store)))
    thread.start()
    thread.join(2)
    assert drawn == [b"drawn"]  # at once: nothing holds it any more
