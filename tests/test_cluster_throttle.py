"""newscrawl.cluster.throttle on a fake server: what a request waiting for its slot does
while Redis does not answer. tests/test_cluster.py runs it in real workers."""
import asyncio

import pytest
import redis
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.cluster.throttle import ClusterThrottle


class AwayServer:
    """A Redis that does not answer (refused connections), or answers again when told."""

    def __init__(self):
        self.up = False

    def register_script(self, script):
        def call(keys, args):
            if not self.up:
                raise redis.ConnectionError("Connection refused")
            return 0
        return call


def throttle(server) -> ClusterThrottle:
    return ClusterThrottle(server, limit=2, delay=0.0, hold_seconds=30,
                           stats=MemoryStatsCollector(get_crawler()))


def test_a_request_waits_while_redis_is_away_and_goes_when_it_answers_again():
    server = AwayServer()
    t = throttle(server)

    async def scenario():
        task = asyncio.ensure_future(t.process_request(Request("https://x.test/a")))
        await asyncio.sleep(0.7)
        assert not task.done()  # waiting, not dropped: the outage may be short
        server.up = True
        await asyncio.wait_for(task, 2)

    asyncio.run(scenario())
    assert t.stats.get_value("newscrawl/cluster/throttle_redis_errors") >= 1


def test_once_redis_is_given_up_a_waiting_request_is_ignored_and_the_crawl_can_close():
    t = throttle(AwayServer())

    async def scenario():
        task = asyncio.ensure_future(t.process_request(Request("https://x.test/a")))
        await asyncio.sleep(0.2)
        t.redis_lost("Connection refused")  # the scheduler's signal
        with pytest.raises(IgnoreRequest, match="Redis lost"):
            await asyncio.wait_for(task, 2)  # before the fix it waited for ever

    asyncio.run(scenario())
