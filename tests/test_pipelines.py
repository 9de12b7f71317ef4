"""Validation, normalization and dedupe rules, with the bad inputs a crawler meets."""
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import Article
from newscrawl.process.normalize import fix_mojibake, language, normalize
from newscrawl.process.pipelines import DedupePipeline, NormalizePipeline, ValidatePipeline
from newscrawl.process.validate import validate
from newscrawl.site.seen import SeenUrls
from newscrawl.store.mongo import mask_uri

UTC = timezone.utc


def good(**over):
    d = {"url": "https://www.globalbankingandfinance.com/a-story", "title": "A story",
         "body": "First paragraph.\n\nSecond paragraph.", "published_at": datetime(2025, 1, 2, tzinfo=UTC),
         "tags": [], "authors": [], "key_takeaways": [], "faq": [], "related_urls": []}
    d.update(over)
    return d


@pytest.mark.parametrize("over, reason", [
    ({"url": None}, "missing_url"),
    ({"url": "/relative/path"}, "bad_url"),
    ({"url": "ftp://x.org/a"}, "bad_url"),
    ({"title": "   "}, "missing_title"),
    ({"title": "x" * 1001}, "bad_title"),
    ({"body": ""}, "missing_body"),
    ({"body": " \n\n \t"}, "missing_body"),
    ({"body": "— … —"}, "bad_body"),
    ({"published_at": None}, "missing_published_at"),
    ({"published_at": "sometime last spring"}, "bad_published_at"),
    ({"published_at": datetime(1970, 1, 1, tzinfo=UTC)}, "bad_published_at"),
    ({"published_at": datetime.now(UTC) + timedelta(days=30)}, "bad_published_at"),
    ({"updated_at": "not a date"}, "bad_updated_at"),
    ({"tags": "banks, rates"}, "bad_tags"),
    ({"authors": [None]}, "bad_authors"),
    ({"faq": [{"question": "Q?"}]}, "bad_faq"),
    ({"image": {"alt": "no url"}}, "bad_image"),
    ({"read_time_minutes": -3}, "bad_read_time_minutes"),
])
def test_validation_reasons(over, reason):
    assert validate(good(**over)) == reason


def test_valid_item_passes():
    assert validate(good(published_at="2025-01-02T10:00:00+01:00")) is None


def test_validate_pipeline_drops_and_counts():
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipe = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match="missing_title"):
        pipe.process_item(Article(url="https://x.org/a", title="", body="b"))
    assert crawler.stats.get_value("newscrawl/dropped/missing_title") == 1


def test_text_normalization():
    d = normalize(good(
        title="  Banks\u00a0&amp; the  \u201cnew\u201d   rates ",
        summary="Cafe\u0301 owners donâ€™t worry",  # combining accent (NFC) and mojibake
        body="Line  one\r\ncontinues.\n\n\n  Second\tparagraph &#8212; ok.  ",
        tags=["Banks", "banks ", "  ", "Interest\u00a0rates", "BANKS"],
        authors=["Brenda\u00a0Goh ", "Jane &amp; Smith", "Brenda Goh", "  "],
        published_at="2025-07-01T10:00:00.123456+01:00", language="en_gb",
        url="https://www.globalbankingandfinance.com/A-Story",
    ))
    assert d["title"] == "Banks & the \u201cnew\u201d rates"  # curly quotes kept
    assert d["summary"] == "Caf\u00e9 owners don\u2019t worry"
    assert d["body"] == "Line one continues.\n\nSecond paragraph \u2014 ok."
    assert d["tags"] == ["Banks", "Interest rates"]
    # names cleaned and deduplicated, never split again: the layers split bylines
    assert d["authors"] == ["Brenda Goh", "Jane & Smith"]
    assert d["published_at"] == datetime(2025, 7, 1, 9, 0, 0, 123000, tzinfo=UTC)
    assert d["language"] == "en-GB"
    assert d["url"] == "https://www.globalbankingandfinance.com/A-Story"  # the parser's canonical URL
    assert d["word_count"] == 6
    assert len(d["content_hash"]) == 64


def test_content_hash_ignores_whitespace_only_differences():
    a = normalize(good(body="One  two.\n\nThree."))
    b = normalize(good(body=" One two. \n\n\n Three. "))
    c = normalize(good(body="One two.\n\nThree!"))
    assert a["content_hash"] == b["content_hash"] != c["content_hash"]


