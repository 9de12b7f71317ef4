"""A hostile portal (replica fault mode): every fault has a written promise, and one crawl
checks them all: stored (after retries), dropped with a named reason, never fetched, or
survived; no article lost, none twice."""
import json
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles
from newscrawl.replica.faults import ARTICLE_FAULTS, FAULTS, FaultPlan

from .conftest import ROOT, run_crawl


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    plan = FaultPlan(seed=13)
    site = ReplicaSite(faults=plan)
    with ReplicaServer(site) as server:
        tmp = tmp_path_factory.mktemp("hostile")
        t0 = time.time()
        result = run_crawl(tmp, "-a", f"base_url={server.base_url}", "-s", "DOWNLOAD_TIMEOUT=2",
                           "-s", "RETRY_TIMES=4", "-s", "NEWSCRAWL_BACKOFF_MAX=2")
        yield server, plan, result, time.time() - t0, tmp


def outcome(fault, server, plan, result):
    url = f"{server.base_url}/{plan.slug_of(fault)}"
    return url, result.by_url.get(url)


@pytest.mark.parametrize("fault", sorted(ARTICLE_FAULTS))
def test_each_article_fault_keeps_its_promise(hostile, fault):
    server, plan, result, _, _ = hostile
    promise = ARTICLE_FAULTS[fault][1]
    url, item = outcome(fault, server, plan, result)
    slug = plan.slug_of(fault)
    if promise == "stored":
        assert item is not None, f"{fault}: not stored"
        assert item["body"] and "\ufffd" not in item["title"] + item["body"]
    elif promise.startswith("dropped:"):
        assert item is None
        reason = promise.split(":", 1)[1]
        assert result.stats.get(f"newscrawl/dropped/{reason}", 0) >= 1, (fault, reason)
        assert f"Dropped page {url}: {reason}" in result.log
    elif promise == "never_fetched":
        assert item is None
        assert not [p for p, _ in server.site.log if "elsewhere" in p or "staging" in p]
        assert result.stats.get("offsite/filtered", 0) >= 1
    if fault == "control_title":
        assert not any(c in item["title"] for c in "\x1b\x07\x00\x08") and "pwned" not in item["title"]
    if fault == "cp1252_as_utf8":
        assert item["title"].endswith("\u2013 caf\u00e9\u2019s view")
        assert result.stats["newscrawl/repaired/charset"] == 1
    if fault == "bom":
        assert not item["title"].startswith("\ufeff")
    if fault == "retry_after_429":
        assert result.stats["newscrawl/retry/backoff_seconds"] >= 1
    if fault == "redirect_loop":
        hits = [p for p, _ in server.site.log if urlsplit(p).path.strip("/") == slug]
        assert len(hits) <= 6  # bounded: REDIRECT_MAX_TIMES


def test_the_crawl_survives_the_site_faults_and_loses_nothing(hostile):
    server, plan, result, elapsed, _ = hostile
    assert result.returncode == 0 and result.stats["finish_reason"] == "finished"
    faulty = {f"{server.base_url}/{s}" for s, f in plan.by_slug.items() if ARTICLE_FAULTS[f][1] != "stored"}
    want = set(expected_articles(server.site, server.base_url)) - faulty
    assert want <= set(result.by_url)  # lost: 0
    assert len(result.items) == len(result.by_url)  # duplicated: 0
    paths = {urlsplit(p).path for p, _ in server.site.log}
    assert {"/sitemaps/broken.xml", "/sitemaps/entities.xml", "/sitemaps/oversized.xml"} <= paths
    assert not [u for u in result.by_url if "lol" in u or "root:" in u or "xxe" in u]  # no entity expanded
    assert "Traceback" not in result.log
    assert result.stats["newscrawl/errors/bad_sitemap"] == 1 and result.stats["newscrawl/errors/robots_txt"] == 1
    assert elapsed < 120
    assert set(FAULTS) == set(plan.faults)
    assert len([u for u in result.by_url if "%" in u]) == 1  # the non-ASCII article, once


