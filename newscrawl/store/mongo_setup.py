"""MongoDB's side of starting a store: the client and its options, the indexes, the articles'
validator, and what to say when the server refuses them."""
from __future__ import annotations

import logging
import threading
from typing import Any

import pymongo
from pymongo import TEXT
from pymongo import errors as mongo_errors
from scrapy.settings import BaseSettings

from newscrawl.site.rules import mask_password
from newscrawl.store.base import StoreMisconfigured
from newscrawl.store.catalogue import INDEXES, Index
from newscrawl.store.schema import article_validator

logger = logging.getLogger(__name__)
TRANSIENT = (mongo_errors.ConnectionFailure, mongo_errors.ServerSelectionTimeoutError,
             mongo_errors.NetworkTimeout, mongo_errors.AutoReconnect, mongo_errors.ExecutionTimeout,
             mongo_errors.WTimeoutError)




# mongomock-ng's in-memory server: one per process, as a real server outlives its clients
_fake_client: Any = None


_fake_lock = threading.Lock()


def _is_text(index_info: dict[str, Any]) -> bool:
    return any(k == "_fts" or v == "text" for k, v in index_info["key"])


# Production defaults of the driver options (settings, docs/how-to/mongodb.md); an
# option the URI names itself (?w=1&socketTimeoutMS=...) wins over the setting.
OPTION_SETTINGS = {
    "socketTimeoutMS": ("NEWSCRAWL_MONGO_SOCKET_TIMEOUT_MS", "int"),  # a server that stops answering
    "w": ("NEWSCRAWL_MONGO_WRITE_CONCERN", "w"),  # "majority": a write survives a failover
    "journal": ("NEWSCRAWL_MONGO_JOURNAL", "bool"),  # acknowledged once in the journal
    "readPreference": ("NEWSCRAWL_MONGO_READ_PREFERENCE", "str"),
    "retryWrites": ("NEWSCRAWL_MONGO_RETRY_WRITES", "bool"),
}


def options_from(settings: BaseSettings) -> dict[str, Any]:
    """The driver options of the settings, for MongoStore."""
    out: dict[str, Any] = {}
    for option, (name, kind) in OPTION_SETTINGS.items():
        value = settings.get(name)
        if value is None or value == "":
            continue
        if kind == "int":
            value = settings.getint(name)
        elif kind == "bool":
            value = settings.getbool(name)
        elif kind == "w":
            value = int(value) if str(value).isdecimal() else str(value)
        out[option] = value
    out["query_timeout_ms"] = settings.getint("NEWSCRAWL_MONGO_QUERY_TIMEOUT_MS")
    out["validation"] = settings.get("NEWSCRAWL_MONGO_VALIDATION")
    out["changes_settle_s"] = settings.getfloat("NEWSCRAWL_CHANGES_SETTLE_SECONDS")
    return out


