"""Where articles are stored: MongoDB when MONGO_URI is set, else the embedded SQLite store."""
from __future__ import annotations

import logging
from pathlib import Path

from .base import ArticleWriter, Counts, Filters, Store, StoreUnavailable, public

logger = logging.getLogger(__name__)

__all__ = ["ArticleWriter", "Counts", "Filters", "Store", "StoreUnavailable", "open_store",
           "public", "spill_dir"]


def open_store(settings, quiet: bool = False) -> Store:
    """Open the configured store (MONGO_URI, MONGO_DATABASE, NEWSCRAWL_MONGO_TIMEOUT_MS;
    without MONGO_URI, NEWSCRAWL_DATA_DIR)."""
    uri = settings.get("MONGO_URI")
    if uri:
        from .mongo import MongoStore
        return MongoStore(uri, settings.get("MONGO_DATABASE"), settings.getint("NEWSCRAWL_MONGO_TIMEOUT_MS"))
    from .sqlite import SQLiteStore
    store = SQLiteStore(Path(settings.get("NEWSCRAWL_DATA_DIR")) / "newscrawl.sqlite3")
    if not quiet:
        logger.info("No MONGO_URI set: storing articles in the embedded store %s", store.where)
    return store


def spill_dir(settings) -> Path:
    """NEWSCRAWL_SPILL_DIR, or <NEWSCRAWL_DATA_DIR>/spill when it is not set."""
    return Path(settings.get("NEWSCRAWL_SPILL_DIR") or Path(settings.get("NEWSCRAWL_DATA_DIR")) / "spill")
