"""Storage end to end: real crawls of the replica into each store, re-runs, edits, outages.

Every test runs against the embedded SQLite store and against MongoDB: mongomock-ng, or the
real server named by MONGO_URI when it is set.
"""
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import pytest

from newscrawl.conf import project_settings
from newscrawl.ops import cli
from newscrawl.process.pipelines import StorePipeline
from newscrawl.replica import expected_articles
from newscrawl.store import ArticleWriter, Filters, StoreUnavailable, open_store

from .inprocess import crawl


@pytest.fixture(params=["embedded", "mongodb"])
def store_cfg(request, tmp_path):
    """Each store: the embedded one, and MongoDB over a socket (the wire-protocol server the
    tests start, or the real server MONGO_URI names), one database per test."""
    # Batches by size only (no timed flush), so that counts are deterministic.
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None, "NEWSCRAWL_FLUSH_SECONDS": 600}
    if request.param == "mongodb":
        cfg["MONGO_URI"] = request.getfixturevalue("mongo_uri")
        cfg["MONGO_DATABASE"] = f"newscrawl_test_{uuid.uuid4().hex[:8]}"
    yield cfg
    if request.param == "mongodb":
        import pymongo
        client = pymongo.MongoClient(cfg["MONGO_URI"], serverSelectionTimeoutMS=5000)
        client.drop_database(cfg["MONGO_DATABASE"])
        client.close()


def store_of(cfg):
    settings = project_settings()
    settings.setdict(cfg, priority="cmdline")
    return open_store(settings, quiet=True)


def docs(cfg) -> dict[str, dict]:
    store = store_of(cfg)
    try:
        return {d["url"]: d for d in store.find(Filters())}
    finally:
        store.close()


def runs(cfg) -> list[dict]:
    """The last crawl runs as their stored documents."""
    store = store_of(cfg)
    try:
        return [run.to_doc() for run in store.last_runs(10)]
    finally:
        store.close()


def cli_args(cfg) -> list[str]:
    """The store of ``cfg`` named on the command line; ``--store embedded`` keeps a MONGO_URI of
    the environment (a real server for the suite) out of the embedded side's tests."""
    out = ["--data-dir", cfg["NEWSCRAWL_DATA_DIR"]]
    if cfg["MONGO_URI"]:
        return [*out, "--store", "mongodb", "--mongo-uri", cfg["MONGO_URI"], "--mongo-database", cfg["MONGO_DATABASE"]]
    return [*out, "--store", "embedded"]


def test_crawl_stores_every_article_once_and_reruns_change_nothing(fresh_replica, store_cfg):
    base = fresh_replica.base_url
    c1 = crawl(store_cfg, base_url=base)
    first = docs(store_cfg)
    expected = expected_articles(fresh_replica.site, base)
    assert set(first) == set(expected)
    for url, want in expected.items():
        for field, value in want.items():
            assert first[url][field] == value, (url, field)
        assert first[url]["version"] == 1 and first[url]["history"] == []
        assert first[url]["first_seen_at"] == first[url]["last_seen_at"]
    run1 = runs(store_cfg)[0]
    assert run1["finish_reason"] == "finished" and run1["status"] == "passed"
    assert run1["counts"]["new"] == len(expected) and run1["counts"]["unchanged"] == 0
    assert run1["counts"]["dropped"] == {"empty_response": 1, "http_404": 1, "no_body": 1, "not_html": 1}
    assert run1["arguments"] == {"base_url": base}
    assert run1["extraction"]["body"]["generic"] == 1 and sum(run1["extraction"]["title"].values()) == len(expected)
    assert c1.stats.get_value("newscrawl/store/round_trips") <= 4  # one batch: read + write

    crawl(store_cfg, base_url=base, refresh="all")  # every page again (incremental: see test_incremental)
    second = docs(store_cfg)
    assert len(second) == len(first)
    for url, before in first.items():
        after = second[url]
        assert after["last_seen_at"] > before["last_seen_at"]
        assert after["archived"]["file"] != before["archived"]["file"]  # the newest capture: the second run's
        assert {k: v for k, v in after.items() if k not in ("last_seen_at", "archived")} == \
               {k: v for k, v in before.items() if k not in ("last_seen_at", "archived")}
    run2 = runs(store_cfg)[0]
    assert run2["run_id"] != run1["run_id"]
    assert (run2["counts"]["new"], run2["counts"]["updated"], run2["counts"]["unchanged"]) == (0, 0, len(expected))


