"""Where a page marks its authors (newscrawl/extract/authorship.py), on saved markup."""
from newscrawl.extract.article import ArticleParser
from newscrawl.extract.authorship import AUTHOR_KINDS, author_marks, in_teaser
from newscrawl.extract.page import Page
from newscrawl.site.rules import SiteRules

BASE = "https://sport.example.cz"


def read(html: str) -> Page:
    return ArticleParser(SiteRules(BASE)).page(BASE + "/a/1", html)


def marks(html: str) -> dict[str, list[str]]:
    page = read(html)
    return {kind: [" ".join("".join(el.itertext()).split()) for el in els]
            for kind, els in zip(AUTHOR_KINDS, author_marks(page)) if els}


def test_name_classes_in_either_spelling_are_names():
    """"author-name" and BEM's "author__name" mark a name (not merely a class that says author)."""
    for cls in ("author-name", "author__name", "byline__name"):
        found = marks(f"<html><body><div><a class='{cls}' href='/autori/ales-vavra/'>Aleš Vávra</a></div></body></html>")
        assert found["name_class"] == ["Aleš Vávra"], cls
    assert "name_class" not in marks("<html><body><div class='author__bio'>Aleš writes on football.</div></body></html>")


def test_a_byline_in_a_related_block_is_a_teasers():
    html = ("<html><body><article><h1>West Ham hrozí gigantům</h1><p class='byline'>By Aleš Vávra</p>"
            "<div class='related-stories'><p class='byline'>By Jan Novák</p></div></article></body></html>")
    page = read(html)
    root = page.root.find(".//article")
    bylines = author_marks(page)[AUTHOR_KINDS.index("byline_class")]
    assert [in_teaser(el, root, page.h1) for el in bylines] == [False, True]
