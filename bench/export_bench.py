"""`newscrawl export` memory on a large store: writes N synthetic articles into a throw-away
embedded store, then streams them to JSON Lines and CSV and prints the peak Python memory.

    python bench/export_bench.py [--articles 100000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.ops.cli import main as cli  # noqa: E402
from newscrawl.site.text import content_hash  # noqa: E402
from newscrawl.store import ArticleWriter  # noqa: E402
from newscrawl.store.sqlite import SQLiteStore  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    n = ap.parse_args().articles
    tmp = Path(tempfile.mkdtemp())
    store = SQLiteStore(tmp / "newscrawl.sqlite3")
    store.ensure_indexes()
    writer = ArticleWriter(store, 10)
    t0, now = time.perf_counter(), datetime.now(timezone.utc)
    body = "\n\n".join(["A paragraph of about twenty words on rates, lenders and the outlook "
                        "for savers in the coming quarter, said analysts."] * 8)
    for start in range(0, n, 1000):
        batch = [{"url": f"https://www.globalbankingandfinance.com/story-{i}", "title": f"Story {i}",
                  "category": "Finance", "tags": ["Rates"], "authors": ["A Writer"], "body": body,
                  "content_hash": content_hash(body), "language": "en",
                  "published_at": now - timedelta(minutes=i)} for i in range(start, min(n, start + 1000))]
        writer.write(batch, now)
    store.close()
    print(f"{n} articles written in {time.perf_counter() - t0:.0f} s ({(tmp / 'newscrawl.sqlite3').stat().st_size / 2**20:.0f} MiB store)")
    for fmt in ("jsonl", "csv"):
        out = tmp / f"export.{fmt}"
        tracemalloc.start()
        t0 = time.perf_counter()
        cli(["export", "--format", fmt, "--out", str(out), "--data-dir", str(tmp)])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"export {fmt}: {time.perf_counter() - t0:.1f} s, file {out.stat().st_size / 2**20:.0f} MiB, "
              f"peak Python memory {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
