"""Validation of an article before it is normalized and stored: the reason, or None."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from newscrawl.items import LIST_OF_STR_FIELDS, REQUIRED_FIELDS
from newscrawl.site.dates import parse_date

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _date_ok(value: Any) -> bool:
    d: datetime | None
    if isinstance(value, datetime):
        d = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, str):
        d = parse_date(value)
    else:
        return False
    return d is not None and EARLIEST <= d <= datetime.now(timezone.utc) + timedelta(days=2)


def _required(item: dict[str, Any]) -> str | None:
    return next((f"missing_{name}" for name in REQUIRED_FIELDS if _blank(item.get(name))), None)


def _url(item: dict[str, Any]) -> str | None:
    url = item["url"]
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return "bad_url"
    return None


def _texts(item: dict[str, Any]) -> str | None:
    for name in ("title", "body"):
        if not isinstance(item[name], str):
            return f"bad_{name}"
    if len(item["title"]) > 1000:
        return "bad_title"
    if not any(ch.isalnum() for ch in item["body"]):
        return "bad_body"
    return None


def _dates(item: dict[str, Any]) -> str | None:
    return next((f"bad_{name}" for name in ("published_at", "updated_at", "crawled_at")
                 if item.get(name) is not None and not _date_ok(item[name])), None)


def _lists(item: dict[str, Any]) -> str | None:
    for name in LIST_OF_STR_FIELDS:
        value = item.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"bad_{name}"
    return None


def _faq(item: dict[str, Any]) -> str | None:
    faq = item.get("faq")
    if faq is not None and not (isinstance(faq, list) and all(
            isinstance(q, dict) and isinstance(q.get("question"), str) and isinstance(q.get("answer"), str)
            for q in faq)):
        return "bad_faq"
    return None


def _image(item: dict[str, Any]) -> str | None:
    image = item.get("image")
    if image is not None and not (isinstance(image, dict) and isinstance(image.get("url"), str)):
        return "bad_image"
    return None


def _read_time(item: dict[str, Any]) -> str | None:
    rt = item.get("read_time_minutes")
    if rt is not None and (not isinstance(rt, int) or isinstance(rt, bool) or not 0 < rt < 1000):
        return "bad_read_time_minutes"
    return None


# in this order: the first problem found is the reason
CHECKS = (_required, _url, _texts, _dates, _lists, _faq, _image, _read_time)


def validate(item: dict[str, Any]) -> str | None:
    """``missing_<field>`` or ``bad_<field>`` for the first problem found, else None."""
    for check in CHECKS:
        reason = check(item)
        if reason is not None:
            return reason
    return None
