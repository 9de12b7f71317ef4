"""newscrawl.crawl.middlewares: retry backoff and Retry-After."""
import asyncio
from datetime import timezone

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.crawl.middlewares import BackoffRetryMiddleware

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def _middleware(**settings):
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 4, "RETRY_HTTP_CODES": [429, 503],
                                         "NEWSCRAWL_BACKOFF_BASE": 2.0, "NEWSCRAWL_BACKOFF_MAX": 120.0,
                                         **settings})
    crawler.stats.open_spider()
    crawler.spider = Spider.from_crawler(crawler, "gbaf")
    return crawler, BackoffRetryMiddleware.from_crawler(crawler)


def test_backoff_doubles_with_jitter_and_is_capped(monkeypatch):
    _, mw = _middleware(NEWSCRAWL_BACKOFF_MAX=10.0)
    monkeypatch.setattr("random.uniform", lambda a, b: 1.0)
    assert [mw._delay(n, None) for n in (1, 2, 3, 4, 5)] == [2.0, 4.0, 8.0, 10.0, 10.0]
    monkeypatch.undo()
    delays = [mw._delay(2, None) for _ in range(200)]
    assert 3.2 <= min(delays) < max(delays) <= 4.8  # 4 s +-20 %


def test_retry_after_is_honoured_and_the_retry_waits():
    crawler, mw = _middleware()
    req = Request("http://127.0.0.1:1/story")
    resp = HtmlResponse(req.url, status=429, headers={"Retry-After": "0.2"}, request=req)
    retry = mw.process_response(req, resp)
    assert retry is not resp and retry.meta["retry_times"] == 1
    assert retry.meta["newscrawl_backoff"] == pytest.approx(0.2)
    loop = asyncio.new_event_loop()
    try:
        t0 = loop.time()
        assert loop.run_until_complete(mw.process_request(retry)) is None
        assert loop.time() - t0 >= 0.19
    finally:
        loop.close()
    assert crawler.stats.get_value("newscrawl/retry/backoff_seconds") == pytest.approx(0.2)
    # a 200 is not retried and gets no delay
    ok = HtmlResponse(req.url, status=200, request=req)
    assert mw.process_response(req, ok) is ok


