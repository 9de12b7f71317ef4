"""scrapy-redis's priority queue with leases: a request taken by a worker is not gone.

``pop`` moves the request atomically (one Lua script) from the queue to a lease: the lease id
goes into ``<gen>:leases`` with its expiry time, the request into ``<gen>:payloads``. The
worker releases the lease when the request is done (its callback's output is in the queue),
extends it while the request runs, and gives it back when it closes. A worker killed with
SIGKILL releases nothing: its leases expire after ``lease_seconds`` and the next ``pop`` of
any worker puts those requests back in the queue first.
"""
from __future__ import annotations

import itertools
import logging
import time
import uuid

from scrapy_redis.queue import PriorityQueue

from newscrawl.keys import META_LEASE

logger = logging.getLogger(__name__)

# Lua: put leased requests (lease ids in `ids`) back in the queue. KEYS: queue, leases, payloads.
_REQUEUE = """
local function requeue(ids)
  local n = 0
  for _, id in ipairs(ids) do
    local v = redis.call('HGET', KEYS[3], id)
    if v then
      local sep = string.find(v, '|', 1, true)
      redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, sep - 1)), string.sub(v, sep + 1))
      redis.call('HDEL', KEYS[3], id)
      n = n + 1
    end
    redis.call('ZREM', KEYS[2], id)
  end
  return n
end
"""

# ARGV: now, lease expiry, lease id. Returns {requeued expired leases, request or false}.
_POP = _REQUEUE + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)
requeue(expired)
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return {#expired, false} end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], r[2] .. '|' .. r[1])
return {#expired, r[1]}
"""

# ARGV: lease ids (this worker's). Puts them back in the queue.
_GIVE_BACK = _REQUEUE + "return requeue(ARGV)\n"


class LeasedPriorityQueue(PriorityQueue):
    """scrapy_redis.queue.PriorityQueue whose ``pop`` leases instead of removing."""

    def __init__(self, server, spider, key, serializer=None, lease_seconds: float = 120.0,
                 clock=time.time):
        super().__init__(server, spider, key, serializer)
        self.leases_key = self.key.rsplit(":", 1)[0] + ":leases"
        self.payloads_key = self.key.rsplit(":", 1)[0] + ":payloads"
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.worker = uuid.uuid4().hex[:8]
        self._ids = itertools.count(1)
        self.held: dict[str, float] = {}  # lease ids this worker holds -> when taken
        # A lease held this long is forgotten (and expires): a request whose end was never
        # seen (a failure no hook saw) must not hold up the crawl forever.
        self.max_hold = 5 * lease_seconds
        self.requeued = 0  # expired leases of other (dead) workers put back by this one
        # Leases asked for by a pop whose answer never came (Redis cut mid-reply): it may have
        # been granted. Given back at the next pop, so the request waits for no lease to expire.
        self.unanswered: list[str] = []
        self._pop = server.register_script(_POP)
        self._give_back = server.register_script(_GIVE_BACK)

    def pop(self, timeout=0):
        keys = [self.key, self.leases_key, self.payloads_key]
        if self.unanswered:  # granted or not, those leases are nobody's: their requests go back
            back = int(self._give_back(keys=keys, args=self.unanswered))
            self.unanswered.clear()
            if back:
                logger.warning("Put back %d requests taken while Redis's answer was lost", back)
        lease = f"{self.worker}:{next(self._ids)}"
        now = self.clock()
        self.unanswered.append(lease)
        requeued, data = self._pop(keys=keys, args=[now, now + self.lease_seconds, lease])
        self.unanswered.remove(lease)
        if requeued:
            self.requeued += int(requeued)
            logger.warning("Put back %d requests whose lease expired (a worker died or stalled)", requeued)
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[META_LEASE] = lease
        self.held[lease] = now
        return request

    def release(self, lease: str) -> None:
        """The request is done: forget it."""
        if lease in self.held:
            del self.held[lease]
            pipe = self.server.pipeline(transaction=False)
            pipe.zrem(self.leases_key, lease)
            pipe.hdel(self.payloads_key, lease)
            pipe.execute()

    def extend(self) -> None:
        """Push the expiry of every held lease forward (requests still running)."""
        now = self.clock()
        for lease in [k for k, taken in self.held.items() if now - taken > self.max_hold]:
            del self.held[lease]
            logger.warning("Lease %s held for over %.0f s: left to expire (its request returns to the queue)",
                           lease, self.max_hold)
        if self.held:
            self.server.zadd(self.leases_key, {lease: now + self.lease_seconds for lease in self.held}, xx=True)

    def give_back(self) -> int:
        """Put every held request back in the queue (a worker that stops early)."""
        if not self.held:
            return 0
        n = self._give_back(keys=[self.key, self.leases_key, self.payloads_key], args=sorted(self.held))
        self.held.clear()
        return int(n)

    def leased(self) -> int:
        return self.server.zcard(self.leases_key)

    def clear(self):
        self.server.delete(self.key, self.leases_key, self.payloads_key)
