"""The `articles` collection's $jsonSchema validator, built from the Article item's fields
(newscrawl.items.Article) and the fields the store adds; MongoDB refuses (or, with
NEWSCRAWL_MONGO_VALIDATION=warn, logs) a document that does not fit."""
from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any

from newscrawl.items import REQUIRED_FIELDS, Article

# Fields the store adds to each article (newscrawl.store.base): their BSON types.
STORE_FIELDS = {"first_seen_at": "date", "last_seen_at": "date", "version": ["int", "long"],
                "history": "array", "_hashes": "object", "_history_bytes": "array"}
STORE_REQUIRED = ("first_seen_at", "last_seen_at", "version")


def bson_types(hint: object) -> list[str]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        out: list[str] = []
        for arg in typing.get_args(hint):
            out += bson_types(arg)
        return out
    if hint is type(None):
        return ["null"]
    if hint is str:
        return ["string"]
    if hint is int:
        return ["int", "long"]
    if hint is datetime:
        return ["date"]
    if hint is dict or origin is dict:
        return ["object"]
    if hint is list or origin is list:
        return ["array"]
    raise TypeError(f"no BSON type for {hint!r}")


def article_validator() -> dict[str, Any]:
    """{"$jsonSchema": ...} for the articles collection (additional fields allowed)."""
    hints = typing.get_type_hints(Article)
    properties: dict[str, dict[str, Any]] = {}
    for f in dataclasses.fields(Article):
        kinds = bson_types(hints[f.name])
        if f.name in REQUIRED_FIELDS:  # validated present before it is stored
            kinds = [k for k in kinds if k != "null"]
        prop: dict[str, Any] = {"bsonType": kinds[0] if len(kinds) == 1 else kinds}
        args = typing.get_args(hints[f.name])
        if typing.get_origin(hints[f.name]) is list and args and args[0] is str:
            prop["items"] = {"bsonType": "string"}
        properties[f.name] = prop
    for name, kind in STORE_FIELDS.items():
        properties[name] = {"bsonType": kind}
    return {"$jsonSchema": {"bsonType": "object", "required": [*REQUIRED_FIELDS, *STORE_REQUIRED],
                            "properties": properties}}
