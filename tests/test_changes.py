"""The change feed (newscrawl/changes.py, `newscrawl changes`), on real crawls of the replica
into each store: every new article and new version once, in order, also for a consumer
killed with SIGKILL and started again from its last cursor."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest

from newscrawl.replica import ReplicaSite, fresh_articles
from newscrawl.replica.server import ReplicaServer

from .conftest import ROOT
from .inprocess import crawl
from .test_storage import docs, store_cfg, store_of  # noqa: F401 (the fixture)

ATOM = "{http://www.w3.org/2005/Atom}"


def store_args(cfg) -> list[str]:
    if cfg.get("MONGO_URI"):
        return ["--mongo-uri", cfg["MONGO_URI"], "--mongo-database", cfg["MONGO_DATABASE"]]
    return ["--data-dir", cfg["NEWSCRAWL_DATA_DIR"]]


def changes(cfg, *args, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "changes", *store_args(cfg), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def lines(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_every_new_article_and_version_once_in_order(fresh_replica, store_cfg):  # noqa: F811
    base, site = fresh_replica.base_url, fresh_replica.site
    crawl(store_cfg, base_url=base)
    first = lines(changes(store_cfg, "--since", "0"))
    stored = docs(store_cfg)
    assert [c["kind"] for c in first] == ["new"] * len(stored)
    assert sorted(c["url"] for c in first) == sorted(stored)
    cursors = [c["cursor"] for c in first]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    c0 = first[0]
    assert set(c0) >= {"cursor", "kind", "url", "version", "fields", "changed_at", "article"}
    assert c0["version"] == 1 and "title" in c0["fields"] and c0["article"]["title"] == stored[c0["url"]]["title"]
    assert "history" not in c0["article"] and "_hashes" not in c0["article"]

    # (the sitemap's lastmod says the edit is newer than the first crawl's fetch)
    now = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
    edited = next(a for a in site.ordered if not a.fail_first)
    site.edit(edited.slug, blocks=edited.blocks + [("p", "Update: the figures were revised.")], updated=now)
    site.publish(fresh_articles(2, now))
    crawl(store_cfg, base_url=base)
    after = lines(changes(store_cfg, "--since", str(cursors[-1])))  # a consumer that read the first run
    assert sorted((c["kind"], c["version"]) for c in after) == [("new", 1), ("new", 1), ("updated", 2)]
    update = next(c for c in after if c["kind"] == "updated")
    assert update["url"] == f"{base}/{edited.slug}" and "body" in update["fields"] and "title" not in update["fields"]
    assert "the figures were revised" in update["article"]["body"]
    assert min(c["cursor"] for c in after) > cursors[-1]
    assert lines(changes(store_cfg, "--since", str(max(c["cursor"] for c in after)))) == []  # nothing twice

    as_json = json.loads(changes(store_cfg, "--since", "0", "--format", "json", "--limit", "5").stdout)
    assert [c["cursor"] for c in as_json] == cursors[:5]
    assert lines(changes(store_cfg, "--site", "http://elsewhere.example")) == []


def test_atom_feed_of_the_latest_changes(fresh_replica, store_cfg, tmp_path):  # noqa: F811
    crawl(store_cfg, base_url=fresh_replica.base_url)
    out = tmp_path / "feed.xml"
    changes(store_cfg, "--format", "atom", "--out", str(out), "--limit", "10")
    feed = ET.parse(out).getroot()
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(ATOM + required) is not None, required
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 10
    ids = [e.findtext(ATOM + "id") for e in entries]
    assert len(set(ids)) == 10 and all("#version-1" in i for i in ids)
    stored = docs(store_cfg)
    for e in entries:
        url = e.find(ATOM + "link").get("href")
        assert e.findtext(ATOM + "title") == stored[url]["title"] and e.findtext(ATOM + "updated")


def test_a_cursor_older_than_what_is_kept_is_refused(fresh_replica, tmp_path):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    crawl(cfg, base_url=fresh_replica.base_url)
    store = store_of(cfg)
    try:
        _, newest = store.change_bounds()
        store.prune_changes(datetime.now(timezone.utc) + timedelta(seconds=1))  # all of them
    finally:
        store.close()
    fresh_replica.site.publish(fresh_articles(1, datetime.now(timezone.utc)))
    crawl(cfg, base_url=fresh_replica.base_url)
    proc = changes(cfg, "--since", "3", check=False)
    assert proc.returncode == 2 and "older than the oldest change kept" in proc.stderr and "Traceback" not in proc.stderr
    assert [c["cursor"] for c in lines(changes(cfg, "--since", str(newest)))] == [newest + 1]
    bad = changes(cfg, "--since", "yesterday", check=False)
    assert bad.returncode == 2 and "cursor" in bad.stderr


CONSUMER = r"""
import json, os, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2:]
cursor = 0
if os.path.exists(out):  # start again from the last change processed (a line cut by SIGKILL is not)
    text = open(out).read()
    keep = text[:text.rfind("\n") + 1]
    open(out, "w").write(keep)
    if keep:
        cursor = json.loads(keep.splitlines()[-1])["cursor"]
