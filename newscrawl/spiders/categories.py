"""Category pages: their article links, their sections, their paging (newscrawl.spiders.paging),
named categories checked first, and listings clicked through in the browser."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl.crawl.outcome import STAT_ERROR, USAGE_ERROR
from newscrawl.crawl.rendering import click_load_more
from newscrawl.extract.listing import (
    LOAD_MORE,
    has_load_more,
    read_listing,
    with_page,
)
from newscrawl.keys import (
    DROPPED_LINKS,
    ERRORS,
    LISTING_PROBE,
    LISTING_STOP,
    META_KIND,
    META_LOAD_MORE,
    META_NAMED,
    META_POLL,
    RENDER,
    RequestKind,
)
from newscrawl.spiders.core import GbafBase
from newscrawl.spiders.failures import failed_request
from newscrawl.spiders.paging import NO_NEW_LINKS

logger = logging.getLogger(__name__)


class Categories(GbafBase):
    async def parse_rendered_listing(self, response: Response, category: str | None) -> AsyncIterator[Request]:
        """A listing in the browser: its "load more" control clicked until no new article link
        shows (or NEWSCRAWL_RENDER_MAX_CLICKS)."""
        page = response.meta["playwright_page"]
        try:
            links = await click_load_more(
                page, lambda html: read_listing(response.url, html, self.rules, self.tz).articles,
                self.config.render_max_clicks, LOAD_MORE,
                on_click=lambda: self.stats.inc_value(RENDER + "clicks"))
        finally:
            await page.close()
        for request in self._follow_links(list(links.values()), "rendered_listing"):
            yield request

    async def on_render_error(self, failure: Failure) -> list[Request] | None:
        page = failed_request(failure).meta.get("playwright_page")
        if page is not None:
            await page.close()
        return self.on_error(failure)

    # ---- listings ----------------------------------------------------------------------
    def parse_listing(self, response: Response, category: str | None, page: int) -> Iterator[Request]:
        named = response.meta.get(META_NAMED)
        if named is None or named not in self.unverified:
            yield from self._parse_listing(response, category, page)
            return
        if response.status != 304 and self.rules.category_path(response.url) != named:
            yield self._category_missing(named, f"it redirects to {response.url}")
            return
        self.unverified.discard(named)
        out = list(self._parse_listing(response, category, page))
        if self.unverified:  # nothing is fetched past the named categories until all exist
            self.held.extend(out)
            return
        held, self.held = self.held, []
        yield from held
        yield from out

    def _category_missing(self, category: str, problem: str) -> Request:
        """A named category does not exist: a usage error (nothing stored), with the
        categories the home page's navigation offers."""
        self.stats.inc_value(ERRORS + "missing_category")
        self.held = []
        return scrapy.Request(self.rules.url("/"), callback=self._report_missing, errback=self._report_missing_failed,
                              dont_filter=True, priority=100, cb_kwargs={"category": category, "problem": problem},
                              meta={META_KIND: RequestKind.LISTING})

    def _report_missing_failed(self, failure: Failure) -> None:
        self._report_missing(None, **failed_request(failure).cb_kwargs)

    def _report_missing(self, response: Response | None, category: str, problem: str) -> None:
        offered = []
        if isinstance(response, TextResponse):
            listing = read_listing(response.url, response.text, self.rules, self.tz)
            offered = sorted({p for u in listing.categories if (p := self.rules.category_path(u))})
        message = (f"gbaf: categories: {category!r} does not exist on {self.rules.base_url} ({problem}); "
                   + (f"the navigation offers: {', '.join(offered)}" if offered else "the home page lists no categories"))
        self.stats.set_value(STAT_ERROR, message)
        logger.error(message)
        raise CloseSpider(USAGE_ERROR)

    def _malformed_links(self, url: str, n: int) -> None:
        """A listing's malformed links, counted; a site's template repeats its bad links on every
        listing page: the first page says so, the others are counted only."""
        first = not self.stats.get_value(DROPPED_LINKS + "malformed")
        self.stats.inc_value(DROPPED_LINKS + "malformed", n)
        logger.log(logging.WARNING if first else logging.DEBUG, "%s: %d malformed links skipped%s", url, n,
                   " (more on other pages are counted in newscrawl/dropped_links/malformed)" if first else "")

    def _parse_listing(self, response: Response, category: str | None, page: int) -> Iterator[Request]:
        kind = "listing" if category is not None else "home"
        if response.status == 304:  # page 1 unchanged since the last run: nothing new here
            self._learn(response, kind)
            self.stats.inc_value(LISTING_STOP + "not_modified")
            return
        if not isinstance(response, TextResponse):
            return
        if page == 1:
            self._learn(response, kind)
        listing = read_listing(response.url, response.text, self.rules, self.tz)
        if listing.malformed:  # counted and logged; the page's other links are read
            self._malformed_links(response.url, listing.malformed)
        yield from self._follow_links(listing.articles, "listing", response.url)
        if response.meta.get(META_POLL):  # a watch's poll: new articles only, not sections
            return
        if category is None or page == 1:  # sections linked from the home page or a category
            yield from self._sections(listing.categories, category)
        if category is None:
            return
        stop = self.paging.stop_reason(category, page, listing.articles,
                                       self._known_link if self.incremental else None)
        if stop:
            self.stats.inc_value(f"{LISTING_STOP}{stop}")
            if stop == NO_NEW_LINKS and response.meta.get(META_LOAD_MORE):
                yield self._rendered_listing_request(response.meta[META_LOAD_MORE], category, "load_more")
            return
        next_page = self._next_page(response, listing.next_url, category, page)
        if next_page is not None:
            yield next_page

    def _sections(self, urls: list[str], category: str | None) -> Iterator[Request]:
        """Listings of the sections a page links to: any (the home page), or a category's own."""
        for cat_url in urls:
            path = self.rules.category_path(cat_url)
            if path and self._wanted_category(path) and (category is None or path.startswith(category + "/")):
                yield self._listing_request(cat_url, path, 1)

    def _next_page(self, response: TextResponse, next_url: str | None, category: str, page: int) -> Request | None:
        """Page N+1: the pager's link, else (NEWSCRAWL_PAGINATION_PROBE) /page/N+1/; when
        page 1 also has a "load more" control, a failing probe hands it to the browser."""
        load_more = None
        if next_url is None and self.config.probe:
            next_url = with_page(response.url, page + 1, "path")
            self.stats.inc_value(LISTING_PROBE)
            if page == 1 and has_load_more(response.selector):
                load_more = response.url
        if not next_url:
            return None
        request = self._listing_request(next_url, category, page + 1)
        if load_more:
            request.meta[META_LOAD_MORE] = load_more
        return request
