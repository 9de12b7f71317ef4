"""Downloader middlewares: retries for 429/5xx with exponential backoff, robots.txt for
every request waiting on it, charset repair."""
from __future__ import annotations

import asyncio
import random

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


def _retry_after(response) -> float | None:
    value = response.headers.get(b"Retry-After")
    try:
        return float(value.decode()) if value else None
    except ValueError:
        return None


class RobotsTxt(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every request that waits for a robots.txt being
    downloaded getting the parsed file. Scrapy 2.19 awaits the one shared Deferred, and
    turning a Deferred into a Future consumes its result: the first waiter gets the parser,
    the others None, which means "no robots.txt, allow". Any crawl that starts with several
    requests (a cluster worker taking a full queue, ``-a urls=``) fetched forbidden pages.
    Each waiter here waits on a Deferred of its own."""

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def pass_on(result):
            mine.callback(result)
            return result  # for the next waiter

        pending.addBoth(pass_on)
        return await maybe_deferred_to_future(mine)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but a retried request waits base * 2**(n-1) seconds
    (with jitter, capped, or the server's Retry-After) before it is sent again."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("NEWSCRAWL_BACKOFF_BASE")
        self.cap = settings.getfloat("NEWSCRAWL_BACKOFF_MAX")

    def _delay(self, retries: int, hint: float | None) -> float:
        if hint is not None:
            return min(hint, self.cap)
        return min(self.cap, self.base * 2 ** (retries - 1)) * random.uniform(0.8, 1.2)

    def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is not response and hasattr(result, "meta"):
            result.meta["newscrawl_backoff"] = self._delay(result.meta.get("retry_times", 1),
                                                           _retry_after(response))
        return result

    def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        if result is not None and hasattr(result, "meta"):
            result.meta["newscrawl_backoff"] = self._delay(result.meta.get("retry_times", 1), None)
        return result

    async def process_request(self, request, spider=None):
        delay = request.meta.pop("newscrawl_backoff", None)
        if delay:
            self.crawler.stats.inc_value("newscrawl/retry/backoff_seconds", round(delay, 3))
            await asyncio.sleep(delay)
        return None


class CharsetRepair:
    """A page that declares UTF-8 but is not (windows-1252 bytes such as 0x92 for ’) is read
    as windows-1252 instead of with replacement characters (``newscrawl/repaired/charset``)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or response.encoding.lower().replace("-", "") != "utf8":
            return response
        body = response.body
        if body.startswith(b"\xef\xbb\xbf") or body.isascii():
            return response
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            try:
                body.decode("cp1252")
            except UnicodeDecodeError:
                return response
            self.stats.inc_value("newscrawl/repaired/charset")
            return response.replace(encoding="cp1252")
        return response
