"""The change feed's side of the embedded store: each change numbered in the article's own
transaction (commit order, never a gap), read back in number order; the cursors of the
webhook consumers; pruning by age."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from newscrawl.codec import dumps, iso, loads
from newscrawl.store.base import StoreUnavailable

T = TypeVar("T")


class SQLiteFeed:
    """Mixed into SQLiteStore, which gives the connection, its lock and transactions."""

    db: sqlite3.Connection
    lock: threading.Lock
    where: str

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    @staticmethod
    def _record_change(db: sqlite3.Connection, change: dict[str, Any]) -> None:
        """In the article's own transaction: numbered in commit order, never a gap."""
        db.execute("INSERT INTO changes (url, changed_at, doc) VALUES (?, ?, ?)",
                   (change["url"], iso(change["changed_at"]), dumps(change)))

    # ---- the change feed -------------------------------------------------------------
    def changes_after(self, cursor: int, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            try:
                rows = self.db.execute("SELECT seq, doc FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                                       (cursor, limit)).fetchall()
            except sqlite3.OperationalError as exc:  # a store no crawl has written since the feed came
                if "no such table" in str(exc):
                    return []
                raise StoreUnavailable(f"embedded store {self.where}: {exc}") from exc
        return [dict(loads(doc), cursor=seq) for seq, doc in rows]

    def change_bounds(self) -> tuple[int, int]:
        with self.lock:
            try:
                lo, hi = self.db.execute("SELECT min(seq), max(seq) FROM changes").fetchone()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return 0, 0
                raise StoreUnavailable(f"embedded store {self.where}: {exc}") from exc
        return lo or 0, hi or 0

    def load_cursor(self, name: str) -> int:
        with self.lock:
            row = self.db.execute("SELECT cursor FROM feed_cursors WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def save_cursor(self, name: str, cursor: int) -> None:
        self._tx(lambda db: db.execute("INSERT INTO feed_cursors (name, cursor) VALUES (?, ?) ON CONFLICT (name)"
                                       " DO UPDATE SET cursor = max(cursor, excluded.cursor)", (name, cursor)))

    def prune_changes(self, before: datetime) -> int:
        return self._tx(lambda db: db.execute("DELETE FROM changes WHERE changed_at < ?", (iso(before),)).rowcount)

