"""Watch mode (newscrawl/watch.py, `newscrawl watch`): a subprocess watching the served
replica while the replica publishes and edits; stopped with SIGTERM, started again."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from newscrawl.fresh.watch import WatchPlan
from newscrawl.replica import ReplicaSite, fresh_articles
from newscrawl.replica.server import ReplicaServer

from .conftest import ROOT
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
