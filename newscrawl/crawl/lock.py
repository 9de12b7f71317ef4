"""One crawl per site and store at a time.

:class:`CrawlLock` (an extension in EXTENSIONS) takes the site's lock in the store when the
spider opens: a row of ``crawl_locks`` in the embedded store, a lock document with a lease
in MongoDB. A second crawl of the same ``base_url`` into the same store is refused with one
line naming the running crawl (finish reason ``already_running``, exit code 6), or waits
for it with ``-a wait=1``. The holder renews a heartbeat every NEWSCRAWL_LOCK_HEARTBEAT
seconds; a lock whose heartbeat is older than NEWSCRAWL_LOCK_STALE seconds (a killed
crawl) is taken over. The workers of one shared crawl (REDIS_URL) hold it together: their
owner is the crawl id.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, task, threads

from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.outcome import ALREADY_RUNNING, STAT_ERROR, STORE_UNAVAILABLE
from newscrawl.heartbeat import pid_namespace
from newscrawl.keys import LOCK
from newscrawl.process.pipelines import stores_articles
from newscrawl.store import Store, StoreUnavailable
from newscrawl.store.extension import CrawlStore
from newscrawl.store.record import mark_killed

logger = logging.getLogger(__name__)


def holder_is_dead(holder: dict, host: str, pidns: str | None = None) -> bool:
    """A holder provably gone: on this host and in this PID namespace (a container of its own
    shares the host name on a host network, and reuses pids), with its process gone (killed).
    Any other holder's lock goes stale after NEWSCRAWL_LOCK_STALE."""
    pidns = pid_namespace() if pidns is None else pidns
    if holder.get("host") != host or not isinstance(holder.get("pid"), int):
        return False
    if holder.get("pidns") != pidns:
        return False
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def describe(holder: dict) -> str:
    """The running crawl, for people: pid, host, start time."""
    return (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started_at', '?')}"
            + (f", shared crawl {holder['crawl_id']}" if holder.get("crawl_id") else ""))


class CrawlLock:
    def __init__(self, crawler, store_factory: Callable[[], Store], stale_seconds: float,
                 heartbeat_seconds: float, shared: bool, clock: Callable[[], float] = time.time):
        self.crawler = crawler
        self.store_factory = store_factory
        self.stale_seconds = stale_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.shared = shared  # a worker of a shared crawl: the crawl id owns the lock
        self.clock = clock
        self.store: Store | None = None
        self.site: str | None = None
        self.owner: str | None = None
        self.loop: task.LoopingCall | None = None
        self.info: dict = {}
        self._beat: defer.Deferred | None = None  # the heartbeat write in flight
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_LOCK_ENABLED") or not stores_articles(s):
            raise NotConfigured  # a crawl that stores nothing (-O out.jsonl only) takes no lock
        return cls(crawler, lambda: CrawlStore.of(crawler).get(), s.getfloat("NEWSCRAWL_LOCK_STALE"),
                   s.getfloat("NEWSCRAWL_LOCK_HEARTBEAT"), shared=s.getbool("NEWSCRAWL_LOCK_SHARED"))

    async def spider_opened(self, spider):
        target = CrawlContext.of(self.crawler).target
        if target.rules is None:
            return
        try:
            self.store = await maybe_deferred_to_future(threads.deferToThread(self.store_factory))
        except StoreUnavailable:
            return  # the store pipeline reports it and closes the crawl
        self.site = target.rules.base_url
        cid = target.crawl_id if self.shared else None
        self.owner = cid or uuid.uuid4().hex
        info = self.info = {"pid": os.getpid(), "host": socket.gethostname(), "pidns": pid_namespace(), "crawl_id": cid,
                            "run_id": self.crawler.settings.get("NEWSCRAWL_RUN_ID"),
                "started_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")}
        wait = target.wait
        announced = False
        while True:
            now = self.clock()
            try:
                holder = await maybe_deferred_to_future(threads.deferToThread(
                    self.store.acquire_lock, self.site, self.owner, info, now - self.stale_seconds, now))
            except StoreUnavailable as exc:
                self.crawler.stats.set_value(STAT_ERROR, str(exc))
                logger.error("Not started: %s", exc)
                self._close_store()
                raise CloseSpider(STORE_UNAVAILABLE) from None
            if holder is None:
                break
            if holder_is_dead(holder, info["host"]):
                logger.warning("Taking over the crawl lock of %s from a crawl that is gone (%s)",
                               self.site, describe(holder))
                await maybe_deferred_to_future(threads.deferToThread(
                    self.store.acquire_lock, self.site, self.owner, info, now + 1, now))
                await maybe_deferred_to_future(threads.deferToThread(self._mark_killed, holder))
                continue
            if not wait:
                message = (f"another crawl of {self.site} into {self.store.kind} {self.store.where} is running "
                           f"({describe(holder)}); wait for it, or pass -a wait=1 to wait")
                self.crawler.stats.set_value(STAT_ERROR, message)
                logger.error("Not started: %s", message)
                self._close_store()
                raise CloseSpider(ALREADY_RUNNING)
            if not announced:
                logger.info("Waiting for the running crawl of %s to end (%s)", self.site, describe(holder))
                announced = True
            await asyncio.sleep(min(self.heartbeat_seconds, self.stale_seconds / 2))
        self.crawler.stats.set_value(LOCK, self.site)
        self.loop = task.LoopingCall(self._heartbeat)
        self.loop.start(self.heartbeat_seconds, now=False)

    def _mark_killed(self, holder: dict) -> None:
        """The gone holder's run record, still `running`, marked killed at once (its process is
        provably gone: it would otherwise wait for NEWSCRAWL_LOCK_STALE)."""
        store = self.store
        if store is None or not holder.get("run_id"):
            return
        try:
            for dead in mark_killed(store, self.site, datetime.now(timezone.utc), 0,
                                    lambda run: run.run_id == holder["run_id"]):
                logger.warning("Crawl run %s: marked killed (%s)", dead.run_id[:8], dead.error)
        except StoreUnavailable as exc:  # the record waits for NEWSCRAWL_LOCK_STALE then
            logger.error("Could not mark the gone crawl's run killed: %s", exc)

    def _heartbeat(self):
        store, site, owner = self.store, self.site, self.owner
        assert store is not None and site is not None and owner is not None  # held since spider_opened

        def beat():
            try:
                now = self.clock()
                if store.refresh_lock(site, owner, now):
                    return
                # a worker of the same shared crawl finished and released it: hold it again
                if self.shared and store.acquire_lock(site, owner, self.info,
                                                           now - self.stale_seconds, now) is None:
                    return
                logger.warning("The crawl lock of %s was taken over by another crawl", self.site)
            except StoreUnavailable as exc:
                logger.warning("Could not renew the crawl lock of %s: %s", self.site, exc)
        self._beat = threads.deferToThread(beat)
        return self._beat

    async def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self._beat is not None and not self._beat.called:
            await maybe_deferred_to_future(self._beat)
        if self.store is not None and self.site is not None and self.owner is not None \
                and reason != ALREADY_RUNNING:
            try:
                self.store.release_lock(self.site, self.owner)
            except StoreUnavailable as exc:
                logger.warning("Could not release the crawl lock of %s (stale in %ds): %s",
                               self.site, self.stale_seconds, exc)
        self._close_store()

    def _close_store(self):
        self.store = None  # the crawl's store (CrawlStore) closes when the engine stops
