"""SCHEDULER with REDIS_URL: scrapy-redis's scheduler with crawl generations and leases.

- Workers of one crawl (same spider arguments, or the same ``-a crawl_id=``) share a
  generation: the first to start creates it (``SET NX``: two workers starting at once seed
  once) and only that one schedules the spider's start requests; the others join.
- Requests are leased, not popped (:class:`.queue.LeasedPriorityQueue`).
- When the queue is empty and no request is leased for ``drain_seconds``, the generation is
  over: one worker deletes its keys (atomically, only if still drained) and every worker
  closes with reason ``finished``. The next crawl with the same arguments starts afresh.
- Redis lost mid-crawl: the worker stops taking requests and pings Redis again with backoff
  on the reactor's timer (never sleeping in it); requests found meanwhile wait in a local
  backlog. Back in time: the backlog goes to Redis and the crawl goes on. Not back: the
  worker closes with reason ``redis_unavailable``; the frontier stays in Redis for a
  restart (and the pages whose new links sat in the backlog keep their leases, so another
  run fetches them again).
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import Any, cast

import redis
from scrapy import signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis import connection, picklecompat
from twisted.internet import task

from newscrawl.backoff import backoff_delay
from newscrawl.cluster.fingerprints import RedisDupeFilter
from newscrawl.cluster.names import mask_redis_url, prefix, redis_url
from newscrawl.cluster.queue import LeasedPriorityQueue
from newscrawl.crawl.context import CrawlContext
from newscrawl.keys import CLUSTER, FRONTIER_LOST, META_LEASE

logger = logging.getLogger(__name__)
REDIS_UNAVAILABLE = "redis_unavailable"
# Scrapy signal sent once when this worker gives Redis up (the throttle stops waiting for it)
redis_lost = object()

# KEYS: gen, queue, leases, payloads, dupefilter, drained, finished marker. ARGV: generation.
# The marker says the generation was drained (a day): a generation gone without it was lost.
_FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('SET', KEYS[7], '1', 'EX', 86400)
return 1
"""


class RedisUnavailable(Exception):
    """Redis cannot be reached; the message says where and what to do."""


def connect(settings):
    """A Redis client from REDIS_URL (scrapy-redis's connection settings), pinged."""
    url = redis_url(settings) or ""
    server = connection.get_redis(url=url, **{k: v for k, v in settings.getdict("REDIS_PARAMS").items()},
                                  socket_connect_timeout=settings.getfloat("NEWSCRAWL_REDIS_TIMEOUT"),
                                  socket_timeout=settings.getfloat("NEWSCRAWL_REDIS_TIMEOUT"))
    try:
        server.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise RedisUnavailable(
            f"Redis at {mask_redis_url(url)} is unreachable ({type(exc).__name__}). Start it "
            f"(`make redis`, or `docker compose up -d redis`), fix REDIS_URL, or unset REDIS_URL "
            f"to crawl in one process.") from None
    except redis.AuthenticationError as exc:
        raise RedisUnavailable(f"Redis at {mask_redis_url(url)} refused the password ({exc}); "
                               f"fix the password in REDIS_URL.") from None
    return server


