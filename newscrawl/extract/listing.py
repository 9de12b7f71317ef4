"""Discovery pages: category listings, sitemaps, feeds and robots.txt."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from newscrawl.extract.blocks import skipped
from newscrawl.site.dates import parse_date
from newscrawl.site.rules import SiteRules
from newscrawl.site.seen import Memo

_DATE_TEXT = re.compile(r"\b(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4}|\d{4}-\d{2}-\d{2})\b")


@dataclass
class Link:
    url: str
    date: datetime | None = None  # published (or, without one, last modified)
    lastmod: datetime | None = None  # sitemap <lastmod>, feed <updated>


@dataclass
class Listing:
    articles: list[Link] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # category URLs linked from the page
    next_url: str | None = None
    malformed: int = 0  # links no URL can be made of (href="http://[bad"): skipped, the rest read


@lru_cache(maxsize=100_000)
def _page_of(url: str) -> int:
    parts = urlsplit(url)
    m = re.search(r"/page/(\d+)/?$", parts.path)
    if m:
        return int(m.group(1))
    q = parse_qs(parts.query).get("page")
    return int(q[0]) if q and q[0].isdecimal() else 1


def with_page(url: str, page: int, style: str) -> str:
    """``url`` (a category page) moved to ``page`` in the ``path`` or ``query`` style."""
    parts = urlsplit(url)
    path = re.sub(r"page/\d+/?$", "", parts.path)
    query = {k: v for k, v in parse_qs(parts.query).items() if k != "page"}
    if style == "query":
        query["page"] = [str(page)]
    elif page > 1:
        path = path.rstrip("/") + f"/page/{page}/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, doseq=True), ""))


def _card_date(a: HtmlElement, tz: tzinfo) -> datetime | None:
    """The date shown on the listing card around link ``a``."""
    node = a
    for _ in range(4):
        node = node.getparent()
        if node is None:
            return None
        links = {x.get("href", "").split("#")[0].split("?")[0].rstrip("/") for x in node.iter("a")}
        if len(links) > 1:
            return None
        t = node.find(".//time")
        if t is not None:
            return parse_date(t.get("datetime") or t.text_content(), tz)
        m = _DATE_TEXT.search(node.text_content())
        if m:
            return parse_date(m.group(0), tz)
    return None


logger = logging.getLogger(__name__)
JOINED_CACHE = 100_000
MAX_URL_LENGTH = 2083  # Scrapy's URLLENGTH_LIMIT, the longest URL browsers take
# (origin or "", href) -> absolute URL: the same for every page of the origin
_JOINED = Memo(lambda key: urljoin(key[0] + "/", key[1]), JOINED_CACHE)


def _joiner(url: str) -> Callable[[str], str]:
    """urljoin for the links of the page at ``url``, remembering root-relative and absolute
    hrefs (the same on every page of the site: pagers, navigation, cards seen before)."""
    origin = url[:url.find("/", url.find("//") + 2)] if url.count("/") >= 3 else url

    def join(href: str) -> str:
        """The absolute URL, or "" for an href no URL can be made of (it costs that link only),
        or one longer than any request may be (Scrapy's URLLENGTH_LIMIT: never fetched, it would
        keep a category's paging from ever finding its page "all known")."""
        if len(href) > MAX_URL_LENGTH:
            return ""
        try:
            if href.startswith("/") and not href.startswith("//"):
                key = (origin, href)
            elif "://" in href:
                key = ("", href)
            else:
                return urljoin(url, href)
            return str(_JOINED(key))
        except ValueError:  # "http://[bad": Invalid IPv6 URL
            return ""
    return join


@dataclass
class _Walk:
    """One pass over a listing page's links (read_listing): what each one is, decided once."""
    rules: SiteRules
    tz: tzinfo
    in_main: set[Any]  # the links of <main> (else the page): the cards
    in_nav: set[Any]  # the links of the navigation and header: the sections
    here: int  # this page's number ...
    category: str | None  # ... in this category
    out: Listing = field(default_factory=Listing)
    seen: set[str] = field(default_factory=set)
    categories: dict[str, None] = field(default_factory=dict)
    following: str | None = None  # the next page, from the pager's numbers

    def read(self, a: HtmlElement, absolute: str) -> None:
        path, canon = self.rules.classify(absolute)
        if path:
            if a in self.in_main or a in self.in_nav:
                self.categories[path] = None
            if self.following is None and path == self.category and _page_of(absolute) == self.here + 1:
                self.following = absolute
        elif a in self.in_main and canon and canon not in self.seen \
                and not any(skipped(x) for x in a.iterancestors()):
            self.seen.add(canon)
            self.out.articles.append(Link(canon, _card_date(a, self.tz)))


def read_listing(url: str, html: str | Selector, rules: SiteRules, tz: tzinfo = timezone.utc) -> Listing:
    """A listing page's article links (with the cards' dates), the category links it shows
    and its next page, in one pass over its links: each is joined and classified once (and a
    link seen on an earlier page costs a lookup), so a page costs what its links do, whatever
    the size of the site behind its pager."""
    sel = html if isinstance(html, Selector) else Selector(text=html, type="html")
    doc = sel.root
    join = _joiner(url)
    main = doc.find(".//main")
    walk = _Walk(rules, tz, set((main if main is not None else doc).iter("a")),
                 set(doc.xpath("//nav//a | //header//a")), _page_of(url), rules.category_path(url))
    for a in doc.iter("a"):
        href = a.get("href")
        absolute = join(href) if href else None
        if absolute:
            walk.read(a, absolute)
        elif absolute == "":  # no URL can be made of it: it costs that link only
            walk.out.malformed += a in walk.in_main
    out = walk.out
    out.categories = [rules.url(f"/category/{p}/") for p in walk.categories]
    nxt = doc.xpath('//link[@rel="next"]/@href | //a[@rel="next"]/@href')  # said outright: first
    out.next_url = urljoin(url, str(nxt[0])) if nxt and join(str(nxt[0])) else walk.following
    return out


# ---- sitemaps, feeds, robots.txt -----------------------------------------------------------

# No entity is expanded (external ones, billion laughs), nothing is fetched, no huge trees.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False,
                          load_dtd=False)
