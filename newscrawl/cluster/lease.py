"""When a leased request is done, its lease is released (ClusterScheduler.release).

Done means: its callback's output has been handled (new requests are in the shared queue,
items stored: ReleaseAfterCallback), or its download failed for good (the spider's errback
calls ``release``: Scrapy has no hook that sees every failure, those raised in a downloader
middleware's ``process_response`` included). A lease whose end nobody saw expires after
the queue's ``max_hold``. Until then a worker killed with SIGKILL loses nothing: the
lease expires and another worker takes the request.
"""
from __future__ import annotations

from dataclasses import dataclass

from itemadapter import is_item
from scrapy import signals

from newscrawl.keys import META_LEASE


def release(crawler, request) -> None:
    """The request is done (a no-op outside cluster mode)."""
    release = getattr(crawler.engine.scheduler if crawler.engine else None, "release", None)
    if release is not None:
        release(request)


@dataclass
class Pending:
    """A leased request whose callback output is being handled."""
    request: object
    items: int = 0  # items not yet through the pipelines
    output_done: bool = False  # the callback's output has all been handled


class ReleaseAfterCallback:
    """Spider middleware (outermost): release once the callback's output is handled: its
    requests queued, its items through the pipelines (stored: StorePipeline acknowledges
    items only once written when REDIS_URL is set)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.pending: dict[str, Pending] = {}  # lease -> its request's state
        for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=sig)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _state(self, response):
        lease = response.request.meta.get(META_LEASE) if response is not None else None
        if lease is None:
            return None, None
        return lease, self.pending.setdefault(lease, Pending(response.request))

    def _count(self, state, x) -> None:
        if state is not None and is_item(x):
            state.items += 1

    def _finish(self, lease, state) -> None:
        if state is not None:
            state.output_done = True
            self._maybe_release(lease, state)

    def _maybe_release(self, lease, state) -> None:
        if state.output_done and state.items <= 0:
            self.pending.pop(lease, None)
            release(self.crawler, state.request)

    async def process_spider_output_async(self, response, result, spider=None):
        lease, state = self._state(response)
        async for x in result:
            self._count(state, x)
            yield x
        self._finish(lease, state)

    def process_spider_output(self, response, result, spider=None):
        lease, state = self._state(response)
        for x in result:
            self._count(state, x)
            yield x
        self._finish(lease, state)

    def item_done(self, item=None, response=None, **kwargs):
        lease = response.request.meta.get(META_LEASE) if response is not None else None
        state = self.pending.get(lease) if lease else None
        if state is not None:
            state.items -= 1
            self._maybe_release(lease, state)
