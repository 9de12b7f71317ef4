"""Dates in any of the site's forms, as timezone-aware UTC datetimes."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

# Where a date is in a text: the patterns only find it; python-dateutil reads it (offsets with
# or without a colon, Z, fractions, named zones, month names and their abbreviations).
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MDY = re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I)
_DMY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}\b", re.I)
# ISO 8601 and its common variants: a space for the T, a space before the offset, an offset
# without a colon, Z, fractional seconds, or a named zone ("EST") after the time.
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?))?"
                  r"(?:\s?(Z|[+-]\d{2}(?::?\d{2})?)(?![\d:])|\s([A-Z]{2,5})\b)?")
# Fixed offsets of the zone abbreviations news pages print (hours east of UTC).
ZONE_NAMES = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5.5,
              "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8, "AEST": 10, "AEDT": 11,
              "NZST": 12, "NZDT": 13, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
              "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10}
# US zones printed without saying standard or daylight time ("8:02 am ET"): the zone's rules.
_US_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}
_TZINFOS: dict = {name: int(hours * 3600) for name, hours in ZONE_NAMES.items()}
_TZINFOS.update({name: ZoneInfo(key) for name, key in _US_ZONES.items()})
_SLASH = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")  # day/month/year (UK)
# Month names of the languages news pages are most written in after English (German, French,
# Spanish, Portuguese, Italian, Dutch, Finnish), full and abbreviated: "1. Februar 2022", "3 mars 2020",
# "12 de marzo de 2020"; read day first, as those languages write them.
MONTH_NAMES = {
    1: "januar jänner janvier enero janeiro gennaio januari jan tammikuuta tammikuu",
    2: "februar feber février fevrier febrero fevereiro febbraio februari feb helmikuuta helmikuu",
    3: "märz maerz mars marzo março marco maart mär mrz maaliskuuta maaliskuu",
    4: "april avril abril aprile apr huhtikuuta huhtikuu",
    5: "mai mayo maio maggio mei toukokuuta toukokuu",
    6: "juni juin junio junho giugno jun kesäkuuta kesäkuu",
    7: "juli juillet julio julho luglio jul heinäkuuta heinäkuu",
    8: "august août aout agosto augustus aug elokuuta elokuu",
    9: "september septembre septiembre setembro settembre sept sep syyskuuta syyskuu",
    10: "oktober octobre octubre outubro ottobre okt oct lokakuuta lokakuu",
    11: "november novembre noviembre novembro nov marraskuuta marraskuu",
    12: "dezember décembre decembre diciembre dezembro dicembre december dez déc dic joulukuuta joulukuu",
}
_MONTH_OF = {name: n for n, names in MONTH_NAMES.items() for name in names.split()}
_FOREIGN_MONTH = "|".join(sorted(_MONTH_OF, key=len, reverse=True))
_FOREIGN_DMY = re.compile(rf"(?<!\w)(\d{{1,2}})(?:\.|er|º)?\s+(?:de\s+)?({_FOREIGN_MONTH})\.?,?\s+(?:de\s+)?(\d{{4}})\b", re.I)
# year first, in Japanese and Chinese (2019年4月2日) and with slashes or dots (2019/02/22, 2019.03.08)
_YMD = re.compile(r"(?<![\d.])(\d{4})(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|([/.])(\d{1,2})\4(\d{1,2}))(?![\d.]\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b(?!\.\d)")  # 03.11.2021, 1. 2. 2022
# Unix date's and Java's Date.toString() ("Mon Aug 03 12:45:00 EDT 2015": Adobe Experience Manager's
# <meta>s): the time and zone between the day and the year
_UNIX = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})\s+(\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\s+(?:([A-Z]{{2,5}})\s+)?(\d{{4}})\b", re.I)
_RFC822 = re.compile(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}")
# A time written beside a date in words ("November 19, 2019, 07:47 PM EST", "01:38 PM IST Nov
# 20, 2019", "Tue Nov 19 2019 03:05:46 GMT+0000", "Nov 18, 2019 at 9:24 pm ET").
_CLOCK = r"(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\s*([ap]\.?\s?m\b\.?)?"
_ZONE = r"(?:\(?((?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?|[A-Z]{1,5})\b\)?)?"
_TIME_AFTER = re.compile(r"^\s*(?:[,@|–—•·/-]{1,2}\s*)?(?:(?:at|um|à|a\s+las|às|alle|om|kl\.?)\s+)?" + _CLOCK + r"\s*" + _ZONE, re.I)
_TIME_BEFORE = re.compile(_CLOCK + r"\s*" + _ZONE + r"\s*[,|]?\s*(?:on\s+)?(?:[A-Z][a-z]{2,8},?\s+)?$", re.I)
EARLIEST_YEAR = 1000  # "0001-01-01T00:00:00Z" is a placeholder, not a date


def _read(text: str, dayfirst: bool = False) -> datetime | None:
    """dateutil's reading of a date found in a text (naive when the text names no zone); the
    standard library's for plain ISO 8601, the common case, at a tenth of the cost."""
    if not dayfirst and text[:4].isdecimal():
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    try:
        return dateutil_parser.parse(text, tzinfos=_TZINFOS, dayfirst=dayfirst)
    except (ValueError, OverflowError):
        return None