def test_edited_article_is_updated_with_history(fresh_replica, store_cfg):
    base, site = fresh_replica.base_url, fresh_replica.site
    crawl(store_cfg, base_url=base)
    slug = "harbour-city-lenders-brace-for-slower-mortgage-growth"
    url = f"{base}/{slug}"
    old = docs(store_cfg)[url]
    art = site.by_slug[slug]
    new_blocks = art.blocks[:-1] + [("p", "Lenders added that arrears were still falling."), art.blocks[-1]]
    site.edit(slug, blocks=new_blocks, updated=datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc))
    crawl(store_cfg, base_url=base, refresh="all")
    now = docs(store_cfg)
    doc = now[url]
    assert "arrears were still falling" in doc["body"]
    assert doc["updated_at"] == datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
    assert doc["version"] == 2 and doc["content_hash"] != old["content_hash"]
    assert doc["first_seen_at"] == old["first_seen_at"]
    assert len(doc["history"]) == 1
    entry = doc["history"][0]
    assert entry["version"] == 1 and entry["changed_at"] == doc["last_seen_at"]
    assert entry["fields"] == {"body": old["body"], "updated_at": old["updated_at"]}
    assert len(now) == len(expected_articles(site, base))  # still no duplicate
    counts = runs(store_cfg)[0]["counts"]
    assert (counts["new"], counts["updated"]) == (0, 1)


