"""Real crawls of the served replica (the `gbaf` spider, end to end)."""
import re
import subprocess
import sys
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

from newscrawl.replica import expected_articles
from newscrawl.replica.site import DISALLOWED, EMPTY, NO_BODY, NOT_FOUND, PDF

from .conftest import ROOT, as_jsonable, run_crawl

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def full(replica, tmp_path_factory):
    replica.site.reset_log()
    result = run_crawl(tmp_path_factory.mktemp("full"), "-a", f"base_url={replica.base_url}")
    return result, list(replica.site.log), set(replica.site.user_agents)


def test_every_article_once_with_correct_fields(full, replica):
    result, _, _ = full
    expected = expected_articles(replica.site, replica.base_url)
    urls = [i["url"] for i in result.items]
    assert len(urls) == len(set(urls)), "an article was yielded twice"
    assert set(urls) == set(expected)
    for url, want in expected.items():
        got = result.by_url[url]
        for field, value in want.items():
            assert got[field] == as_jsonable(value), (url, field)


def test_kinds_of_page_read_from_their_layer(full, replica):
    result, _, _ = full
    kinds = {f"{replica.base_url}/{a.slug}": a.kind for a in replica.site.articles}
    for item in result.items:
        layers = item["extraction"]
        kind = kinds[item["url"]]
        if kind == "modern":
            assert layers["title"] == "jsonld" and layers["published_at"] == "jsonld"
        elif kind == "meta":
            assert layers["title"] == "meta" and layers["published_at"] == "meta"
        elif kind == "labels":
            assert layers["published_at"] == "semantic" and layers["body"] == "semantic"
        elif kind == "legacy":
            assert layers["body"] == "legacy" and layers["authors"] == "legacy"
        elif kind == "bare":
            assert layers["body"] == "generic"
        else:
            pytest.fail(f"replica page kind {kind!r} has no expected layers here")
    assert result.stats["newscrawl/extraction/body/generic"] == 1


def test_derived_fields(full):
    result, _, _ = full
    for item in result.items:
        words = re.findall(r"\w+(?:[’'\-]\w+)*", item["body"])  # "3.5%" is two words, "bank's" one
        assert item["word_count"] == len(words) > 0
        assert len(item["content_hash"]) == 64
        crawled = datetime.fromisoformat(item["crawled_at"])
        assert crawled.utcoffset().total_seconds() == 0
        for f in ("published_at", "updated_at"):
            if item[f]:
                assert item[f].endswith("+00:00")


def test_bad_pages_dropped_with_reason(full):
    result, _, _ = full
    s = result.stats
    assert s["newscrawl/dropped/not_html"] == 1
    assert s["newscrawl/dropped/empty_response"] == 1
    assert s["newscrawl/dropped/no_body"] == 1
    assert s["newscrawl/dropped/http_404"] == 1
    assert "Dropped page" in result.log and NO_BODY in result.log
    assert s["finish_reason"] == "finished"
    bad = {f"{u}" for u in (NOT_FOUND, PDF, EMPTY, NO_BODY)}
    assert not [i for i in result.items if urlsplit(i["url"]).path in bad]


def test_polite_and_fetches_each_article_once(full, replica):
    _, log, agents = full
    paths = [urlsplit(p).path for p, _ in log]
    assert not [p for p in paths if p.startswith(("/admin/", "/api/", "/tag/", "/author/", "/awards",
                                                  "/_next/", DISALLOWED))]
    assert not [p for p, _ in log if "utm_" in p or "fbclid" in p or "gclid" in p]
    for a in replica.site.articles:
        path = replica.site.article_path(a)
        assert paths.count(path) == (2 if a.fail_first else 1), path
        if not a.slash_url:
            assert paths.count(path + "/") == 0
    assert [s for p, s in log if p == f"/{[a for a in replica.site.articles if a.fail_first][0].slug}"] == [500, 200]
    assert paths.count("/robots.txt") >= 1
    assert len(agents) == 1 and "newscrawl/" in next(iter(agents)) and "+http" in next(iter(agents))


def test_discovery_uses_sitemaps_feeds_and_pagination(full, replica):
    result, log, _ = full
    paths = {p for p, _ in log}
    for p in ("/sitemap.xml", "/sitemaps/posts-1.xml", "/sitemaps/posts-2.xml", "/sitemap-news.xml",
              "/feed/", "/category/finance/page/2/", "/category/banking/?page=2",
              "/category/business/page/2/", "/category/technology/?page=2",
              "/category/investing/page/2/", "/category/finance/fintech/"):
        assert p in paths, p
    # an article only the sitemaps list is found
    assert f"{replica.base_url}/archive-note-on-bond-ladders" in result.by_url


def test_hostile_links_in_listings_sitemaps_feeds_and_robots_cost_themselves_only(full, replica):
    """Every listing of the replica carries links no URL can be made of (replica.pages.HOSTILE_CARDS),
    its sitemaps, feed and robots.txt a malformed entry each (#32): all articles are stored all the
    same (test_every_article_once_with_correct_fields), the bad links are counted and never fetched."""
    result, log, _ = full
    listings = sum(1 for p, status in log if p.startswith("/category/") and status == 200)
    # "http://[bad", "//[::1" and the 5,000-character path on each (never fetched: over URLLENGTH_LIMIT)
    assert result.stats["newscrawl/dropped_links/malformed"] == 3 * listings
    assert "skipped a malformed sitemap location 'http://[bad/sitemap.xml'" in result.log
    assert not [p for p, _ in log if "99999" in p or "javascript" in p or "x" * 100 in p or "[" in p]