def _zone(token: str | None) -> str | None:
    """A zone as dateutil reads it: a known name, or an offset ("GMT+0000" is +00:00: dateutil
    would read "GMT+3" the POSIX way, three hours west)."""
    if not token:
        return None
    token = token.strip("()")
    if token.upper() in _TZINFOS:
        return token.upper()
    m = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?", token, re.I)
    return f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}" if m else None


def _clock(hm: str, ampm: str | None) -> str:
    return hm.replace(".", ":") + (" " + ampm.replace(".", "").replace(" ", "").lower() if ampm else "")


def _find(text: str) -> tuple[str, bool, str] | None:
    """(what dateutil reads, day first, shape) of the first date in ``text``; shape is "zoned",
    "no_zone" (a time without a zone) or "date_only"."""
    m = _ISO.search(text)
    if m:
        return _iso_found(m)
    m = _UNIX.search(text)
    if m:
        month, day, clock, named, year = m.groups()
        zone = _zone(named)
        return f"{month} {day} {year} {clock}" + (f" {zone}" if zone else ""), False, "zoned" if zone else "no_zone"
    for rx, dayfirst in ((_MDY, False), (_DMY, True), (_SLASH, True), (_FOREIGN_DMY, True), (_DOTTED, True), (_YMD, False)):
        m = rx.search(text)
        if not m:
            continue
        found = _as_read(rx, m)
        t = _TIME_AFTER.match(text[m.end():m.end() + 40]) or _TIME_BEFORE.search(text[max(0, m.start() - 40):m.start()])
        if t is None:
            return found, dayfirst, "date_only"
        zone = _zone(t.group(3))
        found = f"{found} {_clock(t.group(1), t.group(2))}" + (f" {zone}" if zone else "")
        return found, dayfirst, "zoned" if zone else "no_zone"
    return None


def _iso_found(m: re.Match[str]) -> tuple[str, bool, str]:
    day, clock, offset, named = m.groups()
    if not clock:
        return day, False, "date_only"
    known = offset or (named in ZONE_NAMES and named)
    found = m.group(0) if not named or known else m.string[m.start():m.start(4) - 1]
    return found.replace(",", "."), False, "zoned" if known else "no_zone"


def _as_read(rx: re.Pattern[str], m: re.Match[str]) -> str:
    """A found date as dateutil reads it: day/month/year for the month names it does not know
    and for dotted dates."""
    if rx is _FOREIGN_DMY:
        return f"{m.group(1)}/{_MONTH_OF[m.group(2).lower()]}/{m.group(3)}"
    if rx is _DOTTED:
        return f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
    if rx is _YMD:
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(6))
        return f"{m.group(1)}-{int(month):02d}-{int(day):02d}"
    return m.group(0)


def to_utc(value: datetime, default_tz: tzinfo = timezone.utc) -> datetime:
    """The same moment in UTC; ValueError when it has none (year 1 at +14:00, #32's fuzzing)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of the range of dates") from None


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
    try:
        return _parse_date(value, default_tz)
    except ValueError:  # a moment out of the range of dates: no date
        return None


def _parse_date(value: object, default_tz: tzinfo) -> datetime | None:
    if isinstance(value, datetime):
        return to_utc(value, default_tz)
    if isinstance(value, date):
        return to_utc(datetime(value.year, value.month, value.day), default_tz)
    text = " ".join(str(value).split())
    if not text:
        return None
    if _RFC822.match(text):
        from email.utils import parsedate_to_datetime
        try:
            return to_utc(parsedate_to_datetime(text), default_tz)
        except (TypeError, ValueError):
            pass
    found = _find(text)
    if found is None:
        return None
    parsed = _read(found[0], dayfirst=found[1])
    if parsed is None or parsed.year < EARLIEST_YEAR:
        return None
    if found[2] == "date_only":
        parsed = parsed.replace(tzinfo=None)  # midnight in the default zone
    return to_utc(parsed, default_tz)


def zone_of(value: str) -> str:
    """How a date text says its time: "zoned" (an offset, Z, a zone name, RFC 822), "no_zone"
    (a time read in NEWSCRAWL_TIMEZONE), "date_only" (midnight there), "" (no date)."""
    text = " ".join(value.split())
    if _RFC822.match(text):
        return "zoned"
    found = _find(text)
    return found[2] if found else ""


def parse_since(value: str) -> datetime:
    """The spider's ``since`` argument: YYYY-MM-DD (or a full ISO datetime)."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].+)?", text):
        raise ValueError(f"since must be a date as YYYY-MM-DD, got {value!r}")
    try:
        return to_utc(datetime.fromisoformat(text))
    except ValueError as exc:
        raise ValueError(f"since must be a date as YYYY-MM-DD, got {value!r}: {exc}") from None


def duration_minutes(value: str) -> int | None:
    """ISO 8601 duration ``PT4M`` (JSON-LD timeRequired) in whole minutes."""
    m = re.fullmatch(r"P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", (value or "").strip(), re.I)
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(g or 0) for g in m.groups())
    return max(1, round((timedelta(hours=h, minutes=mi, seconds=s)).total_seconds() / 60))
