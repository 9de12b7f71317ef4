"""Layer 5: generic main-text extraction (trafilatura), for pages no other layer reads.

It costs ~15 ms a page against ~1 ms for the other layers, so it runs only when they found
no body."""
from __future__ import annotations

from ..text import clean, clean_block
from .common import Ctx


def extract(ctx: Ctx) -> dict:
    import trafilatura  # imported lazily: slow to import, rarely needed

    html = ctx.html if ctx.html is not None else ctx.sel.get()
    doc = trafilatura.bare_extraction(html, url=ctx.url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True, deduplicate=False)
    if not doc:
        return {}
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = data.get("text") or ""
    body = clean_block("\n\n".join(line for line in text.split("\n")))
    out = {"body": body or None, "title": clean(data.get("title")) or None,
           "published_at": ctx.date(data.get("date"))}
    return {k: v for k, v in out.items() if v}
