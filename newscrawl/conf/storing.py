"""Settings of where articles go: the store, MongoDB's driver options, batching and the change feed."""
from __future__ import annotations

from newscrawl.conf.declaration import Setting, declare
from newscrawl.conf.kinds import Kind

STORE = declare(
    "The store",
    Setting("NEWSCRAWL_STORE", Kind.STR, "auto", "which store: auto (MongoDB when MONGO_URI is set), embedded, mongodb",
      choices=("auto", "embedded", "mongodb")),
    Setting("NEWSCRAWL_DATA_DIR", Kind.PATH, None,
      "the embedded store's folder (default: data/ beside the closest scrapy.cfg, else $XDG_DATA_HOME/newscrawl)",
      nullable=True),
    Setting("NEWSCRAWL_SPILL_DIR", Kind.PATH, None, "where batches wait while the store is down (default: <data dir>/spill)",
      nullable=True),
    Setting("NEWSCRAWL_SQLITE_TIMEOUT", Kind.FLOAT, 30.0, "seconds a write waits for another process's write (embedded store)",
      above=0),
    Setting("NEWSCRAWL_BATCH_SIZE", Kind.INT, 200, "articles written in one batch", minimum=1),
    Setting("NEWSCRAWL_FLUSH_SECONDS", Kind.FLOAT, 5.0, "a partial batch is written after this many seconds", above=0),
    Setting("NEWSCRAWL_STORE_RETRIES", Kind.INT, 5, "retries of a failed batch before it is spilled to disk", minimum=0),
    Setting("NEWSCRAWL_STORE_BACKOFF", Kind.FLOAT, 1.0, "seconds before the first store retry; doubles", minimum=0),
    Setting("NEWSCRAWL_SPILL_REPLAY", Kind.BOOL, False,
      "write spilled batches in the same process when the store answers again, and go on (watch mode turns it on); "
      "off: the crawl finishes store_unavailable for `newscrawl replay`"),
    Setting("NEWSCRAWL_HISTORY_MAX", Kind.INT, 10, "earlier versions kept per article", minimum=0),
)

MONGODB = declare(
    "MongoDB",
    Setting("MONGO_URI", Kind.MONGO_URI, None, "MongoDB's URI (or MONGO_HOST, MONGO_USER, MONGO_PASSWORD(_FILE)); "
      "not set: the embedded store", nullable=True, secret=True),
    Setting("MONGO_DATABASE", Kind.STR, "newscrawl", "the database"),
    Setting("NEWSCRAWL_MONGO_TIMEOUT_MS", Kind.INT, 5000, "server selection and connect timeout, ms", minimum=1),
    Setting("NEWSCRAWL_MONGO_SOCKET_TIMEOUT_MS", Kind.INT, 20000, "a server that stops answering fails the write (retried), ms",
      minimum=0),
    Setting("NEWSCRAWL_MONGO_WRITE_CONCERN", Kind.STR, "majority", "w: majority (survives a failover) or a number of members"),
    Setting("NEWSCRAWL_MONGO_JOURNAL", Kind.BOOL, True, "j: a write is acknowledged once journaled"),
    Setting("NEWSCRAWL_MONGO_READ_PREFERENCE", Kind.STR, "primary", "the crawl reads what it wrote",
      choices=("primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest")),
    Setting("NEWSCRAWL_MONGO_RETRY_WRITES", Kind.BOOL, True, "retryWrites"),
    Setting("NEWSCRAWL_MONGO_QUERY_TIMEOUT_MS", Kind.INT, 30000, "maxTimeMS of the command line's queries (0: none)",
      minimum=0),
    Setting("NEWSCRAWL_MONGO_VALIDATION", Kind.STR, "error", "the articles collection's $jsonSchema validator",
      choices=("error", "warn", "off")),
)

CHANGES = declare(
    "The change feed",
    Setting("NEWSCRAWL_CHANGES_KEEP_DAYS", Kind.FLOAT, 30.0, "changes are kept this many days (0: for ever)", minimum=0),
    Setting("NEWSCRAWL_CHANGES_SETTLE_SECONDS", Kind.FLOAT, 60.0,
      "MongoDB: a change number taken but not yet written is waited for this long", minimum=0),
    Setting("NEWSCRAWL_CHANGES_WEBHOOK", Kind.URL, None, "the change feed is POSTed here after each batch", nullable=True),
)

ARCHIVE = declare(
    "The web archive",
    Setting("NEWSCRAWL_ARCHIVE", Kind.BOOL, True, "keep every response the crawl receives in WARC files (off: none)"),
    Setting("NEWSCRAWL_ARCHIVE_DIR", Kind.PATH, None, "the archive's folder (default: <data dir>/archive)", nullable=True),
    Setting("NEWSCRAWL_ARCHIVE_FILE_MB", Kind.INT, 100, "a WARC file is closed and the next begun at this size, MB",
      minimum=1),
    Setting("NEWSCRAWL_ARCHIVE_KEEP_DAYS", Kind.FLOAT, 0.0,
      "a run's WARC files are removed this many days after its last write (0: kept for ever)", minimum=0),
)

STORING = STORE + MONGODB + CHANGES + ARCHIVE
