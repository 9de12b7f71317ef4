"""Incremental re-runs on the 2,000-article replica: what a scheduled re-run costs.

Runs, into one throw-away embedded store: a full crawl (the baseline), a re-run after the
site moved on (20 new articles, 5 recent ones edited), and a re-run of the unchanged site.
For each re-run it prints total requests (the replica's own log), requests by kind, 304s,
wall time, and requests per new-or-changed article, against the goal of the issue:

  unchanged site <= discovery (robots, sitemap index, news sitemap, feed, page 1 of each
                    category, the home page) + 304 revisits
  changed site   <= that + 1.05 x (new + changed) + the sitemap files whose lastmod moved
                    (+ the listing pages past page 1 that hold new articles, printed apart)

    python bench/incremental_bench.py [--articles 2000]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env, replica_site  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite, fresh_articles  # noqa: E402
from newscrawl.replica.content import CATEGORIES  # noqa: E402


def crawl(server, tmp: str, n: int) -> tuple[float, dict]:
    out = Path(tmp) / f"run-{n}"
    out.mkdir()
    cmd = crawl_command(out, server.base_url, f"{tmp}/data", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05")
    server.site.reset_log()
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, env=crawl_env())
    return time.perf_counter() - t0, json.loads((out / "stats.json").read_text())


def kind_of(path: str, site: ReplicaSite) -> str:
    p = urlsplit(path).path
    if p.strip("/") in site.by_slug:
        return "article"
    if p.startswith("/category/"):
        return "listing"
    if "sitemap" in p:
        return "sitemap"
    return {"/robots.txt": "robots", "/feed/": "feed", "/rss.xml": "feed", "/": "home"}.get(p, "other")


def report(name: str, wall: float, stats: dict, site: ReplicaSite, changed: int) -> None:
    reqs = site.requests
    by_path_kind = Counter(kind_of(r.path, site) for r in reqs)
    uncond_articles = sum(1 for r in reqs if kind_of(r.path, site) == "article" and not r.conditional)
    not_modified = sum(1 for r in reqs if r.status == 304)
    revisit_304 = sum(1 for r in reqs if r.status == 304 and kind_of(r.path, site) == "article")
    sitemap_files = sum(1 for r in reqs if urlsplit(r.path).path.startswith("/sitemaps/"))
    n_categories = len(CATEGORIES)
    # robots x2 (Scrapy's RobotsTxtMiddleware + the spider's), sitemap index, news sitemap,
    # the two feeds robots.txt names, page 1 of each category and sub-category, the home page
    discovery = 2 + 1 + 1 + 2 + n_categories + 1
    budget = discovery + revisit_304 + sitemap_files + 1.05 * changed
    deeper = sum(1 for r in reqs if kind_of(r.path, site) == "listing") - n_categories
    kinds = {k[len("newscrawl/requests/"):]: v for k, v in stats.items() if k.startswith("newscrawl/requests/")}
    print(f"\n{name}: {stats.get('newscrawl/mode')} mode, {wall:.1f} s wall (process start included)")
    print(f"  requests to the site: {len(reqs)}  by path: {dict(sorted(by_path_kind.items()))}")
    print(f"  requests by kind (spider): {kinds}")
    print(f"  304 Not Modified: {not_modified} ({revisit_304} article revisits); "
          f"article pages fetched unconditionally: {uncond_articles}")
    print(f"  stored: {stats.get('newscrawl/store/new', 0)} new, {stats.get('newscrawl/store/updated', 0)} updated, "
          f"{stats.get('newscrawl/store/unchanged', 0)} unchanged")
    if changed:
        print(f"  requests per new-or-changed article: {len(reqs) / changed:.2f} "
              f"(articles only: {by_path_kind['article'] / changed:.2f})")
    print(f"  goal: <= {budget:.0f} requests (discovery {discovery} + 304 revisits {revisit_304} + sitemap files "
          f"{sitemap_files} + 1.05 x {changed}): {'met' if len(reqs) <= budget else 'NOT met'}; "
          f"listing pages past page 1: {deeper} (without them {len(reqs) - deeper}: "
          f"{'met' if len(reqs) - deeper <= budget else 'NOT met'})")


def main() -> None:
    site = replica_site()
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        wall, stats = crawl(server, tmp, 0)
        print(f"replica: {len(site.articles)} articles")
        print(f"full crawl (baseline): {len(site.requests)} requests, {wall:.1f} s, "
              f"{stats.get('newscrawl/store/new', 0)} stored")
        full_requests, full_wall = len(site.requests), wall

        now = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
        recent = [a for a in site.ordered if not a.fail_first][:5]
        for a in recent:
            site.edit(a.slug, blocks=a.blocks + [("p", "A paragraph added when the story was re-imported.")],
                      updated=now)
        site.publish(fresh_articles(20, now))
        wall, stats = crawl(server, tmp, 1)
        report("re-run, changed site (20 new, 5 edited)", wall, stats, site, 25)
        print(f"  ratio to the full crawl: requests {len(site.requests) / full_requests:.3f}, "
              f"wall {wall / full_wall:.2f}")

        wall, stats = crawl(server, tmp, 2)
        report("re-run, unchanged site", wall, stats, site, 0)
        print(f"  ratio to the full crawl: requests {len(site.requests) / full_requests:.3f}, "
              f"wall {wall / full_wall:.2f}")


if __name__ == "__main__":
    main()
