"""Where a page marks its authors: the kinds of author markup (found in one pass over the
tree), the places a byline there is not the article's (navigation, footers, sidebars, comments,
teasers of other articles, menus of authors' pages), and a byline element's text read in parts."""
from __future__ import annotations

import re
from collections import Counter

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.page import Page

# Author markup, most specific first; each kind is tried alone (the first that names someone
# wins): schema.org microdata, rel=author, hCard/byline classes, links to an author page, any
# class that says author or writer (in English, German or French: "single-post--header_author", "date-author",
# "autor", "auteur"; comments' aside). All found in one pass over the tree (``author_marks``).
_ITEMPROP_AUTHOR = etree.XPath('//*[@itemprop="author"]//*[@itemprop="name"] | '
                               '//*[@itemprop="author"][not(.//*[@itemprop="name"])]')
_MARKED = etree.XPath("//*[@class or @rel] | //a[@href]")
_NAME_CLASSES = frozenset({"author-name", "author__name", "byline__name", "byline-name", "fn", "username"})
_BYLINE_CLASSES = frozenset({"byline", "author", "article-author", "post-author"})
# the address of an author's page: /author/jane, /autoren/jane, /about/editors/jane, /journaliste/jane
_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor(?:en|in)?|auteurs?|autore|editors|journalist(?:e|s|en)?|"
                          r"writers|reporters|columnists|contributors)/[^/?#]", re.I)
AUTHOR_KINDS = ("itemprop", "rel", "name_class", "byline_class", "byline_in_class", "author_link", "author_in_class",
                "label")
# an element that is a label alone ("Autor", "Author:"), the name after it
_LABEL_ALONE = etree.XPath(r"//*[not(*)][re:test(normalize-space(), '^(author|autor|autorin|auteur|verfasser|"
                           r"verfasserin)\s*:?$', 'i')]", namespaces={"re": "http://exslt.org/regular-expressions"})


def author_marks(page: Page) -> list[list[HtmlElement]]:
    """The elements of each kind of author markup (AUTHOR_KINDS), in document order, once a page."""
    kinds: list[list[HtmlElement]] = [[] for _ in AUTHOR_KINDS]
    kinds[0] = _ITEMPROP_AUTHOR(page.root) if "itemprop" in page.html else []
    for el in _MARKED(page.root):
        for kind in _kinds_of(el):
            kinds[kind].append(el)
    kinds[-1] = [n for n in map(_labelled, _LABEL_ALONE(page.root)) if n is not None]
    return kinds


def _labelled(label: HtmlElement) -> HtmlElement | None:
    """What a label alone names: its row ("<h5>Autor:</h5>Peter Maahn", read from the label on)
    or the element after it ("<h4>Autor</h4><p><a>Nikolai Huke</a></p>")."""
    if (label.tail or "").strip():
        return label.getparent() if (label.text or "").strip().endswith(":") else None
    return label.getnext()


def _kinds_of(el: HtmlElement) -> list[int]:
    """The kinds of author markup (their places in AUTHOR_KINDS but the first) ``el`` is."""
    found = [1] if el.get("rel") == "author" else []
    cls = el.get("class")
    if cls:
        tokens, low = cls.split(), cls.lower()
        found += [k for k, hit in ((2, not _NAME_CLASSES.isdisjoint(tokens)), (3, not _BYLINE_CLASSES.isdisjoint(tokens)),
                                   (4, "byline" in low),
                                   (6, ("author" in low or "autor" in low or "auteur" in low or "writer" in low)
                                    and "comment" not in low))
                  if hit]
    if el.tag == "a" and _AUTHOR_PAGE.search(el.get("href") or ""):
        found.append(5)
    return sorted(found)


_OUTSIDE = frozenset({"nav", "footer", "aside"})

# Blocks of other articles' teasers ("more from", related, recommended, trending): their bylines
# are those articles' (#31)
_TEASERS = re.compile(r"related|recommend|more-?(?:from|stories|news|articles)|teaser|promo|trending|popular|"
                      r"most-?read|read-?next|up-?next|also-?read", re.I)


def in_teaser(el: HtmlElement, root: HtmlElement | None, h1: HtmlElement | None = None) -> bool:
    """Is ``el`` part of a teaser of another article: inside an <article> nested in the page's
    own <article>, or one of a list of <article> cards, or a card whose linked heading is
    beside it (two levels up at most), or inside a block of related or recommended stories
    (classes and ids up to the article's root, not above it: a page's wrapper may name what the
    page shows besides). A byline next to the headline ``h1`` (in the same block, two levels up
    at most) is the article's whatever its classes say."""
    nested = root is not None and root.tag == "article"
    beside = set(h1.iterancestors()) if h1 is not None else set()
    for depth, anc in enumerate(el.iterancestors()):
        if anc is root or (depth < 2 and anc in beside):
            return False
        if _is_teaser(anc, nested) or (depth < 2 and anc not in beside and _card_title_before(anc, el)):
            return True
    return False


