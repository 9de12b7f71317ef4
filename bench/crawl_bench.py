"""Crawl benchmark: a generated replica of 2,000+ articles, crawled for real.

Prints pages/s and articles/s of the whole crawl (replica server, Scrapy, parsing and the
default pipelines into a throw-away embedded store), CPU ms per article page for parsing
alone, and the crawl's peak memory.

    python bench/crawl_bench.py [--articles 2000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env  # noqa: E402
from newscrawl.extract.article import ArticleParser  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles  # noqa: E402
from newscrawl.urls import SiteRules  # noqa: E402


def parse_cost(server: ReplicaServer) -> tuple[float, float, int]:
    """(median CPU ms per article page, mean, pages) for ArticleParser.parse alone."""
    site = server.site
    pages = []
    for a in site.articles:
        if a.fail_first:
            continue
        with urllib.request.urlopen(server.base_url + site.article_path(a)) as r:
            pages.append((server.base_url + site.article_path(a), r.read().decode()))
    parser = ArticleParser(SiteRules(server.base_url))
    parser.parse(*pages[0])  # warm up (imports)
    costs = []
    for url, html in pages:
        t0 = time.process_time()
        parser.parse(url, html)
        costs.append((time.process_time() - t0) * 1000)
    costs.sort()
    return costs[len(costs) // 2], sum(costs) / len(costs), len(pages)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000, help="generated articles (plus the hand-written ones)")
    args = ap.parse_args()
    site = ReplicaSite(build_articles(args.articles))
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stats.json"
        cmd = crawl_command(tmp, server.base_url, f"{tmp}/data", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05")
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, env=crawl_env())
        wall = time.perf_counter() - t0
        stats = json.loads(out.read_text())
        median, mean, n = parse_cost(server)
    pages = stats.get("response_received_count", 0)
    items = stats.get("item_scraped_count", 0)
    print(f"replica: {len(site.articles)} articles; crawl wall time {wall:.1f} s (process start included)")
    print(f"pages fetched: {pages}  -> {pages / wall:.0f} pages/s")
    print(f"articles stored: {stats.get('newscrawl/store/new', 0)} of {items} scraped -> {items / wall:.0f} articles/s")
    print(f"parsing alone: {median:.2f} ms CPU per article page (median), {mean:.2f} ms mean, over {n} pages")
    print(f"peak memory of the crawl process: {stats.get('memusage/max', 0) / 2**20:.0f} MiB")
    print(f"body by layer: { {k.split('/')[-1]: v for k, v in stats.items() if k.startswith('newscrawl/extraction/body/')} }")


if __name__ == "__main__":
    main()
