"""Item pipelines: validate -> normalize -> dedupe by URL -> store (see ITEM_PIPELINES)."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads

from .dates import to_ms
from .normalize import normalize
from .seen import SeenUrls
from .store import ArticleWriter, StoreUnavailable, open_store
from .store.spill import SpillFile
from .text import WIRE_AGENCIES
from .validate import validate

logger = logging.getLogger(__name__)
SPILLED_REASON = "store_unavailable_spilled"


def now_ms() -> datetime:
    """Now, in UTC, at the millisecond precision MongoDB keeps."""
    return to_ms(datetime.now(timezone.utc))


def drop(crawler, reason: str) -> DropItem:
    crawler.stats.inc_value(f"newscrawl/dropped/{reason}")
    return DropItem(reason)


class _Pipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class ValidatePipeline(_Pipeline):
    """Required fields present and well formed; anything else is dropped with a reason."""

    def process_item(self, item):
        reason = validate(ItemAdapter(item).asdict())
        if reason:
            raise drop(self.crawler, reason)
        return item


class NormalizePipeline(_Pipeline):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.language = s.get("NEWSCRAWL_DEFAULT_LANGUAGE", "en")
        self.agencies = WIRE_AGENCIES + tuple(s.getlist("NEWSCRAWL_WIRE_AGENCIES"))

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for key, value in normalize(adapter.asdict(), self.language, self.agencies).items():
            adapter[key] = value
        if not adapter["body"]:
            raise drop(self.crawler, "missing_body")
        return item


class DedupePipeline(_Pipeline):
    """A URL already seen in this run is dropped (compact: ~16 bytes a URL)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.seen = SeenUrls()

    def process_item(self, item):
        if not self.seen.add(ItemAdapter(item)["url"]):
            raise drop(self.crawler, "duplicate_url")
        return item


class StorePipeline(_Pipeline):
    """Buffered, batched, idempotent writes to MongoDB or the embedded store.

    Batches go out every NEWSCRAWL_BATCH_SIZE items or NEWSCRAWL_FLUSH_SECONDS, from a
    worker thread (the reactor never waits on the database). A store outage is retried with
    backoff; what still cannot be written goes to a spill file and the run finishes with
    reason "store_unavailable_spilled"."""

    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.batch_size = s.getint("NEWSCRAWL_BATCH_SIZE", 200)
        self.flush_seconds = s.getfloat("NEWSCRAWL_FLUSH_SECONDS", 5.0)
        self.retries = s.getint("NEWSCRAWL_STORE_RETRIES", 5)
        self.backoff = s.getfloat("NEWSCRAWL_STORE_BACKOFF", 1.0)
        self.history_max = s.getint("NEWSCRAWL_HISTORY_MAX", 10)
        data_dir = Path(s.get("NEWSCRAWL_DATA_DIR") or "data")
        self.spill_dir = Path(s.get("NEWSCRAWL_SPILL_DIR") or data_dir / "spill")
        self.buffer: list[dict] = []
        self.write_lock = threading.Lock()
        self.store = None
        self.loop = None
        self.in_flight: set = set()  # Deferreds of writes running in worker threads
        self.spill = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    def open_spider(self):
        self.store = open_store(self.crawler.settings)  # StoreUnavailable says what to do
        self.store.ensure_indexes()
        self.writer = ArticleWriter(self.store, self.history_max)
        run_id = getattr(self.crawler, "newscrawl_run_id", None) or uuid.uuid4().hex
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.spill = SpillFile(self.spill_dir / f"{self.crawler.spider.name}-{stamp}-{run_id[:8]}.jsonl")
        self.crawler.stats.set_value("newscrawl/store", f"{self.store.kind} {self.store.where}")
        self.loop = task.LoopingCall(self._flush)
        self.loop.start(self.flush_seconds, now=False)

    async def process_item(self, item):
        self.buffer.append(ItemAdapter(item).asdict())
        if len(self.buffer) >= self.batch_size:
            await maybe_deferred_to_future(self._flush())
        return item

    def _take(self) -> list[dict]:
        batch, self.buffer = self.buffer, []
        return batch

    def _flush(self):
        """Write the buffer from a worker thread; a Deferred, or None when it is empty."""
        batch = self._take()
        if not batch:
            return None
        d = threads.deferToThread(self._write, batch)
        self.in_flight.add(d)
        d.addBoth(lambda result: (self.in_flight.discard(d), result)[1])
        return d

    def _write(self, batch: list[dict]) -> None:
        """Write one batch (in a worker thread, or at idle/close), retrying with backoff."""
        stats = self.crawler.stats
        with self.write_lock:
            for attempt in range(self.retries + 1):
                try:
                    counts = self.writer.write(batch, now_ms())
                except Exception as exc:  # noqa: BLE001 (nothing is lost: spill it)
                    if not isinstance(exc, StoreUnavailable):
                        logger.exception("Unexpected error while storing a batch")
                        self._spill(batch, exc)
                        return
                    stats.inc_value("newscrawl/store/errors")
                    if attempt == self.retries:
                        self._spill(batch, exc)
                        return
                    delay = min(60.0, self.backoff * 2 ** attempt)
                    logger.warning("Store write failed (%s); retry %d/%d in %.1fs",
                                   exc, attempt + 1, self.retries, delay)
                    time.sleep(delay)
                    continue
                for key in ("new", "updated", "unchanged", "round_trips"):
                    stats.inc_value(f"newscrawl/store/{key}", getattr(counts, key))
                stats.inc_value("newscrawl/store/batches")
                stats.inc_value("newscrawl/store/written", len(batch))
                logger.info("Stored %d articles (%d new, %d updated, %d unchanged); %d so far",
                            len(batch), counts.new, counts.updated, counts.unchanged,
                            stats.get_value("newscrawl/store/written"))
                return

    def _spill(self, batch: list[dict], exc: Exception) -> None:
        self.spill.write(batch)
        self.crawler.stats.inc_value("newscrawl/store/spilled", len(batch))
        self.crawler.stats.set_value("newscrawl/store/spill_file", str(self.spill.path))
        logger.error("Could not store %d articles (%s); saved them to %s. Load them later with: "
                     "newscrawl replay %s", len(batch), exc, self.spill.path, self.spill.path)

    def spider_idle(self):
        if self.store is None:
            return
        if self.in_flight:  # a timed write is running; its outcome decides the finish reason
            # (the engine asks again at its next heartbeat, within 5 s)
            raise DontCloseSpider
        batch = self._take()
        if batch:  # the crawl is idle: write what is left now, before the close reason is set
            self._write(batch)
        if self.spill is not None and self.spill.count:
            raise CloseSpider(SPILLED_REASON)

    async def close_spider(self):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.store is None:
            return
        self._flush()
        while self.in_flight:  # timed writes still running, and the last batch
            await maybe_deferred_to_future(next(iter(self.in_flight)))
        with self.write_lock:
            self.store.close()
            self.store = None