class ClusterScheduler(BaseScheduler):
    """Scrapy's scheduler interface over a shared Redis frontier (see the module's docstring).

    Built on scrapy-redis's pieces (its connection settings, pickle serializer and queue
    layout) rather than subclassing its ``Scheduler``: leases, generations and outages change
    every method of that class."""

    def __init__(self, crawler, server, cid: str, lease_seconds: float, drain_seconds: float,
                 retries: int, backoff: float, clock=time.time):
        self.crawler = crawler
        self.stats = crawler.stats
        self.server = server
        self.crawl_id = cid
        self.prefix = prefix(cid)
        self.lease_seconds = lease_seconds
        self.drain_seconds = drain_seconds
        self.retries = retries
        self.backoff = backoff
        self.clock = clock
        self.generation: str | None = None
        self.seeder = False
        self.queue: LeasedPriorityQueue | None = None
        self.df: RedisDupeFilter | None = None
        self.finished = False
        self.lost = False
        self.failures: int | None = None  # None: Redis answers; n: pings failed so far in an outage
        self.backlog: list = []  # Redis operations put off during an outage, in order
        self._retry_call: Any = None  # an IDelayedCall
        self._extender: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not redis_url(s):
            raise NotConfigured("REDIS_URL is not set")
        target = CrawlContext.of(crawler).target
        return cls(crawler, connect(s), target.crawl_id,
                   lease_seconds=s.getfloat("NEWSCRAWL_LEASE_SECONDS"),
                   drain_seconds=s.getfloat("NEWSCRAWL_DRAIN_SECONDS"),
                   retries=s.getint("NEWSCRAWL_REDIS_RETRIES"),
                   backoff=s.getfloat("NEWSCRAWL_REDIS_BACKOFF"))

    @property
    def frontier(self) -> LeasedPriorityQueue:
        if self.queue is None:
            raise RuntimeError("the cluster scheduler is not open")
        return self.queue

    @property
    def seen(self) -> RedisDupeFilter:
        if self.df is None:
            raise RuntimeError("the cluster scheduler is not open")
        return self.df

    # ---- keys ------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return f"{self.prefix}{self.generation}:{name}"

    @property
    def gen_key(self) -> str:
        return self.prefix + "gen"

    @property
    def finished_key(self) -> str:
        return f"{self.prefix}finished:{self.generation}"

    def _frontier_lost(self) -> None:
        """Redis no longer holds this generation, and no worker drained it: Redis restarted
        empty (or its keys were deleted). What was queued is unknown: this worker ends, saying
        so, and keeps nothing it learned of the site's listings, so that the next crawl reads
        them in full and stores the rest."""
        if self.finished:
            return
        self.finished = True
        logger.error("Redis lost the frontier of cluster crawl %s generation %s (restarted empty?): this worker "
                     "ends; the next crawl of the site reads its listings and sitemaps in full and stores the rest",
                     self.crawl_id, self.generation)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FRONTIER_LOST))

    # ---- Scrapy's scheduler interface ------------------------------------------------
    def open(self, spider):
        self.spider = spider
        candidate = uuid.uuid4().hex[:10]
        self.seeder = bool(self.server.set(self.gen_key, candidate, nx=True))
        self.generation = candidate if self.seeder else self.server.get(self.gen_key).decode()
        self.queue = LeasedPriorityQueue(self.server, spider, self.key("requests"), picklecompat,
                                         lease_seconds=self.lease_seconds, clock=self.clock)
        self.df = RedisDupeFilter(self.server, self.key("dupefilter"),
                                  debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
                                  fingerprinter=self.crawler.request_fingerprinter)
        self._finish = self.server.register_script(_FINISH)
        self.stats.set_value(CLUSTER + "crawl_id", self.crawl_id)
        self.stats.set_value(CLUSTER + "generation", self.generation)
        self.stats.set_value(CLUSTER + "worker", self.queue.worker)
        self.stats.set_value(CLUSTER + "seeder", self.seeder)
        logger.info("Cluster crawl %s, generation %s: this worker (%s) %s", self.crawl_id, self.generation,
                    self.queue.worker, "seeds the frontier" if self.seeder else
                    f"joins ({len(self.queue)} requests queued)")
        self._extender = task.LoopingCall(self._extend)
        self._extender.start(max(0.5, self.lease_seconds / 3), now=False)

    def close(self, reason):
        if self._extender is not None and self._extender.running:
            self._extender.stop()
        if self._retry_call is not None and self._retry_call.active():
            self._retry_call.cancel()
        if self.backlog:
            logger.warning("%d Redis operations put off during the outage were not made", len(self.backlog))
        if self.queue is not None and not self.lost and self.failures is None:
            try:
                n = self.queue.give_back()  # requests this worker took and did not finish
                if n:
                    logger.info("Gave %d unfinished requests back to the shared queue", n)
            except redis.RedisError as exc:
                logger.warning("Could not give requests back (they return when their lease "
                               "expires): %s", exc)
        self.stats.set_value(CLUSTER + "requeued_expired", self.queue.requeued if self.queue is not None else 0)

    def __len__(self):
        return self._safely(len, self.queue, default=0)

    def has_pending_requests(self) -> bool:
        return not self.finished and not self.lost and len(self) > 0

    def enqueue_request(self, request) -> bool:
        if request.meta.get("is_start_request") and not self.seeder:
            self.stats.inc_value(CLUSTER + "start_requests_left_to_seeder")
            return False
        if self.failures is None and not self.lost:
            try:
                return self._enqueue_now(request)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                self._outage(exc)
        self.backlog.append(lambda: self._enqueue_now(request))  # queued when Redis is back
        return True

    def _enqueue_now(self, request, check: bool = True) -> bool:
        if check and not request.dont_filter and self.seen.request_seen(request):
            self.seen.log(request, self.spider)
            return False
        try:
            self.frontier.push(request)
        except (redis.ConnectionError, redis.TimeoutError) as exc:  # in the dupefilter already
            self.backlog.append(lambda: self._enqueue_now(request, check=False))
            self._outage(exc)
            return True
        self.stats.inc_value("scheduler/enqueued/redis")
        old_lease = request.meta.pop(META_LEASE, None)
        if old_lease:  # a retry or redirect of a leased request: the copy is queued now
            self._release_lease(old_lease)
        return True

    def next_request(self):
        if self.finished or self.lost or self.failures is not None:
            return None
        request = self._safely(self.frontier.pop, default=None)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    # ---- leases ------------------------------------------------------------------------
    def release(self, request) -> None:
        lease = request.meta.get(META_LEASE)
        if lease and self.queue is not None:
            self._release_lease(lease)

    def _release_lease(self, lease: str) -> None:
        if self.failures is not None:  # after the backlog's requests, as it would have been
            self.backlog.append(lambda: self.frontier.release(lease))
        else:
            self._safely(self.frontier.release, lease)

    def _extend(self):
        self._safely(self.frontier.extend)

    # ---- generations ---------------------------------------------------------------------
    def spider_idle(self):
        """The worker has nothing to do: is the whole crawl drained?"""
        if self.lost:
            return
        if self.failures is not None:  # an outage: wait for the pings to decide
            raise DontCloseSpider
        try:
            if (self.server.get(self.gen_key) or b"").decode() != self.generation:
                if not self.server.exists(self.finished_key):  # gone, and no worker drained it
                    self._frontier_lost()
                    raise DontCloseSpider  # closed with its own reason
                self.finished = True  # another worker closed the generation
                return
            queued, leased = len(self.frontier), self.frontier.leased()
            drained = self.key("drained_since")
            if queued or leased:
                self.server.delete(drained)
                raise DontCloseSpider
            now = self.clock()
            self.server.set(drained, now, nx=True)
            since = float(self.server.get(drained) or now)
            if now - since < self.drain_seconds:
                raise DontCloseSpider
            keys = [self.gen_key, self.key("requests"), self.frontier.leases_key, self.frontier.payloads_key,
                    self.key("dupefilter"), drained, self.finished_key]
            if not self._finish(keys=keys, args=[self.generation]):
                raise DontCloseSpider  # another worker queued or took a request meanwhile
            logger.info("Cluster crawl %s generation %s drained for %.0f s: keys deleted",
                        self.crawl_id, self.generation, self.drain_seconds)
            self.finished = True
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._outage(exc)
            raise DontCloseSpider from None
        except redis.RedisError as exc:
            self._lose(exc)

    # ---- Redis faults ----------------------------------------------------------------------
    def _safely(self, fn, *args, default=None):
        """``fn(*args)``, or ``default`` when Redis does not answer (an outage begins)."""
        if self.failures is not None or self.lost:
            return default
        try:
            return fn(*args)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._outage(exc)
            return default

    def _outage(self, exc) -> None:
        if self.failures is not None or self.lost:
            return
        self.failures = 0
        self.stats.inc_value(CLUSTER + "redis_outages")
        self._ping_later(exc)

    def _ping_later(self, exc) -> None:
        from twisted.internet import reactor  # the running one
        failures = self.failures or 0
        delay = backoff_delay(failures, self.backoff)
        logger.warning("Redis error (%s); retry %d/%d in %.1fs", exc, failures + 1, self.retries, delay)
        self._retry_call = cast(Any, reactor).callLater(delay, self._ping)

    def _ping(self) -> None:
        try:
            self.server.ping()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self.failures = (self.failures or 0) + 1
            if self.failures >= self.retries:
                self._lose(exc)
            else:
                self._ping_later(exc)
            return
        logger.info("Redis answers again; %d operations put off meanwhile go to it now", len(self.backlog))
        self.failures = None
        backlog, self.backlog = self.backlog, []
        for i, operation in enumerate(backlog):
            try:
                operation()
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                self.backlog = backlog[i:] + self.backlog
                self._outage(exc)
                return
            if self.failures is not None:  # it met a new outage and put itself back
                self.backlog += backlog[i + 1:]
                return

    def _lose(self, exc) -> None:
        if self.lost:
            return
        self.lost = True
        self.failures = None
        logger.error("Redis lost (%s): this worker stops; the frontier stays in Redis for a restart", exc)
        self.crawler.signals.send_catch_log(redis_lost, reason=str(exc))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_UNAVAILABLE))
