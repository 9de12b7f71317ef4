"""newscrawl.site.dates: ISO-8601-like shapes read with their offsets (a page that writes
"2024-04-30 16:38:37 +02:00" was read as 16:38 UTC, two hours wrong, silently)."""
from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.site.dates import parse_date, parse_since

UTC = timezone.utc


@pytest.mark.parametrize("text, want", [
    ("2024-04-30 16:38:37 +02:00", datetime(2024, 4, 30, 14, 38, 37, tzinfo=UTC)),  # a space before the offset
    ("2024-04-30T16:38:37+0200", datetime(2024, 4, 30, 14, 38, 37, tzinfo=UTC)),  # no colon
    ("2024-04-30T16:38:37+02", datetime(2024, 4, 30, 14, 38, 37, tzinfo=UTC)),  # hours only
    ("2024-04-30T16:38:37Z", datetime(2024, 4, 30, 16, 38, 37, tzinfo=UTC)),
    ("2024-04-30T16:38:37.123456-04:00", datetime(2024, 4, 30, 20, 38, 37, 123456, tzinfo=UTC)),
    ("2024-04-30 16:38 EST", datetime(2024, 4, 30, 21, 38, tzinfo=UTC)),  # a named zone
    ("2024-04-30 16:38 BST", datetime(2024, 4, 30, 15, 38, tzinfo=UTC)),
    ("2024-04-30 16:38:37", datetime(2024, 4, 30, 16, 38, 37, tzinfo=UTC)),  # no zone: the default zone
    ("Updated 2024-04-30, 9 comments", datetime(2024, 4, 30, tzinfo=UTC)),
])
def test_iso_like_dates_keep_their_offsets(text, want):
    assert parse_date(text) == want


@pytest.mark.parametrize("text, want", [
    ("November 19, 2019, 07:47 PM EST", datetime(2019, 11, 20, 0, 47, tzinfo=UTC)),  # a time in words
    ("01:38:07 PM IST Nov 20, 2019", datetime(2019, 11, 20, 8, 8, 7, tzinfo=UTC)),  # the time first
    ("Tue Nov 19 2019 03:05:46 GMT+0000", datetime(2019, 11, 19, 3, 5, 46, tzinfo=UTC)),  # JavaScript's
    ("Tue Nov 19 2019 03:05:46 GMT-0500", datetime(2019, 11, 19, 8, 5, 46, tzinfo=UTC)),  # not POSIX's sign
    ("Nov 18, 2019 at 9:24 pm ET", datetime(2019, 11, 19, 2, 24, tzinfo=UTC)),  # ET in November: EST
    ("July 4, 2019 at 9:00 a.m. ET", datetime(2019, 7, 4, 13, 0, tzinfo=UTC)),  # ET in July: EDT
    ("Published 11:34 PM EST Nov 19, 2019", datetime(2019, 11, 20, 4, 34, tzinfo=UTC)),
    ("November 18, 2019 at 2:26 PM HST - Updated 4:46 PM", datetime(2019, 11, 19, 0, 26, tzinfo=UTC)),
    ("Mon 18 Nov 2019 18.54 GMT", datetime(2019, 11, 18, 18, 54, tzinfo=UTC)),
    ("Mon Aug 03 12:45:00 EDT 2015", datetime(2015, 8, 3, 16, 45, tzinfo=UTC)),  # Java's Date.toString()
    ("Sat Mar 7 09:01:02 2020", datetime(2020, 3, 7, 9, 1, 2, tzinfo=UTC)),  # Unix date's, no zone
    ("15/01/2025 10:30", datetime(2025, 1, 15, 10, 30, tzinfo=UTC)),  # no zone: the default zone
    ("0001-01-01T00:00:00Z", None),  # a placeholder, not a date
])
def test_dates_in_words_keep_their_time_and_zone(text, want):
    assert parse_date(text) == want


def test_a_date_without_a_zone_is_read_in_the_default_zone():
    paris = timezone(timedelta(hours=2))
    assert parse_date("2024-04-30 16:38:37", paris) == datetime(2024, 4, 30, 14, 38, 37, tzinfo=UTC)
    assert parse_date("2024-04-30 16:38:37 +00:00", paris) == datetime(2024, 4, 30, 16, 38, 37, tzinfo=UTC)


@pytest.mark.parametrize("text, want", [
    ("January 15, 2025", datetime(2025, 1, 15, tzinfo=UTC)),
    ("Posted on 15 January 2025", datetime(2025, 1, 15, tzinfo=UTC)),
    ("2025-01-15T09:30:00+01:00", datetime(2025, 1, 15, 8, 30, tzinfo=UTC)),
    ("2025-01-15T09:30:00Z", datetime(2025, 1, 15, 9, 30, tzinfo=UTC)),
    ("Wed, 15 Jan 2025 09:30:00 +0000", datetime(2025, 1, 15, 9, 30, tzinfo=UTC)),
    ("Sept. 3, 2024", datetime(2024, 9, 3, tzinfo=UTC)),  # abbreviations dateutil knows
    ("3rd Sep 2024", datetime(2024, 9, 3, tzinfo=UTC)),
    ("15/01/2025", datetime(2025, 1, 15, tzinfo=UTC)),  # day first (UK)
    ("2024-04-30 16:38 XYZ", datetime(2024, 4, 30, 16, 38, tzinfo=UTC)),  # an unknown zone name: no zone
    ("February 30, 2024", None),  # no such day
    ("Marching 3, 2024", None),  # not a month
    ("no date here", None),
])
def test_dates_become_utc(text, want):
    assert parse_date(text) == want


