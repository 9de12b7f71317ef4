"""newscrawl.crawl.runs: a crawl's stats summarized for crawl_runs, and the figures a user reads
(`newscrawl stats --format json`) against the replica's own request log and the store."""
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import timezone
from urllib.parse import urlsplit

from newscrawl.crawl.runs import summarize

from .conftest import ROOT, run_crawl

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def test_summarize_groups_counts_drops_errors_and_layers():
    stats = {"item_scraped_count": 7, "response_received_count": 12, "newscrawl/store/new": 5,
             "newscrawl/store/unchanged": 2, "newscrawl/dropped/http_404": 1,
             "newscrawl/dropped/no_body": 2, "newscrawl/errors/http_500": 3, "newscrawl/store/errors": 4,
             "log_count/ERROR": 6, "newscrawl/extraction/title/jsonld": 6,
             "newscrawl/extraction/title/meta": 1, "newscrawl/extraction/body/semantic": 7,
             "newscrawl/requests/listing": 3, "newscrawl/requests/article_revisit": 2,
             "newscrawl/conditional_requests": 2, "newscrawl/http/not_modified": 1,
             "newscrawl/theme/nextjs": 6, "newscrawl/theme/generic": 1,
             "newscrawl/extraction_error/jsonld/authors": 2, "newscrawl/http/stale_validator": 1,
             "newscrawl/freshness/n": 4, "newscrawl/freshness/p50_s": 40.0, "newscrawl/freshness/p95_s": 95.5,
             "newscrawl/freshness/date_only": 1, "newscrawl/archive/records": 12, "newscrawl/archive/bytes": 40960}
    counts, extraction = summarize(stats)
    assert counts == {"scraped": 7, "pages": 12, "new": 5, "updated": 0, "unchanged": 2, "spilled": 0,
                      "dropped": {"http_404": 1, "no_body": 2},
                      "errors": {"http_500": 3, "store": 4, "log_errors": 6},
                      "requests": {"listing": 3, "article_revisit": 2}, "conditional": 2, "not_modified": 1,
                      "stale_validators": 1, "freshness": {"n": 4, "p50_s": 40.0, "p95_s": 95.5, "date_only": 1},
                      "themes": {"nextjs": 6, "generic": 1}, "extraction_errors": {"jsonld/authors": 2},
                      "archive": {"records": 12, "bytes": 40960}}
    assert extraction == {"title": {"jsonld": 6, "meta": 1}, "body": {"semantic": 7}}
    assert summarize({}) == ({"scraped": 0, "pages": 0, "new": 0, "updated": 0, "unchanged": 0,
                              "spilled": 0, "requests": {}, "conditional": 0, "not_modified": 0,
                              "stale_validators": 0, "freshness": {},
                              "dropped": {}, "errors": {},
                              "themes": {}, "extraction_errors": {}, "archive": {}}, {})




class SavedRuns:
    """A store that keeps what the recorder saves (the Store methods it calls)."""

    kind, where = "fake", "memory"

    def __init__(self):
        self.saved = []

    def save_run(self, run):
        self.saved.append(run.to_doc())

    def last_runs(self, n=5, site=None):  # the earlier runs it judges: none
        return []


def recorder_of():
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from newscrawl.crawl.runs import CrawlRunRecorder

    class Site(Spider):
        name = "site"

    crawler = get_crawler(Site)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    store = SavedRuns()
    return crawler, CrawlRunRecorder(crawler, lambda: store, "run-1"), store


def test_a_verdict_handed_over_after_the_record_finished_is_recorded():
    from newscrawl.crawl.monitors import Verdict, hand_over
    crawler, recorder, store = recorder_of()
    recorder.spider_opened(crawler.spider)
    recorder.spider_closed(crawler.spider, "finished")
    assert store.saved[-1]["status"] == "passed" and "monitor" not in store.saved[-1]
    hand_over(crawler, Verdict("degraded", ["item count 1"]))  # the checks ran last
    assert store.saved[-1]["status"] == "degraded"
    assert store.saved[-1]["monitor"] == {"status": "degraded", "reasons": ["item count 1"]}


def test_a_verdict_handed_over_first_is_in_the_one_finished_record():
    from newscrawl.crawl.monitors import Verdict, hand_over
    crawler, recorder, store = recorder_of()
    recorder.spider_opened(crawler.spider)
    hand_over(crawler, Verdict("passed", []))
    recorder.spider_closed(crawler.spider, "finished")
    assert len(store.saved) == 2 and store.saved[-1]["monitor"] == {"status": "passed", "reasons": []}


def stats_json(data) -> dict:
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "stats", "--data-dir", str(data), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_request_figures_are_what_the_site_saw_each_request_once(fresh_replica, tmp_path):
    """A full run, then an incremental one: requests (robots.txt included), their kinds, the
    conditional ones, the 304s and the pages, each against the replica's log of that run; the
    stored counts against the store."""
    site, data = fresh_replica.site, tmp_path / "data"
    seen, logs = [], []
    for _ in range(2):
        before = len(site.requests)
        logs.append(run_crawl(tmp_path, "-a", f"base_url={fresh_replica.base_url}", "-s",
                              f"NEWSCRAWL_DATA_DIR={data}", "-s", "LOG_LEVEL=INFO").log)
        seen.append(site.requests[before:])
    runs = stats_json(data)["runs"]  # newest first
    for run, truth in zip(reversed(runs[:2]), seen):
        assert run["requests"] == len(truth) == sum(run["requests_by_kind"].values())
        robots = sum(1 for r in truth if urlsplit(r.path).path == "/robots.txt")
        assert run["requests_by_kind"].get("robots", 0) == robots >= 1
        assert run["conditional"] == sum(1 for r in truth if r.conditional)
        assert run["not_modified"] == sum(1 for r in truth if r.status == 304)
        # pages: the answers the spider read; redirects are followed and a 500 retried, not read
        assert run["pages"] == sum(1 for r in truth if r.status in (200, 304, 404, 410))
    full, incremental = reversed(runs[:2])
    assert full["conditional"] == 0 and incremental["conditional"] > 0
    assert incremental["not_modified"] == incremental["conditional"]  # nothing changed in between
    db = sqlite3.connect(data / "newscrawl.sqlite3")
    stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    assert full["new"] == stored and incremental["new"] == 0
    assert f"Incremental crawl: {stored} articles of {fresh_replica.base_url} stored; last successful run started " \
        in logs[1]  # the store's count, not the pages the history knows (dropped ones too)
    # freshness: the new articles (stored within NEWSCRAWL_FRESH_WINDOW of publication) apart from a backfill
    db = sqlite3.connect(data / "newscrawl.sqlite3")
    lags = [lag for (lag,) in db.execute(
        "SELECT (julianday(first_seen_at) - julianday(published_at)) * 86400 FROM articles "
        "WHERE published_at IS NOT NULL AND time(published_at) != '00:00:00'")]
    db.close()
    fresh = full["freshness"]
    assert fresh.get("n", 0) == sum(1 for lag in lags if lag <= 48 * 3600)
    assert fresh["backfill"]["n"] == sum(1 for lag in lags if lag > 48 * 3600) > 0
    assert abs(fresh["backfill"]["oldest_lag_s"] - max(lags)) < 5
    assert full["new"] + full["updated"] + full["unchanged"] == stored
    text = subprocess.run([sys.executable, "-m", "newscrawl", "stats", "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60).stdout
    kinds = Counter(r for r in incremental["requests_by_kind"])
    assert kinds and f"requests {incremental['requests']} (" in text
    assert f"conditional {incremental['conditional']}, of which {incremental['not_modified']} answered 304" in text