def test_categories_and_max_pages(replica, tmp_path):
    replica.site.reset_log()
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-a", "categories=finance",
                       "-a", "max_pages=1", "-s", "NEWSCRAWL_FOLLOW_ARTICLE_LINKS=False")
    paths = [p for p, _ in replica.site.log]
    assert "/category/finance/" in paths and "/category/finance/fintech/" in paths
    assert "/category/finance/page/2/" not in paths
    assert not [p for p in paths if p.startswith(("/category/banking", "/sitemap", "/feed"))]
    finance = replica.site.listed["finance"][:5] + replica.site.listed["finance/fintech"][:5]
    assert {i["url"] for i in result.items} == {f"{replica.base_url}/{a.slug}" for a in finance}


def test_since_skips_older_articles_and_stops_paging(replica, tmp_path):
    since = datetime(2026, 6, 1, tzinfo=timezone.utc)
    replica.site.reset_log()
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-a", "since=2026-06-01")
    want = {f"{replica.base_url}/{a.slug}" for a in replica.site.articles if a.published >= since}
    assert want and {i["url"] for i in result.items} == want
    assert result.stats.get("newscrawl/skipped/before_since", 0) > 0
    paths = [p for p, _ in replica.site.log]
    old = [a for a in replica.site.articles if a.published < since]
    assert not [a for a in old if replica.site.article_path(a) in paths and a.in_listings
                and a.kind != "legacy"], "old articles were fetched although listings dated them"


def test_urls_argument_parses_just_those(replica, tmp_path):
    a, b = replica.site.articles[0], replica.site.articles[4]
    replica.site.reset_log()
    urls = f"{replica.base_url}/{a.slug}/?utm_source=x,{replica.base_url}/{b.slug}"
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-a", f"urls={urls}")
    assert sorted(i["url"] for i in result.items) == sorted(
        f"{replica.base_url}/{x.slug}" for x in (a, b))
    assert {urlsplit(p).path for p, _ in replica.site.log} <= {
        "/robots.txt", f"/{a.slug}", f"/{b.slug}", f"/{b.slug}/"}


@pytest.mark.parametrize("arg, message", [
    ("since=2025-13-45", "since must be a date as YYYY-MM-DD"),
    ("since=last week", "since must be a date as YYYY-MM-DD"),
    ("max_pages=abc", "max_pages must be a whole number"),
    ("categories=Fin ance", "categories must be category slugs"),
    ("base_url=ftp://example.org", "base_url must be an http(s) URL"),
    ("catgories=finance", "unknown argument(s) catgories"),
])
def test_bad_arguments_fail_at_start(tmp_path, arg, message):
    # The command a user types; it must stop before any request, with Scrapy's usage error.
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", arg,
                           "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "MONGO_URI=",
                           "-O", str(tmp_path / "out.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert f"error: gbaf: {message}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "data").exists()


@pytest.mark.parametrize("value, message", [
    ('{"title": ["h1[["]}', "NEWSCRAWL_LEGACY_SELECTORS['title']: 'h1[[' is not a CSS selector"),
    ('{"titel": ["h1"]}', "NEWSCRAWL_LEGACY_SELECTORS['titel']: not a field the legacy layer reads"),
    ('{"body": "#main"}', "NEWSCRAWL_LEGACY_SELECTORS['body']: a list of CSS selectors"),
])
def test_bad_legacy_selectors_fail_at_start(tmp_path, value, message):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-s", f"NEWSCRAWL_LEGACY_SELECTORS={value}",
                           "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "MONGO_URI="],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"error: {message}" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "data").exists()


def test_a_crawl_of_the_replica_logs_its_start_checks_and_summary_in_few_lines(full):
    """At INFO: start, progress, the summary and one line per run check with its figure and
    floor; Scrapy's settings, middleware and stats dumps and Spidermon's report at DEBUG."""
    result, _, _ = full
    lines = [line for line in result.log.splitlines() if re.match(r"^\d{4}-\d\d-\d\d ", line)]
    assert len(lines) <= 60, "\n".join(lines)
    text = "\n".join(lines)
    for dump in ("Overridden settings", "Enabled extensions", "Enabled item pipelines", "Dumping Scrapy stats",
                 "[Spidermon] ----", "Versions:"):
        assert dump not in text
    assert "Scrapy 2." in text and "Spider opened" in text and "Spider closed (finished)" in text
    assert re.search(r"Run check passed: drop rate \d+\.\d% \(\d+ of \d+ pages; at most \d+%\)", text)
    assert re.search(r"Run check passed: field coverage of \d+ articles: title 100% \(needs 100%\)", text)
    assert re.search(r"Crawl run \w{8}: status passed \(exit code 0\)", text)
    assert re.search(r"Crawl run \w{8}: \d+ new, 0 updated", text)
