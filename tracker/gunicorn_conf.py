"""Gunicorn settings: `gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'`.

Workers keep what they learned: the app is loaded and its caches warmed in the master before
the workers are forked (`tracker.warmup`), workers are recycled when their memory grows past a
threshold, and otherwise only after many requests (with jitter, so they never restart
together). Charts are shared by every worker (`tracker.chartstore`) and drawn ahead after a
write (`tracker.dashboard.drawahead`), so a worker start never means drawing them again.

Each value can be overridden by an environment variable, as noted.
"""
import os

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRACKER_WORKERS", 2))
# Threads let a worker keep serving while a partner on a slow link uploads or downloads.
worker_class = "gthread"
threads = int(os.environ.get("TRACKER_THREADS", 4))
timeout = int(os.environ.get("TRACKER_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
preload_app = True  # load (and warm) once in the master; workers start in milliseconds
# A safety net only: workers are recycled on memory growth (post_request below). At 2000,
# workers restarted several times a minute under load and emptied every cache.
max_requests = int(os.environ.get("TRACKER_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
#: Recycle a worker (gracefully, after its current requests) whose resident memory has
#: grown this many MB over what it held when it started.
MAX_GROWTH_MB = float(os.environ.get("TRACKER_WORKER_MAX_GROWTH_MB", 300))
#: Memory is read (from /proc) after one request in this many: reading it costs a file open
#: and read, a tenth of what a kept answer costs, and growth is slow.
MEMORY_CHECK_EVERY = 32
#: How long (seconds) a thread of a worker may hold the interpreter before another waiting
#: thread gets it (Python's default is 5 ms). A request waits that long again after each
#: database round trip while its sibling threads compute: a web write (about 25 round trips)
#: took 112-121 ms beside three threads serving kept answers at 5 ms, 76-83 ms at 1 ms.
SWITCH_INTERVAL = float(os.environ.get("TRACKER_SWITCH_INTERVAL_MS", 1)) / 1000
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
forwarded_allow_ips = os.environ.get("TRACKER_FORWARDED_ALLOW_IPS", "127.0.0.1")

# A long-running server: draw a dashboard's charts ahead after each write.
os.environ.setdefault("TRACKER_CHART_DRAW_AHEAD", "thread")


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux /proc; else the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tracker_app(server):
    """The loaded tracker app, or None (these settings also serve a bare app to compare)."""
    app = server.app.wsgi()
    return app if "sqlalchemy" in getattr(app, "extensions", {}) else None


def when_ready(server):
    """In the master, the app loaded: warm its caches before any worker is forked."""
    from tracker.warmup import warm

    app = _tracker_app(server)
    if app is not None:
        server.log.info("warmed before forking: %s", warm(app))


def post_fork(server, worker):
    """A worker's own database connections (none inherited from the master)."""
    app = _tracker_app(server)
    if app is None:
        return
    from tracker.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


def post_worker_init(worker):
    """Move the loaded app's objects out of the garbage collector's way: reading an accord's
    history allocates many small objects, and each collection would otherwise rescan
    every long-lived object of the app. Hand the interpreter between threads more often
    (`SWITCH_INTERVAL`). Note the memory the worker starts with."""
    import gc
    import sys

    gc.freeze()
    if SWITCH_INTERVAL > 0:
        sys.setswitchinterval(SWITCH_INTERVAL)
    worker.tracker_start_mb = resident_mb()


def post_request(worker, req, environ, resp):
    """Recycle the worker once its memory has grown past MAX_GROWTH_MB (matplotlib's font
    and glyph caches, fragmentation): it finishes its requests, then a fresh one starts.
    Checked after the first request and then one in MEMORY_CHECK_EVERY."""
    start = getattr(worker, "tracker_start_mb", None)
    served = getattr(worker, "tracker_served", 0)
    worker.tracker_served = served + 1
    if served % MEMORY_CHECK_EVERY:
        return
    if start is not None and worker.alive and resident_mb() - start > MAX_GROWTH_MB:
        worker.log.info("worker %s grew %.0f MB: recycling it", worker.pid,
                        resident_mb() - start)
        worker.alive = False
