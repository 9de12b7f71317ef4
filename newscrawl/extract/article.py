"""Turn an article page into Article fields, each from the first layer that has it.

The page's theme (themes.py) gives, per field, the layers to ask in turn; each layer reads
each field in its own method (layer.py). A layer method is called only while the field is
still missing, and an exception in it costs that field in that layer: it is logged once
with the URL, counted as ``newscrawl/extraction_error/<layer>/<field>``, and the next layer
is asked. The article records which layer gave each field, and the theme.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from newscrawl.extract.blocks import headline_of
from newscrawl.extract.common import ExtractConfig
from newscrawl.extract.layers.generic import GenericLayer
from newscrawl.extract.layers.jsonld import JsonLdLayer, credited_organization
from newscrawl.extract.layers.layer import Layer, LayerName
from newscrawl.extract.layers.legacy import LegacyLayer
from newscrawl.extract.layers.meta import AUTHOR_META, MetaLayer, credited_publication, labelled_authors
from newscrawl.extract.layers.nextdata import NextDataLayer
from newscrawl.extract.layers.semantic import SemanticLayer
from newscrawl.extract.page import Page
from newscrawl.extract.shown import foot_byline
from newscrawl.extract.themes import THEMES, Theme, choose
from newscrawl.items import PAGE_FIELDS as FIELDS
from newscrawl.items import Article
from newscrawl.site.rules import SiteRules
from newscrawl.site.text import clean, dateline_source, is_desk, same_headline

# shorter: a section's or the site's name in the <h1> ("Literatur", "Minecraft News"); characters
# for a script written without spaces
_MIN_HEADLINE_WORDS, _MIN_HEADLINE_CHARS = 4, 20
_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS_DAY = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")  # /2019/10/22/

LAYERS: tuple[type[Layer], ...] = (JsonLdLayer, NextDataLayer, MetaLayer, SemanticLayer, LegacyLayer,
                                   GenericLayer)


class DropPage(Exception):
    """The page is not a whole article; ``reason`` goes into the stats."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def unescaped(value: Any) -> Any:
    """HTML entities decoded in a layer's text (structured data often carries "&#8217;")."""
    if isinstance(value, str):
        return html.unescape(value) if "&" in value else value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return [html.unescape(v) if "&" in v else v for v in value]
    return value


