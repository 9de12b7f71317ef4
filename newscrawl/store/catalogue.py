"""What the store holds, declared once: MongoDB's collections, their indexes (created from here
by newscrawl.store.mongo_setup) and the fields of their documents, each with one line of
meaning. The reference page of the documentation is written from it (scripts/gen_reference.py)
and a test compares it with what a real crawl stores (tests/test_catalogue.py)."""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, TEXT

from newscrawl.items import Article
from newscrawl.store.record import CrawlRun
from newscrawl.store.schema import STORE_FIELDS, bson_types


@dataclass(frozen=True)
class Index:
    keys: list[tuple[str, Any]]
    options: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.options["name"])


@dataclass(frozen=True)
class Collection:
    name: str
    purpose: str
    fields: dict[str, tuple[str, str]]  # field -> (type, meaning)
    indexes: tuple[Index, ...] = ()


ARTICLE_MEANINGS = {
    "url": "canonical URL (unique)",
    "title": "headline",
    "category": "the section shown above the title, e.g. Finance (the most specific one)",
    "breadcrumbs": "[{name, url}]: Home > Finance > title; the last one is the article",
    "tags": "as shown, de-duplicated case-insensitively",
    "authors": "the names the byline shows; roles and agencies dropped",
    "publisher": "Global Banking & Finance Review",
    "source": "the wire agency (Reuters) of a wire story, or the publication when a page credits only it, else null",
    "published_at": "UTC; a date shown without a time is midnight UTC",
    "updated_at": "UTC, when the page says it was updated",
    "read_time_minutes": "the page's '4 min read'",
    "summary": "the Quick Summary",
    "body": "plain text, paragraphs separated by a blank line, subheadings kept, no site chrome",
    "key_takeaways": "without bullets",
    "faq": "[{question, answer}], questions without their numbers",
    "image": "{url, caption, alt}: the hero image",
    "related_urls": "the page's 'More from ...' links, canonical",
    "language": "BCP 47, e.g. en-GB",
    "word_count": "words of the body",
    "content_hash": "sha256 of the normalized body",
    "crawled_at": "when the page was fetched (UTC); read again from the web archive: when it was captured",
    "extraction": "field -> the layer that gave it (jsonld, nextdata, meta, semantic, legacy, generic, response)",
    "http_cache": "internal: the fetch's HTTP validators {etag, last_modified}, for conditional re-fetches",
    "archived": "{file, offset, length, captured_at}: the page's WARC record in the web archive (newscrawl reparse)",
    "parser": "the parser that read the page: <newscrawl version>/<theme>",
    "first_seen_at": "first stored; never changes",
    "last_seen_at": "the last crawl that saw the article",
    "version": "1, +1 at each change of a content field",
    "history": "[{changed_at, version, fields}]: old values of the changed fields, oldest first, bounded",
    "_hashes": "internal: per-field hashes that detect a change",
    "_history_bytes": "internal: the size of each history entry, to bound the history",
    "freshness": "{from, date_only, lag_s}: seconds from the published time to first_seen_at, set once",
    "_change": "internal: the last change's {cursor, kind, fields, changed_at}; rebuilds a change record lost to a crash",
}

RUN_MEANINGS = {
    "run_id": "the run's id (a watch: <id>-1, <id>-2, ... one per period)",
    "spider": "the spider's name",
    "arguments": "the spider arguments (-a) as given",
    "site": "scheme://host[:port] crawled",
    "store": "the store written to",
    "started_at": "UTC",
    "status": "running, then passed, degraded, failed, unreachable, ... (the exit codes); killed for a crawl whose "
              "process died without a word",
    "finished_at": "UTC",
    "finish_reason": "Scrapy's finish reason (period_end for a watch period)",
    "mode": "full, incremental or watch",
    "counts": "the run's figures: requests by kind, pages, new, updated, unchanged, dropped by reason, freshness",
    "extraction": "field -> {layer: pages}",
    "error": "the one line saying why a crawl failed",
    "monitor": "the run checks' verdict {status, reasons}",
    "crawl_id": "a shared crawl's id (cluster)",
    "cluster": "a worker's figures of a shared crawl",
    "alive_at": "a running crawl's last sign of life (every NEWSCRAWL_LOCK_HEARTBEAT); a `running` record without "
                "one for NEWSCRAWL_LOCK_STALE is a killed crawl",
}