def driver_options(uri: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options to pass to MongoClient: those the URI does not name already."""
    named: set[str] = set()
    if "?" in uri:
        from urllib.parse import parse_qsl
        named = {k.lower() for k, _ in parse_qsl(uri.split("?", 1)[1])}
    aliases = {"journal": {"journal", "j"}, "w": {"w"}}
    return {k: v for k, v in options.items() if k in OPTION_SETTINGS
            and not (aliases.get(k, {k.lower()}) & named)}


def connect(uri: str, timeout_ms: int, options: dict[str, Any]) -> Any:
    """A client of its own for each store: a crawl has one store (newscrawl.store.extension), a
    command one, so a process has one client per store it uses."""
    global _fake_client
    if uri.startswith("mongomock://"):  # pymongo-compatible fake, for tests and try-outs
        import mongomock_ng
        with _fake_lock:
            if _fake_client is None:
                _fake_client = mongomock_ng.MongoClient(tz_aware=True)
            return _fake_client
    return pymongo.MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms,
                               connectTimeoutMS=timeout_ms, appname="newscrawl", **driver_options(uri, options))


def _exists(exc: Exception) -> bool:
    """NamespaceExists (48), or a server that says so in words (mongoeco gives no code)."""
    code = getattr(exc, "code", None)  # (85, 86: an index exists with other options: a real conflict)
    return isinstance(exc, mongo_errors.CollectionInvalid) or code == 48 or (code is None and "already exists" in str(exc))


def reason(exc: mongo_errors.OperationFailure) -> str:
    details = exc.details or {}
    return f"{details.get('errmsg') or exc} (code {exc.code}{', ' + details['codeName'] if details.get('codeName') else ''})"


def _advice(exc: mongo_errors.OperationFailure) -> str:
    if exc.code in (13, 8000, 18):  # Unauthorized, AtlasError, AuthenticationFailed
        return ("grant the crawler's user the readWrite role and the createIndex and collMod actions on the "
                "database, or create the indexes and the validator once as an admin (docs: how-to/mongodb.md)")
    if exc.code in (85, 86):  # IndexOptionsConflict, IndexKeySpecsConflict
        return "an index of that name exists with other options: drop it (db.articles.dropIndex(NAME)) and start again"
    return "see the server's log; set NEWSCRAWL_MONGO_VALIDATION=off to leave the validator alone"


class MongoSetup:
    """The indexes and the validator of a MongoStore (its ``ensure_indexes``)."""
    uri: str
    db: Any
    articles: Any
    runs: Any
    validators: Any
    changes: Any
    where: str
    validation: str
    readonly: bool
    _call: Any
    _doing: str

    def ensure_indexes(self) -> None:
        """Create the missing indexes and the validator; an index with the same keys (any name)
        is kept. What the server refuses for good (rights, an index or a validator that exists
        with other options) is one line saying what to do (StoreMisconfigured)."""
        if self.readonly:
            return
        self._doing = f"list the collections of {self.db.name}"
        try:
            self._ensure_validator()
            self._ensure_indexes()
        except mongo_errors.OperationFailure as exc:
            raise StoreMisconfigured(f"MongoDB at {mask_password(self.uri)} refused to {self._doing}: "
                                     f"{reason(exc)}; {_advice(exc)}") from None
        except mongo_errors.PyMongoError as exc:  # not transient (those are StoreUnavailable already)
            raise StoreMisconfigured(f"MongoDB at {mask_password(self.uri)}: could not {self._doing}: "
                                     f"{type(exc).__name__}: {exc}") from None

    def _ensure_validator(self) -> None:
        """The articles collection's $jsonSchema validator (built from the Article item), created
        with the collection or updated with collMod when it differs; NEWSCRAWL_MONGO_VALIDATION:
        error (refuse a bad document), warn (log it in the server's log), off (leave it)."""
        if self.validation == "off":
            return
        want = {"validator": article_validator(), "validationLevel": "strict", "validationAction": self.validation}
        found = list(self._call(self.db.list_collections, filter={"name": "articles"}))
        if not found:
            self._doing = f"create {self.db.name}.articles with its validator"
            try:
                self._call(self.db.create_collection, "articles", **want)
                return
            except (mongo_errors.CollectionInvalid, mongo_errors.OperationFailure) as exc:
                if not _exists(exc):
                    raise
                # another crawler created it meanwhile (NamespaceExists)
                found = list(self._call(self.db.list_collections, filter={"name": "articles"}))
        have = found[0].get("options") or {}
        if all(have.get(k) == v for k, v in want.items()):
            return
        self._doing = f"update the validator of {self.db.name}.articles (collMod)"
        self._call(self.db.command, "collMod", "articles", **want)

    def _articles_indexes(self) -> dict[str, Any]:
        """The articles' indexes, a text index that reads `language` dropped."""
        self._doing = f"list the indexes of {self.db.name}.articles"
        have = self._call(self.articles.index_information)
        for name, info in list(have.items()):
            # One text index per collection; one that reads `language` refuses our writes.
            # (MongoDB's default language_override is "language": an index info without one reads it)
            if _is_text(info) and info.get("language_override", "language") != "text_language":
                logger.warning("Rebuilding text index %r of %s: it reads each article's `language` "
                               "as its stemming language", name, self.where)
                self._call(self.articles.drop_index, name)
                del have[name]
        return dict(have)

    def _ensure_indexes(self) -> None:
        have = self._articles_indexes()
        keys_have = {tuple(tuple(k) for k in info["key"]) for info in have.values()}
        has_text = any(_is_text(info) for info in have.values())
        for index in INDEXES["articles"]:
            keys, opts = index.keys, index.options
            is_text = keys[0][1] == TEXT
            if opts["name"] in have or (is_text and has_text) or tuple(keys) in keys_have:
                continue
            self._doing = f"create the index {opts['name']} on {self.db.name}.articles"
            try:
                self._call(self.articles.create_index, keys, **opts)
            except mongo_errors.OperationFailure as exc:
                if not _exists(exc):  # another crawler created the same index meanwhile: fine
                    raise
        for name, indexes in INDEXES.items():
            if name != "articles" and indexes:
                self._ensure_plain_indexes(name, indexes)

    def _ensure_plain_indexes(self, name: str, indexes: tuple[Index, ...]) -> None:
        """The indexes of the other collections: created when missing, by name."""
        self._doing = f"create the indexes of {self.db.name}.{name}"
        have = self._call(self.db[name].index_information)
        for index in indexes:
            if index.name not in have:
                self._call(self.db[name].create_index, index.keys, **index.options)
