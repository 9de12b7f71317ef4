"""The `gbaf` spider: discovers and parses every article of Global Banking & Finance Review.

It decides what to fetch and follow, builds the requests and counts what it did. The rules
it calls live apart, each testable without a crawl: arguments and settings
(:mod:`.arguments`, :mod:`.config`), why a request failed (:mod:`newscrawl.spiders.failures`), when a
category's paging stops (:mod:`newscrawl.spiders.paging`), what a page offers (:mod:`newscrawl.extract`),
the browser's click loop (:mod:`newscrawl.crawl.rendering`). Pipelines validate, normalize, dedupe
and store.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from urllib.parse import urlsplit

import scrapy
from protego import Protego
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_playwright.page import PageMethod

from newscrawl.cluster.lease import release as release_lease
from newscrawl.crawl.incremental import KIND, VALIDATORS, CrawlHistory, utcnow, validators_of
from newscrawl.crawl.outcome import STAT_ERROR, USAGE_ERROR
from newscrawl.crawl.rendering import click_load_more
from newscrawl.extract.article import DropPage
from newscrawl.extract.listing import (
    LOAD_MORE,
    adjacent_articles,
    has_load_more,
    read_feed,
    read_listing,
    read_robots,
    read_sitemap,
    with_page,
)
from newscrawl.extract.shell import is_app_shell, next_data_page, next_data_url
from newscrawl.fresh.watch import WatchLoop, WatchPlan, watch_settings
from newscrawl.keys import (
    APP_SHELL,
    DISCOVERY,
    DROPPED,
    ERRORS,
    EXTRACTION,
    INCREMENTAL,
    LISTING_PROBE,
    LISTING_STOP,
    META_LOAD_MORE,
    META_NAMED,
    META_POLL,
    META_RENDER,
    META_URL,
    MODE,
    RECHECKS,
    RENDER,
    SKIPPED,
    STALE_VALIDATOR,
    THEME,
    WATCH,
)
from newscrawl.spiders.arguments import ARGUMENTS, CrawlArguments, parse_arguments
from newscrawl.spiders.config import SpiderConfig, polite_settings, spider_config
from newscrawl.spiders.failures import PERMANENT_DROPS, failure_reason
from newscrawl.spiders.paging import NO_NEW_LINKS, CategoryPaging
from newscrawl.store.extension import CrawlStore

logger = logging.getLogger(__name__)
__all__ = ["ARGUMENTS", "GbafSpider"]
# wait until the network rests: the content of a rendered page arrives after "load"
SETTLED = [PageMethod("wait_for_load_state", "networkidle")]


class GbafSpider(scrapy.Spider):
    name = "gbaf"

    def __init__(self, **kwargs):
        self.args: CrawlArguments = parse_arguments(self.name, **kwargs)
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.crawl_args = self.args.given  # what crawl_runs and the cluster's crawl id read
        self.categories, self.since, self.wait = self.args.categories, self.args.since, self.args.wait
        self.history: CrawlHistory | None = None
        self.incremental = False
        # Named categories not yet seen to exist; what they lead to waits until all are.
        self.unverified: set[str] = set(self.categories or ())
        self.held: list = []

    @classmethod
    def check_arguments(cls, settings, **spargs) -> None:
        """Raise UsageError for bad arguments, without starting anything."""
        spider = cls(**spargs)
        spider_config(spider.args, settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(spider_config(spider.args, crawler.settings))
        polite_settings(crawler.settings, spider.rules)  # Scrapy freezes them after this
        if spider.args.watch:
            watch_settings(crawler.settings)
            # after the pipelines' idle handler (they write their buffer then): connected at open
            crawler.signals.connect(spider._watch_opened, signal=signals.spider_opened)
        return spider

    def configure(self, config: SpiderConfig) -> None:
        self.config = config
        self.rules, self.tz, self.parser = config.rules, config.tz, config.parser
        self.render_policy = config.render_policy  # read by the rendering handler
        self.allowed_domains = [urlsplit(self.rules.base_url).hostname]
        self.paging = CategoryPaging(self.args.max_pages, self.since, config.policy.known_pages)
        self.watch = WatchPlan(config.watch_discovery, self.categories) if self.args.watch else None
        if self.watch is not None:
            self.watching = WatchLoop(self.watch, self.crawler, config.watch_heartbeat, self.rules.base_url)

    # ---- discovery -------------------------------------------------------------------
    async def start(self):
        if self.args.urls:
            for u in self.args.urls:
                yield self._article_request(self.rules.article_url(u), dont_filter=True)
            return
        self._open_history()
        if self.watch is not None:
            self.watching.begin("the first discovery")
        for request in self._discovery():
            yield request

    def _discovery(self):
        """Home, robots.txt (its sitemaps and feeds), categories and due revisits."""
        if self.watch is not None:
            self.watch.last_discovery = utcnow()
            self.crawler.stats.inc_value(WATCH + "discoveries")
        yield from self._revisits()
        if self.categories is None:
            home, robots = self.rules.url("/"), self.rules.url("/robots.txt")
            yield self._request(home, self.parse_listing, "listing", self._page_validators(home),
                                cb_kwargs={"category": None, "page": 1})
            yield self._request(robots, self.parse_robots, "robots", self._page_validators(robots),
                                dont_filter=True)
        yield from self._category_starts()

    # ---- watch mode (newscrawl/watch.py): a crawl that does not close ----------------------
    def _watch_opened(self, spider):
        # connected now, after the pipelines' idle handler (they write their buffer then)
        self.crawler.signals.connect(self._watch_idle, signal=signals.spider_idle)
        self.watching.start()

    def _watch_idle(self):
        if self.history is None:  # the store failed at start: nothing to watch
            return
        if self.watching.cycle is not None:
            if not self.watching.settled():  # its last batch is being written
                raise DontCloseSpider
            self.past().save(utcnow())  # what the cycle learned: validators, signal states
            if not self.incremental:  # the first discovery filled an empty store: read it
                self._open_history()
            self.watching.finish()
        self._watch_next()
        raise DontCloseSpider

    def _watch_next(self) -> None:
        """Fetch what is due now (a discovery, or the signals due), else wake when it is."""
        now, plan = utcnow(), self.watching.plan
        self.watching.cancel_wake()
        if plan.discovery_due(now):
            self._open_history()
            self.watching.begin("a discovery")
            requests = list(self._discovery())
        else:
            self.past().tick(now)
            due = plan.due(self.past().signals(plan.kinds()), now)
            self.watching.begin(f"polling {len(due)} change signals")
            requests = [r for url, kind in due if (r := self._poll_request(url, kind)) is not None]
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            return
        self.watching.cycle = None
        self.watching.sleep_until(plan.next_wake(self.past().signals(plan.kinds()), now), self._watch_next)

    def _poll_request(self, url: str, kind: str):
        meta = {META_POLL: True}
        validators = self._page_validators(url)
        self.crawler.stats.inc_value(WATCH + "polls")
        if kind == "home":
            return self._request(url, self.parse_listing, "listing", validators, meta=meta,
                                 cb_kwargs={"category": None, "page": 1})
        if kind == "feed":
            return self._request(url, self.parse_feed, "feed", validators, meta=meta)
        if kind == "sitemap_root":
            return self._request(url, self.parse_sitemap, "sitemap", validators, meta=meta,
                                 cb_kwargs={"kind": "sitemap_root"})
        path = self.rules.category_path(url)  # a listing: page 1 of a named category
        if path and path in (self.categories or ()):
            return self._request(url, self.parse_listing, "listing", validators, meta=meta,
                                 cb_kwargs={"category": path, "page": 1})
        return None

    def _revisits(self):
        """Known articles due for a re-fetch (incremental mode); held while named categories
        are unverified."""
        if not self.incremental:
            return
        for url, validators in self.past().revisits_due():
            request = self._article_request(url, kind="article_revisit", validators=validators)
            if self.unverified:
                self.held.append(request)
            else:
                yield request

    def _category_starts(self):
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

    def _open_history(self) -> None:
        """Incremental mode when the store already holds articles of this site."""
        if not self.config.incremental:
            return
        store = CrawlStore.of(self.crawler).get()
        self.history = CrawlHistory(store, self.rules.base_url, self.name, self.config.policy, utcnow())
        self.incremental = self.args.refresh == "auto" and len(self.history) > 0
        if self.incremental:
            self.paging.is_known = lambda url: self._known(self.rules.classify(url)[1] or url)
        mode = "incremental" if self.incremental else "full"
        self.crawler.stats.set_value(MODE, "watch" if self.watch is not None else mode)
        logger.info("%s crawl: %d articles of %s stored; last successful run started %s", mode.title(),
                    len(self.history), self.rules.base_url, self.history.last_success or "never")

    def closed(self, reason):
        if self.watch is not None:
            self.watching.stop()
        if self.history is not None:
            if self.history.rechecks:
                self.crawler.stats.inc_value(RECHECKS, self.history.rechecks)
            self.history.save(utcnow())  # the store itself closes when the engine stops
            self.history = None

    def past(self) -> CrawlHistory:
        """What earlier runs stored (incremental mode, where only it asks). A method: Scrapy's
        feed exporter reads every attribute of the spider for its URI parameters."""
        if self.history is None:
            raise RuntimeError("no crawl history: not an incremental run")
        return self.history

    def _known(self, url: str) -> bool:
        """Is this (canonical) article URL stored already? Only an incremental run asks."""
        return self.incremental and self.history is not None and self.history.is_known(url)

    def _request(self, url, callback, kind, validators=None, cb_kwargs=None, dont_filter=False, meta=None):
        meta = {KIND: kind, **(meta or {})}
        if self.watch is not None and kind != "article_new":  # asked again in later cycles
            dont_filter = True
        if validators and self.incremental:
            meta[VALIDATORS] = validators
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs=cb_kwargs or {},
                              dont_filter=dont_filter, meta=meta)

    def _page_validators(self, url):
        return self.past().page_validators(url) if self.incremental else None

    def _listing_request(self, url, category, page):
        if category is not None and self._render_wanted(url):
            return self._rendered_listing_request(url, category, "configured")
        return self._request(url, self.parse_listing, "listing", self._page_validators(url) if page == 1 else None,
                             cb_kwargs={"category": category, "page": page})

    def _article_request(self, url, dont_filter=False, kind="article_new", validators=None):
        meta = {META_URL: url}
        if self._render_wanted(url):
            meta.update({"playwright": True, META_RENDER: "configured", "playwright_page_methods": SETTLED})
        return self._request(url, self.parse_article, kind, validators, dont_filter=dont_filter, meta=meta)

    # ---- rendering (newscrawl/render.py) ---------------------------------------------
    def _render_wanted(self, url: str) -> bool:
        return any(r.search(url) for r in self.config.render_urls)

    def _rendered_listing_request(self, url, category, reason: str):
        self.crawler.stats.inc_value(f"{RENDER}{reason}")
        return scrapy.Request(url, callback=self.parse_rendered_listing, errback=self.on_render_error,
                              cb_kwargs={"category": category}, dont_filter=True,
                              meta={KIND: "listing", "playwright": True, "playwright_include_page": True,
                                    META_RENDER: reason})

    async def parse_rendered_listing(self, response, category):
        """A listing in the browser: its "load more" control clicked until no new article link
        shows (or NEWSCRAWL_RENDER_MAX_CLICKS)."""
        page = response.meta["playwright_page"]
        try:
            links = await click_load_more(
                page, lambda html: read_listing(response.url, html, self.rules, self.tz).articles,
                self.config.render_max_clicks, LOAD_MORE,
                on_click=lambda: self.crawler.stats.inc_value(RENDER + "clicks"))
        finally:
            await page.close()
        for request in self._follow_links(list(links.values()), "rendered_listing"):
            yield request

    async def on_render_error(self, failure):
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        return self.on_error(failure)

    def _wanted_category(self, path: str) -> bool:
        if self.categories is None:
            return True
        return any(path == c or path.startswith(c + "/") for c in self.categories)

    def _learn(self, response, kind: str) -> bool:
        """Remember a change signal's validators; False for a 304 (nothing new there)."""
        if response.status == 304:
            if self.history is not None:
                self.history.signal_not_modified(response.url)
            return False
        if self.history is not None:
            _, stale = self.history.learn(response.url, kind, response)
            if stale:
                self.crawler.stats.inc_value(STALE_VALIDATOR)
        return True

    def parse_robots(self, response):
        if self._learn(response, "robots"):
            sitemaps, feeds = read_robots(response.text, self.rules.base_url)
            self.render_policy.robots = Protego.parse(response.text)
        else:  # unchanged: the sitemaps and feeds it named last time
            sitemaps, feeds = self.past().remembered("sitemap_root"), self.past().remembered("feed")
        yield from self._sitemap_and_feed_requests(sitemaps, feeds)

    def _sitemap_and_feed_requests(self, sitemaps, feeds):
        for url in dict.fromkeys(sitemaps + self.config.sitemaps):
            if self.rules.same_site(url):
                yield self._request(url, self.parse_sitemap, "sitemap", self._page_validators(url),
                                    cb_kwargs={"kind": "sitemap_root"})
        for url in dict.fromkeys(feeds + self.config.feeds):
            if self.rules.same_site(url):
                yield self._request(url, self.parse_feed, "feed", self._page_validators(url))

    def parse_sitemap(self, response, kind="sitemap"):
        if not self._learn(response, kind):
            return
        try:
            children, links = read_sitemap(response.body, self.tz)
        except ValueError as exc:
            self._bad_discovery_page(response, "bad_sitemap", exc)
            return
        self.crawler.stats.inc_value(DISCOVERY + "sitemaps")
        for child in children:
            if not self.rules.same_site(child.url):
                continue
            if self.incremental and not self.past().sitemap_child_changed(child.lastmod, child.url):
                self.crawler.stats.inc_value(INCREMENTAL + "sitemap_unchanged")
                continue
            yield self._request(child.url, self.parse_sitemap, "sitemap", self._page_validators(child.url),
                                meta={META_POLL: True} if response.meta.get(META_POLL) else None)
        yield from self._follow_links(links, "sitemap")
        if response.meta.get(META_POLL):
            return
        for link in links:
            path = self.rules.category_path(link.url)
            if path and self._wanted_category(path):
                yield self._listing_request(self.rules.category_url(path), path, 1)

    def parse_feed(self, response):
        if not self._learn(response, "feed"):
            return
        try:
            links = read_feed(response.body, self.tz)
        except ValueError as exc:
            self._bad_discovery_page(response, "bad_feed", exc)
            return
        self.crawler.stats.inc_value(DISCOVERY + "feeds")
        yield from self._follow_links(links, "feed")

    def _bad_discovery_page(self, response, reason: str, exc) -> None:
        self.crawler.stats.inc_value(f"{ERRORS}{reason}")
        logger.warning("Skipped %s: %s", response.url, exc)

    def _follow_links(self, links, via: str):
        known = []
        for link in links:
            url = self.rules.classify(link.url)[1]
            if url is None:  # not an article of the site
                continue
            if self.since and link.date and link.date < self.since:
                self.crawler.stats.inc_value(SKIPPED + "before_since")
                continue
            if self._known(url):
                known.append(replace(link, url=url))
                continue
            # Scrapy's dupefilter (DUPEFILTER_CLASS) drops links already requested.
            self.crawler.stats.inc_value(f"{DISCOVERY}{via}")
            yield self._article_request(url)
        if known and self.history is not None:
            self.crawler.stats.inc_value(INCREMENTAL + "known_links", len(known))
            for url, validators in self.history.changed_since_fetched(known):
                yield self._article_request(url, kind="article_revisit", validators=validators)

    # ---- listings ----------------------------------------------------------------------
    def parse_listing(self, response, category, page):
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

    def _category_missing(self, category: str, problem: str):
        """A named category does not exist: a usage error (nothing stored), with the
        categories the home page's navigation offers."""
        self.crawler.stats.inc_value(ERRORS + "missing_category")
        self.held = []
        return scrapy.Request(self.rules.url("/"), callback=self._report_missing, errback=self._report_missing_failed,
                              dont_filter=True, priority=100, cb_kwargs={"category": category, "problem": problem},
                              meta={KIND: "listing"})

    def _report_missing_failed(self, failure):
        self._report_missing(None, **failure.request.cb_kwargs)

    def _report_missing(self, response, category: str, problem: str):
        offered = []
        if isinstance(response, TextResponse):
            listing = read_listing(response.url, response.text, self.rules, self.tz)
            offered = sorted({p for u in listing.categories if (p := self.rules.category_path(u))})
        message = (f"gbaf: categories: {category!r} does not exist on {self.rules.base_url} ({problem}); "
                   + (f"the navigation offers: {', '.join(offered)}" if offered else "the home page lists no categories"))
        self.crawler.stats.set_value(STAT_ERROR, message)
        logger.error(message)
        raise CloseSpider(USAGE_ERROR)

    def _parse_listing(self, response, category, page):
        kind = "listing" if category is not None else "home"
        if response.status == 304:  # page 1 unchanged since the last run: nothing new here
            self._learn(response, kind)
            self.crawler.stats.inc_value(LISTING_STOP + "not_modified")
            return
        if not isinstance(response, TextResponse):
            return
        if page == 1:
            self._learn(response, kind)
        listing = read_listing(response.url, response.text, self.rules, self.tz)
        yield from self._follow_links(listing.articles, "listing")
        if response.meta.get(META_POLL):  # a watch's poll: new articles only, not sections
            return
        if category is None or page == 1:  # sections linked from the home page or a category
            for cat_url in listing.categories:
                path = self.rules.category_path(cat_url)
                if path and self._wanted_category(path) and (category is None or path.startswith(category + "/")):
                    yield self._listing_request(cat_url, path, 1)
        if category is None:
            return
        stop = self.paging.stop_reason(category, page, listing.articles)
        if stop:
            self.crawler.stats.inc_value(f"{LISTING_STOP}{stop}")
            if stop == NO_NEW_LINKS and response.meta.get(META_LOAD_MORE):
                yield self._rendered_listing_request(response.meta[META_LOAD_MORE], category, "load_more")
            return
        next_page = self._next_page(response, listing.next_url, category, page)
        if next_page is not None:
            yield next_page

    def _next_page(self, response, next_url, category, page):
        """Page N+1: the pager's link, else (NEWSCRAWL_PAGINATION_PROBE) /page/N+1/; when
        page 1 also has a "load more" control, a failing probe hands it to the browser."""
        load_more = None
        if next_url is None and self.config.probe:
            next_url = with_page(response.url, page + 1, "path")
            self.crawler.stats.inc_value(LISTING_PROBE)
            if page == 1 and has_load_more(response.selector):
                load_more = response.url
        if not next_url:
            return None
        request = self._listing_request(next_url, category, page + 1)
        if load_more:
            request.meta[META_LOAD_MORE] = load_more
        return request

    # ---- articles --------------------------------------------------------------------
    def parse_article(self, response):
        url = response.meta.get(META_URL, response.url)
        if response.status == 304:
            self.past().not_modified(url)
            return None
        unusable = self._unusable(response)
        if unusable:
            return self._drop(url, unusable)
        try:
            # The response's own tree: adjacent_articles below reads the same parse.
            article = self.parser.parse(response.url, response.selector, report=self._page_problem)
        except DropPage as exc:
            if exc.reason in ("no_title", "no_body") and not response.meta.get("playwright") \
                    and is_app_shell(response.selector):
                return self._read_app_shell(response, url)
            return self._drop(url, exc.reason)
        except Exception:  # noqa: BLE001 (a bad page never stops the crawl)
            logger.exception("Parser failed on %s", response.url)
            return self._drop(response.url, "parse_error")
        return self._emit(response, article)

    def _emit(self, response, article, page=True):
        """A parsed article and the requests it leads to (``page``: the response is the
        article's page, whose previous/next links count; not a data route's JSON)."""
        article.http_cache = validators_of(response)
        if article.url != response.url:  # its canonical URL: links to it are not new
            self._mark_requested(article.url)
        self._count_extraction(article.extraction)
        if self.since and article.published_at and article.published_at < self.since:
            self.crawler.stats.inc_value(SKIPPED + "before_since")
            return None
        return [article, *self._article_links(response, article, page)]

    @staticmethod
    def _unusable(response) -> str | None:
        """Why a response cannot be an article page, before parsing it."""
        if not isinstance(response, TextResponse) or b"html" not in (
                response.headers.get(b"Content-Type") or b"text/html").lower():
            return "not_html"
        if not response.body.strip():
            return "empty_response"
        return None

    def _read_app_shell(self, response, url: str):
        """An app shell: the data its script fetches (a Next.js data route, robots.txt
        permitting) before the browser."""
        data_url = next_data_url(response.selector, response.url)
        if data_url is None:
            return self._render_article(url)
        return scrapy.Request(data_url, callback=self.parse_next_data, errback=self.on_next_data_error,
                              dont_filter=True, cb_kwargs={"page_url": response.url},
                              meta={KIND: "article_data", META_URL: url})

    def parse_next_data(self, response, page_url: str):
        url = response.meta.get(META_URL, page_url)
        try:
            data = json.loads(response.text)
            article = self.parser.parse(page_url, next_data_page(data), report=self._page_problem)
        except (ValueError, AttributeError, DropPage):  # not the page's data after all
            self.crawler.stats.inc_value(APP_SHELL + "next_data_unusable")
            return self._render_article(url)
        self.crawler.stats.inc_value(APP_SHELL + "next_data")
        return self._emit(response, article, page=False)

    def on_next_data_error(self, failure):
        release_lease(self.crawler, failure.request)
        self.crawler.stats.inc_value(APP_SHELL + "next_data_failed")
        return self._render_article(failure.request.meta[META_URL])

    def _render_article(self, url: str):
        self.crawler.stats.inc_value(RENDER + "app_shell")
        return self._request(url, self.parse_article, "article_render", dont_filter=True,
                             meta={META_URL: url, "playwright": True, META_RENDER: "app_shell",
                                   "playwright_page_methods": SETTLED})

    def _count_extraction(self, layers: dict[str, str]) -> None:
        stats = self.crawler.stats
        for field_name, layer in layers.items():
            if field_name == "theme":  # the parser version the page was read with
                stats.inc_value(f"{THEME}{layer}")
            else:
                stats.inc_value(f"{EXTRACTION}{field_name}/{layer}")

    def _article_links(self, response, article, page: bool) -> list:
        """Requests for the related and previous/next articles (NEWSCRAWL_FOLLOW_ARTICLE_LINKS)."""
        if not self.config.follow_links:
            return []
        out = []
        adjacent = adjacent_articles(response.selector, response.url, self.rules) if page else []
        for url in article.related_urls + adjacent:
            if self._known(url):
                continue
            self.crawler.stats.inc_value(DISCOVERY + "article_links")
            out.append(self._article_request(url))
        return out

    def _mark_requested(self, url: str) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        df = getattr(scheduler, "df", None)
        if df is not None:
            df.request_seen(self._article_request(url))

    def _page_problem(self, name: str) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{name}")

    def _drop(self, url: str, reason: str):
        if reason in PERMANENT_DROPS and self.history is not None:
            self.history.dropped(url)
        self.crawler.stats.inc_value(f"{DROPPED}{reason}")
        logger.warning("Dropped page %s: %s", url, reason)
        return None

    # ---- failures (newscrawl/failures.py says why) ---------------------------------------
    def on_error(self, failure):
        request = failure.request
        release_lease(self.crawler, request)  # cluster mode: this request is done
        reason = failure_reason(failure)
        if reason is None:  # not sent: robots.txt, off-site, filtered
            self.crawler.stats.inc_value(SKIPPED + "ignored_request")
            logger.debug("Not fetched %s: %s", request.url, failure.value)
            return None
        if request.callback == self.parse_article:
            return self._drop(request.meta.get(META_URL, request.url), reason)
        instead = self._instead_of(failure, reason)
        if instead is not None:
            return instead
        self.crawler.stats.inc_value(f"{(DROPPED if reason == 'no_browser' else ERRORS)}{reason}")
        later_page = request.cb_kwargs.get("page", 1) > 1  # the end of a category's pages, often
        logger.log(logging.DEBUG if later_page else logging.WARNING, "Could not fetch %s: %s", request.url, reason)
        return None

    def _instead_of(self, failure, reason: str) -> list | None:
        """What to fetch instead of a failed discovery page, if anything."""
        request = failure.request
        if request.callback == self.parse_robots:  # the configured sitemaps and feeds
            logger.warning("robots.txt of %s failed (%s); reading the configured sitemaps and feeds",
                           self.rules.base_url, reason)
            self.crawler.stats.inc_value(ERRORS + "robots_txt")
            return list(self._sitemap_and_feed_requests([], []))
        if not failure.check(HttpError):
            return None
        named = request.meta.get(META_NAMED)
        if named in self.unverified:
            return [self._category_missing(named, f"it answered {failure.value.response.status}")]
        if request.meta.get(META_LOAD_MORE):  # a "load more" control and no page N+1: the browser clicks
            return [self._rendered_listing_request(request.meta[META_LOAD_MORE],
                                                   request.cb_kwargs.get("category"), "load_more")]
        return None
