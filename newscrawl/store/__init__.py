"""Where articles are stored: MongoDB when MONGO_URI is set, else the embedded SQLite store.

The store is resolved once, here, for the crawl and every command alike: NEWSCRAWL_STORE
(auto: MongoDB when MONGO_URI is set; embedded; mongodb), then MONGO_URI, or
NEWSCRAWL_DATA_DIR made absolute, else the project's own ``data/`` folder (the checkout that
holds scrapy.cfg), else ``$XDG_DATA_HOME/newscrawl`` for an installed package. Never the
working directory's ``./data`` by accident.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from scrapy.settings import BaseSettings

from newscrawl.store.base import Filters, Store, StoreMisconfigured, StoreUnavailable, public
from newscrawl.store.writer import ArticleWriter, Counts

logger = logging.getLogger(__name__)

__all__ = ["ArticleWriter", "Counts", "Filters", "Store", "StoreMisconfigured", "StoreUnavailable", "data_dir", "describe_store",
           "open_store", "public", "spill_dir", "store_kind"]

SQLITE_FILE = "newscrawl.sqlite3"


def default_data_dir() -> Path:
    """Found the way Scrapy finds a project: data/ beside the closest scrapy.cfg above the
    working directory (so every command run in one project folder agrees, whichever copy of
    the code is imported); outside a project, $XDG_DATA_HOME/newscrawl."""
    from scrapy.utils.conf import closest_scrapy_cfg
    cfg = closest_scrapy_cfg()
    if cfg:
        return Path(cfg).resolve().parent / "data"
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "newscrawl"


def data_dir(settings: BaseSettings) -> Path:
    """The embedded store's folder, absolute: NEWSCRAWL_DATA_DIR (an explicit setting wins),
    else default_data_dir()."""
    value = settings.get("NEWSCRAWL_DATA_DIR")
    return Path(value).expanduser().resolve() if value else default_data_dir()


STORES = ("auto", "embedded", "mongodb")


def describe_store(settings: BaseSettings) -> str:
    """Which store the settings select and why, in one line (`newscrawl where`)."""
    from scrapy.utils.conf import closest_scrapy_cfg

    from newscrawl.site.rules import mask_password
    if store_kind(settings) == "mongodb":
        return (f"mongodb {mask_password(settings.get('MONGO_URI'))} database {settings.get('MONGO_DATABASE')} "
                "(MONGO_URI is set)")
    path = data_dir(settings) / SQLITE_FILE
    if settings.get("NEWSCRAWL_DATA_DIR"):
        why = "NEWSCRAWL_DATA_DIR"
    elif closest_scrapy_cfg():
        why = f"the project of {Path(closest_scrapy_cfg()).resolve()}"
    else:
        why = "no scrapy.cfg above this folder: the user's data folder"
    return f"embedded {path} ({why}{'' if path.exists() else '; nothing crawled there yet'})"


def store_kind(settings: BaseSettings) -> str:
    """``embedded`` or ``mongodb``: NEWSCRAWL_STORE, where ``auto`` means MongoDB when MONGO_URI
    is set. With ``embedded`` nothing connects to MongoDB, whatever MONGO_URI says."""
    kind = (settings.get("NEWSCRAWL_STORE") or "auto").strip().lower()
    if kind not in STORES:
        raise StoreMisconfigured(f"NEWSCRAWL_STORE must be one of {', '.join(STORES)}, got {kind!r}")
    if kind == "auto":
        return "mongodb" if settings.get("MONGO_URI") else "embedded"
    if kind == "mongodb" and not settings.get("MONGO_URI"):
        raise StoreMisconfigured("NEWSCRAWL_STORE=mongodb needs MONGO_URI (or --mongo-uri): set it to the server's URI")
    return kind


def open_store(settings: BaseSettings, quiet: bool = False, readonly: bool = False) -> Store:
    """Open the configured store (store_kind(); MongoDB: MONGO_URI, MONGO_DATABASE and the
    MONGO_*/NEWSCRAWL_MONGO_* options; embedded: data_dir()). ``readonly``: for commands that
    only read; a store that does not exist is refused (StoreUnavailable) instead of created."""
    if store_kind(settings) == "mongodb":
        from newscrawl.store.mongo import MongoStore
        from newscrawl.store.mongo_setup import driver_options, options_from
        options = options_from(settings)
        mongo = MongoStore(settings.get("MONGO_URI"), settings.get("MONGO_DATABASE"),
                           settings.getint("NEWSCRAWL_MONGO_TIMEOUT_MS"), readonly=readonly, options=options)
        if not quiet:  # the URI masked; the options the URI does not name itself
            logger.info("Storing articles in MongoDB %s (%s)", mongo.where, ", ".join(
                f"{k}={v}" for k, v in driver_options(settings.get("MONGO_URI"), options).items()))
        return mongo
    from newscrawl.store.sqlite import SQLiteStore
    store = SQLiteStore(data_dir(settings) / SQLITE_FILE, readonly=readonly,
                        timeout=settings.getfloat("NEWSCRAWL_SQLITE_TIMEOUT"))
    if not quiet:
        logger.info("Storing articles in the embedded store %s", store.where)
    return store


def archive_dir(settings: BaseSettings) -> Path:
    """NEWSCRAWL_ARCHIVE_DIR, or <data_dir()>/archive when it is not set."""
    value = settings.get("NEWSCRAWL_ARCHIVE_DIR")
    return Path(value).expanduser().resolve() if value else data_dir(settings) / "archive"


def spill_dir(settings: BaseSettings) -> Path:
    """NEWSCRAWL_SPILL_DIR, or <data_dir()>/spill when it is not set."""
    value = settings.get("NEWSCRAWL_SPILL_DIR")
    return Path(value).expanduser().resolve() if value else data_dir(settings) / "spill"
