"""Load on several app instances: gunicorn processes on loopback ports against one database
(and Redis when given), a bounded number of requests from concurrent clients.

Prints, labelled, the cold path (the first request of each path on each freshly started
instance: nothing cached yet) and then, under load, per-endpoint latency percentiles,
throughput and error counts on the warm path. Only loopback
addresses are used; the request loop stops after --requests requests.

    .venv/bin/python bench/scale.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio \
        --redis-url redis://127.0.0.1:6379/14 --instances 2 --workers 2 --clients 16 \
        --requests 20000
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
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
    return subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:tracker.gunicorn_conf",
                             "tracker:create_app()"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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


def _client(ports, paths, quota, results, errors, lock, index, headers):
    connections = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports}
    done = 0
    while True:
        with lock:
            if quota[0] <= 0:
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
        except (OSError, http.client.HTTPException):
            connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results[name].append(elapsed)
            if not ok:
                errors[name] += 1
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
    parser.add_argument("--gzip", action="store_true",
                        help="send Accept-Encoding: gzip as browsers do (answers compressed)")
    args = parser.parse_args()
    headers = {"Accept-Encoding": "gzip"} if args.gzip else {}
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
        threads = [threading.Thread(target=_client, args=(ports, paths, quota, results, errors,
                                                          lock, i, headers))
                   for i in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
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
    print(f"{args.instances} instances x {args.workers} workers, {args.clients} clients"
          f"{' (Accept-Encoding: gzip)' if args.gzip else ''}, "
          f"{total} requests in {wall:.1f} s ({total / wall:.0f} req/s); "
          f"load average {os.getloadavg()[0]:.2f}")
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
    print("target: dashboard and API p95 < 250 ms, zero errors")


if __name__ == "__main__":
    main()
