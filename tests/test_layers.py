"""Each extraction layer on saved pages, failing fields, themes, FAQ numbers and bylines."""
import json
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.extract.article import ArticleParser
from newscrawl.extract.common import ExtractConfig
from newscrawl.extract.layers.generic import GenericLayer, post_filter
from newscrawl.extract.layers.jsonld import JsonLdLayer
from newscrawl.extract.layers.layer import reads
from newscrawl.extract.layers.legacy import LegacyLayer
from newscrawl.extract.layers.meta import MetaLayer
from newscrawl.extract.layers.nextdata import NextDataLayer
from newscrawl.extract.layers.semantic import SemanticLayer
from newscrawl.extract.page import Page
from newscrawl.extract.shown import foot_byline
from newscrawl.extract.themes import choose
from newscrawl.site.rules import SiteRules
from newscrawl.site.text import split_byline

HTML = Path(__file__).parent / "html"
LIVE = "https://www.globalbankingandfinance.com"
MIRROR = "http://www.example-mirror.test"
UTC = timezone.utc
SITE_NAMES = ExtractConfig().site_names


def page(name: str, path: str, base: str = MIRROR, html: str | None = None) -> Page:
    return Page(base + path, html if html is not None else (HTML / name).read_text(),
                SiteRules(base), ExtractConfig())


def test_jsonld_layer_fields():
    p = page("wire_jsonld.html", "/harbour-city-lenders-brace-for-slower-mortgage-growth")
    js = JsonLdLayer()
    assert js.title(p) == "Harbour City lenders brace for slower mortgage growth"
    assert js.authors(p) == [] and js.source(p) == "Reuters"  # its author is the agency
    assert js.published_at(p) == datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
    assert js.read_time_minutes(p) == 3 and js.category(p) == "Finance"
    assert [c["name"] for c in js.breadcrumbs(p)][:2] == ["Home", "Finance"]
    assert JsonLdLayer.fields() == ("url", "title", "category", "breadcrumbs", "tags", "authors", "publisher",
                                    "source", "published_at", "updated_at", "read_time_minutes", "summary",
                                    "body", "faq", "image", "language")


def test_meta_layer_fields():
    p = page("wire_meta_guid.html", "/EU-LENDERS-SANCTIONS-3f6c2a1e-8d4b-4c7e-9a51-0b2d7e6f9c13")
    m = MetaLayer()
    assert m.title(p) == "EU lenders review exposure to sanctioned shipping firms"
    assert m.tags(p) == ["Sanctions", "Shipping", "European banks"]
    assert m.published_at(p) == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert m.url(p) == MIRROR + "/EU-LENDERS-SANCTIONS-3f6c2a1e-8d4b-4c7e-9a51-0b2d7e6f9c13"
    assert "body" not in MetaLayer.fields() and m.field("body") is None


def test_semantic_layer_fields():
    p = page("wire_labels_only.html", "/three-reporters-on-copper-price-swings")
    s = SemanticLayer()
    assert s.authors(p) == ["Ana Ruiz", "Felix Hart", "Grace Mwangi"]
    assert s.published_at(p) == datetime(2025, 3, 4, tzinfo=UTC)
    assert s.key_takeaways(p) == ["Miners are selling more output forward."]
    assert s.body(p).startswith("LONDON/SANTIAGO (Reuters) - Copper's sharpest")
    assert s.source(p) == "Reuters" and s.category(p) == "Investing"


def test_legacy_layer_fields():
    p = page("legacy_wordpress.html", "/building-societies-celebrate-a-decade-of-digital-savings/")
    lg = LegacyLayer()
    assert lg.title(p) and lg.authors(p) == ["Oliver Penrose"] and lg.category(p) == "Banking"
    assert lg.published_at(p) == datetime(2019, 5, 14, 7, 12, tzinfo=UTC)
    assert lg.tags(p) == ["Savings", "Building societies"]
    assert lg.body(p).count("\n\n") == 2 and "You may like" not in lg.body(p)


def test_nextdata_layer_fields():
    p = page("replica_nextdata.html", "/next-data-only-story", base=LIVE)
    nd = NextDataLayer()
    assert nd.title(p) == "A story only in the Next.js data"
    assert nd.authors(p) == ["Kwame Quinn"] and nd.category(p) == "Finance"
    assert nd.body(p).startswith("Northbridge Capital said on Friday") and nd.body(p).count("\n\n") == 4


@pytest.mark.parametrize("state", [
    '<script>window.__NUXT__ = {"data": [{"story": {DATA}}]};</script>',
    '<script>window.__INITIAL_STATE__={"article": {DATA}}; window.x = function () {};</script>',
    '<script type="application/json" id="app-state">{"props": {"story": {DATA}}}</script>',
])
def test_an_app_shell_is_read_from_its_inline_state(state):
    """An app shell of another framework: empty mount element, its article in inline state."""
    data = json.dumps({"title": "Lenders read from inline state", "publishedAt": "2026-03-02T09:30:00Z",
                       "author": {"name": "Ada Mensah"}, "body": "<p>" + "Credit unions lent more. " * 20 + "</p>"})
    html = (f'<html><head><title>Portal</title></head><body><div id="mount"></div>{state.replace("{DATA}", data)}'
            '<script src="/static/app.js"></script></body></html>')
    a = ArticleParser(SiteRules(MIRROR)).parse(MIRROR + "/lenders-inline", html)
    assert (a.title, a.authors, a.extraction["body"]) == ("Lenders read from inline state", ["Ada Mensah"], "nextdata")
    assert a.published_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_generic_layer_fields_and_its_post_filter():
    p = page("bare.html", "/a-plain-page-about-regional-credit-unions")
    g = GenericLayer()
    assert g.body(p).startswith("Regional credit unions lent more")
    assert "GBAF Publications" not in g.body(p)
    text = ("Lenders cut rates\nLenders cut rates again on Monday, the third cut this year.\n"
            "Related: Why lenders cut rates\nRead more: Banks and the cost of money\n"
            "Comments\nSubscribe to our newsletter\n"
            "Copyright, lenders said, was not the issue: their funding costs were.")
    assert post_filter(text, "Lenders cut rates").split("\n\n") == [
        "Lenders cut rates again on Monday, the third cut this year.",
        "Copyright, lenders said, was not the issue: their funding costs were."]


class RaisingJsonLd(JsonLdLayer):
    @reads
    def title(self, page):
        raise KeyError("headline")

    @reads
    def authors(self, page):
        raise ValueError("broken author list")


