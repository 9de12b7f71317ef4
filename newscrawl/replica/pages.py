"""HTML, XML and text of the replica's pages, in the shapes the live portal shows.

Class names are deliberately random-looking (like a Next.js build's); the parsers must not
need them. Legacy pages use the old WordPress theme's ids and classes, as the live archive
once did.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote

from newscrawl.replica.content import CATEGORIES, NAV, ReplicaArticle

SITE_NAME = "Global Banking & Finance Review"
NEWSLETTER = ("Why waste money on news and opinion when you can access them for free?",
              "Take advantage of our newsletter subscription and stay informed on the go!")


def esc(text) -> str:
    return escape(str(text), quote=True)


def day(d: datetime) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def tag_slug(name: str) -> str:
    return "-".join(name.lower().split())


def image_src(a: ReplicaArticle) -> str:
    url = (a.image or {})["url"]
    return f"/_next/image?url={quote(url, safe='')}&w=1200&q=75" if a.next_image else url


def cat_crumbs(path: str) -> list[tuple[str, str]]:
    parts = path.split("/")
    return [(CATEGORIES["/".join(parts[:i + 1])], "/category/" + "/".join(parts[:i + 1]) + "/")
            for i in range(len(parts))]


def header() -> str:
    links = "".join(f'<li><a class="n_{i}x" href="/category/{c}/">{esc(CATEGORIES[c])}</a></li>'
                    for i, c in enumerate(NAV))
    return (
        '<header class="h_8fk2"><form class="s_1a" action="/search"><input name="q" '
        'placeholder="Search"><button>Search</button></form>'
        f'<a class="lg_3" href="/"><img src="/logo.svg" alt="{esc(SITE_NAME)}"></a>'
        '<nav class="nv_9d" aria-label="Main"><ul>'
        '<li><a href="/">Top Stories</a></li>'
        '<li><a href="/interviews/">Interviews</a></li>' + links +
        '<li><a href="/awards/">Awards</a></li><li><a href="/magazines/">Magazines</a></li>'
        '</ul></nav></header>')


def footer() -> str:
    company = ["About Us", "Profile", "Privacy & Cookie Policy", "Terms of Use", "Contact Us",
               "Advertising", "Submit Post", "Latest News", "Research Reports", "Press Release"]
    links = "".join(f'<li><a href="/{tag_slug(c.replace("&", "").replace("  ", " "))}/">{esc(c)}</a></li>'
                    for c in company)
    return (
        '<footer class="f_2kq"><div><h4>Company</h4><ul>' + links + '</ul></div>'
        '<div><h4>Awards</h4><ul><li><a href="/awards/banking-awards-2026/">Banking Awards 2026</a>'
        '</li></ul></div><div><h4>Magazine</h4><ul><li><a href="/magazine/issue-winter-2025/">'
        'Winter 2025 issue</a></li></ul></div>'
        '<p>© 2010-2026 GBAF Publications Ltd</p>'
        '<p class="d_7">Editorial &amp; Advertiser disclosure: our editorial team keeps opinions '
        'independent of advertisers; some links on this site may earn us a commission.</p>'
        '</footer>')


def page(title: str, head: str, body: str, lang: str = "en-GB") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title>{head}</head><body>{body}</body></html>')


# ---- article pages ------------------------------------------------------------------

def _optional_jsonld(a: ReplicaArticle) -> dict[str, object]:
    art: dict[str, object] = {}
    if a.updated:
        art["dateModified"] = a.updated.isoformat()
    if a.summary:
        art["description"] = a.summary
    if a.read_time:
        art["timeRequired"] = f"PT{a.read_time}M"
    if a.image:
        img: dict[str, object] = {"@type": "ImageObject", "url": image_src(a) if a.next_image else a.image["url"],
                                  "width": 1200, "height": 800}
        if a.image.get("caption"):
            img["caption"] = a.image["caption"]
        art["image"] = img
    return art


def jsonld(a: ReplicaArticle, base: str, related: list[ReplicaArticle]) -> str:
    url = f"{base}/{a.slug}" + ("/" if a.slash_url else "")
    if a.wire:
        author = [{"@type": "Organization", "name": a.source}]
    else:
        author = [{"@type": "Organization" if n.endswith(" Desk") else "Person", "name": n}
                  for n in a.authors] or \
                 [{"@type": "Organization", "name": SITE_NAME}]
    art: dict[str, object] = {
        "@type": "NewsArticle", "@id": url + "#article", "headline": a.title, "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": a.published.isoformat(),
        "author": author if len(author) > 1 else author[0],
        "publisher": {"@type": "Organization", "name": SITE_NAME,
                      "logo": {"@type": "ImageObject", "url": base + "/logo.svg"}},
        "articleSection": CATEGORIES[a.category], "keywords": ", ".join(a.tags),
        "inLanguage": "en-GB",
    }
    art.update(_optional_jsonld(a))
    crumbs = [("Home", base + "/")] + [(n, base + p) for n, p in cat_crumbs(a.category)] + [(a.title, url)]
    graph = [art, {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "name": n, "item": u}
        for i, (n, u) in enumerate(crumbs)]}]
    if a.faq:
        graph.append({"@type": "FAQPage", "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": f"<p>{esc(ans)}</p>"}}
            for q, ans in a.faq]})
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    data = data.replace("</", "<\\/")
    return f'<script type="application/ld+json">{data}</script>'


def meta_tags(a: ReplicaArticle, base: str) -> str:
    url = f"{base}/{a.slug}"
    tags = [
        f'<link rel="canonical" href="{esc(url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{esc(SITE_NAME)}">',
        f'<meta property="og:title" content="{esc(a.title)} - {esc(SITE_NAME)}">',
        f'<meta property="og:url" content="{esc(url)}">',
        '<meta property="og:locale" content="en_GB">',
        f'<meta property="article:published_time" content="{a.published.isoformat()}">',
        f'<meta property="article:section" content="{esc(CATEGORIES[a.category])}">',
    ]
    if a.updated:
        tags.append(f'<meta property="article:modified_time" content="{a.updated.isoformat()}">')
    if a.summary:
        tags.append(f'<meta name="description" content="{esc(a.summary)}">')
        tags.append(f'<meta property="og:description" content="{esc(a.summary)}">')
    tags += [f'<meta property="article:tag" content="{esc(t)}">' for t in a.tags]
    if a.wire:
        tags.append(f'<meta name="author" content="{esc(a.source)}">')
    elif a.authors:
        tags.append(f'<meta name="author" content="{esc(", ".join(a.authors))}">')
    if a.image:
        tags.append(f'<meta property="og:image" content="{esc(base + image_src(a) if a.next_image else a.image["url"])}">')
        tags.append(f'<meta property="og:image:alt" content="{esc(a.image["alt"])}">')
    return "".join(tags)


def _body_blocks(a: ReplicaArticle) -> str:
    out = []
    byline_done = a.byline is None
    for _i, (kind, text) in enumerate(a.blocks):
        if not byline_done and kind != "h2":
            out.append(f'<p class="by_2v">{esc(a.byline)}</p>')
            byline_done = True
        if kind == "h2":
            out.append(f"<h2>{esc(text)}</h2>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{esc(text)}</p></blockquote>")
        else:
            out.append(f"<p>{esc(text)}</p>")
    return "".join(out)


def accordion(a: ReplicaArticle) -> bool:
    """Some pages without JSON-LD show their FAQ as an accordion (a stable choice per slug)."""
    return a.kind == "labels" and sum(a.slug.encode()) % 2 == 0


def article_page(a: ReplicaArticle, base: str, related: list[ReplicaArticle],
                 prev: ReplicaArticle | None, nxt: ReplicaArticle | None) -> str:
    if a.kind == "legacy":
        return legacy_page(a, base, related)
    if a.kind == "bare":
        return bare_page(a)
    flat = a.kind == "labels"
    head = ""
    if a.kind == "modern":
        head = meta_tags(a, base) + jsonld(a, base, related)
    elif a.kind == "meta":
        head = meta_tags(a, base)
    parts = _article_top(a, flat) + _article_rest(a, flat, related, prev, nxt)
    main = f'<main class="m_3k"><article class="a_9f">{"".join(parts)}</article></main>'
    # Today's portal is a Next.js app: its markup sits in the framework's root element.
    return page(f"{a.title} - {SITE_NAME}", head, '<div id="__next">' + header() + main + footer() + "</div>")


def _section(flat: bool, label_html: str, inner: str, tag: str = "section") -> str:
    return label_html + inner if flat else f'<{tag} class="s_{len(inner) % 97}">{label_html}{inner}</{tag}>'


def _article_top(a: ReplicaArticle, flat: bool) -> list[str]:
    """Breadcrumbs, category, headline, dates, hero image, newsletter box and tags."""
    crumbs = "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for n, p in [("Home", "/")] + cat_crumbs(a.category))
    parts = [f'<nav class="bc_2a" aria-label="Breadcrumb"><ol>{crumbs}<li><span>{esc(a.title)}</span></li></ol></nav>',
             f'<a class="ct_7q" href="/category/{a.category}/">{esc(CATEGORIES[a.category])}</a>',
             f'<h1 class="t_1x">{esc(a.title)}</h1>',
             f'<div class="pb_4r">Published by {esc(SITE_NAME)}®</div>']
    when = [f"Posted on {day(a.published)}" if flat else
            f'Posted on <time datetime="{a.published.isoformat()}">{day(a.published)}</time>']
    if a.read_time:
        when.append(f"{a.read_time} min read")
    if a.updated:
        when.append(f"Last updated: {day(a.updated)}")
    parts.append('<div class="dt_5s">' + '<span class="sp_1"> · </span>'.join(
        f"<span>{w}</span>" for w in when) + "</div>")
    if a.image:
        cap = f'<figcaption>{esc(a.image["caption"])}</figcaption>' if a.image.get("caption") else ""
        parts.append(f'<figure class="hf_3"><img src="{esc(image_src(a))}" alt="{esc(a.image["alt"])}" '
                     f'width="1200" height="800">{cap}</figure>')
    parts.append(f'<div class="nl_8p"><p>{NEWSLETTER[0]}</p><p>{NEWSLETTER[1]}</p>'
                 '<form><input type="email" placeholder="Email"><button>Subscribe</button></form></div>')
    if a.tags:
        parts.append('<div class="tg_3d"><span>Tags:</span> ' + ", ".join(
            f'<a href="/tag/{tag_slug(t)}/">{esc(t)}</a>' for t in a.tags) + "</div>")
    return parts


def _article_rest(a: ReplicaArticle, flat: bool, related: list[ReplicaArticle], prev: ReplicaArticle | None,
                  nxt: ReplicaArticle | None) -> list[str]:
    """Summary, body, takeaways, FAQ, related articles and the previous/next links."""
    parts = []
    if a.summary:
        parts.append(_section(flat, "<h2>Quick Summary</h2>", f"<p>{esc(a.summary)}</p>"))
    body = _body_blocks(a)
    parts.append(body if flat else f'<div class="bd_6h">{body}</div>')
    if a.takeaways:
        label = "<p><strong>Key Takeaways</strong></p>" if flat else "<h2>Key Takeaways</h2>"
        parts.append(_section(flat, label, "<ul>" + "".join(f"<li>{esc(t)}</li>" for t in a.takeaways) + "</ul>"))
    if a.faq:
        parts.append(_section(flat, f"<h2>Frequently Asked Questions about {esc(a.title)}</h2>", _faq_html(a, flat)))
    cat_name = CATEGORIES[a.category]
    if related:
        items = "".join(
            f'<li><a href="/{r.slug}/"><img src="{esc(r.image["url"]) if r.image else "/placeholder.png"}" alt="">'
            f'<span>{esc(r.title)}</span></a></li>' for r in related)
        parts.append(_section(flat, f"<h2>More from {esc(cat_name)}</h2>",
                              f'<ul>{items}</ul><a href="/category/{a.category}/">View All {esc(cat_name)} Posts</a>'))
    pn = []
    if prev:
        pn.append(f'<a href="/{prev.slug}?utm_source=prevnext">Previous {esc(cat_name)} Post</a>')
    if nxt:
        pn.append(f'<a href="/{nxt.slug}#top">Next {esc(cat_name)} Post</a>')
    if pn:
        parts.append('<nav class="pn_2">' + "".join(pn) + "</nav>")
    return parts


def _faq_html(a: ReplicaArticle, flat: bool) -> str:
    """As the portal renders it: the number in its own element, glued to the question
    ("1What is the main topic?" as text); the flat variant writes "1. What ..". Some pages
    show it as an accordion: questions as buttons, numbers glued, answers collapsed."""
    if accordion(a):
        return "".join(f'<div class="fa_{i}"><button type="button" aria-expanded="false"><span>{i}</span>'
                       f'{esc(q)}</button><div class="fb_{i}"{"" if i == 1 else " hidden"}><p>{esc(ans)}</p></div></div>'
                       for i, (q, ans) in enumerate(a.faq, 1))
    return "".join((f"<h3>{i}. {esc(q)}</h3>" if flat else f'<h3><span class="fq_{i}">{i}</span>{esc(q)}</h3>')
                   + f"<p>{esc(ans)}</p>" for i, (q, ans) in enumerate(a.faq, 1))


def legacy_page(a: ReplicaArticle, base: str, related: list[ReplicaArticle]) -> str:
    cat_name = CATEGORIES[a.category]
    paras = "".join(f"<h2>{esc(t)}</h2>" if k == "h2" else f"<p>{esc(t)}</p>" for k, t in a.blocks)
    tags = "".join(f'<a href="/tag/{tag_slug(t)}/" rel="tag">{esc(t)}</a>' for t in a.tags)
    img = (f'<div id="mvp-post-feat-img"><img src="{esc(a.image["url"])}" alt="{esc(a.image["alt"])}"></div>'
           if a.image else "")
    rel = "".join(f'<li><a href="/{r.slug}/">{esc(r.title)}</a></li>' for r in related)
    author = a.authors[0] if a.authors else ""
    body = (
        '<div id="mvp-site"><div id="mvp-main-head-wrap">' + header() + '</div>'
        '<div id="mvp-article-wrap"><div id="mvp-article-cont">'
        f'<div id="mvp-post-head"><h3 class="mvp-post-cat"><a href="/category/{a.category}/">'
        f'<span class="mvp-post-cat">{esc(cat_name)}</span></a></h3>'
        f'<h1 class="mvp-post-title entry-title">{esc(a.title)}</h1>'
        '<div class="mvp-author-info-wrap"><span class="mvp-author-box-name author-name vcard fn">'
        f'<a href="/author/{tag_slug(author)}/">{esc(author)}</a></span> '
        f'<time class="post-date updated" datetime="{a.published.isoformat()}">{day(a.published)}</time>'
        '</div></div>' + img +
        f'<div id="mvp-content-main">{paras}</div>'
        '<div class="mvp-post-tags"><span class="mvp-post-tags-header">Related Topics:</span>'
        f'<span itemprop="keywords">{tags}</span></div>'
        f'<div id="mvp-related-posts"><h4 class="mvp-widget-home-title">You may like</h4><ul>{rel}</ul></div>'
        '</div></div><div id="mvp-foot-wrap">' + footer() + '</div></div>')
    head = '<meta name="generator" content="WordPress 5.2.4">'
    return page(f"{a.title} | {SITE_NAME}", head, body, lang="en-US")


def bare_page(a: ReplicaArticle) -> str:
    paras = "".join(f'<div class="r_{i}q"><p>{esc(t)}</p></div>' for i, (_, t) in enumerate(a.blocks))
    body = ('<div class="w_1"><div class="k_4">' + "".join(
        f'<a href="/category/{c}/">{esc(CATEGORIES[c])}</a> ' for c in NAV) + '</div>'
        f'<div class="z_9"><h1>{esc(a.title)}</h1><div class="q_2">Posted on {day(a.published)}</div>'
        f'<div class="y_5">{paras}</div></div>'
        '<div class="k_7"><a href="/about-us/">About Us</a> <a href="/contact-us/">Contact Us</a> '
        '© 2010-2026 GBAF Publications Ltd</div></div>')
    return page(f"{a.title} | GBAF", "", body, lang="en")


def no_body_page(title: str) -> str:
    main = (f'<main><article><h1>{esc(title)}</h1><div>Posted on January 2, 2026</div>'
            '<div></div></article></main>')
    return page(title, "", header() + main + footer())


# ---- listings, home, feeds, sitemaps ----------------------------------------------------

def card(a: ReplicaArticle, href: str) -> str:
    img = f'<img src="{esc(a.image["url"])}" alt="{esc(a.image["alt"])}">' if a.image else ""
    return (f'<article class="cd_{len(a.slug) % 13}"><a href="{esc(href)}">{img}<h3>{esc(a.title)}</h3></a>'
            f'<time datetime="{a.published.isoformat()}">{day(a.published)}</time></article>')


# What the real web puts among a listing's cards now and then (#32): links no URL can be made
# of, scripts, empty and oversized hrefs, a port out of range, an unclosed card. Every listing page
# of the replica carries them; a crawl must read its good cards all the same.
HOSTILE_CARDS = ('<article class="cd_x"><a href="http://[bad">Broken host</a><time datetime="2026-13-45T25:61">'
                 'Someday</time></article><article class="cd_x"><a href="javascript:void(0)">Script</a></article>'
                 '<article class="cd_x"><a href="">Empty</a><a href="//[::1">Half an address</a></article>'
                 f'<article class="cd_x"><a href="/{"x" * 5000}">Very long</a><a href="mailto:desk@example.com">Mail</a></article>'
                 '<article class="cd_x"><a href="http://127.0.0.1:99999/port-out-of-range">Bad port</a>')


def pager_numbers(page_no: int, last: int, every: bool = False) -> list[int | None]:
    """The page numbers a pager shows, None for a gap ("…"): WordPress's paginate_links (the
    first, the last, and two on each side of this one), or every number (``every``: a fault)."""
    if every:
        return list(range(1, last + 1))
    shown = sorted({1, last, *range(max(1, page_no - 2), min(last, page_no + 2) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def _pager(base: str, style: str, page_no: int, last: int, every_number: bool) -> tuple[str, str]:
    """(what goes in <head>, the pager's markup) of a listing page in ``style``."""
    numbers = pager_numbers(page_no, last, every_number)
    dots = '<span class="dots">…</span> '
    if style == "path":
        nums = "".join(dots if n is None else f'<a href="{base}page/{n}/">{n}</a> ' if n > 1
                       else f'<a href="{base}">1</a> ' for n in numbers)
        nxt = f'<a href="{base}page/{page_no + 1}/">Next »</a>' if page_no < last else ""
        return "", f'<div class="pg_4">{nums}{nxt}</div>'
    if style == "query":
        nums = "".join(dots if n is None else f'<a href="{base}?page={n}">{n}</a> ' for n in numbers)
        return "", f'<div class="pg_4">{nums}</div>'
    if style == "relnext":
        return (f'<link rel="next" href="{base}page/{page_no + 1}/">' if page_no < last else ""), ""
    if style == "anext" and page_no < last:
        return "", f'<a class="pg_9" rel="next" href="{base}?page={page_no + 1}">Older posts</a>'
    if style == "loadmore":
        return "", '<button class="lm_1" type="button">Load more</button>'
    return "", ""


def listing_page(path: str, cards: list[str], page_no: int, last: int, style: str,
                 subcats: list[str], top: list[str], every_number: bool = False) -> str:
    name = CATEGORIES[path]
    base = f"/category/{path}/"
    head, pager = _pager(base, style, page_no, last, every_number)
    subs = "".join(f'<a href="/category/{s}/">{esc(CATEGORIES[s])}</a>' for s in subcats)
    main = (f'<main class="m_5"><h1>{esc(name)}</h1>'
            + (f'<div class="sc_2">{subs}</div>' if subs else "")
            + f'<div class="gr_8">{"".join(cards)}{HOSTILE_CARDS}</div>{pager}</main>'
            + '<aside class="ts_3"><h2>Top Stories</h2>' + "".join(top) + "</aside>")
    return page(f"{name} - {SITE_NAME}", head, header() + main + footer())


def home_page(cards: list[str], extra_links: list[tuple[str, str]]) -> str:
    extra = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in extra_links)
    main = (f'<main class="m_1"><h2>Top Stories</h2><div class="gr_2">{"".join(cards)}</div>'
            f'<h2>Also on the site</h2><ul>{extra}</ul></main>')
    return page(SITE_NAME, "", header() + main + footer())


