"""The Article item: one schema for the spider, the pipelines, the stores and the exports."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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