def test_since_rejects_bad_dates():
    assert parse_since("2025-06-01") == datetime(2025, 6, 1, tzinfo=UTC)
    for bad in ("2025-13-01", "01/06/2025", "yesterday"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_since(bad)


@pytest.mark.parametrize("text, shape", [
    ("2024-04-30 16:38:37 +02:00", "zoned"), ("2024-04-30T16:38:37Z", "zoned"), ("2024-04-30 16:38 EST", "zoned"),
    ("Tue, 30 Apr 2024 16:38:37 GMT", "zoned"), ("2024-04-30T16:38:37", "no_zone"), ("2024-04-30", "date_only"),
    ("April 30, 2024", "date_only"), ("no date here", ""), ("Nov 18, 2019 at 9:24 pm ET", "zoned"),
    ("Nov 18, 2019 at 9:24 pm", "no_zone"),
])
def test_zone_of_says_how_a_date_gives_its_time(text, shape):
    from newscrawl.site.dates import zone_of
    assert zone_of(text) == shape


def test_a_page_whose_dates_have_no_zone_is_counted_once():
    from newscrawl.extract.article import ArticleParser
    from newscrawl.site.rules import SiteRules
    heard = []
    body = "<p>" + "Lenders raised rates on Tuesday, the bank said in a statement to markets. " * 6 + "</p>"
    html = (f'<html><head><title>Rates rise</title><meta property="article:published_time" content="2026-02-01T09:00:00">'
            f'<meta property="article:modified_time" content="2026-02-01T10:00:00"></head><body><article><h1>Rates rise'
            f"</h1>{body}{body}</article></body></html>")
    a = ArticleParser(SiteRules("https://x.test")).parse("https://x.test/rates-rise", html, report=heard.append)
    assert a.published_at == datetime(2026, 2, 1, 9, tzinfo=UTC)  # NEWSCRAWL_TIMEZONE: UTC by default
    assert heard.count("dates/no_zone") == 1


# ---- hostile input (#32) ----------------------------------------------------------------
from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newscrawl.site.dates import duration_minutes  # noqa: E402

from .hostile import json_values, nasty_text  # noqa: E402


@given(st.one_of(nasty_text, json_values, st.integers(), st.floats(), st.datetimes(timezones=st.timezones())))
@example("0001-01-01T00:00:00+14:00")  # found by CI: year 1 at +14:00 has no UTC moment (OverflowError)
@example("9999-12-31T23:59:59-14:00")
def test_any_value_is_a_date_in_utc_or_none(value):
    found = parse_date(value)
    assert found is None or (found.tzinfo is not None and found.utcoffset() == timedelta(0))
    minutes = duration_minutes(value) if isinstance(value, str) else None
    assert minutes is None or isinstance(minutes, int)


@given(nasty_text)
@example("0001-01-01T00:00:00+14:00")
def test_since_is_a_date_or_a_value_error(text):
    try:
        parse_since(text)
    except ValueError:
        pass


@pytest.mark.parametrize("text, want", [
    ("1. Februar 2022 , Daniel Dillenburg", "2022-02-01T00:00:00+00:00"),  # German, day first
    ("Datum: 03.11.2021", "2021-11-03T00:00:00+00:00"),                    # dotted
    ("01.11.2023 11:35", "2023-11-01T11:35:00+00:00"),
    ("27.1.2022 - Bei der Erinnerung", "2022-01-27T00:00:00+00:00"),
    ("12 de marzo de 2020", "2020-03-12T00:00:00+00:00"),                  # Spanish
    ("le 1er août 2021 à 10:30", "2021-08-01T10:30:00+00:00"),             # French, with its time
    ("21. März 2020 um 14:05 Uhr", "2020-03-21T14:05:00+00:00"),
    ("3 maio 2019", "2019-05-03T00:00:00+00:00"),                          # Portuguese
])
def test_dates_in_other_languages_are_read_day_first(text, want):
    assert parse_date(text).isoformat() == want


@pytest.mark.parametrize("text, want", [
    ("2019年4月2日公表", "2019-04-02T00:00:00+00:00"),                  # Japanese and Chinese
    ("[2019年02月22日]", "2019-02-22T00:00:00+00:00"),
    ("最終更新日：2019/02/22", "2019-02-22T00:00:00+00:00"),            # slashes
    ("2019.03.08", "2019-03-08T00:00:00+00:00"),                          # dots
    ("2019/04/03 10:30", "2019-04-03T10:30:00+00:00"),
])
def test_dates_year_first_are_read(text, want):
    assert parse_date(text).isoformat() == want


def test_a_version_number_is_no_dotted_date():
    assert parse_date("Version 1.2.2022x") is None
    assert parse_date("v10.12.2020.1") is None
    assert parse_date("1.2019.03.08") is None and parse_date("2019.03.08.1") is None
    assert parse_date("2019/13/40") is None  # no month 13


@pytest.mark.parametrize("text", ["17. maaliskuuta 2020", "tiistai 17. maaliskuuta 2020 klo 10.30", "17 maaliskuu 2020"])
def test_finnish_month_names_are_read(text):
    assert parse_date(text, UTC).date().isoformat() == "2020-03-17"