def test_a_layer_raising_on_a_field_costs_that_field_only(caplog):
    heard = []
    parser = ArticleParser(SiteRules(MIRROR), layers=(RaisingJsonLd(), MetaLayer(), SemanticLayer(),
                                                      GenericLayer()))
    with caplog.at_level(logging.WARNING):
        a = parser.parse(MIRROR + "/harbour-city-lenders-brace-for-slower-mortgage-growth",
                         (HTML / "wire_jsonld.html").read_text(), report=heard.append)
    # the next layers gave the two fields; everything else the raising layer has still counts
    assert a.title == "Harbour City lenders brace for slower mortgage growth"
    assert a.extraction["title"] == "meta"
    assert a.authors == ["Mara Lindqvist", "Tomas Okafor"] and a.extraction["authors"] == "semantic"
    assert a.extraction["published_at"] == "jsonld" and a.extraction["breadcrumbs"] == "jsonld"
    assert a.source == "Reuters"
    assert sorted(heard) == ["extraction_error/jsonld/authors", "extraction_error/jsonld/title"]
    logged = [r.getMessage() for r in caplog.records if "extraction_error/jsonld/title" in r.getMessage()]
    assert len(logged) == 1 and "harbour-city-lenders" in logged[0] and "KeyError" in logged[0]


def test_a_layer_raising_on_the_body_falls_back_to_the_next_layer():
    class RaisingSemantic(SemanticLayer):
        @reads
        def body(self, page):
            raise RuntimeError("walk failed")

    heard = []
    parser = ArticleParser(SiteRules(MIRROR), layers=(JsonLdLayer(), MetaLayer(), RaisingSemantic(),
                                                      GenericLayer()))
    a = parser.parse(MIRROR + "/three-reporters-on-copper-price-swings",
                     (HTML / "wire_labels_only.html").read_text(), report=heard.append)
    assert a.extraction["body"] == "generic" and "Copper's sharpest" in a.body
    assert [h for h in heard if h.startswith("extraction_error")] == ["extraction_error/semantic/body"]


def test_a_misspelt_field_fails_when_the_layer_is_defined():
    with pytest.raises(TypeError, match="'titel' is no field of the Article"):
        class Misspelt(JsonLdLayer):
            @reads
            def titel(self, page):
                return "never read"
    with pytest.raises(TypeError, match="register it with @reads"):
        class Unregistered(JsonLdLayer):
            def summary(self, page):  # would never be called
                return "never read"

    class Registered(JsonLdLayer):
        @reads
        def summary(self, page):
            return "read"
    assert Registered().field("summary")(None) == "read" and "summary" in Registered.fields()


GLUED_FAQ = """<html><head><title>Rates - Global Banking &amp; Finance Review</title>
<script src="/_next/static/chunks/app.js"></script></head><body><main><article>
<h1>Banks and the rate cycle</h1><div>Published by Global Banking &amp; Finance Review®</div>
<p>By GBAF News Desk</p><p>Banks expect rates to fall slowly over the coming year, the survey found.</p>
<section><h2>Frequently Asked Questions about Banks and the rate cycle</h2>
<h3><span class="x">1</span>What is the main topic?</h3><p>Rates.</p>
<h3>2Why are banks cautious?</h3><p>Funding costs.</p>
<h3><b>3.</b> How long will it last?</h3><p>A year.</p>
<h3>5G rollout: who pays?</h3><p>Telecoms.</p>
</section></article></main></body></html>"""


def test_faq_numbers_glued_to_the_question_are_stripped():
    p = page("", "/banks-and-the-rate-cycle", base=LIVE, html=GLUED_FAQ)
    assert [q["question"] for q in SemanticLayer().faq(p)] == [
        "What is the main topic?", "Why are banks cautious?", "How long will it last?", "5G rollout: who pays?"]
    assert Page.strip_number("1What is the main topic?", 1) == "What is the main topic?"
    assert Page.strip_number("2025 outlook: what next?", 1) == "2025 outlook: what next?"
    assert Page.strip_number("Q3: Who pays?", 7) == "Who pays?"


@pytest.mark.parametrize("name,path", [("replica_nextjs_jsonld_desk.html", "/aldwick-bank-warns-on-dividends-in-2026"),
                                       ("replica_nextjs_labels_desk.html",
                                        "/aldwick-bank-warns-on-current-accounts-in-2026")])
def test_a_staff_byline_of_the_portal_is_kept(name, path):
    a = ArticleParser(SiteRules(LIVE)).parse(LIVE + path, (HTML / name).read_text())
    assert a.authors == ["GBAF News Desk"] and a.source is None
    assert "By GBAF News Desk" not in a.body


def test_bylines_keep_names_drop_roles_and_agencies():
    assert split_byline("By Global Banking & Finance Review Staff", site_names=SITE_NAMES) == [
        "Global Banking & Finance Review Staff"]
    assert split_byline("By Global Banking & Finance Review", site_names=SITE_NAMES) == [
        "Global Banking & Finance Review"]
    assert split_byline("By Jane Smith, Editor") == ["Jane Smith"]
    assert split_byline("Contributor Jane Whitcombe") == ["Jane Whitcombe"]
    assert split_byline("By Reuters Staff") == [] and split_byline("By Ana Ruiz, Reuters") == ["Ana Ruiz"]
    assert split_byline("By Ana Ruiz and the Editorial Team") == ["Ana Ruiz", "the Editorial Team"]
    assert split_byline("By Jane Smith, Head of Research Team") == ["Jane Smith"]


@pytest.mark.parametrize("name,path,base,theme", [
    ("replica_wordpress.html", "/stonegate-building-society-sees-cyber-security-4/", LIVE, "wordpress"),
    ("legacy_wordpress.html", "/building-societies-celebrate-a-decade-of-digital-savings/", MIRROR, "wordpress"),
    ("replica_nextjs_jsonld_desk.html", "/aldwick-bank-warns-on-dividends-in-2026", LIVE, "nextjs"),
    ("replica_nextjs_labels_desk.html", "/aldwick-bank-warns-on-current-accounts-in-2026", LIVE, "nextjs"),
    ("variant_handwritten.html", "/port-authority-sells-green-bonds", LIVE, "nextjs"),
    ("bare.html", "/a-plain-page-about-regional-credit-unions", MIRROR, "portal"),  # "| GBAF", no theme
])
def test_theme_probe_picks_the_version(name, path, base, theme):
    assert choose(page(name, path, base)).name == theme


def test_another_sites_nextjs_page_is_foreign():
    html = GLUED_FAQ.replace("Global Banking &amp; Finance Review", "The Daily Ledger")
    assert choose(page("", "/x", base=LIVE, html=html)).name == "generic"
    assert choose(page("", "/x", base=LIVE, html=GLUED_FAQ)).name == "nextjs"


