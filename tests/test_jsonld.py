"""newscrawl.extract.layers.jsonld: invalid JSON-LD is a page problem, reported once."""
import logging
from datetime import datetime, timezone

from newscrawl.extract.article import ArticleParser
from newscrawl.site.rules import SiteRules

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def test_invalid_jsonld_is_reported_once_and_logged(caplog):
    html = ("<html><head><script type='application/ld+json'>{not json</script>"
            "<script type='application/ld+json'>{\"broken\": </script></head><body><article><h1>A title</h1>"
            "<p>Posted on January 2, 2026</p><p>Some body text that is long enough to be a body.</p>"
            "</article></body></html>")
    seen = []
    with caplog.at_level(logging.WARNING):
        a = ArticleParser(SiteRules(BASE)).parse(BASE + "/a-story", html, report=seen.append)
    assert a.title == "A title"
    assert [s for s in seen if not s.startswith("dates/")] == ["invalid_jsonld"]  # dates/: counted, not problems
    assert [r for r in caplog.records if "invalid_jsonld" in r.getMessage() and "/a-story" in r.getMessage()]




def test_a_fact_checks_claim_review_dates_it():
    """Snopes gives no Article node, only its ClaimReview (with the time) and a day shown:
    the review's datePublished is the page's."""
    review = ('<script type="application/ld+json">{"@context": "http://schema.org", "@type": "ClaimReview", '
              '"datePublished": "2019-11-18T10:15:00+00:00", "author": {"@type": "Organization", "name": "Snopes"}}'
              '</script>')
    html = (f"<html><head>{review}</head><body><article><h1>Does she have a net worth of $17 million?</h1>"
            "<span class='date-published'>18 November 2019</span>"
            + "<p>A claim went round that the former ambassador was worth millions; the record says no.</p>" * 6
            + "</article></body></html>")
    a = ArticleParser(SiteRules(BASE)).parse(BASE + "/fact-check/net-worth", html)
    assert a.published_at == datetime(2019, 11, 18, 10, 15, tzinfo=UTC)


# ---- hostile input (#32): structured data and inline data of any shape ---------------------
import json  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newscrawl.extract.article import DropPage  # noqa: E402
from newscrawl.extract.shell import next_data_page  # noqa: E402

from .hostile import json_values, nasty_text  # noqa: E402

PAGE = ("<html><head><script type='application/ld+json'>{ld}</script>"
        "<script id='__NEXT_DATA__' type='application/json'>{nd}</script></head><body><article><h1>A title</h1>"
        "<p>Posted on January 2, 2026</p><p>By {by}</p><p>Some body text that is long enough to be a body, and "
        "then some more of it so that it is.</p></article></body></html>")


def _warm_up() -> None:
    """The parser's first page pays for its imports and caches: not a cost of the input."""
    ArticleParser(SiteRules(BASE)).parse(BASE + "/a-story", PAGE.format(ld="{}", nd="{}", by="Jane Doe"),
                                         report=lambda problem: None)


_warm_up()


@given(json_values, json_values, nasty_text)
def test_any_json_ld_next_data_and_byline_cost_their_own_fields_only(ld, nd, byline):
    """A page whose JSON-LD, __NEXT_DATA__ and byline hold anything still parses: its title and
    body from the visible page, nothing raised but DropPage (a page with no article)."""
    import html as h
    page = PAGE.format(ld=json.dumps(ld).replace("</", "<\\/"), nd=json.dumps(nd).replace("</", "<\\/"),
                       by=h.escape(byline))
    try:
        article = ArticleParser(SiteRules(BASE)).parse(BASE + "/a-story", page, report=lambda problem: None)
    except DropPage:
        return
    assert article.body and all(isinstance(a, str) and a for a in article.authors)


@given(st.dictionaries(nasty_text, json_values, max_size=4))
def test_a_next_data_route_of_any_shape_is_parsed_or_dropped(data):
    try:
        ArticleParser(SiteRules(BASE)).parse(BASE + "/a-story", next_data_page(data), report=lambda problem: None)
    except DropPage:
        pass
