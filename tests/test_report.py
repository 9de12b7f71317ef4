"""newscrawl.ops.report and `newscrawl report`: the run history as one self-contained HTML file,
checked as text and loaded in Debian's chromium (headless)."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.ops import cli
from newscrawl.ops.report import backfill, esc, freshness, href, svg_lines
from newscrawl.store.mongo import MongoStore
from newscrawl.store.record import CrawlRun
from newscrawl.store.sqlite import SQLiteStore

from .conftest import run_crawl
from .report_history import ARTIFACTS, HOSTILE, add_history, browser_page, earlier_runs

UTC = timezone.utc


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory):
    """A real crawl of the replica, then 40 earlier runs and a hostile headline in its store."""
    tmp = tmp_path_factory.mktemp("report")
    result = run_crawl(tmp, "-a", f"base_url={replica.base_url}")
    data = next(tmp.glob("crawl-*/data"))
    store = SQLiteStore(data / "newscrawl.sqlite3")
    add_history(store, replica.base_url)
    store.close()
    return data, result


@pytest.fixture(params=["embedded", "mongodb"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = SQLiteStore(tmp_path / "s.sqlite3")
        s.ensure_indexes()
    else:
        s = MongoStore(request.getfixturevalue("mongo_uri"), f"report_{tmp_path.name[-20:]}", 5000)
        s.ensure_indexes()
    yield s
    if request.param == "mongodb":
        s.client.drop_database(s.db.name)
    s.close()


def test_each_store_aggregates_the_run_history_by_day(store):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    runs = earlier_runs("https://x.test", now)
    for run in runs:
        store.save_run(CrawlRun.from_doc(run))
    store.save_run(CrawlRun.from_doc({**runs[0], "run_id": "other-site", "site": "https://y.test"}))
    days = store.run_days(site="https://x.test")
    assert sum(d["runs"] for d in days) == 40 and [d["day"] for d in days] == sorted(d["day"] for d in days)
    assert sum(d["new"] for d in days) == sum(r["counts"]["new"] for r in runs)
    assert sum(d["degraded"] for d in days) == 1 and sum(d["passed"] for d in days) == 38
    assert sum(d["duration_s"] for d in days) == pytest.approx(
        sum((r["finished_at"] - r["started_at"]).total_seconds() for r in runs))
    assert len(store.run_days()) == len(days) and sum(d["runs"] for d in store.run_days()) == 41
    assert sum(d["runs"] for d in store.run_days(site="https://x.test", since=now - timedelta(days=1))) == 4


def test_stored_strings_are_escaped_and_links_only_http():
    assert esc(HOSTILE) == ("&lt;script&gt;window.__pwned=1&lt;/script&gt;Banks &lt;b&gt;rally&lt;/b&gt; "
                            "&amp; &quot;surge&quot;")
    assert href("javascript:alert(1)") == "#" and href("https://x.test/a?b=1&c=2") == "https://x.test/a?b=1&amp;c=2"


def test_freshness_is_publication_to_first_stored_by_day():
    t = datetime(2026, 3, 1, 12, tzinfo=UTC)
    arts = [{"published_at": t, "first_seen_at": t + timedelta(minutes=m)} for m in (10, 20, 30, 40, 600)]
    arts.append({"published_at": t, "first_seen_at": None})
    (day,) = freshness(arts)
    assert day["day"] == "2026-03-01" and day["n"] == 5
    assert day["p50_h"] == pytest.approx(0.5) and 2 < day["p95_h"] < 10


def test_a_missing_value_is_a_gap_not_a_zero():
    svg = svg_lines("t", ["a", "b", "c", "d", "e"], {"s": [1.0, 2.0, None, 4.0, 5.0]})
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4
    assert "no data" in svg_lines("t", ["a", "b"], {"s": [None, None]})


def test_a_backfill_is_not_freshness():
    t = datetime(2026, 3, 1, 12, tzinfo=UTC)
    arts = [{"published_at": t, "first_seen_at": t + timedelta(minutes=5)},
            {"published_at": t - timedelta(days=400), "first_seen_at": t},
            {"published_at": t - timedelta(days=3), "first_seen_at": t}]
    (day,) = freshness(arts, window_h=48)
    assert day["n"] == 1 and day["p95_h"] == pytest.approx(5 / 60)
    assert backfill(arts, window_h=48) == {"n": 2, "oldest": "2025-01-25"}
    assert backfill(arts[:1], window_h=48) == {}


def test_the_report_is_one_file_with_nothing_from_another_host(crawled, tmp_path):
    data, _ = crawled
    out = tmp_path / "report.html"
    assert cli.main(["report", "--out", str(out), "--data-dir", str(data), "--store", "embedded"]) == 0
    page = out.read_text()
    assert "<script" not in page and "&lt;script&gt;window.__pwned=1" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!127\.0\.0\.1)""", page.replace(
        'href="http', 'href="x')), "nothing may load from another host"
    assert page.count("<svg") >= 8 and "Content-Security-Policy" in page
    assert "status-degraded" in page and "unknown theme 100%" in page and "is unreachable" in page


def test_the_report_in_a_browser(crawled, tmp_path):
    data, result = crawled
    out = tmp_path / "report.html"
    assert cli.main(["report", "--out", str(out), "--data-dir", str(data), "--store", "embedded"]) == 0
    with browser_page() as (page, errors):
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        assert errors == []
        assert requests == [out.as_uri()]  # the file itself, nothing else
        assert page.locator("svg.chart").count() >= 8
        assert page.locator("svg.chart rect").count() > 40 and page.locator("svg.chart polyline").count() >= 4
        runs = page.locator("#runs tbody tr")
        assert runs.count() == 41 and "passed" in runs.first.inner_text()  # the real crawl, latest
        latest = page.locator("#latest tbody tr")
        assert latest.count() >= 20
        assert HOSTILE in latest.first.inner_text()  # shown as text
        assert page.evaluate("window.__pwned") is None  # and run nothing
        assert "unknown theme 100%" in page.locator("#problems").inner_text()
        # readable charts: axis labels of at least 11 px as drawn, one font for the page and the charts
        sizes = page.evaluate("[...document.querySelectorAll('svg.chart text.tick')].map("
                              "t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)")
        assert sizes and min(sizes) >= 11, sizes
        fonts = page.evaluate("[...new Set([document.body, ...document.querySelectorAll('svg.chart text')]"
                              ".map(t => getComputedStyle(t).fontFamily))]")
        assert len(fonts) == 1, fonts
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "report-top.png"))  # docs/report.png
