"""The fault matrix on a 500-article hostile replica: one crawl, one row per fault.

    python bench/faults_bench.py [--articles 500] [--seed 13]

Columns: requests the replica answered for the fault's path, of which retried (non-2xx/3xx
answers or broken transfers before the last), the outcome, articles stored, lost (articles
that should be stored and are not) and duplicated (stored twice), and the crawl's peak memory.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles, expected_articles  # noqa: E402
from newscrawl.replica.faults import ARTICLE_FAULTS, SITE_FAULTS, FaultPlan  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    plan = FaultPlan(seed=args.seed)
    site = ReplicaSite(build_articles(args.articles), faults=plan)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        cmd = crawl_command(tmp, server.base_url, f"{tmp}/data", "-s", "DOWNLOAD_TIMEOUT=2",
                            "-s", "NEWSCRAWL_BACKOFF_MAX=2")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=crawl_env(), stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        stats = json.loads((Path(tmp) / "stats.json").read_text())
        items = [json.loads(line) for line in (Path(tmp) / "items.jsonl").read_text().splitlines()]
    urls = Counter(i["url"] for i in items)
    base = server.base_url
    expected = set(expected_articles(site, base))
    peak = stats.get("memusage/max", 0) / 2**20
    print(f"{len(site.articles)} articles, seed {args.seed}: crawl exit {proc.returncode}, "
          f"{stats.get('finish_reason')}, {wall:.1f} s, {len(items)} articles stored, peak memory {peak:.0f} MiB")
    print(f"{'fault':<20} {'requests':>8} {'retried':>7}  {'outcome':<32} {'stored':>6} {'lost':>4} {'dup':>3}")
    total_lost = total_dup = 0
    for fault, (_, promise) in ARTICLE_FAULTS.items():
        slug = plan.slug_of(fault)
        log = [(p, s) for p, s in site.log if urlsplit(p).path.strip("/") == slug]
        retried = 0 if fault.startswith("redirect") else max(0, len(log) - 1)
        url = f"{base}/{slug}"
        stored = urls.get(url, 0)
        outcome = "stored" if stored else next((k.split("/")[-1] for k in stats if k.startswith("newscrawl/dropped/")
                                                and promise.endswith(k.split("/")[-1])), None)
        if outcome is None:
            offsite = [p for p, _ in site.log if "elsewhere" in p or "staging" in p]
            outcome = "never_fetched" if not offsite and stats.get("offsite/filtered") else "not stored"
        should = promise == "stored"
        lost = int(should and not stored)
        dup = max(0, stored - 1)
        total_lost += lost
        total_dup += dup
        print(f"{fault:<20} {len(log):>8} {retried:>7}  {outcome + ('' if outcome == promise.split(':')[-1] or should else ' (promised ' + promise + ')'):<32} "
              f"{stored:>6} {lost:>4} {dup:>3}")
    others = expected - {f"{base}/{s}" for s, f in plan.by_slug.items() if ARTICLE_FAULTS[f][1] != "stored"}
    site_lost = len(others - set(urls))
    for fault in SITE_FAULTS:
        print(f"{fault:<20} {'-':>8} {'-':>7}  {'survived' if stats.get('finish_reason') == 'finished' else 'CRASHED':<32} "
              f"{'-':>6} {'-':>4} {'-':>3}")
    dup_all = sum(max(0, n - 1) for n in urls.values())
    print(f"all other articles: {len(others)} expected, lost {site_lost}; duplicated in all: {dup_all}; "
          f"faults tried {len(ARTICLE_FAULTS) + len(SITE_FAULTS)}, lost {total_lost + site_lost}, "
          f"duplicated {total_dup + dup_all}")


if __name__ == "__main__":
    main()
