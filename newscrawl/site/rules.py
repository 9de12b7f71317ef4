"""URL rules of the portal: canonical form, what is an article, what is a category.

Every rule is data on :class:`SiteRules`, built from settings, so a change of the live
site's URL scheme is a settings change.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS

from newscrawl.conf.crawling import LIVE_BASE_URL  # the live site's address, declared once
from newscrawl.site.seen import Memo

# Query parameters that only track the click, never select content.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w*|mc_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|twclid|"
    r"_ga|_gl|_hsenc|_hsmi|ref|ref_src|cmpid|ocid|s_cid|spm|sr_share)$",
    re.I,
)

# Single-segment paths that are site pages, not articles.
NON_ARTICLE_SLUGS = frozenset(
    """
    about-us about contact-us contact profile privacy-cookie-policy privacy-policy privacy
    cookie-policy terms-of-use terms advertising advertise submit-post latest-news
    research-reports press-release press-releases faq faqs html-sitemap sitemap search
    login register subscribe newsletter awards magazine magazines feed rss.xml atom.xml
    llms.txt llms-full.txt robots.txt wp-admin wp-login.php wp-json
    """.split()
)

# First path segments that never lead to articles.
NON_ARTICLE_PREFIXES = (
    "category", "tag", "tags", "author", "authors", "feed", "api", "admin", "_next",
    "wp-json", "wp-admin", "wp-content", "wp-includes", "sitemaps", "awards", "magazine",
    "magazines", "search", "page", "static",
)

_IGNORED_EXT = tuple("." + e for e in IGNORED_EXTENSIONS) + (".xml", ".txt", ".json")


def canonicalize(url: str, *, trailing_slash: bool | None = None) -> str:
    """Canonical form of ``url``: scheme and host lower-cased, default port, fragment and
    tracking parameters dropped, path case kept. ``trailing_slash`` True/False forces the
    path's final slash; None keeps it as given."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    if trailing_slash is not None and path != "/":
        path = path.rstrip("/") + ("/" if trailing_slash else "")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def _bare_host(host: str) -> str:
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


KINDS_CACHE = 100_000  # URLs a generation whose kind SiteRules.classify remembers (~40 MB at most)


@dataclass
class SiteRules:
    """Which URLs belong to the crawled site and what they are."""

    base_url: str = LIVE_BASE_URL
    non_article_slugs: frozenset[str] = NON_ARTICLE_SLUGS
    non_article_prefixes: tuple[str, ...] = NON_ARTICLE_PREFIXES
    denied_hosts: tuple[str, ...] = ("staging.",)
    extra_deny: tuple[str, ...] = ()
    _deny_res: list[re.Pattern] = field(default_factory=list, init=False, repr=False)
    # classify()'s answers: the same pager, navigation and card links appear on every page
    _kinds: Memo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.base_url = canonicalize(self.base_url, trailing_slash=False).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.host = _bare_host(parts.netloc)
        self._deny_res = [re.compile(p) for p in self.extra_deny]
        self._kinds = Memo(self._kind, KINDS_CACHE)

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def same_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:  # "http://[bad": no URL, no site
            return False
        if parts.scheme not in ("http", "https"):
            return False
        netloc = parts.netloc.lower()
        if any(netloc.startswith(d) for d in self.denied_hosts):
            return False
        return _bare_host(netloc) == self.host

    def _segments(self, url: str) -> list[str]:
        return [s for s in urlsplit(url).path.split("/") if s]

    def is_article(self, url: str) -> bool:
        """An article is one slug at the site root: ``/some-slug`` or ``/some-slug/``."""
        if not self.same_site(url):
            return False
        segs = self._segments(url)
        if len(segs) != 1:
            return False
        slug = segs[0]
        if slug.lower() in self.non_article_slugs or slug.lower() in self.non_article_prefixes:
            return False
        if slug.lower().endswith(_IGNORED_EXT) or slug.startswith((".", "_")):
            return False
        return not any(r.search(url) for r in self._deny_res)

    def category_path(self, url: str) -> str | None:
        """``finance`` or ``finance/fintech`` for a category listing URL (any page)."""
        if not self.same_site(url):
            return None
        segs = self._segments(url)
        if len(segs) < 2 or segs[0] != "category":
            return None
        segs = segs[1:]
        if len(segs) >= 2 and segs[-2] == "page" and segs[-1].isdecimal():
            segs = segs[:-2]
        if not segs or segs[-1] == "feed":
            return None
        return "/".join(segs)

    def classify(self, url: str) -> tuple[str | None, str | None]:
        """(category path, canonical article URL) of an absolute URL: at most one is not
        None. Remembered (newscrawl.site.seen.Memo, KINDS_CACHE URLs a generation): listing pages
        repeat their links, and a link read again costs a dict lookup instead of two parses.
        (None, None) for a URL that cannot be parsed ("http://[bad"): it is no page of the site."""
        try:
            return self._kinds(url)
        except ValueError:
            return None, None

    def _kind(self, url: str) -> tuple[str | None, str | None]:
        path = self.category_path(url)
        return (path, None) if path else (None, self.article_url(url) if self.is_article(url) else None)

    def category_url(self, path: str, page: int = 1) -> str:
        suffix = f"page/{page}/" if page > 1 else ""
        return self.url(f"/category/{path.strip('/')}/{suffix}")

    def article_url(self, url: str) -> str:
        """Canonical URL of an article: article paths carry no trailing slash."""
        return canonicalize(url, trailing_slash=False)


def site_of(url: str) -> str:
    """scheme://host[:port] of a URL: the site it belongs to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mask_password(url: str) -> str:
    """A connection URL (MongoDB, Redis, scrapyd) with its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return re.sub(r"://([^:/@]*):[^@/]+@", r"://\1:***@", url)
