"""Freshness benchmark: how soon is a new or edited article in the store, at what cost?

The replica publishes on a random (Poisson) schedule and edits some recent articles, in
compressed time (``--speed 20``: a site hour in 3 real minutes). Two ways of keeping the
store current run against their own copy of the same schedule:

- ``watch``: `newscrawl watch` with its intervals scaled by the speed (by default 60 s to
  15 min between polls of a change signal, a discovery every hour: ``--watch-min``,
  ``--watch-max``, ``--discovery``);
- ``scheduled``: `scrapy crawl gbaf` every ``--every`` site minutes (incremental runs).

Each run has a quiet phase first (nothing changes: requests an hour while idle), then the
active phase. Printed in site time: publish-to-stored p50/p95, edit-to-stored p95,
requests an hour while nothing changes, article-page requests per new article, all
requests per new article, missed articles (not stored by the end). Goals (issue #21): p95
publish-to-stored <= 60 s, <= 60 requests an hour idle, <= 1.1 requests per new article, 0 missed.

    python bench/freshness_bench.py [--speed 20] [--hours 1] [--rate 6] [--every 15] [--quiet 30]
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.crawl.figures import percentile  # noqa: E402
from newscrawl.replica import ReplicaSite, fresh_articles  # noqa: E402
from newscrawl.replica.server import ReplicaServer  # noqa: E402
from newscrawl.store.sqlite import SQLiteStore  # noqa: E402


def schedule(hours: float, rate: float, edits: float, seed: int) -> list[tuple[float, str]]:
    """(site seconds after the active phase starts, "publish" | "edit"), Poisson arrivals."""
    rng = random.Random(seed)
    out = []
    for kind, per_hour in (("publish", rate), ("edit", edits)):
        t = 0.0
        while True:
            t += rng.expovariate(per_hour / 3600)
            if t >= hours * 3600:
                break
            out.append((t, kind))
    return sorted(out)


class Site:
    """The replica, its server and what the bench did to it (real times)."""

    def __init__(self, seed: int):
        self.site = ReplicaSite()
        self.server = ReplicaServer(self.site).__enter__()
        self.base = self.server.base_url
        self.published: dict[str, float] = {}  # url -> real time of publication
        self.edited: dict[str, float] = {}  # url -> real time of the edit
        self.rng = random.Random(seed)
        self.n = 0

    def publish(self) -> None:
        self.n += 1
        now = datetime.now(timezone.utc)
        (a,) = fresh_articles(1, now, seed=1000 + self.n)
        a = replace(a, published=now.replace(microsecond=0))
        self.site.publish([a])
        self.published[f"{self.base}/{a.slug}"] = time.time()

    def edit(self) -> None:
        # a recent article the bench did not publish (its fetches count as requests per new article)
        recent = [a for a in self.site.ordered if f"{self.base}/{a.slug}" not in self.edited
                  and f"{self.base}/{a.slug}" not in self.published
                  and not a.fail_first and a.kind not in ("legacy", "bare")][:8]
        if not recent:
            return
        a = self.rng.choice(recent)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.site.edit(a.slug, blocks=a.blocks + [("p", f"Update: {a.title} was corrected.")], updated=now)
        self.edited[f"{self.base}/{a.slug}"] = time.time()

    def requests(self) -> list:
        with self.site.lock:
            return list(self.site.requests)

    def close(self) -> None:
        self.server.__exit__(None, None, None)


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}


def start_watch(site: Site, data: Path, speed: float, args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newscrawl", "watch", "--data-dir", str(data),
                             "-a", f"base_url={site.base}", "--min-interval", str(args.watch_min / speed),
                             "--max-interval", str(args.watch_max / speed),
                             "--discovery-interval", str(args.discovery / speed),
                             "-s", f"NEWSCRAWL_WATCH_PERIOD={3600 / speed}", "-s", "LOG_LEVEL=WARNING"],
                            cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def crawl_once(site: Site, data: Path) -> None:
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={site.base}",
                    "-s", f"NEWSCRAWL_DATA_DIR={data}", "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, env=env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


class Scheduled:
    """Incremental runs every ``every`` real seconds, in a thread (a cron's loop)."""

    def __init__(self, site: Site, data: Path, every: float):
        self.site, self.data, self.every = site, data, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self) -> None:
        while not self.stop.is_set():
            started = time.time()
            crawl_once(self.site, self.data)
            self.stop.wait(max(0.0, self.every - (time.time() - started)))

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def stored(data: Path) -> dict[str, dict]:
    store = SQLiteStore(data / "newscrawl.sqlite3", readonly=True)
    try:
        from newscrawl.store import Filters
        return {d["url"]: d for d in store.find(Filters())}
    finally:
        store.close()


