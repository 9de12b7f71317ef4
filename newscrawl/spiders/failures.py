"""Why a request failed, as the reason counted in the stats and logged.

:func:`failure_reason` is the rule (used by the spider's errback): a Twisted Failure from
Scrapy's downloader or HttpError middleware becomes ``no_browser``, ``too_large``,
``redirect_loop``, ``truncated``, ``http_<status>`` or ``download_<exception>``; None for a
request Scrapy chose not to send (IgnoreRequest: robots.txt, off-site, filtered), which is
no failure of the site.
"""
from __future__ import annotations

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.crawl.rendering import NoBrowser

# Drops that a re-fetch would repeat: remembered, and not fetched again by incremental runs.
PERMANENT_DROPS = frozenset({"http_404", "http_410", "not_html", "empty_response", "no_body", "no_title"})


def too_large(failure: Failure) -> bool:
    """DOWNLOAD_MAXSIZE: Scrapy cancels the download (body read) or ignores the request
    (Content-Length announced); only its message tells these from other cancellations."""
    text = str(failure.value)
    return bool((failure.check(DownloadCancelledError) and "max size" in text)
                or (failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in text))


def redirect_loop(failure: Failure) -> bool:
    """REDIRECT_MAX_TIMES reached (RedirectMiddleware says so only in its message)."""
    return bool(failure.check(IgnoreRequest) and "max redirections" in str(failure.value))


def failure_reason(failure: Failure) -> str | None:
    if failure.check(NoBrowser):
        return "no_browser"
    if too_large(failure):
        return "too_large"
    if redirect_loop(failure):
        return "redirect_loop"
    if failure.check(ResponseDataLossError):
        return "truncated"  # never stored half-received
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return None
    return f"download_{type(failure.value).__name__}"
