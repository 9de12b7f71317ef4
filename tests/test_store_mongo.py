"""newscrawl.store.mongo over a real socket (the wire-protocol server of tests/mongo_server.py,
or the mongod MONGO_URI names): the validator, the size bound, startup errors in one line,
the store switch, and faults of the server itself (killed, gone, paused, restarted, raced).

Where the stand-in (mongoeco 4.11) differs from MongoDB, the test says so in one line."""
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import pymongo
import pytest
from pymongo import errors as mongo_errors

from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles
from newscrawl.store import ArticleWriter, Filters, StoreMisconfigured
from newscrawl.store.base import MAX_DOCUMENT_BYTES
from newscrawl.store.mongo import MongoStore
from newscrawl.store.mongo_setup import driver_options
from newscrawl.store.schema import article_validator
from newscrawl.store.writer import bson_size, history_keep

from .conftest import ROOT
from .mongo_server import WireServer, available, skip_or_fail

UTC = timezone.utc


@pytest.fixture
def mongo(mongo_uri):
    """A store in a database of its own on the session's server."""
    db = f"t_{uuid.uuid4().hex[:10]}"
    store = MongoStore(mongo_uri, db, 5000, options={"validation": "error"})
    yield store
    store.client.drop_database(db)
    store.close()


@pytest.fixture
def own_server(tmp_path):
    """A wire server of this test's own, to kill, pause and restart (never a real mongod)."""
    if not available():
        skip_or_fail("no MongoDB wire server: bash scripts/system-deps.sh")
    server = WireServer(tmp_path).start()
    yield server
    server.stop()


def article(i, body="Body.", **extra):
    t = datetime(2026, 3, 1, tzinfo=UTC)
    return {"url": f"https://x.test/a-{i}", "title": f"A {i}", "body": body,
            "content_hash": hashlib.sha1(body.encode()).hexdigest(), "published_at": t, **extra}


# ---- the validator ----------------------------------------------------------------------

def test_the_validator_is_created_with_the_collection_and_the_server_enforces_it(mongo):
    mongo.ensure_indexes()
    (info,) = mongo.db.list_collections(filter={"name": "articles"})
    assert info["options"]["validator"] == article_validator()
    assert info["options"]["validationAction"] == "error"
    with pytest.raises(mongo_errors.WriteError) as refused:  # the server itself refuses it
        mongo.articles.insert_one({"url": "https://x.test/no-title", "body": "b"})
    assert refused.value.code == 121
    # through the writer, such a document costs that document only
    t = datetime(2026, 3, 2, tzinfo=UTC)
    bad = {"url": "https://x.test/bad", "title": 7, "body": "b", "content_hash": "x", "published_at": t}
    counts = ArticleWriter(mongo, 10).write([article(1), bad], t)
    assert counts.new == 1 and counts.rejected == {"https://x.test/bad": "rejected_by_validator"}


def test_the_validator_is_updated_with_collmod_and_left_alone_when_it_matches(mongo, monkeypatch):
    mongo.ensure_indexes()
    sent = []
    real = mongo.db.command

    def command(*a, **kw):
        if a[0] != "collMod":
            return real(*a, **kw)
        sent.append((a, kw))
        return {"ok": 1}
    monkeypatch.setattr(mongo.db, "command", command)
    mongo.ensure_indexes()
    assert sent == []  # a second start changes nothing
    mongo.validation = "warn"
    mongo.ensure_indexes()
    # mongoeco has no collMod; MongoDB's documented form of the command is what is sent:
    assert sent == [(("collMod", "articles"), {"validator": article_validator(), "validationLevel": "strict",
                                               "validationAction": "warn"})]


# ---- the 16 MiB bound -------------------------------------------------------------------

def test_history_is_trimmed_oldest_first_under_the_bound():
    assert history_keep(100, 10, [10, 10, 10], history_max=10, limit=1000) == 4
    assert history_keep(100, 300, [300, 300, 300], history_max=10, limit=1000) == 2  # the two newest fit
    assert history_keep(900, 300, [300], history_max=10, limit=1000) == 0  # no history fits
    assert history_keep(1100, 1, [], history_max=10, limit=1000) is None  # not even the article


