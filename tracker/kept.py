"""Kept answers: the public reads every anonymous visitor gets alike (an accord's dashboard,
its charts, its figures through the API), answered again without entering Flask while no write
has happened since they were made.

A WSGI middleware around the app (`KeptAnswers`). A view marks its answer as one that may be
kept (`may_keep`), after deciding it is the same for every anonymous visitor asking the same
address in the same language and encoding. The middleware keeps such an answer (status 200,
no cookie set, `Vary` naming only `Accept-Language`, `Accept-Encoding` and `Cookie`) with the
**write generation** read before the app saw the request, and answers the next request with
the same key from it, a `304` when the client holds its ETag, as long as:

- the request is a GET with no `Cookie` and no `Authorization` header (an anonymous visitor
  with no session: nothing personal, no message waiting);
- the write generation has not changed: every commit of this app (a session's or a
  connection's own, on any worker or instance) changes it (`Generation`: a counter in Redis
  when `REDIS_URL` is set, else a file in the instance folder that every process of the
  machine reads; several machines need Redis, as for the chart store; a random token, so a
  token lost and made again never matches an answer kept before). It is changed
  after the commit and before the writer's answer is sent, so a request that begins after a
  write's answer never gets an answer made before that write;
- it is the same day (a page "as of today" changes at midnight) and the answer is younger
  than `KEPT_ANSWER_SECONDS` (default 10: the bound on how long a change made to the
  database outside the tracker, by hand, goes unseen);
- the generation could be read (Redis down: every request goes through the app).

The key is the address (path and query string), the `Accept-Language` and `Accept-Encoding`
headers as sent, and the host, scheme and forwarded headers (an answer may name its own
address). Each process keeps at most `KEPT_ANSWERS` answers and `KEPT_ANSWER_MB` megabytes
(least recently used dropped first; `tracker.cache` registers it, so benchmarks and tests
empty it with the other process caches). A kept answer is logged like any other (its line
says `"kept": true`) and carries a request id of its own; a view's note of what was asked
(`dashboard.asked`) is repeated on each kept answer through the callback it left.

Why not an HTTP cache in front (nginx, Varnish): none knows when this app wrote, so one could
only keep answers for a fixed time (stale after a partner's update) or revalidate every
request with the app (what a kept answer avoids). The headers and conditional requests use
werkzeug's HTTP helpers.
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.datastructures import Headers
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag

from .cache import Recent
from .ops.logging import log_request, request_id

log = logging.getLogger(__name__)

#: The environ key a view sets (`may_keep`): a callable to call on each kept answer, or True.
MARK = "tracker.kept"
#: Request headers an answer is keyed by (as sent), besides the address.
KEYED_HEADERS = ("HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "HTTP_HOST",
                 "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PREFIX",
                 "HTTP_X_FORWARDED_PORT")  # not the client's address: no answer names it
#: Tables whose writes change no public read (a login's counters, a session token, the audit
#: trail): a transaction that wrote only these leaves the generation as it was, so a failed
#: login cannot expire everyone's kept answers.
QUIET_TABLES = frozenset({"users", "audit_events"})
SESSION_KEY = "tracker.kept.wrote"
#: The only headers a kept answer may vary by.
VARY_ALLOWED = {"accept-language", "accept-encoding", "cookie"}


def may_keep(on_hit: Callable[[], None] | None = None) -> None:
    """Mark the current request's answer as the same for every anonymous visitor with the
    same address, language and encoding (the middleware keeps it only if it also meets
    the rules above). `on_hit`: called (no app context) each time the kept answer is sent."""
    from flask import request

    request.environ[MARK] = on_hit or True


class Generation:
    """A token every write of the app changes, read by every process that shares it:
    `read()` the current token (None when it cannot be read), `bump()` a new one."""

    def read(self) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def bump(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileGeneration(Generation):
    """A random token in a file, replaced atomically (a temporary file, then a rename) by
    each bump; read with one small file read (a few microseconds)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self.bump()

    def read(self) -> str | None:
        for _attempt in range(2):
            try:
                with open(self.path, "rb") as handle:
                    return handle.read(64).decode("ascii", "replace") or None
            except FileNotFoundError:  # removed (an emptied instance folder): a new token
                try:
                    self.bump()
                except OSError:
                    return None
            except OSError:
                return None
        return None

    def bump(self) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".generation-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_hex(16).encode())
            os.replace(temporary, self.path)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise


class RedisGeneration(Generation):
    """A random token in Redis, replaced by each bump and shared by every instance. A token
    lost (Redis restarted without its data, or flushed) is replaced by a new random one, so
    no answer kept before can ever match again (a counter would start over and could)."""

    def __init__(self, url: str, key: str):
        import redis

        self.client, self.key = redis.Redis.from_url(url, socket_timeout=1.0), key
        self.errors = (redis.exceptions.RedisError,)

    def read(self) -> str | None:
        try:
            value = self.client.get(self.key)
            if value is None:
                self.client.set(self.key, secrets.token_hex(16), nx=True)
                value = self.client.get(self.key)
        except self.errors as exc:
            _warn(f"write generation unreadable ({exc}): answers made anew")
            return None
        return None if value is None else value.decode()

    def bump(self) -> None:
        self.client.set(self.key, secrets.token_hex(16))


_WARNED = {"at": 0.0}


def _warn(message: str) -> None:
    now = time.monotonic()
    if now - _WARNED["at"] > 60:
        _WARNED["at"] = now
        log.warning(message)


@dataclass(slots=True)
class _Answer:
    """An answer as the app sent it, and what it was kept under (the generation read before
    the app saw the request, the day, `time.monotonic()` when made, the view's callback)."""

    status: str
    headers: Headers
    body: bytes
    etag: str | None
    generation: str
    day: date
    made: float
    on_hit: Callable[[], None] | None


class _Kept(Recent):
    """The process's kept answers: an LRU bounded by count and by bytes of bodies
    (registered with `tracker.cache` as every `Recent`: emptied with the process caches)."""

    def __init__(self, size: int, max_bytes: int):
        super().__init__(size, "kept.answers")
        self.max_bytes, self.bytes = max_bytes, 0

    def put(self, key, answer: _Answer) -> None:
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.bytes -= len(old.body)
            self.items[key] = answer
            self.bytes += len(answer.body)
            while self.items and (len(self.items) > self.size or self.bytes > self.max_bytes):
                _, dropped = self.items.popitem(last=False)
                self.bytes -= len(dropped.body)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.bytes = 0


class KeptAnswers:
    """The middleware (see the module's text). `app`: the WSGI app it wraps; `generation`:
    the shared write generation; `seconds`: an answer's longest life; `size` / `max_bytes`:
    this process's bounds."""

    def __init__(self, app: Callable, generation: Generation, seconds: float = 10.0,
                 size: int = 512, max_bytes: int = 64 * 2**20):
        self.app, self.generation, self.seconds = app, generation, seconds
        self.kept = _Kept(size, max_bytes)
        self.served = 0  # answers sent from what was kept (tests, benchmarks)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ
                or "HTTP_AUTHORIZATION" in environ):
            return self.app(environ, start_response)
        started = time.perf_counter()
        generation = self.generation.read()
        if generation is None:
            return self.app(environ, start_response)
        key = (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
               environ.get("QUERY_STRING", ""), environ.get("wsgi.url_scheme", ""),
               *(environ.get(name) for name in KEYED_HEADERS))
        answer = self.kept.get(key)
        if answer is not None:
            if (answer.generation == generation and answer.day == date.today()
                    and time.monotonic() - answer.made < self.seconds):
                return self._send(answer, environ, start_response, started)
        return self._through_app(key, generation, environ, start_response)

    def _through_app(self, key, generation, environ, start_response):
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        day = date.today()
        body = self.app(environ, capture)
        mark = environ.get(MARK)
        if not mark or not seen.get("status", "").startswith("200 ") or not _keepable(
                seen["headers"]):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = Headers(seen["headers"])
        self.kept.put(key, _Answer(
            seen["status"], headers, data, headers.get("ETag"), generation, day,
            time.monotonic(), mark if callable(mark) else None))
        return [data]

    def _send(self, answer: _Answer, environ, start_response, started) -> list[bytes]:
        self.served += 1
        if answer.on_hit is not None:
            try:
                answer.on_hit()
            except Exception:  # a note of what was asked is never worth an error page
                log.exception("noting a kept answer failed")
        identity = request_id(environ.get("HTTP_X_REQUEST_ID"))
        headers = answer.headers.copy()
        headers["X-Request-ID"] = identity
        held = parse_etags(environ.get("HTTP_IF_NONE_MATCH")) if answer.etag else None
        if held and held.contains_weak(tag := unquote_etag(answer.etag)[0]):
            status, body = "304 NOT MODIFIED", b""
            remove_entity_headers(headers)
            headers["ETag"] = f'W/"{tag}"' if held.is_weak(tag) else f'"{tag}"'  # as held
        else:
            status, body = answer.status, answer.body
        start_response(status, headers.to_wsgi_list())
        log_request("GET", environ.get("PATH_INFO", ""), int(status[:3]), started, identity,
                    None, kept=True)
        return [body]


