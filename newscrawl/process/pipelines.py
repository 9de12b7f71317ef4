"""Item pipelines: validate -> normalize -> dedupe by URL -> store (see ITEM_PIPELINES)."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, DropItem
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, task, threads
from twisted.python.threadable import isInIOThread

from newscrawl.backoff import backoff_delay
from newscrawl.keys import (
    DROPPED,
    ERROR,
    LOST,
    MODE,
    SPILLED,
    STORE,
    STORE_COUNTS,
    STORE_ERRORS,
    STORE_SPILLED,
    STORE_UNAVAILABLE,
    STORE_WRITTEN,
)
from newscrawl.process.prepare import Prepare, Rejected
from newscrawl.site.dates import to_ms
from newscrawl.site.seen import SeenUrls
from newscrawl.store import ArticleWriter, Counts, Store, StoreUnavailable, spill_dir
from newscrawl.store.extension import CrawlStore
from newscrawl.store.saver import BatchSaver
from newscrawl.store.spill import SpillFile

logger = logging.getLogger(__name__)
# The store pipeline's path in ITEM_PIPELINES: a crawl without it stores (and remembers) nothing.
STORE_PIPELINE = f"{__name__}.StorePipeline"


def stores_articles(settings: BaseSettings) -> bool:
    """Does a crawl with these settings store articles (StorePipeline in ITEM_PIPELINES)?"""
    return settings.getwithbase("ITEM_PIPELINES").get(STORE_PIPELINE) is not None
SPILLED_REASON = SPILLED
LOST_REASON = LOST  # nothing more is parsed once articles cannot be kept


def now_ms() -> datetime:
    """Now, in UTC, at the millisecond precision MongoDB keeps."""
    return to_ms(datetime.now(timezone.utc))


def fields_of(item: dict[str, Any]) -> dict[str, Any]:
    """The item's fields as a new dict (its values shared: pipelines replace values, never
    change them in place). ItemAdapter.asdict() would also copy every nested list and dict,
    which cost ~5% of a crawl's CPU when three pipelines each did it."""
    return dict(ItemAdapter(item).items())


# Sent (in the reactor's thread) with ``counts`` (newscrawl.store.Counts) for each batch
# written: the run record's freshness figures come from it.
ARTICLES_STORED = object()


def drop(stats: StatsCollector, reason: str) -> DropItem:
    stats.inc_value(f"{DROPPED}{reason}")
    return DropItem(reason)


class ValidatePipeline:
    """Required fields present and well formed; anything else is dropped with a reason."""

    def __init__(self, stats: StatsCollector, prepare: Prepare) -> None:
        self.stats = stats
        self.prepare = prepare

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats, Prepare.from_settings(crawler.settings))

    def process_item(self, item: Any) -> Any:
        try:
            self.prepare.check(fields_of(item))
        except Rejected as exc:
            raise drop(self.stats, exc.reason) from None
        return item


class NormalizePipeline(ValidatePipeline):
    """Clean text, canonical URL, UTC dates, BCP 47 language (newscrawl.process.normalize)."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        try:
            values = self.prepare.normalize(fields_of(item))
        except Rejected as exc:
            raise drop(self.stats, exc.reason) from None
        for key, value in values.items():
            adapter[key] = value
        return item


class DedupePipeline:
    """An article already seen in this run, with the same content, is dropped (compact: ~16
    bytes an article). The same URL with another body is a new version (a watch, which
    never ends, fetches an edited article again)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen = SeenUrls()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not self.seen.add(f"{adapter['url']}#{adapter.get('content_hash') or ''}"):
            raise drop(self.stats, "duplicate_url")
        return item


