"""Layer: the data a page already carries, before any browser: Next.js's ``__NEXT_DATA__``
JSON (pages router) and streamed ``self.__next_f.push([1, "..."])`` payload (app router);
failing those, the inline state other frameworks build a page from (``window.__NUXT__``,
``window.__INITIAL_STATE__``, ``window.__PRELOADED_STATE__``, ``window.__APOLLO_STATE__``,
and ``<script type="application/json">`` blocks).

An article object is any JSON object with a title and a body (``body``, ``content``,
``articleBody``, ``html``); its fields are read under the usual CMS names.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from newscrawl.extract.common import html_to_text, unwrap_image
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.site.text import clean, clean_block, is_agency

_STATE = re.compile(r"\bwindow\.(__(?:NUXT|INITIAL_STATE|PRELOADED_STATE|APOLLO_STATE|INITIAL_DATA|DATA)__)\s*=\s*")
_DECODER = json.JSONDecoder(strict=False)
_PUSH = re.compile(r"self\.__next_f\.push\(\[\s*1\s*,\s*(\"(?:[^\"\\]|\\.)*\")\s*\]\)", re.S)
_TITLE_KEYS = ("title", "headline")
_BODY_KEYS = ("body", "content", "articleBody", "html", "bodyHtml")
_DATE_KEYS = ("publishedAt", "datePublished", "published_at", "publishDate", "date", "_createdAt")
_UPDATED_KEYS = ("updatedAt", "dateModified", "updated_at", "_updatedAt")


def _payloads(page: Page) -> list[Any]:
    out = []
    raw = page.next_data
    if raw:
        try:
            out.append(json.loads(raw))
        except ValueError as exc:
            page.problem("invalid_nextdata", str(exc))
    chunks = []
    for script in page.inline_scripts:
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
    return out or _inline_state(page)


def _inline_state(page: Page) -> list[Any]:
    """Other frameworks' state, a JSON literal assigned in a script or a JSON script block."""
    out = []
    for script in page.inline_scripts:
        if "window.__" not in script:
            continue  # the common case, found at C speed (the pattern starts with \b: no fast scan)
        for m in _STATE.finditer(script):
            try:
                out.append(_DECODER.raw_decode(script, m.end())[0])
            except ValueError:
                continue  # a JavaScript literal, not JSON
    for raw in page.json_scripts:
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def _article(page: Page) -> dict[str, Any]:
    for payload in _payloads(page):
        art = find_article(payload)
        if art is not None:
            return art
    return {}


def _text(value: Any) -> str | None:
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


def find_article(obj: Any, depth: int = 0) -> dict[str, Any] | None:
    """The first object (depth first) with a title and a body."""
    if depth > 12:
        return None
    if isinstance(obj, dict):
        if any(isinstance(obj.get(k), str) for k in _TITLE_KEYS) and any(_text(obj.get(k)) for k in _BODY_KEYS):
            return obj
        values: Iterable[Any] = obj.values()
    elif isinstance(obj, list):
        values = obj
    else:
        return None
    for v in values:
        found = find_article(v, depth + 1)
        if found is not None:
            return found
    return None


def _first(obj: dict[str, Any], keys: Sequence[str]) -> Any:
    return next((obj[k] for k in keys if obj.get(k)), None)


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for it in items:
        name = (it.get("name") or it.get("title")) if isinstance(it, dict) else it
        if isinstance(name, str) and clean(name):
            out.append(clean(name))
    return out


class NextDataLayer(Layer):
    name = LayerName.NEXTDATA

    def art(self, page: Page) -> dict[str, Any]:
        return page.once("nextdata.article", _article)

    def _people(self, page: Page) -> tuple[list[str], list[str]]:
        a = self.art(page)
        names = _names(a.get("authors") or a.get("author"))
        agencies = page.config.agencies
        people = [n for raw in names if not is_agency(raw, agencies)
                  for n in page.byline(raw)]
        return list(dict.fromkeys(people)), [n for n in names if is_agency(n, agencies)]

    @reads
    def title(self, page: Page) -> str | None:
        return page.strip_site_name(_first(self.art(page), _TITLE_KEYS))

    @reads
    def body(self, page: Page) -> str | None:
        body = _text(_first(self.art(page), _BODY_KEYS))
        return clean_block(html_to_text(body, blocks=True)) if body else None

    @reads
    def published_at(self, page: Page) -> datetime | None:
        return page.date(_first(self.art(page), _DATE_KEYS))

    @reads
    def updated_at(self, page: Page) -> datetime | None:
        return page.date(_first(self.art(page), _UPDATED_KEYS))

    @reads
    def authors(self, page: Page) -> list[str]:
        return self._people(page)[0]

    @reads
    def source(self, page: Page) -> str | None:
        agencies = self._people(page)[1]
        return agencies[0] if agencies else None

    @reads
    def category(self, page: Page) -> str | None:
        a = self.art(page)
        cat = a.get("category") or a.get("section")
        names = _names(cat) if cat else []
        return names[0] if names else None

    @reads
    def tags(self, page: Page) -> list[str]:
        return _names(self.art(page).get("tags"))

    @reads
    def summary(self, page: Page) -> str | None:
        a = self.art(page)
        summary = a.get("excerpt") or a.get("summary") or a.get("description")
        return clean(summary) if isinstance(summary, str) else None

    @reads
    def image(self, page: Page) -> dict[str, Any] | None:
        a = self.art(page)
        img = a.get("image") or a.get("mainImage") or a.get("featuredImage")
        url = img.get("url") if isinstance(img, dict) else img if isinstance(img, str) else None
        return {"url": unwrap_image(page.abs(url))} if url else None
