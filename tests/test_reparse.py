"""`newscrawl reparse` and the spider's reparse and replay modes, on real crawls of the replica
into each store: the archived pages read again with no request to the site (the replica's
request log says so), a change stored once as a new version (history, change feed, webhook),
nothing touched the second time; the store rebuilt from the archive alone; a whole crawl
replayed from an archive; broken records skipped with their reason, the rest reparsed."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.archive import ArchiveIndex
from newscrawl.replica import expected_articles
from newscrawl.store.base import field_hashes

from .conftest import ROOT
from .inprocess import crawl
from .test_changes import changes, lines
from .test_storage import cli_args, docs, runs, store_cfg, store_of  # noqa: F401 (the fixture)

OLD_TITLE = "What the parser of its day read"
# what a reparse may change of a stored article besides its fields: where the page lies, which
# parser read it, when it was read; and the store's own bookkeeping
BOOKKEEPING = ("crawled_at", "archived", "parser", "first_seen_at", "last_seen_at", "freshness", "_id")


def archive(cfg) -> Path:
    return Path(cfg["NEWSCRAWL_DATA_DIR"]) / "archive"


def tamper(cfg, urls: list[str]) -> None:
    """Stored as an older parser read them: another title (and its hash, as it would have stored it)."""
    store = store_of(cfg)
    try:
        for url in urls:
            if cfg.get("MONGO_URI"):
                hashes = field_hashes({**store.articles.find_one({"url": url}), "title": OLD_TITLE})
                store.articles.update_one({"url": url}, {"$set": {"title": OLD_TITLE, "_hashes.title": hashes["title"]}})
            else:
                row = store.db.execute("SELECT doc FROM articles WHERE url = ?", (url,)).fetchone()
                doc = json.loads(row[0])
                doc["title"] = OLD_TITLE
                doc["_hashes"]["title"] = field_hashes(doc)["title"]
                store.db.execute("UPDATE articles SET doc = ? WHERE url = ?", (json.dumps(doc), url))
    finally:
        store.close()


def test_a_reparse_reads_the_archive_only_and_stores_each_change_once(fresh_replica, store_cfg, webhook):  # noqa: F811
    site, base = fresh_replica.site, fresh_replica.base_url
    hook_url, posts = webhook  # a consumer of the change feed, from the first crawl on
    crawl({**store_cfg, "NEWSCRAWL_CHANGES_WEBHOOK": hook_url}, base_url=base)
    before = docs(store_cfg)
    fixed = sorted(before)[:3]
    tamper(store_cfg, fixed)
    cursor = max(c["cursor"] for c in lines(changes(store_cfg, "--since", "0")))
    site.reset_log()
    posts.clear()
    c = crawl({**store_cfg, "NEWSCRAWL_CHANGES_WEBHOOK": hook_url}, base_url=base, reparse="1",
              archive=str(archive(store_cfg)))
    assert site.requests == []  # not one request reached the site, robots.txt included
    after = docs(store_cfg)
    for url in fixed:  # the old title replaced: version 2, the old title in its history
        assert after[url]["title"] == before[url]["title"] and after[url]["version"] == 2
        assert after[url]["history"][-1]["fields"] == {"title": OLD_TITLE}
    for url in set(before) - set(fixed):  # the rest untouched: not even seen again
        assert after[url]["version"] == 1 and after[url]["last_seen_at"] == before[url]["last_seen_at"]
    feed = lines(changes(store_cfg, "--since", str(cursor)))
    assert sorted(ch["url"] for ch in feed) == fixed  # once each
    posted = [ch["url"] for body in posts for ch in body.get("changes", [])]
    assert sorted(posted) == fixed
    (run,) = [r for r in runs(store_cfg) if r["mode"] == "reparse"]
    assert run["status"] == "passed" and run["counts"]["updated"] == 3
    assert run["counts"]["unchanged"] == len(before) - 3 and run["counts"]["requests"] == {}
    assert run["counts"]["archive"]["replayed"] >= len(before)
    assert c.stats.get_value("downloader/request_count") is None  # Scrapy's own count: nothing downloaded
    # the same again: nothing to change
    crawl(store_cfg, base_url=base, reparse="1", archive=str(archive(store_cfg)))
    assert docs(store_cfg) == after
    assert lines(changes(store_cfg, "--since", str(cursor))) == feed


def test_a_lost_store_is_rebuilt_from_the_archive_alone(fresh_replica, store_cfg, tmp_path):  # noqa: F811
    base = fresh_replica.base_url
    crawl(store_cfg, base_url=base)
    before = docs(store_cfg)
    kept = tmp_path / "kept-archive"
    shutil.copytree(archive(store_cfg), kept)
    lost = {**store_cfg, "NEWSCRAWL_DATA_DIR": str(tmp_path / "lost")}  # a new, empty store
    if lost.get("MONGO_URI"):
        lost["MONGO_DATABASE"] = store_cfg["MONGO_DATABASE"] + "_lost"
    fresh_replica.stop()  # the site is gone too
    try:
        crawl(lost, base_url=base, reparse="1", archive=str(kept))
        rebuilt = docs(lost)
    finally:
        if lost.get("MONGO_URI"):
            import pymongo
            pymongo.MongoClient(lost["MONGO_URI"]).drop_database(lost["MONGO_DATABASE"])
    assert set(rebuilt) == set(before) == set(expected_articles(fresh_replica.site, base))
    for url, doc in before.items():
        assert {k: v for k, v in rebuilt[url].items() if k not in BOOKKEEPING} == \
               {k: v for k, v in doc.items() if k not in BOOKKEEPING}, url
        assert rebuilt[url]["archived"] == doc["archived"]  # the same page, in the same record


def test_a_whole_crawl_is_replayed_from_an_archive_with_no_request_to_the_site(fresh_replica, tmp_path):
    base = fresh_replica.base_url
    recorded = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "recorded"), "MONGO_URI": None}
    crawl(recorded, base_url=base)
    fresh_replica.site.reset_log()
    replayed = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "replayed"), "MONGO_URI": None}
    c = crawl(replayed, base_url=base, archive=str(archive(recorded)))
    assert fresh_replica.site.requests == []
    assert set(docs(replayed)) == set(docs(recorded)) == set(expected_articles(fresh_replica.site, base))
    stats = c.stats.get_stats()
    assert not [k for k in stats if k.startswith("newscrawl/requests/")]  # the site saw none: the figures say so
    assert stats["newscrawl/archive/replayed"] > len(docs(recorded)) and "newscrawl/archive/records" not in stats
    assert stats["finish_reason"] == "finished"


def test_broken_records_are_skipped_with_their_reason_and_the_rest_reparsed(fresh_replica, tmp_path):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    base = fresh_replica.base_url
    # twelve articles fetched one after another: the archive's records in a known order
    wanted = [f"{base}/{a.slug}" for a in fresh_replica.site.articles
              if not a.fail_first and f"{base}/{a.slug}" in expected_articles(fresh_replica.site, base)][:12]
    crawl({**cfg, "CONCURRENT_REQUESTS": 1}, base_url=base, urls=",".join(wanted))
    before = docs(cfg)
    assert set(before) == set(wanted)
    (warc,) = archive(cfg).rglob("*.warc.gz")
    index = ArchiveIndex.load(archive(cfg))
    pages = sorted((c for c in index.latest(("article_new",)) if c.url in before), key=lambda c: c.offset)
    flipped, cut = pages[0], pages[-1]
    assert cut.offset + cut.length == warc.stat().st_size  # the file's last record
    data = bytearray(warc.read_bytes())
    for i in range(flipped.offset + 30, flipped.offset + 50):
        data[i] ^= 0xFF
    warc.write_bytes(bytes(data[: cut.offset + 10]))  # cut off in the middle of its last record
    tamper(cfg, list(before))  # every article stored as an older parser read it
    c = crawl(cfg, base_url=base, reparse="1", archive=str(archive(cfg)))
    stats = c.stats.get_stats()
    broken = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newscrawl/archive/broken/")}
    assert broken == {"corrupt": 1, "truncated": 1}
    after = docs(cfg)
    fixed = {u for u in before if after[u]["title"] != OLD_TITLE}
    assert fixed == set(before) - {flipped.url, cut.url}  # every readable page reparsed
    (run,) = [r for r in runs(cfg) if r["mode"] == "reparse"]
    assert run["status"] == "degraded" and run["counts"]["archive"]["broken/corrupt"] == 1
    assert "broken" in (run.get("error") or "") + json.dumps(run.get("monitor"))


def reparse_cli(cfg, *args, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "reparse", *cli_args(cfg), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_the_command_reparses_in_processes_and_says_what_is_wrong_in_one_line(fresh_replica, tmp_path):
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    base = fresh_replica.base_url
    crawl(cfg, base_url=base)
    before = docs(cfg)
    tamper(cfg, list(before))
    fresh_replica.site.reset_log()
    proc = reparse_cli(cfg, "--processes", "2")
    assert fresh_replica.site.requests == []
    assert "(shard 0/2)" in proc.stderr and "(shard 1/2)" in proc.stderr
    reparses = [r for r in runs(cfg) if r["mode"] == "reparse"]
    assert len(reparses) == 2 and {r["status"] for r in reparses} == {"passed"}
    assert sum(r["counts"]["updated"] for r in reparses) == len(before)  # each article in one of them
    assert all(d["title"] != OLD_TITLE and d["version"] == 2 for d in docs(cfg).values())
    missing = reparse_cli(cfg, "--archive", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().splitlines() == [f"newscrawl reparse: error: no web archive at {tmp_path / 'nowhere'}: "
                                                   "crawl first (NEWSCRAWL_ARCHIVE is on by default), or name one "
                                                   "with --archive PATH"]
    other = reparse_cli(cfg, "--site", "http://127.0.0.1:1", check=False)
    assert other.returncode == 1 and "holds no article page of http://127.0.0.1:1" in other.stderr


@pytest.mark.parametrize("bad,said", [("shard=2/2", "shard must be I/N"), ("archive=/nowhere", "is not a folder")])
def test_bad_reparse_arguments_are_usage_errors(bad, said):
    from scrapy.exceptions import UsageError

    from newscrawl.spiders.arguments import parse_arguments
    with pytest.raises(UsageError, match=said):
        parse_arguments("gbaf", **dict([bad.split("=", 1)]), reparse="1", **({} if bad.startswith("archive")
                                                                               else {"archive": str(ROOT)}))
