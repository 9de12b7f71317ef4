"""Why a request failed, as the reason counted in the stats and logged.

:func:`failure_reason` is the rule (used by the spider's errback): a Twisted Failure from
Scrapy's downloader or HttpError middleware becomes ``no_browser``, ``too_large``,
``redirect_loop``, ``truncated``, ``http_<status>`` or ``download_<exception>``; None for a
request Scrapy chose not to send (IgnoreRequest: robots.txt, off-site, filtered), which is
no failure of the site.
"""
from __future__ import annotations

from typing import cast

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.crawl.rendering import NoBrowser
from newscrawl.keys import META_DATALOSS

# Drops that a re-fetch would repeat: remembered, and not fetched again by incremental runs.
PERMANENT_DROPS = frozenset({"http_404", "http_410", "not_html", "empty_response", "no_body", "no_title"})


def failed_request(failure: Failure) -> Request:
    """The request a failure is about (Scrapy sets it on the Failure it hands an errback)."""
    return cast(Request, failure.request)  # type: ignore[attr-defined]


def too_large(failure: Failure) -> bool:
    """DOWNLOAD_MAXSIZE: Scrapy cancels the download (body read) or ignores the request
    (Content-Length announced); only its message tells these from other cancellations."""
    text = str(failure.value)
    return (isinstance(failure.value, DownloadCancelledError) and "max size" in text) \
        or (isinstance(failure.value, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in text)


def redirect_loop(failure: Failure) -> bool:
    """REDIRECT_MAX_TIMES reached (RedirectMiddleware says so only in its message)."""
    return isinstance(failure.value, IgnoreRequest) and "max redirections" in str(failure.value)


def failure_reason(failure: Failure) -> str | None:
    if isinstance(failure.value, NoBrowser):
        return "no_browser"
    if too_large(failure):
        return "too_large"
    if redirect_loop(failure):
        return "redirect_loop"
    seen_cut = getattr(getattr(failure, "request", None), "meta", {}).get(META_DATALOSS)
    if isinstance(failure.value, ResponseDataLossError) or seen_cut:
        return "truncated"  # never stored half-received (a later attempt may have failed otherwise)
    if isinstance(failure.value, HttpError):
        return f"http_{failure.value.response.status}"
    if isinstance(failure.value, IgnoreRequest):
        return None
    return f"download_{type(failure.value).__name__}"
