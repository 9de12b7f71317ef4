"""Layer 1: JSON-LD (schema.org NewsArticle/Article, BreadcrumbList, FAQPage, also in @graph)."""
from __future__ import annotations

import json
import re

from ..dates import duration_minutes
from ..text import clean, clean_block, is_agency, split_byline
from .common import Page, html_to_text, image_dict, names_list

_ARTICLE_TYPES = re.compile(r"(News)?Article$|BlogPosting$|Report$", re.I)


def _types(node: dict) -> list[str]:
    t = node.get("@type") or []
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)]


def nodes(ctx: Page) -> list[dict]:
    """Every JSON-LD object of the page, flattened out of lists and @graph."""
    out: list[dict] = []

    def add(obj):
        if isinstance(obj, list):
            for x in obj:
                add(x)
        elif isinstance(obj, dict):
            if "@graph" in obj:
                add(obj["@graph"])
            if "@type" in obj:
                out.append(obj)

    for raw in ctx.sel.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]/text()').getall():
        raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
        raw = re.sub(r"^\s*//\s*<!\[CDATA\[|//\s*\]\]>\s*$", "", raw)
        try:
            add(json.loads(raw, strict=False))
        except ValueError as exc:
            ctx.problem("invalid_jsonld", str(exc))
    return out


def _name(v) -> str | None:
    if isinstance(v, dict):
        v = v.get("name")
    return clean(v) if isinstance(v, str) and clean(v) else None


def _url(v) -> str | None:
    if isinstance(v, dict):
        v = v.get("@id") or v.get("url")
    return v if isinstance(v, str) and v.strip() else None


def extract(ctx: Page) -> dict:
    found = nodes(ctx)
    out: dict = {}
    art = next((n for n in found if any(_ARTICLE_TYPES.search(t) for t in _types(n))), None)
    if art:
        out["title"] = clean(art.get("headline") or art.get("name")) or None
        out["url"] = _url(art.get("url")) or _url(art.get("mainEntityOfPage"))
        out["published_at"] = ctx.date(art.get("datePublished"))
        out["updated_at"] = ctx.date(art.get("dateModified"))
        authors, agencies = [], []
        for a in names_list(art.get("author")):
            name = _name(a)
            if not name:
                continue
            if is_agency(name, ctx.config.agencies):
                agencies.append(name)
            elif not isinstance(a, dict) or "Organization" not in _types(a):
                authors.extend(split_byline(name, ctx.config.agencies))
        out["authors"] = list(dict.fromkeys(authors))
        src = _name(art.get("sourceOrganization")) or _name(art.get("provider"))
        out["source"] = (agencies[0] if agencies else
                         src if src and is_agency(src, ctx.config.agencies) else None)
        out["publisher"] = _name(art.get("publisher"))
        section = art.get("articleSection")
        if isinstance(section, list):
            section = section[-1] if section else None
        out["category"] = clean(section) if isinstance(section, str) else None
        kw = art.get("keywords")
        if isinstance(kw, str):
            kw = kw.split(",")
        out["tags"] = [clean(k) for k in (kw or []) if isinstance(k, str) and clean(k)]
        out["summary"] = clean(html_to_text(art.get("description"))) or None
        body = art.get("articleBody")
        out["body"] = clean_block(html_to_text(body, blocks=True)) if isinstance(body, str) else None
        out["image"] = image_dict(ctx, art.get("image"))
        lang = art.get("inLanguage")
        out["language"] = _name(lang) if isinstance(lang, dict) else (lang if isinstance(lang, str) else None)
        if isinstance(art.get("timeRequired"), str):
            out["read_time_minutes"] = duration_minutes(art["timeRequired"])
    crumbs = next((n for n in found if "BreadcrumbList" in _types(n)), None)
    if crumbs:
        items = [i for i in names_list(crumbs.get("itemListElement")) if isinstance(i, dict)]
        items.sort(key=lambda i: int(i.get("position") or 0) if str(i.get("position") or "0").isdigit() else 0)
        out["breadcrumbs"] = [
            {"name": _name(i) or _name(i.get("item")), "url": ctx.abs(_url(i.get("item")))}
            for i in items if _name(i) or _name(i.get("item"))]
    faq = next((n for n in found if "FAQPage" in _types(n)), None)
    if faq:
        pairs = []
        for q in names_list(faq.get("mainEntity")):
            if not isinstance(q, dict):
                continue
            ans = q.get("acceptedAnswer") or q.get("suggestedAnswer")
            ans = ans[0] if isinstance(ans, list) and ans else ans
            text = ans.get("text") if isinstance(ans, dict) else None
            question = clean(q.get("name"))
            if question and text:
                pairs.append({"question": ctx.strip_number(question), "answer": clean(html_to_text(text))})
        out["faq"] = pairs
    return {k: v for k, v in out.items() if v}
