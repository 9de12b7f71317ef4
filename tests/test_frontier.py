"""The scheduler's memory queue with its oldest requests in a file (newscrawl/crawl/frontier.py)."""
from __future__ import annotations

import tempfile
import tracemalloc
from collections import Counter

import scrapy
from queuelib.queue import LifoMemoryQueue

from newscrawl.crawl import frontier
from newscrawl.crawl.frontier import SpillingLifoQueue
from newscrawl.keys import FRONTIER_SPILLED, META_KIND, RequestKind
from newscrawl.replica.site import expected_articles

from .inprocess import crawl


class _Spider(scrapy.Spider):
    name = "frontier_test"

    def parse_article(self, response, category=None):
        pass

    def on_error(self, failure):
        pass


def _request(spider: _Spider, n: int) -> scrapy.Request:
    return scrapy.Request(f"http://127.0.0.1/story-{n}/", callback=spider.parse_article, errback=spider.on_error,
                          cb_kwargs={"category": "finance"}, meta={META_KIND: RequestKind.ARTICLE_NEW},
                          headers={"Referer": "http://127.0.0.1/sitemap-7.xml"})


def test_requests_come_back_newest_first_with_their_callbacks_and_meta_across_the_file():
    spider = _Spider()
    q = SpillingLifoQueue(spider, keep=3)
    for n in range(20):
        q.push(_request(spider, n))
    assert len(q) == 20 and q._file is not None and len(q._file) > 0  # the oldest went to the file
    assert q.peek().url.endswith("/story-19/")
    got = [q.pop() for _ in range(20)]
    assert [r.url.rsplit("-", 1)[1] for r in got] == [f"{n}/" for n in reversed(range(20))]
    last = got[-1]  # it came back from the file
    assert last.callback == spider.parse_article and last.errback == spider.on_error
    assert last.cb_kwargs == {"category": "finance"} and last.meta[META_KIND] == RequestKind.ARTICLE_NEW
    assert last.headers.get("Referer") == b"http://127.0.0.1/sitemap-7.xml"
    assert q.pop() is None and len(q) == 0 and q.peek() is None


def test_pushes_after_pops_keep_the_stack_order():
    spider = _Spider()
    q = SpillingLifoQueue(spider, keep=2)
    for n in range(8):
        q.push(_request(spider, n))
    assert [q.pop().url[-3:] for _ in range(3)] == ["-7/", "-6/", "-5/"]
    for n in range(8, 14):
        q.push(_request(spider, n))
    order = [q.pop().url.split("-")[-1].strip("/") for _ in range(len(q))]
    assert order == ["13", "12", "11", "10", "9", "8", "4", "3", "2", "1", "0"]


def test_a_request_is_stored_as_scrapy_stores_it():
    spider = _Spider()
    request = _request(spider, 1).replace(priority=-3, dont_filter=True, flags=["sitemap"])
    assert SpillingLifoQueue(spider)._as_dict(request) == request.to_dict(spider=spider)


class _CountingSpider(_Spider):
    reads = 0

    @property
    def expensive(self):  # a property of the spider: Scrapy's to_dict reads every attribute
        type(self).reads += 1
        return None


def test_the_spiders_attributes_are_not_read_for_every_request():
    """Scrapy's ``Request.to_dict`` finds a callback's name with ``inspect.getmembers`` on the
    spider, every attribute read, for each request: the 200,000-article crawl's CPU time was
    half as much again. The names are found once."""
    spider = _CountingSpider()
    _request(spider, 0).to_dict(spider=spider)
    assert _CountingSpider.reads == 2  # what Scrapy's own costs a request: its callback's name and its errback's
    q = SpillingLifoQueue(spider, keep=1)
    for n in range(50):
        q.push(_request(spider, n))
    assert len(q._file) == 48 and _CountingSpider.reads == 2


def test_a_request_that_cannot_be_serialized_stays_in_memory():
    spider = _Spider()
    q = SpillingLifoQueue(spider, keep=1)
    odd = scrapy.Request("http://127.0.0.1/odd/", callback=lambda r: None)  # no spider method: no dict for it
    q.push(odd)
    for n in range(4):
        q.push(_request(spider, n))
    urls = [q.pop().url for _ in range(5)]
    assert sorted(urls) == sorted(["http://127.0.0.1/odd/", *(f"http://127.0.0.1/story-{n}/" for n in range(4))])
    assert q.pop() is None


def test_nothing_is_written_below_keep_and_the_file_has_no_name(tmp_path, monkeypatch):
    """A crawl killed mid-way (SIGKILL, the OOM killer) leaves no file behind: there is none to leave."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spider = _Spider()
    small = SpillingLifoQueue(spider, keep=10)
    for n in range(20):
        small.push(_request(spider, n))
    assert small._file is None  # 20 = 2 x keep: no spill yet
    big = SpillingLifoQueue(spider, keep=2)
    for n in range(20):
        big.push(_request(spider, n))
    assert big._file is not None and len(big._file) == 18 and len(big) == 20
    assert list(tmp_path.iterdir()) == []  # spilled, and nothing named in TMPDIR
    big.close()
    assert big._file is None and len(big) == 2


def _held(queue_factory, n: int) -> int:
    spider = _Spider()
    tracemalloc.start()
    try:
        q = queue_factory(spider)
        for i in range(n):
            q.push(_request(spider, i))
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_a_site_of_waiting_requests_takes_a_fraction_of_the_memory():
    plain = _held(lambda spider: LifoMemoryQueue(), 20_000)
    spilled = _held(lambda spider: SpillingLifoQueue(spider, keep=500), 20_000)
    assert plain > 20_000 * 1000  # Request objects: over 1 KB each
    assert spilled < plain / 10


def test_a_crawl_whose_queue_spills_stores_every_article_once(fresh_replica, tmp_path, monkeypatch):
    monkeypatch.setattr(frontier, "KEEP", 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    base = fresh_replica.base_url
    c = crawl({"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}, base_url=base)
    stats = c.stats.get_stats()
    assert stats[FRONTIER_SPILLED] > 0
    expected = expected_articles(fresh_replica.site, base)
    assert stats["newscrawl/store/new"] == len(expected)
    answered = Counter(r.path for r in fresh_replica.site.requests if r.status == 200)
    assert [path for path, n in answered.items() if n > 1] == ["/robots.txt"]  # nothing else twice (robots.txt: docs)
    assert not list(tmp_path.glob("newscrawl-frontier-*"))  # the files are gone
