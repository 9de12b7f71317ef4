"""Layer: the old WordPress ("MVP"/Zox) theme, by its selectors (settings may replace any,
see LEGACY_SELECTORS). A selector may end in ``::attr(name)``; else an element's text counts."""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from cssselect import HTMLTranslator
from lxml import etree

from newscrawl.extract.blocks import read_blocks, text_of
from newscrawl.extract.common import unwrap_image
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.layers.semantic import byline_and_body
from newscrawl.extract.page import Page
from newscrawl.site.text import clean

_ATTR = re.compile(r"::attr\(([\w:-]+)\)$")


@lru_cache(maxsize=256)
def compiled(css: str) -> tuple[etree.XPath, str | None]:
    """(XPath of a CSS selector, attribute to read or None): compiled once per selector.
    ``::attr(name)`` reads an attribute; ``::text`` (parsel's) is the element's text, as
    without it. Raises ValueError for what is not a CSS selector."""
    m = _ATTR.search(css)
    attr = m.group(1) if m else None
    css = css[: m.start()] if m else css.removesuffix("::text")
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(css)), attr
    except Exception as exc:  # noqa: BLE001 (cssselect's and lxml's own errors)
        raise ValueError(f"{css!r} is not a CSS selector: {exc}") from None


def check_selectors(selectors: dict[str, Any]) -> None:
    """Compile every configured selector (at the spider's start): a typo fails there."""
    for field, values in selectors.items():
        if field not in LegacyLayer.fields():
            raise ValueError(f"[{field!r}]: not a field the legacy layer reads "
                             f"({', '.join(LegacyLayer.fields())})")
        if isinstance(values, str) or not isinstance(values, (list, tuple)):
            raise ValueError(f"[{field!r}]: a list of CSS selectors, not {values!r}")
        for css in values:
            try:
                compiled(css)
            except ValueError as exc:
                raise ValueError(f"[{field!r}]: {exc}") from None


def select(page: Page, css: str) -> list[Any]:
    xp, _ = compiled(css)
    return list(xp(page.root))


def _texts(page: Page, selectors: list[str]) -> list[str]:
    for css in selectors:
        xp, attr = compiled(css)
        found = xp(page.root)
        vals = [clean(el.get(attr)) if attr else text_of(el) for el in found]
        vals = [v for v in vals if v]
        if vals:
            return vals
    return []


class LegacyLayer(Layer):
    name = LayerName.LEGACY

    @staticmethod
    def sel(page: Page, name: str) -> list[str]:
        return list(page.config.legacy_selectors.get(name, []))

    @reads
    def title(self, page: Page) -> str | None:
        title = _texts(page, self.sel(page, "title"))
        return title[0] if title else None

    @reads
    def authors(self, page: Page) -> list[str]:
        names = []
        for raw in _texts(page, self.sel(page, "authors")):
            names += page.byline(raw)
        return list(dict.fromkeys(names))

    @reads
    def published_at(self, page: Page) -> datetime | None:
        for d in _texts(page, self.sel(page, "published_at")):
            if when := page.date(d):
                return when
        return None

    @reads
    def category(self, page: Page) -> str | None:
        cat = _texts(page, self.sel(page, "category"))
        return cat[0] if cat else None

    @reads
    def tags(self, page: Page) -> list[str]:
        return list(dict.fromkeys(_texts(page, self.sel(page, "tags"))))

    @reads
    def body(self, page: Page) -> str | None:
        for css in self.sel(page, "body"):
            found = select(page, css)
            if found:
                _, blocks = byline_and_body(read_blocks(found[0]).body, page.config.site_names)
                return "\n\n".join(b.text for b in blocks) or None
        return None

    @reads
    def image(self, page: Page) -> dict[str, Any] | None:
        for css in self.sel(page, "image"):
            found = select(page, css)
            if found:
                img = found[0]
                src = img.get("src") or img.get("data-src")
                if src:
                    out = {"url": unwrap_image(page.abs(src))}
                    if img.get("alt"):
                        out["alt"] = clean(img.get("alt"))
                    return out
        return None

    @reads
    def related_urls(self, page: Page) -> list[str]:
        related = []
        for css in self.sel(page, "related_urls"):
            for a in select(page, css):
                url = page.article_link(a.get("href"))
                if url and url not in related:
                    related.append(url)
        return related
