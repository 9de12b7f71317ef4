"""The web archive's cost and what it buys: bytes archived per stored article (WARC files and
their CDXJ index, every response of a first crawl of the replica: listings, sitemaps, feeds,
robots.txt and article pages), and the reparse rate against a `refresh=all` crawl of the same
replica, measured in the same run (the baseline: the crawl that would otherwise re-read every
article, here with no download delay, so the ratio is the least a reparse gains; with the
default politeness, 0.5 s between requests, a crawl is far slower still).

Usage: python bench/archive_bench.py [--articles 1000]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import crawl_command, crawl_env, replica_site  # noqa: E402
from newscrawl.replica import ReplicaServer  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=crawl_env(), timeout=3600)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed


def stored(out: Path) -> int:
    return json.loads((out / "stats.json").read_text()).get("item_scraped_count", 0)


def main() -> int:
    site = replica_site(1000)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        data, runs = Path(tmp) / "data", Path(tmp)
        first = runs / "first"
        first.mkdir()
        timed(crawl_command(first, server.base_url, data, *FAST))
        articles = stored(first)
        archive = data / "archive"
        warc = sum(f.stat().st_size for f in archive.rglob("*.warc.gz"))
        cdxj = sum(f.stat().st_size for f in archive.rglob("*.cdxj"))
        records = sum(len(f.read_text().splitlines()) for f in archive.rglob("*.cdxj"))
        print(f"archive of a first crawl: {records} records for {articles} articles; {warc / 1e6:.1f} MB of WARC "
              f"+ {cdxj / 1e6:.2f} MB of index = {(warc + cdxj) / articles / 1e3:.1f} kB per article, "
              f"{(warc + cdxj) / articles:.0f} B ({(warc + cdxj) / articles * 1000 / 1e6:.1f} MB per 1,000 articles)")
        again = runs / "refresh-all"
        again.mkdir()
        site.reset_log()
        crawl_s = timed(crawl_command(again, server.base_url, data, *FAST, "-a", "refresh=all"))
        crawl_requests = len(site.requests)
        site.reset_log()
        reparse = runs / "reparse"
        reparse.mkdir()
        one_s = timed(crawl_command(reparse, server.base_url, data, "-a", "reparse=1", "-a", f"archive={archive}"))
        reparsed = stored(reparse)
        two_s = timed([sys.executable, "-m", "newscrawl", "reparse", "--data-dir", str(data), "--processes", "2",
                       "--site", server.base_url])
        assert site.requests == [], "a reparse sent a request to the site"
        print(f"refresh=all crawl: {articles} articles in {crawl_s:.1f} s ({articles / crawl_s:.0f} articles/s, "
              f"{crawl_requests} requests)")
        print(f"reparse, 1 process: {reparsed} articles in {one_s:.1f} s ({reparsed / one_s:.0f} articles/s, 0 requests)"
              f" = {crawl_s / one_s:.1f}x the crawl's rate")
        print(f"reparse, 2 processes: {two_s:.1f} s ({reparsed / two_s:.0f} articles/s) = {crawl_s / two_s:.1f}x")
    return 0 if reparsed == articles else 1


if __name__ == "__main__":
    raise SystemExit(main())


