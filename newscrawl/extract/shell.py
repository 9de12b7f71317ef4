"""Is a page an app shell (its content built later by scripts)? A reading on a parsel Selector."""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector


def is_app_shell(selector: Selector) -> bool:
    """Scripts and little visible text (under 200 characters outside scripts, styles and
    templates): the content comes later, from the scripts. Asked only of a page the static
    layers found no title or body in; whatever its mount element is called (#__next, #root,
    #app, #app-root, or none)."""
    if not selector.xpath("//script[@src] | //script[not(@type) or @type='module' or @type='text/javascript']"):
        return False
    text = " ".join(t.strip() for t in selector.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::template)"
        " and not(ancestor::noscript)]").getall())
    return len(text.strip()) < 200


_BUILD_MANIFEST = re.compile(r"/_next/static/([^/]+)/_(?:build|ssg)Manifest\.js")


def next_build_id(selector: Selector) -> str | None:
    """The Next.js build id a page names: __NEXT_DATA__'s ``buildId``, or the path of its
    build manifest script (``/_next/static/<build id>/_buildManifest.js``)."""
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
