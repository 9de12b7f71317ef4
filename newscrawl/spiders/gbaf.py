"""The `gbaf` spider: discovers and parses every article of Global Banking & Finance Review.

It decides what to fetch and follow, builds the requests and counts what it did, in parts
put together here: what they share (:mod:`.core`: arguments, configuration, the crawl
history, request builders), discovery (:mod:`.discovery`: robots.txt, sitemaps, feeds),
category pages (:mod:`.categories`), article pages (:mod:`.reading`) and watch mode
(:mod:`.watching`). The rules they call live apart, each testable without a crawl:
arguments and settings (:mod:`.arguments`, :mod:`.config`), why a request failed
(:mod:`.failures`), when a category's paging stops (:mod:`.paging`), what a page offers
(:mod:`newscrawl.extract`), the browser's click loop (:mod:`newscrawl.crawl.rendering`).
Pipelines validate, normalize, dedupe and store.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from scrapy import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.cluster.lease import release as release_lease
from newscrawl.crawl.incremental import utcnow
from newscrawl.keys import (
    DROPPED,
    ERRORS,
    META_LOAD_MORE,
    META_NAMED,
    META_URL,
    SKIPPED,
    WATCH,
    RequestKind,
)
from newscrawl.spiders.arguments import ARGUMENTS
from newscrawl.spiders.categories import Categories
from newscrawl.spiders.core import GbafBase
from newscrawl.spiders.discovery import Discovery
from newscrawl.spiders.failures import failed_request, failure_reason
from newscrawl.spiders.reading import Reading
from newscrawl.spiders.reparsing import Reparsing
from newscrawl.spiders.watching import Watching

logger = logging.getLogger(__name__)
__all__ = ["ARGUMENTS", "GbafSpider"]


class GbafSpider(Discovery, Categories, Reading, Reparsing, Watching, GbafBase):
    name = "gbaf"

    # ---- discovery -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        if self.args.reparse:
            for request in self._reparse_requests():
                yield request
            return
        if self.args.urls:
            for u in self.args.urls:
                yield self._article_request(self.rules.article_url(u), dont_filter=True)
            return
        self._open_history()
        if self.watch is not None:
            self.watching.begin("the first discovery")
        for request in self._discovery():
            yield request

    def _discovery(self) -> Iterator[Request]:
        """Home, robots.txt (its sitemaps and feeds), categories and due revisits."""
        if self.watch is not None:
            self.watch.last_discovery = utcnow()
            self.stats.inc_value(WATCH + "discoveries")
        yield from self._revisits()
        if self.categories is None:
            home, robots = self.rules.url("/"), self.rules.url("/robots.txt")
            yield self._request(home, self.parse_listing, RequestKind.LISTING, self._page_validators(home),
                                cb_kwargs={"category": None, "page": 1})
            yield self._request(robots, self.parse_robots, RequestKind.ROBOTS, self._page_validators(robots),
                                dont_filter=True)
        yield from self._category_starts()

    def _revisits(self) -> Iterator[Request]:
        """Known articles due for a re-fetch (incremental mode); held while named categories
        are unverified."""
        if not self.incremental:
            return
        for url, validators in self.past().revisits_due():
            request = self._article_request(url, kind=RequestKind.ARTICLE_REVISIT, validators=validators)
            if self.unverified:
                self.held.append(request)
            else:
                yield request

    def _category_starts(self) -> Iterator[Request]:
        starts = [self.rules.category_url(p) for p in self.categories or self.config.default_categories]
        if self.incremental:  # sub-categories found by earlier runs, whatever page 1 says now
            starts += self.past().remembered("listing")
        for url in dict.fromkeys(starts):
            path = self.rules.category_path(url)
            if path and self._wanted_category(path):
                request = self._listing_request(url, path, 1)
                if path in self.unverified:
                    request.meta[META_NAMED] = path
                yield request

    # ---- failures (newscrawl/failures.py says why) ---------------------------------------
    def on_error(self, failure: Failure) -> list[Request] | None:
        request = failed_request(failure)
        release_lease(self.crawler, request)  # cluster mode: this request is done
        reason = failure_reason(failure)
        if reason is None:  # not sent: robots.txt, off-site, filtered
            self.stats.inc_value(SKIPPED + "ignored_request")
            logger.debug("Not fetched %s: %s", request.url, failure.value)
            return None
        if request.callback == self.parse_article:
            self._drop(request.meta.get(META_URL, request.url), reason)
            return None
        instead = self._instead_of(failure, reason)
        if instead is not None:
            return instead
        self.stats.inc_value(f"{(DROPPED if reason == 'no_browser' else ERRORS)}{reason}")
        later_page = request.cb_kwargs.get("page", 1) > 1  # the end of a category's pages, often
        logger.log(logging.DEBUG if later_page else logging.WARNING, "Could not fetch %s: %s", request.url, reason)
        return None

    def _instead_of(self, failure: Failure, reason: str) -> list[Request] | None:
        """What to fetch instead of a failed discovery page, if anything."""
        request = failed_request(failure)
        if request.callback == self.parse_robots:  # the configured sitemaps and feeds
            logger.warning("robots.txt of %s failed (%s); reading the configured sitemaps and feeds",
                           self.rules.base_url, reason)
            self.stats.inc_value(ERRORS + "robots_txt")
            return list(self._sitemap_and_feed_requests([], []))
        if not isinstance(failure.value, HttpError):
            return None
        named = request.meta.get(META_NAMED)
        if named in self.unverified:
            return [self._category_missing(named, f"it answered {failure.value.response.status}")]
        if request.meta.get(META_LOAD_MORE):  # a "load more" control and no page N+1: the browser clicks
            return [self._rendered_listing_request(request.meta[META_LOAD_MORE],
                                                   request.cb_kwargs.get("category"), "load_more")]
        return None
