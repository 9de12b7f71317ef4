"""Distributed crawling with a real redis-server: workers in their own processes, one shared
frontier, the replica's request log as the truth."""
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest

from newscrawl.archive import ArchiveIndex
from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles

from .conftest import ROOT
from .redis_server import RedisServer
from .test_storage import docs, runs


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def site_server():
    with ReplicaServer(ReplicaSite()) as server:
        yield server


def worker(tmp_path, redis_url, base, name, *extra):
    """One `scrapy crawl gbaf` worker process (the project's crawl command)."""
    log = tmp_path / f"{name}.log"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={base}",
           "-s", f"REDIS_URL={redis_url}", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}",
           "-s", "MONGO_URI=", "-s", "NEWSCRAWL_DRAIN_SECONDS=1", "-s", "NEWSCRAWL_FLUSH_SECONDS=0.5",
           "-s", "NEWSCRAWL_BACKOFF_BASE=0.05", "-s", f"LOG_FILE={log}",
           # each worker's run checks see only its share: a few of the replica's deliberately bad
           # pages can be a quarter of a small share, which is no fault of the worker
           "-s", "NEWSCRAWL_MONITOR_MAX_DROP_RATE=1", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs, timeout=120):
    out = []
    try:
        for p in procs:
            _, err = p.communicate(timeout=timeout)
            out.append((p.returncode, err))
    finally:  # a worker that hangs fails its test and is not left running
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    return out


def ok_article_fetches(site) -> Counter:
    """How many times each article was answered 200."""
    slugs = set(site.by_slug)
    return Counter(urlsplit(r.path).path.strip("/") for r in site.requests
                   if r.status == 200 and urlsplit(r.path).path.strip("/") in slugs)


def frontier_keys(redis_server) -> list[bytes]:
    """A crawl's keys in Redis, but the day-long marker a drained generation leaves."""
    return [k for k in redis_server.client.keys("newscrawl:gbaf-*") if b":finished:" not in k]


def cfg(tmp_path):
    return {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}


def test_three_workers_share_one_frontier_and_finish_by_themselves(tmp_path, redis_server, site_server):
    site, base = site_server.site, site_server.base_url
    procs = [worker(tmp_path, redis_server.url, base, f"w{i}") for i in range(3)]
    results = finish(procs)
    assert [rc for rc, _ in results] == [0, 0, 0], results
    expected = expected_articles(site, base)
    stored = docs(cfg(tmp_path))
    assert set(stored) == set(expected)
    fetched = ok_article_fetches(site)
    assert set(fetched) == set(site.by_slug) and max(fetched.values()) == 1  # each exactly once
    assert not [p for p, _ in site.log if p.startswith(("/private-preview", "/admin/"))]  # robots.txt obeyed
    worker_runs = runs(cfg(tmp_path))
    assert len(worker_runs) == 3 and {r["finish_reason"] for r in worker_runs} == {"finished"}
    assert len({r["crawl_id"] for r in worker_runs}) == 1
    assert sum(r["counts"]["new"] for r in worker_runs) == len(expected)  # stored once each
    assert sum(1 for r in worker_runs if r["cluster"]["seeder"]) == 1
    assert not frontier_keys(redis_server)  # the generation's keys are gone
    # each worker archived what it fetched, in files of its own: together, every answer once
    index = ArchiveIndex.load(tmp_path / "data" / "archive")
    folders = {c.filename.split("/")[0] for cs in index.by_url.values() for c in cs}
    run_ids = {r["run_id"][:12] for r in worker_runs}
    assert folders and {f.rsplit("-", 1)[1] for f in folders} <= run_ids  # a worker that fetched nothing writes none
    assert len(index) == len(site.requests)
    stats = subprocess.run([sys.executable, "-m", "newscrawl", "stats", "--data-dir", str(tmp_path / "data"),
                            "--mongo-uri", ""], capture_output=True, text=True, timeout=60).stdout
    assert f"3 workers (finished); new {len(expected)}, updated 0" in stats, stats

    # the same crawl again starts afresh (no old dupefilter): everything is fetched again
    site.reset_log()
    results = finish([worker(tmp_path, redis_server.url, base, "again", "-a", "refresh=all")])
    assert results[0][0] == 0, results
    assert set(ok_article_fetches(site)) == set(site.by_slug)
    assert not frontier_keys(redis_server)


