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
from typing import Protocol

from newscrawl.codec import dumps

logger = logging.getLogger(__name__)

# Fields whose change makes a new version of an article (with a history entry).
CONTENT_FIELDS = ("title", "category", "breadcrumbs", "tags", "authors", "publisher", "source",
                  "published_at", "updated_at", "read_time_minutes", "summary", "content_hash",
                  "key_takeaways", "faq", "image", "language")
# Kept in history when they change: content_hash stands for the body, which is kept too.
HISTORY_FIELDS = tuple(f for f in CONTENT_FIELDS if f != "content_hash") + ("body",)
INTERNAL_FIELDS = ("_id", "_hashes", "_history_bytes", "http_cache", "_change")
# MongoDB refuses a document over 16 MiB (BSON); both stores hold the same bound.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 64 * 1024  # headroom for the server's own fields
# Set on an unchanged article too: the HTTP validators of its last fetch.
TOUCH_FIELDS = ("http_cache",)


class StoreUnavailable(Exception):
    """The store cannot be reached now; the write may succeed later."""


class StoreMisconfigured(StoreUnavailable):
    """The store refuses us for a reason that waiting will not fix (rights, an index or a
    validator that exists with other options, a bad setting): one line saying what to do."""


def field_hashes(doc: dict) -> dict[str, str]:
    return {f: hashlib.sha1(dumps(doc.get(f), sort_keys=True).encode()).hexdigest()[:16]
            for f in CONTENT_FIELDS}


@dataclass
class Insert:
    doc: dict  # the whole document, with first_seen_at, last_seen_at, version, history


@dataclass
class Touch:
    url: str
    seen_at: datetime
    fields: dict = field(default_factory=dict)  # fields outside change detection (http_cache)


