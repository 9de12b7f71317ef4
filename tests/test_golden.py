"""Every saved article page against its golden file (tests/golden/, made by scripts/golden.py):
every field, the layer that gave it, and the theme."""
import json
from dataclasses import fields
from pathlib import Path

import pytest

from newscrawl.items import Article
from scripts.golden import GOLDEN, HTML, NOT_COMPARED, empty, golden_of

FILES = sorted(GOLDEN.glob("*.json"))
ARTICLE_KEYS = {f.name for f in fields(Article)} - set(NOT_COMPARED)
NOT_ARTICLES = {"home.html", "listing_banking_p2.html", "listing_business.html", "listing_finance.html"}


def test_every_saved_article_page_has_a_golden_file():
    pages = {p.name for p in HTML.glob("*.html")} - NOT_ARTICLES
    have = {json.loads(f.read_text())["page"] for f in FILES}
    assert pages - have == set(), "run: python scripts/golden.py --add PAGE URL"
    assert len(FILES) >= 14


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_golden_file_is_complete(path: Path):
    """No missing key; an empty field only where the golden file says the page has none."""
    data = json.loads(path.read_text())
    if "dropped" in data:
        assert data["dropped"] and "article" not in data
        return
    art, none = data["article"], set(data["none_on_page"])
    assert set(art) == ARTICLE_KEYS, f"missing {ARTICLE_KEYS - set(art)}, unknown {set(art) - ARTICLE_KEYS}"
    assert "" not in art and "" not in art["extraction"]
    assert {k for k, v in art.items() if empty(v)} == none
    assert {"title", "body", "url", "published_at"}.isdisjoint(none)
    assert art["extraction"]["theme"] in ("nextjs", "wordpress", "portal", "generic")
    for name, value in art.items():
        if not empty(value) and name not in ("word_count", "content_hash", "extraction", "url"):
            assert name in art["extraction"], f"{name} has no layer recorded"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_page_parses_as_its_golden_file(path: Path):
    old = json.loads(path.read_text())
    new = golden_of(old["page"], old["url"])
    if "article" in old and "article" in new:
        for name in sorted(ARTICLE_KEYS):
            assert new["article"][name] == old["article"][name], name
    assert new == old
