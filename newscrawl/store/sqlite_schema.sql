-- The embedded store's tables (newscrawl.store.sqlite); every statement may run again.
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    published_at TEXT,
    category TEXT COLLATE NOCASE,
    version INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS articles_published_at ON articles (published_at DESC);
CREATE INDEX IF NOT EXISTS articles_category_published_at ON articles (category, published_at DESC);
CREATE TABLE IF NOT EXISTS article_tags (
    url TEXT NOT NULL, tag TEXT NOT NULL COLLATE NOCASE, PRIMARY KEY (url, tag)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_tags_tag ON article_tags (tag);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (title, summary, body);
CREATE TABLE IF NOT EXISTS http_validators (
    url TEXT PRIMARY KEY, kind TEXT, etag TEXT, last_modified TEXT, fetched_at TEXT, state TEXT);
CREATE TABLE IF NOT EXISTS crawl_runs (run_id TEXT PRIMARY KEY, started_at TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, changed_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changes_changed_at ON changes (changed_at);
CREATE TABLE IF NOT EXISTS feed_cursors (name TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS crawl_runs_started_at ON crawl_runs (started_at DESC);
CREATE TABLE IF NOT EXISTS crawl_locks (
    site TEXT PRIMARY KEY, owner TEXT NOT NULL, heartbeat_at REAL NOT NULL, doc TEXT NOT NULL);
