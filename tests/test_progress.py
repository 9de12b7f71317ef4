"""newscrawl.crawl.progress: the progress line of a long crawl, and its estimate of the time left."""
import io

from scrapy.utils.test import get_crawler

from newscrawl.crawl.progress import Figures, Progress, bar, duration, figures, line, time_left


def test_the_line_says_pages_rate_stored_queued_and_time_left():
    f = figures({"response_received_count": 2412, "newscrawl/store/written": 1830, "newscrawl/mode": "full"}, 412)
    assert f == Figures(pages=2412, stored=1830, queued=412, full=True)
    assert line(f, 95.4, time_left(412, 95.4 / 60)) == \
        "Progress: 2,412 pages (95/min), 1,830 articles stored, 412 requests queued; ~4 min left"
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
    assert "Progress: 600 pages (600/min), 0 articles stored, 0 requests queued" in caplog.text
    assert out.getvalue() == ""
