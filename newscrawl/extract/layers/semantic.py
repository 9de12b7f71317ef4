"""Layer: what a reader sees: h1, breadcrumbs, time, figure, and the visible labels
("Posted on", "N min read", "Last updated:", "Tags:", "Quick Summary", "Key Takeaways",
"Frequently Asked Questions", "By ...", "More from ...")."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.extract.authorship import AUTHOR_KINDS, author_marks, byline_text, elsewhere, in_teaser, not_a_menu
from newscrawl.extract.blocks import Block, Reading, headline_of, read_blocks, text_of
from newscrawl.extract.common import unwrap_image
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.extract.shown import BY_START, BY_WORDS, LABELS, header_byline, header_date
from newscrawl.site.text import clean, dateline_source, looks_like_byline, split_byline, without_handles

_BREADCRUMBS = etree.XPath('//nav[contains(translate(@aria-label,"BREADCRUMB","breadcrumb"),"breadcrumb")]'
                           ' | //*[contains(@itemtype,"BreadcrumbList")]'
                           ' | //ol[contains(translate(@aria-label,"BREADCRUMB","breadcrumb"),"breadcrumb")]')
_CRUMB_ITEMS = etree.XPath(".//li")
_CRUMB_LINKS = etree.XPath(".//a | .//span[not(ancestor::a)]")
_CRUMB_HREF = etree.XPath("(.//a/@href | self::a/@href)[1]")
_ARTICLE_BODY = etree.XPath("(//*[@itemprop='articleBody'])[1]")
_FIRST_OF = {tag: etree.XPath(f"(//{tag})[1]") for tag in ("article", "main")}
# the first <time> but an update's (WordPress themes write <time class="updated"> beside, or
# before, <time class="entry-date published">; one time for both is "entry-date published updated"),
# else the first (a theme's only <time> may say "updated")
_PUBLISHED_TIME = etree.XPath("(//time[@datetime][not((contains(@class,'updated') or contains(@class,'modified')) and "
                              "not(contains(@class,'published') or contains(@class,'entry-date')))])[1]")
_TIME = etree.XPath("(//time[@datetime])[1]")
_AUTHOR_LABEL = re.compile(rf"\b(?:{LABELS}|autore)\s*:", re.I)  # one of a row of labels
_LEAD_BY = re.compile(r"^" + BY_WORDS + r"\s*[:\-–]?\s*", re.I)
_PERSON_KINDS = frozenset({"itemprop", "rel", "name_class"})  # markup that says "a person's name"


def marked_authors(page: Page, first: bool = False) -> list[str]:
    """Names in author markup: the first kind of AUTHOR_KINDS that gives some (``first``:
    only its first element that names someone, the byline at the top). Outside
    navigation, footers, asides, comments and teasers of other articles; a leading "By" is
    dropped (also when it is an element of its own beside the name)."""
    root = article_root(page)[0]
    for kind in range(len(AUTHOR_KINDS)):
        names: list[str] = []
        for el in _marked(page, kind):
            if elsewhere(el, page.h1) or in_teaser(el, root, page.h1):
                continue
            text = byline_text(el)
            label = _AUTHOR_LABEL.search(text)  # "Datum: 19.11.2021 Autor: Fritz Imhof Quelle: Livenet"
            text = _LEAD_BY.sub("", text[label.start():] if label else text).lstrip(" |")
            if not text or len(text) > 120 or text.endswith(":"):
                continue  # nothing, a paragraph, or a label ("Datum:") of its own
            names += page.byline("By " + text, user_names=AUTHOR_KINDS[kind] in _PERSON_KINDS)
            if names and first:
                break
        if names:
            return without_handles(list(dict.fromkeys(names)))
    return []


def _marked(page: Page, kind: int) -> list[HtmlElement]:
    found = page.once("semantic.author_marks", author_marks)[kind]
    if AUTHOR_KINDS[kind] == "author_link":
        return not_a_menu(found)
    if AUTHOR_KINDS[kind] == "author_in_class":
        return _outermost_in_article(page, found)
    return list(found)


def _outermost_in_article(page: Page, found: list[HtmlElement]) -> list[HtmlElement]:
    """Of the elements whose class merely says "author", the outermost (read whole: "Reuters,
    Washington" is a wire byline and its dateline, not a name), in the article or beside its
    headline only (a listing's cards say "author" too)."""
    matched = set(found)
    root, h1 = article_root(page)[0], page.h1
    beside = {a for a in h1.iterancestors() if a.tag not in ("body", "html")} if h1 is not None else set()
    return [el for el in found if not any(a in matched for a in el.iterancestors())
            and any(a is root or (i < 4 and a in beside) for i, a in enumerate(el.iterancestors()))]


def find_root(ctx: Page) -> tuple[HtmlElement | None, HtmlElement | None]:
    """The element that holds the article: <article> around the h1, else <main>, else None."""
    h1 = ctx.h1
    if h1 is not None:
        for anc in h1.iterancestors():
            if anc.tag in ("article", "main"):
                return anc, h1
    for tag in ("article", "main"):
        found = _FIRST_OF[tag](ctx.root)
        if found:
            el = found[0]
            return el, h1 if h1 is not None and el in set(h1.iterancestors()) else None
    body = _ARTICLE_BODY(ctx.root)
    if body:
        return body[0], None
    return None, h1


def breadcrumbs(ctx: Page) -> list[dict[str, Any]]:
    for nav in _BREADCRUMBS(ctx.root):
        items = _CRUMB_ITEMS(nav) or _CRUMB_LINKS(nav)
        crumbs = []
        for li in items:
            name = text_of(li)
            href = _CRUMB_HREF(li)
            if name and name not in (">", "/", "»", "›"):
                crumbs.append({"name": name, "url": ctx.abs(href[0] if href else None)})
        if crumbs:
            return crumbs
    return []


def _figure(ctx: Page, root: HtmlElement) -> dict[str, Any] | None:
    fig = root.find(".//figure") if root is not None else None
    img = fig.find(".//img") if fig is not None else None
    if img is None:
        return None
    src = img.get("src") or img.get("data-src") or (img.get("srcset") or "").split(" ")[0]
    if not src or src.startswith("data:"):
        return None
    out = {"url": unwrap_image(ctx.abs(src))}
    if img.get("alt"):
        out["alt"] = clean(img.get("alt"))
    cap = fig.find(".//figcaption") if fig is not None else None
    if cap is not None and text_of(cap):
        out["caption"] = text_of(cap)
    return out


def _faq(ctx: Page, blocks: list[Block]) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for b in blocks:
        is_q = b.kind == "heading" or b.el.tag in ("dt", "summary") or (
            b.text.endswith("?") and len(b.text) < 200 and b.kind != "item")
        if is_q:
            pairs.append({"question": ctx.strip_number(_question_text(b.el, b.text), len(pairs) + 1),
                          "answer": ""})
        elif pairs:
            pairs[-1]["answer"] = clean(f'{pairs[-1]["answer"]} {b.text}')
    return [p for p in pairs if p["question"] and p["answer"]]


def _question_text(el: HtmlElement, text: str) -> str:
    """A question's text without a number that sits in its own element (``<span>1</span>``)."""
    first = next((c for c in el if isinstance(c.tag, str)), None)
    if first is not None and not (el.text or "").strip() and text_of(first).rstrip(".):").isdigit():
        rest = text[len(text_of(first)):].lstrip(" .):")
        return rest or text
    return text


def _related(ctx: Page, w: Reading) -> list[str]:
    urls: list[str] = []
    els = [b.el for b in w.sections.get("related", [])] + w.section_roots.get("related", [])
    for el in els:
        for a in el.iter("a"):
            url = ctx.article_link(a.get("href"))
            if url and url not in urls:
                urls.append(url)
    return urls


def article_root(page: Page) -> tuple[HtmlElement | None, HtmlElement | None]:
    """(the element holding the article or None, the h1 the body follows or None), once a page."""
    return page.once("semantic.root", find_root)


def reading(page: Page) -> Reading:
    """The reader's walk of the article's blocks, once a page. It covers the whole <body> when
    no <article> or <main> holds the article: its labels count then, its body text does not."""
    def walk(p: Page) -> Reading:
        root, h1 = article_root(p)
        return read_blocks(root if root is not None else p.body_el, h1)
    return page.once("semantic.reading", walk)


def byline_and_body(blocks: list[Block], site_names: Sequence[str]=(), publishers: Sequence[str]=()) -> tuple[list[str], list[Any]]:
    """Take the byline ("By A and B") out of the first blocks of a body."""
    authors: list[str] = []
    rest = []
    for i, b in enumerate(blocks):
        if not authors and i < 4 and b.kind != "heading" and looks_like_byline(b.text, site_names, publishers):
            authors = split_byline(b.text, site_names=site_names, publishers=publishers)
            continue
        rest.append(b)
    return authors, rest


def _byline_body(page: Page) -> tuple[list[str], list[Any]]:
    return byline_and_body(reading(page).body, page.config.site_names, page.publisher_names)


class SemanticLayer(Layer):
    name = LayerName.SEMANTIC

    @reads
    def title(self, page: Page) -> str | None:
        """The first <h1> that is not the site's name (a logo's)."""
        return next((t for t in (headline_of(h) for h in page.headings) if t and page.strip_site_name(t)), None)

    @reads
    def breadcrumbs(self, page: Page) -> list[dict[str, Any]]:
        return page.once("semantic.crumbs", breadcrumbs)

    @reads
    def category(self, page: Page) -> str | None:
        crumbs = self.breadcrumbs(page)
        if len(crumbs) >= 2:
            last_is_page = crumbs[-1]["url"] in (None, page.url) or crumbs[-1]["name"] == self.title(page)
            if not last_is_page:
                return str(crumbs[-1]["name"])
            if len(crumbs) >= 3:
                return str(crumbs[-2]["name"])
        root = article_root(page)[0]
        if root is None:
            return None
        last = None  # the last category link before the title
        for el in root.iter("a", "h1"):
            if el is page.h1:
                break
            if el.tag == "a" and page.rules.category_path(page.abs(el.get("href")) or ""):
                last = el
        return text_of(last) or None if last is not None else None

    @reads
    def published_at(self, page: Page) -> datetime | None:
        m = reading(page).meta
        when = page.date(m.posted_attr) or page.date(m.posted)
        if when:
            return when
        shown = header_date(page)
        if shown and page.date_shapes.get(shown) != "date_only":
            return shown
        t = _PUBLISHED_TIME(page.root) or _TIME(page.root)
        return (page.date(t[0].get("datetime")) if t else None) or shown

    @reads
    def updated_at(self, page: Page) -> datetime | None:
        m = reading(page).meta
        return page.date(m.updated_attr) or page.date(m.updated)

    @reads
    def read_time_minutes(self, page: Page) -> int | None:
        return reading(page).meta.read_time

    @reads
    def publisher(self, page: Page) -> str | None:
        by = reading(page).meta.published_by
        return clean(re.sub(r"[®™]", "", by)) or None if by else None

    @reads
    def tags(self, page: Page) -> list[str]:
        return reading(page).meta.tags or []

    @reads
    def authors(self, page: Page) -> list[str]:
        return self._authors(page)

    def top_byline(self, page: Page) -> list[str]:
        """The names of the byline at the top of the article: the one of ``authors`` with
        author markup read from its first element only."""
        return self._authors(page, first=True)

    def _authors(self, page: Page, first: bool = False) -> list[str]:
        authors = list(page.once("semantic.byline", _byline_body)[0])  # the page state stays as it is
        root = article_root(page)[0]
        if not authors and root is not None:
            authors = _header_byline(root, page)
        if not authors:
            authors = marked_authors(page, first)
        if not authors:
            authors = header_byline(page)
        return list(dict.fromkeys(authors))

    @reads
    def body(self, page: Page) -> str | None:
        if article_root(page)[0] is None:
            return None  # no <article> or <main>: the labels count, the text is anyone's
        blocks = page.once("semantic.byline", _byline_body)[1]
        if all(b.kind == "heading" for b in blocks):
            return None  # headings alone (a listing's section titles) are no article
        return "\n\n".join(b.text for b in blocks)

    @reads
    def source(self, page: Page) -> str | None:
        blocks = page.once("semantic.byline", _byline_body)[1]
        return dateline_source(next((b.text for b in blocks if b.kind != "heading"), ""))

    @reads
    def summary(self, page: Page) -> str | None:
        summary = reading(page).sections.get("summary") or []
        return summary[0].text if summary else None

    @reads
    def key_takeaways(self, page: Page) -> list[str]:
        return [b.text.lstrip("•·-–*▪● ").strip() for b in reading(page).sections.get("takeaways", [])
                if b.kind != "heading"]

    @reads
    def faq(self, page: Page) -> list[dict[str, Any]]:
        return _faq(page, reading(page).sections.get("faq", []))

    @reads
    def related_urls(self, page: Page) -> list[str]:
        return _related(page, reading(page))

    @reads
    def image(self, page: Page) -> dict[str, Any] | None:
        return _figure(page, article_root(page)[0])

    @reads
    def language(self, page: Page) -> str | None:
        root = page.root
        lang = root.get("lang") or root.get("xml:lang") if root is not None else None
        return clean(lang) or None


def _header_byline(root: HtmlElement, ctx: Page) -> list[str]:
    """A "By ..." line beside the title (often in a <header> the body walk skips)."""
    for el in root.iter("p", "div", "span", "address"):
        if not BY_START.match(_first_text(el)):
            continue  # a byline's text starts with "By": only those are read whole
        if any(anc.tag in ("nav", "footer", "aside") for anc in el.iterancestors()):
            continue
        text = text_of(el)
        if len(text) <= 160 and looks_like_byline(text, ctx.config.site_names, ctx.publisher_names):
            return ctx.byline(text)
    return []


def _first_text(el: HtmlElement) -> str:
    """The first text of an element: its own, else its first descendant's."""
    for node in el.iter():
        if node.text and node.text.strip():
            return str(node.text)
    return ""
