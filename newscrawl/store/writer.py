"""The article writer: what to write for a batch of articles (new, unchanged, a new version
with its history) and what a store's batched write reports back."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newscrawl.items import CONTENT_FIELDS
from newscrawl.store.base import (
    HISTORY_FIELDS,
    MAX_DOCUMENT_BYTES,
    TOUCH_FIELDS,
    Applied,
    Insert,
    Store,
    StoreUnavailable,
    Touch,
    Update,
    field_hashes,
)

logger = logging.getLogger(__name__)


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


def freshness_of(published: datetime | None, stored: datetime) -> dict[str, Any] | None:
    """How long the article took from its published time (what the site says) to the store.
    A published time of exactly midnight UTC is taken as a date only: its lag says nothing
    of minutes (``date_only``, no ``lag_s``)."""
    if not isinstance(published, datetime) or published.tzinfo is None:
        return None
    if (published.hour, published.minute, published.second, published.microsecond) == (0, 0, 0, 0):
        return {"from": "published_at", "date_only": True}
    return {"from": "published_at", "date_only": False, "lag_s": round((stored - published).total_seconds(), 3)}


def seen_before(crawled_at: Any, last_seen_at: Any) -> bool:
    """The page was read no later than the article was last seen: a page read again from the
    web archive (a reparse), which, unchanged, leaves the article as it is (no touch)."""
    if not isinstance(crawled_at, datetime) or not isinstance(last_seen_at, datetime):
        return False
    if (crawled_at.tzinfo is None) != (last_seen_at.tzinfo is None):  # MongoDB hands back naive UTC
        crawled_at, last_seen_at = crawled_at.replace(tzinfo=None), last_seen_at.replace(tzinfo=None)
    return bool(crawled_at <= last_seen_at)


def bson_size(doc: dict[str, Any]) -> int:
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
class Plan:
    """One round's writes, as the writer classified the pending articles."""
    inserts: list[Insert] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    changed: dict[str, tuple[list[str], dict[str, Any]]] = field(default_factory=dict)  # url -> (changed fields, hashes)
    left: int = 0  # unchanged and read from a page no newer than the last sighting: not written at all


