"""Where a page marks its authors: the kinds of author markup (found in one pass over the
tree), and the places a byline there is not the article's (navigation, footers, asides, comments,
teasers of other articles)."""
from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.page import Page

# Author markup, most specific first; each kind is tried alone (the first that names someone
# wins): schema.org microdata, rel=author, hCard/byline classes, links to an author page, any
# class that says author (in English or German: "single-post--header_author", "date-author",
# "autor"; comments' aside). All found in one pass over the tree (``author_marks``).
_ITEMPROP_AUTHOR = etree.XPath('//*[@itemprop="author"]//*[@itemprop="name"] | '
                               '//*[@itemprop="author"][not(.//*[@itemprop="name"])]')
_MARKED = etree.XPath("//*[@class or @rel] | //a[@href]")
_NAME_CLASSES = frozenset({"author-name", "author__name", "byline__name", "byline-name", "fn"})
_BYLINE_CLASSES = frozenset({"byline", "author", "article-author", "post-author"})
AUTHOR_KINDS = ("itemprop", "rel", "name_class", "byline_class", "byline_in_class", "author_link", "author_in_class")


def author_marks(page: Page) -> list[list[HtmlElement]]:
    """The elements of each kind of author markup (AUTHOR_KINDS), in document order, once a page."""
    kinds: list[list[HtmlElement]] = [[] for _ in AUTHOR_KINDS]
    kinds[0] = _ITEMPROP_AUTHOR(page.root) if "itemprop" in page.html else []
    for el in _MARKED(page.root):
        for kind in _kinds_of(el):
            kinds[kind].append(el)
    return kinds


def _kinds_of(el: HtmlElement) -> list[int]:
    """The kinds of author markup (their places in AUTHOR_KINDS but the first) ``el`` is."""
    found = [1] if el.get("rel") == "author" else []
    cls = el.get("class")
    if cls:
        tokens = cls.split()
        found += [k for k, hit in ((2, not _NAME_CLASSES.isdisjoint(tokens)), (3, not _BYLINE_CLASSES.isdisjoint(tokens)),
                                   (4, "byline" in cls), (6, ("author" in cls or "autor" in cls) and "comment" not in cls))
                  if hit]
    if el.tag == "a" and ("/author/" in (href := el.get("href") or "") or "/authors/" in href):
        found.append(5)
    return sorted(found)


_OUTSIDE = frozenset({"nav", "footer", "aside"})

# Blocks of other articles' teasers ("more from", related, recommended, trending): their bylines
# are those articles' (#31)
_TEASERS = re.compile(r"related|recommend|more-?(?:from|stories|news|articles)|teaser|promo|trending|popular|"
                      r"most-?read|read-?next|up-?next|also-?read", re.I)


def in_teaser(el: HtmlElement, root: HtmlElement | None, h1: HtmlElement | None = None) -> bool:
    """Is ``el`` part of a teaser of another article: inside an <article> nested in the page's
    own <article>, or one of a list of <article> cards, or inside a block of related or
    recommended stories (classes and ids up to the article's root, not above it: a page's
    wrapper may name what the page shows besides). A byline next to the headline ``h1`` (in
    the same block, two levels up at most) is the article's whatever its classes say."""
    nested = root is not None and root.tag == "article"
    beside = set(h1.iterancestors()) if h1 is not None else set()
    for depth, anc in enumerate(el.iterancestors()):
        if anc is root or (depth < 2 and anc in beside):
            return False
        if _is_teaser(anc, nested):
            return True
    return False


def _is_teaser(el: HtmlElement, nested: bool) -> bool:
    """An <article> nested in the page's own, one of a list of them, or a block whose class or
    id says related, recommended, more from, teaser."""
    if el.tag == "article":
        parent = el.getparent()
        if nested or (parent is not None and sum(1 for c in parent if c.tag == "article") > 1):
            return True
    return bool(_TEASERS.search(f'{el.get("class") or ""} {el.get("id") or ""}'))


def elsewhere(el: HtmlElement) -> bool:
    """In navigation, a footer, an aside or the comments: not the article's byline."""
    return any(a.tag in _OUTSIDE or "comment" in (a.get("class") or "").lower() or a.get("id") == "comments"
               for a in el.iterancestors())