def test_a_page_that_is_no_article_is_dropped():
    """The portal serves its home page at paths robots.txt forbids: no title of its own (the
    <title> is the site's name), section headings and menus only."""
    from newscrawl.extract.article import DropPage

    with pytest.raises(DropPage) as err:
        ArticleParser(SiteRules(LIVE)).parse(LIVE + "/private-preview", (HTML / "home.html").read_text())
    assert err.value.reason == "no_title"  # the site's name is no title of its own
    p = page("", "/private-preview", base=LIVE,
             html="<html><body><main><h2>Top Stories</h2><ul><li><a href='/a'>A</a></li></ul>"
                  "<h2>Also on the site</h2></main></body></html>")
    assert SemanticLayer().body(p) is None  # headings (and menu items) alone
    assert p.strip_site_name("Global Banking & Finance Review") is None


ACCORDION = """<html><head><title>Rates - Global Banking &amp; Finance Review</title>
<script src="/_next/static/chunks/app.js"></script></head><body><main><article>
<h1>Banks and the rate cycle</h1><p>Banks expect rates to fall slowly over the coming year, the survey found.</p>
<section><h2>Frequently Asked Questions</h2>
<div class="i"><button type="button" aria-expanded="false"><span>1</span>What is the main topic?</button>
<div class="p" hidden><p>Rates.</p></div></div>
<div class="i"><button type="button"><span>2</span>Why are banks cautious?</button><div><p>Funding costs.</p></div></div>
<button type="button">Show all questions</button>
</section></article></main></body></html>"""


def test_faq_questions_in_accordion_buttons():
    faq = SemanticLayer().faq(page("", "/banks-and-the-rate-cycle", base=LIVE, html=ACCORDION))
    assert faq == [{"question": "What is the main topic?", "answer": "Rates."},
                   {"question": "Why are banks cautious?", "answer": "Funding costs."}]


def test_legacy_selectors_from_settings_accept_parsel_forms():
    cfg = ExtractConfig()
    cfg.legacy_selectors = dict(cfg.legacy_selectors, title=["h1.mvp-post-title::text"],
                                published_at=["time.post-date::attr(datetime)"])
    p = Page(MIRROR + "/building-societies-celebrate-a-decade-of-digital-savings/",
             (HTML / "legacy_wordpress.html").read_text(), SiteRules(MIRROR), cfg)
    assert LegacyLayer().title(p) == LegacyLayer().title(
        page("legacy_wordpress.html", "/building-societies-celebrate-a-decade-of-digital-savings/"))
    assert LegacyLayer().published_at(p) == datetime(2019, 5, 14, 7, 12, tzinfo=UTC)


@pytest.mark.parametrize("markup, names", [
    # a "By" element apart from the name, hCard and microdata classes, an /author/ link
    ("<p>By</p><span class='author-name vcard fn author' itemprop='name'><a href='/author/staff/'>Maria Lopez</a>"
     "</span>", ["Maria Lopez"]),
    ("<div itemprop='author' itemscope itemtype='https://schema.org/Person'><span itemprop='name'>John Doe</span>"
     "</div>", ["John Doe"]),
    ("<span>By <a rel='author' href='/people/jane'>Jane Roe</a> and <a rel='author' href='/people/ann'>Ann Lee</a>"
     "</span>", ["Jane Roe", "Ann Lee"]),
    ("<div class='meta'><a href='/author/peter-smith/'>Peter Smith</a> | 3 min read</div>", ["Peter Smith"]),
    ("<div class='byline'>By Sam Green, Reuters</div>", ["Sam Green"]),  # the agency is the source
    ("<div class='byline'>Global Banking &amp; Finance Review Staff</div>", ["Global Banking & Finance Review Staff"]),
    # a menu of authors' pages is no byline, the link beside the headline is
    ("<ul><li><a href='/author/a-b/'>Andy Serwer</a></li><li><a href='/author/b-c/'>Brittany Jones</a></li>"
     "<li><a href='/author/c-d/'>Daniel Howley</a></li><li><a href='/author/d-e/'>Julia Roche</a></li></ul>"
     "<div class='meta'><a href='/author/ben-silverman'>Ben Silverman</a></div>", ["Ben Silverman"]),
    ("<span class='author'>James Akinaka</span> <span class='author'>CC7567</span>", ["James Akinaka"]),  # a handle
    # blocks inside a byline are its parts: the name, then the publication and the date line
    ("<div class='article_byline'><div>By <span>Meg Wagner</span></div><div><div>NEW YORK DAILY NEWS</div>"
     "<time>Dec 16, 2016 at 1:38 pm</time></div></div>", ["Meg Wagner"]),
    # labels in a row: the author's, not the date's
    ("<div class='liveArticleAuthorDateBlock'><span class='label'>Datum:</span> 19.11.2021 <br>"
     "<span class='label'>Autor:</span> Fritz Imhof<br><span class='label'>Quelle:</span> Livenet</div>",
     ["Fritz Imhof"]),
])
def test_bylines_in_author_markup(markup, names):
    """Author markup of other sites' themes; the navigation's and the footer's author links
    are no byline."""
    body = "<p>" + "Banks raised their rates again on Tuesday, lenders said in a statement. " * 6 + "</p>"
    html = (f"<html><head><title>Banks raise rates</title></head><body><nav><a href='/author/nav-guy'>Nav Guy</a>"
            f"</nav><article><h1>Banks raise rates</h1>{markup}<time datetime='2026-02-01T09:00:00Z'>x</time>"
            f"{body}{body}</article><footer><a rel='author' href='/x'>Footer Person</a></footer></body></html>")
    base = "https://www.example-news.test"
    article = ArticleParser(SiteRules(base)).parse(base + "/banks-raise-rates", html)
    assert article.authors == names


