"""Layer: meta tags (OpenGraph, article:*, description, canonical), from the page's meta dict."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from newscrawl.extract.common import unwrap_image
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.site.text import clean, is_agency

# <meta> names that hold the author: OpenGraph's and HTML's, then those of the analytics and
# search tools news sites carry (Dublin Core, Parse.ly, cXense/Piano, Sailthru, the NYT's "byl")
AUTHOR_META = ("article:author", "author", "dc.creator", "parsely-author", "cxenseparse:author",
               "sailthru.author", "byl")
# the label SEO plug-ins (Yoast) write beside twitter:dataN in the page's language: "Written by",
# "Verfasst von", "Escrito por", "Écrit par", "Scritto da", "Geschreven door", "Autor"
_WRITTEN_BY = re.compile(r"written by|verfasst von|geschrieben von|escrito por|écrit par|scritto da|"
                         r"geschreven door|skrevet af|skrivet av|autor(?:in)?|author|auteur", re.I)


def labelled_authors(meta: dict[str, list[str]]) -> list[str]:
    """The twitter:dataN whose twitter:labelN says "Written by" (in the page's language)."""
    names = []
    for n in range(1, 5):
        label = meta.get(f"twitter:label{n}")
        if label and _WRITTEN_BY.fullmatch(label[0].strip(" :")):
            names += meta.get(f"twitter:data{n}", [])[:1]
    return names


def credited_publication(page: Page) -> str | None:
    """An author <meta> that names the publication itself ("CNN", og:site_name), for a page
    that credits no person."""
    own = {*page.publisher_names, *(n.lower() for n in page.config.site_names)}
    return next((raw for raw in page.meta_all(*AUTHOR_META) if raw.lower().rstrip("®™ ") in own), None)


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
                                         "datepublished", "pubdate", "publish-date", "dc.date", "dc.date.issued",
                                         "dcterms.created", "parsely-pub-date", "sailthru.date"))

    @reads
    def updated_at(self, page: Page) -> datetime | None:
        return page.date(page.meta_first("article:modified_time", "og:updated_time", "datemodified"))

    @reads
    def authors(self, page: Page) -> list[str]:
        names = []
        for raw in page.meta_all(*AUTHOR_META) + labelled_authors(page.meta):
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
