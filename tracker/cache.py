"""Small process-local caches, keyed only by database state (an accord's revision, a
reference set's revisions), so every instance computes the same answers and a change
anywhere makes new keys. Charts, which every process should draw only once, are shared
through `tracker.chartstore` instead.

Every `Recent` registers itself, so `clear_process_caches()` empties them all: what the
first request after a write finds (benchmarks time that path). A cache of facts no write
changes (`follows_data=False`: the extents of texts in a font) is emptied only with
`everything=True`, as a freshly started worker has it. `once` is the memo of one call's
work, which no write can outlive.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Callable, TypeVar

T = TypeVar("T")
_EVERY: "weakref.WeakSet[Recent]" = weakref.WeakSet()


class Recent:
    """A small thread-safe LRU mapping, local to the process. `name` says what it keeps
    (listed by `process_caches()`); `follows_data`: False when what it keeps never depends
    on the database (no write makes it stale)."""

    def __init__(self, size: int, name: str = "", follows_data: bool = True):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.name, self.follows_data = name, follows_data
        self.gates: dict = {}
        _EVERY.add(self)

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get_or_make(self, key, make):
        """The value for `key`, made once even when several threads ask at the same time."""
        value = self.get(key)
        if value is None:
            with self.lock:
                gate = self.gates.setdefault(key, threading.Lock())
            try:
                with gate:
                    value = self.get(key)
                    if value is None:
                        value = make()
                        self.put(key, value)
            finally:
                with self.lock:
                    self.gates.pop(key, None)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


def process_caches() -> list[Recent]:
    """Every `Recent` of this process (module-level caches live as long as the process)."""
    return sorted(_EVERY, key=lambda cache: cache.name)


def clear_process_caches(everything: bool = False) -> int:
    """Empty every process-local cache of data (what a write or a restore makes stale) and,
    with `everything`, also those no write changes (as in a freshly started process);
    returns how many entries were dropped."""
    dropped = 0
    for cache in process_caches():
        if not (cache.follows_data or everything):
            continue
        with cache.lock:
            dropped += len(cache.items)
        cache.clear()
    return dropped


def once(make: Callable[[], T]) -> Callable[[], T]:
    """`make` called at most once, its value given on every later call: for one request's
    or one call's work (the caller drops it with its scope; nothing here outlives a write, so
    it is no process cache and needs no registry)."""
    made: list[T] = []

    def value() -> T:
        if not made:
            made.append(make())
        return made[0]
    return value
