"""The state of one page being parsed, computed once and shared by every layer and field.

The tree is parsed once (or taken from Scrapy's response); the meta tags, the JSON-LD
objects, the Next.js payloads and the reader's block walk are each built on first use and
kept. Every XPath is compiled once, at import.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar, cast
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from newscrawl.extract.common import ExtractConfig
from newscrawl.site.dates import parse_date, zone_of
from newscrawl.site.rules import SiteRules
from newscrawl.site.text import clean, same_headline, split_byline

T = TypeVar("T")

logger = logging.getLogger(__name__)

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_PARSER_UTF8 = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)  # a str that declares its encoding
_META = etree.XPath("//*[@content][self::meta or @itemprop]")  # microdata on any element too
_CANONICAL = etree.XPath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
_JSONLD = etree.XPath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]')
_NEXT_DATA = etree.XPath('//script[@id="__NEXT_DATA__"]')
_INLINE_SCRIPTS = etree.XPath("//script[not(@src)]")
_JSON_SCRIPTS = etree.XPath('//script[translate(@type,"JSON","json")="application/json" and not(@id="__NEXT_DATA__")]')
_H1S = etree.XPath("(//h1[not(ancestor::*[contains(@class,'skiptranslate')])])[position() <= 8]")  # not Google Translate's pop-up
# where a page without an <h1> puts its headline: an <h2>, an <h3>, an element classed title or headline
_HEADLINE_ELSEWHERE = etree.XPath("(//h2 | //h3 | //*[contains(@class,'title') or contains(@class,'headline')]"
                                  "[not(self::h1)])[position() <= 20]")
_TITLE = etree.XPath("//title/text()")
_FEED_TITLES = etree.XPath('(//link[@rel="alternate"][contains(@type,"rss") or contains(@type,"atom")]/@title)[1]')
# WordPress's "Site » Feed", "Site » Kommentar-Feed"; older themes' "Site RSS Feed", "Site Atom Feed"
_FEED_NAME = re.compile(r"^(.+?)\s+(?:(?:»|[|:–—-])\s+(?:\S+\s+)?\S*feed|(?:rss|atom)(?:\s*2\.0)?\s+feed)\s*$", re.I)
_CHROME_H1 = re.compile(r"menu|navskip|skip-?link|site-?(?:title|name|logo|branding)|logo|brand|"
                        r"screen-reader|sr-only|visually-hidden", re.I)
_SITE_SEPS = (" - ", " | ", " – ", " — ", " :: ", " • ", " · ", " « ", " » ")  # between a title and the site's name ("«": old WordPress themes)
_SEGMENTS = re.compile(r"\s+(?:\||::|:|•|·|–|—|-|»)\s+")  # a <title>'s parts ("Story | Site | Tagline")
_DOMAIN_END = re.compile(r"(?<=\w)\.(?:[a-z]{2,3}|com?\.[a-z]{2})$")  # "disfunctions.de" names the site too
_COPYRIGHT = re.compile(r"copyright|\(c\)|©|all\s+rights\s+reserved|\b\d{4}(?:\s*[-–]\s*\d{4})?\b", re.I)
_TITLE_SEP = re.compile(r"\s+[|–—:-]{1,2}\s+")
_BODY = etree.XPath("(//body)[1]")
# a script's CDATA wrapper, bare (XHTML) or commented out ("//<![CDATA[", "/*<![CDATA[*/")
_CDATA = re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?|(?://|/\*)?\s*\]\]>(?:\s*\*/)?\s*$")
LINK_CACHE_SIZE = 20_000
_FAQ_NUMBER = re.compile(r"^\s*(?:Q(?:uestion)?\s*)?(\d{1,3})\s*([.):\-–—]\s*)?", re.I)


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _without_section(title: str, sep: str) -> str:
    """A title without the one- or two-word part (a section's name) its site's name followed,
    written with the same separator: "Story - News" of "Story - News - Site", "Story | News" of
    "Story | News | site.com"."""
    sep = f" {sep.strip()} "
    head, found, tail = title.rpartition(sep)
    words = tail.split()
    if found and len(head) >= 12 and 1 <= len(words) <= 2 and all(w[:1].isalpha() for w in words):
        return head.strip()
    return title


def parse_html(html: str | bytes) -> HtmlElement:
    """The root element of an HTML document (None for an empty one): lxml's own parse. Bytes
    are decoded as Scrapy decodes a body without headers (w3lib: a BOM, then the page's own
    <meta charset>, else UTF-8 or cp1252 by what the bytes hold), not by libxml2's guess."""
    if isinstance(html, bytes):
        from w3lib.encoding import html_to_unicode
        html = html_to_unicode(None, html)[1]
    try:
        root = etree.fromstring(html, _PARSER)
    except ValueError:  # a str that declares its encoding: parse its UTF-8 bytes
        root = etree.fromstring(html.encode("utf-8") if isinstance(html, str) else html, _PARSER_UTF8)
    return root


class Page:
    """One page: its URL, its tree and what the layers read from it, each computed once.

    ``report(name)`` hears of page problems (``invalid_jsonld``) and of fields a layer
    failed on (``extraction_error/<layer>/<field>``); each is logged once with the URL.
    """

    def __init__(self, url: str, html: str | bytes | Selector, rules: SiteRules, config: ExtractConfig,
                 report: Callable[[str], None] | None = None, links: dict[str, Any] | None = None) -> None:
        self.url = url
        if isinstance(html, (str, bytes)):
            self._source = html if isinstance(html, str) else None
            self.root = parse_html(html) if html else None
        else:  # a parsel Selector or Scrapy response selector: its tree is already parsed
            self.root = html.root
            text = getattr(html, "_text", None)  # the markup parsel parsed, when it kept it
            self._source = text if isinstance(text, str) else None
        if self.root is None or not isinstance(self.root.tag, str):
            self.root = etree.fromstring("<html><body></body></html>", _PARSER)
        self.rules = rules
        self.config = config
        self._report = report
        self._reported: set[str] = set()
        self._urls: dict[str, str | None] = {}
        self._stripped: dict[str, str | None] = {}
        self._once: dict[str, Any] = {}
        self.date_shapes: dict[datetime, str] = {}  # each date the page gave -> its dates.zone_of shape
        # absolute URL -> canonical article URL or None; the parser shares it between pages
        # (the same related and navigation links recur on every page)
        self._links = links if links is not None else {}

    # ---- problems ---------------------------------------------------------------------
    def problem(self, name: str, detail: str) -> None:
        """Something wrong with the page: logged once a page with its URL, and reported."""
        if name in self._reported:
            return
        self._reported.add(name)
        logger.warning("%s on %s: %s", name, self.url, detail)
        if self._report is not None:
            self._report(name)

    def note(self, name: str) -> None:
        """Something worth counting, not worth a warning: reported once a page."""
        if name in self._reported:
            return
        self._reported.add(name)
        if self._report is not None:
            self._report(name)

    def field_error(self, layer: str, field: str, exc: BaseException) -> None:
        """A layer raised on one field: that field of that layer is lost, nothing else."""
        self.problem(f"extraction_error/{layer}/{field}", f"{type(exc).__name__}: {exc}")

    # ---- state computed once ----------------------------------------------------------
    def once(self, key: str, build: Callable[[Page], T]) -> T:
        """A layer's own page state (its JSON-LD article, its byline split), built once."""
        try:
            return cast(T, self._once[key])
        except KeyError:
            value = self._once[key] = build(self)
            return value

    @cached_property
    def html(self) -> str:
        """The document as markup: the source when known (the generic layer parses it on its
        own, theme probes search it), else the tree serialized."""
        if self._source is not None:
            return self._source
        return str(etree.tostring(self.root, encoding="unicode", method="html"))

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """Every <meta> content by lower-cased property, name, itemprop or http-equiv."""
        out: dict[str, list[str]] = {}
        for el in _META(self.root):
            content = clean(el.get("content"))
            if not content:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(attr)
                if not key:
                    continue
                # itemprop holds a list of names: itemprop="datePublished dateCreated"
                for name in key.split() if attr == "itemprop" else (key.strip(),):
                    out.setdefault(name.lower(), []).append(content)
        return out

    def meta_first(self, *names: str) -> str | None:
        for name in names:
            vals = self.meta.get(name)
            if vals:
                return vals[0]
        return None

    def meta_all(self, *names: str) -> list[str]:
        return [v for name in names for v in self.meta.get(name, ())]

    @cached_property
    def canonical(self) -> str | None:
        found = _CANONICAL(self.root)
        return self.abs(found[0]) if found else None

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object of the page, flattened out of lists and @graph."""
        out: list[dict[str, Any]] = []

        def add(obj: Any) -> None:
            if isinstance(obj, list):
                for x in obj:
                    add(x)
            elif isinstance(obj, dict):
                if "@graph" in obj:
                    add(obj["@graph"])
                if "@type" in obj:
                    out.append(obj)

        for script in _JSONLD(self.root):
            raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->").strip()
            raw = _CDATA.sub("", raw)
            if not raw:
                continue
            try:
                add(json.loads(raw, strict=False))
            except ValueError as exc:
                self.problem("invalid_jsonld", str(exc))
        return out

    @cached_property
    def publisher_names(self) -> tuple[str, ...]:
        """The page's own names, lower-cased, for bylines that credit the publication ("Jill
        Disis, CNN Business") and titles that end with it ("... - IGN"): og:site_name,
        application-name, the JSON-LD publisher and WebSite, the copyright holder (its <meta>:
        who owns the site is the publication), the <title>'s last part after a separator, the
        domain's name ("cnn" for www.cnn.com). Not the portal's own names
        (``config.site_names``), whose staff bylines are kept."""
        names = [self.meta_first("og:site_name"), self.meta_first("application-name"), self.meta_first("dc.publisher"),
                 *self._structured_names(), self._copyright_holder(), self._feed_name()]
        domain = self._domain_name()
        if domain:
            names.append(domain)
        suffix = self._title_suffix(names)
        if suffix:
            names.append(suffix)
        own = {n.lower() for n in self.config.site_names}
        out: list[str] = []
        for n in names:
            n = clean(n).lower().rstrip("®™ ") if isinstance(n, str) else ""
            if 2 <= len(n) <= 40 and len(n.split()) <= 5 and n not in own and n not in out:  # names, not headlines
                out.append(n)
        return tuple(out)

    def _copyright_holder(self) -> str:
        """Who the copyright <meta> names ("Copyright (c) Condé Nast 2022": Condé Nast)."""
        return " ".join(_COPYRIGHT.sub(" ", self.meta_first("copyright") or "").split()).strip(" ,.")

    def _feed_name(self) -> str | None:
        """The site's name in its first feed's title, as WordPress writes it ("Bibliothek 2.0
        und mehr » Feed", "Site » Kommentar-Feed")."""
        titles = _FEED_TITLES(self.root)
        m = _FEED_NAME.match(clean(titles[0])) if titles else None
        return m.group(1) if m else None

    def _structured_names(self) -> list[Any]:
        names = []
        for node in self.jsonld:
            pub = node.get("publisher")
            names.append(pub.get("name") if isinstance(pub, dict) else pub)
            if node.get("@type") == "WebSite":
                names.append(node.get("name"))
        return names

    def _domain_name(self) -> str | None:
        """"cnn" for www.cnn.com, "bbc" for www.bbc.co.uk; none for an address."""
        host = urlsplit(self.url).hostname or ""
        labels = [x for x in host.split(".") if x not in ("www", "m", "amp")]
        if len(labels) >= 2 and not host.replace(".", "").isdigit():  # a name, not an address
            return labels[-2] if len(labels[-1]) <= 3 and len(labels[-2]) > 3 else labels[0]
        return None

    def _title_suffix(self, names: list[Any]) -> str | None:
        """The <title>'s last part, when another name says it is the site's ("The GiveWell Blog"
        on blog.givewell.org): a headline's own " - " part is no site name."""
        parts = _TITLE_SEP.split(self.document_title or "")
        if len(parts) > 1 and len(parts[-1].split()) <= 4:
            suffix = _compact(parts[-1])
            if any(c and (c in suffix or suffix in c) for c in (_compact(n) for n in names if isinstance(n, str))):
                return parts[-1]
        return None

    @cached_property
    def document_title(self) -> str | None:
        """The <title>'s text (the browser tab's), as the page gives it."""
        titles = _TITLE(self.root) if self.root is not None else []
        return clean(titles[0]) or None if titles else None

    def byline(self, text: str | None, user_names: bool = False) -> list[str]:
        """The names in a byline text, with this page's agencies, site and publisher names
        (``user_names``: see :func:`split_byline`)."""
        return split_byline(text, self.config.agencies, self.config.site_names, self.publisher_names, user_names)

    @cached_property
    def next_data(self) -> str | None:
        found = _NEXT_DATA(self.root)
        return found[0].text if found else None

    @cached_property
    def inline_scripts(self) -> list[str]:
        return [s.text for s in _INLINE_SCRIPTS(self.root) if s.text]

    @cached_property
    def json_scripts(self) -> list[str]:
        """``<script type="application/json">`` blocks other than ``__NEXT_DATA__``."""
        return [s.text for s in _JSON_SCRIPTS(self.root) if s.text]

    @cached_property
    def h1(self) -> HtmlElement | None:
        """The headline's <h1> (the one the reader's walk starts from): of several, the first
        that the social or the tab's title names (a menu's "SERVICE" comes before it), else
        the first."""
        if len(self.headings) > 1:
            for h in self.headings:
                text = clean(" ".join(h.itertext()))
                if any(same_headline(text, t) for t in self._titles):
                    return h
        return self.headings[0] if self.headings else None

    @cached_property
    def body_el(self) -> HtmlElement:
        found = _BODY(self.root)
        return found[0] if found else self.root

    # ---- value helpers ----------------------------------------------------------------
    def date(self, value: Any) -> datetime | None:
        if not isinstance(value, str):
            return None
        parsed = parse_date(value, self.config.default_tz)
        if parsed is not None:
            shape = zone_of(value)
            self.date_shapes.setdefault(parsed, shape)  # how the page wrote it: "date_only" ones
            # may be refined by a layer that gives the same day with its time
            if shape in ("no_zone", "date_only"):  # read in NEWSCRAWL_TIMEZONE: counted once a page
                self.note(f"dates/{shape}")
        return parsed

    def abs(self, url: str | None) -> str | None:
        if not url or not isinstance(url, str):
            return None
        try:
            return self._urls[url]
        except KeyError:
            absolute = url.startswith(("https://", "http://")) and "/." not in url and url == url.strip()
            self._urls[url] = url if absolute else urljoin(self.url, url.strip())
            return self._urls[url]

    def article_link(self, href: str | None) -> str | None:
        url = self.abs(href)
        if not url:
            return None
        try:
            return cast("str | None", self._links[url])
        except KeyError:
            found = self.rules.article_url(url) if self.rules.is_article(url) else None
            if len(self._links) >= LINK_CACHE_SIZE:
                self._links.clear()
            self._links[url] = found
            return found

    @staticmethod
    def strip_number(question: str, position: int | None = None) -> str:
        """A FAQ question without its number: "1. What..", "Q1: What..", and the number glued
        to the question ("1What is..", from ``<span>1</span>What is..``) when it is the
        question's position in the list (so "5G rollout: why?" keeps its 5)."""
        m = _FAQ_NUMBER.match(question)
        if m and (m.group(2) or (position is not None and int(m.group(1)) == position
                                 and question[m.end():m.end() + 1].isupper())):
            question = question[m.end():]
        return question.strip()

    def strip_site_name(self, title: str | None) -> str | None:
        """A title without the site's name after it ("... - IGN"); None when it is the name.
        Asked for the same title by several layers: once a page each."""
        key = title if isinstance(title, str) else ""
        if key not in self._stripped:
            self._stripped[key] = self._strip_site_name(key)
        return self._stripped[key]

    def _strip_site_name(self, title: str) -> str | None:
        title = clean(title)
        lowered = title.lower()
        for end in self._site_name_ends:
            if lowered.endswith(end):
                title = _without_section(title[: len(title) - len(end)].strip(), end[:3])
                lowered = title.lower()
        if title.rstrip("®™ ") in self.config.site_names or lowered in self.publisher_names or \
                _compact(title) in self._compact_names or _compact(_DOMAIN_END.sub("", lowered)) in self._compact_names:
            return None  # the site's own name (a home page's <title>; "The Political Insider") names no article
        return self._before_site_name(title) or None

    def _before_site_name(self, title: str) -> str:
        """"Story | petri-heil.ch | Dein Fischereimagazin" is "Story": the parts from the one that
        names the site (its name, or its domain with or without the TLD) on are the site's;
        "Disfunctions.de » Blog Archiv » Story" is "Story" (the site's name first, the last part)."""
        seps = list(_SEGMENTS.finditer(title))
        names = {*self.publisher_names, *(n.lower() for n in self.config.site_names)}
        if seps and self._names_site(title[:seps[0].start()], names):
            return title[seps[-1].end():]  # "Disfunctions.de » Blog Archiv » Story": the site's name first
        if len(seps) < 2:
            return title
        for sep, after in zip(seps, [*seps[1:], None]):
            part = title[sep.end():after.start() if after else len(title)]
            if self._names_site(part, names):
                return _without_section(title[:sep.start()], sep.group())
        return title

    @staticmethod
    def _names_site(part: str, names: set[str]) -> bool:
        """Is this part of a title the site's name (or its domain, with or without the TLD)?"""
        name = part.lower().removeprefix("www.").rstrip("®™ ")
        return name in names or name.rsplit(".", 1)[0] in names

    @cached_property
    def _compact_names(self) -> frozenset[str]:
        """The page's own names without spaces and marks ("thepoliticalinsider"), for a title
        that spells one out; none that compacts to nothing (a name in a script without case)."""
        return frozenset(c for c in (_compact(n) for n in self.publisher_names) if len(c) >= 4)

    @cached_property
    def _site_name_ends(self) -> tuple[str, ...]:
        """The endings " - <site name>" and its kin, lower-cased: the portal's names, then the page's own."""
        names = (*(n.lower() for n in self.config.site_names), *self.publisher_names)
        return tuple(sep + name + mark for name in names for sep in _SITE_SEPS for mark in ("", "®"))

    @cached_property
    def headings(self) -> list[Any]:
        """The page's first <h1> elements (a page may have one for its logo, one per story), but
        those of its chrome: a menu's, a skip link's, the site's name (by their classes or ids),
        an empty one (a logo drawn by its style sheet)."""
        found = [h for h in _H1S(self.root)
                 if not _CHROME_H1.search(f'{h.get("class") or ""} {h.get("id") or ""}')
                 and any(t.strip() for t in h.itertext())]
        return found or self._headline_elsewhere

    @property
    def _headline_elsewhere(self) -> list[Any]:
        """A page without an <h1> (an old CMS's, Medium's) whose headline is an <h2>, an <h3> or
        an element classed title or headline: the first of those that the social or the tab's
        title names, most of its words (not a heading that names part of it: "Open Journalism
        Project:")."""
        return next(([h] for h in _HEADLINE_ELSEWHERE(self.root)
                     if any(same_headline(clean(" ".join(h.itertext())), t, whole=True) for t in self._titles)), [])

    @cached_property
    def _titles(self) -> list[str]:
        """The titles that name the headline: the social one and the tab's."""
        return [t for t in (self.meta_first("og:title", "twitter:title"), self.document_title) if t]
