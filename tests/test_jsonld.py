"""newscrawl.extract.layers.jsonld: invalid JSON-LD is a page problem, reported once."""
import logging
from datetime import timezone

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
