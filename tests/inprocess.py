"""Real crawls inside the test process, one after another, on a reactor thread.

Storage tests need the store between crawls (mongomock-ng lives in this process), so they
crawl here instead of in a subprocess. Twisted's reactor runs once, in a daemon thread.
"""
from __future__ import annotations

import os
import threading

from scrapy.utils.reactor import install_reactor

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

from scrapy.crawler import CrawlerRunner  # noqa: E402
from twisted.internet import reactor, threads  # noqa: E402

from newscrawl.conf import project_settings  # noqa: E402

_started = threading.Event()


def _ensure_reactor() -> None:
    if not _started.is_set():
        t = threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False}, daemon=True)
        t.start()
        reactor.callWhenRunning(_started.set)
        _started.wait(10)


def crawl(settings: dict, **spider_args):
    """Run the `gbaf` spider to the end; returns its crawler (stats, spider)."""
    _ensure_reactor()
    s = project_settings()
    s.setdict({"NEWSCRAWL_BACKOFF_BASE": 0.05, "LOG_LEVEL": "WARNING", **settings}, priority="cmdline")
    runner = CrawlerRunner(s)
    crawler = runner.create_crawler("gbaf")
    threads.blockingCallFromThread(reactor, runner.crawl, crawler, **spider_args)
    return crawler
