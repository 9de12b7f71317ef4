"""Writing batches through an outage: retries with backoff, then a spill file. No Scrapy here."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newscrawl.backoff import backoff_delay
from newscrawl.store.base import StoreUnavailable
from newscrawl.store.spill import SpillFile, read_spill
from newscrawl.store.writer import ArticleWriter, Counts

logger = logging.getLogger(__name__)


@dataclass
class Saved:
    """What became of one batch: written (``counts``) or spilled (``spilled`` items)."""
    counts: Counts | None = None
    spilled: int = 0
    errors: int = 0  # failed attempts (each retried or, the last one, spilled)
    error: Exception | None = None
    lost: int = 0  # neither stored nor spilled (the spill file could not be written: disk full)


class BatchSaver:
    """Writes a batch with ``retries`` retries (``backoff`` seconds, doubling, at most 60);
    what still cannot be written is appended to ``spill``. One batch at a time."""

    def __init__(self, writer: ArticleWriter, spill: SpillFile, retries: int, backoff: float,
                 now: Callable[[], datetime], sleep: Callable[[float], None] = time.sleep) -> None:
        self.writer = writer
        self.spill = spill
        self.retries = retries
        self.backoff = backoff
        self.now = now
        self.sleep = sleep
        self.lock = threading.Lock()

    def save(self, batch: list[dict[str, Any]]) -> Saved:
        out = Saved()
        with self.lock:
            for attempt in range(self.retries + 1):
                try:
                    out.counts = self.writer.write(batch, self.now())
                    return out
                except StoreUnavailable as exc:
                    out.errors += 1
                    out.error = exc
                    if attempt == self.retries:
                        break
                    delay = backoff_delay(attempt, self.backoff, 60.0)
                    logger.warning("Store write failed (%s); retry %d/%d in %.1fs",
                                   exc, attempt + 1, self.retries, delay)
                    self.sleep(delay)
                except Exception as exc:  # noqa: BLE001 (not an outage, but nothing is lost: spill it)
                    logger.exception("Unexpected error while storing a batch")
                    out.error = exc
                    break
            try:
                self.spill.write(batch)
            except OSError as exc:
                out.lost = len(batch)
                logger.error("Could not store %d articles (%s) nor save them to %s (%s): they are lost; "
                             "the crawl stops", len(batch), out.error, self.spill.path, exc)
                out.error = exc
                return out
            out.spilled = len(batch)
            logger.error("Could not store %d articles (%s); saved them to %s. Load them later with: "
                         "newscrawl replay %s", len(batch), out.error, self.spill.path, self.spill.path)
            return out

    def replay(self) -> Counts | None:
        """The spill file written to the store, once, and emptied: its counts; None (the file
        kept as it is) when the store still fails. Writes are idempotent upserts: a replay cut
        short and done again stores nothing twice."""
        with self.lock:
            total = Counts()
            try:
                for batch in read_spill(self.spill.path):
                    total.add(self.writer.write(batch, self.now()))
            except StoreUnavailable as exc:
                logger.warning("The %d spilled articles wait: %s", self.spill.count, exc)
                return None
            except FileNotFoundError:  # nothing was spilled after all
                pass
            self.spill.path.unlink(missing_ok=True)
            logger.info("Stored the %d articles that waited in %s (%d new, %d updated, %d unchanged)",
                        self.spill.count, self.spill.path, total.new, total.updated, total.unchanged)
            self.spill.count = 0
            return total
