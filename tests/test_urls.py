"""newscrawl.site.rules: canonical URLs and the site's rules (what is an article, a category)."""
from datetime import timezone
from pathlib import Path

import pytest

from newscrawl.extract.listing import with_page
from newscrawl.site.rules import SiteRules, canonicalize

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




# ---- hostile input (#32) ----------------------------------------------------------------
from hypothesis import example, given  # noqa: E402

from .hostile import nasty_text  # noqa: E402


@given(nasty_text)
@example("http://[bad")
@example("http://www.example-mirror.test:99999/x")
def test_any_url_is_classified_or_skipped(url):
    rules = SiteRules(BASE)
    kind, canonical = rules.classify(url)
    assert (kind is None) == (canonical is None)
    assert canonical is None or canonical.startswith(BASE)
    assert isinstance(rules.same_site(url), bool)