class ArticleParser:
    """Reads an article page; testable on saved HTML without Scrapy.

    >>> ArticleParser(SiteRules("http://127.0.0.1:8000")).parse(url, html)  # -> Article
    """

    def __init__(self, rules: SiteRules | None = None, config: ExtractConfig | None = None,
                 themes: tuple[Theme, ...] = THEMES, layers: tuple[Layer, ...] | None = None) -> None:
        self.rules = rules or SiteRules()
        self.config = config or ExtractConfig()
        self.themes = themes
        self.layers = {layer.name: layer for layer in (layers or [cls() for cls in LAYERS])}
        if not self.config.generic:
            self.layers.pop(LayerName.GENERIC, None)

    @property
    def rules(self) -> SiteRules:
        return self._rules

    @rules.setter
    def rules(self, rules: SiteRules) -> None:
        self._rules = rules
        self._links: dict[str, Any] = {}  # links read under these rules, shared by the pages

    def page(self, url: str, html: str | bytes | Selector, report: Callable[[str], None] | None = None) -> Page:
        return Page(url, html, self.rules, self.config, report, self._links)

    def parse(self, url: str, html: str | bytes | Selector, crawled_at: datetime | None = None,
              report: Callable[[str], None] | None = None) -> Article:
        """``html``: markup, or a parsel/Scrapy selector (its tree is reused). ``report(name)``
        hears of page problems that cost no page (``invalid_jsonld``, ``extraction_error/..``)."""
        page = self.page(url, html, report)
        theme = choose(page, self.themes)
        values: dict[str, Any] = {}
        layers: dict[str, str] = {}
        for fname in FIELDS:
            found = self.read(page, theme, fname)
            if found:
                values[fname], layers[fname] = found
        if "image" in values:
            values["image"] = self._merge_image(page, theme, values["image"])
        if values.get("published_at") and page.date_shapes.get(values["published_at"]) == "date_only":
            self._refine_date(page, theme, values, layers)
        elif values.get("published_at") and page.date_shapes.get(values["published_at"]) == "no_zone":
            self._zone_date(page, theme, values, layers)
        self._dated_by_address(page, values, layers)
        self._bylines(page, theme, values, layers)
        self._finish(page, values, layers)
        if not values.get("title"):
            raise DropPage("no_title", url)
        if not values.get("body"):
            raise DropPage("no_body", url)
        layers["theme"] = theme.name
        # word_count and content_hash are the pipelines' (newscrawl.process.normalize), from the body
        # as stored
        return Article(**values, crawled_at=crawled_at or datetime.now(timezone.utc),
                       extraction={name: str(layer) for name, layer in layers.items()})  # plain strings, stored

    def read(self, page: Page, theme: Theme, fname: str,
             layers: Sequence[LayerName] | None = None) -> tuple[Any, LayerName] | None:
        """(value, layer) of the first layer in the theme's order that gives the field."""
        for name in layers or theme.order(fname):
            layer = self.layers.get(name)
            fn = layer.field(fname) if layer is not None else None
            if fn is None:
                continue
            try:
                value = unescaped(fn(page))
            except Exception as exc:  # noqa: BLE001 (a failing field costs that field only)
                page.field_error(name, fname, exc)
                continue
            if value:
                return value, name
        return None

    def _bylines(self, page: Page, theme: Theme, values: dict[str, Any], layers: dict[str, str]) -> None:
        """A foreign page's byline a reader sees: beside the structured authors, or at the foot
        of the body when the page shows none at its top."""
        if not theme.visible_byline_adds:
            return
        if values.get("authors"):
            self._add_visible_byline(page, values, layers)
        elif values.get("body"):
            values["authors"] = foot_byline(page, values["body"])
            if values["authors"]:
                layers["authors"] = LayerName.SEMANTIC

    def _add_visible_byline(self, page: Page, values: dict[str, Any], layers: dict[str, str]) -> None:
        """The byline at the top of the article, where it says more than the structured
        authors (``_shown_wins``)."""
        semantic = self.layers.get(LayerName.SEMANTIC)
        if layers["authors"] in (LayerName.JSONLD, LayerName.NEXTDATA, LayerName.META) and isinstance(semantic, SemanticLayer):
            try:
                shown = unescaped(semantic.top_byline(page))
            except Exception as exc:  # noqa: BLE001 (the structured authors stay)
                page.field_error(LayerName.SEMANTIC, "authors", exc)
                return
            posting_account = layers["authors"] == LayerName.META and _posting_account(page)
            if _shown_wins(values["authors"], shown, posting_account):
                values["authors"], layers["authors"] = shown, LayerName.SEMANTIC

    def _refine_date(self, page: Page, theme: Theme, values: dict[str, Any], layers: dict[str, str]) -> None:
        """A publication date without its time ("November 19, 2019" in JSON-LD) takes the time a
        later layer gives for the same day (article:published_time). Not the generic layer's:
        a guess, and a whole second extraction of the page."""
        day = values["published_at"].astimezone(self.config.default_tz).date()
        order = theme.order("published_at")
        for name in order[order.index(layers["published_at"]) + 1:]:
            if name == LayerName.GENERIC:
                continue
            other = self.read(page, theme, "published_at", (name,))
            if other and page.date_shapes.get(other[0]) != "date_only" \
                    and other[0].astimezone(self.config.default_tz).date() == day:
                values["published_at"], layers["published_at"] = other
                return

    def _dated_by_address(self, page: Page, values: dict[str, Any], layers: dict[str, str]) -> None:
        """A permalink that holds the day (WordPress's /2019/10/22/slug/) dates the page when no
        layer does, or when the date read is days away from it (a comment's, a modified one)."""
        m = _ADDRESS_DAY.search(urlsplit(page.url).path)
        found = page.date("-".join(g.zfill(2) for g in m.groups())) if m else None  # None too for no such day
        if found is None:
            return
        tz = self.config.default_tz
        day = found.astimezone(tz).date()
        if day > datetime.now(timezone.utc).date():
            return  # an event's day ahead, not the post's
        got = values.get("published_at")
        if got is None or abs((got.astimezone(tz).date() - day).days) > 1:
            values["published_at"], layers["published_at"] = found, LayerName.RESPONSE

    def _zone_date(self, page: Page, theme: Theme, values: dict[str, Any], layers: dict[str, str]) -> None:
        """A publication time without its zone ("2024-04-30T16:38:37" in JSON-LD, read in
        NEWSCRAWL_TIMEZONE) takes the offset another layer states for the same wall time
        (article:published_time "2024-04-30T16:38:37+02:00"): the same moment, hours apart
        once read, by a whole offset (a multiple of 15 minutes, at most 14 hours)."""
        naive = values["published_at"]
        for name in theme.order("published_at"):
            if name in (layers["published_at"], LayerName.GENERIC):
                continue
            other = self.read(page, theme, "published_at", (name,))
            if other is None or page.date_shapes.get(other[0]) != "zoned":
                continue
            apart = (other[0] - naive).total_seconds()
            if apart and abs(apart) <= 14 * 3600 and apart % 900 == 0:
                values["published_at"], layers["published_at"] = other
                return

    def _merge_image(self, page: Page, theme: Theme, img: dict[str, Any]) -> dict[str, Any]:
        """The image is one dict; later layers fill the caption and alt the first one lacks."""
        img = {"url": img.get("url"), "caption": img.get("caption"), "alt": img.get("alt")}
        for name in theme.order("image"):
            if img["caption"] and img["alt"]:
                break
            other = self.read(page, theme, "image", (name,))
            for key in ("caption", "alt"):
                if other and not img[key] and other[0].get(key):
                    img[key] = other[0][key]
        return img

    @staticmethod
    def _visible_headline(page: Page, values: dict[str, Any], layers: dict[str, str]) -> None:
        """The headline the page shows, over a structured (SEO) variant of it or over another
        headline the browser tab does not show (a social one); when no layer read a headline,
        the browser tab's <title> unless it is the site's name; so also when the generic
        layer's guess is a heading that neither the tab nor an <h1> shows."""
        tab = page.strip_site_name(page.document_title)
        visible = _shown_headline(page, values["title"], tab)
        if not visible and len(page.headings) == 1 and layers.get("title") in (LayerName.META, LayerName.JSONLD):
            visible = _variant_shown(page, values["title"])
        if visible and visible != values["title"]:
            values["title"], layers["title"] = visible, LayerName.SEMANTIC
        if tab and (not values.get("title") or (not visible and _guessed_elsewhere(values, layers, tab))):
            values["title"], layers["title"] = tab, LayerName.META

    def _breadcrumbs(self, page: Page, values: dict[str, Any]) -> None:
        """The last crumb is this article; crumbs to articles in their canonical form."""
        crumbs = values.get("breadcrumbs") or []
        if not crumbs:
            return
        last = crumbs[-1]
        if last["name"] == values["title"] or last["url"] in (None, page.url):
            last["url"] = values["url"]
        for c in crumbs:
            if c["url"] and self.rules.is_article(c["url"]):
                c["url"] = self.rules.article_url(c["url"])

    @staticmethod
    def _publication_credit(page: Page, values: dict[str, Any], layers: dict[str, str]) -> None:
        """A page that credits only the publication (its JSON-LD author an organization, its
        author <meta> the site's name) gets it as ``source``: who stands behind the story."""
        for layer, credit in ((LayerName.JSONLD, credited_organization), (LayerName.META, credited_publication)):
            try:
                name = credit(page)
            except Exception as exc:  # noqa: BLE001 (a failing field costs that field only)
                page.field_error(layer, "source", exc)
                continue
            if name:
                values["source"], layers["source"] = name, layer
                return

    def _finish(self, page: Page, values: dict[str, Any], layers: dict[str, str]) -> None:
        rules = self.rules
        url = values.get("url")
        if not (url and rules.same_site(url) and rules.is_article(url)):
            url, layers["url"] = page.url, LayerName.RESPONSE
        values["url"] = rules.article_url(url)
        values["title"] = page.strip_site_name(values.get("title"))
        self._visible_headline(page, values, layers)
        self._breadcrumbs(page, values)
        if values.get("publisher"):
            values["publisher"] = clean(values["publisher"].rstrip("®™"))
        values["related_urls"] = [u for u in values.get("related_urls", []) if u != values["url"]]
        if values.get("source") is None:
            # A wire story's agency also shows in its dateline, whichever layer gave the body.
            first = next((p for p in (values.get("body") or "").split("\n\n") if p), "")
            src = dateline_source(first)
            if src:
                values["source"], layers["source"] = src, layers.get("body", LayerName.SEMANTIC)
        if values.get("source") is None and not values.get("authors"):
            self._publication_credit(page, values, layers)