def measure(mode: str, args, plan: list[tuple[float, str]]) -> dict:
    site = Site(args.seed)
    data = Path(tempfile.mkdtemp(prefix=f"fresh-{mode}-"))
    speed = args.speed
    crawl_once(site, data)  # the store starts with the site as it is (both modes)
    runner = start_watch(site, data, speed, args) if mode == "watch" else Scheduled(site, data, args.every * 60 / speed)
    try:
        time.sleep(5 * 60 / speed)  # settle: the first poll or run has happened
        quiet_start = len(site.requests())
        time.sleep(args.quiet * 60 / speed)
        quiet = site.requests()[quiet_start:]
        active_start, t0 = len(site.requests()), time.time()
        for at, kind in plan:
            delay = t0 + at / speed - time.time()
            if delay > 0:
                time.sleep(delay)
            site.publish() if kind == "publish" else site.edit()
        time.sleep(args.grace * 60 / speed)
        active = site.requests()[active_start:]
    finally:
        if mode == "watch":
            runner.send_signal(signal.SIGTERM)
            runner.wait(120)
        else:
            runner.close()
        site.close()
    docs = stored(data)
    lags = [(docs[u]["first_seen_at"].timestamp() - t) * speed for u, t in site.published.items() if u in docs]
    edit_lags = []
    for u, t in site.edited.items():
        changes = [h["changed_at"].timestamp() for h in (docs.get(u) or {}).get("history") or []
                   if h["changed_at"].timestamp() >= t]
        if changes:
            edit_lags.append((min(changes) - t) * speed)
    slugs = {urlsplit(u).path.strip("/") for u in site.published}
    article_paths = {a.slug for a in site.site.articles}
    article_requests = [r for r in active if urlsplit(r.path).path.strip("/") in article_paths]
    new_requests = [r for r in article_requests if urlsplit(r.path).path.strip("/") in slugs]
    n_new = len(site.published)
    return {
        "mode": mode, "new": n_new, "edits": len(site.edited),
        "p50": percentile(lags, 0.5) if lags else None, "p95": percentile(lags, 0.95) if lags else None,
        "edit_p95": percentile(edit_lags, 0.95) if edit_lags else None, "edits_stored": len(edit_lags),
        "idle_per_hour": len(quiet) / (args.quiet / 60),
        "article_requests_per_new": len(new_requests) / n_new if n_new else None,
        "requests_per_new": len(active) / n_new if n_new else None,
        "missed": n_new - len(lags),
    }


def fmt(v, unit=""):
    return "-" if v is None else f"{v:.1f}{unit}" if isinstance(v, float) else f"{v}{unit}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--speed", type=float, default=20.0, help="site seconds per real second (default 20)")
    p.add_argument("--hours", type=float, default=1.0, help="site hours of publishing (default 1)")
    p.add_argument("--rate", type=float, default=6.0, help="new articles a site hour (default 6)")
    p.add_argument("--edits", type=float, default=2.0, help="edits of recent articles a site hour (default 2)")
    p.add_argument("--every", type=float, default=15.0, help="scheduled runs: every N site minutes (default 15)")
    p.add_argument("--quiet", type=float, default=30.0, help="site minutes with nothing new, first (default 30)")
    p.add_argument("--grace", type=float, default=20.0, help="site minutes after the last change (default 20)")
    p.add_argument("--modes", default="watch,scheduled")
    p.add_argument("--watch-min", type=float, default=60.0, help="watch: --min-interval, site seconds (default 60)")
    p.add_argument("--watch-max", type=float, default=900.0, help="watch: --max-interval, site seconds (default 900)")
    p.add_argument("--discovery", type=float, default=3600.0, help="watch: --discovery-interval (default 3600)")
    p.add_argument("--seed", type=int, default=21)
    args = p.parse_args()
    plan = schedule(args.hours, args.rate, args.edits, args.seed)
    print(f"{sum(k == 'publish' for _, k in plan)} new articles and {sum(k == 'edit' for _, k in plan)} edits in "
          f"{args.hours:g} site hour(s), at {args.speed:g}x (site time below)")
    print(f"{'mode':<10} {'p50 new':>9} {'p95 new':>9} {'p95 edit':>9} {'idle req/h':>10} {'art req/new':>11} "
          f"{'req/new':>8} {'missed':>6}")
    for mode in args.modes.split(","):
        r = measure(mode, args, plan)
        print(f"{mode:<10} {fmt(r['p50'], ' s'):>9} {fmt(r['p95'], ' s'):>9} {fmt(r['edit_p95'], ' s'):>9} "
              f"{fmt(r['idle_per_hour']):>10} {fmt(r['article_requests_per_new']):>11} {fmt(r['requests_per_new']):>8} "
              f"{r['missed']:>6}", flush=True)
    print("goals: p95 new <= 60 s, idle <= 60 requests an hour, <= 1.1 requests per new article, 0 missed")


if __name__ == "__main__":
    main()
