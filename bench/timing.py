"""What every benchmark here shares: the cold and the warm path, and min / median / max.

- **cold**: what the first request after a write pays. Before each timed call every
  process-local cache of the tracker's data is emptied
  (`tracker.cache.clear_process_caches()`: figures' reads, reference data, API answers,
  dashboard figures, pages and drawn charts) and, when the app is given, its shared chart
  store (`tracker.chartstore`: files or Redis), so nothing drawn or read before is reused.
  What no write changes (the extents of texts in the charts' font, `charts.text_extents`;
  figures, dates and moments as written in a language, `formatting.*`) is kept, as a
  running worker keeps it; rows labelled "fresh worker" empty that too
  (`everything=True`: what the first request of a freshly started worker pays).
- **warm**: the same call once untimed, then timed with every cache kept (a returning
  visitor on a worker that served the page before).

Each figure is given as min / median / max wall time over the runs, with the median CPU time
of this process beside it (SQLite runs in-process, so its work is counted; a PostgreSQL or
Redis server's is not). The machine these were measured on is shared with other work: the
CPU time is then the steadier figure, and the 1-minute load average is printed with every
table (`load_average()`).
"""
from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import dataclass, field

PATHS = ("cold", "warm")


def empty_caches(app=None, everything: bool = False) -> int:
    """Empty every process cache of the tracker's data and, given `app`, its shared chart
    store; `everything`: the caches no write changes too (text extents, formatted texts), as
    in a freshly started worker. Returns how many entries were dropped (for a sanity line in
    the output)."""
    from tracker.cache import clear_process_caches

    dropped = clear_process_caches(everything)
    if app is not None:
        with app.app_context():
            dropped += app.extensions["chartstore"].clear()
    return dropped


@dataclass
class Runs:
    """Wall and CPU seconds of the timed runs of one case on one path."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    def row(self) -> str:
        """'min / median / max  cpu' in ms, fixed width."""
        if not self.wall:
            return f"{'-':>8} {'-':>8} {'-':>8} {'-':>8}"
        w = [v * 1000 for v in self.wall]
        return (f"{min(w):8.1f} {statistics.median(w):8.1f} {max(w):8.1f} "
                f"{statistics.median(self.cpu) * 1000:8.1f}")

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


HEADER = f"{'min':>8} {'median':>8} {'max':>8} {'cpu':>8}  (ms)"


def timed(call) -> tuple[float, float, object]:
    """Wall and CPU seconds of one call (garbage of earlier calls collected first)."""
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    result = call()
    return time.perf_counter() - t0, time.process_time() - c0, result


def measure(call, repeat: int, path: str, app=None, before=None,
            everything: bool = False) -> tuple[Runs, object]:
    """Time `call` `repeat` times on `path` ("cold": caches emptied before each run, with
    `everything` those no write changes too; "warm": one untimed run first, caches kept).
    `before` (optional) runs untimed before each timed run, after the caches are emptied
    (e.g. the page a browser loads before its charts)."""
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}")
    runs, result = Runs(), None
    if path == "warm":
        (before or (lambda: None))()
        call()
    for _ in range(repeat):
        if path == "cold":
            empty_caches(app, everything)
        if before is not None:
            before()
        wall, cpu, result = timed(call)
        runs.add(wall, cpu)
    return runs, result


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def machine_line() -> str:
    """One line saying how busy the machine was (figures from a busy machine are inflated)."""
    load = load_average()
    busy = "  BUSY: other work ran on this machine, wall times are inflated" \
        if load > (os.cpu_count() or 1) / 2 else ""
    return f"1-minute load average {load:.2f} on {os.cpu_count()} cores{busy}"
