"""Rendering cost: 50 article pages of the replica through the browser (Debian's chromium via
scrapy-playwright, NEWSCRAWL_RENDER_URLS=".") against the same 50 pages fetched statically,
in the same run. Prints pages/s and the peak resident memory of the crawl process with all
its children (Playwright's driver, the browser's processes), as PSS.

    python bench/render_bench.py [--pages 50]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env  # noqa: E402
from newscrawl.crawl.rendering import find_browser  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles  # noqa: E402


def tree_rss(pid: int) -> int:
    """Proportional set size (shared pages split between the processes that share them) of a
    process and all its descendants, from /proc: plain RSS would count Chromium's shared
    memory once per process."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration):
            continue
    return total


def crawl(server, urls: list[str], render: bool, tmp: Path) -> dict:
    out = Path(tempfile.mkdtemp(dir=tmp))
    cmd = crawl_command(out, server.base_url, f"{out}/data", "-a", "urls=" + ",".join(urls))
    if render:
        cmd += ["-s", "NEWSCRAWL_RENDER_URLS=."]
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=crawl_env(), stderr=subprocess.DEVNULL)

    def watch():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.05)
    t = threading.Thread(target=watch)
    t.start()
    proc.wait()
    t.join()
    wall = time.perf_counter() - t0
    stats = json.loads((out / "stats.json").read_text())
    return {"wall": wall, "pages": stats.get("response_received_count", 0), "items": stats.get("item_scraped_count", 0),
            "rendered": stats.get("newscrawl/render/pages", 0), "peak": peak[0]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=50)
    args = ap.parse_args()
    if find_browser() is None:
        sys.exit("no Chromium found: apt-get install -y chromium")
    site = ReplicaSite(build_articles(args.pages + 20))
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        urls = [f"{server.base_url}/{a.slug}" for a in site.articles if not a.fail_first and not a.slash_url][:args.pages]
        static = crawl(server, urls, False, Path(tmp))
        rendered = crawl(server, urls, True, Path(tmp))
    print(f"{len(urls)} article pages of the replica, browser: {find_browser()} (wall time includes process start)")
    for name, r in (("static (Scrapy HTTP)", static), ("rendered (chromium)", rendered)):
        print(f"  {name:<22} {r['items']:>3} stored  {r['wall']:6.1f} s  {r['pages'] / r['wall']:6.1f} pages/s  "
              f"peak PSS {r['peak'] / 2**20:6.0f} MiB  (rendered pages: {r['rendered']})")
    print(f"  ratio rendered/static: pages/s {rendered['pages'] / rendered['wall'] / (static['pages'] / static['wall']):.3f}, "
          f"peak memory {rendered['peak'] / static['peak']:.1f}x")


if __name__ == "__main__":
    main()