@pytest.mark.parametrize("url, tab, h1, title", [
    # the site's name spelt out in the headline's place; the site's name first in the tab
    ("https://www.thepoliticalinsider.com/hillary-electors",
     "Hillary Clinton Gets More Faithless Electors Than Trump | The Political Insider", "The Political Insider",
     "Hillary Clinton Gets More Faithless Electors Than Trump"),
    ("https://disfunctions.de/tutorials/podcasts-in-plex", "Disfunctions.de » Blog Archiv » Podcasts in Plex einbinden",
     "Disfunctions.de", "Podcasts in Plex einbinden"),
    # " : " between the story and the site's name, as krimiblog.de writes it
    ("https://archiv.krimiblog.de/musikvideo", "Das vermutlich schwulste Musikvideo der Welt : Krimiblog | Ermittlungen",
     "Krimiblog", "Das vermutlich schwulste Musikvideo der Welt"),
])
def test_a_headline_that_is_the_sites_name_gives_way_to_the_tabs_title(url, tab, h1, title):
    text = "<p>" + "The electors met on Monday and cast their votes, as the law says they must. " * 8 + "</p>"
    html = f"<html><head><title>{tab}</title></head><body><header><h1>{h1}</h1></header><div>{text}</div></body></html>"
    assert ArticleParser(SiteRules(url.rsplit("/", 1)[0])).parse(url, html).title == title


def test_the_sites_name_spelt_out_or_as_its_domain_is_no_title():
    url = "https://www.thepoliticalinsider.com/hillary-electors"
    p = ArticleParser(SiteRules("https://www.thepoliticalinsider.com")).page(url, "<html><body><p>x</p></body></html>")
    assert [p.strip_site_name(t) for t in ("The Political Insider", "ThePoliticalInsider.com", "Political news")] == \
        [None, None, "Political news"]


def test_json_ld_in_a_cdata_wrapper_is_read():
    """XHTML pages wrap a script in CDATA, bare or commented out."""
    node = '{"@type": "NewsArticle", "headline": "Lenders raise rates", "datePublished": "2015-10-15T02:19:15Z"}'
    for wrapped in (f"<![CDATA[ {node} ]]>", f"//<![CDATA[\n{node}\n//]]>", f"/*<![CDATA[*/ {node} /*]]>*/"):
        html = f'<html><head><script type="application/ld+json">{wrapped}</script></head><body></body></html>'
        assert JsonLdLayer().published_at(page("", "/x", html=html)) == datetime(2015, 10, 15, 2, 19, 15, tzinfo=UTC)


def test_the_visible_headline_wins_over_a_structured_variant_and_entities_are_decoded():
    base = "https://www.example-news.test"
    body = "<p>" + "The central bank kept its main rate unchanged on Wednesday, as markets expected. " * 6 + "</p>"

    def parse(h1, headline):
        html = (f'<html><head><title>{headline} | Example News</title><meta property="og:site_name" '
                f'content="Example News"><script type="application/ld+json">{{"@type": "NewsArticle", '
                f'"headline": "{headline}", "datePublished": "2026-02-01T09:00:00Z"}}</script></head><body>'
                f"<article><h1>{h1}</h1>{body}{body}</article></body></html>")
        return ArticleParser(SiteRules(base)).parse(base + "/fed-holds-rates", html)
    seo = parse("Fed holds rates, signals two cuts in 2026", "Fed Holds Interest Rates &#8211; Signals Two Cuts")
    assert seo.title == "Fed holds rates, signals two cuts in 2026" and seo.extraction["title"] == "semantic"
    other = parse("Latest news", "Fed holds rates and signals two cuts")  # an h1 that is no headline
    assert other.title == "Fed holds rates and signals two cuts" and other.extraction["title"] == "jsonld"
    quoted = parse("Latest news", "Lender&#8217;s profit doubles")
    assert quoted.title == "Lender\u2019s profit doubles"


def test_the_headline_the_tab_shows_too_wins_over_a_social_variant():
    """og:title a social headline, the page's <h1> and <title> another: the one a reader sees
    twice; a hidden section <h1> the tab shows ("News") is not taken over the article's."""
    base = "https://www.example-news.test"
    body = "<p>" + "SpaceX has had a rough few months, and its next launch slipped again on Friday. " * 6 + "</p>"

    def parse(tab, og, h1s):
        html = (f'<html><head><title>{tab}</title><meta property="og:title" content="{og}"></head><body>'
                f'{"".join(f"<h1>{h}</h1>" for h in h1s)}<div>{body}{body}</div></body></html>')
        return ArticleParser(SiteRules(base)).parse(base + "/spacex-hold-up", html).title
    assert parse("What's the Hold-Up at SpaceX?", "It's been a rough few months for SpaceX",
                 ["What's the Hold-Up at SpaceX?"]) == "What's the Hold-Up at SpaceX?"
    assert parse("13 Ways To Compliment Women", "13 Ways To Compliment Women",
                 ["The Power Of Compliments"]) == "13 Ways To Compliment Women"  # tab and og agree
    assert parse("News - Example", "Auf das erste Elektron kommt es an",
                 ["News", "Auf das erste Elektron kommt es an"]) == "Auf das erste Elektron kommt es an"


FOREIGN = "https://news.example.de"


def _foreign(body: str, head: str = "") -> dict:
    html = f"<html lang='de'><head><title>Seite</title>{head}</head><body>{body}</body></html>"
    a = ArticleParser(SiteRules(FOREIGN)).parse(FOREIGN + "/a/1", html)
    return {"title": a.title, "authors": a.authors, "published": a.published_at, "layers": a.extraction}


ARTICLE = "<article><h1>{}</h1>{}" + "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8 + \
    "</article>"


def test_authors_from_yoast_labels_and_analytics_meta():
    yoast = '<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Christoph Hein">' \
            '<meta name="twitter:label2" content="Geschätzte Lesezeit"><meta name="twitter:data2" content="9 Minuten">'
    got = _foreign(ARTICLE.format("Können Fische Schmerzen spüren?", ""), yoast)
    assert got["authors"] == ["Christoph Hein"] and got["layers"]["authors"] == "meta"
    cxense = '<meta property="cXenseParse:author" content="Lisa Petrich">'
    assert _foreign(ARTICLE.format("Wohnungssuche in Freiburg", ""), cxense)["authors"] == ["Lisa Petrich"]
    # a reading time's label is no author's
    assert _foreign(ARTICLE.format("Ohne Autor", ""), yoast.replace("Verfasst von", "Lesezeit"))["authors"] == []


def test_the_byline_shown_beats_the_account_that_posted_the_page():
    """Yoast's "Written by" names the account that posted the page (an editor's); the byline
    beside the headline names the writer. A page's author <meta> is not second-guessed."""
    yoast = '<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Sameer Rahim">'
    shown = ARTICLE.format("Die Anglosphäre", '<div class="byline"><a class="byline__name">Duncan Bell</a></div>')
    assert _foreign(shown, yoast)["authors"] == ["Duncan Bell"]
    assert _foreign(shown, '<meta name="author" content="Sameer Rahim">')["authors"] == ["Sameer Rahim"]
    # Yoast writes the posting account in the author <meta> too: the same name twice is still it
    assert _foreign(shown, yoast + '<meta name="author" content="Sameer Rahim">')["authors"] == ["Duncan Bell"]


