#!/usr/bin/env python
"""The tracker's throughput as a ratio of a bare Flask app's, on the same gunicorn settings,
in the same run.

Starts gunicorn with tracker/gunicorn_conf.py (2 workers, gthread, preload) once for the
tracker (on the given workload database, with an empty chart store) and once for
bench/hello.py, then for each target drives --connections keep-alive connections for
--seconds seconds (after a 2 s warm-up) and counts answered requests. Targets:
  summary API   /api/v1/accords/<slug>/summary
  dashboard     /accords/<slug>/dashboard (the HTML)
  chart         /accords/<slug>/charts/status.png (no If-None-Match: the bytes each time)
  chart-svg     /accords/<slug>/charts/status.svg (the format the dashboard page shows)
Each is run --runs times, alternating with hello world; min / median / max of the ratio.
The load generator is Python threads on the same cores as the servers (`--client wrk`:
wrk, a C load generator, when installed), so both sides pay for it alike; the 1-minute load
average is printed. Beside each ratio, the
CPU time the servers' workers spent per answered request (tracker / hello world, medians):
on a busy machine, the steadier figure of what a request costs.

Targets (issue 16): summary >= 0.5x, dashboard HTML >= 0.3x, chart >= 0.6x hello world
(the same target is printed for the SVG chart). No request sends Accept-Encoding: every
answer is sent as it is.

  .venv/bin/python bench/throughput.py --seconds 10 --runs 3
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"
TARGETS = {"summary": 0.5, "dashboard": 0.3, "chart": 0.6, "chart-svg": 0.6}
sys.path.insert(0, str(BENCH_DIR))
from timing import machine_line  # noqa: E402


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(app: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:tracker.gunicorn_conf",
         app], cwd=ROOT, env={**env, "TRACKER_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(port: int, path: str, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer on port {port}")


def _server_cpu(process: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers of `process` (Linux
    /proc; the master only waits). Steadier than requests per second on a busy machine."""
    total = 0.0
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return float("nan")
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _drive(port: int, path: str, connections: int, seconds: float) -> tuple[float, int]:
    """Requests per second over `seconds`, and the number of errors."""
    stop = time.monotonic() + seconds
    counts, errors, lock = [0], [0], threading.Lock()

    def loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done = bad = 0
        while time.monotonic() < stop:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done += 1
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            counts[0] += done
            errors[0] += bad

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0] / (time.monotonic() - started), errors[0]


def _drive_wrk(port: int, path: str, connections: int, seconds: float) -> tuple[float, int]:
    """The same with wrk (a C load generator, 2 threads): requests per second, and the
    non-2xx/3xx answers and socket errors it counted."""
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                           f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                          check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", done))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       done)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return rate, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--slug", default="bench-target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="the load generator: Python threads (default) or wrk, if "
                             "installed (Debian's package wrk)")
    args = parser.parse_args(argv)
    drive = _drive_wrk if args.client == "wrk" else _drive
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DATABASE_URL": args.database_url, "TRACKER_SECRET_KEY": "bench",
                "TRACKER_CHART_STORE_DIR": tempfile.mkdtemp(prefix="charts-", dir=OUT_DIR),
                "MPLCONFIGDIR": str(OUT_DIR / "matplotlib"), "TRACKER_WORKERS": "2"})
    paths = {"summary": f"/api/v1/accords/{args.slug}/summary",
             "dashboard": f"/accords/{args.slug}/dashboard",
             "chart": f"/accords/{args.slug}/charts/status.png",
             "chart-svg": f"/accords/{args.slug}/charts/status.svg"}
    ports = {"tracker": _free_port(), "hello": _free_port()}
    processes = {"tracker": _start("tracker:create_app()", ports["tracker"], env),
                 "hello": _start("bench.hello:app", ports["hello"], {**env, "PYTHONPATH":
                                                                     str(ROOT)})}
    try:
        _wait(ports["hello"], "/", processes["hello"])
        for path in paths.values():
            _wait(ports["tracker"], path, processes["tracker"])
        print(f"gunicorn as configured (2 workers, gthread), {args.client} client, "
              f"{args.connections} keep-alive connections, {args.seconds:.0f} s per measurement, {args.runs} runs; "
              f"{machine_line()}")
        print(f"  {'target':<10} {'tracker req/s':>14} {'hello req/s':>12} {'ratio min':>10} "
              f"{'median':>8} {'max':>8}  errors  target  "
              f"(server CPU ms/request, median: tracker / hello)")
        for name, path in paths.items():
            ratios, mine, bare, errors, cpu_mine, cpu_bare = [], [], [], 0, [], []
            for _ in range(args.runs):
                drive(ports["tracker"], path, args.connections, 2)  # warm-up
                before = _server_cpu(processes["tracker"])
                rate, bad = drive(ports["tracker"], path, args.connections, args.seconds)
                cpu_mine.append((_server_cpu(processes["tracker"]) - before)
                                / max(rate * args.seconds, 1) * 1000)
                before = _server_cpu(processes["hello"])
                hello, bad_hello = drive(ports["hello"], "/", args.connections, args.seconds)
                cpu_bare.append((_server_cpu(processes["hello"]) - before)
                                / max(hello * args.seconds, 1) * 1000)
                mine.append(rate)
                bare.append(hello)
                ratios.append(rate / hello if hello else float("nan"))
                errors += bad + bad_hello
            median = statistics.median(ratios)
            verdict = "met" if median >= TARGETS[name] else "MISSED"
            print(f"  {name:<10} {statistics.median(mine):>14.0f} {statistics.median(bare):>12.0f}"
                  f" {min(ratios):>10.2f} {median:>8.2f} {max(ratios):>8.2f}  {errors:>6}  "
                  f">= {TARGETS[name]}x {verdict}  "
                  f"({statistics.median(cpu_mine):.2f} / {statistics.median(cpu_bare):.2f})")
        print(f"  {machine_line()}")
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