def test_a_non_ascii_url_is_fetched_and_stored_once(hostile):
    from urllib.parse import quote, unquote

    from newscrawl.replica.faults import NON_ASCII_SLUG
    server, _, result, _, _ = hostile
    want = f"{server.base_url}/{quote(NON_ASCII_SLUG)}"
    assert [u for u in result.by_url if "zurich" in unquote(u) or "z%C3%BCrich" in u] == [want]
    assert [i["title"] for i in result.items if i["url"] == want] == ["Marchés en hausse à Zürich"]
    fetched = [p for p, s in server.site.log if unquote(p).strip("/") == NON_ASCII_SLUG and s == 200]
    assert len(fetched) == 1


def test_a_robots_txt_that_never_answers_is_survived(tmp_path):
    plan = FaultPlan(seed=13, faults=("robots_timeout",))
    site = ReplicaSite(faults=plan)
    with ReplicaServer(site) as server:
        result = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-s", "DOWNLOAD_TIMEOUT=2",
                           "-s", "RETRY_TIMES=1", "-s", "NEWSCRAWL_BACKOFF_MAX=1")
        assert result.stats["finish_reason"] == "finished" and result.stats["newscrawl/errors/robots_txt"] == 1
        assert set(expected_articles(site, server.base_url)) <= set(result.by_url)


def test_query_values_are_plain_strings_on_both_stores(hostile):
    _, _, result, _, tmp = hostile
    data = next(tmp.glob("crawl-*/data"))
    for value in ('{"$ne": null}', "x' OR '1'='1", "%' --", "finance\"; DROP TABLE articles; --"):
        for opt in ("--category", "--tag", "--author", "--search"):
            p = subprocess.run([sys.executable, "-m", "newscrawl", "query", opt, value, "--format", "jsonl",
                                "--data-dir", str(data), "--mongo-uri", ""], capture_output=True, text=True,
                               timeout=60, cwd=ROOT)
            assert p.returncode == 0 and p.stdout == "", (opt, value, p.stdout[:200], p.stderr[-500:])
    import mongomock_ng  # noqa: F401 (the MongoDB side, through the fake)

    from newscrawl.store import Filters
    from newscrawl.store.mongo import MongoStore
    store = MongoStore("mongomock://query-safety", "q", 1000)
    try:
        from newscrawl.store import ArticleWriter
        ArticleWriter(store, 10).write([json.loads(json.dumps({"url": "http://x.test/a", "title": "T", "body": "b",
                                                                "content_hash": "h", "category": "Finance"}))],
                                       __import__("datetime").datetime.now(__import__("datetime").timezone.utc))
        for value in ('{"$ne": null}', "/.*/", "^"):
            assert list(store.find(Filters(category=value))) == []
            assert list(store.find(Filters(author=value))) == []
            assert list(store.find(Filters(tag=value))) == []
    finally:
        store.close()


def test_sitemaps_expand_no_entity_and_stop_at_the_protocol_limit():
    from newscrawl.extract.listing import MAX_SITEMAP_URLS, read_sitemap
    from newscrawl.replica.faults import ENTITY_SITEMAP
    t0 = time.perf_counter()
    _, links = read_sitemap(ENTITY_SITEMAP.replace(b"BASE", b"http://h"))
    assert time.perf_counter() - t0 < 1
    assert [link.url for link in links] == ["http://h/xxe-", "http://h/lol-"]  # nothing read, nothing expanded
    big = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           + b"".join(b"<url><loc>http://h/s-%d</loc></url>" % i for i in range(60_000)) + b"</urlset>")
    assert len(read_sitemap(big)[1]) == MAX_SITEMAP_URLS
    with pytest.raises(ValueError, match="not XML"):
        read_sitemap(b"\x00\x01 { not xml")


def test_the_cli_prints_no_control_characters():
    import io

    from newscrawl.ops.cli import write_docs
    out = io.StringIO()
    write_docs([{"title": "Bad \x1b[2J\x1b]0;x\x07title\x00", "url": "http://h/a", "category": "F\x1b[31m"}], "table", out)
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue() and "Bad title" in out.getvalue()
    out = io.StringIO()
    write_docs([{"title": "T\x1b[31m", "url": "http://h/a", "body": "b\x08"}], "csv", out)
    assert "\x1b" not in out.getvalue() and "\x08" not in out.getvalue()