def _type(hint: object) -> str:
    kinds = [k for k in bson_types(hint) if k != "long"]
    return " or ".join(kinds)


def article_fields() -> dict[str, tuple[str, str]]:
    hints = typing.get_type_hints(Article)
    out = {f.name: (_type(hints[f.name]), ARTICLE_MEANINGS[f.name]) for f in dataclasses.fields(Article)}
    for name, kind in STORE_FIELDS.items():
        out[name] = (kind if isinstance(kind, str) else kind[0], ARTICLE_MEANINGS[name])
    out["freshness"] = ("object", ARTICLE_MEANINGS["freshness"])
    out["_change"] = ("object", ARTICLE_MEANINGS["_change"])
    return out


def run_fields() -> dict[str, tuple[str, str]]:
    hints = typing.get_type_hints(CrawlRun)
    return {f.name: (_type(hints[f.name]), RUN_MEANINGS[f.name]) for f in dataclasses.fields(CrawlRun)}


ARTICLE_INDEXES = (
    Index([("url", ASCENDING)], {"name": "url_unique", "unique": True}),
    Index([("published_at", DESCENDING)], {"name": "published_at_desc"}),
    Index([("category", ASCENDING), ("published_at", DESCENDING)], {"name": "category_published_at"}),
    Index([("tags", ASCENDING)], {"name": "tags"}),
    # the change feed: a change number's article (a record lost to a crash is rebuilt from it)
    Index([("_change.cursor", ASCENDING)], {"name": "change_cursor", "sparse": True}),
    # A text index reads each document's `language` field as its stemming language and refuses
    # writes whose value it does not know ("en-GB"): point it at a field we never set.
    Index([("title", TEXT), ("summary", TEXT), ("body", TEXT)],
          {"name": "text", "weights": {"title": 10, "summary": 5, "body": 1}, "default_language": "english",
           "language_override": "text_language"}),
)


def collections() -> tuple[Collection, ...]:
    return (
        Collection("articles", "one document per article URL, upserted idempotently", article_fields(),
                   ARTICLE_INDEXES),
        Collection("crawl_runs", "one document per crawl (per period of a watch, per worker of a shared crawl)",
                   run_fields(), (Index([("started_at", DESCENDING)], {"name": "started_at_desc"}),)),
        Collection("http_validators", "the HTTP validators of listing, sitemap and feed pages (incremental runs)", {
            "url": ("string", "the page (unique)"),
            "kind": ("string", "listing, sitemap or feed"),
            "etag": ("string or null", "the ETag it answered"),
            "last_modified": ("string or null", "the Last-Modified it answered"),
            "fetched_at": ("date", "when it was last fetched"),
            "state": ("object", "a digest of the last body and how many 304s in a row (stale-validator check)"),
        }, (Index([("url", ASCENDING)], {"name": "url_unique", "unique": True}),)),
        Collection("crawl_locks", "one crawl per site: the holder of each site's lock, with a lease", {
            "_id": ("string", "the site"),
            "owner": ("string", "the run (or shared crawl) holding it"),
            "heartbeat_at": ("double", "the holder's last heartbeat (Unix time); stale after 60 s"),
            "info": ("object", "host, pid, PID namespace and run of the holder: the message a second crawl prints, and "
                       "whether the holder is provably gone"),
        }),
        Collection("changes", "the change feed: one record per new, changed or deleted article", {
            "_id": ("int", "the change's number (the feed's cursor), gapless"),
            "kind": ("string", "new, updated or deleted"),
            "url": ("string", "the article"),
            "site": ("string", "scheme://host[:port] of the article"),
            "version": ("int or null", "the article's version after the change"),
            "fields": ("array", "the fields that changed"),
            "changed_at": ("date", "when it was stored"),
            "article": ("object or null", "the article as stored (null for a deletion)"),
        }, (Index([("changed_at", ASCENDING)], {"name": "changed_at"}),)),
        Collection("counters", "the last change number handed out", {
            "_id": ("string", "changes"),
            "seq": ("int", "the last number"),
        }),
        Collection("feed_cursors", "where each webhook consumer of the change feed is (NEWSCRAWL_CHANGES_WEBHOOK)", {
            "_id": ("string", "the consumer (the webhook)"),
            "cursor": ("int", "the last change it was given"),
        }),
    )


INDEXES = {c.name: c.indexes for c in collections()}
