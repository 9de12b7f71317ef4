"""Dates in any of the site's forms, as timezone-aware UTC datetimes."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
# ISO 8601 and its common variants: a space for the T, a space before the offset, an offset
# without a colon, Z, fractional seconds, or a named zone ("EST") after the time.
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?))?"
                  r"(?:\s?(Z|[+-]\d{2}(?::?\d{2})?)(?![\d:])|\s([A-Z]{2,5})\b)?")
# Fixed offsets of the zone abbreviations news pages print (hours east of UTC).
ZONE_NAMES = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5.5,
              "JST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
              "MDT": -6, "PST": -8, "PDT": -7}
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")  # day/month/year (UK)
_RFC822 = re.compile(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}")


def to_utc(value: datetime, default_tz: tzinfo = timezone.utc) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return value.astimezone(timezone.utc)


def to_ms(value: datetime) -> datetime:
    """The same time at millisecond precision (what MongoDB keeps)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def parse_date(value: object, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """Parse ``value`` into an aware UTC datetime, or None when it holds no date.

    Handles ISO 8601 (with ``Z`` or offsets), RFC 822 (feeds), "January 15, 2025",
    "15 January 2025", "15/01/2025". Values without a zone are read in ``default_tz``;
    values without a time are midnight of that day.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc(value, default_tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=default_tz).astimezone(timezone.utc)
    text = " ".join(str(value).split())
    if not text:
        return None
    if _RFC822.match(text):
        from email.utils import parsedate_to_datetime
        try:
            return to_utc(parsedate_to_datetime(text), default_tz)
        except (TypeError, ValueError):
            pass
    m = _ISO.search(text)
    if m:
        day, clock, offset, named = m.groups()
        iso = day + (f"T{clock.replace(',', '.')}" if clock else "")
        if offset:
            if offset != "Z" and ":" not in offset:  # +0200, +02
                offset = f"{offset[:3]}:{offset[3:] or '00'}"
            iso += "+00:00" if offset == "Z" else offset
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            parsed = None
        if parsed is not None:
            if named and clock and named in ZONE_NAMES and parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone(timedelta(hours=ZONE_NAMES[named])))
            return to_utc(parsed, default_tz)
    for rx, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        m = rx.search(text)
        if not m:
            continue
        if order == "mdy":
            mon, day, year = m.group(1), m.group(2), m.group(3)
        else:
            day, mon, year = m.group(1), m.group(2), m.group(3)
        month = _MONTHS.get(mon.lower())
        if month:
            try:
                return parse_date(date(int(year), month, int(day)), default_tz)
            except ValueError:
                return None
    m = _SLASH.search(text)
    if m:
        try:
            return parse_date(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), default_tz)
        except ValueError:
            return None
    return None


def zone_of(value: str) -> str:
    """How a date text says its time: "zoned" (an offset, Z, a zone name, RFC 822), "no_zone"
    (a time read in NEWSCRAWL_TIMEZONE), "date_only" (midnight there), "" (no date)."""
    text = " ".join(value.split())
    if _RFC822.match(text):
        return "zoned"
    m = _ISO.search(text)
    if m:
        _, clock, offset, named = m.groups()
        if not clock:
            return "date_only"
        return "zoned" if offset or (named and named in ZONE_NAMES) else "no_zone"
    return "date_only" if parse_date(text) is not None else ""


def parse_since(value: str) -> datetime:
    """The spider's ``since`` argument: YYYY-MM-DD (or a full ISO datetime)."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].+)?", text):
        raise ValueError(f"since must be a date as YYYY-MM-DD, got {value!r}")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"since must be a date as YYYY-MM-DD, got {value!r}: {exc}") from None
    return to_utc(parsed)


def duration_minutes(value: str) -> int | None:
    """ISO 8601 duration ``PT4M`` (JSON-LD timeRequired) in whole minutes."""
    m = re.fullmatch(r"P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", (value or "").strip(), re.I)
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(g or 0) for g in m.groups())
    return max(1, round((timedelta(hours=h, minutes=mi, seconds=s)).total_seconds() / 60))