def test_store_outage_mid_crawl_spills_then_replay_loses_nothing(fresh_replica, store_cfg, monkeypatch, capsys):
    base = fresh_replica.base_url
    store_cls = type(store_of(store_cfg))
    real_apply = store_cls.apply
    calls = {"n": 0}

    def flaky_apply(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:  # the first two batches go in, then the store goes away
            raise StoreUnavailable("connection lost (injected)")
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(store_cls, "apply", flaky_apply)
    settings = dict(store_cfg, NEWSCRAWL_BATCH_SIZE=5, NEWSCRAWL_STORE_RETRIES=2, NEWSCRAWL_STORE_BACKOFF=0.01)
    c = crawl(settings, base_url=base)
    stats = c.stats.get_stats()
    expected = expected_articles(fresh_replica.site, base)
    assert stats["finish_reason"] == "store_unavailable_spilled"
    spill_file = stats["newscrawl/store/spill_file"]
    stored = docs(store_cfg)
    assert len(stored) == 10
    assert stats["newscrawl/store/spilled"] == len(expected) - 10
    assert stats["newscrawl/store/errors"] >= 3

    monkeypatch.setattr(store_cls, "apply", real_apply)
    assert cli.main(["replay", spill_file, *cli_args(store_cfg)]) == 0
    assert f"{len(expected) - 10} new" in capsys.readouterr().out
    stored = docs(store_cfg)
    assert set(stored) == set(expected)
    for url, want in expected.items():
        assert stored[url]["body"] == want["body"] and stored[url]["published_at"] == want["published_at"]
    # replaying again is idempotent
    assert cli.main(["replay", spill_file, *cli_args(store_cfg)]) == 0
    assert "0 new, 0 updated" in capsys.readouterr().out
    assert len(docs(store_cfg)) == len(expected)


def test_timed_flush_writes_batches_during_a_slow_crawl(replica, store_cfg):
    settings = dict(store_cfg, NEWSCRAWL_BATCH_SIZE=1000, NEWSCRAWL_FLUSH_SECONDS=0.2,
                    DOWNLOAD_DELAY=0.02, CONCURRENT_REQUESTS=1)
    c = crawl(settings, base_url=replica.base_url)
    assert c.stats.get_value("newscrawl/store/batches") > 1  # not all at the end
    assert len(docs(store_cfg)) == len(expected_articles(replica.site, replica.base_url))


@pytest.mark.parametrize("store_down", [False, True])
def test_crawl_end_waits_for_a_timed_write_in_flight(replica, store_cfg, monkeypatch, store_down):
    # The flush timer fires just before the crawl goes idle and its write is slow: the
    # store is not closed under it, and if it fails the finish reason says so.
    real_write, real_idle = ArticleWriter.write, StorePipeline.spider_idle

    def slow_write(self, items, now):
        time.sleep(0.3)
        if store_down:
            raise StoreUnavailable("connection lost (injected)")
        return real_write(self, items, now)

    def idle_during_timed_flush(self):
        self._flush()
        return real_idle(self)

    monkeypatch.setattr(ArticleWriter, "write", slow_write)
    monkeypatch.setattr(StorePipeline, "spider_idle", idle_during_timed_flush)
    c = crawl(dict(store_cfg, NEWSCRAWL_BATCH_SIZE=1000, NEWSCRAWL_STORE_RETRIES=0),
              base_url=replica.base_url)
    n = len(expected_articles(replica.site, replica.base_url))
    if store_down:
        assert c.stats.get_value("finish_reason") == "store_unavailable_spilled"
        assert c.stats.get_value("newscrawl/store/spilled") == n
    else:
        assert c.stats.get_value("finish_reason") == "finished"
        assert not c.stats.get_value("newscrawl/store/spilled")
        assert len(docs(store_cfg)) == n


def test_mongodb_indexes_are_created_once_and_enforced(store_cfg):
    if not store_cfg["MONGO_URI"]:
        pytest.skip("MongoDB indexes; the embedded store's are SQL indexes")
    import pymongo.errors
    store = store_of(store_cfg)
    try:
        store.ensure_indexes()
        store.ensure_indexes()  # a second start changes nothing
        info = store.articles.index_information()
        assert set(info) == {"_id_", "url_unique", "published_at_desc", "category_published_at",
                             "tags", "text", "change_cursor"}
        assert info["change_cursor"]["sparse"] is True  # the change feed: only articles that hold a number
        assert info["url_unique"]["unique"] is True
        assert info["text"]["language_override"] == "text_language"
        t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
        # A BCP 47 `language` would be refused by a text index reading it as its language.
        ArticleWriter(store, 10).write([{"url": "https://x.test/a", "title": "T", "body": "b",
                                     "content_hash": "h", "published_at": t0,
                                     "language": "en-GB"}], t0)
        with pytest.raises(pymongo.errors.DuplicateKeyError):  # a whole article: the validator lets it by
            store.articles.insert_one(store.articles.find_one({"url": "https://x.test/a"}, {"_id": 0}))
    finally:
        store.close()


def test_text_index_reading_language_is_rebuilt(store_cfg, caplog):
    if not store_cfg["MONGO_URI"]:
        pytest.skip("MongoDB text index")
    # the collection exists before its validator: mongoeco has no collMod (MongoDB has; the
    # validator's update is tested in test_store_mongo.py), so leave the validator out here
    store = store_of(dict(store_cfg, NEWSCRAWL_MONGO_VALIDATION="off"))
    try:
        store.articles.create_index([("title", "text")], name="old_text")  # server default: `language`
        # MongoDB reports language_override "language" for it; mongoeco reports none, which
        # MongoDB's documentation gives the same meaning (the default is "language")
        store.ensure_indexes()
        info = store.articles.index_information()
        assert "old_text" not in info and "text" in info
        assert "Rebuilding text index 'old_text'" in caplog.text
    finally:
        store.close()


def test_concurrent_writer_race_is_resolved(store_cfg):
    """Another crawler changes an article between our read and our write."""
    store = store_of(store_cfg)
    store.ensure_indexes()
    ours, theirs = ArticleWriter(store, 10), ArticleWriter(store, 10)
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    base = {"url": "https://x.test/a", "title": "T", "body": "one", "content_hash": "h1",
            "published_at": t0}
    ours.write([base], t0)
    real_fetch = store.fetch_state
    state = {"raced": False}

    def racing_fetch(urls):
        result = real_fetch(urls)
        if not state["raced"]:
            state["raced"] = True
            theirs.write([dict(base, body="two", content_hash="h2")], t0)
        return result

    store.fetch_state = racing_fetch
    counts = ours.write([dict(base, body="three", content_hash="h3")], t0)
    store.fetch_state = real_fetch
    doc = next(store.find(Filters()))
    assert counts.updated == 1
    assert doc["body"] == "three" and doc["version"] == 3
    assert [h["fields"]["body"] for h in doc["history"]] == ["one", "two"]
    assert store.count() == 1
    store.close()


def test_history_is_bounded(store_cfg):
    store = store_of(store_cfg)
    store.ensure_indexes()
    w = ArticleWriter(store, history_max=3)
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(6):
        w.write([{"url": "https://x.test/b", "title": f"v{i}", "body": "b", "published_at": t0}], t0)
    doc = next(store.find(Filters()))
    assert doc["version"] == 6 and [h["fields"]["title"] for h in doc["history"]] == ["v2", "v3", "v4"]
    store.close()


def test_query_filters_and_formats(replica, store_cfg, capsys, tmp_path):
    crawl(store_cfg, base_url=replica.base_url)
    args = cli_args(store_cfg)

    def query(*extra):
        assert cli.main(["query", "--format", "jsonl", "--limit", "1000", *args, *extra]) == 0
        lines = capsys.readouterr().out.splitlines()
        import json
        return [json.loads(x) for x in lines]

    fin = query("--category", "FINANCE")
    assert fin and {d["category"] for d in fin} == {"Finance"}
    dates = [d["published_at"] for d in fin]
    assert dates == sorted(dates, reverse=True)
    assert {d["url"].rsplit("/", 1)[1] for d in query("--tag", "mortgages")} == {
        "harbour-city-lenders-brace-for-slower-mortgage-growth"}
    assert [d["authors"] for d in query("--author", "okafor")] == [["Mara Lindqvist", "Tomas Okafor"]]
    desk = query("--author", "news desk")  # the portal's desk byline is an author like any other
    assert len(desk) >= 3 and all(d["authors"] == ["GBAF News Desk"] for d in desk)
    found = query("--search", "copper hedging")
    assert [d["title"] for d in found] == ["Copper price swings test miners' hedging books"]
    window = query("--since", "2025-01-01", "--until", "2025-07-01")
    assert window and all("2025-01-01" <= d["published_at"][:10] < "2025-07-01" for d in window)
    assert len(query("--limit", "3")) == 3
    out = tmp_path / "a.csv"
    assert cli.main(["export", "--format", "csv", "--out", str(out), *args, "--category", "banking"]) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("url,title,category,published_at") and len(rows) > 2
    assert cli.main(["stats", *args]) == 0
    text = capsys.readouterr().out
    assert "Banking" in text and "Last crawl runs" in text and "passed" in text


def test_unreachable_mongodb_fails_at_start_with_masked_uri(tmp_path):
    port = 9  # discard port: nothing listens there
    cmd = [sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", "base_url=http://127.0.0.1:1",
           "-s", "NEWSCRAWL_MONGO_TIMEOUT_MS=300"]
    env = dict(os.environ, MONGO_URI=f"mongodb://crawler:hunter2secret@127.0.0.1:{port}/",
               SCRAPY_SETTINGS_MODULE="newscrawl.settings")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "error: MongoDB at mongodb://crawler:***@127.0.0.1:9/ is unreachable" in out
    assert "Traceback" not in out
    assert "MONGO_URI" in out and "hunter2secret" not in out


def test_store_pipeline_refuses_to_open_on_unreachable_mongodb(tmp_path):
    # Runners that skip `scrapy crawl` (scripts, CrawlerProcess) get the same line, and the
    # crawl closes before any request (a CloseSpider from the pipeline's open_spider).
    c = crawl({"MONGO_URI": "mongodb://crawler:pw@127.0.0.1:9/", "NEWSCRAWL_MONGO_TIMEOUT_MS": 300,
               "NEWSCRAWL_DATA_DIR": str(tmp_path / "data")}, base_url="http://127.0.0.1:1")
    stats = c.stats.get_stats()
    assert stats["finish_reason"] == "store_unavailable"
    assert re.search(r"mongodb://crawler:\*\*\*@127.0.0.1:9/ is unreachable", stats["newscrawl/error"])
    assert stats.get("downloader/request_count", 0) == 0
