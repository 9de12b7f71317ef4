"""Layer 5: generic main-text extraction (trafilatura), for pages no other layer reads.

It costs ~15 ms a page against ~1 ms for the other layers, so it runs only when they found
no body."""
from __future__ import annotations

from ..text import clean, clean_block, word_count
from .blocks import META_START
from .common import Page

MIN_WORDS = 15  # less than this is a page's chrome, not an article


def extract(ctx: Page) -> dict:
    import trafilatura  # imported lazily: slow to import, rarely needed

    html = ctx.html if ctx.html is not None else ctx.sel.get()
    doc = trafilatura.bare_extraction(html, url=ctx.url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True, deduplicate=False)
    if not doc:
        return {}
    data = doc if isinstance(doc, dict) else doc.as_dict()
    title = clean(data.get("title"))
    paras = [clean(p) for p in (data.get("text") or "").split("\n")]
    # Chrome that generic extraction keeps on thin pages: the title, the date line.
    paras = [p for p in paras if p and p != title and not META_START.match(p)]
    body = clean_block("\n\n".join(paras))
    if word_count(body) < MIN_WORDS:
        body = ""
    out = {"body": body or None, "title": title or None,
           "published_at": ctx.date(data.get("date"))}
    return {k: v for k, v in out.items() if v}
