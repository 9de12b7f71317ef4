"""Layer: the data a Next.js page already carries, before any browser: the ``__NEXT_DATA__``
JSON (pages router) and the streamed ``self.__next_f.push([1, "..."])`` payload (app router).

An article object is any JSON object with a title and a body (``body``, ``content``,
``articleBody``, ``html``); its fields are read under the usual CMS names.
"""
from __future__ import annotations

import json
import re

from ..text import clean, is_agency, split_byline
from .common import Page, html_to_text, unwrap_image

_PUSH = re.compile(r"self\.__next_f\.push\(\[\s*1\s*,\s*(\"(?:[^\"\\]|\\.)*\")\s*\]\)", re.S)
_TITLE_KEYS = ("title", "headline")
_BODY_KEYS = ("body", "content", "articleBody", "html", "bodyHtml")
_DATE_KEYS = ("publishedAt", "datePublished", "published_at", "publishDate", "date", "_createdAt")
_UPDATED_KEYS = ("updatedAt", "dateModified", "updated_at", "_updatedAt")


def _payloads(ctx: Page) -> list:
    out = []
    raw = ctx.sel.xpath('//script[@id="__NEXT_DATA__"]/text()').get()
    if raw:
        try:
            out.append(json.loads(raw))
        except ValueError as exc:
            ctx.problem("invalid_nextdata", str(exc))
    chunks = []
    for script in ctx.sel.xpath("//script[not(@src)]/text()").getall():
        if "__next_f" not in script:
            continue
        for literal in _PUSH.findall(script):
            try:
                chunks.append(json.loads(literal))
            except ValueError:
                continue
    for line in "".join(chunks).splitlines():  # "<id>:<json>" rows of the RSC stream
        _, sep, rest = line.partition(":")
        if sep and rest[:1] in "{[":
            try:
                out.append(json.loads(rest))
            except ValueError:
                continue
    return out


def _text(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # portable text / rich-text blocks
        parts = []
        for block in value:
            if isinstance(block, dict):
                children = block.get("children") or []
                parts.append("".join(c.get("text", "") for c in children if isinstance(c, dict)) or
                             block.get("text", ""))
            elif isinstance(block, str):
                parts.append(block)
        return "\n\n".join(p for p in parts if p) or None
    return None


def find_article(obj, depth: int = 0) -> dict | None:
    """The first object (depth first) with a title and a body."""
    if depth > 12:
        return None
    if isinstance(obj, dict):
        if any(isinstance(obj.get(k), str) for k in _TITLE_KEYS) and any(_text(obj.get(k)) for k in _BODY_KEYS):
            return obj
        values = obj.values()
    elif isinstance(obj, list):
        values = obj
    else:
        return None
    for v in values:
        found = find_article(v, depth + 1)
        if found is not None:
            return found
    return None


def _first(obj: dict, keys):
    return next((obj[k] for k in keys if obj.get(k)), None)


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for it in items:
        name = it.get("name") if isinstance(it, dict) else it
        if isinstance(name, str) and clean(name):
            out.append(clean(name))
    return out


def extract(ctx: Page) -> dict:
    art = None
    for payload in _payloads(ctx):
        art = find_article(payload)
        if art is not None:
            break
    if art is None:
        return {}
    out: dict = {"title": ctx.strip_site_name(_first(art, _TITLE_KEYS))}
    body = _text(_first(art, _BODY_KEYS))
    out["body"] = clean_blocks(html_to_text(body, blocks=True)) if body else None
    out["published_at"] = ctx.date(_first(art, _DATE_KEYS))
    out["updated_at"] = ctx.date(_first(art, _UPDATED_KEYS))
    names = _names(art.get("authors") or art.get("author"))
    out["authors"] = [n for raw in names if not is_agency(raw, ctx.config.agencies)
                      for n in split_byline(raw, ctx.config.agencies)]
    agencies = [n for n in names if is_agency(n, ctx.config.agencies)]
    out["source"] = agencies[0] if agencies else None
    cat = art.get("category") or art.get("section")
    out["category"] = (_names(cat) or [None])[0] if cat else None
    out["tags"] = _names(art.get("tags"))
    summary = art.get("excerpt") or art.get("summary") or art.get("description")
    out["summary"] = clean(summary) if isinstance(summary, str) else None
    img = art.get("image") or art.get("mainImage") or art.get("featuredImage")
    url = img.get("url") if isinstance(img, dict) else img if isinstance(img, str) else None
    if url:
        out["image"] = {"url": unwrap_image(ctx.abs(url))}
    return {k: v for k, v in out.items() if v}


def clean_blocks(text: str) -> str:
    return "\n\n".join(p for p in (clean(x) for x in text.split("\n\n")) if p)
