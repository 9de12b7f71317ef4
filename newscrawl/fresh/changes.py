"""The change feed: every new article and every new version, numbered, oldest first.

The stores number each change as they write it (newscrawl.store.base, "the change feed").
A consumer keeps the ``cursor`` of the last change it processed and asks for the changes
after it: it sees each change once, in order, whatever stopped it in between (``--follow``
polls the store; the store restarting is waited out). Changes are kept
NEWSCRAWL_CHANGES_KEEP_DAYS; a cursor older than that is refused, never silently skipped.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any
from xml.etree import ElementTree as ET

from newscrawl.backoff import backoff_delay
from newscrawl.codec import dumps
from newscrawl.site.rules import site_of
from newscrawl.store import Store, StoreUnavailable

logger = logging.getLogger(__name__)

BATCH = 200
ORDER = ("cursor", "kind", "url", "version", "fields", "changed_at", "article")


class CursorTooOld(Exception):
    """The consumer's cursor is older than the oldest change kept: changes were pruned."""


def shown(change: dict) -> dict:
    """A change as the feed prints it (its keys in a fixed order)."""
    return {k: change.get(k) for k in ORDER}


def check_cursor(store: Store, since: int) -> None:
    """Refuse a cursor whose next changes were pruned (a consumer away for too long)."""
    oldest, _ = store.change_bounds()
    if since > 0 and oldest > since + 1:
        raise CursorTooOld(f"cursor {since} is older than the oldest change kept ({oldest}; "
                           f"NEWSCRAWL_CHANGES_KEEP_DAYS): the changes between were pruned. Start again "
                           f"with --since 0, or from an export of the articles")


def read(store: Store, since: int, site: str | None = None, limit: int | None = None) -> Iterator[dict]:
    """The changes after ``since`` that are there now, oldest first."""
    n = 0
    for change in _all_after(store, since):
        if of_site(change, site):
            yield change
            n += 1
            if limit is not None and n >= limit:
                return


def _all_after(store: Store, cursor: int) -> Iterator[dict]:
    """Every change after ``cursor`` that is there now, page by page."""
    while batch := store.changes_after(cursor, BATCH):
        yield from batch
        cursor = batch[-1]["cursor"]


def of_site(change: dict, site: str | None) -> bool:
    return site is None or site_of(change["url"]) == site


def follow(open_store: Callable[[], Store], since: int, stop: threading.Event, site: str | None = None,
           poll: float = 1.0, limit: int | None = None) -> Iterator[dict]:
    """The changes after ``since``, then each new one as it is stored, until ``stop`` is set.
    The store going away is waited out (a warning, then a retry with backoff)."""
    cursor, n, failures = since, 0, 0
    store: Store | None = None
    while not stop.is_set():
        try:
            if store is None:
                store = open_store()
                check_cursor(store, cursor)
            got = False
            for change in _all_after(store, cursor):  # the cursor moves past other sites' changes too
                cursor, got = change["cursor"], True
                if of_site(change, site):
                    yield change
                    n += 1
                    if limit is not None and n >= limit:
                        return
            failures = 0
            if not got:
                stop.wait(poll)
        except StoreUnavailable as exc:
            wait = backoff_delay(failures, poll, 30.0)
            failures += 1
            logger.warning("The store is unavailable (%s); trying again in %.0f s", exc, wait)
            if store is not None:
                store.close()
                store = None
            stop.wait(wait)
    if store is not None:
        store.close()


