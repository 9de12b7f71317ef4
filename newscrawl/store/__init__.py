"""Where articles are stored: MongoDB when MONGO_URI is set, else the embedded SQLite store."""
from __future__ import annotations

import logging
from pathlib import Path

from .base import ArticleWriter, Counts, Filters, StoreUnavailable, public

logger = logging.getLogger(__name__)

__all__ = ["ArticleWriter", "Counts", "Filters", "StoreUnavailable", "open_store", "public"]


def open_store(settings, quiet: bool = False):
    """Open the configured store (settings: MONGO_URI, MONGO_DATABASE, NEWSCRAWL_DATA_DIR)."""
    uri = settings.get("MONGO_URI")
    if uri:
        from .mongo import MongoStore
        return MongoStore(uri, settings.get("MONGO_DATABASE") or "newscrawl",
                          settings.getint("NEWSCRAWL_MONGO_TIMEOUT_MS", 5000))
    from .sqlite import SQLiteStore
    path = Path(settings.get("NEWSCRAWL_DATA_DIR") or "data") / "newscrawl.sqlite3"
    store = SQLiteStore(path)
    if not quiet:
        logger.info("No MONGO_URI set: storing articles in the embedded store %s", store.where)
    return store
