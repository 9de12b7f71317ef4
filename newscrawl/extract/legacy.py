"""Layer 4: the legacy WordPress theme (selectors from settings, see LEGACY_SELECTORS)."""
from __future__ import annotations

from ..text import clean, split_byline
from .blocks import read_blocks
from .common import Page, unwrap_image
from .semantic import byline_and_body


def _texts(ctx: Page, selectors: list[str]) -> list[str]:
    for css in selectors:
        if "::" in css:
            vals = [clean(v) for v in ctx.sel.css(css).getall()]
        else:  # the whole text of each matched element
            vals = [clean(" ".join(el.css("*::text").getall())) for el in ctx.sel.css(css)]
        vals = [v for v in vals if v]
        if vals:
            return vals
    return []


def extract(ctx: Page) -> dict:
    cfg = ctx.config.legacy_selectors
    out: dict = {}
    title = _texts(ctx, cfg.get("title", []))
    out["title"] = title[0] if title else None
    names = []
    for raw in _texts(ctx, cfg.get("authors", [])):
        names += split_byline(raw, ctx.config.agencies)
    out["authors"] = list(dict.fromkeys(names))
    for d in _texts(ctx, cfg.get("published_at", [])):
        if when := ctx.date(d):
            out["published_at"] = when
            break
    cat = _texts(ctx, cfg.get("category", []))
    out["category"] = cat[0] if cat else None
    out["tags"] = list(dict.fromkeys(_texts(ctx, cfg.get("tags", []))))
    for css in cfg.get("body", []):
        found = ctx.sel.css(css)
        if found:
            _, blocks = byline_and_body(read_blocks(found[0].root).body)
            out["body"] = "\n\n".join(b.text for b in blocks) or None
            break
    for css in cfg.get("image", []):
        img = ctx.sel.css(css)
        if img:
            src = img.attrib.get("src") or img.attrib.get("data-src")
            if src:
                out["image"] = {"url": unwrap_image(ctx.abs(src))}
                if img.attrib.get("alt"):
                    out["image"]["alt"] = clean(img.attrib["alt"])
                break
    related = []
    for css in cfg.get("related_urls", []):
        for href in ctx.sel.css(css + "::attr(href)").getall():
            url = ctx.article_link(href)
            if url and url not in related:
                related.append(url)
    out["related_urls"] = related
    return {k: v for k, v in out.items() if v}
