"""Gunicorn settings: `gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'`.

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
max_requests = 2000  # recycle workers now and then (matplotlib caches fonts and glyphs)
max_requests_jitter = 200
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
forwarded_allow_ips = os.environ.get("TRACKER_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Move the loaded app's objects out of the garbage collector's way: reading an accord's
    history allocates many small objects, and each collection would otherwise rescan
    every long-lived object of the app."""
    import gc

    gc.freeze()