class StorePipeline:
    """Buffered, batched, idempotent writes to MongoDB or the embedded store.

    Batches go out every ``batch_size`` items or ``flush_seconds``, from a worker thread
    (the reactor never waits on the database). A store outage is retried with backoff
    (BatchSaver); what still cannot be written goes to a spill file and the run finishes
    with reason "store_unavailable_spilled"."""

    def __init__(self, crawler: Crawler, store_factory: Callable[[], Store], spill_dir: Path,
                 batch_size: int, flush_seconds: float, retries: int, backoff: float,
                 history_max: int, run_id: str, ack_stored: bool = False, changes_keep_days: float = 0,
                 spill_replay: bool = False) -> None:
        self.crawler = crawler
        self.run_id = run_id
        # ack_stored: an item leaves process_item only once its batch is written (or
        # spilled), so that "scraped" means "stored" (the cluster releases a request's
        # lease then: a worker killed with SIGKILL loses no parsed article).
        self.ack_stored = ack_stored
        self._waiter: defer.Deferred[None] | None = None  # fired when the current buffer is written
        self.stats = crawler.stats
        self.store_factory = store_factory
        self.spill_dir = spill_dir
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.retries = retries
        self.backoff = backoff
        self.history_max = history_max
        self.changes_keep_days = changes_keep_days
        self.buffer: list[dict[str, Any]] = []
        self.store: Store | None = None
        self.saver: BatchSaver | None = None
        self.loop: task.LoopingCall | None = None
        self.in_flight: set[Any] = set()  # Deferreds of writes running in worker threads
        self.spill: SpillFile | None = None
        self.stopping: str | None = None
        self.spill_replay = spill_replay  # a watch writes its spill file out when the store answers again
        self.replays = 0  # replays tried since the last that worked (their backoff)
        self.replay_at = 0.0  # monotonic seconds: the next replay's earliest time
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        s = crawler.settings
        return cls(crawler, lambda: CrawlStore.of(crawler).get(), spill_dir(s),
                   batch_size=s.getint("NEWSCRAWL_BATCH_SIZE"),
                   flush_seconds=s.getfloat("NEWSCRAWL_FLUSH_SECONDS"),
                   retries=s.getint("NEWSCRAWL_STORE_RETRIES"),
                   backoff=s.getfloat("NEWSCRAWL_STORE_BACKOFF"),
                   history_max=s.getint("NEWSCRAWL_HISTORY_MAX"), run_id=s["NEWSCRAWL_RUN_ID"],
                   ack_stored=s.getbool("NEWSCRAWL_ACK_STORED"),
                   changes_keep_days=s.getfloat("NEWSCRAWL_CHANGES_KEEP_DAYS"),
                   spill_replay=s.getbool("NEWSCRAWL_SPILL_REPLAY"))

    def open_spider(self) -> None:
        try:
            self.store = self.store_factory()
            self.store.ensure_indexes()
        except StoreUnavailable as exc:  # one line saying what to do; the crawl does not start
            self.store = None
            self.stats.set_value(ERROR, str(exc))
            logger.error("Not started: %s", exc)
            raise CloseSpider(STORE_UNAVAILABLE) from None
        if self.changes_keep_days > 0:
            try:
                self.store.prune_changes(datetime.now(timezone.utc) - timedelta(days=self.changes_keep_days))
            except StoreUnavailable as exc:  # the feed keeps a little more: no reason to stop
                logger.warning("Could not prune the change feed: %s", exc)
        run_id = self.run_id
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.spill = SpillFile(self.spill_dir / f"{self.crawler.spidercls.name}-{stamp}-{run_id[:8]}.jsonl")
        self.saver = BatchSaver(ArticleWriter(self.store, self.history_max), self.spill,
                                self.retries, self.backoff, now=now_ms)
        self.stats.set_value(STORE, f"{self.store.kind} {self.store.where}")
        self.loop = task.LoopingCall(self._flush)
        self.loop.start(self.flush_seconds, now=False)

    async def process_item(self, item: Any) -> Any:
        self.buffer.append(fields_of(item))
        waiter = None
        if self.ack_stored:
            if self._waiter is None:
                self._waiter = defer.Deferred()
            waiter = self._waiter
        if len(self.buffer) >= self.batch_size:
            flushing = self._flush()
            if flushing is not None:
                await maybe_deferred_to_future(flushing)
        elif waiter is not None:
            await maybe_deferred_to_future(waiter)
        return item

    def _take(self) -> list[dict[str, Any]]:
        batch, self.buffer = self.buffer, []
        return batch

    def _flush(self) -> defer.Deferred[Counts | None] | None:
        """Write the buffer from a worker thread; a Deferred, or None when it is empty."""
        self._replay_due()
        batch = self._take()
        waiter, self._waiter = self._waiter, None
        if not batch:
            if waiter is not None:
                waiter.callback(None)
            return None
        d = threads.deferToThread(self._write, batch)
        self.in_flight.add(d)

        def done(result: Any) -> Any:
            self.in_flight.discard(d)
            self._stored(result)
            if waiter is not None:
                waiter.callback(None)
            return result
        d.addBoth(done)
        return d

    def _stored(self, counts: Counts | None) -> None:
        """In the reactor's thread: say what a batch became (ARTICLES_STORED, for the run record)."""
        if isinstance(counts, Counts):
            self.crawler.signals.send_catch_log(ARTICLES_STORED, counts=counts)

    def _write(self, batch: list[dict[str, Any]]) -> Counts | None:
        """Write one batch (in a worker thread, or at idle/close) and count what became of it;
        the store's counts when it was written."""
        assert self.saver is not None and self.spill is not None, "the pipeline is open"
        saved = self.saver.save(batch)
        stats = self.stats
        if saved.errors:
            stats.inc_value(STORE_ERRORS, saved.errors)
        if saved.lost:
            stats.inc_value(STORE_COUNTS + "lost", saved.lost)
            self._stop(LOST_REASON)
            return None
        if saved.spilled:
            stats.inc_value(STORE_SPILLED, saved.spilled)
            stats.set_value(STORE_COUNTS + "spill_file", str(self.spill.path))
            stats.set_value(STORE_COUNTS + "spill_waiting", self.spill.count)
            return None
        counts = saved.counts
        assert counts is not None  # written: nothing lost or spilled
        for key in ("new", "updated", "unchanged", "round_trips", "history_trimmed"):
            stats.inc_value(f"{STORE_COUNTS}{key}", getattr(counts, key))
        for url, reason in counts.rejected.items():  # too large for MongoDB, refused by its validator
            stats.inc_value(f"{DROPPED}{reason}")
            logger.warning("Dropped article %s: %s", url, reason)
        stats.inc_value(STORE_COUNTS + "batches")
        stats.inc_value(STORE_WRITTEN, len(batch))
        # a watch logs one line per cycle that found something (the spider's), not one per batch
        logger.log(logging.DEBUG if stats.get_value(MODE) == "watch" else logging.INFO,
                   "Stored %d articles (%d new, %d updated, %d unchanged); %d so far",
                    len(batch), counts.new, counts.updated, counts.unchanged,
                    stats.get_value(STORE_WRITTEN))
        return counts

    def _replay_due(self) -> None:
        """NEWSCRAWL_SPILL_REPLAY: the spill file written out (in a worker thread) once the store
        answers again, tried with the store's backoff (doubling, at most a minute)."""
        if not (self.spill_replay and self.spill is not None and self.spill.count) or time.monotonic() < self.replay_at:
            return
        self.replay_at = float("inf")  # one at a time
        d = threads.deferToThread(self._replay)
        self.in_flight.add(d)

        def done(result: Any) -> Any:
            self.in_flight.discard(d)
            self._stored(result)
            return result
        d.addBoth(done)

    def _replay(self) -> Counts | None:
        assert self.saver is not None and self.spill is not None, "the pipeline is open"
        waiting = self.spill.count
        counts = self.saver.replay()
        if counts is None:
            self.stats.inc_value(STORE_ERRORS)
            self.replay_at = time.monotonic() + backoff_delay(self.replays, self.backoff, 60.0)
            self.replays += 1
            return None
        self.replays, self.replay_at = 0, 0.0
        self.stats.set_value(STORE_COUNTS + "spill_waiting", self.spill.count)
        self.stats.inc_value(STORE_COUNTS + "replayed", waiting)
        for key in ("new", "updated", "unchanged"):
            self.stats.inc_value(f"{STORE_COUNTS}{key}", getattr(counts, key))
        return counts

    def _stop(self, reason: str) -> None:
        """Close the crawl (from the worker thread or the reactor's)."""
        if self.stopping:
            return
        self.stopping = reason
        def close() -> None:
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

        if isInIOThread():  # type: ignore[no-untyped-call]  # twisted's
            close()
        else:
            from twisted.internet import reactor  # the running one (never install one at import)
            cast(Any, reactor).callFromThread(close)

    def spider_idle(self) -> None:
        if self.store is None:
            return
        if self.stopping:
            raise CloseSpider(self.stopping)
        if self.in_flight:  # a timed write is running; its outcome decides the finish reason
            # (the engine asks again at its next heartbeat, within 5 s)
            raise DontCloseSpider
        batch = self._take()
        if batch:  # the crawl is idle: write what is left now, before the close reason is set
            self._stored(self._write(batch))
        if self.spill is not None and self.spill.count and not self.spill_replay:
            raise CloseSpider(SPILLED_REASON)

    async def close_spider(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.store is None:
            return
        self._flush()
        while self.in_flight:  # timed writes still running, and the last batch
            await maybe_deferred_to_future(next(iter(self.in_flight)))
        self.store = None  # the crawl's store (CrawlStore) closes when the engine stops