def _keepable(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "vary" and not {part.strip().lower() for part in value.split(",")
                                      } <= VARY_ALLOWED:
            return False
        if lowered == "cache-control" and "no-store" in value.lower():
            return False
    return True


# --- the generation's bumps ------------------------------------------------------------------

#: Each app's engine -> its write generation: a commit changes the generation of the
#: database it went to, and no other (an app gone is forgotten with its engine).
_GENERATIONS: "weakref.WeakKeyDictionary[Engine, Generation]" = weakref.WeakKeyDictionary()
ENGINES_KEY = "tracker.kept.engines"
_LISTENING = False
_LOCK = threading.Lock()


def _bump(engine: Engine) -> None:
    generation = _GENERATIONS.get(engine)
    if generation is None:
        return
    try:
        generation.bump()
    except Exception as exc:  # the write is committed; the answers expire by age
        log.error("could not mark a write for kept answers (%s)", exc)


def _after_flush(session: Session, _context) -> None:
    flushed = (*session.new, *session.dirty, *session.deleted)
    if any(_table_of(thing) not in QUIET_TABLES for thing in flushed):
        session.info[SESSION_KEY] = True


def _table_of(instance) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)


def _after_orm_execute(state) -> None:
    """A statement run through the session: a SELECT changes nothing; an INSERT, UPDATE or
    DELETE of a quiet table neither; anything else (other DML, plain SQL text) counts as a
    write."""
    statement = state.statement
    if getattr(statement, "is_select", False):
        return
    if getattr(statement, "is_dml", False):
        table = getattr(getattr(statement, "table", None), "name", None)
        if table in QUIET_TABLES:
            return
    state.session.info[SESSION_KEY] = True


def _after_begin(session: Session, _transaction, connection) -> None:
    session.info.setdefault(ENGINES_KEY, set()).add(connection.engine)
    try:
        _SESSION_CONNECTIONS.add(connection)
    except TypeError:  # not weakly referable: its commit then counts as a command's own
        pass


def _after_commit(session: Session) -> None:
    engines = session.info.pop(ENGINES_KEY, ())
    if session.info.pop(SESSION_KEY, None):
        for engine in engines:
            _bump(engine)


def _after_soft_rollback(session: Session, previous) -> None:
    if previous.parent is None:  # the whole transaction is gone, and its writes with it
        session.info.pop(SESSION_KEY, None)
        session.info.pop(ENGINES_KEY, None)


def _engine_commit(connection) -> None:
    """A commit of a connection's own transaction (a command outside the ORM session):
    counted as a write. A session's commit is judged by the session (`_after_flush`,
    `_after_orm_execute`)."""
    if connection not in _SESSION_CONNECTIONS:
        _bump(connection.engine)


_SESSION_CONNECTIONS: "weakref.WeakSet" = weakref.WeakSet()


def _listen() -> None:
    """Every commit that wrote changes the generation: a session's that wrote anything but
    the quiet tables (through the ORM or not), and a connection's own."""
    global _LISTENING
    with _LOCK:
        if _LISTENING:
            return
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_orm_execute)
        event.listen(Session, "after_begin", _after_begin)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        event.listen(Engine, "commit", _engine_commit)
        _LISTENING = True


def database_identity(app) -> str:
    """The database the app writes to, the same however its URL is spelled: a SQLite file by
    its resolved path, a server database by its host's address, port and name (not the
    user, password or driver)."""
    from sqlalchemy.engine import make_url

    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() == "sqlite":
        return "sqlite:" + (str(Path(url.database).resolve()) if url.database
                            and url.database != ":memory:" else ":memory:")
    host = url.host or ""
    try:
        import socket

        host = socket.gethostbyname(host) if host else host
    except OSError:
        pass
    return f"{url.get_backend_name()}://{host}:{url.port or ''}/{url.database or ''}"


def init_app(app) -> None:
    """Wrap `app.wsgi_app` (the outermost layer: call it last) unless `KEPT_ANSWERS` is 0,
    and bump the app's write generation after every commit that wrote."""
    count = int(app.config.get("KEPT_ANSWERS", 512))
    namespace = hashlib.sha256(database_identity(app).encode()).hexdigest()[:12]
    if app.config.get("REDIS_URL"):
        generation: Generation = RedisGeneration(app.config["REDIS_URL"],
                                                 f"tracker:generation:{namespace}")
    else:
        generation = FileGeneration(Path(app.instance_path) / f"generation-{namespace}")
    app.extensions["kept_generation"] = generation
    from .extensions import db

    with app.app_context():
        _GENERATIONS[db.engine] = generation
    _listen()
    if count > 0:
        middleware = KeptAnswers(app.wsgi_app, generation,
                                 float(app.config.get("KEPT_ANSWER_SECONDS", 10)), count,
                                 int(float(app.config.get("KEPT_ANSWER_MB", 64)) * 2**20))
        app.extensions["kept_answers"] = middleware
        app.wsgi_app = middleware