def test_a_first_name_in_the_author_meta_gives_way_to_the_full_name_shown():
    shown = ARTICLE.format("Das Patriarchat als Kulturtechnik", "<p><strong>Eine Kolumne von Nils Pickert</strong></p>")
    assert _foreign(shown, '<meta name="author" content="Nils">')["authors"] == ["Nils Pickert"]
    doubled = ARTICLE.format("Die Pest", '<p class="byline">Von Sean Martin Sean Martin</p>')
    assert _foreign(doubled, '<meta name="author" content="Sean Martin">')["authors"] == ["Sean Martin"]


def test_the_reporter_shown_beats_a_desks_credit_in_the_author_meta():
    """Us Weekly's author <meta> credits "Us Weekly Staff"; the byline under the headline names
    the reporter, who wrote it. A desk shown does not replace a person in the <meta>."""
    shown = ARTICLE.format("Lady Gaga Shares Photo", '<div class="byline">By <a rel="author">Megan French</a></div>')
    assert _foreign(shown, '<meta name="author" content="Us Weekly Staff">')["authors"] == ["Megan French"]
    desk = ARTICLE.format("Lady Gaga Shares Photo", '<div class="byline">By Us Weekly Staff</div>')
    assert _foreign(desk, '<meta name="author" content="Megan French">')["authors"] == ["Megan French"]


def test_a_menus_h1_is_no_headline_and_a_kicker_no_part_of_it():
    body = '<header><h1 class="menu-toggle">Menu</h1><h1 class="site-title">Ansichten</h1></header>' + \
        ARTICLE.format('<span class="roofline">Immobilienkrise </span>Signa in Sorge um Finanzdaten', "")
    assert _foreign(body)["title"] == "Signa in Sorge um Finanzdaten"


def test_an_empty_logo_h1_is_no_headline_and_the_byline_beside_the_real_one_is_read():
    """The first <h1> holds the logo's image only; the article's root is then the one around
    the real headline, not a teaser card before it."""
    body = ('<div class="top"><a href="/"><h1> </h1></a></div><article class="table"><a href="/b/2">'
            'Ein anderer Artikel</a></article><article><header><div><h1>Freie Fahrt für Pflegekräfte</h1>'
            '</div></header><div class="meta"><div><a href="/about/editors/jon-fingas/">Jon Fingas</a></div>'
            '<div>vor 1 Std.</div></div>' + ARTICLE.format("", "").removeprefix("<article><h1></h1>"))
    got = _foreign(body)
    assert (got["title"], got["authors"]) == ("Freie Fahrt für Pflegekräfte", ["Jon Fingas"])


def test_of_several_h1s_the_one_the_title_names_is_the_headline():
    """A menu's <h1>SERVICE</h1> comes first; the byline beside the headline og:title names is
    read (an <aside> of a few words beside the headline is its meta)."""
    body = ('<nav><h1>SERVICE</h1><a href="/autor/x">Walter Otte</a></nav><article><header><h1>Sie wissen nicht, '
            'was sie tun</h1></header><aside class="meta"><p>Von:<br><i><a class="author-name" href="/autor/m">'
            'Moritz Pieczewski-Freimuth</a></i></p></aside>' + ARTICLE.format("", "").removeprefix("<article><h1></h1>"))
    got = _foreign(body, '<meta property="og:title" content="Sie wissen nicht, was sie tun">')
    assert got["authors"] == ["Moritz Pieczewski-Freimuth"]


def test_a_german_byline_and_date_beside_the_headline():
    byline = '<div class="teaser-small__metadata"><p class="byline__author"> VON <a href="/autoren/g">' \
             'MORITZ GATHMANN</a> am 21. April 2020 </p></div>'
    got = _foreign(ARTICLE.format("Es kommt darauf an", byline))
    assert got["authors"] == ["Moritz Gathmann"]
    assert got["published"] == datetime(2020, 4, 21, tzinfo=UTC)
    # a lower-case "von" of its own, then the name: "<span>von</span> <a>Arian Schlichenmayer</a>"
    byline = '<div class="single-post--header_author"><span>von</span> <a href="/creator/a">Arian Schlichenmayer</a></div>'
    assert _foreign(ARTICLE.format("Sportzentrum erweitert", byline))["authors"] == ["Arian Schlichenmayer"]
    # the same beside a headline that no <article> holds (the page's only one is a side column's)
    side = "<article class='side-scroll-item'><p>Mehr Projekte aus Beton</p></article>"
    header = f"<div><div><h1>Sportzentrum erweitert</h1></div>{byline}</div>"
    text = "<div>" + "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8 + "</div>"
    assert _foreign(header + text + side)["authors"] == ["Arian Schlichenmayer"]


def test_a_title_ends_where_its_part_naming_the_site_begins():
    head = "<title>t</title>"
    html = (f"<html><head>{head}<meta property='og:title' content='Bielersee-Winterhechte | petri-heil.ch | "
            "Dein Schweizer Fischereimagazin'></head><body><p>Der Absatz erzählt, was geschah.</p></body></html>")
    p = Page("https://www.petri-heil.ch/de/x", html, SiteRules("https://www.petri-heil.ch"), ExtractConfig())
    assert MetaLayer().title(p) == "Bielersee-Winterhechte"
    # parts that do not name the site stay: "Kind krank: Was Arbeitgeber wissen müssen - Teil 2 - Recht"
    assert p.strip_site_name("Kind krank - Teil 2 - Recht") == "Kind krank - Teil 2 - Recht"


def test_a_listings_author_class_is_no_byline_of_the_article():
    cards = "".join(f'<div class="card"><a href="/a/{i}">Story {i}</a><span class="card-author">{name}</span></div>'
                    for i, name in enumerate(("Jane Roe", "John Doe", "Max Muster")))
    body = ARTICLE.format("Ohne Autor", "") + f'<section class="more">{cards}</section>'
    assert _foreign(body)["authors"] == []
    got = _foreign(ARTICLE.format("Mit Autor", '<div class="single-post--header_author">Arian Schlichenmayer</div>'))
    assert got["authors"] == ["Arian Schlichenmayer"]
    # no <article> or <main>: beside the headline is within the block that holds it (MSN's, four deep)
    para = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8
    got = _foreign(f'<div><div class="articlecontent"><h1>Traurige Filme</h1><div><div><span><span class="authorname-txt">'
                   f'Lizette Borreli</span></span></div></div><div class="richtext">{para}</div></div></div>')
    assert got["authors"] == ["Lizette Borreli"]


