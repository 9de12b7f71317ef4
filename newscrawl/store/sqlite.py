"""The embedded default store: one SQLite file (JSON documents, FTS5 full-text search).

SQLite ships with Python, is a maintained, real embedded database, and gives what the
storage logic needs: transactions (a batch is written at once), a unique key on `url`,
indexes, and full-text search. montydb and mongita were tried and lack bulk writes or
unique indexes.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from newscrawl.codec import dumps, iso, loads, revive
from newscrawl.store.base import (
    Applied,
    Filters,
    Insert,
    StoreUnavailable,
    Touch,
    Update,
    deletion_change,
    insert_change,
    update_change,
)
from newscrawl.store.record import CrawlRun
from newscrawl.store.sqlite_feed import SQLiteFeed

T = TypeVar("T")
SCHEMA = resources.files(__package__).joinpath("sqlite_schema.sql").read_text(encoding="utf-8")
# The site (scheme://host[:port]) of an article URL, in SQL: up to the first "/" after "http://x".
SITE_OF_URL = "substr(url, 1, 7 + instr(substr(url, 9), '/'))"


def _patiently(fn: Callable[[], T], seconds: float = 30.0) -> T:
    """Run fn, waiting out "database is locked": switching a new file to WAL, or creating the
    schema while another process does the same, can answer SQLITE_BUSY without waiting."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class SQLiteStore(SQLiteFeed):
    kind = "sqlite"

    def __init__(self, path: str | Path, readonly: bool = False, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.where = str(self.path.resolve())
        self.readonly = readonly
        self.db: sqlite3.Connection
        try:
            if readonly:
                self.db = self._open_readonly()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = self.db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                               check_same_thread=False)
                _patiently(lambda: db.execute("PRAGMA journal_mode=WAL"))
                db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the embedded store {self.where}: {exc}; "
                                   f"set NEWSCRAWL_DATA_DIR to a writable folder") from None
        self.lock = threading.Lock()

    def _open_readonly(self) -> sqlite3.Connection:
        """For commands that only read: never creates a store, works in a read-only folder."""
        if not self.path.is_file():
            raise StoreUnavailable(f"no embedded store at {self.where} (nothing crawled there yet?); "
                                   f"check --data-dir / NEWSCRAWL_DATA_DIR, or crawl first") from None
        uri = self.path.resolve().as_uri()
        writable = os.access(self.path.parent, os.W_OK)
        # A WAL database in a folder nobody may write to (no -shm to create): read it as immutable.
        db = sqlite3.connect(f"{uri}?mode=ro" if writable else f"{uri}?immutable=1", uri=True,
                             timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("SELECT count(*) FROM articles").fetchone()
        except sqlite3.Error as exc:
            db.close()
            raise StoreUnavailable(f"{self.where} is not a newscrawl store ({exc})") from None
        return db

    def close(self) -> None:
        with self.lock:  # not while another thread is in a query (SQLite would crash the process)
            self.db.close()  # a second close does nothing

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self.lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(self.db)
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
                self.db.execute("COMMIT")
                return out
            except sqlite3.OperationalError as exc:
                raise StoreUnavailable(f"embedded store {self.where}: {exc}") from exc

    def ensure_indexes(self) -> None:
        if self.readonly:
            return
        with self.lock:
            try:
                _patiently(lambda: self.db.executescript(SCHEMA))
                _patiently(self._migrate)
                _patiently(self._probe_write)
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot write the embedded store {self.where}: {exc}; "
                                       f"set NEWSCRAWL_DATA_DIR to a writable folder") from None

    def _migrate(self) -> None:
        """Columns added since a store was created (idempotent)."""
        cols = {r[1] for r in self.db.execute("PRAGMA table_info(http_validators)")}
        if "state" not in cols:  # change signals' state (newscrawl.crawl.incremental)
            self.db.execute("ALTER TABLE http_validators ADD COLUMN state TEXT")

    def _probe_write(self) -> None:
        """Can this process write here at all (a read-only file or folder says so only on a write)?"""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("INSERT INTO crawl_locks (site, owner, heartbeat_at, doc)"
                            " VALUES ('', '', 0, '{}') ON CONFLICT DO NOTHING")
        finally:
            self.db.execute("ROLLBACK")

    # ---- writes ----------------------------------------------------------------------
    def _rows(self, columns: str, urls: list[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of these articles, in chunks of 500 URLs (one query a chunk)."""
        with self.lock:
            for i in range(0, len(urls), 500):
                chunk = urls[i:i + 500]
                yield from self.db.execute(
                    f"SELECT {columns} FROM articles WHERE url IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall()

    def fetch_state(self, urls: list[str]) -> dict[str, dict[str, Any]]:
        return {url: revive({"url": url, "version": version, "_hashes": json.loads(hashes or "{}"),
                             "_history_bytes": json.loads(sizes) if sizes else None, "last_seen_at": seen})
                for url, version, hashes, sizes, seen in self._rows(
                    "url, version, json_extract(doc, '$._hashes'), json_extract(doc, '$._history_bytes'), last_seen_at",
                    urls)}

    def fetch_fields(self, urls: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for url, doc_json, history in self._rows("url, doc, history", urls):
            doc = loads(doc_json)
            doc["history"] = loads(history)  # a column of its own
            out[url] = {f: doc.get(f) for f in fields}
        return out

    def _index_text(self, db: sqlite3.Connection, rowid: int, doc: dict[str, Any], replace: bool) -> None:
        if replace:
            db.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
            db.execute("DELETE FROM article_tags WHERE url = ?", (doc["url"],))
        db.execute("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                   (rowid, doc.get("title"), doc.get("summary"), doc.get("body")))
        db.executemany("INSERT OR IGNORE INTO article_tags (url, tag) VALUES (?, ?)",
                       [(doc["url"], t) for t in doc.get("tags") or []])

    def apply(self, inserts: list[Insert], touches: list[Touch], updates: list[Update], history_max: int) -> Applied:
        def run(db: sqlite3.Connection) -> Applied:
            applied = Applied()
            for ins in inserts:
                d = dict(ins.doc)
                meta = {k: d.pop(k) for k in ("first_seen_at", "last_seen_at", "version", "history")}
                cur = db.execute(
                    "INSERT INTO articles (url, doc, published_at, category, version, first_seen_at,"
                    " last_seen_at, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                    (d["url"], dumps(d), iso(d.get("published_at")), d.get("category"), meta["version"],
                     iso(meta["first_seen_at"]), iso(meta["last_seen_at"]), dumps(meta["history"])))
                if cur.rowcount == 1:
                    applied.inserted.add(d["url"])
                    self._index_text(db, cur.lastrowid or 0, d, replace=False)
                    self._record_change(db, insert_change(ins.doc))
            db.executemany("UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE url = ?",
                           [(iso(t.seen_at), t.url) for t in touches if not t.fields])
            db.executemany("UPDATE articles SET last_seen_at = max(last_seen_at, ?),"
                           " doc = json_patch(doc, ?) WHERE url = ?",
                           [(iso(t.seen_at), dumps(t.fields), t.url) for t in touches if t.fields])
            for u in updates:
                row = db.execute("SELECT rowid, doc, history FROM articles WHERE url = ? AND version = ?",
                                 (u.url, u.version)).fetchone()
                if row is None:
                    continue  # another writer got there first
                rowid, doc_json, history_json = row
                doc = json.loads(doc_json)
                doc.update(json.loads(dumps(u.fields)))
                keep = min(u.history_keep, history_max)  # the size bound may keep fewer (newest)
                history = (json.loads(history_json) + [json.loads(dumps(u.history_entry))])[-keep:] if keep else []
                db.execute(
                    "UPDATE articles SET doc = ?, published_at = ?, category = ?, version = version + 1,"
                    " last_seen_at = max(last_seen_at, ?), history = ? WHERE rowid = ?",
                    (dumps(doc), doc.get("published_at"), doc.get("category"), iso(u.seen_at),
                     dumps(history), rowid))
                self._index_text(db, rowid, doc, replace=True)
                applied.updated.add(u.url)
                self._record_change(db, update_change(u))
            return applied
        return self._tx(run)

    # ---- incremental crawls ------------------------------------------------------------
    @staticmethod
    def _prefix_range(prefix: str) -> tuple[str, str]:
        return prefix, prefix + "\U0010ffff"

    def iter_urls(self, prefix: str) -> Iterator[str]:
        cur = self.db.cursor()
        cur.execute("SELECT url FROM articles WHERE url >= ? AND url < ?", self._prefix_range(prefix))
        while rows := cur.fetchmany(10_000):
            for (url,) in rows:
                yield url

    def visit_states(self, urls: list[str] | None = None, published_since: datetime | None = None,
                     prefix: str = "") -> dict[str, dict[str, Any]]:
        cols = "url, published_at, last_seen_at, json_extract(doc, '$.http_cache')"
        if urls is not None:
            rows = list(self._rows(cols, list(urls)))
        else:
            with self.lock:
                rows = self.db.execute(
                    f"SELECT {cols} FROM articles WHERE url >= ? AND url < ? AND published_at >= ?",
                    (*self._prefix_range(prefix), iso(published_since))).fetchall()
        out = {}
        for url, published, seen, cache in rows:
            out[url] = revive({"url": url, "published_at": published, "last_seen_at": seen,
                               "http_cache": json.loads(cache) if cache else None})
        if urls is not None and published_since is not None:
            out = {u: d for u, d in out.items() if d["published_at"] and d["published_at"] >= published_since}
        return out

    def touch(self, urls: list[str], seen_at: datetime) -> None:
        self._tx(lambda db: db.executemany("UPDATE articles SET last_seen_at = max(last_seen_at, ?) WHERE url = ?",
                                           [(iso(seen_at), u) for u in urls]))

    def load_validators(self, prefix: str) -> dict[str, dict[str, Any]]:
        with self.lock:
            rows = self.db.execute("SELECT url, kind, etag, last_modified, fetched_at, state FROM http_validators"
                                   " WHERE url >= ? AND url < ?", self._prefix_range(prefix)).fetchall()
        out = {}
        for r in rows:
            entry = revive(dict(zip(("url", "kind", "etag", "last_modified", "fetched_at"), r[:5])))
            if r[5]:
                entry["state"] = loads(r[5])
            out[r[0]] = entry
        return out

    def save_validators(self, entries: list[dict[str, Any]]) -> None:
        self._tx(lambda db: db.executemany(
            "INSERT INTO http_validators (url, kind, etag, last_modified, fetched_at, state) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, etag = excluded.etag,"
            " last_modified = excluded.last_modified, fetched_at = excluded.fetched_at, state = excluded.state",
            [(e["url"], e.get("kind"), e.get("etag"), e.get("last_modified"), iso(e.get("fetched_at")),
              dumps(e["state"]) if e.get("state") else None)
             for e in entries]))

    # ---- runs ------------------------------------------------------------------------
    def save_run(self, run: CrawlRun) -> None:
        doc = run.to_doc()
        self._tx(lambda db: db.execute(
            "INSERT INTO crawl_runs (run_id, started_at, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (run_id) DO UPDATE SET doc = excluded.doc",
            (run.run_id, iso(run.started_at), dumps(doc))))

    def last_runs(self, n: int = 5, site: str | None = None) -> list[CrawlRun]:
        with self.lock:
            if site is None:
                rows = self.db.execute("SELECT doc FROM crawl_runs ORDER BY started_at DESC LIMIT ?", (n,))
            else:
                rows = self.db.execute("SELECT doc FROM crawl_runs WHERE json_extract(doc, '$.site') = ?"
                                       " ORDER BY started_at DESC LIMIT ?", (site, n))
            return [CrawlRun.from_doc(loads(r[0])) for r in rows]

    def run_days(self, site: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
        where, args = [], []
        if site is not None:
            where.append("json_extract(doc, '$.site') = ?")
            args.append(site)
        if since is not None:
            where.append("started_at >= ?")
            args.append(iso(since))
        n = "coalesce(json_extract(doc, '$.counts.{}'), 0)"
        sql = ("SELECT substr(started_at, 1, 10) AS day, count(*), "
               "sum(json_extract(doc, '$.status') = 'passed'), sum(json_extract(doc, '$.status') = 'degraded'), "
               + ", ".join(f"sum({n.format(k)})" for k in ("new", "updated", "unchanged", "pages", "not_modified"))
               + ", sum(coalesce((julianday(json_extract(doc, '$.finished_at')) - julianday(started_at)) * 86400, 0))"
               " FROM crawl_runs" + (" WHERE " + " AND ".join(where) if where else "")
               + " GROUP BY day ORDER BY day")
        with self.lock:
            rows = self.db.execute(sql, args).fetchall()
        keys = ("day", "runs", "passed", "degraded", "new", "updated", "unchanged", "pages", "not_modified",
                "duration_s")
        return [dict(zip(keys, row)) for row in rows]

    # ---- one crawl per site (newscrawl.crawl.lock) ------------------------------------------
    def acquire_lock(self, site: str, owner: str, info: dict[str, Any], stale_before: float,
                     now: float) -> dict[str, Any] | None:
        def run(db: sqlite3.Connection) -> dict[str, Any] | None:
            row = db.execute("SELECT owner, heartbeat_at, doc FROM crawl_locks WHERE site = ?", (site,)).fetchone()
            if row is not None and row[0] != owner and row[1] >= stale_before:
                return dict(loads(row[2]))
            db.execute("INSERT INTO crawl_locks (site, owner, heartbeat_at, doc) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (site) DO UPDATE SET owner = excluded.owner,"
                       " heartbeat_at = excluded.heartbeat_at, doc = excluded.doc",
                       (site, owner, now, dumps(info)))
            return None
        return self._tx(run)

    def refresh_lock(self, site: str, owner: str, now: float) -> bool:
        return self._tx(lambda db: db.execute("UPDATE crawl_locks SET heartbeat_at = ? WHERE site = ? AND owner = ?",
                                              (now, site, owner)).rowcount == 1)

    def release_lock(self, site: str, owner: str) -> None:
        self._tx(lambda db: db.execute("DELETE FROM crawl_locks WHERE site = ? AND owner = ?", (site, owner)))

    # ---- sites -----------------------------------------------------------------------
    def sites(self) -> dict[str, int]:
        """{site: articles stored} for every site in the store."""
        with self.lock:
            return dict(self.db.execute(f"SELECT {SITE_OF_URL} s, count(*) FROM articles GROUP BY s ORDER BY s"))

    def purge_preview(self, site: str) -> dict[str, int]:
        lo, hi = self._prefix_range(site + "/")
        count = {"articles": ("SELECT count(*) FROM articles WHERE url >= ? AND url < ?", (lo, hi)),
                 "crawl_runs": ("SELECT count(*) FROM crawl_runs WHERE json_extract(doc, '$.site') = ?", (site,)),
                 "http_validators": ("SELECT count(*) FROM http_validators WHERE url >= ? AND url < ?", (lo, hi)),
                 "crawl_locks": ("SELECT count(*) FROM crawl_locks WHERE site = ?", (site,))}
        with self.lock:
            return {name: self.db.execute(sql, args).fetchone()[0] for name, (sql, args) in count.items()}

    def purge(self, site: str, now: datetime) -> dict[str, int]:
        """In one transaction: the deletions published in the change feed, then the rows removed."""
        lo, hi = self._prefix_range(site + "/")

        def run(db: sqlite3.Connection) -> dict[str, int]:
            gone = db.execute("SELECT url, version FROM articles WHERE url >= ? AND url < ?", (lo, hi)).fetchall()
            for url, version in gone:
                self._record_change(db, deletion_change(url, version, now))
            db.execute("DELETE FROM articles_fts WHERE rowid IN (SELECT rowid FROM articles WHERE url >= ? AND url < ?)",
                       (lo, hi))
            db.execute("DELETE FROM article_tags WHERE url >= ? AND url < ?", (lo, hi))
            return {"articles": db.execute("DELETE FROM articles WHERE url >= ? AND url < ?", (lo, hi)).rowcount,
                    "crawl_runs": db.execute("DELETE FROM crawl_runs WHERE json_extract(doc, '$.site') = ?",
                                             (site,)).rowcount,
                    "http_validators": db.execute("DELETE FROM http_validators WHERE url >= ? AND url < ?",
                                                  (lo, hi)).rowcount,
                    "crawl_locks": db.execute("DELETE FROM crawl_locks WHERE site = ?", (site,)).rowcount,
                    "deletions": len(gone)}
        return self._tx(run)

    # ---- queries ---------------------------------------------------------------------
    def _where(self, f: Filters) -> tuple[list[str], list[str | int]]:
        """The SQL conditions of the filters, and their arguments."""
        where: list[str] = []
        args: list[str | int] = []
        if f.site:
            where.append("url >= ? AND url < ?")
            args.extend(self._prefix_range(f.site + "/"))
        if f.category:
            where.append("category = ?")
            args.append(f.category)
        if f.tag:
            where.append("url IN (SELECT url FROM article_tags WHERE tag = ?)")
            args.append(f.tag)
        if f.author:
            where.append("EXISTS (SELECT 1 FROM json_each(articles.doc, '$.authors') WHERE value LIKE ?)")
            args.append(f"%{f.author}%")
        if f.since:
            where.append("published_at >= ?")
            args.append(iso(f.since))
        if f.until:
            where.append("published_at < ?")
            args.append(iso(f.until))
        if f.search:
            terms = " ".join('"' + w.replace('"', '""') + '"' for w in f.search.split())
            where.append("rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            args.append(terms)
        return where, args

    def find(self, f: Filters) -> Iterator[dict[str, Any]]:
        where, args = self._where(f)
        sql = ("SELECT doc, first_seen_at, last_seen_at, version, history FROM articles"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY published_at DESC" + (" LIMIT ?" if f.limit else ""))
        if f.limit:
            args.append(f.limit)
        cur = self.db.cursor()  # streams rows: flat memory on large exports
        cur.execute(sql, args)
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                break
            for doc, first, last, version, history in rows:
                d = json.loads(doc)
                for internal in ("_hashes", "_history_bytes", "http_cache"):
                    d.pop(internal, None)
                d.update(first_seen_at=first, last_seen_at=last, version=version,
                         history=json.loads(history))
                yield revive(d)

    def _site_where(self, site: str | None, glue: str) -> tuple[str, tuple[Any, ...]]:
        return (f" {glue} url >= ? AND url < ?", self._prefix_range(site + "/")) if site else ("", ())

    def count(self, site: str | None = None) -> int:
        where, args = self._site_where(site, "WHERE")
        with self.lock:
            return int(self.db.execute("SELECT count(*) FROM articles" + where, args).fetchone()[0])

    def counts_by(self, days: int = 14, site: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        where, args = self._site_where(site, "WHERE")
        and_site, _ = self._site_where(site, "AND")
        with self.lock:
            by_cat = dict(self.db.execute(
                f"SELECT category, count(*) FROM articles{where} GROUP BY category ORDER BY count(*) DESC", args))
            by_day = dict(self.db.execute(
                f"SELECT substr(published_at, 1, 10) d, count(*) FROM articles WHERE published_at IS NOT NULL"
                f"{and_site} GROUP BY d ORDER BY d DESC LIMIT ?", (*args, days)))
        return by_cat, by_day
