"""newscrawl.extract.listing: listing cards, home links, sitemaps, feeds and robots.txt."""
from datetime import timezone
from pathlib import Path

from newscrawl.extract.listing import read_feed, read_listing, read_robots, read_sitemap
from newscrawl.site.rules import SiteRules

HTML = Path(__file__).parent / "html"
BASE = "http://www.example-mirror.test"
UTC = timezone.utc
LIVE = SiteRules()


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


def test_load_more_controls_and_adjacent_article_links():
    from parsel import Selector

    from newscrawl.extract.listing import adjacent_articles, has_load_more
    assert has_load_more(Selector(text="<button>Load more stories</button>"))
    assert has_load_more(Selector(text="<a role='button' href='#'>See more</a>"))
    assert not has_load_more(Selector(text="<button>Subscribe</button><a href='/more'>Load more</a>"))
    rules = SiteRules(BASE)
    page = Selector(text="<a rel='prev' href='/older-story/'>x</a><a href='/newer-story'>Next article</a>"
                         "<a href='https://elsewhere.test/x'>Next</a><a href='/about'>About</a>")
    assert adjacent_articles(page, BASE + "/a-story", rules) == [BASE + "/older-story", BASE + "/newer-story"]


def test_a_malformed_link_costs_that_link_only():
    """#32's case: `<a href="http://[bad">` on a category page made the whole page's reading
    raise (Invalid IPv6 URL): none of its article links were followed."""
    rules = SiteRules("http://127.0.0.1:8000")
    html = ('<main><a href="http://[bad">broken</a><a href="/some-article-one">one</a>'
            '<a href="//[::1">also broken</a><a href="/category/finance/">finance</a>'
            '<a href="/another-article-two">two</a><a rel="next" href="http://[bad/page/2/">next</a></main>')
    listing = read_listing("http://127.0.0.1:8000/category/finance/", html, rules)
    assert [a.url for a in listing.articles] == ["http://127.0.0.1:8000/some-article-one",
                                                 "http://127.0.0.1:8000/another-article-two"]
    assert listing.malformed == 3 and listing.categories == ["http://127.0.0.1:8000/category/finance/"]
    assert listing.next_url is None
    assert rules.classify("http://[bad") == (None, None)


# ---- hostile input (#32): a malformed value costs that value only --------------------------
from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .hostile import attr, nasty_text  # noqa: E402

GOOD = ["/some-article-one", "/another-article-two", "/a-third-story-here"]


@given(st.lists(nasty_text, max_size=6))
@example(["http://[bad", "//[::1"])
def test_a_listing_keeps_its_good_links_whatever_else_it_holds(hostile):
    rules = SiteRules("http://127.0.0.1:8000")
    anchors = [f'<a href="{attr(h)}">{attr(h[:20])}</a>' for h in hostile] + [f'<a href="{g}">x</a>' for g in GOOD]
    html = f'<main>{"".join(anchors)}<a rel="next" href="{attr(hostile[0] if hostile else "")}">n</a></main>'
    listing = read_listing("http://127.0.0.1:8000/category/finance/", html, rules)
    assert {"http://127.0.0.1:8000" + g for g in GOOD} <= {a.url for a in listing.articles}


def sitemap(entries: list[tuple[str, str]]) -> bytes:
    urls = "".join(f"<url><loc>{attr(loc)}</loc><lastmod>{attr(mod)}</lastmod></url>" for loc, mod in entries)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


@given(nasty_text, nasty_text)
@example("http://[bad", "2026-13-45T25:61:61+99:99")
def test_a_sitemap_entry_with_a_bad_location_or_date_costs_that_entry_only(loc, lastmod):
    good = [(f"{BASE}/story-{i}", "2026-11-0{i}T10:00:00Z".replace("0{i}", f"0{i}")) for i in range(1, 4)]
    _, links = read_sitemap(sitemap([good[0], (loc, lastmod), *good[1:]]))
    assert [g[0] for g in good] == [link.url for link in links if link.url in dict(good)]


@given(nasty_text, nasty_text)
def test_a_feed_item_with_a_bad_link_or_date_costs_that_item_only(link, when):
    items = "".join(f"<item><link>{BASE}/story-{i}</link><pubDate>Mon, 0{i} Nov 2026 10:00:00 GMT</pubDate></item>"
                    for i in range(1, 3))
    bad = f"<item><link>{attr(link)}</link><pubDate>{attr(when)}</pubDate></item>"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel>{bad}{items}</channel></rss>'.encode()
    links = read_feed(body)
    assert [f"{BASE}/story-1", f"{BASE}/story-2"] == [x.url for x in links if x.url.startswith(f"{BASE}/story-")]


@given(st.lists(nasty_text, max_size=8))
@example(["Sitemap: http://[bad", "# feed at http://[bad/feed/"])
def test_robots_txt_keeps_its_good_sitemaps_whatever_else_it_says(lines):
    text = "\n".join([*lines, f"Sitemap: {BASE}/sitemap.xml", *lines])
    sitemaps, feeds = read_robots(text, BASE)
    assert f"{BASE}/sitemap.xml" in sitemaps


def test_the_replica_pager_is_wordpress_s_and_a_page_s_size_does_not_grow_with_its_category():
    """#31: a pager listing every page number made a listing page's size (and cost) grow with
    its category; the replica's default is WordPress's paginate_links; every number is a fault."""
    from newscrawl.replica import ReplicaSite, build_articles
    from newscrawl.replica.pages import pager_numbers
    assert pager_numbers(1, 1) == [1]
    assert pager_numbers(1, 40) == [1, 2, 3, None, 40]
    assert pager_numbers(7, 40) == [1, None, 5, 6, 7, 8, 9, None, 40]
    assert pager_numbers(39, 40) == [1, None, 37, 38, 39, 40]
    assert pager_numbers(3, 5, every=True) == [1, 2, 3, 4, 5]
    base = "https://www.globalbankingandfinance.com"
    small, big = ReplicaSite(build_articles(500)), ReplicaSite(build_articles(20_000))
    sizes = [len(s.handle("/category/finance/page/3/", base).body) for s in (small, big)]
    assert sizes[1] < sizes[0] * 1.05, sizes
    big.every_page_number = True
    assert len(big.handle("/category/finance/page/3/", base).body) > 3 * sizes[0]  # the fault


def test_every_page_of_a_category_is_reached_through_either_pager(tmp_path):
    """The crawl pages categories through WordPress's pager and through the every-number
    fault alike: every article stored, the categories' deep pages fetched."""
    import re

    from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles, expected_articles

    from .inprocess import crawl
    for every in (False, True):
        site = ReplicaSite(build_articles(400))
        site.every_page_number = every
        with ReplicaServer(site) as server:
            crawler = crawl({"NEWSCRAWL_DATA_DIR": str(tmp_path / f"data-{every}"), "MONGO_URI": None},
                            base_url=server.base_url)
            stats = crawler.stats.get_stats()
            pages = [int(m.group(1)) for r in site.requests if (m := re.search(r"/page/(\d+)/|[?&]page=(\d+)", r.path))
                     and m.group(1)]
        assert stats.get("newscrawl/store/new") == len(expected_articles(site, server.base_url)), (every, stats)
        assert max(pages) >= 6, (every, sorted(set(pages)))  # past what the first page's pager shows
