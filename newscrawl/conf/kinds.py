"""What a setting's value may be: :class:`Kind` turns what a user wrote (a Python value from a
settings module, or the text of ``-s NAME=VALUE`` and of an environment variable) into the
typed value, or says in a few words what was expected (:class:`BadValue`)."""
from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class BadValue(ValueError):
    """The value does not fit; the message says what is expected ("a whole number"), and
    ``detail`` what is wrong with this value when the kind knows more."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    raise BadValue("True or False")


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue("a whole number")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadValue("a whole number") from None


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise BadValue("a number")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise BadValue("a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadValue("a finite number")
    return number


def to_str(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue("text")
    return value


def to_list(value: Any) -> list[str]:
    """A list, or text: a JSON list, else comma-separated (Scrapy's getlist)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise BadValue("a list (a JSON list or comma-separated text)") from None
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise BadValue("a list of text (a JSON list or comma-separated text)")


def to_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            raise BadValue("a JSON object") from None
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return dict(value)
    raise BadValue("a JSON object")


def to_regexes(value: Any) -> list[str]:
    patterns = to_list(value)
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise BadValue(f"regular expressions ({p!r}: {exc})") from None
    return patterns


def url_of(pattern: str, expected: str) -> Callable[[Any], str]:
    """A parser of URLs whose start matches ``pattern``; BadValue saying ``expected`` otherwise."""
    def parse(value: Any) -> str:
        text = to_str(value).strip()
        if not re.match(pattern, text):
            raise BadValue(expected)
        return text
    return parse


to_url = url_of(r"https?://[^/\s]+", "an http:// or https:// URL")
to_redis_url = url_of(r"(rediss?://[^/\s]*|unix://\S+)", "a redis://, rediss:// or unix:// URL")
_mongo_scheme = url_of(r"(mongodb(\+srv)?|mongomock)://\S*",
                       "a mongodb:// or mongodb+srv:// URI (mongomock:// for the in-memory fake)")


def to_mongo_uri(value: Any) -> str:
    """A URI pymongo accepts, options included (an unknown option or a bad value is a usage
    error at start, not a warning and a traceback later); +srv URIs are not resolved here."""
    text = _mongo_scheme(value)
    if text.startswith("mongodb://"):
        from pymongo.errors import PyMongoError
        from pymongo.uri_parser import parse_uri
        try:
            parse_uri(text, warn=False)
        except (PyMongoError, ValueError) as exc:
            raise BadValue("a MongoDB URI pymongo accepts", detail=str(exc)) from None
    return text


def to_timezone(value: Any) -> str:
    text = to_str(value).strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file (#32)
        raise BadValue("an IANA time zone such as UTC or Europe/London") from None
    return text


def to_shares(value: Any) -> dict[str, float]:
    """A JSON object of field -> share between 0 and 1."""
    out = {}
    for k, v in to_dict(value).items():
        try:
            share = to_float(v)
        except BadValue:
            share = -1.0
        if not 0 <= share <= 1:
            raise BadValue("a JSON object of field name -> share between 0 and 1")
        out[k] = share
    return out


class Kind(enum.Enum):
    """A setting's type: the parser of what users write, and the words the docs use."""

    BOOL = ("boolean", to_bool)
    INT = ("whole number", to_int)
    FLOAT = ("number", to_float)
    STR = ("text", to_str)
    LIST = ("list of text", to_list)
    DICT = ("JSON object", to_dict)
    REGEXES = ("list of regular expressions", to_regexes)
    URL = ("URL", to_url)
    REDIS_URL = ("Redis URL", to_redis_url)
    MONGO_URI = ("MongoDB URI", to_mongo_uri)
    PATH = ("path", to_str)
    TIMEZONE = ("time zone", to_timezone)
    SHARES = ("JSON object of field -> share", to_shares)

    def __init__(self, label: str, parse: Callable[[Any], Any]) -> None:
        self.label = label
        self.parse = parse
