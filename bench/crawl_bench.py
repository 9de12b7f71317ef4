"""Crawl benchmark: a generated replica of 2,000+ articles, crawled for real.

Prints pages/s and articles/s of the whole crawl (replica server, Scrapy, parsing and the
default pipelines into a throw-away embedded store), CPU ms per article page for parsing
alone as a ratio to lxml's bare parse of the same pages (same run, by theme), and the
crawl's peak memory.

    python bench/crawl_bench.py [--articles 2000]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env, replica_site  # noqa: E402
from newscrawl.extract.article import ArticleParser  # noqa: E402
from newscrawl.extract.page import parse_html  # noqa: E402
from newscrawl.replica import ReplicaServer  # noqa: E402
from newscrawl.site.rules import SiteRules  # noqa: E402


def parse_cost(server: ReplicaServer) -> dict:
    """CPU ms per article page for ArticleParser.parse alone (from the markup, its own lxml
    parse included) and for lxml's bare parse of the same pages, in the same run; by theme."""
    site = server.site
    pages = []
    for a in site.articles:
        if a.fail_first:
            continue
        with urllib.request.urlopen(server.base_url + site.article_path(a)) as r:
            pages.append((server.base_url + site.article_path(a), r.read().decode()))
    parser = ArticleParser(SiteRules(server.base_url))
    for url, html in pages:  # warm up: imports, the generic layer's first run
        parser.parse(url, html)
    by_theme: dict[str, list[tuple[float, float]]] = {}
    for url, html in pages:
        t0 = time.process_time()
        parse_html(html)
        bare = time.process_time() - t0
        t0 = time.process_time()
        theme = parser.parse(url, html).extraction["theme"]
        by_theme.setdefault(theme, []).append((bare * 1000, (time.process_time() - t0) * 1000))
    every = [c for costs in by_theme.values() for c in costs]
    parse_ms = sorted(c[1] for c in every)
    return {"pages": len(every), "median": parse_ms[len(parse_ms) // 2],
            "mean": sum(parse_ms) / len(every), "bare": sum(c[0] for c in every) / len(every),
            "themes": {t: (len(c), sum(x[0] for x in c) / len(c), sum(x[1] for x in c) / len(c))
                       for t, c in sorted(by_theme.items())}}


def main() -> None:
    site = replica_site()
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stats.json"
        cmd = crawl_command(tmp, server.base_url, f"{tmp}/data", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05")
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, env=crawl_env())
        wall = time.perf_counter() - t0
        stats = json.loads(out.read_text())
        cost = parse_cost(server)
    pages = stats.get("response_received_count", 0)
    items = stats.get("item_scraped_count", 0)
    print(f"replica: {len(site.articles)} articles; crawl wall time {wall:.1f} s (process start included)")
    print(f"pages fetched: {pages}  -> {pages / wall:.0f} pages/s")
    print(f"articles stored: {stats.get('newscrawl/store/new', 0)} of {items} scraped -> {items / wall:.0f} articles/s")
    print(f"parsing alone: {cost['median']:.2f} ms CPU per article page (median), {cost['mean']:.2f} ms mean, "
          f"over {cost['pages']} pages; lxml's bare parse of the same pages {cost['bare']:.2f} ms "
          f"-> {cost['mean'] / cost['bare']:.1f}x")
    for theme, (n, bare, full) in cost["themes"].items():
        print(f"  theme {theme:<9} {n:>5} pages: parse {full:.2f} ms vs bare {bare:.2f} ms -> {full / bare:.1f}x")
    print(f"peak memory of the crawl process: {stats.get('memusage/max', 0) / 2**20:.0f} MiB")
    print(f"themes: { {k.split('/')[-1]: v for k, v in stats.items() if k.startswith('newscrawl/theme/')} }")
    print(f"body by layer: { {k.split('/')[-1]: v for k, v in stats.items() if k.startswith('newscrawl/extraction/body/')} }")


if __name__ == "__main__":
    main()
