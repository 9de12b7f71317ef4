"""Article pages: parsed by the extraction (newscrawl.extract), app shells read from their data
or rendered, the links an article leads to."""
from __future__ import annotations

import json
import logging
from typing import Any

import scrapy
from scrapy import Request
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl import __version__
from newscrawl.archive import Capture
from newscrawl.cluster.lease import release as release_lease
from newscrawl.crawl.archiving import REPLAYED
from newscrawl.crawl.incremental import validators_of
from newscrawl.extract.article import DropPage
from newscrawl.extract.listing import (
    adjacent_articles,
)
from newscrawl.extract.shell import is_app_shell, next_data_page, next_data_url
from newscrawl.items import Article
from newscrawl.keys import (
    APP_SHELL,
    DISCOVERY,
    EXTRACTION,
    META_ARCHIVED,
    META_KIND,
    META_RENDER,
    META_URL,
    RENDER,
    SKIPPED,
    THEME,
    RequestKind,
)
from newscrawl.spiders.core import SETTLED, GbafBase
from newscrawl.spiders.failures import failed_request

logger = logging.getLogger(__name__)


class Reading(GbafBase):
    # ---- articles --------------------------------------------------------------------
    def parse_article(self, response: Response) -> list[Any] | Request | None:
        url = response.meta.get(META_URL, response.url)
        if response.status == 304:
            self.past().not_modified(url)
            return None
        unusable = self._unusable(response)
        if unusable or not isinstance(response, TextResponse):
            self._drop(url, unusable or "not_html")
            return None
        try:
            # The response's own tree: adjacent_articles below reads the same parse.
            article = self.parser.parse(response.url, response.selector, report=self._page_problem)
        except DropPage as exc:
            if exc.reason in ("no_title", "no_body") and not response.meta.get("playwright") \
                    and is_app_shell(response.selector):
                return self._read_app_shell(response, url)
            self._drop(url, exc.reason)
            return None
        except Exception:  # noqa: BLE001 (a bad page never stops the crawl)
            logger.exception("Parser failed on %s", response.url)
            self._drop(response.url, "parse_error")
            return None
        return self._emit(response, article)

    def _emit(self, response: TextResponse, article: Article, page: bool = True) -> list[Any] | None:
        """A parsed article and the requests it leads to (``page``: the response is the
        article's page, whose previous/next links count; not a data route's JSON)."""
        article.http_cache = validators_of(response)
        self._record_archive(response, article)
        if article.url != response.url:  # its canonical URL: links to it are not new
            self._mark_requested(article.url)
        self._count_extraction(article.extraction)
        if self.since and article.published_at and article.published_at < self.since:
            self.stats.inc_value(SKIPPED + "before_since")
            return None
        return [article, *self._article_links(response, article, page)]

    @staticmethod
    def _record_archive(response: Response, article: Article) -> None:
        """Where the page lies in the web archive and which parser read it; a page answered
        from the archive was fetched when it was captured."""
        capture = response.meta.get(META_ARCHIVED)
        if isinstance(capture, Capture):
            article.archived = capture.location()
            if REPLAYED in response.flags:
                article.crawled_at = capture.captured_at
        article.parser = f"{__version__}/{article.extraction.get('theme', 'unknown')}"

    @staticmethod
    def _unusable(response: Response) -> str | None:
        """Why a response cannot be an article page, before parsing it."""
        if not isinstance(response, TextResponse) or b"html" not in (
                response.headers.get(b"Content-Type") or b"text/html").lower():
            return "not_html"
        if not response.body.strip():
            return "empty_response"
        return None

    def _read_app_shell(self, response: TextResponse, url: str) -> Request:
        """An app shell: the data its script fetches (a Next.js data route, robots.txt
        permitting) before the browser."""
        data_url = next_data_url(response.selector, response.url)
        if data_url is None:
            return self._render_article(url)
        return scrapy.Request(data_url, callback=self.parse_next_data, errback=self.on_next_data_error,
                              dont_filter=True, cb_kwargs={"page_url": response.url},
                              meta={META_KIND: RequestKind.ARTICLE_DATA, META_URL: url})

    def parse_next_data(self, response: Response, page_url: str) -> list[Any] | Request | None:
        url = response.meta.get(META_URL, page_url)
        try:
            if not isinstance(response, TextResponse):
                raise ValueError("not text")
            data = json.loads(response.text)
            article = self.parser.parse(page_url, next_data_page(data), report=self._page_problem)
        except (ValueError, AttributeError, DropPage):  # not the page's data after all
            self.stats.inc_value(APP_SHELL + "next_data_unusable")
            return self._render_article(url)
        self.stats.inc_value(APP_SHELL + "next_data")
        return self._emit(response, article, page=False)

    def on_next_data_error(self, failure: Failure) -> Request:
        release_lease(self.crawler, failed_request(failure))
        self.stats.inc_value(APP_SHELL + "next_data_failed")
        return self._render_article(failed_request(failure).meta[META_URL])

    def _render_article(self, url: str) -> Request:
        self.stats.inc_value(RENDER + "app_shell")
        return self._request(url, self.parse_article, RequestKind.ARTICLE_RENDER, dont_filter=True,
                             meta={META_URL: url, "playwright": True, META_RENDER: "app_shell",
                                   "playwright_page_methods": SETTLED})

    def _count_extraction(self, layers: dict[str, str]) -> None:
        stats = self.crawler.stats
        for field_name, layer in layers.items():
            if field_name == "theme":  # the parser version the page was read with
                stats.inc_value(f"{THEME}{layer}")
            else:
                stats.inc_value(f"{EXTRACTION}{field_name}/{layer}")

    def _article_links(self, response: TextResponse, article: Article, page: bool) -> list[Request]:
        """Requests for the related and previous/next articles (NEWSCRAWL_FOLLOW_ARTICLE_LINKS)."""
        if not self.config.follow_links or self.args.reparse:  # a reparse reads the archive's pages only
            return []
        out = []
        adjacent = adjacent_articles(response.selector, response.url, self.rules) if page else []
        for url in article.related_urls + adjacent:
            if self._known(url):
                continue
            self.stats.inc_value(DISCOVERY + "article_links")
            out.append(self._article_request(url))
        return out
