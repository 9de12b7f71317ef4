"""Layer 3: what a reader sees: h1, breadcrumbs, time, figure, and the visible labels
("Posted on", "N min read", "Last updated:", "Tags:", "Quick Summary", "Key Takeaways",
"Frequently Asked Questions", "By ...", "More from ...")."""
from __future__ import annotations

import re

from ..text import clean, dateline_source, looks_like_byline, split_byline
from .blocks import Reading, read_blocks, text_of
from .common import Page, unwrap_image

_BREADCRUMB_XP = ('//nav[contains(translate(@aria-label,"BREADCRUMB","breadcrumb"),"breadcrumb")]'
                  ' | //*[contains(@itemtype,"BreadcrumbList")]'
                  ' | //ol[contains(translate(@aria-label,"BREADCRUMB","breadcrumb"),"breadcrumb")]')


def find_root(ctx: Page):
    """The element that holds the article: <article> around the h1, else <main>, else None."""
    doc = ctx.sel.root
    body = doc.find(".//*[@itemprop='articleBody']")
    h1 = doc.find(".//h1")
    if h1 is not None:
        for anc in h1.iterancestors():
            if anc.tag in ("article", "main"):
                return anc, h1
    for tag in ("article", "main"):
        el = doc.find(f".//{tag}")
        if el is not None:
            return el, h1 if h1 is not None and el in set(h1.iterancestors()) else None
    if body is not None:
        return body, None
    return None, h1


def breadcrumbs(ctx: Page) -> list[dict]:
    for nav in ctx.sel.xpath(_BREADCRUMB_XP):
        items = nav.xpath(".//li") or nav.xpath(".//a | .//span[not(ancestor::a)]")
        crumbs = []
        for li in items:
            name = clean(" ".join(li.xpath(".//text()").getall()))
            href = li.xpath("(.//a/@href | self::a/@href)[1]").get()
            if name and name not in (">", "/", "»", "›"):
                crumbs.append({"name": name, "url": ctx.abs(href)})
        if crumbs:
            return crumbs
    return []


def _figure(ctx: Page, root) -> dict | None:
    fig = root.find(".//figure") if root is not None else None
    img = fig.find(".//img") if fig is not None else None
    if img is None:
        return None
    src = img.get("src") or img.get("data-src") or (img.get("srcset") or "").split(" ")[0]
    if not src or src.startswith("data:"):
        return None
    out = {"url": unwrap_image(ctx.abs(src))}
    if img.get("alt"):
        out["alt"] = clean(img.get("alt"))
    cap = fig.find(".//figcaption")
    if cap is not None and text_of(cap):
        out["caption"] = text_of(cap)
    return out


def _faq(ctx: Page, blocks) -> list[dict]:
    pairs: list[dict] = []
    for b in blocks:
        is_q = b.kind == "heading" or b.el.tag in ("dt", "summary") or (
            b.text.endswith("?") and len(b.text) < 200 and b.kind != "item")
        if is_q:
            pairs.append({"question": ctx.strip_number(b.text), "answer": ""})
        elif pairs:
            pairs[-1]["answer"] = clean(f'{pairs[-1]["answer"]} {b.text}')
    return [p for p in pairs if p["question"] and p["answer"]]


def _related(ctx: Page, w: Reading) -> list[str]:
    urls: list[str] = []
    els = [b.el for b in w.sections.get("related", [])] + w.section_roots.get("related", [])
    for el in els:
        for a in el.iter("a"):
            url = ctx.article_link(a.get("href"))
            if url and url not in urls:
                urls.append(url)
    return urls


def read_article_blocks(ctx: Page):
    """(reading, article root or None): the reading covers the whole <body> when no <article> or
    <main> holds the article; its labels count then, its body text does not."""
    root, h1 = find_root(ctx)
    if root is None:
        body = ctx.sel.root.find(".//body")
        return read_blocks(body if body is not None else ctx.sel.root, h1), None
    return read_blocks(root, h1), root


def byline_and_body(blocks) -> tuple[list[str], list]:
    """Take the byline ("By A and B") out of the first blocks of a body."""
    authors: list[str] = []
    rest = []
    for i, b in enumerate(blocks):
        if not authors and i < 4 and b.kind != "heading" and looks_like_byline(b.text):
            authors = split_byline(b.text)
            continue
        rest.append(b)
    return authors, rest


def extract(ctx: Page) -> dict:
    out: dict = {}
    doc = ctx.sel.root
    h1 = doc.find(".//h1")
    if h1 is not None:
        out["title"] = text_of(h1) or None
    w, root = read_article_blocks(ctx)
    crumbs = breadcrumbs(ctx)
    out["breadcrumbs"] = crumbs
    if len(crumbs) >= 2:
        last_is_page = crumbs[-1]["url"] in (None, ctx.url) or crumbs[-1]["name"] == out.get("title")
        out["category"] = crumbs[-2]["name"] if last_is_page and len(crumbs) >= 3 else (
            None if last_is_page else crumbs[-1]["name"])
    if not out.get("category") and root is not None:
        cats = [a for a in root.iter("a") if ctx.rules.category_path(ctx.abs(a.get("href")) or "")]
        before = [a for a in cats if h1 is None or _precedes(a, h1)]
        if before:
            out["category"] = text_of(before[-1]) or None
    m = w.meta
    out["published_at"] = ctx.date(m.posted_attr) or ctx.date(m.posted)
    out["updated_at"] = ctx.date(m.updated_attr) or ctx.date(m.updated)
    if not out["published_at"]:
        t = doc.find(".//time[@datetime]")
        out["published_at"] = ctx.date(t.get("datetime")) if t is not None else None
    out["read_time_minutes"] = m.read_time
    if m.published_by:
        out["publisher"] = clean(re.sub(r"[®™]", "", m.published_by))
    out["tags"] = m.tags or []
    authors, body_blocks = byline_and_body(w.body)
    if not authors and root is not None:
        authors = _header_byline(root, ctx)
    if not authors:
        for el in doc.xpath('//*[@rel="author"] | //*[@itemprop="author"]'):
            authors += split_byline(text_of(el), ctx.config.agencies)
    out["authors"] = list(dict.fromkeys(authors))
    if root is not None:
        out["body"] = "\n\n".join(b.text for b in body_blocks) or None
    first = next((b.text for b in body_blocks if b.kind != "heading"), "")
    out["source"] = dateline_source(first)
    summary = w.sections.get("summary") or []
    out["summary"] = summary[0].text if summary else None
    out["key_takeaways"] = [b.text.lstrip("•·-–*▪● ").strip() for b in w.sections.get("takeaways", [])
                            if b.kind != "heading"]
    out["faq"] = _faq(ctx, w.sections.get("faq", []))
    out["related_urls"] = _related(ctx, w)
    out["image"] = _figure(ctx, root)
    lang = doc.get("lang") or doc.get("xml:lang")
    out["language"] = clean(lang) or None
    return {k: v for k, v in out.items() if v}


def _header_byline(root, ctx: Page) -> list[str]:
    """A "By ..." line beside the title (often in a <header> the body walk skips)."""
    for el in root.iter("p", "div", "span", "address"):
        if any(anc.tag in ("nav", "footer", "aside") for anc in el.iterancestors()):
            continue
        text = text_of(el)
        if len(text) <= 160 and looks_like_byline(text):
            return split_byline(text, ctx.config.agencies)
    return []


def _precedes(a, b) -> bool:
    """Does element ``a`` come before ``b`` in document order?"""
    for el in a.getroottree().iter():
        if el is a:
            return True
        if el is b:
            return False
    return False
