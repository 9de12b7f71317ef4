"""The `gbaf` spider: discovers and parses every article of Global Banking & Finance Review.

It decides what to fetch and follow; page parsers (newscrawl.extract) turn responses into
fields; pipelines validate, normalize, dedupe and store.
"""
from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import scrapy
from playwright.async_api import TimeoutError as PlaywrightTimeout
from protego import Protego
from scrapy.exceptions import CloseSpider, DownloadCancelledError, IgnoreRequest, ResponseDataLossError, UsageError
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy_playwright.page import PageMethod

from ..cluster.lease import release as release_lease
from ..dates import parse_since
from ..extract.article import ArticleParser, DropPage
from ..extract.common import LEGACY_SELECTORS, ExtractConfig
from ..extract.legacy import check_selectors
from ..extract.listing import read_feed, read_listing, read_robots, read_sitemap, with_page
from ..incremental import KIND, VALIDATORS, CrawlHistory, Policy, utcnow, validators_of
from ..keys import (
    DISCOVERY,
    DROPPED,
    ERRORS,
    EXTRACTION,
    INCREMENTAL,
    LISTING_PROBE,
    LISTING_STOP,
    META_LOAD_MORE,
    META_RENDER,
    META_URL,
    MODE,
    RENDER,
    SKIPPED,
    THEME,
)
from ..outcome import STAT_ERROR, USAGE_ERROR
from ..render import NoBrowser, SubrequestPolicy
from ..seen import SeenUrls
from ..settings import user_agent
from ..store import open_store
from ..text import WIRE_AGENCIES
from ..urls import SiteRules

logger = logging.getLogger(__name__)

