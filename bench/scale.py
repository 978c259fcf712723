"""Load on several app instances: gunicorn processes on loopback ports against one database
(and Redis when given), a bounded number of requests from concurrent clients.

Prints, labelled, the cold path (the first request of each path on each freshly started
instance: nothing cached yet) and then, under load, per-endpoint latency percentiles,
throughput and error counts on the warm path. Only loopback
addresses are used; the request loop stops after --requests requests, or after --seconds.
With --writes-per-second, a coordinator (created if missing) records a new level for one
provision through the web form (its page, then the POST with its form token, as a browser
sends it) that many times a second, alternating instances, during the load: every write
must be accepted (a redirect), and the readers then read after writes.

The mixed-load target (issue 16), on PostgreSQL and Redis:

    .venv/bin/python bench/scale.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_colombia \
        --redis-url redis://127.0.0.1:6379/7 --instances 2 --workers 2 --clients 64 \
        --seconds 60 --writes-per-second 1

    .venv/bin/python bench/scale.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio \
        --redis-url redis://127.0.0.1:6379/14 --instances 2 --workers 2 --clients 16 \
        --requests 20000
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(args, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": args.database_url, "TRACKER_SECRET_KEY": "bench",
                "TRACKER_BIND": f"127.0.0.1:{port}", "TRACKER_WORKERS": str(args.workers),
                "MPLCONFIGDIR": str(ROOT / "bench" / "out" / "matplotlib")})
    if args.redis_url:
        env["TRACKER_REDIS_URL"] = args.redis_url
    if args.threads:
        env["TRACKER_THREADS"] = str(args.threads)
    log = open(ROOT / "bench" / "out" / f"scale-{port}.log", "wb") if args.log else None
    return subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:tracker.gunicorn_conf",
                             "tracker:create_app()"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)


def _wait(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"instance on port {port} did not become ready")


def _paths(slug: str) -> list[tuple[str, str]]:
    return [
        ("dashboard", f"/accords/{slug}/dashboard"),
        ("summary", f"/api/v1/accords/{slug}/summary"),
        ("timeline", f"/api/v1/accords/{slug}/timeline?freq=month"),
        ("comparison", f"/api/v1/accords/{slug}/comparison"),
        ("provisions", f"/api/v1/accords/{slug}/provisions"),
    ]


_STATUSES: dict = {}  # answer (status, or "no answer") -> how many readers' errors
EMAIL, PASSWORD = "scale-writer@example.org", "bench password for the scale writer"


def _flask(args, *command, extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": args.database_url, "TRACKER_SECRET_KEY": "bench",
                **(extra or {})})
    return subprocess.run([str(BIN / "flask"), "--app", "tracker", *command], env=env,
                          cwd=ROOT, capture_output=True, text=True)


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'type="hidden" name="csrf_token" value="([^"]+)"', page) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found.group(1)


def _writer(args, ports, stop_at, writes, lock):
    """One web write per 1/--writes-per-second seconds until `stop_at`, alternating
    instances: (ms, accepted) into `writes`."""
    from urllib.parse import urlencode

    openers = []
    for port in ports:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        base = f"http://127.0.0.1:{port}"
        page = opener.open(f"{base}/login", timeout=30).read().decode()
        try:
            opener.open(f"{base}/login", urlencode({"csrf_token": _token(page), "email": EMAIL,
                                                    "password": PASSWORD}).encode(), timeout=30)
        except urllib.error.HTTPError as answer:
            if answer.code != 302:
                raise SystemExit(f"the coordinator could not log in: {answer.code}")
        openers.append((opener, base))
    codes = args.code.split(",")
    period, index, started_writes = 1 / args.writes_per_second, 0, []
    next_at = time.monotonic()
    while next_at < stop_at:
        time.sleep(max(0.0, next_at - time.monotonic()))
        # on schedule, whatever the previous write's time: each in its own thread, each on
        # the next provision of --code (a write still under way holds the version of its own)
        opener, base = openers[index % len(openers)]
        code, level = codes[index % len(codes)], (index // len(codes) + 1) % 4
        thread = threading.Thread(target=_write_once, args=(
            opener, f"{base}/accords/{args.slug}/provisions/{code}", level, writes, lock))
        thread.start()
        started_writes.append(thread)
        index += 1
        next_at += period
    for thread in started_writes:
        thread.join()


def _write_once(opener, address, level, writes, lock) -> None:
    from datetime import date
    from urllib.parse import urlencode

    started = time.perf_counter()
    form_ms = None
    try:
        page = opener.open(address, timeout=30).read().decode()
        form_ms = (time.perf_counter() - started) * 1000
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        form = {"csrf_token": _token(page), "level": str(level),
                "effective_on": date.today().isoformat(),
                "evidence_text": "Official gazette", "evidence_url": "", "note": "",
                "version": version}
        answer = opener.open(f"{address}/update", urlencode(form).encode(), timeout=30)
        accepted = answer.status
    except urllib.error.HTTPError as refused:
        accepted = refused.code
    except (OSError, AttributeError) as failed:
        accepted = type(failed).__name__
    with lock:
        writes.append(((time.perf_counter() - started) * 1000, accepted, form_ms))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _client(ports, paths, quota, results, errors, lock, index, headers, stop_at=None):
    connections = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports}
    done = 0
    while True:
        with lock:
            if quota[0] <= 0 or (stop_at is not None and time.monotonic() >= stop_at):
                break
            quota[0] -= 1
        name, path = paths[(index + done) % len(paths)]
        port = ports[(index + done) % len(ports)]
        started = time.perf_counter()
        try:
            connection = connections[port]
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            status = response.status
        except (OSError, http.client.HTTPException):
            connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok, status = False, "no answer"
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results[name].append(elapsed)
            if not ok:
                errors[name] += 1
                _STATUSES[status] = _STATUSES.get(status, 0) + 1
        done += 1
    for connection in connections.values():
        connection.close()


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url")
    parser.add_argument("--slug", default="bench-target")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=None,
                        help="drive the load this long (then --requests is no bound)")
    parser.add_argument("--writes-per-second", type=float, default=0,
                        help="web writes by a coordinator during the load (0: none)")
    parser.add_argument("--code", default=",".join(f"1.1.{n}" for n in range(1, 17)),
                        help="the provisions written, in turn (comma-separated codes): more "
                             "than a write's longest time in seconds, or two writes of one "
                             "provision overlap and the second is refused as a conflict")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per worker (default: tracker/gunicorn_conf.py's)")
    parser.add_argument("--log", action="store_true",
                        help="keep each instance's log in bench/out/scale-PORT.log")
    parser.add_argument("--gzip", action="store_true",
                        help="send Accept-Encoding: gzip as browsers do (answers compressed)")
    args = parser.parse_args()
    headers = {"Accept-Encoding": "gzip"} if args.gzip else {}
    if args.writes_per_second:
        _flask(args, "users", "create", EMAIL, "--role", "coordinator", "--accord", args.slug,
               extra={"TRACKER_NEW_PASSWORD": PASSWORD})  # refused when it exists: fine
    if args.seconds:
        args.requests = 10**9
    ports = [_free_port() for _ in range(args.instances)]
    processes = [_start(args, port) for port in ports]
    try:
        for port in ports:
            _wait(port)
        paths = _paths(args.slug)
        cold = defaultdict(list)  # the first request of each path on each fresh instance
        for port in ports:
            for name, path in paths:
                started = time.perf_counter()
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).close()
                cold[name].append((time.perf_counter() - started) * 1000)
        results, errors = defaultdict(list), defaultdict(int)
        quota, lock = [args.requests], threading.Lock()
        stop_at = time.monotonic() + args.seconds if args.seconds else None
        threads = [threading.Thread(target=_client, args=(ports, paths, quota, results, errors,
                                                          lock, i, headers, stop_at))
                   for i in range(args.clients)]
        writes: list = []
        if args.writes_per_second:
            threads.append(threading.Thread(target=_writer, args=(
                args, ports, stop_at or time.monotonic() + 60, writes, lock)))
        load_before = os.getloadavg()[0]
        driver_cpu = time.process_time()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        driver_cpu = time.process_time() - driver_cpu
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    print("COLD: the first request of each path on each freshly started instance, ms "
          "(min / median / max over instances)")
    for name, values in cold.items():
        print(f"  {name:<12}{min(values):>9.1f}{statistics.median(values):>9.1f}"
              f"{max(values):>9.1f}")
    print("WARM: the load below, every instance having served each path once")
    total = sum(len(v) for v in results.values())
    print(f"{args.instances} instances x {args.workers} workers"
          f"{f' x {args.threads} threads' if args.threads else ''}, {args.clients} clients"
          f"{' (Accept-Encoding: gzip)' if args.gzip else ''}, "
          f"{total} requests in {wall:.1f} s ({total / wall:.0f} req/s); "
          f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"this load generator used {driver_cpu / wall:.2f} of the cores")
    print(f"{'endpoint':<12}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}")
    everything = []
    for name, values in results.items():
        everything += values
        print(f"{name:<12}{len(values):>7}{statistics.median(values):>9.1f}"
              f"{_percentile(values, 95):>9.1f}{_percentile(values, 99):>9.1f}"
              f"{max(values):>9.1f}{errors[name]:>8}")
    print(f"{'all':<12}{len(everything):>7}{statistics.median(everything):>9.1f}"
          f"{_percentile(everything, 95):>9.1f}{_percentile(everything, 99):>9.1f}"
          f"{max(everything):>9.1f}{sum(errors.values()):>8}")
    if _STATUSES:
        print("errors by answer: " + ", ".join(f"{k}: {v}" for k, v in _STATUSES.items()))
    if args.writes_per_second:
        accepted = sum(1 for _, answer, _f in writes if answer == 302)
        refused = sorted(str(answer) for _, answer, _f in writes if answer != 302)
        times = [ms for ms, _, _f in writes] or [0.0]
        forms = [f for _, _, f in writes if f is not None] or [0.0]
        posts = [ms - f for ms, answer, f in writes if answer == 302 and f is not None] or [0.0]
        print(f"web writes: {accepted} of {len(writes)} accepted, ms p50 "
              f"{statistics.median(times):.1f} / p95 {_percentile(times, 95):.1f} / max "
              f"{max(times):.1f}" + (f"; not accepted: {', '.join(refused)}" if refused else ""))
        print(f"  of which the form page, ms p50 {statistics.median(forms):.1f} / p95 "
              f"{_percentile(forms, 95):.1f}; the POST, ms p50 {statistics.median(posts):.1f} / "
              f"p95 {_percentile(posts, 95):.1f}")
    print("target: dashboard and API p95 < 250 ms, zero errors"
          + (", every write accepted" if args.writes_per_second else ""))


if __name__ == "__main__":
    main()
