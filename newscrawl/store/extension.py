"""The crawl's one store: an extension every component of the crawl asks for it.

The spider (its crawl history), the store pipeline, the crawl lock, the run recorder and the
run checks all use the same store object (one MongoDB client, one SQLite connection per
process): ``CrawlStore.of(crawler).get()``. It is opened by the first that asks (a
StoreUnavailable goes to that caller, and the next asks again) and closed when the engine
has stopped, after every ``spider_closed`` handler has written its last.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.store import Store, open_store


class CrawlStore:
    def __init__(self, crawler: Crawler, factory: Callable[[], Store]) -> None:
        self.factory = factory
        self.store: Store | None = None
        self.lock = threading.Lock()  # the lock extension opens it from a worker thread
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStore:
        return cls(crawler, lambda: open_store(crawler.settings))

    @staticmethod
    def of(crawler: Crawler) -> CrawlStore:
        ext = crawler.get_extension(CrawlStore)
        if ext is None:
            raise RuntimeError("the CrawlStore extension is not enabled (EXTENSIONS)")
        return ext

    def get(self) -> Store:
        with self.lock:
            if self.store is None:
                store = self.factory()
                try:
                    store.ensure_indexes()  # the schema this code reads (idempotent)
                except BaseException:
                    store.close()
                    raise
                self.store = store
            return self.store

    def close(self) -> None:
        with self.lock:
            if self.store is not None:
                self.store.close()
                self.store = None
