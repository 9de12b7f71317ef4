"""Report benchmark: does a long run history stay fast to show?

Fills a throw-away embedded store with N crawl runs (default 100 and 100,000, as a deployment
running every 5 minutes writes in a year) and 2,000 articles, then times `newscrawl report`'s
work (gather from the store + render the page) at each size, with the ratio to the smallest.
The figures are aggregated by the store (Store.run_days) and only the last 200 runs are read
in full, so the page's cost should barely grow. Goal: under 2 s at 100,000 runs.

    python bench/report_bench.py [--runs 100,100000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.codec import dumps, iso  # noqa: E402
from newscrawl.ops.report import gather, render  # noqa: E402
from newscrawl.store import ArticleWriter  # noqa: E402
from newscrawl.store.sqlite import SQLiteStore  # noqa: E402
from tests.report_history import earlier_runs  # noqa: E402

SITE = "https://www.globalbankingandfinance.com"


def fill(store: SQLiteStore, runs: int, now: datetime) -> None:
    template = earlier_runs(SITE, now, n=40)
    rows = []
    for i in range(runs):
        run = dict(template[i % 40], run_id=f"run-{i:07d}")
        run["started_at"] = now - timedelta(minutes=5 * (runs - i))
        run["finished_at"] = run["started_at"] + timedelta(seconds=20)
        rows.append((run["run_id"], iso(run["started_at"]), dumps(run)))
    store._tx(lambda db: db.executemany("INSERT INTO crawl_runs (run_id, started_at, doc) VALUES (?, ?, ?)", rows))
    ArticleWriter(store, 10).write([{"url": f"{SITE}/story-{i}", "title": f"Story {i}", "body": "Text. " * 50,
                                     "content_hash": str(i), "published_at": now - timedelta(hours=i)}
                                    for i in range(2000)], now)


def timed(store) -> tuple[float, int]:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        page = render(gather(store))
        best = min(best, time.perf_counter() - t0)
    return best, len(page.encode())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", default="100,100000")
    sizes = sorted(int(n) for n in ap.parse_args().runs.split(","))
    now = datetime.now(timezone.utc)
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = SQLiteStore(Path(tmp) / "newscrawl.sqlite3")
            store.ensure_indexes()
            fill(store, n, now)
            seconds, size = timed(store)
            store.close()
        results.append((n, seconds, size))
    base = results[0][1]
    print(f"{'runs in the store':>18} {'gather + render':>16} {'vs smallest':>12} {'page':>9}")
    for n, seconds, size in results:
        print(f"{n:>18,} {seconds:>14.3f} s {seconds / base:>11.2f}x {size / 1024:>7.0f} KiB")


if __name__ == "__main__":
    main()
