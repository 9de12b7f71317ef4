"""Parser versions: which layers read which field, per generation of the portal's markup.

A theme is chosen per page by a cheap probe of its markup and recorded in the article's
``extraction["theme"]``. A redesign of the site is a new class here (with its fixtures and
golden files in tests/), not new branches inside the layers:

1. subclass :class:`Theme`, name it, write ``probe`` (markup only the new theme has);
2. give ``layers`` (the default order) and ``field_layers`` (fields that need another);
3. put it in ``THEMES`` before the themes it must win against (before ``PortalTheme``);
4. save a page of it under tests/html/, run ``python scripts/golden.py --add PAGE URL``
   and check the JSON.
"""
from __future__ import annotations

import re
from html import unescape as html_unescape
from typing import Any

from newscrawl.extract.layers.layer import LayerName as L
from newscrawl.extract.page import Page

# Probes search the page's markup: a substring search costs far less than a walk of the tree.
_WORDPRESS = re.compile(r"""\bid=["']?mvp-|\bclass=["'][^"']*\bmvp-post-""")
_NEXTJS = ("__NEXT_DATA__", 'id="__next"', "id='__next'", "/_next/static/", "self.__next_f")
_TITLE = re.compile(r"<title[^>]*>([^<]{0,400})</title>", re.I)
_PUBLISHED_BY = re.compile(r">\s*Published by\s+([^<]{1,120})<", re.I)


class Theme:
    """The portal's pages of one generation. ``order(field)`` gives the layers to ask, in turn."""
    name = ""
    layers: tuple[L, ...] = ()
    field_layers: dict[str, tuple[L, ...]] = {}
    # the byline a reader sees wins over structured authors it names and adds to ("By A, B
    # and C" where JSON-LD gives A)
    visible_byline_adds = False

    @staticmethod
    def probe(page: Page) -> bool:
        raise NotImplementedError

    def order(self, field: str) -> tuple[L, ...]:
        return self.field_layers.get(field, self.layers)


def names_site(page: Page) -> bool:
    """Does the page say it is the portal's: og:site_name, the <title>'s suffix, the JSON-LD
    publisher or WebSite, or the "Published by <site>" line?"""
    names = tuple(n.lower() for n in page.config.site_names)

    def is_site(value: Any) -> bool:
        return isinstance(value, str) and value.strip().lower().rstrip("®™ ") in names

    if is_site(page.meta_first("og:site_name")):
        return True
    m = _TITLE.search(page.html)
    title = html_unescape(m.group(1)).strip().lower().rstrip("®™ ") if m else ""
    if any(title.endswith(sep + n) for n in names for sep in (" | ", " - ", " – ", " — ")):
        return True
    for node in page.jsonld:
        pub = node.get("publisher")
        if is_site(pub.get("name") if isinstance(pub, dict) else pub):
            return True
        if node.get("@type") == "WebSite" and is_site(node.get("name")):
            return True
    if "Published by" not in page.html:
        return False
    return any(n in html_unescape(t).lower() for t in _PUBLISHED_BY.findall(page.html) for n in names)


class WordPressTheme(Theme):
    """The portal until late 2024: WordPress with the MVP/Zox theme (ids "mvp-..", classes
    "mvp-post-..": the theme's own markup, which its selectors read)."""
    name = "wordpress"
    layers = (L.JSONLD, L.META, L.LEGACY, L.SEMANTIC, L.GENERIC)
    field_layers = {
        "summary": (L.SEMANTIC, L.JSONLD, L.META),
        "category": (L.JSONLD, L.META, L.LEGACY, L.SEMANTIC),
    }

    @staticmethod
    def probe(page: Page) -> bool:
        html = page.html
        return "mvp-" in html and bool(_WORDPRESS.search(html))


class NextJsTheme(Theme):
    """The portal since late 2024: Next.js over Sanity. Class names are generated, so it is
    read by structured data and by what a reader sees (labels), never by class. Probe: a
    Next.js page that says it is the portal's; another site's Next.js page is foreign."""
    name = "nextjs"
    layers = (L.JSONLD, L.NEXTDATA, L.META, L.SEMANTIC, L.GENERIC)
    field_layers = {
        # "summary" is the page's "Quick Summary"; descriptions are the fallback.
        "summary": (L.SEMANTIC, L.JSONLD, L.NEXTDATA, L.META),
        # The section shown above the title is the reader's category.
        "category": (L.JSONLD, L.NEXTDATA, L.META, L.SEMANTIC),
    }

    @staticmethod
    def probe(page: Page) -> bool:
        html = page.html
        return any(marker in html for marker in _NEXTJS) and names_site(page)


class PortalTheme(NextJsTheme):
    """A page that says it is the portal's but shows neither known theme's markup: a redesign
    no class is written for yet. Read as the portal is read (structured data, then the
    visible labels, which are the portal's and outlive its markup), and named apart so that
    the run checks report it ("portal" counts as unknown)."""
    name = "portal"

    @staticmethod
    def probe(page: Page) -> bool:
        return names_site(page)


class ForeignTheme(Theme):
    """A page not shaped like the portal's (another site, a redesign nobody has seen): its
    body comes from generic extraction first, which is site-agnostic; the reader's view
    (semantic) fills only what any page shows (title, date, byline, breadcrumbs, figure),
    never the portal's own labels and sections ("Tags:", "Last updated:", "Quick Summary",
    ...), which such a page does not have."""
    name = "generic"
    visible_byline_adds = True
    layers = (L.JSONLD, L.NEXTDATA, L.META, L.SEMANTIC, L.GENERIC)
    field_layers = {
        "body": (L.GENERIC, L.JSONLD, L.NEXTDATA, L.SEMANTIC),
        "summary": (L.JSONLD, L.NEXTDATA, L.META),
        "publisher": (L.JSONLD, L.META),
        "source": (L.JSONLD, L.NEXTDATA),
        "tags": (L.JSONLD, L.NEXTDATA, L.META),
        "updated_at": (L.JSONLD, L.NEXTDATA, L.META),
        "read_time_minutes": (L.JSONLD,),
        "key_takeaways": (),
        "faq": (L.JSONLD,),
        "related_urls": (),
    }

    @staticmethod
    def probe(page: Page) -> bool:
        return True


THEMES: tuple[Theme, ...] = (WordPressTheme(), NextJsTheme(), PortalTheme())
UNKNOWN = ("portal", "generic")  # themes that mean "no version knows this markup"
FALLBACK = ForeignTheme()


def choose(page: Page, themes: tuple[Theme, ...] = THEMES) -> Theme:
    return next((t for t in themes if t.probe(page)), FALLBACK)