def test_a_header_that_shows_only_an_update_gives_that_date():
    """"Updated: Dec 15, 2016 2:57 PM UTC" and no other date: the page's only date; with a
    date before it, that one is the publication's."""
    only = _foreign(ARTICLE.format("Alexa-Geräte", "<div><span>Updated: Dec 15, 2016 2:57 PM UTC</span></div>"))
    assert only["published"] == datetime(2016, 12, 15, 14, 57, tzinfo=UTC)
    both = _foreign(ARTICLE.format("Alexa-Geräte", "<div>Dec 14, 2016 9:00 AM UTC. Updated: Dec 15, 2016 2:57 PM UTC</div>"))
    assert both["published"] == datetime(2016, 12, 14, 9, 0, tzinfo=UTC)


def test_dublin_core_and_parsely_dates():
    for name in ("dc.date.issued", "parsely-pub-date", "DCTERMS.created"):
        got = _foreign(ARTICLE.format("Datiert", ""), f'<meta name="{name}" content="2022-02-04T13:10:00+01:00">')
        assert got["published"] == datetime(2022, 2, 4, 12, 10, tzinfo=UTC), name


def _credited(head: str, byline: str = "") -> tuple:
    html = (f"<html><head><title>Story - CNN</title><meta property='og:site_name' content='CNN'>{head}</head>"
            f"<body>{ARTICLE.format('Rates hold steady', byline)}</body></html>")
    a = ArticleParser(SiteRules("https://edition.cnn.com")).parse("https://edition.cnn.com/2024/a", html)
    return a.authors, a.source, a.extraction.get("source")


def test_a_page_crediting_only_the_publication_names_it_the_source():
    org = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates hold steady", '
           '"author": {"@type": "Organization", "name": "CNN"}}</script>')
    assert _credited(org) == ([], "CNN", "jsonld")
    assert _credited('<meta name="author" content="CNN">') == ([], "CNN", "meta")
    # a person credited anywhere: the publication is no source
    assert _credited(org, '<p class="byline">By Jane Doe</p>')[:2] == (["Jane Doe"], None)
    # nobody credited: no source either
    assert _credited("") == ([], None, None)


def test_a_byline_at_the_foot_of_the_body_when_none_is_at_its_top():
    text = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8
    signed = _foreign(f"<article><h1>München verliert</h1>{text}<p><b><i>Stefan Wasmer</i></b></p></article>")
    assert signed["authors"] == ["Stefan Wasmer"] and signed["layers"]["authors"] == "semantic"
    labelled = _foreign(f"<article><h1>Kein Wohngeld</h1>{text}<p>Von Cosima Künzel</p></article>")
    assert labelled["authors"] == ["Cosima Künzel"]
    # two capitalised words alone, not set apart as a signature is: a German heading, no name
    assert _foreign(f"<article><h1>Kein Wohngeld</h1>{text}<p>Weitere Informationen</p></article>")["authors"] == []
    # juraforum.de: the label alone on its line, the name on the lines after it (the body as the
    # generic layer reads "Autor: <a>Rechtsanwalt</a> Sebastian Einbock" there)
    page = Page(FOREIGN + "/a/1", "<html><body><h1>Kein Wohngeld</h1></body></html>", SiteRules(FOREIGN), ExtractConfig())
    body = "Der Absatz erzählt, was geschah.\n\nQuelle: juragentur.de\n\nAutor:\n\nRechtsanwalt\n\nSebastian Einbock"
    assert foot_byline(page, body) == ["Sebastian Einbock"]
    assert foot_byline(page, body.replace("Autor:\n\n", "")) == []


def test_the_copyright_holder_is_the_publication_not_an_author():
    base = "https://www.example-wired.test"
    body = "<p>" + "The probe ends its mission by flying into the comet it has followed for two years. " * 6 + "</p>"
    head = ('<title>An Ode to Rosetta</title><meta name="author" content="Cond&eacute; Nast">'
            '<meta name="copyright" content="Copyright (c) Cond&eacute; Nast 2022">')
    html = (f"<html><head>{head}</head><body><article><h1>An Ode to Rosetta</h1><p class='byline'>By "
            f"<a href='/author/emma'>Emma Grey Ellis</a> and Cond&eacute; Nast</p>{body}{body}</article></body></html>")
    assert ArticleParser(SiteRules(base)).parse(base + "/ode-to-rosetta", html).authors == ["Emma Grey Ellis"]


def test_the_dublin_core_publisher_is_no_author_and_text_and_photos_credit_one_writer():
    """petri-heil.ch: its CMS puts the publisher's name in the author <meta> ("Auto Illustrierte",
    as DC.publisher says); the page shows "Text & Fotos: Ivan Valetny", one person credited twice."""
    head = '<meta name="author" content="Auto Illustrierte"><meta name="DC.publisher" content="Auto Illustrierte">'
    shown = '<table><tr><td>26 | 01 | 2022</td><td class="authorbold"><b>Text &amp; Fotos:</b> Ivan Valetny</td></tr></table>'
    assert _foreign(ARTICLE.format("Bielersee-Winterhechte", shown), head)["authors"] == ["Ivan Valetny"]
    assert _foreign(ARTICLE.format("Bielersee-Winterhechte", ""), head)["authors"] == []


def test_a_date_line_just_above_the_headline_gives_the_date_and_the_byline():
    """TYPO3's news pages show "05.02.2020 - Redaktion: Eberhard Fuhr (Pressesprecher des EJW)"
    above the sharing links and the <h1>; the page's <meta name="date"> is a later edit's."""
    line = '<div class="news-single-timedata">05.02.2020 <span>-&nbsp;Redaktion: Eberhard Fuhr (Pressesprecher)</span></div>'
    share = '<div class="b_sharinglinks"><a href="https://www.facebook.com/sharer.php">f</a></div>'
    text = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8
    html = f"<div class='news-single-item'>{line}{share}<h1>Faire Lieferketten</h1>{text}</div>"
    got = _foreign(html, '<meta name="date" content="2020-02-12">')
    assert got["authors"] == ["Eberhard Fuhr"] and got["published"].date().isoformat() == "2020-02-05"
    undated = _foreign(html.replace("05.02.2020 ", ""), '<meta name="date" content="2020-02-12">')
    assert undated["authors"] == [] and undated["published"].date().isoformat() == "2020-02-12"


