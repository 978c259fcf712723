"""Drawn charts shared by every process: drawn once per change, served by every worker.

A dashboard chart is stored under a key of what it shows (`dashboard.drawing.content_key`: its
data, translated labels, format, size and the app version) and found through a key derived
from database state only (the accord's revision, the reference set's version, the
parameters, the language, the format and the app version: see `dashboard.shared.etag_for`),
under which the store holds the content key. A write through any worker or instance makes
new state keys, so no process can serve a chart drawn before it; a chart whose data the write
left as it was keeps its content key, and is not drawn again. Two stores, the same
interface:

- `RedisStore` when `TRACKER_REDIS_URL` is set: every instance shares it; entries expire
  after `CHART_STORE_TTL` seconds (Redis's own memory policy bounds it further);
- `FileStore` otherwise: files under `<instance>/charts/`, shared by every process of one
  machine; written atomically (a temporary file, then a rename), bounded to
  `CHART_STORE_MB` megabytes (the least recently used files are removed first; each process
  looks over the folder once it has written a 32nd of the bound since it last looked, so the
  folder may pass its bound by that much per process, and a write does not list and stat
  thousands of files).

`get_or_draw(key, draw)` lets one process draw while the others asking for the same key wait
briefly (a lock per key: `fcntl.flock` on one of `LOCK_STRIPES` lock files, or a Redis
lock), then read what it stored; a process that waited longer than `CHART_STORE_WAIT`
seconds draws itself rather than fail. `claim(key)` marks a key this process is about to
draw (the draw-ahead claims the charts it draws next): a request in the same process waits
for that drawing instead of drawing it again beside it under the same interpreter lock,
while other processes draw what they are asked for on their own core. Keys are namespaced by
the database URL, so two databases sharing a Redis never see each other's charts.

Each store also keeps, per group (an accord), which items (variants of its dashboard) were
asked for and when (`note_asked`, `asked`): the draw-ahead redraws only those
(`dashboard.asked`). `clear()` forgets them with the charts.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from flask import Flask, current_app

log = logging.getLogger(__name__)

#: Lock files per store: a request waits only for a drawing of its own key, or of another
#: key on the same stripe (about 30 keys are drawn ahead after a write: few share one).
LOCK_STRIPES = 1024
POLL_SECONDS = 0.02
#: Seconds Redis keeps a group's asked items after the last was noted.
ASKED_TTL = 24 * 3600


def _name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


#: A process looks over a file store's folder (and removes what passes its bound) once it
#: has written this share of the bound since it last looked.
EVICT_EVERY = 1 / 32


class FileStore:
    """Charts as files in `folder`, at most `max_bytes` in all, give or take a 32nd of it
    per process writing (`EVICT_EVERY`; least recently used removed first; a read refreshes
    a file's time)."""

    def __init__(self, folder: Path, max_bytes: int, wait: float):
        self.folder, self.max_bytes, self.wait = Path(folder), max_bytes, wait
        (self.folder / "locks").mkdir(parents=True, exist_ok=True)
        self._written = max_bytes  # bytes written since the folder was last looked over
        # (the first write looks)

    def _path(self, key: str) -> Path:
        name = _name(key)
        return self.folder / name[:2] / name

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except FileNotFoundError:
            pass
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)  # atomic: readers see the old file or the whole new one
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._written += len(data)
        if self._written >= self.max_bytes * EVICT_EVERY:
            self._written = 0
            self._evict()

    def _files(self) -> list[tuple[float, int, Path]]:
        found = []
        for path in self.folder.glob("??/*"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            found.append((stat.st_mtime, stat.st_size, path))
        return found

    def size(self) -> int:
        """Bytes held."""
        return sum(size for _t, size, _p in self._files())

    def _evict(self) -> None:
        files = self._files()
        total = sum(size for _t, size, _p in files)
        if total <= self.max_bytes:
            return
        for _time, size, path in sorted(files):
            path.unlink(missing_ok=True)
            total -= size
            if total <= self.max_bytes:
                break

    @contextmanager
    def lock(self, key: str) -> Iterator[bool]:
        """Hold the key's lock (True), or give up after `wait` seconds (False)."""
        stripe = int(_name(key)[:8], 16) % LOCK_STRIPES
        with open(self.folder / "locks" / f"{stripe}.lock", "a+b") as handle:
            deadline = time.monotonic() + self.wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(POLL_SECONDS)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _asked_folder(self, group: str) -> Path:
        return self.folder / "asked" / _name(group)[:32]

    def note_asked(self, group: str, item: str) -> None:
        """`item` of `group` was asked for now (the file's time is when)."""
        folder = self._asked_folder(group)
        path = folder / _name(item)[:32]
        try:
            os.utime(path)
            return
        except FileNotFoundError:
            pass
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(item)
        os.replace(temporary, path)

    def asked(self, group: str, seconds: float, limit: int) -> list[str]:
        """The items of `group` asked for in the last `seconds`, most recent first, at most
        `limit`; older ones are forgotten."""
        folder, since, found = self._asked_folder(group), time.time() - seconds, []
        if not folder.is_dir():
            return []
        for path in folder.iterdir():
            try:
                if path.name.startswith(".tmp-"):
                    continue
                when = path.stat().st_mtime
                if when < since:
                    path.unlink(missing_ok=True)
                    continue
                found.append((when, path.read_text(encoding="utf-8")))
            except FileNotFoundError:  # forgotten meanwhile by another process
                continue
        return [item for _when, item in sorted(found, reverse=True)[:limit]]

    def clear(self) -> int:
        """Remove every chart, and what was asked for; returns how many charts."""
        files = self._files()
        for _t, _s, path in files:
            path.unlink(missing_ok=True)
        for path in self.folder.glob("asked/*/*"):
            path.unlink(missing_ok=True)
        return len(files)


class RedisStore:
    """Charts in Redis under `prefix`, each kept `ttl` seconds."""

    def __init__(self, url: str, prefix: str, ttl: int, wait: float):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix, self.ttl, self.wait = prefix, ttl, wait
        self.asked_prefix = f"{prefix}/asked"  # outside `prefix:*`: charts are cleared apart

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{_name(key)}"

    def get(self, key: str) -> bytes | None:
        return self.client.get(self._key(key))

    def put(self, key: str, data: bytes) -> None:
        self.client.set(self._key(key), data, ex=self.ttl)

    @contextmanager
    def lock(self, key: str) -> Iterator[bool]:
        import redis

        lock = self.client.lock(self._key(key) + ":lock", timeout=max(30, self.wait * 3),
                                sleep=POLL_SECONDS, blocking_timeout=self.wait)
        held = lock.acquire()
        try:
            yield held
        finally:
            if held:
                try:
                    lock.release()
                except redis.exceptions.LockError:  # expired meanwhile: nothing to release
                    pass

    def note_asked(self, group: str, item: str) -> None:
        """`item` of `group` was asked for now (a hash per group: item -> time)."""
        key = f"{self.asked_prefix}:{_name(group)}"
        with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(key, item, repr(time.time()))
            pipe.expire(key, ASKED_TTL)
            pipe.execute()

    def asked(self, group: str, seconds: float, limit: int) -> list[str]:
        """The items of `group` asked for in the last `seconds`, most recent first, at most
        `limit`; older ones are forgotten."""
        key, since = f"{self.asked_prefix}:{_name(group)}", time.time() - seconds
        found, old = [], []
        for item, when in self.client.hgetall(key).items():
            try:
                moment = float(when)
            except ValueError:
                moment = 0.0
            (found if moment >= since else old).append((moment, item.decode()))
        if old:
            self.client.hdel(key, *[item for _m, item in old])
        return [item for _when, item in sorted(found, reverse=True)[:limit]]

    def clear(self) -> int:
        """Remove every chart, and what was asked for; returns how many charts."""
        names = list(self.client.scan_iter(match=f"{self.prefix}:*", count=500))
        if names:
            self.client.delete(*names)
        asked = list(self.client.scan_iter(match=f"{self.asked_prefix}:*", count=500))
        if asked:
            self.client.delete(*asked)
        return len(names)


def init_app(app: Flask) -> None:
    """Make the app's store (Redis when REDIS_URL is set, else files in the instance folder)."""
    wait = float(app.config.get("CHART_STORE_WAIT", 10))
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    namespace = hashlib.sha256(str(database).encode()).hexdigest()[:12]
    if app.config.get("REDIS_URL"):
        made = RedisStore(app.config["REDIS_URL"], f"tracker:charts:{namespace}",
                          int(app.config.get("CHART_STORE_TTL", 7 * 24 * 3600)), wait)
    else:
        folder = app.config.get("CHART_STORE_DIR") or Path(app.instance_path) / "charts"
        made = FileStore(Path(folder) / namespace,
                         int(float(app.config.get("CHART_STORE_MB", 256)) * 2**20), wait)
    app.extensions["chartstore"] = made


def store() -> FileStore | RedisStore:
    """The current app's chart store."""
    return current_app.extensions["chartstore"]


def read(key: str, shared: FileStore | RedisStore | None = None) -> bytes | None:
    """The bytes stored under `key` in `shared` (default: the app's store); None when there
    are none, or when the store fails (logged)."""
    try:
        return (shared if shared is not None else store()).get(key)
    except (OSError, *_redis_errors()) as exc:
        log.warning("chart store unavailable (%s): reading without it", exc)
        return None


def write(key: str, data: bytes, shared: FileStore | RedisStore | None = None) -> None:
    """Store `data` under `key` in `shared` (default: the app's store); a store that fails
    is logged, nothing more."""
    try:
        (shared if shared is not None else store()).put(key, data)
    except (OSError, *_redis_errors()) as exc:
        log.warning("chart store unavailable (%s): not kept", exc)


def get_or_draw(key: str, draw: Callable[[], bytes],
                shared: FileStore | RedisStore | None = None) -> bytes:
    """The bytes stored under `key` in `shared` (default: the app's store), drawn by
    `draw()` and stored if missing; while one process draws a key, others asking for it wait
    for its result, and a thread asking for a key another thread of this process claimed
    (`claim`) waits for that drawing first. A store that fails (Redis down, disk full) is
    logged and the chart is drawn here: never an error page."""
    shared = shared if shared is not None else store()
    mine = _CLAIMS.mine(key)
    try:
        if not mine:
            _CLAIMS.wait(key, shared.wait)
        found = shared.get(key)
        if found is not None:
            return found
        with shared.lock(key) as held:
            found = shared.get(key) if held else None
            if found is not None:
                return found
            drawn = draw()
            shared.put(key, drawn)
            return drawn
    except (OSError, *_redis_errors()) as exc:
        log.warning("chart store unavailable (%s): drawing without it", exc)
        return draw()
    finally:
        if mine:
            _CLAIMS.let_go([key])


class _Claims:
    """The keys threads of this process claimed (`claim`): key -> (the claiming thread's
    id, an event set when it is drawn or let go)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.held: dict[str, tuple[int, threading.Event]] = {}

    def take(self, key: str) -> bool:
        with self.lock:
            if key in self.held:
                return self.held[key][0] == threading.get_ident()
            self.held[key] = (threading.get_ident(), threading.Event())
            return True

    def mine(self, key: str) -> bool:
        with self.lock:
            found = self.held.get(key)
        return found is not None and found[0] == threading.get_ident()

    def wait(self, key: str, seconds: float) -> None:
        with self.lock:
            found = self.held.get(key)
        if found is not None:
            found[1].wait(seconds)

    def of_this_thread(self) -> list[str]:
        with self.lock:
            return [k for k, (owner, _e) in self.held.items() if owner == threading.get_ident()]

    def let_go(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                found = self.held.get(key)
                if found is not None and found[0] == threading.get_ident():
                    del self.held[key]
                    found[1].set()


_CLAIMS = _Claims()


def claim(key: str, shared: FileStore | RedisStore | None = None) -> bool:
    """Claim `key`, not yet stored, for this thread, ahead of drawing it (the draw-ahead
    claims the charts it will draw next): another thread of this process asking for it
    meanwhile waits for that drawing (`get_or_draw`, at most the store's wait) instead of
    drawing it too beside it under the same interpreter lock. Other processes do not wait
    for a claim: they draw on their own core (and one drawing a key makes the claimer wait
    for it through the store's lock). False when the key is stored already, claimed by
    another thread, or the store fails. The claim is let go when this thread draws the key
    (`get_or_draw`) or calls `let_go`."""
    shared = shared if shared is not None else store()
    try:
        if shared.get(key) is not None:
            return False
    except (OSError, *_redis_errors()) as exc:
        log.warning("chart store unavailable (%s): nothing claimed", exc)
        return False
    return _CLAIMS.take(key)


def claimed() -> list[str]:
    """The keys this thread holds claims on."""
    return _CLAIMS.of_this_thread()


def let_go(keys: Iterable[str] | None = None) -> None:
    """Let go this thread's claims on `keys` (default: all of them), drawn or not: whoever
    waits for them goes on."""
    _CLAIMS.let_go(claimed() if keys is None else list(keys))


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is installed with the deploy extra
        return ()
    return (redis.exceptions.RedisError,)