@pytest.mark.parametrize("store_kind", ["mongodb", "embedded"])
def test_a_20_mb_body_is_dropped_and_a_long_history_trimmed(store_kind, mongo, tmp_path):
    from newscrawl.store.sqlite import SQLiteStore
    store = mongo if store_kind == "mongodb" else SQLiteStore(tmp_path / "s.sqlite3")
    store.ensure_indexes()
    t = datetime(2026, 3, 2, tzinfo=UTC)
    writer = ArticleWriter(store, 10)
    huge = article(1, body="word " * 4_000_000)  # 20 MB
    counts = writer.write([huge, article(2)], t)
    assert counts.rejected == {huge["url"]: "too_large_document"} and counts.new == 1
    # a 5 MB article edited four times: history would pass 16 MiB, so old versions go first
    big = "x" * 5_000_000
    writer.write([article(3, body=big + "0")], t)
    for n in range(1, 5):
        counts = writer.write([article(3, body=big + str(n))], t)
        assert counts.updated == 1 and not counts.rejected
    stored = next(d for d in store.find(Filters()) if d["url"] == article(3)["url"])
    assert stored["version"] == 5 and stored["body"] == big + "4"
    assert 1 <= len(stored["history"]) < 4  # trimmed, newest kept
    assert stored["history"][-1]["fields"]["body"] == big + "3"
    assert bson_size(stored) <= MAX_DOCUMENT_BYTES
    if store_kind == "embedded":
        store.close()


# ---- options, startup errors, the store switch -------------------------------------------

def test_driver_options_have_production_defaults_and_the_uri_wins():
    from newscrawl.conf import project_settings
    from newscrawl.store.mongo_setup import options_from
    opts = options_from(project_settings())
    assert {k: opts[k] for k in ("socketTimeoutMS", "w", "journal", "readPreference", "retryWrites")} == {
        "socketTimeoutMS": 20000, "w": "majority", "journal": True, "readPreference": "primary", "retryWrites": True}
    assert opts["query_timeout_ms"] == 30000 and opts["validation"] == "error"
    named = driver_options("mongodb://h/?w=1&socketTimeoutMS=5&j=false", opts)
    assert "w" not in named and "socketTimeoutMS" not in named and "journal" not in named
    assert named["readPreference"] == "primary"


def test_a_refused_index_is_one_line_saying_what_to_do(mongo, monkeypatch):
    # mongoeco does not enforce roles; this is the error MongoDB documents for a user without
    # the createIndex action (code 13, Unauthorized)
    def refuse(*a, **kw):
        raise mongo_errors.OperationFailure("not authorized on db to execute command { createIndexes: ... }", 13,
                                            {"errmsg": "not authorized on db to execute command { createIndexes: ... }",
                                             "code": 13, "codeName": "Unauthorized"})
    monkeypatch.setattr(mongo.articles, "create_index", refuse)
    with pytest.raises(StoreMisconfigured) as exc:
        mongo.ensure_indexes()
    line = str(exc.value)
    assert "\n" not in line
    assert f"refused to create the index url_unique on {mongo.db.name}.articles" in line
    assert "(code 13, Unauthorized)" in line and "grant the crawler's user the readWrite role" in line


def test_a_refused_index_ends_the_crawl_cleanly_before_any_request(mongo_uri, monkeypatch, caplog):
    from .inprocess import crawl

    def refuse(self, *a, **kw):
        raise mongo_errors.OperationFailure("not authorized", 13, {"errmsg": "not authorized", "code": 13,
                                                                   "codeName": "Unauthorized"})
    monkeypatch.setattr(pymongo.collection.Collection, "create_index", refuse)
    c = crawl({"MONGO_URI": mongo_uri, "MONGO_DATABASE": f"t_{uuid.uuid4().hex[:8]}"}, base_url="http://127.0.0.1:1")
    stats = c.stats.get_stats()
    assert stats["finish_reason"] == "store_unavailable"
    assert "refused to create the index" in stats["newscrawl/error"]
    assert stats.get("downloader/request_count", 0) == 0
    assert "Traceback" not in caplog.text and "AttributeError" not in caplog.text


