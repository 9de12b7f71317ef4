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

