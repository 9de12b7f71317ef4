"""newscrawl.cluster (scheduler, leased queue, dupefilter) on a fake Redis server and a fake
clock: no redis-server, no crawl, no waiting. tests/test_cluster.py runs the same classes as
real workers on a real redis-server."""
import fakeredis
import pytest
import redis
from scrapy import Request, Spider
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.test import get_crawler

from newscrawl.cluster.queue import LeasedPriorityQueue
from newscrawl.cluster.scheduler import ClusterScheduler
from newscrawl.keys import META_LEASE


class Site(Spider):
    name = "site"

    def parse(self, response):
        pass


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server():
    return fakeredis.FakeServer()


def worker(server, clock, lease=60.0, drain=30.0) -> ClusterScheduler:
    crawler = get_crawler(Site)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    scheduler = ClusterScheduler(crawler, fakeredis.FakeRedis(server=server), "site-abc", lease_seconds=lease,
                                 drain_seconds=drain, retries=3, backoff=0.5, clock=clock)
    scheduler.open(crawler.spider)
    return scheduler


def request(path: str, **kw) -> Request:
    return Request(f"https://x.test/{path}", **kw)  # callback: the spider's parse


def test_the_first_worker_seeds_the_others_join_and_skip_start_requests(server):
    clock = Clock()
    a, b = worker(server, clock), worker(server, clock)
    assert a.seeder and not b.seeder and a.generation == b.generation
    start = request("home", meta={"is_start_request": True})
    assert not b.enqueue_request(start)
    assert b.stats.get_value("newscrawl/cluster/start_requests_left_to_seeder") == 1
    assert a.enqueue_request(start) and len(b) == 1
    a.close("finished"), b.close("finished")


def test_a_url_is_queued_once_across_workers(server):
    clock = Clock()
    a, b = worker(server, clock), worker(server, clock)
    assert a.enqueue_request(request("story"))
    assert not b.enqueue_request(request("story"))  # b's copy: in the shared dupefilter already
    assert b.enqueue_request(request("story", dont_filter=True))
    assert len(a) == 2
    a.close("finished"), b.close("finished")


def test_a_dead_workers_lease_expires_and_its_request_returns(server):
    clock = Clock()
    a, b = worker(server, clock, lease=60), worker(server, clock, lease=60)
    a.enqueue_request(request("story"))
    taken = a.next_request()
    assert taken.url == "https://x.test/story" and taken.meta[META_LEASE]
    assert b.next_request() is None  # leased, not gone
    clock.now += 59
    assert b.next_request() is None
    clock.now += 2  # a died (SIGKILL): it never released nor extended its lease
    again = b.next_request()
    assert again.url == taken.url and b.frontier.requeued == 1


def test_a_released_lease_is_done_and_an_extended_one_holds(server):
    clock = Clock()
    a, b = worker(server, clock, lease=60), worker(server, clock, lease=60)
    a.enqueue_request(request("one")), a.enqueue_request(request("two"))
    one, two = a.next_request(), a.next_request()
    a.release(one)
    clock.now += 50
    a.frontier.extend()  # two is still running
    clock.now += 50
    assert b.next_request() is None and a.frontier.leased() == 1
    assert two.meta[META_LEASE] in a.frontier.held


def test_closing_gives_unfinished_requests_back(server):
    clock = Clock()
    a, b = worker(server, clock), worker(server, clock)
    a.enqueue_request(request("one"))
    a.next_request()
    a.close("shutdown")
    assert b.next_request().url == "https://x.test/one"  # at once, not after the lease


