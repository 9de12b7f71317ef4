"""newscrawl.spiders.failures: why a request failed, from the Failure Scrapy hands the errback."""
import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, TimeoutError
from twisted.python.failure import Failure

from newscrawl.crawl.rendering import NoBrowser
from newscrawl.spiders.failures import PERMANENT_DROPS, failure_reason


def failed(exc) -> Failure:
    try:
        raise exc
    except Exception:  # noqa: BLE001
        return Failure()


def http(status: int) -> HttpError:
    return HttpError(Response("https://x.test/a", status=status, request=Request("https://x.test/a")),
                     "Ignoring non-200 response")


@pytest.mark.parametrize("exc, reason", [
    (NoBrowser("no browser to render https://x.test/a"), "no_browser"),
    # DOWNLOAD_MAXSIZE: cancelled while reading the body, or ignored on Content-Length
    (DownloadCancelledError("Received (12000000) bytes larger than download max size (10485760)"), "too_large"),
    (IgnoreRequest("Cancelling download of https://x.test/a: expected response size (12000000) larger "
                   "than download max size (10485760). DOWNLOAD_MAXSIZE"), "too_large"),
    (IgnoreRequest("max redirections reached"), "redirect_loop"),
    (ResponseDataLossError("Getting data loss error"), "truncated"),
    (http(404), "http_404"),
    (http(503), "http_503"),
    (ConnectionRefusedError(), "download_ConnectionRefusedError"),
    (TimeoutError(), "download_TimeoutError"),
    (IgnoreRequest("Forbidden by robots.txt"), None),  # not sent: no failure of the site
    (DownloadCancelledError("the download was cancelled"), "download_DownloadCancelledError"),
])
def test_failure_reasons(exc, reason):
    assert failure_reason(failed(exc)) == reason


def test_a_page_seen_truncated_is_dropped_as_truncated_whatever_its_last_attempt_met():
    """A retry of a truncated page that times out under load is still the truncated page."""
    from scrapy import Request

    from newscrawl.keys import META_DATALOSS
    f = failed(TimeoutError())
    f.request = Request("http://127.0.0.1:1/a", meta={META_DATALOSS: True})
    assert failure_reason(f) == "truncated"


def test_only_repeatable_failures_are_remembered_as_permanent():
    assert {"http_404", "http_410", "not_html"} <= PERMANENT_DROPS
    assert not {"http_503", "truncated", "too_large", "download_TimeoutError"} & PERMANENT_DROPS
