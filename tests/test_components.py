"""Components on their own: retry backoff, run summaries, the block reader, the compact
dupefilter, the replay chain, page problems, and the CLI writing into a closed pipe."""
import asyncio
import json
import logging
import subprocess
import sys
from datetime import datetime, timezone

import lxml.html
import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl import cli
from newscrawl.dupefilter import CompactDupeFilter
from newscrawl.extract.article import ArticleParser
from newscrawl.extract.blocks import read_blocks
from newscrawl.middlewares import BackoffRetryMiddleware
from newscrawl.prepare import Prepare
from newscrawl.runs import summarize
from newscrawl.store import ArticleWriter, Filters
from newscrawl.store.spill import SpillFile
from newscrawl.store.sqlite import SQLiteStore
from newscrawl.urls import SiteRules

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


# ---- BackoffRetryMiddleware ------------------------------------------------------------
def _middleware(**settings):
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 4, "RETRY_HTTP_CODES": [429, 503],
                                         "NEWSCRAWL_BACKOFF_BASE": 2.0, "NEWSCRAWL_BACKOFF_MAX": 120.0,
                                         **settings})
    crawler.stats.open_spider()
    crawler.spider = Spider.from_crawler(crawler, "gbaf")
    return crawler, BackoffRetryMiddleware.from_crawler(crawler)


def test_backoff_doubles_with_jitter_and_is_capped(monkeypatch):
    _, mw = _middleware(NEWSCRAWL_BACKOFF_MAX=10.0)
    monkeypatch.setattr("random.uniform", lambda a, b: 1.0)
    assert [mw._delay(n, None) for n in (1, 2, 3, 4, 5)] == [2.0, 4.0, 8.0, 10.0, 10.0]
    monkeypatch.undo()
    delays = [mw._delay(2, None) for _ in range(200)]
    assert 3.2 <= min(delays) < max(delays) <= 4.8  # 4 s +-20 %


def test_retry_after_is_honoured_and_the_retry_waits():
    crawler, mw = _middleware()
    req = Request("http://127.0.0.1:1/story")
    resp = HtmlResponse(req.url, status=429, headers={"Retry-After": "0.2"}, request=req)
    retry = mw.process_response(req, resp)
    assert retry is not resp and retry.meta["retry_times"] == 1
    assert retry.meta["newscrawl_backoff"] == pytest.approx(0.2)
    loop = asyncio.new_event_loop()
    try:
        t0 = loop.time()
        assert loop.run_until_complete(mw.process_request(retry)) is None
        assert loop.time() - t0 >= 0.19
    finally:
        loop.close()
    assert crawler.stats.get_value("newscrawl/retry/backoff_seconds") == pytest.approx(0.2)
    # a 200 is not retried and gets no delay
    ok = HtmlResponse(req.url, status=200, request=req)
    assert mw.process_response(req, ok) is ok


# ---- runs.summarize --------------------------------------------------------------------
def test_summarize_groups_counts_drops_errors_and_layers():
    stats = {"item_scraped_count": 7, "response_received_count": 12, "newscrawl/store/new": 5,
             "newscrawl/store/unchanged": 2, "newscrawl/dropped/http_404": 1,
             "newscrawl/dropped/no_body": 2, "newscrawl/errors/http_500": 3, "newscrawl/store/errors": 4,
             "log_count/ERROR": 6, "newscrawl/extraction/title/jsonld": 6,
             "newscrawl/extraction/title/meta": 1, "newscrawl/extraction/body/semantic": 7,
             "newscrawl/requests/listing": 3, "newscrawl/requests/article_revisit": 2,
             "newscrawl/requests/conditional": 5, "newscrawl/http/not_modified": 4,
             "newscrawl/theme/nextjs": 6, "newscrawl/theme/generic": 1,
             "newscrawl/extraction_error/jsonld/authors": 2}
    counts, extraction = summarize(stats)
    assert counts == {"scraped": 7, "pages": 12, "new": 5, "updated": 0, "unchanged": 2, "spilled": 0,
                      "dropped": {"http_404": 1, "no_body": 2},
                      "errors": {"http_500": 3, "store": 4, "log_errors": 6},
                      "requests": {"listing": 3, "article_revisit": 2, "conditional": 5}, "not_modified": 4,
                      "themes": {"nextjs": 6, "generic": 1}, "extraction_errors": {"jsonld/authors": 2}}
    assert extraction == {"title": {"jsonld": 6, "meta": 1}, "body": {"semantic": 7}}
    assert summarize({}) == ({"scraped": 0, "pages": 0, "new": 0, "updated": 0, "unchanged": 0,
                              "spilled": 0, "requests": {}, "not_modified": 0, "dropped": {}, "errors": {},
                              "themes": {}, "extraction_errors": {}}, {})


# ---- the block reader ------------------------------------------------------------------
def _reading(html, after_h1=True):
    root = lxml.html.fromstring(html)
    h1 = root.find(".//h1") if after_h1 else None
    return read_blocks(root, h1)


def test_block_reader_flat_and_contained_sections():
    r = _reading("""<html><body><header><nav><a href="/">Home</a></nav></header><h1>Title</h1>
      <p>Posted on <time datetime="2026-01-02T10:00:00Z">January 2, 2026</time> · 4 min read</p>
      <h2>Quick Summary</h2><p>The short of it.</p>
      <p>First body paragraph.</p>
      <section><h2>Key Takeaways</h2><ul><li>One.</li><li>Two.</li></ul></section>
      <h2>Funding costs</h2><p>Second body paragraph.</p>
      <h2>Frequently Asked Questions</h2><h3>1What is it?</h3><p>An answer.</p>
      <aside><p>Sidebar text</p></aside><footer><p>Footer text</p></footer></body></html>""")
    assert [b.text for b in r.body] == ["First body paragraph.", "Funding costs", "Second body paragraph."]
    assert [b.text for b in r.sections["summary"]] == ["The short of it."]
    assert [b.text for b in r.sections["takeaways"]] == ["One.", "Two."]
    assert [b.text for b in r.sections["faq"]] == ["1What is it?", "An answer."]
    assert r.meta.read_time == 4 and r.meta.posted_attr == "2026-01-02T10:00:00Z"
    assert r.body[1].kind == "heading" and r.body[1].level == 2


