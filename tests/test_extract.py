"""Page parsers on saved HTML (no server, no Scrapy)."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.extract.article import ArticleParser, DropPage
from newscrawl.site.rules import SiteRules

HTML = Path(__file__).parent / "html"
BASE = "http://www.example-mirror.test"
UTC = timezone.utc


def parse(name, path, base=BASE):
    return ArticleParser(SiteRules(base)).parse(base + path, (HTML / name).read_text())


def test_wire_story_with_jsonld():
    a = parse("wire_jsonld.html", "/harbour-city-lenders-brace-for-slower-mortgage-growth")
    assert a.title == "Harbour City lenders brace for slower mortgage growth"
    assert a.authors == ["Mara Lindqvist", "Tomas Okafor"]
    assert a.source == "Reuters"
    assert a.category == "Finance"
    assert a.publisher == "Global Banking & Finance Review"
    assert a.published_at == datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
    assert a.updated_at == datetime(2026, 1, 27, 14, 5, tzinfo=UTC)
    assert a.read_time_minutes == 3
    paras = a.body.split("\n\n")
    assert paras[0] == "Funding costs bite"  # subheading kept
    assert paras[1].startswith("HARBOUR CITY (Reuters) - Mortgage lenders")
    assert paras[-1] == "(Reporting by Mara Lindqvist and Tomas Okafor; Editing by Ines Varga)"
    for chrome in ("By Mara", "Quick Summary", "Why waste money", "Key Takeaways",
                   "Frequently Asked", "More from", "Previous Finance Post", "GBAF Publications"):
        assert chrome not in a.body
    assert a.summary.startswith("Mortgage lenders in Harbour City expect")
    assert a.key_takeaways[0] == "Lenders expect mortgage growth to halve this year."
    assert a.faq[0] == {"question": "Why are mortgage lenders expecting slower growth?",
                        "answer": "Higher funding costs and cautious buyers are holding back new lending."}
    assert [c["name"] for c in a.breadcrumbs] == ["Home", "Finance", a.title]
    assert a.breadcrumbs[-1]["url"] == a.url == BASE + "/harbour-city-lenders-brace-for-slower-mortgage-growth"
    assert a.image == {"url": "https://cdn.sanity.io/images/gbaf1234/production/"
                              "ed01969b45335d9eba55484797870503-1200x800.jpg",
                       "caption": "Houses in Harbour City - Global Banking & Finance Review",
                       "alt": "Terraced houses on a hill in Harbour City"}
    assert a.language == "en-GB"
    assert a.extraction["title"] == "jsonld" and a.extraction["summary"] == "semantic"
    # derived values are the pipelines' (newscrawl.process.normalize), computed once from the stored body
    assert a.word_count is None and a.content_hash is None


def test_guid_slug_keeps_case_and_meta_layer():
    path = "/EU-LENDERS-SANCTIONS-3f6c2a1e-8d4b-4c7e-9a51-0b2d7e6f9c13"
    a = parse("wire_meta_guid.html", path)
    assert a.url == BASE + path
    assert a.title == "EU lenders review exposure to sanctioned shipping firms"  # site suffix cut
    assert a.published_at == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)  # +01:00 -> UTC
    assert a.authors == ["Ilse Brandt"] and a.source == "Reuters"
    assert a.tags == ["Sanctions", "Shipping", "European banks"]
    assert a.extraction["title"] == "meta"


def test_labels_only_page_flat_sections():
    a = parse("wire_labels_only.html", "/three-reporters-on-copper-price-swings")
    assert a.authors == ["Ana Ruiz", "Felix Hart", "Grace Mwangi"]
    assert a.published_at == datetime(2025, 3, 4, tzinfo=UTC)
    assert a.category == "Investing" and a.tags == ["Commodities", "Copper"]
    assert a.key_takeaways == ["Miners are selling more output forward."]
    assert a.body.startswith("LONDON/SANTIAGO (Reuters) - Copper's sharpest")
    assert "Key Takeaways" not in a.body and "Miners are selling" not in a.body
    assert a.extraction.pop("theme") == "nextjs"
    assert set(a.extraction.values()) <= {"semantic", "response"}


def test_contributed_piece_drops_role_from_byline():
    a = parse("contributed.html", "/why-treasury-teams-should-rethink-cash-buffers")
    assert a.authors == ["Jane Whitcombe"] and a.source is None
    assert "Liquidity is a policy choice" in a.body  # blockquote kept
    assert "Chief Economist" not in a.body


def test_legacy_wordpress_page():
    a = parse("legacy_wordpress.html", "/building-societies-celebrate-a-decade-of-digital-savings/")
    assert a.url == BASE + "/building-societies-celebrate-a-decade-of-digital-savings"
    assert a.authors == ["Oliver Penrose"] and a.category == "Banking"
    assert a.published_at == datetime(2019, 5, 14, 7, 12, tzinfo=UTC)
    assert a.tags == ["Savings", "Building societies"]
    assert a.body.count("\n\n") == 2 and a.extraction["body"] == "legacy"
    assert "You may like" not in a.body


def test_bare_page_uses_generic_extraction():
    a = parse("bare.html", "/a-plain-page-about-regional-credit-unions")
    assert a.extraction["body"] == "generic"
    assert a.body.startswith("Regional credit unions lent more")
    assert "GBAF Publications" not in a.body and "Posted on" not in a.body
    assert a.published_at == datetime(2023, 9, 8, tzinfo=UTC)


def test_next_image_is_unwrapped():
    a = parse("next_image.html", "/fintech-lenders-turn-to-embedded-credit")
    assert a.image["url"] == ("https://cdn.sanity.io/images/gbaf1234/production/"
                              "c237b4c93acd5b9d9cc2ca8b8e540e36-1200x800.jpg")  # unwrapped, no w/q
    assert a.category == "Fintech"
    assert [c["name"] for c in a.breadcrumbs] == ["Home", "Finance", "Fintech", a.title]


def test_page_without_body_is_dropped():
    with pytest.raises(DropPage) as err:
        parse("no_body.html", "/draft-story-without-text")
    assert err.value.reason == "no_body"


def test_page_without_title_is_dropped():
    with pytest.raises(DropPage) as err:
        ArticleParser(SiteRules(BASE)).parse(BASE + "/x", "<html><body><p>Only text.</p></body></html>")
    assert err.value.reason == "no_title"
    # the browser tab's <title> when no layer reads a headline, unless it is the site's name
    text = "<p>" + "Lenders raised their rates again on Tuesday, the trade body said in its report. " * 8 + "</p>"
    # (an old blog's: its one <h1> the site's name, the headline an <h2>)
    head = '<title>Lenders raise rates</title><meta property="og:site_name" content="Example News">'
    tab = ArticleParser(SiteRules(BASE)).parse(BASE + "/x", f"<html><head>{head}</head><body><header><h1>Example "
                                               f"News</h1></header><div><h2>Lenders raise</h2>{text}</div></body></html>")
    assert tab.title == "Lenders raise rates" and tab.extraction["title"] == "meta"
    with pytest.raises(DropPage) as err:
        ArticleParser(SiteRules(BASE)).parse(BASE + "/x", "<html><head><title>Global Banking &amp; Finance Review"
                                             f"</title></head><body><div>{text}</div></body></html>")
    assert err.value.reason == "no_title"


def test_handwritten_variants():
    live = "https://www.globalbankingandfinance.com"
    a = parse("variant_handwritten.html", "/port-authority-sells-green-bonds", base=live)
    assert a.url == live + "/port-authority-sells-green-bonds"  # canonical: tracking and slash gone
    assert a.title == "Port authority sells its first green bonds"
    assert a.published_at == datetime(2025, 3, 31, 3, 30, tzinfo=UTC)
    assert a.source == "AP" and a.authors == ["Lucia Ferro", "Ben Adeyemi"]
    assert a.category == "Investing" and a.tags == ["Green bonds", "Ports"]
    assert a.image["url"] == "https://cdn.sanity.io/images/p/production/abc-800x600.png"
    assert a.read_time_minutes == 5
    assert a.faq == [{"question": "What will the money pay for?", "answer": "Electric cranes and shore power."},
                     {"question": "Was the sale popular?", "answer": "Orders were three times the offer."}]
    assert a.body.split("\n\n") == [
        "NEW YORK (AP) — A regional port authority sold its first green bonds on Monday, raising money for electric cranes.",
        "Demand was more than three times the amount on offer, the authority said.",
        "Next steps", "Shore power for ships by 2027", "Electric trucks at two terminals"]
    assert a.related_urls == [live + "/another-port-story"]


@pytest.mark.parametrize("jsonld, meta, want", [
    # JSON-LD's wall time without a zone, the meta tag's with it: one moment (#31)
    ("2024-04-30T16:38:37", "2024-04-30T16:38:37+02:00", "2024-04-30T14:38:37+00:00"),
    ("2024-04-30T09:15:00", "2024-04-30T09:15:00-05:30", "2024-04-30T14:45:00+00:00"),
    # another moment (an hour and 7 minutes apart: not a whole offset): JSON-LD's stays
    ("2024-04-30T16:38:37", "2024-04-30T17:45:37+02:00", "2024-04-30T16:38:37+00:00"),
])
def test_a_time_without_its_zone_takes_the_offset_another_layer_states(jsonld, meta, want):
    html = (f'<html><head><meta property="article:published_time" content="{meta}">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates held", '
            f'"datePublished": "{jsonld}"}}</script></head><body><h1>Rates held</h1><article>'
            + "<p>The central bank held its rates on Tuesday, as most economists had expected it would.</p>" * 4
            + "</article></body></html>")
    article = ArticleParser(SiteRules(BASE)).parse(BASE + "/rates-held", html)
    assert article.published_at.isoformat() == want


def test_the_authors_of_teasers_for_other_articles_are_not_the_article_s():
    """#31: a "more from" block and a list of cards under the article carry other articles'
    bylines; the article's own byline is the one in its header."""
    teaser = ('<article class="card"><h3><a href="/other-{n}">Other story {n}</a></h3>'
              '<span class="byline">By Teaser Writer{n}</span></article>')
    body = "<p>The central bank held its rates on Tuesday, as most economists had expected it would.</p>" * 4
    html = ("<html><body><main><article><h1>Rates held</h1><p class='byline'><span class='author'>Jane Smith"
            "</span></p>" + body + "<section class='more-from-author'><h2>More from Jane</h2>"
            "<div><span class='author'>Robert Other</span></div></section></article>"
            f"<div class='cards'>{teaser.format(n='One')}{teaser.format(n='Two')}</div></main></body></html>")
    article = ArticleParser(SiteRules(BASE)).parse(BASE + "/rates-held", html)
    assert article.authors == ["Jane Smith"]


def test_a_guessed_headline_the_tab_does_not_show_gives_way_to_the_tab():
    """No structured title, no <h1>: the generic layer's guess (a section's "headline" class:
    "Ansprechpartner") is not the story the browser tab names."""
    para = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt, und noch viel mehr dazu.</p>" * 8
    html = ("<html lang='de'><head><title>Auf den Spuren von Rafael Nadal</title></head><body><div class='content'>"
            f"{para}</div><section><header><h2 class='text__headline'>Ansprechpartner</h2></header><div><p>Herr "
            "Maier, Tel. 0123</p></div></section></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/de/a.html", html).title == "Auf den Spuren von Rafael Nadal"