def test_wrong_credentials_fail_the_crawl_at_start_in_one_line(tmp_path):
    if not available():
        skip_or_fail("no MongoDB wire server: bash scripts/system-deps.sh")
    server = WireServer(tmp_path, users=("crawler:right-password",)).start()
    try:
        uri = f"mongodb://crawler:wrong-password@127.0.0.1:{server.port}/?directConnection=true&authSource=admin"
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", "base_url=http://127.0.0.1:1",
                               "-s", f"MONGO_URI={uri}", "-s", "NEWSCRAWL_MONGO_TIMEOUT_MS=2000"],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        server.stop()
    assert proc.returncode == 1
    (line,) = [x for x in proc.stderr.splitlines() if x.startswith("scrapy crawl: ")]
    assert line.startswith(f"scrapy crawl: error: MongoDB at mongodb://crawler:***@127.0.0.1:{server.port}/")
    assert "refused newscrawl: Authentication failed" in line and "wrong-password" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_embedded_store_chosen_touches_no_mongodb(tmp_path, replica):
    listener = socket.socket()  # a "MongoDB" that counts who connects
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port, accepted, stop = listener.getsockname()[1], [], threading.Event()

    def count():
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass
    threading.Thread(target=count, daemon=True).start()
    env = {**os.environ, "MONGO_URI": f"mongodb://127.0.0.1:{port}/", "NEWSCRAWL_STORE": "embedded"}
    try:
        crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={replica.base_url}",
                                "-a", "categories=banking", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}"],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        query = subprocess.run([sys.executable, "-m", "newscrawl", "query", "--data-dir", str(tmp_path / "data"),
                                "--store", "embedded"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                               env={**env, "NEWSCRAWL_STORE": "auto"})
    finally:
        stop.set()
        listener.close()
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert query.returncode == 0 and "articles)" in query.stderr
    assert accepted == []


def test_store_mongodb_without_a_uri_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-s", "NEWSCRAWL_STORE=mongodb",
                           "-s", "MONGO_URI="], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "error: NEWSCRAWL_STORE=mongodb needs MONGO_URI (or --mongo-uri)" in proc.stderr


# ---- faults of the server, over the socket -------------------------------------------------

def slow_site(delay=0.05) -> ReplicaServer:
    site = ReplicaSite()
    site.delay = delay
    return ReplicaServer(site)


def mongo_crawl(tmp_path, uri, db, base, *args, background=False):
    cmd = [sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={base}", "-s", f"MONGO_URI={uri}",
           "-s", f"MONGO_DATABASE={db}", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}",
           "-s", "NEWSCRAWL_FLUSH_SECONDS=0.5", "-s", "NEWSCRAWL_BATCH_SIZE=5", "-s", "LOG_LEVEL=INFO",
           "-s", "NEWSCRAWL_MONGO_TIMEOUT_MS=1000", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05", *args]
    if background:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240)


def stored(uri, db) -> dict[str, dict]:
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        return {d["url"]: d for d in client[db].articles.find({}, {"url": 1, "version": 1})}
    finally:
        client.close()


