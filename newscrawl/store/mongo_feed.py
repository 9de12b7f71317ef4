"""The change feed's side of the MongoDB store: numbers from a counter document (one atomic
$inc per batch), one record per change in `changes` (_id = the number), the number also kept
in the article (`_change`) so that a record a crash lost is rebuilt from it; the cursors of
the webhook consumers; pruning by age."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo import errors as mongo_errors
from pymongo.collection import Collection
from pymongo.database import Database

from newscrawl.site.rules import site_of
from newscrawl.store.base import StoreUnavailable, snapshot


class MongoFeed:
    """Mixed into MongoStore, which gives the collections and the retrying call."""

    db: Database[Any]
    articles: Collection[Any]
    changes: Collection[Any]
    settle_s: float
    _call: Callable[..., Any]

    def _record_changes(self, changes: list[dict[str, Any]]) -> None:
        if not changes:
            return
        try:
            self._call(self.changes.insert_many, [self._change_doc(c) for c in changes], ordered=False)
        except mongo_errors.BulkWriteError as exc:  # a retried batch: those records exist
            if any(e.get("code") != 11000 for e in (exc.details or {}).get("writeErrors", [])):
                raise StoreUnavailable(f"MongoDB refused change records: {exc}") from exc

    @staticmethod
    def _change_doc(change: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in change.items() if k != "cursor"}
        out["_id"] = change["cursor"]
        out["site"] = site_of(change["url"])
        return out

    # ---- the change feed -------------------------------------------------------------
    def changes_after(self, cursor: int, limit: int) -> list[dict[str, Any]]:
        """Records in number order; at a missing number: the article that holds it (its
        record lost to a crash), else wait until the next record is older than the settle
        time (NEWSCRAWL_CHANGES_SETTLE_SECONDS: a number taken by a write that did not take,
        or one still being written)."""
        cur = self._call(self.changes.find, {"_id": {"$gt": cursor}})
        docs = self._call(list, cur.sort("_id", ASCENDING).limit(limit))
        out: list[dict[str, Any]] = []
        expect = cursor + 1
        now = datetime.now(timezone.utc)
        for d in docs:
            while d["_id"] > expect:
                rebuilt = self._rebuilt(expect)
                if rebuilt is not None:
                    out.append(rebuilt)
                elif (now - d["changed_at"]).total_seconds() < self.settle_s:
                    return out  # perhaps still being written: the next read sees it
                expect += 1
            d["cursor"] = d.pop("_id")
            d.pop("site", None)
            out.append(d)
            expect = d["cursor"] + 1
        return out[:limit]

    def _rebuilt(self, number: int) -> dict[str, Any] | None:
        doc = self._call(self.articles.find_one, {"_change.cursor": number}, {"_id": 0, "history": 0})
        if doc is None:
            return None
        change = doc["_change"]
        return {"cursor": number, "kind": change["kind"], "url": doc["url"], "version": doc.get("version"),
                "fields": change["fields"], "changed_at": change["changed_at"], "article": snapshot(doc)}

    def change_bounds(self) -> tuple[int, int]:
        first = self._call(list, self.changes.find({}, {"_id": 1}).sort("_id", ASCENDING).limit(1))
        last = self._call(list, self.changes.find({}, {"_id": 1}).sort("_id", DESCENDING).limit(1))
        return (first[0]["_id"] if first else 0), (last[0]["_id"] if last else 0)

    def load_cursor(self, name: str) -> int:
        doc = self._call(self.db["feed_cursors"].find_one, {"_id": name})
        return doc["cursor"] if doc else 0

    def save_cursor(self, name: str, cursor: int) -> None:
        self._call(self.db["feed_cursors"].update_one, {"_id": name}, {"$max": {"cursor": cursor}}, upsert=True)

    def prune_changes(self, before: datetime) -> int:
        return int(self._call(self.changes.delete_many, {"changed_at": {"$lt": before}}).deleted_count)

