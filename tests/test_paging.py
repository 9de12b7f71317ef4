"""newscrawl.spiders.paging: the rules that stop a category's paging."""
from datetime import datetime, timezone

from newscrawl.extract.listing import Link
from newscrawl.spiders.paging import ALL_KNOWN, MAX_PAGES, NO_NEW_LINKS, OLDER_THAN_SINCE, CategoryPaging

UTC = timezone.utc


def links(*names, date=None):
    return [Link(f"https://x.test/{n}", date=date) for n in names]


def test_a_page_that_repeats_earlier_pages_stops_the_paging():
    paging = CategoryPaging()
    assert paging.stop_reason("finance", 1, links("a", "b")) is None
    assert paging.stop_reason("finance", 2, links("b", "a")) == NO_NEW_LINKS
    assert paging.stop_reason("banking", 1, links("a", "b")) is None  # new to this category's pages
    assert paging.stop_reason("finance", 3, []) == NO_NEW_LINKS


def test_max_pages():
    paging = CategoryPaging(max_pages=2)
    assert paging.stop_reason("finance", 1, links("a")) is None
    assert paging.stop_reason("finance", 2, links("b")) == MAX_PAGES


def test_since_stops_at_a_page_of_older_articles_only():
    since = datetime(2026, 1, 1, tzinfo=UTC)
    paging = CategoryPaging(since=since)
    assert paging.stop_reason("finance", 1, links("a", date=datetime(2026, 2, 1, tzinfo=UTC))) is None
    assert paging.stop_reason("finance", 2, links("b", "c", date=datetime(2025, 12, 1, tzinfo=UTC))) == OLDER_THAN_SINCE
    assert paging.stop_reason("finance", 3, links("d")) is None  # undated: cannot tell, go on


def test_incremental_reads_known_pages_then_stops():
    stored = {"https://x.test/a", "https://x.test/b", "https://x.test/c"}
    known = stored.__contains__
    paging = CategoryPaging(known_pages=1, max_pages=1)
    assert paging.stop_reason("finance", 1, links("new", "a"), known) == MAX_PAGES  # a new article: the other rules
    paging = CategoryPaging(known_pages=1)
    assert paging.stop_reason("finance", 1, links("a"), known) is None  # one page of known articles is read
    assert paging.stop_reason("finance", 2, links("b", "c"), known) == ALL_KNOWN
