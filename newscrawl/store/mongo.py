"""MongoDB, the production store (pymongo)."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, ReturnDocument, UpdateOne
from pymongo import errors as mongo_errors

from newscrawl.site.rules import mask_password
from newscrawl.store.base import (
    Applied,
    Filters,
    Insert,
    StoreMisconfigured,
    StoreUnavailable,
    Touch,
    Update,
    deletion_change,
    insert_change,
    public,
    update_change,
)
from newscrawl.store.mongo_feed import MongoFeed
from newscrawl.store.mongo_setup import TRANSIENT, MongoSetup, connect, reason
from newscrawl.store.record import CrawlRun

logger = logging.getLogger(__name__)

# Write errors that refuse one document for good (it is dropped with the reason, the batch goes on).
REFUSED = {121: "rejected_by_validator", 10334: "too_large_document", 17419: "too_large_document"}



mask_uri = mask_password  # the name the stores and tests use


















@dataclass
class BulkOutcome:
    upserted: set[int]  # indexes of the operations that inserted
    failed: set[int]  # indexes of the operations that failed (a race, or refused)
    refused: dict[int, str]  # index -> the reason the server refused that document for good
    matched: int | None  # operations that matched, when the whole write went through


def _change_summary(change: dict[str, Any]) -> dict[str, Any]:
    return {k: change[k] for k in ("cursor", "kind", "fields", "changed_at")}


def _insert_op(ins: Insert, change: dict[str, Any]) -> UpdateOne:
    doc = dict(ins.doc, _change=_change_summary(change))
    seen = doc.pop("last_seen_at")
    return UpdateOne({"url": doc["url"]}, {"$setOnInsert": doc, "$max": {"last_seen_at": seen}}, upsert=True)


def _update_op(u: Update, change: dict[str, Any], keep: int) -> UpdateOne:
    fields = dict(u.fields, _change=_change_summary(change))
    op = {"$set": fields if keep else dict(fields, history=[]), "$inc": {"version": 1},
          "$max": {"last_seen_at": u.seen_at}}
    if keep:  # the size bound may keep fewer than history_max (newest)
        op["$push"] = {"history": {"$each": [u.history_entry], "$slice": -keep}}
    return UpdateOne({"url": u.url, "version": u.version}, op)


class MongoStore(MongoFeed, MongoSetup):
    kind = "mongodb"

    def __init__(self, uri: str, database: str, timeout_ms: int, readonly: bool = False,
                 options: dict[str, Any] | None = None) -> None:
        self.uri = uri
        self.readonly = readonly
        self.options = options or {}
        self.query_timeout_ms = self.options.get("query_timeout_ms") or None
        self.validation = (self.options.get("validation") or "off").lower()
        if self.validation not in ("error", "warn", "off"):
            raise StoreMisconfigured(f"NEWSCRAWL_MONGO_VALIDATION must be error, warn or off, got {self.validation!r}")
        self.where = f"{mask_uri(uri)} database {database}"
        self.client = connect(uri, timeout_ms, self.options)
        self.db = db = self.client[database]
        self.articles = db["articles"]
        self.runs = db["crawl_runs"]
        self.validators = db["http_validators"]
        self.locks = db["crawl_locks"]
        self.changes = db["changes"]  # the change feed: _id is the change's number
        self.counters = db["counters"]  # {"_id": "changes", "seq": the last number handed out}
        self.settle_s = float(self.options.get("changes_settle_s", 60.0))
        try:
            self.client.admin.command("ping")
            missing = readonly and "articles" not in db.list_collection_names()
        except mongo_errors.OperationFailure as exc:  # authentication, rights
            self.close()
            raise StoreMisconfigured(f"MongoDB at {mask_uri(uri)} refused newscrawl: {reason(exc)}; check the "
                                     f"user and password in MONGO_URI and its roles (docs: how-to/mongodb.md, MongoDB in "
                                     f"production)") from None
        except TRANSIENT as exc:
            self.close()
            raise StoreUnavailable(
                f"MongoDB at {mask_uri(uri)} is unreachable ({type(exc).__name__}). Start the server "
                f"(e.g. `docker run -d -p 127.0.0.1:27017:27017 mongo:7`), or fix MONGO_URI, or unset MONGO_URI to use the "
                f"embedded store.") from None
        if missing:
            self.close()
            raise StoreUnavailable(f"no newscrawl store in MongoDB database {database} at {mask_uri(uri)} "
                                   f"(nothing crawled there yet?); check MONGO_URI / MONGO_DATABASE") from None

    def close(self) -> None:
        if self.client is not None:
            if not self.uri.startswith("mongomock://"):  # the fake keeps its data
                self.client.close()
            self.client = None

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TRANSIENT as exc:
            raise StoreUnavailable(f"MongoDB at {mask_uri(self.uri)}: {type(exc).__name__}") from exc

    # ---- writes ----------------------------------------------------------------------
    def fetch_state(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        cur = self._call(self.articles.find, {"url": {"$in": urls}},
                         {"_id": 0, "url": 1, "version": 1, "_hashes": 1, "_history_bytes": 1, "last_seen_at": 1})
        return {d["url"]: d for d in self._call(list, cur)}

    def fetch_fields(self, urls: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        proj = {"_id": 0, "url": 1, **{f: 1 for f in fields}}
        cur = self._call(self.articles.find, {"url": {"$in": urls}}, proj)
        return {d["url"]: d for d in self._call(list, cur)}

    def _numbers(self, n: int) -> list[int]:
        """The next ``n`` numbers of the change feed (one atomic $inc)."""
        if not n:
            return []
        counter = self._call(self.counters.find_one_and_update, {"_id": "changes"}, {"$inc": {"seq": n}},
                             upsert=True, return_document=ReturnDocument.AFTER)
        return list(range(counter["seq"] - n + 1, counter["seq"] + 1))

    def apply(self, inserts: list[Insert], touches: list[Touch], updates: list[Update], history_max: int) -> Applied:
        changes: dict[str, dict[str, Any]] = {}
        ops = self._operations(inserts, touches, updates, history_max, changes)
        if not ops:
            return Applied()
        outcome = self._bulk(ops)
        applied = Applied(inserted={url for i, (k, url, _) in enumerate(ops) if k == "insert" and i in outcome.upserted},
                          rejected={ops[i][1]: reason for i, reason in outcome.refused.items()})
        update_urls = [url for i, (k, url, _) in enumerate(ops) if k == "update" and i not in outcome.failed]
        if outcome.matched is not None and len(outcome.upserted) == len(inserts) and \
                outcome.matched == len(touches) + len(updates):
            applied.updated = set(update_urls)  # every op matched: no race, no extra read
        elif update_urls:
            applied.updated = self._took(update_urls, updates)
        self._record_changes([changes[u] for u in sorted(applied.inserted | applied.updated)])
        return applied

    def _operations(self, inserts: list[Insert], touches: list[Touch], updates: list[Update], history_max: int,
                    changes: dict[str, dict[str, Any]]) -> list[tuple[str, str, UpdateOne]]:
        """(kind, url, operation) of each write. Each new article and new version takes its
        change's number before the write, and keeps it (with what changed) in `_change`, set
        with the write itself: a change record a crash lost between the two writes is rebuilt
        from the article. ``changes`` receives each url's change."""
        numbers = iter(self._numbers(len(inserts) + len(updates)))
        ops: list[tuple[str, str, UpdateOne]] = []
        for ins in inserts:
            change = changes[ins.doc["url"]] = dict(insert_change(ins.doc), cursor=next(numbers))
            ops.append(("insert", ins.doc["url"], _insert_op(ins, change)))
        for t in touches:
            op = {"$max": {"last_seen_at": t.seen_at}}
            if t.fields:
                op["$set"] = t.fields
            ops.append(("touch", t.url, UpdateOne({"url": t.url}, op)))
        for u in updates:
            change = changes[u.url] = dict(update_change(u), cursor=next(numbers))
            ops.append(("update", u.url, _update_op(u, change, min(u.history_keep, history_max))))
        return ops

    def _took(self, update_urls: list[str], updates: list[Update]) -> set[str]:
        """Which updates matched their expected version? Those whose version moved on."""
        want = {u.url: (u.version + 1, u.fields["_hashes"]) for u in updates}
        state = self.fetch_state(update_urls)
        return {url for url in update_urls
                if (state.get(url, {}).get("version"), state.get(url, {}).get("_hashes")) == want[url]}

    def _bulk(self, ops: list[tuple[str, str, UpdateOne]]) -> BulkOutcome:
        """One unordered bulk write. A duplicate url (11000) is a race with another writer; a
        document the server refuses for good (REFUSED) is dropped and the batch goes on; any
        other refusal fails the batch (StoreUnavailable)."""
        try:
            result = self._call(self.articles.bulk_write, [op for _, _, op in ops], ordered=False)
            return BulkOutcome(set(result.upserted_ids or {}), set(), {}, result.matched_count)
        except mongo_errors.BulkWriteError as exc:
            details = exc.details or {}
            errors = details.get("writeErrors", [])
            other = [e for e in errors if e.get("code") != 11000 and e.get("code") not in REFUSED]
            if other:  # not a race on the unique url: the store refuses these documents
                raise StoreUnavailable(f"MongoDB refused {len(other)} writes: {other[0].get('errmsg')}") from exc
            refused = {e["index"]: REFUSED[e["code"]] for e in errors if e.get("code") in REFUSED}
            for e in errors:
                if e["index"] in refused:  # this document, for good: it is dropped, the batch goes on
                    logger.warning("MongoDB refused %s: %s", ops[e["index"]][1], e.get("errmsg"))
            return BulkOutcome({u["index"] for u in details.get("upserted", [])}, {e["index"] for e in errors},
                               refused, None)

    # ---- incremental crawls ------------------------------------------------------------
    @staticmethod
    def _prefix(prefix: str) -> dict[str, Any]:
        return {"$regex": "^" + re.escape(prefix)} if prefix else {"$exists": True}

    def iter_urls(self, prefix: str) -> Iterator[str]:
        cur = self.articles.find({"url": self._prefix(prefix)}, {"_id": 0, "url": 1}, batch_size=10_000)
        try:
            for d in cur:
                yield d["url"]
        except TRANSIENT as exc:
            raise StoreUnavailable(f"MongoDB at {mask_uri(self.uri)}: {type(exc).__name__}") from exc

    def visit_states(self, urls: list[str] | None = None, published_since: datetime | None = None,
                     prefix: str = "") -> dict[str, dict[str, Any]]:
        q: dict[str, Any] = {"url": {"$in": list(urls)}} if urls is not None else {"url": self._prefix(prefix)}
        if published_since is not None:
            q["published_at"] = {"$gte": published_since}
        proj = {"_id": 0, "url": 1, "published_at": 1, "last_seen_at": 1, "http_cache": 1}
        return {d["url"]: d for d in self._call(list, self._call(self.articles.find, q, proj))}

    def touch(self, urls: list[str], seen_at: datetime) -> None:
        if urls:
            self._call(self.articles.update_many, {"url": {"$in": urls}}, {"$max": {"last_seen_at": seen_at}})

    def load_validators(self, prefix: str) -> dict[str, dict[str, Any]]:
        cur = self._call(self.validators.find, {"url": self._prefix(prefix)}, {"_id": 0})
        return {d["url"]: d for d in self._call(list, cur)}

    def save_validators(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            self._call(self.validators.bulk_write,
                       [UpdateOne({"url": e["url"]}, {"$set": e}, upsert=True) for e in entries], ordered=False)

    # ---- runs ------------------------------------------------------------------------
    def save_run(self, run: CrawlRun) -> None:
        self._call(self.runs.replace_one, {"run_id": run.run_id}, run.to_doc(), upsert=True)

    def last_runs(self, n: int = 5, site: str | None = None) -> list[CrawlRun]:
        cur = self.runs.find({"site": site} if site else {}, {"_id": 0}).sort("started_at", DESCENDING).limit(n)
        return [CrawlRun.from_doc(doc) for doc in self._call(list, cur)]

    def run_days(self, site: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
        match: dict[str, Any] = {}
        if site is not None:
            match["site"] = site
        if since is not None:
            match["started_at"] = {"$gte": since}

        def total(key: str) -> dict[str, Any]:
            return {"$sum": {"$ifNull": [f"$counts.{key}", 0]}}

        def status(name: str) -> dict[str, Any]:
            return {"$sum": {"$cond": [{"$eq": ["$status", name]}, 1, 0]}}
        group = {"_id": {"$dateToString": {"format": "%Y-%m-%d", "date": "$started_at"}}, "runs": {"$sum": 1},
                 "passed": status("passed"), "degraded": status("degraded"),
                 **{k: total(k) for k in ("new", "updated", "unchanged", "pages", "not_modified")},
                 "duration_ms": {"$sum": {"$ifNull": [{"$subtract": ["$finished_at", "$started_at"]}, 0]}}}
        limit = {"maxTimeMS": self.query_timeout_ms} if self.query_timeout_ms else {}
        rows = self._call(list, self.runs.aggregate([{"$match": match}, {"$group": group}, {"$sort": {"_id": 1}}],
                                                    **limit))
        out = []
        for r in rows:
            day = r.pop("_id")
            r["duration_s"] = (r.pop("duration_ms") or 0) / 1000
            out.append({"day": day, **r})
        return out

    # ---- one crawl per site (newscrawl.crawl.lock): a lock document with a lease -------------
    def acquire_lock(self, site: str, owner: str, info: dict[str, Any], stale_before: float, now: float) -> dict[str, Any] | None:
        try:
            self._call(self.locks.update_one,
                       {"_id": site, "$or": [{"owner": owner}, {"heartbeat_at": {"$lt": stale_before}}]},
                       {"$set": {"owner": owner, "heartbeat_at": now, "info": info}}, upsert=True)
            return None
        except mongo_errors.DuplicateKeyError:  # held by another, fresh: the upsert collided
            held = self._call(self.locks.find_one, {"_id": site}) or {}
            return held.get("info") or {"owner": held.get("owner")}

    def refresh_lock(self, site: str, owner: str, now: float) -> bool:
        return bool(self._call(self.locks.update_one, {"_id": site, "owner": owner},
                               {"$set": {"heartbeat_at": now}}).matched_count == 1)

    def release_lock(self, site: str, owner: str) -> None:
        self._call(self.locks.delete_one, {"_id": site, "owner": owner})

    # ---- sites -----------------------------------------------------------------------
    def sites(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self._call(self.articles.find, {}, {"_id": 0, "url": 1}):
            scheme, _, rest = d["url"].partition("://")
            site = f"{scheme}://{rest.split('/', 1)[0]}"
            out[site] = out.get(site, 0) + 1
        return dict(sorted(out.items()))

    def purge_preview(self, site: str) -> dict[str, int]:
        under = {"url": self._prefix(site + "/")}
        return {"articles": self._call(self.articles.count_documents, under),
                "crawl_runs": self._call(self.runs.count_documents, {"site": site}),
                "http_validators": self._call(self.validators.count_documents, under),
                "crawl_locks": self._call(self.locks.count_documents, {"_id": site})}

    def purge(self, site: str, now: datetime) -> dict[str, int]:
        """The deletions are recorded first: a purge cut short is published at least once."""
        under = {"url": self._prefix(site + "/")}
        gone = self._call(list, self._call(self.articles.find, under, {"url": 1, "version": 1, "_id": 0}))
        numbers = iter(self._numbers(len(gone)))
        self._record_changes([dict(deletion_change(d["url"], d.get("version"), now), cursor=next(numbers))
                              for d in gone])
        return {"articles": self._call(self.articles.delete_many, under).deleted_count,
                "crawl_runs": self._call(self.runs.delete_many, {"site": site}).deleted_count,
                "http_validators": self._call(self.validators.delete_many, under).deleted_count,
                "crawl_locks": self._call(self.locks.delete_many, {"_id": site}).deleted_count,
                "deletions": len(gone)}

    # ---- queries ---------------------------------------------------------------------
    def _resolve(self, field: str, value: str) -> str:
        """The stored spelling of a category or tag typed in any case (exact, indexed match)."""
        for v in self._call(self.articles.distinct, field):
            if isinstance(v, str) and v.lower() == value.lower():
                return v
        return value

    def _filter(self, f: Filters) -> dict[str, Any]:
        q: dict[str, Any] = {"url": self._prefix(f.site + "/")} if f.site else {}
        if f.category:
            q["category"] = self._resolve("category", f.category)
        if f.tag:
            q["tags"] = self._resolve("tags", f.tag)
        if f.author:
            q["authors"] = {"$regex": re.escape(f.author), "$options": "i"}
        if f.since or f.until:
            q["published_at"] = {k: v for k, v in (("$gte", f.since), ("$lt", f.until)) if v}
        return q

    def find(self, f: Filters) -> Iterator[dict[str, Any]]:
        q = self._filter(f)
        if f.search:
            try:  # $text needs the text index (a real server); mongomock has no $text
                # no projection with $text: the internal fields are dropped here (public()), as
                # some servers speaking the wire protocol (mongoeco) refuse $text with a projection
                yield from self._cursor(dict(q, **{"$text": {"$search": f.search}}), f.limit, project=False)
                return
            except NotImplementedError:
                q["$and"] = [{"$or": [{k: {"$regex": re.escape(w), "$options": "i"}}
                                      for k in ("title", "summary", "body")]} for w in f.search.split()]
        yield from self._cursor(q, f.limit)

    def _cursor(self, q: dict[str, Any], limit: int | None, project: bool = True) -> Any:
        cur = self.articles.find(q, {"_id": 0, "_hashes": 0, "_history_bytes": 0, "http_cache": 0} if project else None)
        cur = cur.sort("published_at", DESCENDING)
        if self.query_timeout_ms:  # the CLI's queries: a runaway query ends on the server
            cur = cur.max_time_ms(self.query_timeout_ms)
        if limit:
            cur = cur.limit(limit)
        try:
            for doc in cur:
                yield public(doc)
        except TRANSIENT as exc:
            raise StoreUnavailable(f"MongoDB at {mask_uri(self.uri)}: {type(exc).__name__}") from exc

    def count(self, site: str | None = None) -> int:
        return int(self._call(self.articles.count_documents, {"url": self._prefix(site + "/")} if site else {}))

    def counts_by(self, days: int = 14, site: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        match = {"url": self._prefix(site + "/")} if site else {}
        by_cat = {d["_id"]: d["n"] for d in self._call(self.articles.aggregate, [
            {"$match": match}, {"$group": {"_id": "$category", "n": {"$sum": 1}}}, {"$sort": {"n": -1}}])}
        by_day: dict[str, Any] = {}
        for d in self._call(self.articles.find, match, {"_id": 0, "published_at": 1}):
            if d.get("published_at"):
                key = d["published_at"].date().isoformat()
                by_day[key] = by_day.get(key, 0) + 1
        return by_cat, dict(sorted(by_day.items(), reverse=True)[:days])
