"""Layer: meta tags (OpenGraph, article:*, description, canonical), from the page's meta dict."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from newscrawl.extract.common import unwrap_image
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.site.text import clean, is_agency


class MetaLayer(Layer):
    name = LayerName.META

    @reads
    def url(self, page: Page) -> str | None:
        return page.canonical or page.abs(page.meta_first("og:url"))

    @reads
    def title(self, page: Page) -> str | None:
        return page.strip_site_name(page.meta_first("og:title", "twitter:title"))

    @reads
    def published_at(self, page: Page) -> datetime | None:
        return page.date(page.meta_first("article:published_time", "og:article:published_time",
                                         "datepublished", "pubdate", "publish-date", "dc.date"))

    @reads
    def updated_at(self, page: Page) -> datetime | None:
        return page.date(page.meta_first("article:modified_time", "og:updated_time", "datemodified"))

    @reads
    def authors(self, page: Page) -> list[str]:
        names = []
        for raw in page.meta_all("article:author", "author"):
            if raw.startswith(("http://", "https://", "/")) or is_agency(raw, page.config.agencies):
                continue
            names += page.byline(raw)
        return list(dict.fromkeys(names))

    @reads
    def publisher(self, page: Page) -> str | None:
        return page.meta_first("og:site_name")

    @reads
    def category(self, page: Page) -> str | None:
        return page.meta_first("article:section")

    @reads
    def tags(self, page: Page) -> list[str]:
        tags = page.meta_all("article:tag")
        if not tags:
            kw = page.meta_first("news_keywords", "keywords")
            tags = [clean(t) for t in kw.split(",")] if kw else []
        return [t for t in tags if t]

    @reads
    def summary(self, page: Page) -> str | None:
        return page.meta_first("og:description", "description", "twitter:description")

    @reads
    def image(self, page: Page) -> dict[str, Any] | None:
        img = page.meta_first("og:image", "og:image:url", "twitter:image")
        if not img:
            return None
        out = {"url": unwrap_image(page.abs(img))}
        alt = page.meta_first("og:image:alt", "twitter:image:alt")
        if alt:
            out["alt"] = alt
        return out

    @reads
    def language(self, page: Page) -> str | None:
        locale = page.meta_first("og:locale")
        if locale:
            return locale.replace("_", "-")
        return page.meta_first("content-language")
