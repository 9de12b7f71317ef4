"""Downloader middlewares: retries for 429/5xx with exponential backoff, robots.txt for
every request waiting on it, charset repair, a fast verdict on a site that cannot be reached."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import TextResponse
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as net
from twisted.internet.defer import Deferred
from twisted.web._newclient import ResponseNeverReceived

from newscrawl.backoff import backoff_delay
from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.outcome import SITE_UNREACHABLE, STAT_ERROR
from newscrawl.keys import META_BACKOFF, META_DATALOSS, REPAIRED_CHARSET, RETRY_BACKOFF

logger = logging.getLogger(__name__)


def _retry_after(response) -> float | None:
    value = response.headers.get(b"Retry-After")
    try:
        return float(value.decode()) if value else None
    except ValueError:
        return None


class _NoTracebackForUnreachable(logging.Filter):
    """Scrapy logs a robots.txt that could not be downloaded with a traceback; a refused
    connection or a DNS failure is the user's to fix, not a bug: one line is enough."""

    def filter(self, record):
        if record.exc_info and record.exc_info[1] is not None and connection_cause(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True


class RobotsTxt(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every request that waits for a robots.txt being
    downloaded getting the parsed file. Scrapy 2.19 awaits the one shared Deferred, and
    turning a Deferred into a Future consumes its result: the first waiter gets the parser,
    the others None, which means "no robots.txt, allow". Any crawl that starts with several
    requests (a cluster worker taking a full queue, ``-a urls=``) fetched forbidden pages.
    Each waiter here waits on a Deferred of its own.

    Scrapy reads a site's robots.txt once per crawl; a crawl that lasts (a watch, a long
    backfill) reads it again when it is older than NEWSCRAWL_ROBOTS_TTL seconds (a day)."""

    def __init__(self, crawler, ttl: float = 86400.0, clock=time.monotonic):
        super().__init__(crawler)
        self.ttl, self.clock = ttl, clock
        self.read_at: dict[str, float] = {}  # netloc -> when its robots.txt was asked for
        robots_logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(f, _NoTracebackForUnreachable) for f in robots_logger.filters):
            robots_logger.addFilter(_NoTracebackForUnreachable())

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("NEWSCRAWL_ROBOTS_TTL"))

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            now = self.clock()
            if netloc in self._parsers and self.ttl > 0 and now - self.read_at.get(netloc, now) > self.ttl:
                del self._parsers[netloc]  # stale: Scrapy's code fetches it again
            if netloc not in self._parsers:
                self.read_at[netloc] = now
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
        return backoff_delay(retries - 1, self.base, self.cap, jitter=0.2)

    def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is not response and hasattr(result, "meta"):
            result.meta[META_BACKOFF] = self._delay(result.meta.get("retry_times", 1),
                                                           _retry_after(response))
        return result

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, ResponseDataLossError):  # seen truncated: so it is dropped, whatever fails later
            request.meta[META_DATALOSS] = True
        result = super().process_exception(request, exception)
        if result is not None and hasattr(result, "meta"):
            result.meta[META_BACKOFF] = self._delay(result.meta.get("retry_times", 1), None)
        return result

    async def process_request(self, request, spider=None):
        delay = request.meta.pop(META_BACKOFF, None)
        if delay:
            self.crawler.stats.inc_value(RETRY_BACKOFF, round(delay, 3))
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
            self.stats.inc_value(REPAIRED_CHARSET)
            return response.replace(encoding="cp1252")
        return response


# failures that say what kept the request from an answer by their type alone
_CAUSES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (CannotResolveHostError, "DNS lookup failed"),
    (DownloadConnectionRefusedError, "connection refused"),
    (DownloadTimeoutError, "timeout"),
    (net.DNSLookupError, "DNS lookup failed"),
    (net.ConnectionRefusedError, "connection refused"),
    ((net.TimeoutError, net.TCPTimedOutError, asyncio.TimeoutError), "timeout"),
    (net.NoRouteError, "no route to host"),
)


def connection_cause(exception) -> str | None:
    """What kept a request from getting any answer, for people (DNS, refused, timeout, TLS);
    None for a failure that is not about reaching the site."""
    for kinds, cause in _CAUSES:
        if isinstance(exception, kinds):
            return cause
    if isinstance(exception, DownloadFailedError):
        inner = exception.__cause__ or exception.__context__
        return connection_cause(inner) if inner is not None else f"download failed ({exception})"
    if isinstance(exception, ResponseNeverReceived) and exception.reasons:
        inner = exception.reasons[0].value
        if "SSL" in type(inner).__module__ or "ssl" in type(inner).__module__:
            return f"TLS handshake failed ({inner})"
        return "no answer (connection closed before a response)"
    if "SSL" in type(exception).__module__:
        return f"TLS handshake failed ({exception})"
    if isinstance(exception, (net.ConnectError, net.ConnectionLost)):
        return f"connection failed ({type(exception).__name__})"
    return None


def site_unreachable(failed: dict[str, int], elapsed: float, budget: float) -> bool:
    """The rule, for a site that has not answered any request yet: two URLs (robots.txt and a
    page) each failed, at least one of them twice, or the budget passed with one failing twice."""
    twice = sum(1 for n in failed.values() if n >= 2)
    return (twice >= 1 and len(failed) >= 2) or (twice >= 1 and elapsed >= budget)


class Reachability:
    """A site that cannot be reached fails fast: until the site answers once, its requests time
    out after NEWSCRAWL_REACH_TIMEOUT and are retried once; when :func:`site_unreachable` says
    so (within NEWSCRAWL_REACH_BUDGET seconds), the crawl closes as ``site_unreachable`` with
    one line naming the URL and the cause."""

    def __init__(self, crawler, budget: float, timeout: float):
        self.crawler = crawler
        self.budget = budget
        self.timeout = timeout
        self.answered = False
        self.started: float | None = None
        self.failed: dict[str, int] = {}  # url -> failed attempts
        self.causes: dict[str, str] = {}  # url -> the last cause, for the line
        self.closing = False
        self.timer: Any = None  # an IDelayedCall

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler, s.getfloat("NEWSCRAWL_REACH_BUDGET"),
                   min(s.getfloat("NEWSCRAWL_REACH_TIMEOUT"), s.getfloat("DOWNLOAD_TIMEOUT")))

    def _ours(self, request) -> bool:
        rules = CrawlContext.of(self.crawler).target.rules
        return rules is not None and urlparse_cached(request).netloc == rules.netloc

    def process_request(self, request, spider=None):
        if self.answered or not self._ours(request):
            return None
        if self.started is None:
            self.started = time.monotonic()
        # (Scrapy's DownloadTimeoutMiddleware has set DOWNLOAD_TIMEOUT already)
        request.meta["download_timeout"] = min(request.meta.get("download_timeout", self.timeout), self.timeout)
        request.meta["max_retry_times"] = min(request.meta.get("max_retry_times", 1), 1)
        return None

    def process_response(self, request, response, spider=None):
        if not self.answered and self._ours(request):
            self.answered = True
            if self.timer is not None and self.timer.active():
                self.timer.cancel()
        return response

    def process_exception(self, request, exception, spider=None):
        if self.answered or self.closing or not self._ours(request):
            return None
        cause = connection_cause(exception)
        if cause is None:
            return None
        self.failed[request.url] = self.failed.get(request.url, 0) + 1
        self.causes[request.url] = cause
        if self.timer is None:
            from twisted.internet import reactor  # the running one
            waited = time.monotonic() - (self.started or time.monotonic())
            self.timer = cast(Any, reactor).callLater(max(0.0, self.budget - waited), self._check)
        if self._check():
            raise IgnoreRequest(f"site unreachable: {cause}")
        return None

    def _check(self) -> bool:
        """Close the crawl when :func:`site_unreachable` says so; True once it is closing."""
        if self.closing:
            return True
        waited = time.monotonic() - (self.started or time.monotonic())
        if self.answered or not site_unreachable(self.failed, waited, self.budget):
            return False
        self.closing = True
        base = CrawlContext.of(self.crawler).target.site
        url = max(self.failed, key=lambda u: self.failed[u])
        others = [f"{u} {self.causes[u]}" for u in self.failed if u != url]
        message = (f"site unreachable: {base}: {self.causes[url]} ({url}, {self.failed[url]} attempts"
                   + (f"; also {', '.join(others)}" if others else "") + ")")
        self.crawler.stats.set_value(STAT_ERROR, message)
        logger.error(message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=SITE_UNREACHABLE))
        return True
