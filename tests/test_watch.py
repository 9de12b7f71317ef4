"""Watch mode (newscrawl/watch.py, `newscrawl watch`): a subprocess watching the served
replica while the replica publishes and edits; stopped with SIGTERM, started again."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pymongo
import pytest

from newscrawl.fresh.watch import WatchHealth, WatchPlan
from newscrawl.keys import STORE_COUNTS, STORE_ERRORS
from newscrawl.replica import ReplicaSite, fresh_articles
from newscrawl.replica.server import ReplicaServer

from .conftest import ROOT
from .hosts import hosts  # noqa: F401 (the fixture)
from .test_storage import docs, runs

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_watch_left():
    """A failing test leaves no watch running."""
    yield
    for proc in STARTED:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    STARTED.clear()


STARTED: list[subprocess.Popen] = []


def watch(cfg, base, *args) -> subprocess.Popen:
    STARTED.append(subprocess.Popen([sys.executable, "-m", "newscrawl", "watch", "--data-dir", cfg["NEWSCRAWL_DATA_DIR"],
                             "-a", f"base_url={base}", "--min-interval", "1", "--max-interval", "3",
                             "--discovery-interval", "300", "-s", "LOG_LEVEL=INFO", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return STARTED[-1]


def wait_for(predicate, seconds: float, proc: subprocess.Popen, site=None) -> float:
    """Seconds until ``predicate()`` held (fails when the watch died or time ran out)."""
    import sqlite3
    start = time.time()
    while time.time() - start < seconds:
        try:
            if predicate():
                return time.time() - start
        except (sqlite3.OperationalError, KeyError):  # not created yet, not stored yet
            pass
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    raise AssertionError(f"not within {seconds} s: {proc.communicate()[1][-3000:]}"
                         + (f"\n{site.requests[-40:]}" if site is not None else ""))


def stop(proc) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def article_paths(site) -> set[str]:
    return set(site.by_slug)


def test_watch_stores_new_and_edited_articles_within_seconds_and_stops_cleanly(tmp_path):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        base = server.base_url
        proc = watch(cfg, base, "-s", "NEWSCRAWL_WATCH_PERIOD=4", "-s", "NEWSCRAWL_ROBOTS_TTL=2")
        wait_for(lambda: len(docs(cfg)) >= 44, 60, proc)  # the first discovery
        first = docs(cfg)

        now = datetime.now(timezone.utc) + timedelta(seconds=1)
        new = fresh_articles(2, now)
        site.publish(new)
        lag = wait_for(lambda: all(f"{base}/{a.slug}" in docs(cfg) for a in new), 30, proc, site)
        assert lag < 8  # polls every 1 to 3 s here

        edited = next(a for a in site.ordered if not a.fail_first and a not in new)
        site.edit(edited.slug, blocks=edited.blocks + [("p", "Update: a correction.")],
                  updated=datetime.now(timezone.utc) + timedelta(seconds=1))
        wait_for(lambda: docs(cfg)[f"{base}/{edited.slug}"]["version"] == 2, 30, proc)

        time.sleep(1.5)  # quiet: what does watching cost when nothing changes?
        site.reset_log()
        time.sleep(6)
        quiet = list(site.requests)
        code, err = stop(proc)
    assert code == 0, err[-3000:]
    assert "status stopped (exit code 0)" in err and "Traceback" not in err
    assert re.search(r"Watch: 2 new, 0 updated after polling \d+ change signals", err)
    assert re.search(r"Watch: 0 new, 1 updated after polling \d+ change signals", err)
    assert "Stored 2 articles" not in err  # one line per cycle, not one per batch
    # while nothing changes: change signals only, none asked more than every second
    paths = [urlsplit(r.path).path for r in quiet]
    assert paths and not [p for p in paths if p.strip("/") in article_paths(site)]
    signals = {"/", "/feed/", "/rss.xml", "/sitemap.xml", "/sitemap-news.xml", "/robots.txt"}
    assert {p for p in paths if not p.startswith("/sitemaps/")} <= signals  # and the index's children
    assert 1 <= paths.count("/robots.txt") <= 4  # read again when older than NEWSCRAWL_ROBOTS_TTL (2 s here)
    assert max(paths.count(p) for p in set(paths)) <= 6
    by_path: dict[str, list[bool]] = {}
    for r in quiet:
        by_path.setdefault(urlsplit(r.path).path, []).append(r.conditional)
    # robots.txt is read whole each time (Scrapy's middleware sends no validators): it is bounded
    # by its TTL above; the change signals are asked with conditional GET, every third in full
    by_path.pop("/robots.txt", None)
    for path, conditional in by_path.items():
        assert conditional.count(False) <= (len(conditional) + 2) // 3 + 1, (path, conditional)
    stored = docs(cfg)
    assert len(stored) == len(first) + 2
    # one crawl_runs record per period, each with its own figures; together, every article once
    records = [r for r in runs(cfg) if r.get("mode") == "watch"]
    assert len(records) >= 3 and {r["status"] for r in records} <= {"passed", "stopped"}
    assert sum(r["counts"]["new"] for r in records) == len(stored)
    assert sum(r["counts"]["updated"] for r in records) == 1
    fresh = [r["counts"].get("freshness") or {} for r in records]
    assert sum(f.get("n", 0) + f.get("date_only", 0) + f.get("backfill", {}).get("n", 0)
               for f in fresh) == len(stored)  # each new article: a lag, a date only, or a backfill
    timed = [a for a in new if not a.date_only]
    # published a minute or two before `now` (a second ahead), stored seconds after being published
    assert all(55 <= stored[f"{base}/{a.slug}"]["freshness"]["lag_s"] <= 130 + 8 for a in timed)


def test_a_restarted_watch_picks_up_where_it_was(tmp_path):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        base = server.base_url
        proc = watch(cfg, base)
        wait_for(lambda: len(docs(cfg)) >= 44, 60, proc)
        time.sleep(2)
        assert stop(proc)[0] == 0
        missed = fresh_articles(1, datetime.now(timezone.utc))  # published while it was down
        site.publish(missed)
        site.reset_log()
        again = watch(cfg, base)
        wait_for(lambda: f"{base}/{missed[0].slug}" in docs(cfg), 30, again)
        code, err = stop(again)
    assert code == 0, err[-2000:]
    assert "Incremental crawl:" in err  # its store, its validators: not a full crawl again
    fetched = [urlsplit(r.path).path.strip("/") for r in site.requests if not r.conditional]
    refetched = [p for p in fetched if p in article_paths(site) and p != missed[0].slug]
    assert refetched == []  # no known article fetched again in full


def test_watch_refuses_bad_intervals_and_arguments_in_one_line(tmp_path):
    for args, needle in ((["--min-interval", "0"], "--min-interval: expected a number above 0"),
                         (["--min-interval", "90", "--max-interval", "60"], "NEWSCRAWL_WATCH_MAX_INTERVAL"),
                         (["-a", "urls=http://127.0.0.1:9/x"], "takes no urls"),
                         (["-a", "refresh=all"], "refresh=all")):
        proc = subprocess.run([sys.executable, "-m", "newscrawl", "watch", "--data-dir", str(tmp_path),
                               "-a", "base_url=http://127.0.0.1:9", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2, (args, proc.stderr[-1500:])
        assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_plan_polls_what_is_due_and_wakes_for_the_next():
    plan = WatchPlan(discovery_every=3600, last_discovery=NOW)
    signals = {
        "http://s/": {"kind": "home", "state": {"next_poll_at": (NOW - timedelta(seconds=5)).isoformat()}},
        "http://s/feed/": {"kind": "feed", "state": {"next_poll_at": (NOW + timedelta(seconds=40)).isoformat()}},
        "http://s/sitemap-news.xml": {"kind": "sitemap_root"},  # never polled: due
        "http://s/category/finance/": {"kind": "listing"},  # not named: only discoveries read it
        "http://s/gone": {"kind": "dropped"},
    }
    assert plan.due(signals, NOW) == [("http://s/", "home"), ("http://s/sitemap-news.xml", "sitemap_root")]
    later = {u: e for u, e in signals.items() if e["kind"] == "feed"}
    assert plan.next_wake(later, NOW) == NOW + timedelta(seconds=40)
    assert plan.next_wake({}, NOW) == NOW + timedelta(seconds=3600)  # the next discovery
    assert not plan.discovery_due(NOW + timedelta(seconds=3599)) and plan.discovery_due(NOW + timedelta(hours=1))
    named = WatchPlan(discovery_every=3600, categories=["finance"], last_discovery=NOW)
    assert ("http://s/category/finance/", "listing") in named.due(signals, NOW)


def test_health_names_an_outage_of_the_site_or_the_store_and_forgets_it_when_it_answers():
    clock = [1000.0]
    health = WatchHealth(clock=lambda: clock[0])
    stats = {"downloader/response_count": 50}
    health.observe(stats)
    assert health.problem() is None
    # two attempts failed: one page's trouble, not an outage yet; a third in a row is
    stats.update({"downloader/exception_count": 2, "downloader/exception_type_count/twisted.x.TCPTimedOutError": 2})
    health.observe(stats)
    assert health.problem() is None
    stats.update({"downloader/exception_count": 3, "downloader/exception_type_count/twisted.x.TCPTimedOutError": 3})
    health.observe(stats)
    clock[0] += 40
    assert health.problem() == "site unreachable for 40 s: 3 requests failed (TCPTimedOutError)"
    stats.update({"downloader/response_count": 51, "downloader/exception_count": 4})  # it answered
    health.observe(stats)
    assert health.problem() is None
    # the store: a failed write, then articles waiting in the spill file, then written out
    stats.update({STORE_ERRORS: 2})
    health.observe(stats)
    assert health.problem() == "store unavailable for 0 s: writes fail"
    stats.update({STORE_COUNTS + "spill_waiting": 3})
    health.observe(stats)
    assert health.problem() == "store unavailable for 0 s: 3 articles wait in the spill file"
    health.store_worked()  # a save worked, but articles still wait: not recovered
    assert health.problem() is not None
    stats.update({STORE_COUNTS + "spill_waiting": 0, STORE_COUNTS + "replayed": 3})
    health.observe(stats)
    assert health.problem() is None
    health.store_failed("MongoDB at x: ServerSelectionTimeoutError")  # the watch's own save
    assert health.problem() == "store unavailable for 0 s: MongoDB at x: ServerSelectionTimeoutError"
    health.store_worked()
    assert health.problem() is None


@pytest.mark.hosts
@pytest.mark.timeout(600)
def test_a_watch_cut_off_from_the_site_then_from_the_store_keeps_polling_says_degraded_and_recovers(hosts, tmp_path):  # noqa: F811
    """Across network hosts (tests/hosts.py): the replica, the MongoDB wire server and the watch
    each on a host of its own. The site's cable out for 30 s, then the store's: the watch keeps
    running and polling, its healthcheck fails naming the outage, the period's record is degraded;
    after each heal what was published meanwhile is stored, once, and the healthcheck passes."""
    from .test_cluster_hosts import serve_replica, start_mongo
    site = ReplicaSite()
    site_host, replica = serve_replica(hosts, site)
    mongo = start_mongo(hosts, tmp_path)
    uri, database = f"mongodb://{mongo.address}:27017/?directConnection=true", "watch_hosts"
    beat, log = tmp_path / "heartbeat.json", tmp_path / "watch.log"
    base = replica.base_url
    # a lab network's timeouts (set here, not the defaults): a 5 s download timeout, a 2 s store one
    watch_host = hosts.add("watch")
    metrics = f"http://{watch_host.address}:9410/metrics"
    proc = hosts.run(watch_host, [
        sys.executable, "-m", "newscrawl", "watch", "--data-dir", str(tmp_path / "data"), "--mongo-uri", uri,
        "--mongo-database", database, "-a", f"base_url={base}", "--min-interval", "1", "--max-interval", "3",
        "--discovery-interval", "300", "-s", f"NEWSCRAWL_WATCH_HEARTBEAT={beat}", "-s", f"LOG_FILE={log}",
        "-s", "NEWSCRAWL_WATCH_PERIOD=10", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "NEWSCRAWL_MONGO_TIMEOUT_MS=2000",
        "-s", "NEWSCRAWL_STORE_RETRIES=1", "-s", "NEWSCRAWL_STORE_BACKOFF=0.5", "-s", "NEWSCRAWL_ROBOTS_TTL=2",
        "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=0",
        "--metrics-port", "9410", "-s", f"NEWSCRAWL_METRICS_HOST={watch_host.address}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    STARTED.append(proc)
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)

    def stored() -> list[str]:
        return [d["url"] for d in client[database].articles.find({}, {"url": 1})]

    def health() -> tuple[int, str]:
        out = subprocess.run([sys.executable, "-m", "newscrawl", "watch", "--health", "30", "-s",
                              f"NEWSCRAWL_WATCH_HEARTBEAT={beat}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        return out.returncode, (out.stdout + out.stderr).strip()

    def outage(part: str) -> float:
        """The watch's own figure, on its /metrics (Prometheus's text format)."""
        from prometheus_client.parser import text_string_to_metric_families
        text = urllib.request.urlopen(metrics, timeout=10).read().decode()
        return next(s.value for f in text_string_to_metric_families(text) if f.name == "newscrawl_watch_outage"
                    for s in f.samples if s.labels["part"] == part)

    def until(predicate, seconds: float) -> float:
        start = time.time()
        while time.time() - start < seconds:
            if predicate():
                return time.time() - start
            assert proc.poll() is None, log.read_text()[-3000:]
            time.sleep(0.5)
        raise AssertionError(f"not within {seconds} s: {health()}\n{log.read_text()[-3000:]}")

    try:
        until(lambda: len(stored()) >= 44, 90)  # the first discovery
        until(lambda: health()[0] == 0, 20)
        figures = {}
        for part, host, says in (("site", site_host, "site unreachable"), ("store", mongo, "store unavailable")):
            hosts.cut(host)
            cut, asked = time.time(), len(site.requests)
            new = fresh_articles(2, datetime.now(timezone.utc), seed=len(site.articles))
            site.publish(new)
            said = until(lambda says=says: says in health()[1], 40)
            time.sleep(max(0.0, 30 - (time.time() - cut)))
            beat_age = time.time() - json.loads(beat.read_text())["heartbeat"]
            assert outage(part) == 1 and outage("site" if part == "store" else "store") == 0
            polled = len(site.requests) - asked  # what reached the site during the cut (none of it, for the site)
            hosts.heal(host)
            healed = time.time()
            urls = [f"{base}/{a.slug}" for a in new]
            until(lambda urls=urls: set(urls) <= set(stored()), 60)
            back = time.time() - healed
            until(lambda: health()[0] == 0, 30)
            assert outage(part) == 0
            figures[part] = (said, back, time.time() - healed, polled)
            assert beat_age < 10  # alive and beating all along
            print(f"\nwatch cut from the {part} 30 s: degraded said {said:.0f} s after the cut; the 2 articles "
                  f"published meanwhile stored {back:.0f} s after the heal, healthy {time.time() - healed:.0f} s "
                  f"after it; {polled} requests reached the site during the cut")
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        urls = stored()
        records = list(client[database].crawl_runs.find({"mode": "watch"}))
    finally:
        client.close()
        replica.stop()
    text = log.read_text()
    assert proc.returncode == 0, text[-3000:]
    assert figures["site"][3] == 0 and figures["store"][3] > 0  # the store's cut: the site was still polled
    assert len(urls) == len(set(urls)) == len(site.articles)  # every article once: 0 lost, 0 twice
    assert "Watch degraded: site unreachable" in text and "Watch degraded: store unavailable" in text
    assert text.count("Watch recovered") >= 2 and "Traceback" not in text
    degraded = [r for r in records if r["status"] == "degraded"]
    assert any("site unreachable" in r["error"] for r in degraded)
    assert any("store unavailable" in r["error"] for r in degraded)
    fetched = Counter(urlsplit(r.path).path.strip("/") for r in site.requests if r.status == 200)
    twice = [slug for slug, n in fetched.items() if slug in site.by_slug and n > 1]
    print(f"article pages fetched more than once: {len(twice)}; exit code {proc.returncode}")
