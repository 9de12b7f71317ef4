"""The change feed: every new article and every new version, numbered, oldest first.

The stores number each change as they write it (newscrawl.store.base, "the change feed").
A consumer keeps the ``cursor`` of the last change it processed and asks for the changes
after it: it sees each change once, in order, whatever stopped it in between (``--follow``
polls the store; the store restarting is waited out). Changes are kept
NEWSCRAWL_CHANGES_KEEP_DAYS; a cursor older than that is refused, never silently skipped.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from .store import Store, StoreUnavailable
from .urls import site_of

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
    cursor = since
    while True:
        batch = store.changes_after(cursor, BATCH)
        if not batch:
            return
        for change in batch:
            cursor = change["cursor"]
            if site is not None and site_of(change["url"]) != site:
                continue
            yield change
            n += 1
            if limit is not None and n >= limit:
                return


def follow(open_store: Callable[[], Store], since: int, stop: threading.Event, site: str | None = None,
           poll: float = 1.0, limit: int | None = None) -> Iterator[dict]:
    """The changes after ``since``, then each new one as it is stored, until ``stop`` is set.
    The store going away is waited out (a warning, then a retry with backoff)."""
    cursor, n, wait = since, 0, poll
    store: Store | None = None
    while not stop.is_set():
        try:
            if store is None:
                store = open_store()
                check_cursor(store, cursor)
            got = False
            for change in read(store, cursor, site=None):
                cursor = change["cursor"]
                got = True
                if site is not None and site_of(change["url"]) != site:
                    continue
                yield change
                n += 1
                if limit is not None and n >= limit:
                    return
            wait = poll
            if not got:
                stop.wait(poll)
        except StoreUnavailable as exc:
            logger.warning("The store is unavailable (%s); trying again in %.0f s", exc, wait)
            if store is not None:
                store.close()
                store = None
            stop.wait(wait)
            wait = min(wait * 2, 30.0)
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
        prefix = "Updated: " if c["kind"] == "updated" else ""
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
        found = [c for c in read(store, start) if site is None or site_of(c["url"]) == site]
        if len(found) >= n or start == 0:
            return found[::-1][:n]
        window *= 4