def test_the_crawl_ends_after_the_drain_time_and_its_keys_go(server):
    clock = Clock()
    a, b = worker(server, clock, drain=30), worker(server, clock, drain=30)
    a.enqueue_request(request("one"))
    with pytest.raises(DontCloseSpider):  # queued: not drained
        b.spider_idle()
    done = a.next_request()
    with pytest.raises(DontCloseSpider):  # leased: not drained
        b.spider_idle()
    a.release(done)
    with pytest.raises(DontCloseSpider):  # drained since now
        b.spider_idle()
    clock.now += 29
    with pytest.raises(DontCloseSpider):
        a.spider_idle()
    clock.now += 2
    a.spider_idle()
    assert a.finished and not a.has_pending_requests()
    b.spider_idle()  # the generation is gone: b finishes too
    assert b.finished
    left = fakeredis.FakeRedis(server=server)
    assert left.keys("newscrawl:site-abc:*") == [f"newscrawl:site-abc:finished:{a.generation}".encode()]
    assert 0 < left.ttl(f"newscrawl:site-abc:finished:{a.generation}") <= 86400  # a day's marker: drained, not lost


def test_a_generation_gone_without_a_drain_is_a_lost_frontier(server, monkeypatch):
    """Redis restarted empty: the worker ends with reason frontier_lost instead of "finished"."""
    clock = Clock()
    a = worker(server, clock)
    a.enqueue_request(request("one"))
    closed = []
    monkeypatch.setattr(a, "_frontier_lost", lambda: closed.append(a.generation))
    fakeredis.FakeRedis(server=server).flushall()  # what a restart without persistence leaves
    with pytest.raises(DontCloseSpider):
        a.spider_idle()
    assert closed == [a.generation]


def test_requests_found_during_an_outage_wait_and_reach_redis_after_it(server):
    clock = Clock()
    a = worker(server, clock)
    later = []
    a._ping_later = lambda exc: later.append(exc)  # the reactor's timer, called by hand below
    server.connected = False
    assert a.enqueue_request(request("found-during-outage"))  # kept in the backlog
    assert a.failures == 0 and len(a.backlog) == 1 and later
    assert a.next_request() is None  # takes nothing meanwhile
    server.connected = True
    a._ping()
    assert a.failures is None and a.backlog == []
    assert a.next_request().url == "https://x.test/found-during-outage"


def test_redis_away_for_good_stops_the_worker(server):
    clock = Clock()
    a = worker(server, clock)
    a._ping_later = lambda exc: None
    closed = []
    a._lose = lambda exc: closed.append(exc) or setattr(a, "lost", True)
    server.connected = False
    a.enqueue_request(request("x"))
    for _ in range(3):
        a._ping()
    assert a.lost and isinstance(closed[0], redis.ConnectionError)


def test_the_queue_pops_in_priority_order_across_workers(server):
    spider = Site()
    one = LeasedPriorityQueue(fakeredis.FakeRedis(server=server), spider, "q:gen:requests", clock=Clock())
    two = LeasedPriorityQueue(fakeredis.FakeRedis(server=server), spider, "q:gen:requests", clock=Clock())
    one.push(request("low", priority=0))
    one.push(request("high", priority=10))
    assert two.pop().url == "https://x.test/high" and one.pop().url == "https://x.test/low"
    assert one.worker != two.worker


def test_a_request_taken_while_the_answer_was_lost_returns_at_the_next_pop(server):
    """Redis cut mid-reply (tests/test_cluster_hosts.py saw it: a lease granted, its answer lost,
    the request waiting two minutes for the lease to expire): the next pop gives it back first."""
    spider = Site()
    queue = LeasedPriorityQueue(fakeredis.FakeRedis(server=server), spider, "q:gen:requests", clock=Clock())
    queue.push(request("story"))
    real = queue._pop

    def answer_lost(**kw):
        real(**kw)  # done on the server ...
        raise redis.TimeoutError("Timeout reading from socket")  # ... its answer never came
    queue._pop = answer_lost
    with pytest.raises(redis.TimeoutError):
        queue.pop()
    assert queue.leased() == 1 and not queue.held  # leased on the server, not known here
    queue._pop = real
    assert queue.pop().url == "https://x.test/story"  # at once, not after the lease's 120 s
    assert queue.leased() == 1 and len(queue.held) == 1