def test_a_name_set_apart_after_the_date_line_above_the_headline_is_the_byline():
    """pferd-aktuell.de: <small>04.02.2022 | 13:10 Uhr | Uta Helkenberg</small> over the <h1>. A
    section's one word in the same place ("Zucht") names no one."""
    text = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8
    page = "<div><small>04.02.2022 | 13:10 Uhr | {}</small><h1>Stellungnahme zum Pilotjahr</h1>" + text + "</div>"
    got = _foreign(page.format("Uta Helkenberg"))
    assert got["authors"] == ["Uta Helkenberg"] and got["published"].date().isoformat() == "2022-02-04"
    assert _foreign(page.format("Zucht"))["authors"] == []
    dashed = page.replace("04.02.2022 | 13:10 Uhr | {}", "25.10.2022 - Reiner Nagel")  # urania.de (Drupal views)
    assert _foreign(dashed)["authors"] == ["Reiner Nagel"]


def _title(base: str, path: str, html: str) -> str | None:
    return ArticleParser(SiteRules(base)).parse(base + path, html).title


def test_the_feed_title_names_the_site_after_a_title():
    """WordPress titles its feed "<site> » Feed": that names the site, so the <title>'s part after
    it is no headline's, though no other name says so."""
    base = "https://www.example-library.test"
    body = "<p>" + "Nach dem Umzug auf den neuen Server beginnt dieses Blog noch einmal von vorn. " * 6 + "</p>"
    feed = '<link rel="alternate" type="application/rss+xml" title="Bibliothek 2.0 und mehr &raquo; Feed" href="/feed/">'
    html = (f"<html><head><title>Alles Neue | Bibliothek 2.0 und mehr</title>{feed}</head>"
            f"<body><div class='post'>{body}{body}</div></body></html>")
    assert _title(base, "/alles-neue", html) == "Alles Neue"
    older = html.replace("Bibliothek 2.0 und mehr &raquo; Feed", "Bibliothek 2.0 und mehr RSS Feed")  # older themes
    assert _title(base, "/alles-neue", older) == "Alles Neue"
    unnamed = html.replace(feed, "")
    assert _title(base, "/alles-neue", unnamed) == "Alles Neue | Bibliothek 2.0 und mehr"


def test_the_translate_widgets_pop_up_heading_is_no_headline():
    """A page rendered with Google's website translator carries its pop-up, headed by an <h1>
    "Original text": the headline is the page's own."""
    base = "https://www.example-cert.test"
    body = "<p>" + "A flaw in the cable modem's SNMP service lets a remote attacker read its passwords. " * 6 + "</p>"
    popup = ('<div id="goog-gt-tt" class="skiptranslate"><div class="top"><h1 class="title gray">Original text</h1>'
             '</div></div>')
    html = (f"<html><head><title>Modem passwords exposed</title></head><body><div class='post'>"
            f"<h2>Modem passwords exposed over SNMP</h2>{body}</div>{popup}</body></html>")
    assert _title(base, "/jvndb-1", html) == "Modem passwords exposed over SNMP"  # its <h2>, the tab names it
    assert _title(base, "/jvndb-1", html.replace("<h2>Modem passwords exposed over SNMP</h2>", "")) == \
        "Modem passwords exposed"


def test_the_one_h1_beats_a_social_variant_of_the_same_story():
    """og:title words the story for sharing ("Flächenverbrauch für Fleisch, Milch und Eier"); the
    page's one <h1> is the headline a reader sees. An <h1> that names a section ("Literatur") or
    another subject, or is too short for a headline, is no variant: og:title stays."""
    og = '<meta property="og:title" content="Flächenverbrauch für Fleisch, Milch und Eier">'
    shown = "Flächenverbrauch für Fleisch – Warum wir ohne Tierprodukte nur 1/4 aller Ackerflächen bräuchten"
    assert _foreign(ARTICLE.format(shown, ""), og)["title"] == shown
    assert _foreign(ARTICLE.format("Literatur", ""), og)["title"] == "Flächenverbrauch für Fleisch, Milch und Eier"
    other = "Betriebliche Altersvorsorge im Vergleich der Anbieter"
    assert _foreign(ARTICLE.format(other, ""), og)["title"] == "Flächenverbrauch für Fleisch, Milch und Eier"


def test_microdata_content_on_any_element_is_read():
    """O'Reilly Japan shows "2019年04月" and gives the day in its microdata:
    <dd itemprop="datePublished" content="2019-04-26">."""
    body = ARTICLE.format("Head First はじめてのプログラミング",
                          '<dl><dt>発行年月日</dt><dd itemprop="datePublished" content="2019-04-26">2019年04月</dd></dl>')
    assert _foreign(body)["published"] == datetime(2019, 4, 26, tzinfo=timezone.utc)


def test_a_date_line_that_goes_on_with_a_byline():
    """vipflash.de's header shows "06.11.2023 13:30 von Olga": the byline after the date."""
    shown = ARTICLE.format("Ehe-Zoff der Pochers eskaliert", "<div>Stars (1 / 1)</div><div>06.11.2023 13:30 von Olga</div>")
    assert _foreign(shown)["authors"] == ["Olga"]
    assert _foreign(ARTICLE.format("Ehe-Zoff der Pochers eskaliert", "<div>06.11.2023 13:30</div>"))["authors"] == []


def test_a_permalink_that_holds_the_day_dates_the_page():
    """WordPress's /2019/10/22/slug/ is the day the post was published: it stands when no layer
    dates the page, or when the date read is days away (limespace.de's 2009 from elsewhere)."""
    def published(path: str, shown: str) -> datetime | None:
        html = f"<html><head><title>Entlöten</title></head><body>{ARTICLE.format('Professionell entlöten', shown)}</body></html>"
        return ArticleParser(SiteRules(FOREIGN)).parse(FOREIGN + path, html).published_at
    assert published("/2019/10/22/entloeten/", "") == datetime(2019, 10, 22, tzinfo=timezone.utc)
    assert published("/2019/10/22/entloeten/", "<p>11. April 2009</p>") == datetime(2019, 10, 22, tzinfo=timezone.utc)
    # the day read agrees (a time zone apart at most): its time stays
    assert published("/2019/10/22/entloeten/", "<time datetime='2019-10-22T18:06:00+02:00'>22.10.2019</time>") == \
        datetime(2019, 10, 22, 16, 6, tzinfo=timezone.utc)
    assert published("/a/entloeten/", "") is None
    assert published("/2099/10/22/festival/", "") is None  # a day ahead is an event's, not the post's