@pytest.mark.parametrize("raw, tag", [("en", "en"), ("EN-gb", "en-GB"), ("en_US", "en-US"),
                                      ("zh-hant-tw", "zh-Hant-TW"), ("English", "en"),
                                      ("not a language", None), ("", None)])
def test_language_is_bcp47(raw, tag):
    assert language(raw) == tag


def test_mojibake_only_fixed_when_clearly_broken():
    assert fix_mojibake("Ã©tÃ© â€“ fine") == "été – fine"
    assert fix_mojibake("São Paulo, Zürich — déjà vu") == "São Paulo, Zürich — déjà vu"


def test_normalize_pipeline_defaults_language_and_drops_empty_body():
    crawler = get_crawler(settings_dict={"NEWSCRAWL_DEFAULT_LANGUAGE": "en"})
    crawler.stats.open_spider()
    pipe = NormalizePipeline.from_crawler(crawler)
    item = pipe.process_item(Article(url="https://x.org/a", title="T", body="Text.",
                                     published_at=datetime(2025, 1, 1, tzinfo=UTC)))
    assert item.language == "en" and item.word_count == 1
    with pytest.raises(DropItem, match="missing_body"):
        pipe.process_item(Article(url="https://x.org/a", title="T", body="\u200b \x00",
                                  published_at=datetime(2025, 1, 1, tzinfo=UTC)))


def test_dedupe_pipeline_drops_second_url():
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipe = DedupePipeline.from_crawler(crawler)
    pipe.process_item(Article(url="https://x.org/a"))
    with pytest.raises(DropItem, match="duplicate_url"):
        pipe.process_item(Article(url="https://x.org/a"))
    pipe.process_item(Article(url="https://x.org/b"))
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_url") == 1


def test_seen_urls_tell_new_from_seen_and_grow():
    seen = SeenUrls(capacity=4)
    urls = [f"https://www.globalbankingandfinance.com/story-{i}" for i in range(5000)]
    assert all(seen.add(u) for u in urls)  # the table grows far past its first capacity
    assert not any(seen.add(u) for u in urls)
    assert len(seen) == 5000 and urls[42] in seen and "https://x.test/other" not in seen
    assert 16 * len(seen) <= seen.nbytes <= 32 * len(seen)  # 8 bytes a slot, 25-50% full


def test_passwords_are_masked():
    assert mask_uri("mongodb://u:p%40ss@h:27017/db?x=1") == "mongodb://u:***@h:27017/db?x=1"
    assert mask_uri("mongodb+srv://user:secret@cluster0.example.net/") == "mongodb+srv://user:***@cluster0.example.net/"
    assert mask_uri("mongodb://h:27017") == "mongodb://h:27017"


@pytest.mark.parametrize("byline, stored", [
    ("By Global Banking &amp; Finance Review Staff", ["Global Banking & Finance Review Staff"]),  # was split on "&"
    ("By Global Banking and Finance Review", ["Global Banking and Finance Review"]),
    ("By GBAF News Desk", ["GBAF News Desk"]),
    ("By Brenda Goh and David Kirton, Reuters", ["Brenda Goh", "David Kirton"]),  # the agency is the source
    ("Reuters Staff", []),
])
def test_bylines_are_stored_as_the_layers_read_them(tmp_path, byline, stored):
    """A page's byline as stored: parsed, then validated, normalized and written to the
    embedded store (what a crawl does to it)."""
    from newscrawl.extract.article import ArticleParser
    from newscrawl.process.prepare import Prepare
    from newscrawl.site.rules import SiteRules
    from newscrawl.store import ArticleWriter, Filters
    from newscrawl.store.sqlite import SQLiteStore
    base = "https://www.globalbankingandfinance.com"
    html = (f"<html><head><title>Banks raise rates</title></head><body><article><h1>Banks raise rates</h1>"
            f"<p class='byline'>{byline}</p><time datetime='2026-02-01T09:00:00Z'>1 Feb 2026</time>"
            + "<p>" + "Banks raised their rates again on Tuesday, lenders said. " * 8 + "</p>"
            + "<p>" + "The move follows months of pressure from savers and markets. " * 8 + "</p>"
            + "</article></body></html>")
    article = ArticleParser(SiteRules(base)).parse(base + "/banks-raise-rates", html)
    item = Prepare("en")(dataclasses.asdict(article))
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.ensure_indexes()
    ArticleWriter(store, 10).write([item], datetime(2026, 3, 1, tzinfo=UTC))
    (doc,) = list(store.find(Filters()))
    store.close()
    assert doc["authors"] == stored

