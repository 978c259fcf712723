"""What a database error means for the person waiting: a busy database, storage that cannot
take writes, or a write the append-only history refuses.

One place reads the drivers' error codes (SQLite's extended result names, PostgreSQL's
SQLSTATEs), so every write path answers the same way: a lock that outlasted the wait is a 503
"busy, nothing was saved, try again", storage that cannot take writes (a read-only database, a
full disk, an I/O error, a lost server) is a 503 "storage unavailable, nothing was saved", and
the append-only triggers refusing a row that a concurrent writer changed first is a conflict.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .domain.messages import N_
from .triggers import APPEND_ONLY_MARK

BUSY = "busy"
STORAGE = "storage"
APPEND_ONLY = "append-only"

_SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_STORAGE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN",
                   "SQLITE_NOLFS", "SQLITE_CORRUPT", "SQLITE_NOTADB")
# PostgreSQL SQLSTATEs: deadlock, serialization failure, lock or statement timeout, too many
# connections are "busy"; read-only transaction, insufficient resources (53: disk full, out
# of memory), I/O error, shutdown and connection loss (08) are "storage".
_PG_BUSY = ("40P01", "40001", "55P03", "57014", "53300")
_PG_STORAGE_PREFIXES = ("25006", "53", "58", "57P", "08")

BUSY_MESSAGE = N_("The database is busy. Nothing was saved; your input is kept below. "
                  "Try again in a moment.")
STORAGE_MESSAGE = N_("Storage is unavailable (the database cannot take writes now). Nothing "
                     "was saved; your input is kept below. Try again later, or tell the "
                     "administrator.")

#: The same, for a request that carried no input (a page being read).
BUSY_READ_MESSAGE = N_("The database is busy. Try again in a moment.")
STORAGE_READ_MESSAGE = N_("Storage is unavailable. Try again later, or tell the administrator.")


class Unavailable(Exception):
    """The database could not take the write: `kind` is BUSY or STORAGE, `detail` the
    driver's own words (for logs and /readyz, never shown as the page's message)."""

    def __init__(self, kind: str, detail: str):
        self.kind, self.detail = kind, detail
        super().__init__(f"{kind}: {detail}")

    def message(self, input_kept: bool = True) -> str:
        """The reason shown to people (marked for translation), for a request whose input
        the page repeats, or for one that carried none."""
        if self.kind == BUSY:
            return BUSY_MESSAGE if input_kept else BUSY_READ_MESSAGE
        return STORAGE_MESSAGE if input_kept else STORAGE_READ_MESSAGE


def _sqlite_name(orig) -> str | None:
    return getattr(orig, "sqlite_errorname", None)


def classify(exc: BaseException) -> str | None:
    """BUSY, STORAGE or APPEND_ONLY for a database error that has one of these meanings;
    None for anything else (a bug, a broken constraint: those stay 500s or 409s elsewhere)."""
    if isinstance(exc, PoolTimeout):
        return BUSY
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    if APPEND_ONLY_MARK in str(orig):
        return APPEND_ONLY
    name = _sqlite_name(orig)
    if name is not None:
        if name.startswith(_SQLITE_BUSY):
            return BUSY
        if name.startswith(_SQLITE_STORAGE):
            return STORAGE
        return None
    state = getattr(orig, "sqlstate", None)
    if state is None:
        # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all.
        return STORAGE if exc.connection_invalidated or _is_connection_error(orig) else None
    if state in _PG_BUSY:
        return BUSY
    if state.startswith(_PG_STORAGE_PREFIXES):
        return STORAGE
    return None


def _is_connection_error(orig) -> bool:
    return type(orig).__name__ == "OperationalError" and type(orig).__module__.startswith(
        "psycopg")


def unavailable(exc: BaseException) -> Unavailable | None:
    """The Unavailable a BUSY or STORAGE error stands for (noted for /readyz), else None."""
    kind = classify(exc)
    if kind not in (BUSY, STORAGE):
        return None
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
    if kind == STORAGE:
        note_failure(detail)
    return Unavailable(kind, detail)


@dataclass(frozen=True)
class Failure:
    """The last storage failure this process saw: when (monotonic seconds) and what."""

    at: float
    detail: str


_last: Failure | None = None
_lock = threading.Lock()
#: How long /readyz keeps reporting a storage failure seen by a request in this process.
FAILURE_MEMORY_SECONDS = 60.0


def note_failure(detail: str) -> None:
    """Remember a storage failure, so /readyz can say why writes fail (this process)."""
    global _last
    with _lock:
        _last = Failure(time.monotonic(), detail)


def note_success() -> None:
    """A write committed: storage takes writes again."""
    global _last
    with _lock:
        _last = None


def recent_failure() -> Failure | None:
    """The storage failure seen in the last FAILURE_MEMORY_SECONDS, if any."""
    with _lock:
        last = _last
    if last is None or time.monotonic() - last.at > FAILURE_MEMORY_SECONDS:
        return None
    return last