def _text(parent, tag: str, value, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if value is not None:
        el.text = str(value)
    return el


def _when(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def atom(changes: list[dict], title: str, feed_id: str) -> str:
    """An Atom 1.0 feed (RFC 4287) of these changes, newest first: one entry per change, whose
    id is the article's URL and version."""
    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", {"xmlns": ns})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", _when(changes[0]["changed_at"] if changes else None))
    _text(ET.SubElement(feed, "author"), "name", "newscrawl")
    _text(feed, "generator", "newscrawl")
    for c in changes:
        a = c.get("article") or {}
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", f"{c['url']}#version-{c['version']}")
        prefix = {"updated": "Updated: ", "deleted": "Deleted: "}.get(c["kind"], "")
        _text(entry, "title", prefix + str(a.get("title") or c["url"]))
        ET.SubElement(entry, "link", {"rel": "alternate", "href": c["url"]})
        _text(entry, "updated", _when(c["changed_at"]))
        if isinstance(a.get("published_at"), datetime):
            _text(entry, "published", _when(a["published_at"]))
        for name in a.get("authors") or []:
            _text(ET.SubElement(entry, "author"), "name", name)
        if a.get("category"):
            ET.SubElement(entry, "category", {"term": str(a["category"])})
        summary = a.get("summary") or (a.get("body") or "")[:500]
        changed = f"{c['kind']} (version {c['version']}; changed: {', '.join(c.get('fields') or [])})"
        _text(entry, "summary", f"{summary}\n\n{changed}" if summary else changed, type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def latest(store: Store, n: int, site: str | None = None) -> list[dict]:
    """The newest ``n`` changes (of ``site``), newest first."""
    _, newest = store.change_bounds()
    window = max(n, BATCH)
    while True:
        start = max(0, newest - window)
        found = list(read(store, start, site))
        if len(found) >= n or start == 0:
            return found[::-1][:n]
        window *= 4


# ---- the webhook sink (NEWSCRAWL_CHANGES_WEBHOOK) ----------------------------------------

def post_json(url: str, body: dict, timeout: float = 10.0) -> None:
    """POST ``body`` as JSON; an HTTP error or no answer raises OSError."""
    req = urllib.request.Request(url, data=dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=timeout).close()


class Webhook:
    """Posts the change feed to a URL in batches ``{"cursor": the last one in the batch,
    "changes": [...]}``, each retried with backoff; the last cursor the hook acknowledged (a
    2xx) is kept in the store under the hook's name, so a crash, a restart or a hook that was
    down re-posts from there: at least once, in order, deduplicable by ``cursor``. A new hook
    starts at the beginning of the feed."""

    def __init__(self, url: str, post=post_json, batch: int = 100, retries: int = 3, backoff: float = 1.0,
                 sleep=time.sleep):
        self.url, self.post, self.batch, self.retries, self.backoff, self.sleep = url, post, batch, retries, backoff, sleep
        self.name = "webhook:" + hashlib.sha1(url.encode()).hexdigest()[:16]  # no token in the store

    def drain(self, store: Store) -> int:
        """Post every change not acknowledged yet; how many were acknowledged now."""
        cursor, sent = store.load_cursor(self.name), 0
        while True:
            batch = [shown(c) for c in store.changes_after(cursor, self.batch)]
            if not batch:
                return sent
            body = {"cursor": batch[-1]["cursor"], "changes": batch}
            for attempt in range(self.retries + 1):
                try:
                    self.post(self.url, body)
                    break
                except OSError as exc:
                    if attempt == self.retries:
                        logger.warning("The change webhook did not take %d changes after cursor %d (%s); "
                                       "they are posted again later", len(batch), cursor, exc)
                        return sent
                    self.sleep(backoff_delay(attempt, self.backoff))
            cursor = body["cursor"]
            store.save_cursor(self.name, cursor)
            sent += len(batch)


class ChangesWebhook:
    """Extension: after each batch the crawl stores, posts the new changes (in a worker
    thread, one drain at a time); a last drain when the crawl closes."""

    def __init__(self, crawler, hook: Webhook):
        from scrapy import signals

        from newscrawl.process.pipelines import ARTICLES_STORED
        from newscrawl.store.extension import CrawlStore
        self.crawler, self.hook = crawler, hook
        self.store = lambda: CrawlStore.of(crawler).get()
        self.running: Any = None  # the drain in a worker thread (a Deferred)
        self.again = False
        self.closing = False  # no drain starts after the last one (the store closes next)
        crawler.signals.connect(self.stored, signal=ARTICLES_STORED)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.exceptions import NotConfigured
        url = crawler.settings.get("NEWSCRAWL_CHANGES_WEBHOOK")
        if not url:
            raise NotConfigured
        return cls(crawler, Webhook(url))

    def _drain(self) -> None:
        try:
            self.hook.drain(self.store())
        except StoreUnavailable as exc:
            logger.warning("Could not read the change feed for the webhook: %s", exc)

    def stored(self, counts) -> None:
        if not (counts.new or counts.updated) or self.closing:
            return
        if self.running is not None:
            self.again = True  # one drain at a time; this one runs once it is done
            return
        from twisted.internet import threads
        self.running = threads.deferToThread(self._drain)

        def done(_):
            self.running = None
            if self.again and not self.closing:
                self.again = False
                self.stored(counts)
        self.running.addBoth(done)

    async def closed(self, spider, reason) -> None:
        from scrapy.utils.defer import maybe_deferred_to_future
        self.closing = True
        while self.running is not None:  # the drain running now (and none after it)
            await maybe_deferred_to_future(self.running)
        from twisted.internet import threads
        await maybe_deferred_to_future(threads.deferToThread(self._drain))