def _variant_shown(page: Page, title: str | None) -> str | None:
    """The page's one <h1> when it words the same story otherwise than the structured title
    (an SEO or social variant): a headline's length, a word of the structured title in it."""
    shown = page.strip_site_name(headline_of(page.headings[0]))
    if not shown or not title or (len(shown.split()) < _MIN_HEADLINE_WORDS and len(shown) < _MIN_HEADLINE_CHARS):
        return None
    return shown if _content_words(shown) & _content_words(title) else None


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if len(w) >= 4}


def _guessed_elsewhere(values: dict[str, Any], layers: dict[str, str], tab: str) -> bool:
    """Is the title the generic layer's guess, another heading than the one the tab names?"""
    return layers.get("title") == LayerName.GENERIC and not same_headline(tab, values["title"])


def _shown_headline(page: Page, title: str | None, tab: str | None) -> str | None:
    """The <h1> that shows ``title``, else the one the browser tab shows too (og:title a
    social variant)."""
    shown = [v for v in (page.strip_site_name(headline_of(h1)) for h1 in page.headings) if v]
    return next((v for v in shown if same_headline(v, title)), None) or \
        next((v for v in shown if tab and same_headline(v, tab)), None)


def _posting_account(page: Page) -> bool:
    """Do the author <meta>s name only the account that posted the page: none but Yoast's
    "Written by", or only the same name (Yoast writes both)."""
    named = set(page.meta_all(*AUTHOR_META))
    return not named or named <= set(labelled_authors(page.meta))


def _shown_wins(structured: list[str], shown: list[str], posting_account: bool) -> bool:
    """Does the byline shown replace the structured authors: it names them and more ("By A, B
    and C" where JSON-LD names A); the only structured name is the account that posted the page
    (Yoast's "Written by", ``posting_account``), not the writer the byline shows; the structured
    authors are only a desk's credit ("Us Weekly Staff") and the byline names the reporter; or it
    names the same people in full (a first name alone: "Nils" -> "Nils Pickert"; a doubled name is
    no fuller one)."""
    if not shown:
        return False
    have = {a.casefold() for a in structured}
    if posting_account or (len(shown) > len(have) and have <= {a.casefold() for a in shown}):
        return True
    if structured and all(map(is_desk, structured)) and not any(map(is_desk, shown)):
        return True
    return len(structured) == len(shown) and structured != shown and all(
        s.casefold() == h.casefold() or (" " not in h and s.casefold().startswith(h.casefold() + " "))
        for h, s in zip(structured, shown))
