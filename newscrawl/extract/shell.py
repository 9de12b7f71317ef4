"""Is a page an app shell (its content built later by scripts)? A reading on a parsel Selector."""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector


def is_app_shell(selector: Selector) -> bool:
    """A page the static layers read no title or body from, and which carries scripts: an app
    shell candidate, whatever text its chrome (navigation, footer) shows and whatever its mount
    element is called (#__next, #root, #app, or none). Its data, then the browser, are tried
    before it is dropped (#31: a shell with a site's whole navigation around an empty root)."""
    return bool(selector.xpath("//script[@src] | //script[not(@type) or @type='module' or @type='text/javascript']"))


_BUILD_MANIFEST = re.compile(r"/_next/static/([^/]+)/_(?:build|ssg)Manifest\.js")
# a build id in a script's own text: the data route it fetches, or a buildId it sets
_INLINE_BUILD = re.compile(r"/_next/data/([\w.-]+)/|[\"']buildId[\"']\s*:\s*[\"']([\w.-]+)[\"']")


def next_build_id(selector: Selector) -> str | None:
    """The Next.js build id a page names, wherever: __NEXT_DATA__'s ``buildId``, the path of
    its build manifest script (``/_next/static/<build id>/_buildManifest.js``), or the text of
    its own scripts (the data route they fetch, a ``buildId`` they set)."""
    for raw in selector.xpath('//script[@id="__NEXT_DATA__"]/text()').getall():
        try:
            build = json.loads(raw).get("buildId")
        except (ValueError, AttributeError):
            continue
        if isinstance(build, str) and build:
            return build
    for src in selector.xpath("//script/@src").getall():
        m = _BUILD_MANIFEST.search(src)
        if m:
            return m.group(1)
    for text in selector.xpath("//script[not(@src)]/text()").getall():
        m = _INLINE_BUILD.search(text)
        if m:
            return m.group(1) or m.group(2)
    return None


def next_data_url(selector: Selector, page_url: str) -> str | None:
    """The Next.js data route of the page (``/_next/data/<build id>/<path>.json``): the JSON
    its own script fetches to build it. None when the page names no build id."""
    build = next_build_id(selector)
    if not build or not re.fullmatch(r"[\w.-]+", build):
        return None
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/") or "/index"
    return f"{parts.scheme}://{parts.netloc}/_next/data/{build}{path}.json"


def next_data_page(data: dict[str, Any]) -> str:
    """A Next.js data route's JSON ({"pageProps": ...}) as the page Next.js would serve with
    it (its __NEXT_DATA__), for the parser's nextdata layer."""
    props = data if "pageProps" in data else {"pageProps": data}
    blob = json.dumps({"props": props}).replace("</", "<\\/")
    return f'<html><head></head><body><script id="__NEXT_DATA__" type="application/json">{blob}</script></body></html>'
