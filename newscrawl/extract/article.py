"""Turn an article page into Article fields, each from the first layer that has it."""
from __future__ import annotations

from datetime import datetime, timezone

from parsel import Selector

from ..items import Article
from ..text import clean, content_hash, dateline_source, word_count
from ..urls import SiteRules
from . import generic, jsonld, legacy, meta, nextdata, semantic
from .common import ExtractConfig, Page

LAYERS = {"jsonld": jsonld.extract, "nextdata": nextdata.extract, "meta": meta.extract,
          "semantic": semantic.extract, "legacy": legacy.extract}
DEFAULT_ORDER = ("jsonld", "nextdata", "meta", "semantic", "legacy", "generic")
# Where a field's meaning asks for another order than the default.
FIELD_ORDER = {
    # "summary" is the page's "Quick Summary"; descriptions are the fallback.
    "summary": ("semantic", "jsonld", "nextdata", "meta", "legacy"),
    # The section shown above the title is the reader's category.
    "category": ("jsonld", "nextdata", "meta", "semantic", "legacy"),
}
FIELDS = ("url", "title", "category", "breadcrumbs", "tags", "authors", "publisher", "source",
          "published_at", "updated_at", "read_time_minutes", "summary", "body", "key_takeaways",
          "faq", "image", "related_urls", "language")


class DropPage(Exception):
    """The page is not a whole article; ``reason`` goes into the stats."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class ArticleParser:
    """Reads an article page; testable on saved HTML without Scrapy.

    >>> ArticleParser(SiteRules("http://127.0.0.1:8000")).parse(url, html)  # -> Article
    """

    def __init__(self, rules: SiteRules | None = None, config: ExtractConfig | None = None):
        self.rules = rules or SiteRules()
        self.config = config or ExtractConfig()

    def parse(self, url: str, html: str | Selector, crawled_at: datetime | None = None,
              report=None) -> Article:
        """``report(problem)`` hears of page problems that cost no field (``invalid_jsonld``)."""
        ctx = Page(url, html, self.rules, self.config, report)
        found = {name: fn(ctx) for name, fn in LAYERS.items()}
        if not any(found[n].get("body") for n in found) and self.config.generic:
            found["generic"] = generic.extract(ctx)
        values, layers = {}, {}
        for fname in FIELDS:
            for layer in FIELD_ORDER.get(fname, DEFAULT_ORDER):
                v = found.get(layer, {}).get(fname)
                if v:
                    values[fname], layers[fname] = v, layer
                    break
        self._merge_image(values, found)
        self._finish(ctx, values, layers)
        if not values.get("title"):
            raise DropPage("no_title", url)
        if not values.get("body"):
            raise DropPage("no_body", url)
        body = values["body"]
        return Article(
            **{k: v for k, v in values.items() if k in FIELDS},
            word_count=word_count(body), content_hash=content_hash(body),
            crawled_at=crawled_at or datetime.now(timezone.utc), extraction=layers)

    @staticmethod
    def _merge_image(values: dict, found: dict) -> None:
        """The image is one dict; later layers fill the caption and alt the first one lacks."""
        img = values.get("image")
        if not img:
            return
        img = {"url": img.get("url"), "caption": img.get("caption"), "alt": img.get("alt")}
        for layer in DEFAULT_ORDER:
            other = found.get(layer, {}).get("image") or {}
            for key in ("caption", "alt"):
                if not img[key] and other.get(key):
                    img[key] = other[key]
        values["image"] = img

    def _finish(self, ctx: Page, values: dict, layers: dict) -> None:
        rules = self.rules
        url = values.get("url")
        if not (url and rules.same_site(url) and rules.is_article(url)):
            url, layers["url"] = ctx.url, "response"
        values["url"] = rules.article_url(url)
        values["title"] = ctx.strip_site_name(values.get("title"))
        crumbs = values.get("breadcrumbs") or []
        if crumbs:
            last = crumbs[-1]
            if last["name"] == values["title"] or last["url"] in (None, ctx.url):
                last["url"] = values["url"]
            for c in crumbs:
                if c["url"] and rules.is_article(c["url"]):
                    c["url"] = rules.article_url(c["url"])
        if values.get("publisher"):
            values["publisher"] = clean(values["publisher"].rstrip("®™"))
        values["related_urls"] = [u for u in values.get("related_urls", []) if u != values["url"]]
        if values.get("source") is None:
            # A wire story's agency also shows in its dateline, whichever layer gave the body.
            first = next((p for p in (values.get("body") or "").split("\n\n") if p), "")
            src = dateline_source(first)
            if src:
                values["source"], layers["source"] = src, layers.get("body", "semantic")
