"""Layer 2: meta tags (OpenGraph, article:*, description, canonical)."""
from __future__ import annotations

from ..text import clean, is_agency, split_byline
from .common import Page, unwrap_image


def _meta(ctx: Page, *names: str) -> list[str]:
    out = []
    for name in names:
        xp = (f'//meta[translate(@property,"ABCDEFGHIJKLMNOPQRSTUVWXYZ","abcdefghijklmnopqrstuvwxyz")="{name}" or '
              f'translate(@name,"ABCDEFGHIJKLMNOPQRSTUVWXYZ","abcdefghijklmnopqrstuvwxyz")="{name}" or '
              f'@itemprop="{name}"]/@content')
        out += [clean(v) for v in ctx.sel.xpath(xp).getall() if clean(v)]
    return out


def _first(ctx: Page, *names: str) -> str | None:
    vals = _meta(ctx, *names)
    return vals[0] if vals else None


def extract(ctx: Page) -> dict:
    out: dict = {}
    canonical = ctx.sel.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href').get()
    out["url"] = ctx.abs(canonical) or ctx.abs(_first(ctx, "og:url"))
    out["title"] = ctx.strip_site_name(_first(ctx, "og:title", "twitter:title"))
    out["published_at"] = ctx.date(_first(ctx, "article:published_time", "og:article:published_time",
                                          "datepublished", "pubdate", "publish-date", "dc.date"))
    out["updated_at"] = ctx.date(_first(ctx, "article:modified_time", "og:updated_time", "datemodified"))
    names = []
    for raw in _meta(ctx, "article:author", "author"):
        if raw.startswith(("http://", "https://", "/")) or is_agency(raw, ctx.config.agencies):
            continue
        names += split_byline(raw, ctx.config.agencies)
    out["authors"] = list(dict.fromkeys(names))
    out["publisher"] = _first(ctx, "og:site_name")
    out["category"] = _first(ctx, "article:section")
    tags = _meta(ctx, "article:tag")
    if not tags:
        kw = _first(ctx, "news_keywords", "keywords")
        tags = [clean(t) for t in kw.split(",")] if kw else []
    out["tags"] = [t for t in tags if t]
    out["summary"] = _first(ctx, "og:description", "description", "twitter:description")
    img = _first(ctx, "og:image", "og:image:url", "twitter:image")
    if img:
        out["image"] = {"url": unwrap_image(ctx.abs(img))}
        alt = _first(ctx, "og:image:alt", "twitter:image:alt")
        if alt:
            out["image"]["alt"] = alt
    locale = _first(ctx, "og:locale")
    lang = ctx.sel.xpath('//meta[translate(@http-equiv,"CONTENT-LANGUAGE","content-language")'
                         '="content-language"]/@content').get()
    out["language"] = locale.replace("_", "-") if locale else clean(lang) or None
    return {k: v for k, v in out.items() if v}