def test_workers_of_one_crawl_into_mongodb_store_each_article_once(tmp_path, redis_server, site_server, mongo_uri):
    """The cluster with the production store: MongoDB over a socket (one lock, one document per URL)."""
    import uuid

    import pymongo
    site, base = site_server.site, site_server.base_url
    db = f"cluster_{uuid.uuid4().hex[:8]}"
    procs = [worker(tmp_path, redis_server.url, base, f"m{i}", "-s", f"MONGO_URI={mongo_uri}",
                    "-s", f"MONGO_DATABASE={db}") for i in range(2)]
    results = finish(procs)
    assert [rc for rc, _ in results] == [0, 0], results
    client = pymongo.MongoClient(mongo_uri)
    try:
        stored = list(client[db].articles.find({}, {"url": 1, "version": 1}))
        worker_runs = list(client[db].crawl_runs.find())
        assert sorted(d["url"] for d in stored) == sorted(expected_articles(site, base))
        assert all(d["version"] == 1 for d in stored)
        assert len(worker_runs) == 2 and len({r["crawl_id"] for r in worker_runs}) == 1  # one shared crawl
        assert list(client[db].crawl_locks.find()) == []  # released at the end
    finally:
        client.drop_database(db)
        client.close()


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, redis_server, site_server):
    site, base = site_server.site, site_server.base_url
    site.delay = 0.1  # a slow site: the crawl takes a while
    slow = ["-s", "CONCURRENT_REQUESTS=2", "-s", "NEWSCRAWL_LEASE_SECONDS=2", "-s", "NEWSCRAWL_BATCH_SIZE=1000"]
    victim = worker(tmp_path, redis_server.url, base, "victim", *slow)
    survivor = worker(tmp_path, redis_server.url, base, "survivor", *slow)
    deadline = time.time() + 60
    victim_id = None
    while time.time() < deadline:  # kill it mid-crawl, while it holds leases
        log = (tmp_path / "victim.log").read_text() if (tmp_path / "victim.log").exists() else ""
        found = re.search(r"this worker \((\w+)\)", log)
        victim_id = found.group(1) if found else None
        leases = [m.decode() for k in redis_server.client.keys("newscrawl:gbaf-*:leases")
                  for m in redis_server.client.zrange(k, 0, -1)]
        if victim_id and sum(ok_article_fetches(site).values()) >= 12 and \
                [m for m in leases if m.startswith(victim_id + ":")]:
            break
        time.sleep(0.02)
    else:
        pytest.fail("the victim never held a lease mid-crawl")
    victim.send_signal(signal.SIGKILL)  # mid-crawl: requests leased, articles parsed, not stored
    victim.wait()
    (rc, err), = finish([survivor])
    assert rc == 0, err
    expected = expected_articles(site, base)
    assert set(docs(cfg(tmp_path))) == set(expected)  # every article stored, none missing
    assert set(ok_article_fetches(site)) == set(site.by_slug)
    survivor_run = [r for r in runs(cfg(tmp_path)) if r.get("finish_reason")]
    assert len(survivor_run) == 1 and survivor_run[0]["finish_reason"] == "finished"
    assert survivor_run[0]["cluster"]["requeued_expired"] >= 1  # the victim's leases came back


def test_two_workers_keep_the_site_limit_together(tmp_path, redis_server, site_server):
    site, base = site_server.site, site_server.base_url
    site.delay = 0.03
    limit = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "NEWSCRAWL_LOCAL_FAST=False",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    results = finish([worker(tmp_path, redis_server.url, base, f"w{i}", *limit) for i in range(2)])
    assert [rc for rc, _ in results] == [0, 0], results
    assert set(docs(cfg(tmp_path))) == set(expected_articles(site, base))
    assert site.max_in_flight <= 2  # each worker alone would allow 2: 4 together without the limiter
    assert site.max_in_flight == 2


def test_redis_unreachable_at_start_is_one_line_and_no_request(tmp_path, site_server):
    site = site_server.site
    site.reset_log()
    proc = worker(tmp_path, "redis://:secret@127.0.0.1:1/0", site_server.base_url, "nowhere")
    rc, err = finish([proc], timeout=60)[0]
    assert rc == 1
    assert "Redis at redis://:***@127.0.0.1:1/0 is unreachable" in err and "secret" not in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert site.log == []