def test_block_reader_starts_after_the_title_and_ends_a_flat_section_at_a_heading():
    r = _reading("<html><body><p>Before the title</p><h1>T</h1><h2>Key Takeaways</h2><ul><li>A.</li></ul>"
                 "<p>Body after the list.</p><h3>Sub</h3><p>More.</p></body></html>")
    assert [b.text for b in r.sections["takeaways"]] == ["A."]
    assert [b.text for b in r.body] == ["Body after the list.", "Sub", "More."]


# ---- the compact dupefilter ------------------------------------------------------------
def test_compact_dupefilter_filters_and_resumes_from_a_jobdir(tmp_path):
    crawler = get_crawler()
    fp = crawler.request_fingerprinter
    df = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    assert not df.request_seen(Request("http://h/a"))
    assert df.request_seen(Request("http://h/a"))
    assert df.request_seen(Request("http://h/a#frag"))  # the same fingerprint
    assert not df.request_seen(Request("http://h/b"))
    df.close("shutdown")
    resumed = CompactDupeFilter(str(tmp_path), fingerprinter=fp)  # JOBDIR's requests.seen
    assert resumed.request_seen(Request("http://h/b")) and not resumed.request_seen(Request("http://h/c"))
    assert len(resumed._fingerprints) == 3
    resumed.close("finished")


def test_project_settings_use_the_compact_dupefilter():
    from scrapy.utils.project import get_project_settings
    assert get_project_settings()["DUPEFILTER_CLASS"] == "newscrawl.dupefilter.CompactDupeFilter"


# ---- page problems ---------------------------------------------------------------------
def test_invalid_jsonld_is_reported_once_and_logged(caplog):
    html = ("<html><head><script type='application/ld+json'>{not json</script>"
            "<script type='application/ld+json'>{\"broken\": </script></head><body><article><h1>A title</h1>"
            "<p>Posted on January 2, 2026</p><p>Some body text that is long enough to be a body.</p>"
            "</article></body></html>")
    seen = []
    with caplog.at_level(logging.WARNING):
        a = ArticleParser(SiteRules(BASE)).parse(BASE + "/a-story", html, report=seen.append)
    assert a.title == "A title"
    assert seen == ["invalid_jsonld"]
    assert [r for r in caplog.records if "invalid_jsonld" in r.getMessage() and "/a-story" in r.getMessage()]


# ---- replay = the crawl's chain, with the configured settings --------------------------
def test_replay_normalizes_with_the_configured_settings(tmp_path, capsys):
    raw = {"url": BASE + "/a-wire-story", "title": "A wire story", "body": "Text of the story.",
           "published_at": datetime(2026, 3, 1, tzinfo=UTC), "authors": ["Jane\u00a0Doe", "Jane Doe"],
           "language": None, "crawled_at": datetime(2026, 3, 1, 1, tzinfo=UTC)}
    settings = ["NEWSCRAWL_DEFAULT_LANGUAGE=fr"]
    from scrapy.settings import Settings
    crawled = Prepare.from_settings(Settings({k: v for k, v in (p.split("=", 1) for p in settings)}))(raw)
    assert crawled["language"] == "fr" and crawled["authors"] == ["Jane Doe"]  # what the crawl stores
    spill = SpillFile(tmp_path / "spill.jsonl")
    spill.write([raw])
    data = tmp_path / "data"
    args = ["replay", str(spill.path), "--data-dir", str(data), "--mongo-uri", ""]
    assert cli.main(args + sum((["-s", p] for p in settings), [])) == 0
    store = SQLiteStore(data / "newscrawl.sqlite3")
    stored = next(store.find(Filters()))
    store.close()
    for key, value in crawled.items():
        assert stored[key] == value, key


# ---- the CLI into a closed pipe --------------------------------------------------------
def test_cli_output_into_a_closed_pipe_exits_quietly(tmp_path):
    store = SQLiteStore(tmp_path / "newscrawl.sqlite3")
    store.ensure_indexes()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    ArticleWriter(store, 10).write([{"url": f"{BASE}/story-{i}", "title": f"Story {i}", "body": "word " * 300,
                                     "content_hash": str(i), "published_at": now} for i in range(300)], now)
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl.cli", "query", "--format", "jsonl", "--limit",
                             "300", "--data-dir", str(tmp_path), "--mongo-uri", ""],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    json.loads(proc.stdout.readline())  # the reader takes one line and goes away (| head -1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 141)
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_a_jobdir_left_by_a_crash_is_not_trusted(tmp_path, caplog):
    fp = get_crawler().request_fingerprinter
    clean = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    clean.request_seen(Request("http://h/a"))
    clean.close("shutdown")  # a clean stop: the next run resumes with these fingerprints
    assert CompactDupeFilter(str(tmp_path), fingerprinter=fp).request_seen(Request("http://h/a"))
    # that second filter was never closed (killed): its fingerprints are discarded on the next start
    with caplog.at_level(logging.WARNING):
        after_crash = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    assert not after_crash.request_seen(Request("http://h/a"))
    assert [r for r in caplog.records if "was not closed cleanly" in r.getMessage()]
    after_crash.close("finished")
