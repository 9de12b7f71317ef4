"""Distributed crawling on scrapy-redis: the 2,000-article replica crawled by 1 and 2 workers
sharing a real redis-server, against the single-process crawl measured in the same run.

Prints pages/s (wall time from start to exit: the workers' drain check, NEWSCRAWL_DRAIN_SECONDS
plus up to one 5 s engine heartbeat, is included), the CPU seconds the crawl processes used per
page (the per-worker overhead of the Redis scheduler is the 1-worker figure against the
single-process one), and Redis memory per seen URL (dupefilter) and per queued request.

    python bench/distributed_bench.py [--articles 2000]

Needs redis-server (Debian's package) on the PATH.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.runner import crawl_command, crawl_env, replica_site  # noqa: E402
from newscrawl.replica import ReplicaServer, ReplicaSite  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def crawl(server, tmp: Path, name: str, workers: int, redis_url: str | None) -> dict:
    data = tmp / name
    data.mkdir()
    env = crawl_env()
    procs = []
    cpu0, t0 = children_cpu(), time.perf_counter()
    for i in range(workers):
        out = data / f"w{i}"
        out.mkdir()
        cmd = crawl_command(out, server.base_url, f"{data}/store", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05",
                            "-s", "NEWSCRAWL_DRAIN_SECONDS=1")
        if redis_url:
            cmd += ["-s", f"REDIS_URL={redis_url}"]
        procs.append((out, subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)))
    for _, p in procs:
        p.wait()
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    stats = [json.loads((out / "stats.json").read_text()) for out, _ in procs]
    pages = sum(s.get("response_received_count", 0) for s in stats)
    stored = sum(s.get("newscrawl/store/new", 0) for s in stats)
    return {"name": name, "wall": wall, "cpu": cpu, "pages": pages, "stored": stored}


def redis_memory(redis: RedisServer, site: ReplicaSite, base: str, n: int) -> tuple[float, float]:
    """(bytes per seen URL in the dupefilter set, bytes per request in the leased queue)."""
    from scrapy.utils.test import get_crawler
    from scrapy_redis import picklecompat

    from newscrawl.cluster.queue import LeasedPriorityQueue
    from newscrawl.conf import project_settings
    from newscrawl.spiders.gbaf import GbafSpider
    client = redis.client
    client.flushall()
    fp = get_crawler().request_fingerprinter
    spider = GbafSpider(base_url=base)
    spider._configure(project_settings())  # the requests it makes, as in a crawl
    urls = [f"{base}/{a.slug}-{i}" for i in range(n // len(site.articles) + 1) for a in site.articles][:n]
    used = lambda: client.info("memory")["used_memory"]  # noqa: E731
    m0 = used()
    pipe = client.pipeline(transaction=False)
    for u in urls:
        pipe.sadd("bench:dupefilter", fp.fingerprint(spider._article_request(u)))
    pipe.execute()
    per_url = (used() - m0) / n
    m1 = used()
    q = LeasedPriorityQueue(client, spider, "bench:g:requests", picklecompat)
    for u in urls:
        q.push(spider._article_request(u))
    per_request = (used() - m1) / n
    client.flushall()
    return per_url, per_request


def main() -> None:
    site = replica_site()
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        redis = RedisServer(Path(tmp))
        try:
            runs = [crawl(server, Path(tmp), "single process", 1, None),
                    crawl(server, Path(tmp), "1 worker (Redis)", 1, redis.url),
                    crawl(server, Path(tmp), "2 workers (Redis)", 2, redis.url)]
            per_url, per_request = redis_memory(redis, site, server.base_url, 100_000)
        finally:
            redis.stop()
    base = runs[0]
    print(f"replica: {len(site.articles)} articles; 2 cores shared by the replica, Redis and the crawlers")
    print(f"{'run':<20} {'pages':>6} {'stored':>6} {'wall s':>7} {'pages/s':>8} {'ratio':>6} {'CPU ms/page':>12} {'ratio':>6}")
    for r in runs:
        rate = r["pages"] / r["wall"]
        cpu_pp = r["cpu"] * 1000 / r["pages"]
        print(f"{r['name']:<20} {r['pages']:>6} {r['stored']:>6} {r['wall']:>7.1f} {rate:>8.1f} "
              f"{rate / (base['pages'] / base['wall']):>6.2f} {cpu_pp:>12.2f} "
              f"{cpu_pp / (base['cpu'] * 1000 / base['pages']):>6.2f}")
    print(f"Redis memory: {per_url:.0f} bytes per seen URL (dupefilter set), {per_request:.0f} bytes per queued "
          f"request (leased priority queue, pickled) -> {per_url * 1e6 / 2**20:.0f} MiB and "
          f"{per_request * 1e6 / 2**20:.0f} MiB per million")


if __name__ == "__main__":
    main()