_CARD_HEADINGS = frozenset({"h2", "h3", "h4"})
_LINKED = etree.XPath(".//a[@href][not(starts-with(@href, '#'))]")


def _card_title_before(card: HtmlElement, el: HtmlElement) -> bool:
    """Is the last heading in ``card`` before ``el`` a link to another page (a teaser's title,
    "by" under it)? Only ``card``'s own elements are read."""
    last = None
    for node in card.iter():
        if node is el:
            break
        if node.tag in _CARD_HEADINGS:
            last = node
    return last is not None and bool(_LINKED(last))


def _is_teaser(el: HtmlElement, nested: bool) -> bool:
    """An <article> nested in the page's own, one of a list of them, or a block whose class or
    id says related, recommended, more from, teaser."""
    if el.tag == "article":
        parent = el.getparent()
        if nested or (parent is not None and sum(1 for c in parent if c.tag == "article") > 1):
            return True
    return bool(_TEASERS.search(f'{el.get("class") or ""} {el.get("id") or ""}'))


def elsewhere(el: HtmlElement, h1: HtmlElement | None = None) -> bool:
    """In navigation, a footer, an aside or the comments: not the article's byline. A <nav> or
    <aside> of a few words beside the headline ``h1`` (its parent one of the headline's four
    nearest ancestors below <body>) is the article's meta (a news site's "by" line, its byline
    box), not a sidebar; so is a <footer> of a few words before the article's text."""
    near = {a for a in list(h1.iterancestors())[:4] if a.tag not in ("body", "html")} if h1 is not None else set()
    for a in el.iterancestors():
        if a.tag == "body":
            break  # its classes say what the page shows ("front_hidecomments"), not where
        if "comment" in (a.get("class") or "").lower() or a.get("id") == "comments":
            return True
        if a.tag in _OUTSIDE and not _entry_meta(a, near):
            return True
    return False


def _entry_meta(el: HtmlElement, near: set[HtmlElement]) -> bool:
    """A <nav> or <aside> of a few words beside the headline, or a <footer> of a few words in
    an <article> before its text (a WordPress theme's "post-meta"): the entry's meta."""
    if not _small(el):
        return False
    if el.tag != "footer":
        return el.getparent() in near
    return any(a.tag == "article" for a in el.iterancestors()) and \
        not any(len("".join(s.itertext()).strip()) > 200 for s in el.itersiblings(etree.Element, preceding=True))


def _small(el: HtmlElement) -> bool:
    """A block of a few words (a byline box, a "by" line), not a sidebar's column of widgets."""
    return len("".join(el.itertext()).strip()) <= 400


# Blocks inside a byline element: each its own part ("By Meg Wagner | NEW YORK DAILY NEWS | Dec
# 16, 2016": a name, then the publication and the date line, not one glued text); list items
# are names in a row
_BYLINE_PARTS = frozenset({"div", "p", "br", "dd", "dt", "section", "header", "address", "h2", "h3", "h4", "h5", "h6"})
_UNREAD = frozenset({"script", "style", "noscript", "template"})
# a link to a section's page in a byline names the section ("View all posts in Scifly"), not a person
_SECTION_PAGE = re.compile(r"/(?:category|categories|tags?|topics?|section|rubrik|kategorie|themen)/", re.I)
_CREDIT_CLASS = re.compile(r"copyright|caption|screen-reader-text|sr-only|visually-hidden", re.I)
_SEPARATORS = re.compile(r"(?:\s*[|,]\s*){2,}|\s*\|\s*")


def byline_text(el: HtmlElement) -> str:
    """The text of a byline element, its blocks kept apart by " | " and its list items by ", "."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        parts.append(node.text or "")
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag not in _UNREAD and not _aside_of_byline(child, tag):
                apart = " | " if tag in _BYLINE_PARTS else ", " if tag == "li" else ""
                parts.append(apart)
                walk(child)
                parts.append(apart)
            parts.append(child.tail or "")
    walk(el)
    text = _SEPARATORS.sub(lambda m: " | " if "|" in m.group() else ", ", " ".join("".join(parts).split()))
    return text.strip(" |,")


def _aside_of_byline(el: HtmlElement, tag: str) -> bool:
    """A part of a byline element that names no writer: a link to a section's page, a photo's
    credit or caption ("<span class="teaser-copyright">© Kathrin Führes</span>" on the author's
    picture), a label for screen readers only (WordPress's "Post author")."""
    if tag == "a" and _SECTION_PAGE.search(el.get("href") or ""):
        return True
    return tag == "figcaption" or bool(_CREDIT_CLASS.search(el.get("class") or ""))


def not_a_menu(links: list[HtmlElement]) -> list[HtmlElement]:
    """Links to authors' pages but those of a list of more than three (a menu, a directory)."""
    lists = [next(el.iterancestors("ul", "ol"), None) for el in links]
    per_list = Counter(lists)
    return [el for el, ul in zip(links, lists) if ul is None or per_list[ul] <= 3]
