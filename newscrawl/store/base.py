"""Store-agnostic storage logic: change detection, history, idempotent upserts.

A store (MongoDB or the embedded SQLite default) implements the :class:`Store` protocol:
batch reads and one batched write for the writer, crawl-run records, and the queries of
the CLI. Everything that decides *what* to write lives here, once, for both stores.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from newscrawl.codec import dumps
from newscrawl.items import CONTENT_FIELDS  # their change makes a new version (with a history entry)
from newscrawl.store.record import CrawlRun

logger = logging.getLogger(__name__)

# Kept in history when they change: content_hash stands for the body, which is kept too.
HISTORY_FIELDS = tuple(f for f in CONTENT_FIELDS if f != "content_hash") + ("body",)
INTERNAL_FIELDS = ("_id", "_hashes", "_history_bytes", "http_cache", "_change")
# MongoDB refuses a document over 16 MiB (BSON); both stores hold the same bound.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 64 * 1024  # headroom for the server's own fields
# Set on an unchanged article too: the HTTP validators of its last fetch.
TOUCH_FIELDS = ("http_cache", "archived", "parser")


class StoreUnavailable(Exception):
    """The store cannot be reached now; the write may succeed later."""


class StoreMisconfigured(StoreUnavailable):
    """The store refuses us for a reason that waiting will not fix (rights, an index or a
    validator that exists with other options, a bad setting): one line saying what to do."""


def field_hashes(doc: dict[str, Any]) -> dict[str, str]:
    return {f: hashlib.sha1(dumps(doc.get(f), sort_keys=True).encode()).hexdigest()[:16]
            for f in CONTENT_FIELDS}


@dataclass
class Insert:
    doc: dict[str, Any]  # the whole document, with first_seen_at, last_seen_at, version, history


@dataclass
class Touch:
    url: str
    seen_at: datetime
    fields: dict[str, Any] = field(default_factory=dict)  # fields outside change detection (http_cache)


@dataclass
class Update:
    url: str
    version: int  # applies only if the stored version is still this one
    fields: dict[str, Any]  # new values (content fields, body, derived fields, _hashes, _history_bytes)
    history_entry: dict[str, Any]  # {"changed_at", "version", "fields": {name: old value}}
    seen_at: datetime
    history_keep: int = 10  # history entries kept after this one is added (newest); 0: none


@dataclass
class Filters:
    """Filters of `newscrawl query` and `newscrawl export`."""
    category: str | None = None
    tag: str | None = None
    author: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    limit: int | None = None
    site: str | None = None  # scheme://host[:port]: articles of that site only


class Store(Protocol):
    """What MongoStore and SQLiteStore both implement (and all the rest of the code uses)."""

    kind: str  # "mongodb" | "sqlite"
    where: str  # for people: the URI (password masked) or the file

    def close(self) -> None: ...

    def ensure_indexes(self) -> None:
        """Create what is missing (idempotent); an existing index is kept."""

    # writes (ArticleWriter)
    def fetch_state(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        """{url: {"url", "version", "_hashes", "last_seen_at"}} of the stored ones among ``urls``."""

    def fetch_fields(self, urls: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        """{url: {field: stored value}}, for the history of changed articles."""

    def apply(self, inserts: list[Insert], touches: list[Touch], updates: list[Update],
              history_max: int) -> Applied:
        """One batched write; says which inserts and updates took (the rest lost a race)."""

    # incremental crawls (newscrawl.crawl.incremental)
    def iter_urls(self, prefix: str) -> Iterator[str]:
        """Every stored article URL that starts with ``prefix``, streamed."""

    def visit_states(self, urls: list[str] | None = None, published_since: datetime | None = None,
                     prefix: str = "") -> dict[str, dict[str, Any]]:
        """{url: {"published_at", "last_seen_at", "http_cache"}} of these URLs, or of the
        articles under ``prefix`` published since a time."""

    def touch(self, urls: list[str], seen_at: datetime) -> None:
        """A 304: these articles were seen unchanged (``last_seen_at`` only)."""

    def load_validators(self, prefix: str) -> dict[str, dict[str, Any]]:
        """{url: {"kind", "etag", "last_modified"}} of listing, sitemap and feed URLs."""

    def save_validators(self, entries: list[dict[str, Any]]) -> None:
        """Upsert {"url", "kind", "etag", "last_modified", "fetched_at"} entries."""

    # the change feed (every new article and new version, numbered)
    def changes_after(self, cursor: int, limit: int) -> list[dict[str, Any]]:
        """Changes numbered above ``cursor``, oldest first, at most ``limit``: {"cursor",
        "kind", "url", "version", "fields", "changed_at", "article"}. Stops before a number
        still being written by another writer."""

    def change_bounds(self) -> tuple[int, int]:
        """(the oldest number kept, the newest), (0, 0) when none."""

    def prune_changes(self, before: datetime) -> int:
        """Drop changes older than ``before`` (NEWSCRAWL_CHANGES_KEEP_DAYS); how many."""

    def load_cursor(self, name: str) -> int:
        """The last cursor a named consumer of the feed acknowledged (0: none yet)."""

    def save_cursor(self, name: str, cursor: int) -> None: ...

    # crawl runs
    def save_run(self, run: CrawlRun) -> None: ...

    def last_runs(self, n: int, site: str | None = None) -> list[CrawlRun]: ...

    def run_days(self, site: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
        """The run history aggregated by the store, one row a day (UTC), oldest first:
        {"day", "runs", "passed", "degraded", "new", "updated", "unchanged", "pages",
        "not_modified", "duration_s"}."""

    # one crawl per site and store (newscrawl.crawl.lock); times are epoch seconds
    def acquire_lock(self, site: str, owner: str, info: dict[str, Any], stale_before: float, now: float) -> dict[str, Any] | None:
        """Take the site's crawl lock for ``owner`` (free, stale since before ``stale_before``,
        or already ``owner``'s): None; else the holder's ``info``."""

    def refresh_lock(self, site: str, owner: str, now: float) -> bool:
        """The heartbeat; False when the lock is no longer ``owner``'s."""

    def release_lock(self, site: str, owner: str) -> None: ...

    # sites apart
    def sites(self) -> dict[str, int]:
        """{site: articles stored}."""

    def purge_preview(self, site: str) -> dict[str, int]:
        """What purge(site) would remove: {collection: documents}."""

    def purge(self, site: str, now: datetime) -> dict[str, int]:
        """Remove a site's articles, runs, validators and lock, and publish each removed
        article in the change feed as a deletion; {collection: removed, "deletions": records}."""

    # queries (CLI)
    def find(self, filters: Filters) -> Iterator[dict[str, Any]]:
        """Articles without internal fields, newest first, streamed."""

    def count(self, site: str | None = None) -> int: ...

    def counts_by(self, days: int, site: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """({category: n}, {YYYY-MM-DD: n}) for the last ``days`` days with articles."""


@dataclass
class Applied:
    """What a store reports back: which inserts and updates did not take (a race with
    another writer); those items are classified again."""
    inserted: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    rejected: dict[str, str] = field(default_factory=dict)  # url -> reason the server refused it for good


# ---- the change feed --------------------------------------------------------------------
# Every new article and every new version gets the next number of one sequence, written with
# the article (SQLite: in its transaction; MongoDB: a counter document, and the number kept in
# the article so that a change whose record a crash lost is rebuilt from the article).
# `newscrawl changes` prints them in that order: a consumer that passes back the last cursor
# it processed sees every change once.

def snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    """The article's fields as a change shows them."""
    return {k: v for k, v in doc.items() if k not in INTERNAL_FIELDS and k not in ("history", "last_seen_at")}


def insert_change(doc: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "new", "url": doc["url"], "version": 1, "changed_at": doc["first_seen_at"],
            "fields": sorted(f for f in HISTORY_FIELDS if doc.get(f) not in (None, [], "")),
            "article": snapshot(doc)}


def deletion_change(url: str, version: int | None, when: datetime) -> dict[str, Any]:
    """A purged article, as the change feed says it: gone (no article)."""
    return {"kind": "deleted", "url": url, "version": version, "changed_at": when, "fields": [], "article": None}


def update_change(u: Update) -> dict[str, Any]:
    return {"kind": "updated", "url": u.url, "version": u.version + 1, "changed_at": u.seen_at,
            "fields": sorted(u.history_entry["fields"]),
            "article": snapshot(dict(u.fields, url=u.url, version=u.version + 1))}


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without the store's internal fields."""
    return {k: v for k, v in doc.items() if k not in INTERNAL_FIELDS}
