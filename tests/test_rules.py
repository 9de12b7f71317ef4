"""URL rules, dates, bylines and discovery parsers (no server)."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.dates import parse_date, parse_since
from newscrawl.extract.listing import read_feed, read_listing, read_robots, read_sitemap, with_page
from newscrawl.text import dateline_source, split_byline
from newscrawl.urls import SiteRules, canonicalize

HTML = Path(__file__).parent / "html"
BASE = "http://www.example-mirror.test"
UTC = timezone.utc
LIVE = SiteRules()


def test_five_link_variants_are_one_article():
    variants = [
        "https://www.globalbankingandfinance.com/uk-gilt-yields-rise/",
        "HTTPS://WWW.GlobalBankingAndFinance.com/uk-gilt-yields-rise?utm_source=x&utm_medium=y",
        "https://www.globalbankingandfinance.com/uk-gilt-yields-rise#comments",
        "https://www.globalbankingandfinance.com:443/uk-gilt-yields-rise/?fbclid=abc",
        "https://www.globalbankingandfinance.com/uk-gilt-yields-rise?gclid=1&mc_cid=2&mc_eid=3",
    ]
    assert {LIVE.article_url(v) for v in variants} == {
        "https://www.globalbankingandfinance.com/uk-gilt-yields-rise"}


def test_canonical_keeps_path_case_and_real_query():
    assert canonicalize("https://x.org/EU-BANKS-9426a32e/?page=2&utm_x=1#f") == "https://x.org/EU-BANKS-9426a32e/?page=2"


@pytest.mark.parametrize("url, is_article", [
    ("https://www.globalbankingandfinance.com/bank-englands-pill-interest-rates-rise/", True),
    ("https://globalbankingandfinance.com/EU-BANKS-RUSSIANS-9426a32e-e2e0-40d9-9563-7357c95679d3/", True),
    ("https://staging.globalbankingandfinance.com/some-story", False),
    ("https://www.globalbankingandfinance.com/category/finance/", False),
    ("https://www.globalbankingandfinance.com/tag/banks/", False),
    ("https://www.globalbankingandfinance.com/author/jane/", False),
    ("https://www.globalbankingandfinance.com/api/revalidate", False),
    ("https://www.globalbankingandfinance.com/admin/", False),
    ("https://www.globalbankingandfinance.com/_next/image?url=x", False),
    ("https://www.globalbankingandfinance.com/awards/", False),
    ("https://www.globalbankingandfinance.com/about-us/", False),
    ("https://www.globalbankingandfinance.com/faq", False),
    ("https://www.globalbankingandfinance.com/sitemap-news.xml", False),
    ("https://www.globalbankingandfinance.com/llms.txt", False),
    ("https://example.org/some-story", False),
])
def test_article_url_rules(url, is_article):
    assert LIVE.is_article(url) is is_article


def test_category_paths():
    assert LIVE.category_path("https://www.globalbankingandfinance.com/category/finance/fintech/page/3/") == "finance/fintech"
    assert LIVE.category_path("https://www.globalbankingandfinance.com/category/careers/feed/") is None
    assert with_page("http://h/category/x/page/2/", 3, "path") == "http://h/category/x/page/3/"
    assert with_page("http://h/category/x/?page=2", 3, "query") == "http://h/category/x/?page=3"


@pytest.mark.parametrize("text, want", [
    ("January 15, 2025", datetime(2025, 1, 15, tzinfo=UTC)),
    ("Posted on 15 January 2025", datetime(2025, 1, 15, tzinfo=UTC)),
    ("2025-01-15T09:30:00+01:00", datetime(2025, 1, 15, 8, 30, tzinfo=UTC)),
    ("2025-01-15T09:30:00Z", datetime(2025, 1, 15, 9, 30, tzinfo=UTC)),
    ("Wed, 15 Jan 2025 09:30:00 +0000", datetime(2025, 1, 15, 9, 30, tzinfo=UTC)),
    ("no date here", None),
])
def test_dates_become_utc(text, want):
    assert parse_date(text) == want


def test_since_rejects_bad_dates():
    assert parse_since("2025-06-01") == datetime(2025, 6, 1, tzinfo=UTC)
    for bad in ("2025-13-01", "01/06/2025", "yesterday"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_since(bad)


@pytest.mark.parametrize("byline, names", [
    ("By Brenda Goh", ["Brenda Goh"]),
    ("By Brenda Goh and David Kirton", ["Brenda Goh", "David Kirton"]),
    ("By A. Jones, Bo Li and Carla de la Cruz", ["A. Jones", "Bo Li", "Carla de la Cruz"]),
    ("By Jane Smith, Chief Economist at Northbridge", ["Jane Smith"]),
    ("By Tom Fairbanks | Reuters", ["Tom Fairbanks"]),
    ("Reuters", []),
])
def test_bylines(byline, names):
    assert split_byline(byline) == names


def test_datelines():
    assert dateline_source("SHANGHAI (Reuters) - China's central bank") == "Reuters"
    assert dateline_source("NEW YORK/LONDON (Reuters) - x") == "Reuters"
    assert dateline_source("The bank (Reuters) said") is None


def test_listing_cards_dates_and_next_links():
    rules = SiteRules(BASE)
    page = read_listing(BASE + "/category/finance/", (HTML / "listing_finance.html").read_text(), rules)
    assert len(page.articles) == 5 and all(link.date for link in page.articles)
    assert all("?" not in link.url and not link.url.endswith("/") for link in page.articles)
    assert page.next_url == BASE + "/category/finance/page/2/"
    assert BASE + "/category/finance/fintech/" in page.categories
    business = read_listing(BASE + "/category/business/", (HTML / "listing_business.html").read_text(), rules)
    assert business.next_url == BASE + "/category/business/page/2/"  # <link rel=next>
    banking = read_listing(BASE + "/category/banking/?page=2", (HTML / "listing_banking_p2.html").read_text(), rules)
    assert banking.next_url is None  # page 2 of 2: its pager links back only


def test_home_links_exclude_non_articles():
    rules = SiteRules(BASE)
    page = read_listing(BASE + "/", (HTML / "home.html").read_text(), rules)
    paths = {u.removeprefix(BASE) for u in (link.url for link in page.articles)}
    assert not [p for p in paths if p.startswith(("/admin", "/api", "/tag", "/author", "/awards", "/about"))]
    assert "/private-preview" in paths  # robots.txt, not the link rules, keeps it out


def test_sitemaps_feed_and_robots():
    children, links = read_sitemap((HTML / "sitemap_index.xml").read_bytes())
    assert [c.url for c in children] == [BASE + "/sitemaps/posts-1.xml", BASE + "/sitemaps/posts-2.xml", BASE + "/sitemaps/pages.xml"]
    _, news = read_sitemap((HTML / "sitemap_news.xml").read_bytes())
    assert len(news) == 10 and all(link.date and link.date.tzinfo for link in news)
    feed = read_feed((HTML / "feed.xml").read_bytes())
    assert len(feed) == 10 and "utm_source=rss" in feed[0].url and feed[0].date
    sitemaps, feeds = read_robots((HTML / "robots.txt").read_text(), BASE)
    assert sitemaps == [BASE + "/sitemap.xml", BASE + "/sitemap-news.xml"]
    assert feeds == [BASE + "/feed/", BASE + "/rss.xml"]