def wait_for_writes(server_site, n, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline and sum(1 for _, s in server_site.log if s == 200) < n:
        time.sleep(0.05)


def wait_for_stored(uri, db, n, seconds=60):
    deadline = time.time() + seconds
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        while time.time() < deadline and client[db].articles.count_documents({}) < n:
            time.sleep(0.05)
    finally:
        client.close()


def test_server_killed_mid_crawl_and_back_after_10_s_loses_nothing(tmp_path, own_server):
    with slow_site() as site:
        proc = mongo_crawl(tmp_path, own_server.uri, "crawl", site.base_url, "-s", "NEWSCRAWL_STORE_RETRIES=6",
                           "-s", "NEWSCRAWL_STORE_BACKOFF=1", background=True)
        wait_for_writes(site.site, 25)
        own_server.kill()  # mid-batch: batches of 5 every 0.5 s
        time.sleep(10)
        own_server.start()
        out, err = proc.communicate(timeout=180)
        expected = expected_articles(site.site, site.base_url)
    assert proc.returncode == 0, err[-3000:]
    assert "Store write failed" in err  # the outage was met, and ridden out
    docs = stored(own_server.uri, "crawl")
    assert set(docs) == set(expected) and all(d["version"] == 1 for d in docs.values())


def test_server_gone_for_good_spills_and_replay_loads_once(tmp_path, own_server):
    with slow_site() as site:
        proc = mongo_crawl(tmp_path, own_server.uri, "crawl", site.base_url, "-s", "NEWSCRAWL_STORE_RETRIES=1",
                           "-s", "NEWSCRAWL_STORE_BACKOFF=0.2", "-s", f"NEWSCRAWL_SPILL_DIR={tmp_path / 'spill'}",
                           background=True)
        wait_for_writes(site.site, 25)
        own_server.kill()
        out, err = proc.communicate(timeout=180)
        expected = expected_articles(site.site, site.base_url)
    assert proc.returncode == 5, err[-3000:]  # store unavailable, spilled
    (spill,) = (tmp_path / "spill").glob("*.jsonl")
    own_server.start()
    for _ in range(2):  # once, then again: nothing twice
        replay = subprocess.run([sys.executable, "-m", "newscrawl", "replay", str(spill), "--store", "mongodb",
                                 "--mongo-uri", own_server.uri, "--mongo-database", "crawl"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert replay.returncode == 0, replay.stderr
    docs = stored(own_server.uri, "crawl")
    assert set(docs) == set(expected) and all(d["version"] == 1 for d in docs.values())
    assert " 0 new," in replay.stdout


def test_server_paused_past_the_socket_timeout_is_retried(tmp_path, own_server):
    with slow_site(0.2) as site:
        proc = mongo_crawl(tmp_path, own_server.uri, "crawl", site.base_url, "-s", "NEWSCRAWL_STORE_RETRIES=6",
                           "-s", "NEWSCRAWL_STORE_BACKOFF=1", "-s", "NEWSCRAWL_MONGO_SOCKET_TIMEOUT_MS=1500",
                           background=True)
        wait_for_stored(own_server.uri, "crawl", 5)  # a batch is in: the client and its pool are warm
        own_server.pause()  # connections stay open, nothing answers
        time.sleep(8)  # past every timeout the crawl sets: socket 1.5 s, connect and selection 1 s, per attempt
        own_server.resume()
        out, err = proc.communicate(timeout=180)
        expected = expected_articles(site.site, site.base_url)
    assert proc.returncode == 0, err[-3000:]
    # a write did time out, and was retried: the socket timeout, or the driver's own server check
    # that marked the server unknown before the write got to it
    assert re.search(r"Store write failed \(MongoDB at .*: (NetworkTimeout|ServerSelectionTimeoutError|AutoReconnect)\)",
                     err), err[-3000:]
    docs = stored(own_server.uri, "crawl")
    assert set(docs) == set(expected) and all(d["version"] == 1 for d in docs.values())


def test_server_restarted_between_two_crawls_keeps_the_store(tmp_path, own_server):
    with ReplicaServer(ReplicaSite()) as site:
        first = mongo_crawl(tmp_path, own_server.uri, "crawl", site.base_url)
        assert first.returncode == 0, first.stderr[-2000:]

        own_server.stop()
        own_server.start()
        second = mongo_crawl(tmp_path, own_server.uri, "crawl", site.base_url)
    assert second.returncode == 0, second.stderr[-2000:]
    assert re.search(r"Incremental crawl: \d+ articles of http://127.0.0.1:\d+ stored", second.stderr)
    assert "0 new, 0 updated" in second.stderr


def test_two_crawls_racing_on_one_url_store_one_document(tmp_path, mongo_uri):
    db = f"t_{uuid.uuid4().hex[:8]}"
    with ReplicaServer(ReplicaSite()) as site:
        url = next(iter(expected_articles(site.site, site.base_url)))
        # two processes write the same article at once (the crawl lock would keep two crawls of
        # one site apart: it is off here, to make the race)
        procs = [mongo_crawl(tmp_path / str(i), mongo_uri, db, site.base_url, "-a", f"urls={url}",
                             "-s", "NEWSCRAWL_LOCK_ENABLED=False", background=True) for i in range(2)]
        results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results[0][1][-2000:]
    docs = stored(mongo_uri, db)
    assert list(docs) == [url] and docs[url]["version"] == 1
    pymongo.MongoClient(mongo_uri).drop_database(db)

