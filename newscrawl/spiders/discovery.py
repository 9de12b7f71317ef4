"""Discovery: robots.txt, its sitemaps and feeds, and the article links they list."""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace

from protego import Protego
from scrapy import Request
from scrapy.http import Response

from newscrawl.extract.listing import (
    Link,
    read_feed,
    read_robots,
    read_sitemap,
)
from newscrawl.keys import (
    ANNOUNCED,
    DISCOVERY,
    ERRORS,
    FEED_NEWEST,
    INCREMENTAL,
    META_ANNOUNCED,
    META_POLL,
    SITEMAP_ARTICLES,
    SITEMAPS_ANNOUNCED,
    SITEMAPS_READ,
    SKIPPED,
    RequestKind,
)
from newscrawl.spiders.core import GbafBase

logger = logging.getLogger(__name__)


class Discovery(GbafBase):
    def parse_robots(self, response: Response) -> Iterator[Request]:
        if self._learn(response, "robots"):
            sitemaps, feeds = read_robots(response.text, self.rules.base_url)
            self.render_policy.robots = Protego.parse(response.text)
        else:  # unchanged: the sitemaps and feeds it named last time
            sitemaps, feeds = self.past().remembered("sitemap_root"), self.past().remembered("feed")
        yield from self._sitemap_and_feed_requests(sitemaps, feeds)

    def _sitemap_and_feed_requests(self, sitemaps: list[str], feeds: list[str]) -> Iterator[Request]:
        for url in dict.fromkeys(sitemaps + self.config.sitemaps):
            if self.rules.same_site(url):
                yield self._request(url, self.parse_sitemap, RequestKind.SITEMAP, self._page_validators(url),
                                    cb_kwargs={"kind": "sitemap_root"})
        for url in dict.fromkeys(feeds + self.config.feeds):
            if self.rules.same_site(url):
                yield self._request(url, self.parse_feed, RequestKind.FEED, self._page_validators(url))

    def parse_sitemap(self, response: Response, kind: str = "sitemap") -> Iterator[Request]:
        if not self._learn(response, kind):
            return
        try:
            children, links = read_sitemap(response.body, self.tz)
        except ValueError as exc:
            self._bad_discovery_page(response, "bad_sitemap", exc)
            return
        self.stats.inc_value(DISCOVERY + "sitemaps")
        wanted = []
        for child in children:
            if not self.rules.same_site(child.url):
                continue
            if self.incremental and not self.past().sitemap_child_changed(child.lastmod, child.url):
                self.stats.inc_value(INCREMENTAL + "sitemap_unchanged")
                continue
            wanted.append(self._request(child.url, self.parse_sitemap, RequestKind.SITEMAP,
                                        self._page_validators(child.url),
                                        meta={META_POLL: True} if response.meta.get(META_POLL) else None))
        self.stats.inc_value(SITEMAPS_ANNOUNCED, len(wanted))
        yield from wanted
        articles = list(self._follow_links(links, "sitemap", response.url))
        if not children:  # a list of pages (not an index): what one sitemap gives, for the estimate
            self.stats.inc_value(SITEMAPS_READ)
            self.stats.inc_value(SITEMAP_ARTICLES, len(articles))
        yield from articles
        if response.meta.get(META_POLL):
            return
        for link in links:
            path = self.rules.category_path(link.url)
            if path and self._wanted_category(path):
                yield self._listing_request(self.rules.category_url(path), path, 1)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not self._learn(response, "feed"):
            return
        try:
            links = read_feed(response.body, self.tz)
        except ValueError as exc:
            self._bad_discovery_page(response, "bad_feed", exc)
            return
        self.stats.inc_value(DISCOVERY + "feeds")
        dated = [link.date for link in links if link.date is not None]
        if dated:  # what the site says is new, whatever we have (an alert compares the two)
            self.stats.max_value(FEED_NEWEST, max(dated).timestamp())
        yield from self._follow_links(links, "feed", response.url)

    def _bad_discovery_page(self, response: Response, reason: str, exc: Exception) -> None:
        self.stats.inc_value(f"{ERRORS}{reason}")
        logger.warning("Skipped %s: %s", response.url, exc)

    def _follow_links(self, links: Sequence[Link], via: str, page: str | None = None) -> Iterator[Request]:
        """The article requests of these links, all counted as announced before the first is
        yielded (Scrapy takes a callback's requests one by one: the progress estimate would
        otherwise see only the few it took)."""
        requests = list(self._link_requests(links, via, page))
        for request in requests:
            request.meta[META_ANNOUNCED] = True
        self.stats.inc_value(ANNOUNCED, len(requests))
        yield from requests

    def _link_requests(self, links: Sequence[Link], via: str, page: str | None) -> Iterator[Request]:
        known = []
        for link in links:
            url = self.rules.classify(link.url)[1]
            if url is None:  # not an article of the site
                continue
            if self.since and link.date and link.date < self.since:
                self.stats.inc_value(SKIPPED + "before_since")
                continue
            if self._known(url):
                known.append(replace(link, url=url))
                continue
            # Scrapy's dupefilter (DUPEFILTER_CLASS) drops links already requested.
            self.stats.inc_value(f"{DISCOVERY}{via}")
            yield self._article_request(url)
        if known and self.history is not None:
            self.stats.inc_value(INCREMENTAL + "known_links", len(known))
            for url, validators in self.history.changed_since_fetched(known, page):
                yield self._article_request(url, kind=RequestKind.ARTICLE_REVISIT, validators=validators)