MAX_SITEMAP_URLS = 50_000


def _xml(body: bytes) -> Any:
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML ({exc})") from None  # the sitemaps.org limit: a bigger file is read that far


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def read_sitemap(body: bytes, tz: tzinfo = timezone.utc) -> tuple[list[Link], list[Link]]:
    """(child sitemaps, page links), each with its dates, of a sitemap or sitemap index.
    ValueError when the body is not XML."""
    root = _xml(body)
    if root is None:
        return [], []
    children: list[Link] = []
    links: list[Link] = []
    for el in root:
        name = _local(el.tag)
        vals = {_local(c.tag): (c.text or "").strip() for c in el.iter() if c is not el}
        loc = vals.get("loc")
        if not loc:
            continue
        lastmod = parse_date(vals["lastmod"], tz) if vals.get("lastmod") else None
        if len(children) + len(links) >= MAX_SITEMAP_URLS:
            break
        if name == "sitemap":
            children.append(Link(loc, lastmod, lastmod))
        elif name == "url":
            when = vals.get("publication_date")
            links.append(Link(loc, parse_date(when, tz) if when else lastmod, lastmod))
    return children, links


def read_feed(body: bytes, tz: tzinfo = timezone.utc) -> list[Link]:
    """Item links of an RSS 2.0 or Atom feed, with their dates. ValueError when not XML."""
    root = _xml(body)
    if root is None:
        return []
    out = []
    for el in root.iter():
        name = _local(el.tag)
        if name not in ("item", "entry"):
            continue
        link, when, updated = None, None, None
        for c in el:
            cname = _local(c.tag)
            if cname == "link":
                link = c.get("href") or (c.text or "").strip() or link
            elif cname in ("pubdate", "published", "date", "updated") and when is None:
                when = parse_date(c.text, tz)
            if cname == "updated":
                updated = parse_date(c.text, tz)
        if link:
            out.append(Link(link, when, updated))
    return out


_FEED_RE = re.compile(r"(?:https?://\S+?|/\S*?)(?:/feed/?|rss\.xml|atom\.xml|\.rss)(?=[\s,;]|$)")


def read_robots(text: str, base_url: str) -> tuple[list[str], list[str]]:
    """(sitemaps, feeds) named in robots.txt; feeds may be named in comments or rules. A
    location no URL can be made of is skipped (logged): the others are read."""
    sitemaps, feeds = [], []
    join = _joiner(base_url + "/")
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            u = join(value.strip())
            if u:
                sitemaps.append(u)
            else:
                logger.warning("robots.txt of %s: skipped a malformed sitemap location %r", base_url, value.strip()[:200])
            continue
        for m in _FEED_RE.finditer(line):
            u = join(m.group(0))
            if u and "*" not in u and u not in feeds:
                feeds.append(u)
    return sitemaps, feeds


# ---- what a page offers besides its links: readings on a parsel Selector ------------------
LOAD_MORE = re.compile(r"\b(load|show|see|view) more\b|\bmore (stories|articles|news)\b", re.I)


def has_load_more(selector: Selector) -> bool:
    """A "load more" control (a button or a link acting as one) on a listing page."""
    return bool(selector.xpath("//button | //a[@role='button']").re_first(LOAD_MORE))


def adjacent_articles(selector: Selector, base_url: str, rules: SiteRules) -> list[str]:
    """Canonical URLs of the previous/next article links of an article page."""
    out = []
    for href in selector.xpath("//a[contains(., 'Previous') or contains(., 'Next') "
                               "or @rel='prev' or @rel='next']/@href").getall():
        url = urljoin(base_url, href)
        if rules.is_article(url):
            out.append(rules.article_url(url))
    return out