class ArticleWriter:
    """Writes batches of normalized article dicts into a store, idempotently."""

    def __init__(self, store: Store, history_max: int, max_rounds: int = 3,
                 max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self.store = store
        self.history_max = history_max
        self.max_rounds = max_rounds
        self.max_bytes = max_bytes

    def write(self, items: list[dict[str, Any]], now: datetime) -> Counts:
        pending = {i["url"]: i for i in items}  # last one of a URL wins within a batch
        counts = Counts()
        for _ in range(self.max_rounds):
            if not pending:
                break
            pending = self._round(pending, now, counts)
        if pending:
            raise StoreUnavailable(f"{len(pending)} articles kept conflicting with other writers")
        return counts

    def _round(self, pending: dict[str, dict[str, Any]], now: datetime, counts: Counts) -> dict[str, dict[str, Any]]:
        """One read, one batched write: what did not take (a race) is returned, to classify again."""
        state = self.store.fetch_state(list(pending))
        counts.round_trips += 1
        plan = Plan()
        for url, item in pending.items():
            self._classify(plan, url, item, state.get(url), now, counts)
        if plan.changed:
            self._plan_updates(plan, pending, state, now, counts)
        applied = self.store.apply(plan.inserts, plan.touches, plan.updates, self.history_max)
        counts.round_trips += 1
        return self._tally(plan, applied, pending, counts)

    def _classify(self, plan: Plan, url: str, item: dict[str, Any], old: dict[str, Any] | None, now: datetime, counts: Counts) -> None:
        """New (an insert), unchanged (a touch) or changed (an update, planned next)."""
        hashes = field_hashes(item)
        if old is None:
            doc = dict(item, _hashes=hashes, first_seen_at=now, last_seen_at=now, version=1,
                       history=[], _history_bytes=[])
            fresh = freshness_of(item.get("published_at"), now)
            if fresh is not None:
                doc["freshness"] = fresh
            if bson_size(doc) > self.max_bytes:
                counts.rejected[url] = "too_large_document"
            else:
                plan.inserts.append(Insert(doc))
            return
        old_hashes = old.get("_hashes") or {}
        changed = [f for f in CONTENT_FIELDS if old_hashes.get(f) != hashes[f]]
        if changed:
            plan.changed[url] = (changed, hashes)
        elif seen_before(item.get("crawled_at"), old.get("last_seen_at")):
            plan.left += 1
        else:
            plan.touches.append(Touch(url, now, {k: item[k] for k in TOUCH_FIELDS if item.get(k)}))

    def _plan_updates(self, plan: Plan, pending: dict[str, dict[str, Any]], state: dict[str, dict[str, Any]], now: datetime,
                      counts: Counts) -> None:
        """Each changed article's update: its history entry (the old values, read in one
        round trip) and as much history as fits under the size bound."""
        wanted = sorted({f if f != "content_hash" else "body" for fs, _ in plan.changed.values() for f in fs})
        if any(state[u].get("_history_bytes") is None for u in plan.changed):
            wanted.append("history")  # stored before history sizes were kept: measure them once
        old_values = self.store.fetch_fields(list(plan.changed), wanted)
        counts.round_trips += 1
        for url, (changed, hashes) in plan.changed.items():
            update = self._update(url, pending[url], changed, hashes, state[url], old_values.get(url, {}), now, counts)
            if update is not None:
                plan.updates.append(update)

    def _update(self, url: str, item: dict[str, Any], changed: list[str], hashes: dict[str, Any], stored: dict[str, Any], before: dict[str, Any],
                now: datetime, counts: Counts) -> Update | None:
        names = [f if f != "content_hash" else "body" for f in changed]
        entry = {"changed_at": now, "version": stored.get("version", 1),
                 "fields": {n: before.get(n) for n in names if n in HISTORY_FIELDS}}
        new_fields = {k: v for k, v in item.items() if k != "url"}
        new_fields["_hashes"] = hashes
        old_sizes = stored.get("_history_bytes")
        if old_sizes is None:
            old_sizes = [bson_size(h) for h in before.get("history") or []]
        entry_bytes = bson_size(entry)
        base = bson_size(dict(new_fields, url=url, first_seen_at=now, last_seen_at=now, version=1,
                              _history_bytes=[0] * self.history_max))
        keep = history_keep(base, entry_bytes, old_sizes, self.history_max, self.max_bytes)
        if keep is None:
            counts.rejected[url] = "too_large_document"
            return None
        if keep < min(self.history_max, len(old_sizes) + 1):
            counts.history_trimmed += 1
        new_fields["_history_bytes"] = [*old_sizes, entry_bytes][-keep:] if keep else []
        return Update(url, stored.get("version", 1), new_fields, entry, now, keep)

    @staticmethod
    def _tally(plan: Plan, applied: Applied, pending: dict[str, dict[str, Any]], counts: Counts) -> dict[str, dict[str, Any]]:
        counts.new += len(applied.inserted)
        for ins in plan.inserts:
            fresh = ins.doc.get("freshness")
            if fresh and ins.doc["url"] in applied.inserted:
                if fresh["date_only"]:
                    counts.date_only += 1
                else:
                    counts.lags.append(fresh["lag_s"])
        counts.updated += len(applied.updated)
        counts.unchanged += len(plan.touches) + plan.left
        counts.rejected.update(applied.rejected)
        retry = {i.doc["url"]: pending[i.doc["url"]] for i in plan.inserts
                 if i.doc["url"] not in applied.inserted and i.doc["url"] not in applied.rejected}
        retry.update({u.url: pending[u.url] for u in plan.updates
                      if u.url not in applied.updated and u.url not in applied.rejected})
        if retry:
            logger.info("Another writer changed %d articles meanwhile; classifying them again", len(retry))
        return retry
