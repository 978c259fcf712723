#!/usr/bin/env python
"""The dashboard's image weight as a browser fetches it, on a wide screen and on a phone.

Reads the dashboard page through the Flask test client, takes the chart each <picture>
shows at each width (the <img> on screens wider than 40rem, the <source> with
`size=narrow` on phones) and the PNG download beside it, and prints the bytes of each
chart raw and gzip-compressed (level 6, as the app's compression answers a client that
accepts gzip), with the totals. The PNGs are what the page showed before it served SVG.

Examples (from the project root; build the workload first with bench/workloads.py colombia):
  .venv/bin/python bench/chart_bytes.py
  .venv/bin/python bench/chart_bytes.py --slug colombia-2016-demo --as-of 2019-02-28
"""
from __future__ import annotations

import argparse
import gzip
import logging
import os
import re
import sys
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_URL = f"sqlite:///{OUT_DIR / 'colombia.db'}"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("MPLCONFIGDIR", str(OUT_DIR / "matplotlib"))

PICTURE = re.compile(r'<source media="[^"]+" srcset="([^"]+)"[^>]*>\s*<img src="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--slug", default="colombia-2016-demo")
    parser.add_argument("--as-of", default=date.today().isoformat())
    args = parser.parse_args()

    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATELIMIT_ENABLED": False})
    logging.getLogger("tracker.request").setLevel(logging.WARNING)
    client = app.test_client()
    page = client.get(f"/accords/{args.slug}/dashboard?as_of={args.as_of}")
    if page.status_code != 200:
        raise SystemExit(f"dashboard: {page.status_code}")
    pictures = PICTURE.findall(page.get_data(as_text=True))
    if not pictures:
        raise SystemExit("no <picture> with a narrow source on the dashboard")
    totals = {"png": [0, 0], "wide": [0, 0], "narrow": [0, 0]}
    print(f"{args.slug} as of {args.as_of}: bytes raw / gzip")
    print(f"{'chart':<12}{'PNG (before)':>22}{'SVG wide':>22}{'SVG narrow':>22}")
    for narrow, wide in pictures:
        narrow, wide = narrow.replace("&amp;", "&"), wide.replace("&amp;", "&")
        png = wide.replace(".svg?", ".png?")
        row = []
        for kind, url in (("png", png), ("wide", wide), ("narrow", narrow)):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            data = response.get_data()
            packed = len(gzip.compress(data, 6))
            totals[kind][0] += len(data)
            totals[kind][1] += packed
            row.append(f"{len(data):>10,} / {packed:>9,}")
        name = wide.split("/")[-1].split(".")[0]
        print(f"{name:<12}" + "".join(f"{cell:>22}" for cell in row))
    print(f"{'total':<12}" + "".join(f"{raw:>10,} / {packed:>9,}".rjust(22)
                                     for raw, packed in totals.values()))


if __name__ == "__main__":
    main()
