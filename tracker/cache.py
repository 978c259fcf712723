"""Small process-local caches, keyed only by database state (an accord's revision, a
reference set's revisions), so every instance computes the same answers and a change
anywhere makes new keys. Nothing here needs to be shared between processes."""
from __future__ import annotations

import threading
from collections import OrderedDict


class Recent:
    """A small thread-safe LRU mapping, local to the process."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.gates: dict = {}

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
