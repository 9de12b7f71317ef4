"""Layer: generic main-text extraction (trafilatura), for pages no structured layer reads.

It costs ~15 ms a page against ~1 ms for the other layers, so it runs only when the theme
asks for it: first for the body of a page that is not shaped like the portal, last for the
portal's own pages. On top of trafilatura:
- tables are text (figures of a finance story are in tables);
- its precision mode first; when that keeps under PRECISION_MIN_WORDS and the balanced mode
  finds more than twice as much, with a paragraph of prose in it (not only menu lines), the
  page was mostly cut away: the balanced mode is used;
- post-filters drop the chrome it keeps: the headline repeated as the first line, the date
  line, and short lines that are labels of widgets ("Related: ..", "Read more: ..",
  "Comments", "Subscribe to ..", "Follow us on ..", reprint and copyright notices).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from newscrawl.extract.blocks import META_START
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.site.text import clean, clean_block, word_count

MIN_WORDS = 15  # less than this is a page's chrome, not an article
PRECISION_MIN_WORDS = 100
PARAGRAPH_WORDS = 20  # a line this long is prose, not a menu
_OPTIONS: dict[str, Any] = dict(include_comments=False, include_tables=True, deduplicate=False, with_metadata=True)
CHROME_LINE = re.compile(
    r"^(related( posts?| stories| articles| content)?\s*:|read (more|also|next)\s*:|see (more|also)\s*:|"
    r"more\s*:|also\s*:|also read\b|don'?t miss\b|you (may|might) (also )?like\b|(\d+\s+)?comments?$|"
    r"tags$|filed under\s*:|subscribe to\b|sign up (for|to)\b|follow (us|\w+) on\b|"
    r"like this (story|article)\b|share (this|it)\b|click to tweet\b|advertisement$|most read\b|"
    r"this copy is for your personal|all rights reserved\b|copyright\b[^.!?]{0,80}\b(?:19|20)\d\d\b|©)", re.I)
_TOKENS = re.compile(r"\w+")
MAX_CHROME_CHARS = 200  # a longer line is text, whatever it starts with


def _words(text: str) -> list[str]:
    return _TOKENS.findall(text.lower())


def _run(page: Page, **kw: Any) -> dict[str, Any]:
    import trafilatura  # imported lazily: slow to import, rarely needed
    from trafilatura.settings import set_date_params

    # no extensive date search: its last resort, dateparser over free text, loads every locale
    # it knows for some strings (seconds on one hostile page, #32); the page's own dates come first
    doc = trafilatura.bare_extraction(page.html, url=page.url, date_extraction_params=set_date_params(extensive=False),
                                      **_OPTIONS, **kw)
    if not doc:
        return {}
    return doc if isinstance(doc, dict) else doc.as_dict()


def has_paragraph(text: str) -> bool:
    """Does the text hold a paragraph of prose? (Menus and link lists, which the balanced
    mode keeps on a page without an article, are short lines only.)"""
    return any(word_count(line) >= PARAGRAPH_WORDS for line in text.split("\n"))


def post_filter(text: str, title: str | None) -> str:
    """The paragraphs of a generic extraction without the chrome it keeps."""
    title_words = _words(title or "")
    out = []
    for line in (text or "").split("\n"):
        line = clean(line)
        if not line:
            continue
        if title_words and _words(line) == title_words:
            continue
        if len(line) <= MAX_CHROME_CHARS and (CHROME_LINE.match(line) or META_START.match(line)):
            continue
        out.append(line)
    return clean_block("\n\n".join(out))


def extract(page: Page) -> dict[str, Any]:
    """{body, title, published_at} of the page as generic extraction sees it."""
    data = _run(page, favor_precision=True)
    if word_count(data.get("text") or "") < PRECISION_MIN_WORDS:
        balanced = _run(page)
        text = balanced.get("text") or ""
        if word_count(text) > 2 * word_count(data.get("text") or "") and has_paragraph(text):
            data = balanced
    title = clean(data.get("title"))
    body = post_filter(data.get("text") or "", title)
    if word_count(body) < MIN_WORDS:
        body = ""
    out = {"body": body or None, "title": title or None, "published_at": page.date(data.get("date"))}
    return {k: v for k, v in out.items() if v}


class GenericLayer(Layer):
    name = LayerName.GENERIC

    def found(self, page: Page) -> dict[str, Any]:
        return page.once("generic", extract)

    @reads
    def body(self, page: Page) -> str | None:
        return self.found(page).get("body")

    @reads
    def title(self, page: Page) -> str | None:
        return self.found(page).get("title")

    @reads
    def published_at(self, page: Page) -> datetime | None:
        return self.found(page).get("published_at")