@dataclass
class Update:
    url: str
    version: int  # applies only if the stored version is still this one
    fields: dict  # new values (content fields, body, derived fields, _hashes, _history_bytes)
    history_entry: dict  # {"changed_at", "version", "fields": {name: old value}}
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
    def fetch_state(self, urls: list[str]) -> dict[str, dict]:
        """{url: {"url", "version", "_hashes"}} of the stored ones among ``urls``."""

    def fetch_fields(self, urls: list[str], fields: list[str]) -> dict[str, dict]:
        """{url: {field: stored value}}, for the history of changed articles."""

    def apply(self, inserts: list[Insert], touches: list[Touch], updates: list[Update],
              history_max: int) -> Applied:
        """One batched write; says which inserts and updates took (the rest lost a race)."""

    # incremental crawls (newscrawl.crawl.incremental)
    def iter_urls(self, prefix: str) -> Iterator[str]:
        """Every stored article URL that starts with ``prefix``, streamed."""

    def visit_states(self, urls: list[str] | None = None, published_since: datetime | None = None,
                     prefix: str = "") -> dict[str, dict]:
        """{url: {"published_at", "last_seen_at", "http_cache"}} of these URLs, or of the
        articles under ``prefix`` published since a time."""

    def touch(self, urls: list[str], seen_at: datetime) -> None:
        """A 304: these articles were seen unchanged (``last_seen_at`` only)."""

    def load_validators(self, prefix: str) -> dict[str, dict]:
        """{url: {"kind", "etag", "last_modified"}} of listing, sitemap and feed URLs."""

    def save_validators(self, entries: list[dict]) -> None:
        """Upsert {"url", "kind", "etag", "last_modified", "fetched_at"} entries."""

    # the change feed (every new article and new version, numbered)
    def changes_after(self, cursor: int, limit: int) -> list[dict]:
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
    def save_run(self, run: dict) -> None: ...

    def last_runs(self, n: int, site: str | None = None) -> list[dict]: ...

    def run_days(self, site: str | None = None, since: datetime | None = None) -> list[dict]:
        """The run history aggregated by the store, one row a day (UTC), oldest first:
        {"day", "runs", "passed", "degraded", "new", "updated", "unchanged", "pages",
        "not_modified", "duration_s"}."""

    # one crawl per site and store (newscrawl.crawl.lock); times are epoch seconds
    def acquire_lock(self, site: str, owner: str, info: dict, stale_before: float, now: float) -> dict | None:
        """Take the site's crawl lock for ``owner`` (free, stale since before ``stale_before``,
        or already ``owner``'s): None; else the holder's ``info``."""

    def refresh_lock(self, site: str, owner: str, now: float) -> bool:
        """The heartbeat; False when the lock is no longer ``owner``'s."""

    def release_lock(self, site: str, owner: str) -> None: ...

    # sites apart
    def sites(self) -> dict[str, int]:
        """{site: articles stored}."""

    def purge(self, site: str) -> dict[str, int]:
        """Remove a site's articles, runs, validators and lock; {collection: removed}."""

    # queries (CLI)
    def find(self, filters: Filters) -> Iterator[dict]:
        """Articles without internal fields, newest first, streamed."""

    def count(self, site: str | None = None) -> int: ...

    def counts_by(self, days: int, site: str | None = None) -> tuple[dict, dict]:
        """({category: n}, {YYYY-MM-DD: n}) for the last ``days`` days with articles."""


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    round_trips: int = 0
    history_trimmed: int = 0  # updates whose history lost old entries to stay under the size bound
    rejected: dict[str, str] = field(default_factory=dict)  # url -> reason it was not stored
    lags: list[float] = field(default_factory=list)  # new articles: seconds from published to stored
    date_only: int = 0  # new articles whose published time is a date only (no lag measured)

    def add(self, other: Counts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.round_trips += other.round_trips
        self.history_trimmed += other.history_trimmed
        self.rejected.update(other.rejected)
        self.lags += other.lags
        self.date_only += other.date_only


def freshness_of(published: datetime | None, stored: datetime) -> dict | None:
    """How long the article took from its published time (what the site says) to the store.
    A published time of exactly midnight UTC is taken as a date only: its lag says nothing
    of minutes (``date_only``, no ``lag_s``)."""
    if not isinstance(published, datetime) or published.tzinfo is None:
        return None
    if (published.hour, published.minute, published.second, published.microsecond) == (0, 0, 0, 0):
        return {"from": "published_at", "date_only": True}
    return {"from": "published_at", "date_only": False, "lag_s": round((stored - published).total_seconds(), 3)}


def bson_size(doc: dict) -> int:
    """Bytes of the document as BSON, as MongoDB counts them against its 16 MiB."""
    import bson  # pymongo's
    return len(bson.encode(doc))


def history_keep(base_bytes: int, entry_bytes: int, old: list[int], history_max: int,
                 limit: int = MAX_DOCUMENT_BYTES) -> int | None:
    """How many history entries (the new one and the newest old ones) the updated document
    can keep under ``limit``, at most ``history_max``; None when even none fits (the
    article is too large to store)."""
    if base_bytes > limit:
        return None
    sizes = ([*old, entry_bytes])[-history_max:] if history_max else []
    while sizes and base_bytes + sum(sizes) + 64 * len(sizes) > limit:
        sizes.pop(0)  # oldest first
    return len(sizes)


@dataclass
class Applied:
    """What a store reports back: which inserts and updates did not take (a race with
    another writer); those items are classified again."""
    inserted: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    rejected: dict[str, str] = field(default_factory=dict)  # url -> reason the server refused it for good


class ArticleWriter:
    """Writes batches of normalized article dicts into a store, idempotently."""

    def __init__(self, store: Store, history_max: int, max_rounds: int = 3,
                 max_bytes: int = MAX_DOCUMENT_BYTES):
        self.store = store
        self.history_max = history_max
        self.max_rounds = max_rounds
        self.max_bytes = max_bytes

    def write(self, items: list[dict], now: datetime) -> Counts:
        pending = {i["url"]: i for i in items}  # last one of a URL wins within a batch
        counts = Counts()
        for _ in range(self.max_rounds):
            if not pending:
                break
            pending = self._round(pending, now, counts)
        if pending:
            raise StoreUnavailable(f"{len(pending)} articles kept conflicting with other writers")
        return counts

    def _round(self, pending: dict[str, dict], now: datetime, counts: Counts) -> dict[str, dict]:
        state = self.store.fetch_state(list(pending))
        counts.round_trips += 1
        inserts, touches, updates = [], [], []
        changed_by_url: dict[str, tuple[list[str], dict]] = {}  # url -> (changed fields, hashes)
        for url, item in pending.items():
            hashes = field_hashes(item)
            old = state.get(url)
            if old is None:
                doc = dict(item, _hashes=hashes, first_seen_at=now, last_seen_at=now, version=1,
                           history=[], _history_bytes=[])
                fresh = freshness_of(item.get("published_at"), now)
                if fresh is not None:
                    doc["freshness"] = fresh
                if bson_size(doc) > self.max_bytes:
                    counts.rejected[url] = "too_large_document"
                    continue
                inserts.append(Insert(doc))
                continue
            old_hashes = old.get("_hashes") or {}
            changed = [f for f in CONTENT_FIELDS if old_hashes.get(f) != hashes[f]]
            if not changed:
                touches.append(Touch(url, now, {k: item[k] for k in TOUCH_FIELDS if item.get(k)}))
            else:
                changed_by_url[url] = (changed, hashes)
        if changed_by_url:
            wanted = sorted({f if f != "content_hash" else "body"
                             for fs, _ in changed_by_url.values() for f in fs})
            if any(state[u].get("_history_bytes") is None for u in changed_by_url):
                wanted.append("history")  # stored before history sizes were kept: measure them once
            old_values = self.store.fetch_fields(list(changed_by_url), wanted)
            counts.round_trips += 1
            for url, (changed, hashes) in changed_by_url.items():
                item = pending[url]
                names = [f if f != "content_hash" else "body" for f in changed]
                before = old_values.get(url, {})
                entry = {"changed_at": now, "version": state[url].get("version", 1),
                         "fields": {n: before.get(n) for n in names if n in HISTORY_FIELDS}}
                new_fields = {k: v for k, v in item.items() if k != "url"}
                new_fields["_hashes"] = hashes
                old_sizes = state[url].get("_history_bytes")
                if old_sizes is None:
                    old_sizes = [bson_size(h) for h in before.get("history") or []]
                entry_bytes = bson_size(entry)
                base = bson_size(dict(new_fields, url=url, first_seen_at=now, last_seen_at=now, version=1,
                                      _history_bytes=[0] * self.history_max))
                keep = history_keep(base, entry_bytes, old_sizes, self.history_max, self.max_bytes)
                if keep is None:
                    counts.rejected[url] = "too_large_document"
                    continue
                if keep < min(self.history_max, len(old_sizes) + 1):
                    counts.history_trimmed += 1
                new_fields["_history_bytes"] = [*old_sizes, entry_bytes][-keep:] if keep else []
                updates.append(Update(url, state[url].get("version", 1), new_fields, entry, now, keep))
        applied = self.store.apply(inserts, touches, updates, self.history_max)
        counts.round_trips += 1
        counts.new += len(applied.inserted)
        for ins in inserts:
            fresh = ins.doc.get("freshness")
            if fresh and ins.doc["url"] in applied.inserted:
                if fresh["date_only"]:
                    counts.date_only += 1
                else:
                    counts.lags.append(fresh["lag_s"])
        counts.updated += len(applied.updated)
        counts.unchanged += len(touches)
        counts.rejected.update(applied.rejected)
        retry = {i.doc["url"]: pending[i.doc["url"]] for i in inserts
                 if i.doc["url"] not in applied.inserted and i.doc["url"] not in applied.rejected}
        retry.update({u.url: pending[u.url] for u in updates
                      if u.url not in applied.updated and u.url not in applied.rejected})
        if retry:
            logger.info("Another writer changed %d articles meanwhile; classifying them again", len(retry))
        return retry


# ---- the change feed --------------------------------------------------------------------
# Every new article and every new version gets the next number of one sequence, written with
# the article (SQLite: in its transaction; MongoDB: a counter document, and the number kept in
# the article so that a change whose record a crash lost is rebuilt from the article).
# `newscrawl changes` prints them in that order: a consumer that passes back the last cursor
# it processed sees every change once.

def snapshot(doc: dict) -> dict:
    """The article's fields as a change shows them."""
    return {k: v for k, v in doc.items() if k not in INTERNAL_FIELDS and k not in ("history", "last_seen_at")}


def insert_change(doc: dict) -> dict:
    return {"kind": "new", "url": doc["url"], "version": 1, "changed_at": doc["first_seen_at"],
            "fields": sorted(f for f in HISTORY_FIELDS if doc.get(f) not in (None, [], "")),
            "article": snapshot(doc)}


def update_change(u: Update) -> dict:
    return {"kind": "updated", "url": u.url, "version": u.version + 1, "changed_at": u.seen_at,
            "fields": sorted(u.history_entry["fields"]),
            "article": snapshot(dict(u.fields, url=u.url, version=u.version + 1))}


def public(doc: dict) -> dict:
    """A stored document without the store's internal fields."""
    return {k: v for k, v in doc.items() if k not in INTERNAL_FIELDS}