def test_redis_lost_mid_crawl_stops_the_worker_and_keeps_what_it_parsed(tmp_path, redis_server, site_server):
    site, base = site_server.site, site_server.base_url
    site.delay = 0.1
    proc = worker(tmp_path, redis_server.url, base, "w", "-s", "CONCURRENT_REQUESTS=2",
                  "-s", "NEWSCRAWL_REDIS_RETRIES=2", "-s", "NEWSCRAWL_REDIS_BACKOFF=0.1",
                  "-s", "NEWSCRAWL_REDIS_TIMEOUT=1")
    deadline = time.time() + 60
    while sum(ok_article_fetches(site).values()) < 8 and time.time() < deadline:
        time.sleep(0.05)
    redis_server.stop()
    rc, err = finish([proc])[0]
    assert "Traceback" not in err
    (run,) = runs(cfg(tmp_path))
    assert run["finish_reason"] == "redis_unavailable"
    stored = docs(cfg(tmp_path))
    assert 1 <= len(stored) < len(site.by_slug)
    assert run["counts"]["new"] == len(stored)  # what it parsed is stored
    assert "Redis lost" in (tmp_path / "w.log").read_text()


def test_a_short_redis_outage_is_ridden_out_without_losing_requests(tmp_path, redis_server, site_server):
    site, base = site_server.site, site_server.base_url
    site.delay = 0.1
    proc = worker(tmp_path, redis_server.url, base, "w", "-s", "CONCURRENT_REQUESTS=2",
                  "-s", "NEWSCRAWL_REDIS_RETRIES=5", "-s", "NEWSCRAWL_REDIS_BACKOFF=0.2",
                  "-s", "NEWSCRAWL_REDIS_TIMEOUT=0.5",
                  # a pop whose answer timed out leased a request nobody holds: it comes back
                  "-s", "NEWSCRAWL_LEASE_SECONDS=3")
    deadline = time.time() + 60
    while sum(ok_article_fetches(site).values()) < 8 and time.time() < deadline:
        time.sleep(0.05)
    redis_server.client.execute_command("CLIENT", "PAUSE", 2000, "ALL")  # Redis answers nobody for 2 s
    rc, err = finish([proc])[0]
    assert rc == 0, err
    (run,) = runs(cfg(tmp_path))
    assert run["finish_reason"] == "finished"
    assert set(docs(cfg(tmp_path))) == set(expected_articles(site, base))
    assert "Redis answers again" in (tmp_path / "w.log").read_text()


def test_a_long_running_worker_crawls_again_and_stops_on_sigterm(tmp_path, redis_server, site_server):
    """`newscrawl worker` (the compose stack's worker service): one crawl of the shared crawl
    after another, a heartbeat for the healthcheck, a clean stop on SIGTERM."""
    import json
    import signal
    import time
    beat = tmp_path / "beat.json"
    cmd = [sys.executable, "-m", "newscrawl", "worker", "--every", "1", "--heartbeat", str(beat),
           "-a", f"base_url={site_server.base_url}", "-a", "crawl_id=portal", "-a", "categories=banking",
           "-s", f"REDIS_URL={redis_server.url}", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "MONGO_URI=",
           "-s", "NEWSCRAWL_DRAIN_SECONDS=1", "-s", "LOG_LEVEL=WARNING"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = []
    deadline = time.time() + 150
    while time.time() < deadline and sum("crawl ended with exit code 0" in x for x in out) < 2:
        out.append(proc.stdout.readline())
    health = subprocess.run([sys.executable, "-m", "newscrawl", "worker", "--heartbeat", str(beat),
                             "--health", "30"], capture_output=True, text=True, timeout=60)
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=60)[0]
    assert sum("crawl ended with exit code 0" in x for x in out) == 2, "".join(out) + rest
    assert health.returncode == 0 and health.stdout.startswith("healthy"), health.stderr
    assert proc.returncode == 0
    assert json.loads(beat.read_text())["state"] == "stopped"
    stopped = subprocess.run([sys.executable, "-m", "newscrawl", "worker", "--heartbeat", str(beat),
                              "--health", "30"], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 1 and "unhealthy: stopped" in stopped.stderr  # at once, not after 30 s
    worker_runs = runs(cfg(tmp_path))
    assert len(worker_runs) >= 2 and {r["status"] for r in worker_runs[-2:]} == {"passed"}
    assert {r["crawl_id"] for r in worker_runs} == {"portal"}
