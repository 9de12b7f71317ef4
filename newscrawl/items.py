"""The Article item: one schema for the spider, the pipelines, the stores and the exports.

Every list of its fields that another module needs is derived here, from the item itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import get_type_hints


@dataclass
class Article:
    url: str
    title: str | None = None
    category: str | None = None
    breadcrumbs: list[dict] = field(default_factory=list)  # [{"name": str, "url": str | None}]
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    source: str | None = None  # wire agency ("Reuters") for wire stories, else None
    published_at: datetime | None = None  # aware, UTC
    updated_at: datetime | None = None  # aware, UTC
    read_time_minutes: int | None = None
    summary: str | None = None
    body: str | None = None  # paragraphs separated by a blank line
    key_takeaways: list[str] = field(default_factory=list)
    faq: list[dict] = field(default_factory=list)  # [{"question": str, "answer": str}]
    image: dict | None = None  # {"url": str, "caption": str | None, "alt": str | None}
    related_urls: list[str] = field(default_factory=list)
    language: str | None = None
    word_count: int | None = None
    content_hash: str | None = None
    crawled_at: datetime | None = None  # aware, UTC
    extraction: dict[str, str] = field(default_factory=dict)  # field -> layer that gave it
    # HTTP validators of the fetch ({"etag", "last_modified"}), for conditional re-fetches
    http_cache: dict | None = None
    # where the page lies in the web archive ({"file", "offset", "length", "captured_at"})
    archived: dict | None = None
    parser: str | None = None  # the parser that read the page: "<newscrawl version>/<theme>"



# Filled by the pipelines from the body (newscrawl.process.normalize), never read from a page.
DERIVED_FIELDS = ("word_count", "content_hash")
# About the fetch, not the article: when, by which layers, with which HTTP validators.
FETCH_FIELDS = ("crawled_at", "extraction", "http_cache", "archived", "parser")
# What an article page may give, in the order the extraction layers read them.
PAGE_FIELDS = tuple(f.name for f in fields(Article) if f.name not in DERIVED_FIELDS + FETCH_FIELDS)
# Fields whose change makes a new version of a stored article: content_hash stands for the body.
CONTENT_FIELDS = tuple("content_hash" if f == "body" else f for f in PAGE_FIELDS if f not in ("url", "related_urls"))
# Fields without which an article is not stored (validated present: missing_<field>).
REQUIRED_FIELDS = ("url", "title", "body", "published_at")
# Fields that hold a list of strings (validated as such).
LIST_OF_STR_FIELDS = tuple(name for name, kind in get_type_hints(Article).items() if kind == list[str])
