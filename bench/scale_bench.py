"""Scale benchmark: does the cost of a page stay flat as the site grows?

Crawls generated replicas of several sizes (default 2,000, 20,000 and 50,000 articles: about
10 minutes on 2 cores) for real, each in a fresh process into a throw-away embedded store, and
prints, per size, CPU ms per fetched page (user + system of the crawl process only: the replica server runs in this process),
pages/s and peak memory, with the ratio to the smallest size. The baseline, measured the same
way in the same run on the smallest replica: a generic follow-all Scrapy spider
(bench/followall.py: every same-site link, robots.txt obeyed, no extraction).

    python bench/scale_bench.py [--sizes 2000,20000,50000] [--pages N] [--profile DIR]

``--pages N`` stops every crawl (the follow-all one too) after N pages (CLOSESPIDER_PAGECOUNT):
the cost of a page at each site size, in bounded time (200,000 articles crawled whole take an
hour here); memory then says nothing of a whole crawl. ``--profile DIR`` writes a cProfile of
each crawl (DIR/crawl-N.prof) for finding what grows.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles  # noqa: E402


def measured(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd``; its (CPU seconds, wall seconds, peak RSS MiB), from the kernel's accounting."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=crawl_env())
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"scale_bench: {' '.join(cmd[:3])} ... exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def crawl(size: int, profile: str | None, pages: int = 0) -> dict:
    site = ReplicaSite(build_articles(size))
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        cmd = crawl_command(tmp, server.base_url, f"{tmp}/data", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05",
                            "-s", f"CLOSESPIDER_PAGECOUNT={pages}")
        if profile:
            cmd[1:1] = ["-m", "cProfile", "-o", str(Path(profile) / f"crawl-{size}.prof")]
        cpu, wall, rss = measured(cmd)
        stats = json.loads((Path(tmp) / "stats.json").read_text())
    pages = stats.get("response_received_count", 0)
    return {"label": f"gbaf, {len(site.articles):,} articles", "pages": pages, "cpu": cpu, "wall": wall,
            "rss": rss, "stored": stats.get("newscrawl/store/new", 0), "articles": len(site.articles)}


def follow_all(size: int, pages: int = 0) -> dict:
    site = ReplicaSite(build_articles(size))
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stats.json"
        cpu, wall, rss = measured([sys.executable, str(ROOT / "bench" / "followall.py"), server.base_url, str(out),
                                   str(pages)])
        stats = json.loads(out.read_text())
    pages = stats.get("response_received_count", 0)
    return {"label": f"follow-all, {len(site.articles):,} articles", "pages": pages, "cpu": cpu, "wall": wall,
            "rss": rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="2000,20000,50000", help="generated articles per replica, comma-separated")
    ap.add_argument("--pages", type=int, default=0, help="stop each crawl after N pages (0: the whole site)")
    ap.add_argument("--profile", metavar="DIR", help="write a cProfile of each gbaf crawl into DIR")
    opts = ap.parse_args()
    sizes = sorted(int(s) for s in opts.sizes.split(","))
    if opts.profile:
        os.makedirs(opts.profile, exist_ok=True)
    rows = [follow_all(sizes[0], opts.pages)] + [crawl(n, opts.profile, opts.pages) for n in sizes]
    base = rows[1]["cpu"] * 1000 / rows[1]["pages"]
    follow = rows[0]["cpu"] * 1000 / rows[0]["pages"]
    print(f"{'crawl':<28} {'pages':>7} {'CPU ms/page':>12} {'vs smallest':>12} {'vs follow-all':>14} "
          f"{'pages/s':>8} {'peak MiB':>9}")
    for r in rows:
        per_page = r["cpu"] * 1000 / r["pages"]
        print(f"{r['label']:<28} {r['pages']:>7,} {per_page:>12.1f} {per_page / base:>11.2f}x "
              f"{per_page / follow:>13.2f}x {r['pages'] / r['wall']:>8.0f} {r['rss']:>9.0f}")
    for r in rows[1:]:
        if r["stored"] != r["articles"] and not opts.pages:
            print(f"WARNING: {r['label']}: {r['stored']} stored of {r['articles']}")


if __name__ == "__main__":
    main()
