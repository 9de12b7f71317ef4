"""A per-site limiter shared through Redis: N workers put the load of one crawler on a site.

Before a request is downloaded it takes a slot (at most CONCURRENT_REQUESTS_PER_DOMAIN at
once, cluster-wide) and waits for its turn (at least DOWNLOAD_DELAY seconds between two
request starts, cluster-wide); the slot is freed when the response or the error comes back.
Slots of a worker killed mid-request expire after DOWNLOAD_TIMEOUT + 10 s. AutoThrottle, when
on, adjusts each worker's own delay on top of this (per worker). While Redis does not answer a
request waits (the scheduler decides when an outage is over or lost); once the scheduler gives
Redis up, waiting requests are ignored (their leases bring them back to a restarted worker)
instead of holding the closing crawl open for ever.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from urllib.parse import urlsplit

import redis
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newscrawl.cluster.names import redis_url
from newscrawl.keys import CLUSTER, META_SLOT

logger = logging.getLogger(__name__)

# KEYS: slots (zset token -> expiry), next (earliest start). ARGV: now, token, limit, expiry, delay.
# Returns 0 when the request may start now, else seconds to wait (as a string).
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return '0.02' end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
local now = tonumber(ARGV[1])
if nxt > now then return tostring(nxt - now) end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
redis.call('SET', KEYS[2], tostring(now + tonumber(ARGV[5])), 'PX', math.max(1, math.ceil(tonumber(ARGV[5]) * 1000)) + 1000)
return 0
"""


class ClusterThrottle:
    def __init__(self, server, limit: int, delay: float, hold_seconds: float, stats, clock=time.time):
        self.server = server
        self.limit = limit
        self.delay = delay
        self.hold_seconds = hold_seconds
        self.stats = stats
        self.clock = clock
        self._acquire = server.register_script(_ACQUIRE)
        self.lost = False

    def redis_lost(self, reason: str = "") -> None:
        self.lost = True

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not redis_url(s):
            raise NotConfigured("REDIS_URL is not set")
        from newscrawl.cluster.scheduler import connect, redis_lost
        throttle = cls(connect(s), s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), s.getfloat("DOWNLOAD_DELAY"),
                       s.getfloat("DOWNLOAD_TIMEOUT") + 10, crawler.stats)
        crawler.signals.connect(throttle.redis_lost, signal=redis_lost)
        return throttle

    @staticmethod
    def _keys(request) -> list[str]:
        host = urlsplit(request.url).netloc.lower()
        return [f"newscrawl:site:{host}:slots", f"newscrawl:site:{host}:next"]

    async def process_request(self, request, spider=None):
        keys, token = self._keys(request), uuid.uuid4().hex
        waited = 0.0
        while True:
            if self.lost:
                raise IgnoreRequest("Redis lost: not sent (its lease brings it back)")
            now = self.clock()
            try:
                wait = float(self._acquire(keys=keys, args=[now, token, self.limit, now + self.hold_seconds,
                                                             self.delay]))
            except (redis.ConnectionError, redis.TimeoutError):
                # Redis away: wait (the scheduler decides when it is lost for good)
                self.stats.inc_value(CLUSTER + "throttle_redis_errors")
                wait = 0.5
            if not wait:
                break
            waited += wait
            await asyncio.sleep(min(wait, 1.0))
        request.meta[META_SLOT] = token
        if waited:
            self.stats.inc_value(CLUSTER + "throttle_wait_seconds", round(waited, 3))
        return None

    def _free(self, request) -> None:
        token = request.meta.pop(META_SLOT, None)
        if token:
            try:
                self.server.zrem(self._keys(request)[0], token)
            except (redis.ConnectionError, redis.TimeoutError):
                pass  # the slot expires by itself after hold_seconds

    def process_response(self, request, response, spider=None):
        self._free(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._free(request)
        return None
