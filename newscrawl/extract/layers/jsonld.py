"""Layer: JSON-LD (schema.org NewsArticle/Article, BreadcrumbList, FAQPage, also in @graph)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from newscrawl.extract.common import html_to_text, image_dict, names_list
from newscrawl.extract.layers.layer import Layer, LayerName, reads
from newscrawl.extract.page import Page
from newscrawl.site.dates import duration_minutes
from newscrawl.site.text import clean, clean_block, is_agency, is_desk

_ARTICLE_TYPES = re.compile(r"(News)?Article$|BlogPosting$|Report$", re.I)


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type") or []
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)]


def _name(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("name")
    return clean(v) if isinstance(v, str) and clean(v) else None


def _url(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("@id") or v.get("url")
    return v if isinstance(v, str) and v.strip() else None


def _article(page: Page) -> dict[str, Any]:
    return next((n for n in page.jsonld if any(_ARTICLE_TYPES.search(t) for t in _types(n))), {})


def _node(page: Page, typ: str) -> dict[str, Any]:
    return next((n for n in page.jsonld if typ in _types(n)), {})


def _people(page: Page) -> tuple[list[str], list[str], list[str]]:
    """(author names, wire agencies named as authors, other organizations named as authors)."""
    authors, agencies, organizations = [], [], []
    for a in names_list(_article(page).get("author")):
        name = _name(a)
        if not name:
            continue
        if is_agency(name, page.config.agencies):
            agencies.append(name)
        elif not isinstance(a, dict) or "Organization" not in _types(a) or is_desk(name, page.config.agencies):
            authors.extend(page.byline(name, user_names=isinstance(a, dict) and "Person" in _types(a)))
        else:
            organizations.append(name)
    return list(dict.fromkeys(authors)), agencies, organizations


def credited_organization(page: Page) -> str | None:
    """The organization the article's JSON-LD names as its author (the publication itself, as
    CNN's pages do), for a page that credits no person."""
    orgs = page.once("jsonld.people", _people)[2]
    return orgs[0] if orgs else None


class JsonLdLayer(Layer):
    name = LayerName.JSONLD

    def art(self, page: Page) -> dict[str, Any]:
        return page.once("jsonld.article", _article)

    @reads
    def title(self, page: Page) -> str | None:
        a = self.art(page)
        return clean(a.get("headline") or a.get("name")) or None

    @reads
    def url(self, page: Page) -> str | None:
        a = self.art(page)
        return _url(a.get("url")) or _url(a.get("mainEntityOfPage"))

    @reads
    def published_at(self, page: Page) -> datetime | None:
        """The article's datePublished; a fact check's, whose main entity is its ClaimReview
        (Snopes, PolitiFact: no Article node), when the page has no article node."""
        art = self.art(page) or _node(page, "ClaimReview")
        return page.date(art.get("datePublished"))

    @reads
    def updated_at(self, page: Page) -> datetime | None:
        return page.date(self.art(page).get("dateModified"))

    @reads
    def authors(self, page: Page) -> list[str]:
        return page.once("jsonld.people", _people)[0]

    @reads
    def source(self, page: Page) -> str | None:
        agencies = page.once("jsonld.people", _people)[1]
        if agencies:
            return agencies[0]
        a = self.art(page)
        src = _name(a.get("sourceOrganization")) or _name(a.get("provider"))
        return src if src and is_agency(src, page.config.agencies) else None

    @reads
    def publisher(self, page: Page) -> str | None:
        return _name(self.art(page).get("publisher"))

    @reads
    def category(self, page: Page) -> str | None:
        section = self.art(page).get("articleSection")
        if isinstance(section, list):
            section = section[-1] if section else None
        return clean(section) if isinstance(section, str) else None

    @reads
    def tags(self, page: Page) -> list[str]:
        kw = self.art(page).get("keywords")
        if isinstance(kw, str):
            kw = kw.split(",")
        return [clean(k) for k in (kw if isinstance(kw, list) else []) if isinstance(k, str) and clean(k)]

    @reads
    def summary(self, page: Page) -> str | None:
        return clean(html_to_text(self.art(page).get("description"))) or None

    @reads
    def body(self, page: Page) -> str | None:
        body = self.art(page).get("articleBody")
        return clean_block(html_to_text(body, blocks=True)) if isinstance(body, str) else None

    @reads
    def image(self, page: Page) -> dict[str, Any] | None:
        return image_dict(page, self.art(page).get("image"))

    @reads
    def language(self, page: Page) -> str | None:
        lang = self.art(page).get("inLanguage")
        return _name(lang) if isinstance(lang, dict) else (clean(lang) or None if isinstance(lang, str) else None)

    @reads
    def read_time_minutes(self, page: Page) -> int | None:
        t = self.art(page).get("timeRequired")
        return duration_minutes(t) if isinstance(t, str) else None

    @reads
    def breadcrumbs(self, page: Page) -> list[dict[str, Any]]:
        crumbs = _node(page, "BreadcrumbList")
        items = [i for i in names_list(crumbs.get("itemListElement")) if isinstance(i, dict)]
        items.sort(key=lambda i: int(i.get("position") or 0) if str(i.get("position") or "0").isdecimal() else 0)
        return [{"name": _name(i) or _name(i.get("item")), "url": page.abs(_url(i.get("item")))}
                for i in items if _name(i) or _name(i.get("item"))]

    @reads
    def faq(self, page: Page) -> list[dict[str, Any]]:
        pairs: list[dict[str, Any]] = []
        for q in names_list(_node(page, "FAQPage").get("mainEntity")):
            if not isinstance(q, dict):
                continue
            ans = q.get("acceptedAnswer") or q.get("suggestedAnswer")
            ans = ans[0] if isinstance(ans, list) and ans else ans
            text = ans.get("text") if isinstance(ans, dict) else None
            question = clean(q.get("name"))
            if question and text:
                pairs.append({"question": page.strip_number(question, len(pairs) + 1),
                              "answer": clean(html_to_text(text))})
        return pairs