def robots(base: str, disallow: Sequence[str] = ()) -> str:
    extra = "".join(f"Disallow: {path}\n" for path in disallow)
    return (
        "User-agent: *\nAllow: /\nAllow: /*.xml\nAllow: /_next/static/\nAllow: /_next/image\n"
        "Sitemap: http://[bad/sitemap.xml\n"  # a location no URL can be made of (#32): the others are read
        f"Disallow: /admin/\nDisallow: /api/\nDisallow: /private-preview\n{extra}\n"
        f"Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemap-news.xml\n\n"
        f"# Feeds: {base}/feed/ {base}/rss.xml\n# LLMs: {base}/llms.txt\n")


def sitemap_index(base: str, children: Sequence[tuple[str, datetime | None]]) -> str:
    items = "".join(f"<sitemap><loc>{esc(base + c)}</loc>"
                    + (f"<lastmod>{when.isoformat()}</lastmod>" if when else "") + "</sitemap>"
                    for c, when in children)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')


def urlset(base: str, entries: Sequence[tuple[str, datetime | None]], news: bool = False) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    rows = []
    for path, when in entries:
        extra = ""
        if when is not None and news:
            extra = (f"<news:news><news:publication><news:name>{esc(SITE_NAME)}</news:name>"
                     f"<news:language>en</news:language></news:publication>"
                     f"<news:publication_date>{when.isoformat()}</news:publication_date></news:news>")
        elif when is not None:
            extra = f"<lastmod>{when.isoformat()}</lastmod>"
        rows.append(f"<url><loc>{esc(base + path)}</loc>{extra}</url>")
    rows.insert(len(rows) // 2, "<url><loc>http://[bad</loc><lastmod>not a date</lastmod></url><url><loc></loc></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{"".join(rows)}</urlset>')


def rss(base: str, arts: list[ReplicaArticle]) -> str:
    from email.utils import format_datetime
    items = "".join(
        f"<item><title>{esc(a.title)}</title><link>{esc(base)}/{a.slug}?utm_source=rss&amp;utm_medium=feed</link>"
        f"<guid isPermaLink=\"false\">{esc(a.slug)}</guid><pubDate>{format_datetime(a.published)}</pubDate>"
        f"<category>{esc(CATEGORIES[a.category])}</category></item>" for a in arts)
    hostile = "<item><title>Broken</title><link>http://[bad</link><pubDate>Mon, 45 Foo 2026</pubDate></item>"
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{esc(SITE_NAME)}</title><link>{esc(base)}/</link>{hostile}{items}</channel></rss>")