ARGUMENTS = ("base_url", "categories", "max_pages", "since", "urls", "refresh", "crawl_id", "wait")
NAMED = "newscrawl_named_category"  # request meta: page 1 of a category the user named
BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
REFRESH = ("auto", "all")
# Drops that a re-fetch would repeat: remembered, and not fetched again by incremental runs.
PERMANENT_DROPS = frozenset({"http_404", "http_410", "not_html", "empty_response", "no_body", "no_title"})
LOAD_MORE = re.compile(r"\b(load|show|see|view) more\b|\bmore (stories|articles|news)\b", re.I)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class GbafSpider(scrapy.Spider):
    name = "gbaf"

    def __init__(self, base_url=None, categories=None, max_pages=None, since=None, urls=None,
                 refresh=None, crawl_id=None, wait=None, **kwargs):
        unknown = sorted(k for k in kwargs if not k.startswith("_") and k not in ("name",))
        if unknown:
            raise UsageError(f"gbaf: unknown argument(s) {', '.join(unknown)}; "
                             f"known: {', '.join(ARGUMENTS)}")
        super().__init__(**{k: v for k, v in kwargs.items() if k.startswith("_")})
        self.crawl_args = {k: v for k, v in (("base_url", base_url), ("categories", categories),
                                              ("max_pages", max_pages), ("since", since),
                                              ("urls", urls), ("refresh", refresh),
                                              ("crawl_id", crawl_id)) if v is not None}
        self.base_url_arg = base_url
        try:
            self.categories = self._categories(categories)
            self.max_pages = self._positive(max_pages, "max_pages")
            self.since = parse_since(since) if since else None
            self.refresh = (refresh or "auto").strip().lower()
            if self.refresh not in REFRESH:
                raise ValueError(f"refresh must be auto (fetch what is new or changed) or all "
                                 f"(fetch everything again), got {refresh!r}")
            self.wait = BOOLEANS.get(str(wait).strip().lower()) if wait is not None else False
            if self.wait is None:
                raise ValueError(f"wait must be 1 (wait for a running crawl of the site) or 0, got {wait!r}")
        except ValueError as exc:
            raise UsageError(f"gbaf: {exc}") from None
        self.urls_arg = [u.strip() for u in (urls or "").split(",") if u.strip()]
        self.listing_seen: dict[str, SeenUrls] = {}
        self.known_pages_read: dict[str, int] = {}
        self.history: CrawlHistory | None = None
        self.incremental = False
        # Named categories not yet seen to exist; what they lead to waits until all are.
        self.unverified: set[str] = set(self.categories or ())
        self.held: list = []

    @staticmethod
    def _categories(value):
        if value is None:
            return None
        cats = [c.strip().strip("/").lower() for c in value.split(",") if c.strip()]
        bad = [c for c in cats if not _SLUG.match(c)]
        if not cats or bad:
            raise ValueError(f"categories must be category slugs such as finance,banking; got {value!r}")
        return cats

    @staticmethod
    def _positive(value, name):
        if value is None:
            return None
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        return n

    @classmethod
    def check_arguments(cls, settings, **spargs) -> None:
        """Raise UsageError for bad arguments, without starting anything."""
        cls(**spargs)._configure(settings.copy())

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler.settings)
        return spider

    def _configure(self, settings) -> None:
        base = self.base_url_arg or settings.get("NEWSCRAWL_BASE_URL")
        try:
            self.rules = SiteRules(base, extra_deny=tuple(settings.getlist("NEWSCRAWL_EXTRA_DENY")))
        except ValueError as exc:
            raise UsageError(f"gbaf: {exc} (set -a base_url=http://HOST[:PORT])") from None
        for u in self.urls_arg:
            if not self.rules.is_article(u):
                raise UsageError(f"gbaf: urls: {u!r} is not an article URL of {self.rules.base_url}")
        try:
            tz = ZoneInfo(settings.get("NEWSCRAWL_TIMEZONE"))
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"NEWSCRAWL_TIMEZONE: unknown time zone "
                             f"{settings.get('NEWSCRAWL_TIMEZONE')!r}; set e.g. Europe/London") from None
        legacy = dict(LEGACY_SELECTORS)
        legacy.update(settings.getdict("NEWSCRAWL_LEGACY_SELECTORS"))
        try:
            check_selectors(legacy)
        except ValueError as exc:
            raise UsageError(f"NEWSCRAWL_LEGACY_SELECTORS{exc}") from None
        self.tz = tz
        self.parser = ArticleParser(self.rules, ExtractConfig(
            agencies=WIRE_AGENCIES + tuple(settings.getlist("NEWSCRAWL_WIRE_AGENCIES")),
            legacy_selectors=legacy, default_tz=tz,
            generic=settings.getbool("NEWSCRAWL_GENERIC_EXTRACTION")))
        self.allowed_domains = [urlsplit(self.rules.base_url).hostname]
        # An incremental (since) run finds new articles in listings, sitemaps and feeds;
        # related links of articles lead only into the archive.
        self.follow_links = (settings.getbool("NEWSCRAWL_FOLLOW_ARTICLE_LINKS")
                             and not self.urls_arg and self.since is None)
        self.probe = settings.getbool("NEWSCRAWL_PAGINATION_PROBE")
        self.default_categories = [c.strip("/") for c in settings.getlist("NEWSCRAWL_CATEGORIES")]
        self.sitemaps = [self.rules.url(p) for p in settings.getlist("NEWSCRAWL_SITEMAPS")]
        self.feeds = [self.rules.url(p) for p in settings.getlist("NEWSCRAWL_FEEDS")]
        self.render_res = [re.compile(p) for p in settings.getlist("NEWSCRAWL_RENDER_URLS")]
        self.render_max_clicks = settings.getint("NEWSCRAWL_RENDER_MAX_CLICKS")
        self.render_policy = SubrequestPolicy(self.rules, None, settings.get("USER_AGENT") or "*",
                                              tuple(settings.getlist("NEWSCRAWL_EXTRA_DENY")))
        self.policy = Policy(revisit_hours=settings.getfloat("NEWSCRAWL_REVISIT_HOURS"),
                             revisit_every=settings.getfloat("NEWSCRAWL_REVISIT_EVERY"),
                             known_pages=settings.getint("NEWSCRAWL_KNOWN_PAGES"))
        # Runs that store articles remember them (and the validators of what they fetched).
        self.remembers = settings.getbool("NEWSCRAWL_INCREMENTAL")
        self.settings_for_store = settings
        if settings.getpriority("USER_AGENT") <= settings.getpriority("NEWSCRAWL_CONTACT_URL"):
            settings.set("USER_AGENT", user_agent(settings.get("NEWSCRAWL_CONTACT_URL")), priority="spider")
        if _is_local(self.rules.base_url) and settings.getbool("NEWSCRAWL_LOCAL_FAST"):
            for key, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                               ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                if settings.getpriority(key) <= settings.getpriority("NEWSCRAWL_LOCAL_FAST"):
                    settings.set(key, value, priority="spider")

    # ---- discovery -------------------------------------------------------------------
    async def start(self):
        if self.urls_arg:
            for u in self.urls_arg:
                yield self._article_request(self.rules.article_url(u), dont_filter=True)
            return
        self._open_history()
        if self.incremental:
            for url, validators in self.history.revisits_due():
                request = self._article_request(url, kind="article_revisit", validators=validators)
                if self.unverified:
                    self.held.append(request)
                else:
                    yield request
        if self.categories is None:
            home, robots = self.rules.url("/"), self.rules.url("/robots.txt")
            yield self._request(home, self.parse_listing, "listing", self._page_validators(home),
                                cb_kwargs={"category": None, "page": 1})
            yield self._request(robots, self.parse_robots, "robots", self._page_validators(robots),
                                dont_filter=True)
        starts = [self.rules.category_url(p) for p in self.categories or self.default_categories]
        if self.incremental:  # sub-categories found by earlier runs, whatever page 1 says now
            starts += self.history.remembered("listing")
        for url in dict.fromkeys(starts):
            path = self.rules.category_path(url)
            if path and self._wanted_category(path):
                request = self._listing_request(url, path, 1)
                if path in self.unverified:
                    request.meta[NAMED] = path
                yield request

    def _open_history(self) -> None:
        """Incremental mode when the store already holds articles of this site."""
        if not self.remembers:
            return
        store = open_store(self.settings_for_store, quiet=True)
        try:
            self.history = CrawlHistory(store, self.rules.base_url, self.name, self.policy, utcnow())
        except BaseException:
            store.close()
            raise
        self.incremental = self.refresh == "auto" and len(self.history) > 0
        mode = "incremental" if self.incremental else "full"
        self.crawler.stats.set_value(MODE, mode)
        logger.info("%s crawl: %d articles of %s stored; last successful run started %s", mode.title(),
                    len(self.history), self.rules.base_url, self.history.last_success or "never")

    def closed(self, reason):
        if self.history is not None:
            self.history.save(utcnow())
            self.history.store.close()
            self.history = None

    def _request(self, url, callback, kind, validators=None, cb_kwargs=None, dont_filter=False, meta=None):
        meta = {KIND: kind, **(meta or {})}
        if validators and self.incremental:
            meta[VALIDATORS] = validators
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs=cb_kwargs or {},
                              dont_filter=dont_filter, meta=meta)

    def _page_validators(self, url):
        return self.history.page_validators(url) if self.incremental else None

    def _listing_request(self, url, category, page):
        if category is not None and self._render_wanted(url):
            return self._rendered_listing_request(url, category, "configured")
        return self._request(url, self.parse_listing, "listing", self._page_validators(url) if page == 1 else None,
                             cb_kwargs={"category": category, "page": page})

    def _article_request(self, url, dont_filter=False, kind="article_new", validators=None):
        meta = {META_URL: url}
        if self._render_wanted(url):
            meta.update(playwright=True, newscrawl_render="configured",
                        playwright_page_methods=[PageMethod("wait_for_load_state", "networkidle")])
        return self._request(url, self.parse_article, kind, validators, dont_filter=dont_filter, meta=meta)

    # ---- rendering (newscrawl/render.py) ---------------------------------------------
    def _render_wanted(self, url: str) -> bool:
        return any(r.search(url) for r in self.render_res)

    def _rendered_listing_request(self, url, category, reason: str):
        self.crawler.stats.inc_value(f"{RENDER}{reason}")
        return scrapy.Request(url, callback=self.parse_rendered_listing, errback=self.on_render_error,
                              cb_kwargs={"category": category}, dont_filter=True,
                              meta={KIND: "listing", "playwright": True, "playwright_include_page": True,
                                    META_RENDER: reason})

    async def parse_rendered_listing(self, response, category):
        """A listing in the browser: click its "load more" control until no new article link
        shows (or NEWSCRAWL_RENDER_MAX_CLICKS), collecting links after each click."""
        page = response.meta["playwright_page"]
        links: dict[str, object] = {}
        try:
            for click in range(self.render_max_clicks + 1):
                listing = read_listing(response.url, await page.content(), self.rules, self.tz)
                new = [link for link in listing.articles if link.url not in links]
                for link in new:
                    links[link.url] = link
                if click and not new:
                    break
                button = page.locator("button, a[role=button], a[href='#']").filter(has_text=LOAD_MORE)
                if click == self.render_max_clicks or not await button.count():
                    break
                links_before = await page.locator("a[href]").count()
                await button.first.click(timeout=10_000)
                self.crawler.stats.inc_value(RENDER + "clicks")
                try:  # the new cards, or nothing new within the timeout
                    await page.wait_for_function("n => document.querySelectorAll('a[href]').length > n",
                                                 arg=links_before, timeout=10_000)
                except PlaywrightTimeout:
                    break
        finally:
            await page.close()
        for request in self._follow_links(list(links.values()), "rendered_listing"):
            yield request

    async def on_render_error(self, failure):
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        self.on_error(failure)

    @staticmethod
    def _is_app_shell(response) -> bool:
        """An empty root element (#__next, #root, #app) and scripts: the content comes later."""
        if not response.xpath("//script[@src]"):
            return False
        roots = response.xpath('//body//*[@id="__next" or @id="root" or @id="app"]')
        if not roots or any(r.xpath("string(.)").get().strip() for r in roots):
            return False
        text = " ".join(t.strip() for t in response.xpath("//body//text()[not(ancestor::script)]").getall())
        return len(text.strip()) < 200

    def _wanted_category(self, path: str) -> bool:
        if self.categories is None:
            return True
        return any(path == c or path.startswith(c + "/") for c in self.categories)

    def _learn(self, response, kind: str) -> bool:
        """Remember the page's validators; False for a 304 (nothing new there)."""
        if response.status == 304:
            return False
        if self.history is not None:
            self.history.learn(response.url, kind, response)
        return True

    def parse_robots(self, response):
        if self._learn(response, "robots"):
            sitemaps, feeds = read_robots(response.text, self.rules.base_url)
            self.render_policy.robots = Protego.parse(response.text)
        else:  # unchanged: the sitemaps and feeds it named last time
            sitemaps, feeds = self.history.remembered("sitemap_root"), self.history.remembered("feed")
        yield from self._sitemap_and_feed_requests(sitemaps, feeds)

    def _sitemap_and_feed_requests(self, sitemaps, feeds):
        for url in dict.fromkeys(sitemaps + self.sitemaps):
            if self.rules.same_site(url):
                yield self._request(url, self.parse_sitemap, "sitemap", self._page_validators(url),
                                    cb_kwargs={"kind": "sitemap_root"})
        for url in dict.fromkeys(feeds + self.feeds):
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
            if self.incremental and not self.history.sitemap_child_changed(child.lastmod):
                self.crawler.stats.inc_value(INCREMENTAL + "sitemap_unchanged")
                continue
            yield self._request(child.url, self.parse_sitemap, "sitemap", self._page_validators(child.url))
        yield from self._follow_links(links, "sitemap")
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
            if not self.rules.is_article(link.url):
                continue
            url = self.rules.article_url(link.url)
            if self.since and link.date and link.date < self.since:
                self.crawler.stats.inc_value(SKIPPED + "before_since")
                continue
            if self.incremental and self.history.is_known(url):
                known.append(replace(link, url=url))
                continue
            # Scrapy's dupefilter (DUPEFILTER_CLASS) drops links already requested.
            self.crawler.stats.inc_value(f"{DISCOVERY}{via}")
            yield self._article_request(url)
        if known:
            self.crawler.stats.inc_value(INCREMENTAL + "known_links", len(known))
            for url, validators in self.history.changed_since_fetched(known):
                yield self._article_request(url, kind="article_revisit", validators=validators)

    def parse_listing(self, response, category, page):
        named = response.meta.get(NAMED)
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
        if response.status == 304:  # page 1 unchanged since the last run: nothing new here
            self.crawler.stats.inc_value(LISTING_STOP + "not_modified")
            return
        if not isinstance(response, TextResponse):
            return
        if page == 1:
            self._learn(response, "listing" if category is not None else "home")
        listing = read_listing(response.url, response.text, self.rules, self.tz)
        yield from self._follow_links(listing.articles, "listing")
        if category is None or page == 1:  # sections linked from the home page or a category
            for cat_url in listing.categories:
                path = self.rules.category_path(cat_url)
                if path and self._wanted_category(path) and (category is None or path.startswith(category + "/")):
                    yield self._listing_request(cat_url, path, 1)
        if category is None:
            return
        # "New" means new to this category's pages: links already found through a sitemap
        # must not stop the paging, a page that repeats earlier pages must.
        on_pages = self.listing_seen.get(category)
        if on_pages is None:
            on_pages = self.listing_seen[category] = SeenUrls(capacity=1024)
        new = [link for link in listing.articles if on_pages.add(link.url)]
        stop = None
        if not new:
            stop = "no_new_links"
        elif self.incremental and all(self.history.is_known(self.rules.article_url(link.url))
                                      for link in listing.articles):
            read = self.known_pages_read[category] = self.known_pages_read.get(category, 0) + 1
            if read > self.policy.known_pages:
                stop = "all_known"
        elif self.max_pages and page >= self.max_pages:
            stop = "max_pages"
        elif self.since and all(link.date and link.date < self.since for link in listing.articles):
            stop = "older_than_since"
        if stop:
            self.crawler.stats.inc_value(f"{LISTING_STOP}{stop}")
            if stop == "no_new_links" and response.meta.get(META_LOAD_MORE):
                yield self._rendered_listing_request(response.meta[META_LOAD_MORE], category, "load_more")
            return
        next_url = listing.next_url
        load_more = None  # set only on the first probe: if page 2 exists, paging works
        if next_url is None and self.probe:
            next_url = with_page(response.url, page + 1, "path")
            self.crawler.stats.inc_value(LISTING_PROBE)
            if page == 1 and response.xpath("//button | //a[@role='button']").re_first(LOAD_MORE):
                load_more = response.url  # if the probe finds nothing, the browser will click
        if next_url:
            request = self._listing_request(next_url, category, page + 1)
            if load_more:
                request.meta[META_LOAD_MORE] = load_more
            yield request

    # ---- articles --------------------------------------------------------------------
    def parse_article(self, response):
        if response.status == 304:
            self.history.not_modified(response.meta.get(META_URL, response.url))
            return None
        if not isinstance(response, TextResponse) or b"html" not in (
                response.headers.get(b"Content-Type") or b"text/html").lower():
            return self._drop(response.meta.get(META_URL, response.url), "not_html")
        if not response.body.strip():
            return self._drop(response.meta.get(META_URL, response.url), "empty_response")
        try:
            # The response's own tree: _page_links below reads the same parse.
            article = self.parser.parse(response.url, response.selector, report=self._page_problem)
        except DropPage as exc:
            url = response.meta.get(META_URL, response.url)
            if exc.reason in ("no_title", "no_body") and not response.meta.get("playwright") \
                    and self._is_app_shell(response):
                self.crawler.stats.inc_value(RENDER + "app_shell")
                return self._request(url, self.parse_article, "article_render", dont_filter=True,
                                     meta={META_URL: url, "playwright": True, META_RENDER: "app_shell",
                                           # the content arrives after "load": wait until the network rests
                                           "playwright_page_methods": [PageMethod("wait_for_load_state",
                                                                                  "networkidle")]})
            return self._drop(url, exc.reason)
        except Exception:  # noqa: BLE001 (a bad page never stops the crawl)
            logger.exception("Parser failed on %s", response.url)
            return self._drop(response.url, "parse_error")
        article.http_cache = validators_of(response)
        stats = self.crawler.stats
        if article.url != response.url:  # its canonical URL: links to it are not new
            self._mark_requested(article.url)
        for field_name, layer in article.extraction.items():
            if field_name == "theme":  # the parser version the page was read with
                stats.inc_value(f"{THEME}{layer}")
            else:
                stats.inc_value(f"{EXTRACTION}{field_name}/{layer}")
        if self.since and article.published_at and article.published_at < self.since:
            stats.inc_value(SKIPPED + "before_since")
            return None
        out = [article]
        if self.follow_links:
            for url in article.related_urls + self._page_links(response):
                if self.incremental and self.history.is_known(url):
                    continue
                stats.inc_value(DISCOVERY + "article_links")
                out.append(self._article_request(url))
        return out

    def _page_links(self, response) -> list[str]:
        """Previous/next article links of an article page."""
        out = []
        for href in response.xpath("//a[contains(., 'Previous') or contains(., 'Next') "
                                   "or @rel='prev' or @rel='next']/@href").getall():
            url = response.urljoin(href)
            if self.rules.is_article(url):
                out.append(self.rules.article_url(url))
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

    def on_error(self, failure):
        request = failure.request
        release_lease(self.crawler, request)  # cluster mode: this request is done
        if failure.check(NoBrowser):
            if request.callback == self.parse_article:
                return self._drop(request.meta.get(META_URL, request.url), "no_browser")
            self.crawler.stats.inc_value(DROPPED + "no_browser")
            return None
        too_large = (failure.check(DownloadCancelledError) and "max size" in str(failure.value)) or \
            (failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(failure.value))
        if too_large or (failure.check(IgnoreRequest) and "max redirections" in str(failure.value)):
            reason = "too_large" if too_large else "redirect_loop"
            if request.callback == self.parse_article:
                return self._drop(request.meta.get(META_URL, request.url), reason)
            self.crawler.stats.inc_value(f"{ERRORS}{reason}")
            logger.warning("Could not fetch %s: %s", request.url, reason)
            return None
        if request.callback == self.parse_robots:  # robots.txt failed: the configured sitemaps and feeds
            logger.warning("robots.txt of %s failed (%s); reading the configured sitemaps and feeds",
                           self.rules.base_url, type(failure.value).__name__)
            self.crawler.stats.inc_value(ERRORS + "robots_txt")
            return list(self._sitemap_and_feed_requests([], []))
        if failure.check(ResponseDataLossError):
            if request.callback == self.parse_article:  # never stored half-received
                return self._drop(request.meta.get(META_URL, request.url), "truncated")
        named = request.meta.get(NAMED)
        if named in self.unverified and failure.check(HttpError):
            return [self._category_missing(named, f"it answered {failure.value.response.status}")]
        if failure.check(HttpError) and request.meta.get(META_LOAD_MORE):
            # the category has a "load more" control and no page N+1: the browser clicks it
            return [self._rendered_listing_request(request.meta[META_LOAD_MORE],
                                                   request.cb_kwargs.get("category"), "load_more")]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.crawler.stats.inc_value(SKIPPED + "ignored_request")
            logger.debug("Not fetched %s: %s", request.url, failure.value)
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
        else:
            reason = f"download_{type(failure.value).__name__}"
        if request.callback == self.parse_article:
            self._drop(request.url, reason)
        else:
            self.crawler.stats.inc_value(f"{ERRORS}{reason}")
            level = logging.INFO if "page" in request.cb_kwargs and request.cb_kwargs["page"] > 1 else logging.WARNING
            logger.log(level, "Could not fetch %s: %s", request.url, reason)
