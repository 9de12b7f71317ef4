"""newscrawl.crawl.progress: the progress line of a long crawl, and its estimate of the time left."""
import io

from scrapy.utils.test import get_crawler

from newscrawl.crawl.progress import Figures, Progress, announced_left, bar, duration, figures, line, time_left
from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles

from .conftest import run_crawl


def test_the_line_says_pages_rate_stored_queued_and_time_left():
    f = figures({"response_received_count": 2412, "newscrawl/store/written": 1830, "newscrawl/mode": "full"}, 412)
    assert f == Figures(pages=2412, stored=1830, queued=412, full=True)
    assert line(f, 95.4, time_left(412, 95.4 / 60)) == \
        "Progress: 2,412 pages (95/min), 1,830 articles stored, 412 requests to go; ~4 min left"
    incremental = figures({"response_received_count": 13, "newscrawl/mode": "incremental"}, 2)
    assert "left" not in line(incremental, 10, 5.0)  # no estimate outside a full crawl


def test_time_left_and_durations():
    assert time_left(0, 3.0) is None and time_left(100, 0) is None
    assert time_left(300, 2.0) == 150
    assert [duration(s) for s in (42, 150, 5400, 50_000)] == ["42 s", "2 min", "1.5 h", "13.9 h"]
    assert bar(Figures(50, 40, 50, True), 60.0, width=10).startswith("\r[#####.....]  50% 50 pages")


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def test_the_rate_is_that_of_the_last_minutes_and_a_pipe_gets_lines_not_a_bar(caplog):
    crawler = get_crawler(settings_dict={"NEWSCRAWL_PROGRESS_SECONDS": 30})
    crawler.stats.open_spider()
    out, clock = io.StringIO(), Clock()
    progress = Progress(crawler, 30, live_bar=True, clock=clock, out=out)
    assert not progress.live_bar  # StringIO is no terminal: lines in the log instead
    progress.samples = [(clock.now, 0)]
    crawler.stats.set_value("response_received_count", 600)
    clock.now += 60
    with caplog.at_level("INFO", logger="newscrawl.crawl.progress"):
        progress.tick()
    assert "Progress: 600 pages (600/min), 0 articles stored, 0 requests to go" in caplog.text
    assert out.getvalue() == ""


def test_responses_waiting_for_the_parser_count_as_left_and_the_rate_is_of_pages_read_through(caplog):
    """When parsing is slower than fetching, responses wait in Scrapy's scraper slot (up to 5 MB):
    a CI run showed "~0 s left" for half a crawl while 200 fetched pages waited to be parsed. They
    are left, and the rate is that of pages through the parser."""
    from collections import deque
    from types import SimpleNamespace

    crawler = get_crawler(settings_dict={"NEWSCRAWL_PROGRESS_SECONDS": 30})
    crawler.stats.open_spider()
    slot = SimpleNamespace(queue=deque(range(190)), active={1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    crawler.engine = SimpleNamespace(scheduler=[], downloader=SimpleNamespace(active=set()),
                                     scraper=SimpleNamespace(slot=slot))
    clock = Clock()
    progress = Progress(crawler, 30, live_bar=False, clock=clock, out=io.StringIO())
    progress.samples = [(clock.now, 0)]
    crawler.stats.set_value("response_received_count", 800)  # 800 fetched, 600 parsed in a minute
    clock.now += 60
    with caplog.at_level("INFO", logger="newscrawl.crawl.progress"):
        progress.tick()
    assert "800 pages (600/min), 0 articles stored, 200 requests to go; ~20 s left" in caplog.text


def test_what_discovery_announced_counts_as_left_to_fetch():
    stats = {"newscrawl/progress/announced": 500, "newscrawl/progress/announced_sent": 120,
             "newscrawl/progress/announced_duplicate": 30, "newscrawl/progress/sitemaps_announced": 40,
             "newscrawl/progress/sitemaps_read": 10, "newscrawl/progress/sitemap_articles": 250}
    # 350 articles announced and not sent; 30 sitemaps unread at 25 articles each, and themselves
    assert announced_left(stats) == 350 + 30 * 26
    f = figures({**stats, "response_received_count": 200, "newscrawl/mode": "full"}, queued=90)
    assert f.left == 350 + 780 and figures({"newscrawl/mode": "full"}, queued=90).left == 90


def test_estimates_in_the_middle_of_a_crawl_hold_against_the_clock(tmp_path):
    """A full crawl of 800 articles that takes about ten seconds: every estimate made between 25%
    and 75% of the crawl is within 0.5x-2x of the time really left (the clock of the log). The
    hand-written pages are left out: their stalls and retries end the crawl with seconds that
    no count of pages can foresee (the bench measures a replica with them)."""
    special = {a.slug for a in build_articles(0)}  # the hand-written pages: faults, retries, stalls
    site = ReplicaSite([a for a in build_articles(800) if a.slug not in special])
    site.delay = 0.04
    with ReplicaServer(site) as server:
        result = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-s", "NEWSCRAWL_PROGRESS_SECONDS=0.5",
                           "-s", "LOG_LEVEL=INFO", "-s", "LOG_FORMAT=%(created).3f %(name)s %(message)s")
    ratios = estimate_ratios(result.log)
    assert len(ratios) >= 3, result.log[-2000:]
    print("estimate / real time left:", [round(r, 2) for r in ratios])
    assert all(0.5 <= r <= 2.0 for r in ratios), ratios


def estimate_ratios(log: str) -> list[float]:
    """(estimated / real time left) for each progress line made between 25% and 75% of the crawl."""
    import re
    lines = re.findall(r"^(\d+\.\d+) newscrawl\.crawl\.progress Progress: .*?~(\d+) (s|min) left", log, re.M)
    first = float(re.search(r"^(\d+\.\d+) ", log, re.M).group(1))
    end = float(re.findall(r"^(\d+\.\d+) scrapy\.core\.engine Closing spider", log, re.M)[-1])
    out = []
    for at, n, unit in lines:
        t = float(at)
        if 0.25 <= (t - first) / (end - first) <= 0.75:
            out.append(int(n) * (60 if unit == "min" else 1) / max(end - t, 1e-3))
    return out
