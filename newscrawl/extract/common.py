"""What every extraction layer shares: the configuration and small value helpers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html

from newscrawl.site.text import SITE_NAMES, WIRE_AGENCIES, clean

if TYPE_CHECKING:
    from newscrawl.extract.page import Page

# The old WordPress ("MVP"/Zox) theme of the portal. Settings may replace any entry.
LEGACY_SELECTORS = {
    "title": ["h1.mvp-post-title", ".mvp-post-title"],
    "authors": [".mvp-author-box-name a", ".mvp-author-info-name a", ".mvp-author-box-name"],
    "published_at": ["time.post-date::attr(datetime)", ".mvp-post-date time::attr(datetime)",
                     "time.post-date", ".mvp-post-date"],
    "category": [".mvp-post-cat span", ".mvp-post-cat"],
    "tags": [".mvp-post-tags a"],
    "body": ["#mvp-content-main"],
    "image": ["#mvp-post-feat-img img"],
    "related_urls": ["#mvp-related-posts a", ".mvp-related-posts a"],
}



@dataclass
class ExtractConfig:
    agencies: tuple[str, ...] = WIRE_AGENCIES
    site_names: tuple[str, ...] = SITE_NAMES
    legacy_selectors: dict[str, Any] = field(default_factory=lambda: dict(LEGACY_SELECTORS))
    default_tz: tzinfo = timezone.utc
    generic: bool = True  # trafilatura as the last layer for the body


def names_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def html_to_text(value: Any, blocks: bool = False) -> str:
    """Plain text of a string that may hold HTML."""
    if not isinstance(value, str):
        return ""
    if "<" not in value:
        return value
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except Exception:  # noqa: BLE001 (any markup error: keep the raw text)
        return re.sub(r"<[^>]+>", " ", value)
    if not blocks:
        return str(root.text_content())
    paras = [clean(el.text_content()) for el in root.iter("p", "h2", "h3", "h4", "li", "blockquote")]
    return "\n\n".join(p for p in paras if p) or root.text_content()


def unwrap_image(url: str | None) -> str | None:
    """``/_next/image?url=<real>&w=..`` -> the real image URL."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.path.rstrip("/").endswith("/_next/image"):
        inner = parse_qs(parts.query).get("url")
        if inner:
            return urljoin(url, inner[0])
    return url


def image_dict(ctx: Page, value: Any) -> dict[str, Any] | None:
    """An image from JSON-LD (URL string, ImageObject, or list of either)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return {"url": unwrap_image(ctx.abs(value))}
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl") or value.get("@id")
        if not isinstance(url, str):
            return None
        out = {"url": unwrap_image(ctx.abs(url))}
        if isinstance(value.get("caption"), str) and clean(value["caption"]):
            out["caption"] = clean(value["caption"])
        return out
    return None
