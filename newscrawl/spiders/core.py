"""What every part of the `gbaf` spider shares: its arguments and configuration, what earlier
runs stored (incremental mode), how it builds requests, and how it drops a page."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy_playwright.page import PageMethod

from newscrawl.conf import apply_defaults
from newscrawl.crawl.context import CrawlTarget
from newscrawl.crawl.incremental import CrawlHistory, utcnow
from newscrawl.fresh.watch import WatchLoop, WatchPlan, watch_settings
from newscrawl.keys import (
    DROPPED,
    FRONTIER_LOST,
    META_KIND,
    META_RENDER,
    META_URL,
    META_VALIDATORS,
    MODE,
    PAGE,
    RECHECKS,
    RENDER,
    STALE_VALIDATOR,
    RequestKind,
)
from newscrawl.spiders.arguments import CrawlArguments, parse_arguments
from newscrawl.spiders.config import SpiderConfig, polite_settings, spider_config
from newscrawl.spiders.failures import PERMANENT_DROPS
from newscrawl.spiders.paging import CategoryPaging
from newscrawl.store.extension import CrawlStore

logger = logging.getLogger(__name__)
DISCOVERY_PRIORITY = 10  # sitemaps, feeds and listings before articles
# wait until the network rests: the content of a rendered page arrives after "load"
SETTLED = [PageMethod("wait_for_load_state", "networkidle")]


class GbafBase(scrapy.Spider):
    """No ``name``: Scrapy's spider loader lists only the spider put together (newscrawl.spiders.gbaf)."""

    watch: WatchPlan | None
    watching: WatchLoop
    # what the spider's parts define (newscrawl.spiders.gbaf puts them together)
    parse_listing: Callable[..., Any]
    parse_rendered_listing: Callable[..., Any]
    parse_article: Callable[..., Any]
    parse_feed: Callable[..., Any]
    parse_sitemap: Callable[..., Any]
    on_error: Callable[..., list[Request] | None]
    on_render_error: Callable[..., Any]
    _follow_links: Callable[..., Any]
    _discovery: Callable[..., Any]
    _watch_opened: Callable[..., Any]

    def __init__(self, **kwargs: Any) -> None:
        self.args: CrawlArguments = parse_arguments(self.name, **kwargs)
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.categories, self.since, self.wait = self.args.categories, self.args.since, self.args.wait
        self.history: CrawlHistory | None = None
        self.incremental = False
        # Named categories not yet seen to exist; what they lead to waits until all are.
        self.unverified: set[str] = set(self.categories or ())
        self.held: list[Any] = []

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """The declared defaults, before the spider reads them: Scrapy builds the spider before
        its add-ons run (newscrawl.conf.SettingsAddon gives them to every other component)."""
        super().update_settings(settings)
        apply_defaults(settings)

    @classmethod
    def check_arguments(cls, settings: BaseSettings, **spargs: Any) -> None:
        """Raise UsageError for bad arguments, without starting anything."""
        spider = cls(**spargs)
        spider_config(spider.args, settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> GbafBase:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(spider_config(spider.args, crawler.settings))
        polite_settings(crawler.settings, spider.rules)  # Scrapy freezes them after this
        if spider.args.watch:
            watch_settings(crawler.settings)
            # after the pipelines' idle handler (they write their buffer then): connected at open
            crawler.signals.connect(spider._watch_opened, signal=signals.spider_opened)
        return spider

    @property
    def stats(self) -> StatsCollector:
        """The crawl's stats (the spider runs inside a crawl: they exist)."""
        assert self.crawler.stats is not None
        return self.crawler.stats

    def crawl_target(self) -> CrawlTarget:
        """What this crawl is about, for the crawl's components (newscrawl.crawl.context)."""
        return CrawlTarget(spider=self.name, arguments=dict(self.args.given), rules=self.rules, wait=bool(self.wait),
                           watch=bool(self.args.watch), render_policy=self.render_policy, archive=self.args.archive,
                           reparse=self.args.reparse)

    def configure(self, config: SpiderConfig) -> None:
        self.config = config
        self.rules, self.tz, self.parser = config.rules, config.tz, config.parser
        self.render_policy = config.render_policy  # read by the rendering handler
        self.allowed_domains = [urlsplit(self.rules.base_url).hostname]
        self.paging = CategoryPaging(self.args.max_pages, self.since, config.policy.known_pages)
        self.watch = WatchPlan(config.watch_discovery, self.categories) if self.args.watch else None
        if self.watch is not None:
            self.watching = WatchLoop(self.watch, self.crawler, config.watch_heartbeat, self.rules.base_url)

    def _open_history(self) -> None:
        """Incremental mode when the store already holds articles of this site."""
        if not self.config.incremental:
            return
        store = CrawlStore.of(self.crawler).get()
        reopened = self.history is not None  # a watch's later discoveries
        self.history = CrawlHistory(store, self.rules.base_url, self.name, self.config.policy, utcnow())
        self.incremental = self.args.refresh == "auto" and len(self.history) > 0
        mode = "incremental" if self.incremental else "full"
        self.stats.set_value(MODE, "watch" if self.watch is not None else mode)
        stored = store.count(site=self.rules.base_url)  # articles (the history also knows pages dropped for good)
        if reopened:
            logger.info("Watch: %d articles of %s stored", stored, self.rules.base_url)
        else:
            logger.info("%s crawl: %d articles of %s stored; last successful run started %s", mode.title(),
                        stored, self.rules.base_url, self.history.last_success or "never")

    def closed(self, reason: str) -> None:
        if self.watch is not None:
            self.watching.stop()
        if self.history is not None:
            if self.history.rechecks:
                self.stats.inc_value(RECHECKS, self.history.rechecks)
            # a lost frontier: what this run learned of listings and sitemaps is not kept, so that
            # the next crawl reads them in full and finds what was queued and lost
            self.history.save(utcnow(), learned=reason != FRONTIER_LOST)  # the store closes with the engine
            self.history = None

    def past(self) -> CrawlHistory:
        """What earlier runs stored (incremental mode, where only it asks). A method: Scrapy's
        feed exporter reads every attribute of the spider for its URI parameters."""
        if self.history is None:
            raise RuntimeError("no crawl history: not an incremental run")
        return self.history

    def _known_link(self, url: str) -> bool:
        """Is the article a listing links to stored already (in its canonical form)?"""
        return self._known(self.rules.classify(url)[1] or url)

    def _known(self, url: str) -> bool:
        """Is this (canonical) article URL stored already? Only an incremental run asks."""
        return self.incremental and self.history is not None and self.history.is_known(url)

    def _request(self, url: str, callback: Callable[..., Any], kind: RequestKind, validators: dict[str, Any] | None = None,
                 cb_kwargs: dict[str, Any] | None = None, dont_filter: bool = False,
                 meta: dict[str, Any] | None = None) -> Request:
        meta = {META_KIND: kind, **(meta or {})}
        if self.watch is not None and kind != RequestKind.ARTICLE_NEW:  # asked again in later cycles
            dont_filter = True
        if validators and self.incremental:
            meta[META_VALIDATORS] = validators
        # Discovery first: sitemaps, feeds and listings announce the articles (the progress
        # estimate counts them), and a category's pages, read one after another, end early.
        priority = DISCOVERY_PRIORITY if kind in (RequestKind.SITEMAP, RequestKind.FEED, RequestKind.LISTING) else 0
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs=cb_kwargs or {},
                              dont_filter=dont_filter, meta=meta, priority=priority)

    def _page_validators(self, url: str) -> dict[str, Any] | None:
        return self.past().page_validators(url) if self.incremental else None

    def _listing_request(self, url: str, category: str | None, page: int) -> Request:
        if category is not None and self._render_wanted(url):
            return self._rendered_listing_request(url, category, "configured")
        return self._request(url, self.parse_listing, RequestKind.LISTING, self._page_validators(url) if page == 1 else None,
                             cb_kwargs={"category": category, "page": page})

    def _article_request(self, url: str, dont_filter: bool = False, kind: RequestKind = RequestKind.ARTICLE_NEW,
                         validators: dict[str, Any] | None = None) -> Request:
        meta: dict[str, Any] = {META_URL: url}
        if self._render_wanted(url):
            meta.update({"playwright": True, META_RENDER: "configured", "playwright_page_methods": SETTLED})
        return self._request(url, self.parse_article, kind, validators, dont_filter=dont_filter, meta=meta)

    # ---- rendering (newscrawl/render.py) ---------------------------------------------
    def _render_wanted(self, url: str) -> bool:
        return any(r.search(url) for r in self.config.render_urls)

    def _rendered_listing_request(self, url: str, category: str | None, reason: str) -> Request:
        self.stats.inc_value(f"{RENDER}{reason}")
        return scrapy.Request(url, callback=self.parse_rendered_listing, errback=self.on_render_error,
                              cb_kwargs={"category": category}, dont_filter=True,
                              meta={META_KIND: RequestKind.LISTING, "playwright": True, "playwright_include_page": True,
                                    META_RENDER: reason})

    def _wanted_category(self, path: str) -> bool:
        if self.categories is None:
            return True
        return any(path == c or path.startswith(c + "/") for c in self.categories)

    def _learn(self, response: Response, kind: str) -> bool:
        """Remember a change signal's validators; False for a 304 (nothing new there)."""
        if response.status == 304:
            if self.history is not None:
                self.history.signal_not_modified(response.url)
            return False
        if self.history is not None:
            _, stale = self.history.learn(response.url, kind, response)
            if stale:
                self.stats.inc_value(STALE_VALIDATOR)
        return True

    def _mark_requested(self, url: str) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        df = getattr(scheduler, "df", None)
        if df is not None:
            df.request_seen(self._article_request(url))

    def _page_problem(self, name: str) -> None:
        self.stats.inc_value(f"{PAGE}{name}")

    def _drop(self, url: str, reason: str) -> None:
        if reason in PERMANENT_DROPS and self.history is not None:
            self.history.dropped(url)
        self.stats.inc_value(f"{DROPPED}{reason}")
        logger.warning("Dropped page %s: %s", url, reason)
        return None