feed = subprocess.Popen(cmd + ["--since", str(cursor), "--follow", "--poll", "0.2"], stdout=subprocess.PIPE, text=True)
with open(out, "a") as f:
    for line in feed.stdout:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
"""


def test_a_consumer_killed_mid_feed_sees_every_change_once(store_cfg, tmp_path):  # noqa: F811
    site = ReplicaSite()
    site.delay = 0.05
    out = tmp_path / "consumed.jsonl"
    cmd = [sys.executable, "-m", "newscrawl", "changes", *store_args(store_cfg)]

    started: list[subprocess.Popen] = []

    def consumer():
        started.append(subprocess.Popen([sys.executable, "-c", CONSUMER, str(out), *cmd], cwd=ROOT,
                                        start_new_session=True))
        return started[-1]

    def consumed() -> list[dict]:
        text = out.read_text() if out.exists() else ""
        return [json.loads(line) for line in text[:text.rfind("\n") + 1].splitlines()]

    try:
        killed_at, expected = consume_through_a_kill(site, store_cfg, consumer, consumed)
    finally:
        for proc in started:  # a failing test leaves no feed running
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    got = consumed()
    assert killed_at < expected  # the kill was mid-feed
    assert len(got) == expected == len({c["url"] for c in got})  # every article once
    assert [c["cursor"] for c in got] == sorted(c["cursor"] for c in got)
    assert {c["url"] for c in got} == set(docs(store_cfg))


def consume_through_a_kill(site, store_cfg, consumer, consumed) -> tuple[int, int]:  # noqa: F811
    with ReplicaServer(site) as server:
        settings = [f"{k}={v}" for k, v in store_cfg.items() if v is not None]
        settings += ["NEWSCRAWL_BATCH_SIZE=3", "NEWSCRAWL_FLUSH_SECONDS=0.2", "LOG_LEVEL=WARNING"]
        crawler = subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={server.base_url}",
                                    *[x for s in settings for x in ("-s", s)]], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = consumer()
        deadline = time.time() + 60
        while len(consumed()) < 8 and time.time() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # the consumer and its feed, mid-crawl
        first.wait(10)
        killed_at = len(consumed())
        assert 8 <= killed_at
        _, err = crawler.communicate(timeout=240)
        assert crawler.returncode == 0, err[-2000:]
        second = consumer()
        expected = len(docs(store_cfg))
        deadline = time.time() + 60
        while len(consumed()) < expected and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # nothing more arrives
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(10)
    return killed_at, expected


def test_follow_stops_cleanly_on_sigterm(tmp_path, fresh_replica):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    crawl(cfg, base_url=fresh_replica.base_url)
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl", "changes", *store_args(cfg), "--follow",
                             "--poll", "0.2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert len(out.splitlines()) == len(docs(cfg)) and "Traceback" not in err
    rejected = changes(cfg, "--follow", "--format", "json", check=False)
    assert rejected.returncode == 1 and "--format jsonl" in rejected.stderr


@pytest.mark.parametrize("store_cfg", ["mongodb"], indirect=True)
def test_mongodb_rebuilds_a_change_record_lost_between_two_writes(fresh_replica, store_cfg):  # noqa: F811
    import pymongo
    crawl(store_cfg, base_url=fresh_replica.base_url)
    client = pymongo.MongoClient(store_cfg["MONGO_URI"], serverSelectionTimeoutMS=5000)
    db = client[store_cfg["MONGO_DATABASE"]]
    try:
        before = lines(changes(store_cfg))
        lost = before[5]
        db.changes.delete_one({"_id": lost["cursor"]})  # the process died after the article's write
        db.counters.update_one({"_id": "changes"}, {"$inc": {"seq": 1}})  # a number a failed write took
        fresh_replica.site.publish(fresh_articles(1, datetime.now(timezone.utc)))
        crawl(store_cfg, base_url=fresh_replica.base_url)
        after = lines(changes(store_cfg))
    finally:
        client.close()
    assert after[5]["cursor"] == lost["cursor"] and after[5]["url"] == lost["url"]
    assert after[5]["article"]["title"] == lost["article"]["title"]
    # the wasted number is not a change: waited for while younger than the settle time
    assert after == before
    settled = subprocess.run([sys.executable, "-m", "newscrawl", "changes", *store_args(store_cfg),
                              "-s", "NEWSCRAWL_CHANGES_SETTLE_SECONDS=0"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    got = lines(settled)
    assert len(got) == len(before) + 1 and got[-1]["cursor"] == before[-1]["cursor"] + 2


def test_the_webhook_gets_every_change_in_order_with_its_cursor(fresh_replica, tmp_path, webhook):
    url, posts = webhook
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None, "NEWSCRAWL_BATCH_SIZE": 10,
           "NEWSCRAWL_CHANGES_WEBHOOK": url}
    crawl(cfg, base_url=fresh_replica.base_url)
    posted = [c for body in posts for c in body["changes"]]
    assert sorted(c["url"] for c in posted) == sorted(docs(cfg))  # each change once
    assert [c["cursor"] for c in posted] == list(range(1, len(posted) + 1))
    assert all(body["cursor"] == body["changes"][-1]["cursor"] for body in posts)
    fresh_replica.site.publish(fresh_articles(1, datetime.now(timezone.utc)))
    crawl(cfg, base_url=fresh_replica.base_url)
    assert [c["cursor"] for body in posts for c in body["changes"]] == list(range(1, len(posted) + 2))


def test_a_webhook_that_fails_gets_the_changes_again_from_its_last_cursor(fresh_replica, tmp_path):
    from newscrawl.fresh.changes import Webhook
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    crawl(cfg, base_url=fresh_replica.base_url)
    got: list[dict] = []
    failures = {"left": 5}

    def post(_url, body):
        if body["changes"][0]["cursor"] > 10 and failures["left"]:  # the second batch: down for a while
            failures["left"] -= 1
            raise OSError("503 Service Unavailable")
        got.append(body)

    hook = Webhook("http://127.0.0.1:9/hook?token=secret", post=post, batch=10, retries=3, sleep=lambda s: None)
    store = store_of(cfg)
    try:
        assert hook.drain(store) == 10  # the first batch; the second failed 4 times: given up for now
        assert store.load_cursor(hook.name) == 10 and "secret" not in hook.name
        total = store.change_bounds()[1]
        assert hook.drain(store) == total - 10  # the next drain starts from the last cursor acknowledged
        assert hook.drain(store) == 0
    finally:
        store.close()
    cursors = [c["cursor"] for body in got for c in body["changes"]]
    assert cursors == list(range(1, total + 1))  # nothing twice here; a hook that took a batch
    # but answered too late would see it again: at least once, deduplicable by cursor