def test_a_page_without_an_h1_has_its_headline_in_the_h2_its_title_names():
    """alacarte.at (TYPO3): no <h1>; the headline is an <h2> the social title names with the
    issue's number, and the byline under it reads from there. A heading naming only part of
    the title ("Open Journalism Project:") is not the headline."""
    text = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt.</p>" * 8
    body = ("<div><h2>Reisen</h2><h2>Der historische Purzelbaum</h2>"
            "<p><em>Text von Christian Seiler  Illustration von Markus Roost</em></p>" + text + "</div>")
    got = _foreign(body, '<meta property="og:title" content="Der historische Purzelbaum (2021/5)">')
    assert got["title"] == "Der historische Purzelbaum" and got["authors"] == ["Christian Seiler"]
    part = _foreign("<div><h2>Open Journalism Project:</h2>" + text + "</div>",
                    '<meta property="og:title" content="The Open Journalism Project: Better Student Journalism">')
    assert part["title"] == "The Open Journalism Project: Better Student Journalism"


def test_a_date_alone_just_above_the_headline_beats_a_date_in_the_text_under_it():
    """El Sol de Mazatlán (OEM): the section's link, then "<p class="published-date">/ martes 17
    de marzo de 2020</p>", then the <h1>; the body's first lines name an older day."""
    text = "<p>El barril cerró en su cotización más baja desde el 6 de marzo de 2002, un mínimo de 18 años.</p>" * 6
    top = "<div><div class='breadcrumb'><a href='/finanzas/'>Finanzas</a></div><p class='published-date'>/ martes 17 de marzo de 2020</p></div>"
    got = _foreign(f"<article>{top}<h1>Precio del petróleo mexicano cae</h1>{text}</article>")
    assert got["published"].date().isoformat() == "2020-03-17"


def test_a_photos_caption_under_the_headline_gives_no_date():
    """A wire photo's caption names the day it was taken ("..., France, January 16, 2020.
    REUTERS"); the date line after it is the article's."""
    base = "https://www.example-wire.test"
    body = "<p>" + "Protesters tried to force their way into a theater in Paris where the president was. " * 6 + "</p>"
    html = ("<html><head><title>Protesters gather</title></head><body><article><h1>Protesters gather</h1>"
            "<figure><img src='/p.jpg'><figcaption>FILE PHOTO: The president near Orleans, France, January 16, "
            f"2020. REUTERS</figcaption></figure><p>January 18, 2020</p>{body}</article></body></html>")
    article = ArticleParser(SiteRules(base)).parse(base + "/protesters", html)
    assert article.published_at.date().isoformat() == "2020-01-18"


def test_a_whole_byline_under_the_headline_is_read_without_the_paragraph_after_it():
    """"Posted by Jane Smith" alone on its line, then the body: the name, not the name and
    the first sentence. A teaser of another story in an <aside> gives no byline ("Par Laurence
    Defranoux" under its own title)."""
    base = "https://www.example-blog.test"
    body = "<p>" + "The council voted on the plan after a long debate about the costs and the schedule. " * 6 + "</p>"
    def authors(meta: str, after: str = "") -> list[str]:
        html = (f"<html><head><title>Council votes</title></head><body><div class='post'><h1>Council votes</h1>"
                f"{meta}{after}{body}</div></body></html>")
        return ArticleParser(SiteRules(base)).parse(base + "/council-votes", html).authors
    assert authors("<div class='meta'>Posted by Jane Smith</div>") == ["Jane Smith"]
    teaser = "<aside><ul><li><a href='/other'><h2>Another story</h2></a><span>Par<span> Laurence Defranoux</span></span></li></ul></aside>"
    assert authors("", teaser) == []


def test_a_sections_name_between_the_story_and_the_sites_goes_with_the_sites():
    """"Story - News - Riverside Courier", "Story | Local News | riverside-courier.test": the
    section's one or two words before the site's name are no part of the headline; a title's own
    last words after a dash stay when no site's name follows them."""
    base = "https://www.riverside-courier.test"
    story = "Council approves the new bridge plan"
    def title(og: str) -> str:
        html = (f"<html><head><title>x</title><meta property='og:title' content='{og}'><meta property='og:site_name' "
                f"content='Riverside Courier'></head><body><div class='post'><p>" +
                "The council voted on the plan after a long debate. " * 8 + "</p></div></body></html>")
        return ArticleParser(SiteRules(base)).parse(base + "/council-bridge", html).title
    assert title(f"{story} - News - Riverside Courier") == story
    assert title(f"{story} | Local News | riverside-courier.test") == story
    assert title(f"{story} - Live") == f"{story} - Live"


def test_the_published_time_element_beats_an_updated_one_before_it():
    """WordPress themes write <time class="updated"> next to <time class="entry-date published">,
    in either order; a theme's only <time> may say "updated" and is the post's date then."""
    base = "https://www.example-blog.test"
    body = "<p>" + "The council voted on the plan after a long debate about the costs and the schedule. " * 6 + "</p>"
    updated = "<time class='updated' datetime='2020-04-02T10:00:00+00:00'>April 2</time>"
    published = "<time class='entry-date published' datetime='2020-03-17T10:00:00+00:00'>March 17, 2020</time>"
    def day(times: str) -> str:
        html = (f"<html><head><title>Council votes</title></head><body><article><h1>Council votes</h1>{times}{body}"
                "</article></body></html>")
        return ArticleParser(SiteRules(base)).parse(base + "/council-votes", html).published_at.date().isoformat()
    assert day(updated + published) == "2020-03-17"
    assert day(updated) == "2020-04-02"


def test_a_headline_in_an_h3_or_a_title_class_when_no_h1_and_a_date_before_its_element():
    """btv.de: "<span class="textbox__box-date">03.02.2022</span>" then a <div> holding only the
    <h3> the title names, the body naming a later day; an old CMS's "<div class="article-title">"
    with its date line under it: the lines around either are read as a headline's."""
    text = "<p>Der Absatz erzählt, was geschah, und erklärt warum es zählt, am 11.02.2022 wieder.</p>" * 8
    box = ("<div class='textbox__box'><span class='textbox__box-date'>03.02.2022</span><div class='c-text'>"
           "<h3 class='text__subheadline'>Auf den Spuren von Rafael Nadal</h3></div></div>")
    got = _foreign(box + text, '<meta property="og:title" content="Auf den Spuren von Rafael Nadal">')
    assert got["published"].date().isoformat() == "2022-02-03"
    old = ("<div class='article-title'>Neue Brücke für die Stadt beschlossen</div>"
           "<div>04.02.2022 | 13:10 Uhr | Uta Helkenberg</div>" + text)
    assert _foreign(old, '<meta property="og:title" content="Neue Brücke für die Stadt beschlossen">')["authors"] == \
        ["Uta Helkenberg"]
