"""Progress of a long crawl: one line every NEWSCRAWL_PROGRESS_SECONDS (default 30).

    Progress: 2,412 pages (95/min), 1,830 articles stored, 412 requests to go; ~5 min left

The estimate (full crawls only) is what is left at the rate pages were read over the last five
minutes (fetched and parsed: when parsing is the slower, responses wait for the parser, up to
Scrapy's 5 MB scraper slot, and count as left). What is left: the requests queued and
downloading and the responses waiting to be parsed, or, when more, the
article requests discovery has announced (every entry of the sitemaps, feeds and listings read
so far that is to be fetched) and not yet sent, less those the dupefilter dropped as duplicates
(newscrawl.keys: ANNOUNCED). Scrapy takes a callback's requests one at a time, so the queue
alone holds a few hundred of a sitemap's thousands.
With NEWSCRAWL_PROGRESS_BAR on an interactive terminal the line is a live bar on standard
error instead; never under scrapyd or into a pipe or file (standard error is no terminal).
"""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawl.keys import (
    ANNOUNCED,
    ANNOUNCED_DUPLICATE,
    ANNOUNCED_SENT,
    MODE,
    SITEMAP_ARTICLES,
    SITEMAPS_ANNOUNCED,
    SITEMAPS_READ,
    STORE_WRITTEN,
)

logger = logging.getLogger(__name__)


@dataclass
class Figures:
    pages: int
    stored: int
    queued: int  # requests in the scheduler and in the downloader, responses waiting to be parsed
    full: bool
    announced_left: int = 0  # article requests announced by discovery, not sent yet

    @property
    def left(self) -> int:
        """Requests still to come: the queue, or what discovery announced when that is more."""
        return max(self.queued, self.announced_left)


def announced_left(stats: dict) -> int:
    """Requests discovery has announced and not sent: article requests, plus the child
    sitemaps not read yet with the articles each is expected to give (the mean of those read)."""
    articles = stats.get(ANNOUNCED, 0) - stats.get(ANNOUNCED_SENT, 0) - stats.get(ANNOUNCED_DUPLICATE, 0)
    read = stats.get(SITEMAPS_READ, 0)
    unread = max(0, stats.get(SITEMAPS_ANNOUNCED, 0) - read)
    per_sitemap = stats.get(SITEMAP_ARTICLES, 0) / read if read else 0.0
    return max(0, articles) + round(unread * (1 + per_sitemap))


def figures(stats: dict, queued: int) -> Figures:
    announced = announced_left(stats)
    return Figures(pages=stats.get("response_received_count", 0), stored=stats.get(STORE_WRITTEN, 0),
                   queued=queued, full=stats.get(MODE, "full") == "full", announced_left=max(0, announced))


def time_left(queued: int, pages_per_second: float) -> float | None:
    """Seconds left at that rate; None when it cannot be told."""
    if pages_per_second <= 0 or queued <= 0:
        return None
    return queued / pages_per_second


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def line(f: Figures, pages_per_min: float, left: float | None) -> str:
    out = (f"Progress: {f.pages:,} pages ({pages_per_min:.0f}/min), {f.stored:,} articles stored, "
           f"{f.left:,} requests to go")
    if f.full and left is not None:
        out += f"; ~{duration(left)} left"
    return out


def bar(f: Figures, left: float | None, width: int = 30) -> str:
    share = f.pages / (f.pages + f.left) if f.pages + f.left else 0.0
    filled = int(share * width)
    eta = f", ~{duration(left)} left" if left is not None else ""
    return (f"\r[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {f.pages:,} pages, {f.stored:,} articles "
            f"stored, {f.left:,} to go{eta}  ")


def unparsed(engine) -> int:
    """Responses fetched and not yet through the spider: in the scraper's queue or being parsed."""
    slot = getattr(getattr(engine, "scraper", None), "slot", None)
    return len(slot.queue) + len(slot.active) if slot is not None else 0


class Progress:
    def __init__(self, crawler, interval: float, live_bar: bool, clock=time.monotonic, out=sys.stderr):
        self.crawler = crawler
        self.interval = interval
        self.live_bar = live_bar and out.isatty()
        self.clock = clock
        self.out = out
        self.samples: list[tuple[float, int]] = []  # (time, pages), the last five minutes
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        interval = s.getfloat("NEWSCRAWL_PROGRESS_SECONDS")
        if interval <= 0:
            raise NotConfigured
        live = s.getbool("NEWSCRAWL_PROGRESS_BAR")
        return cls(crawler, 1.0 if live and sys.stderr.isatty() else interval, live)

    def spider_opened(self, spider):
        self.samples = [(self.clock(), 0)]
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live_bar:
            self.out.write("\n")

    def tick(self) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not started
            engine = None
        queued = waiting = 0
        if engine is not None and engine.scheduler is not None:
            waiting = unparsed(engine)
            queued = len(engine.scheduler) + len(engine.downloader.active) + waiting
        f = figures(self.crawler.stats.get_stats(), queued)
        now = self.clock()
        done = f.pages - waiting  # pages read through: the rate is the slower of fetching and parsing
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= 300:  # the last 5 minutes
            self.samples.pop(0)
        t0, pages0 = self.samples[0]
        elapsed = max(now - t0, 1e-9)
        rate = (done - pages0) / elapsed
        left = time_left(f.left, rate)
        if self.live_bar:
            self.out.write(bar(f, left))
            self.out.flush()
        else:
            logger.info(line(f, rate * 60, left))
