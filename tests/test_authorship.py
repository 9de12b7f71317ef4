"""Where a page marks its authors (newscrawl/extract/authorship.py), on saved markup."""
from newscrawl.extract.article import ArticleParser
from newscrawl.extract.authorship import AUTHOR_KINDS, author_marks, byline_text, elsewhere, in_teaser
from newscrawl.extract.page import Page
from newscrawl.site.rules import SiteRules

BASE = "https://sport.example.cz"


def read(html: str) -> Page:
    return ArticleParser(SiteRules(BASE)).page(BASE + "/a/1", html)


def outside(html: str, kind: str) -> list[bool]:
    """``elsewhere`` of each element of one kind of author markup, in document order."""
    page = read(html)
    return [elsewhere(el, page.h1) for el in author_marks(page)[AUTHOR_KINDS.index(kind)]]


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


def test_a_byline_under_a_cards_linked_heading_is_a_teasers():
    """A card of another story (its linked title, "by" under it) in the article's own root."""
    card = ("<div class='body'><h3><a href='/a/{n}'>Story {n}</a></h3><div class='meta'>by "
            "<a rel='author' href='/author/x{n}'>Writer {n}</a></div><div>Its summary.</div></div>")
    html = ("<html><body><article><h1>West Ham hrozí gigantům</h1><div class='byline'>by <a rel='author' "
            "href='/author/ales'>Aleš Vávra</a></div><h2><a href='#x'>Section</a></h2><p>Text.</p>"
            f"{card.format(n=2)}{card.format(n=3)}</article></body></html>")
    page = read(html)
    root = page.root.find(".//article")
    rel = author_marks(page)[AUTHOR_KINDS.index("rel")]
    assert [in_teaser(el, root, page.h1) for el in rel] == [False, True, True]
    # a linked heading after the byline, in the body, makes no card of it
    html = ("<html><body><header><h1>West Ham hrozí gigantům</h1></header><div class='content'><div class='meta'>"
            "<a rel='author' href='/author/ales'>Aleš Vávra</a></div><h2><a href='/a/9'>Read also</a></h2>"
            "<p>Text.</p></div></body></html>")
    page = read(html)
    assert [in_teaser(el, None, page.h1) for el in author_marks(page)[AUTHOR_KINDS.index("rel")]] == [False]


def test_links_to_authors_pages_and_byline_classes_in_any_case():
    found = marks("<html><body><a href='https://www.example.com/about/editors/jon-fingas/'>Jon Fingas</a>"
                  "<a href='/autoren/g'>Moritz Gathmann</a><a href='/tag/editors'>Editors' picks</a>"
                  "<div class='css-1wkce1i-Byline'>Stewart Perrie</div></body></html>")
    assert found["author_link"] == ["Jon Fingas", "Moritz Gathmann"]
    assert found["byline_in_class"] == ["Stewart Perrie"]


def test_a_class_that_says_writer_marks_the_author():
    """"writer" says author as "author" does (japan.cnet.com's <span class="writer">)."""
    body = "<p>" + "アップルの新しいセキュリティ機能とAIの進化について、今週のニュースをまとめて読む。" * 8 + "</p>"
    html = (f"<html><body><article><h1>セキュリティとAI進化の両立なるか</h1><span class='writer'>松村太郎</span>"
            f"<span class='date'>2019年04月13日</span>{body}</article></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["松村太郎"]


def test_a_class_that_says_auteur_marks_the_author():
    """French themes' <span class="auteur">."""
    body = "<p>" + "Le conseil municipal a voté le projet après un long débat sur les coûts et le calendrier. " * 6 + "</p>"
    html = (f"<html lang='fr'><body><article><h1>Le conseil approuve le pont</h1><span class='auteur'>Jeanne Dupont</span>"
            f"{body}</article></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["Jeanne Dupont"]


def test_the_bodys_classes_put_no_byline_in_the_comments():
    """WordPress's <body class="... front_hidecomments"> says what the page shows: a byline in its
    article is the article's, one in a comments block is not."""
    html = ("<html><body class='single front_hidecomments'><article><h1>Wir unterstützen Fridays for Future</h1>"
            "<span class='author vcard'><a href='/author/flerche/'>von <span class='fn n'>flerche</span></a></span>"
            "</article><div class='comment-list'><span class='fn'>Gast</span></div></body></html>")
    assert outside(html, "name_class") == [False, True]


def test_a_user_name_class_names_the_poster():
    """Drupal's "Submitted by <span class="username">" and phpBB's <a class="username">: the user
    who posted the page is its author."""
    body = "<p>" + "Beim Hackathon in Wien bauten zwanzig Leute zwei Tage lang an freier Software. " * 8 + "</p>"
    html = (f"<html><body><div class='node'><h1>FairCoin Hackathon</h1><div class='submitted'>Gespeichert von "
            f"<span class='username'>rasos</span> am 24. Juli 2017</div>{body}</div></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["rasos"]


def test_a_sections_link_in_the_byline_names_no_one():
    """A WordPress theme's byline row links the post's category ("View all posts in Scifly"):
    that is a section, not a co-author."""
    body = "<p>" + "A false killer whale took the tuna bait off the boat's line in one swift pass. " * 8 + "</p>"
    html = (f"<html><body><article><h1>Video shows false killer whale snagging tuna bait</h1>"
            f"<div class='cb-byline'><div class='cb-author cb-byline-element'><a href='/author/paul/'>Paul</a></div>"
            f"<div class='cb-date cb-byline-element'><time>December 23, 2016</time></div>"
            f"<div class='cb-category cb-byline-element'><a href='http://sciencefly.test/category/scifly/' "
            f"title='View all posts in Scifly'>Scifly</a></div></div>{body}</article></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["Paul"]


def test_a_photo_credit_in_the_author_link_is_no_part_of_the_name():
    """jagderleben.de links the author with her picture, whose copyright line names her too:
    "© Kathrin Führes Kathrin Führes" is one author, not no name."""
    body = "<p>" + "Unbekannte versperren immer wieder Waldwege, nun sucht die Polizei nach Zeugen. " * 8 + "</p>"
    html = (f"<html><body><article><h1>Waldwege unrechtsmäßig gesperrt</h1><div><a href='/autoren/kathrin-fuehres-684124'>"
            f"<span class='profilbild'><img alt='Kathrin Führes' src='k.jpg'><span class='teaser-copyright'>&copy; Kathrin "
            f"Führes</span></span><span itemprop='name'>Kathrin Führes</span></a></div>{body}</article></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["Kathrin Führes"]


def test_a_label_for_screen_readers_is_no_part_of_the_byline():
    """WordPress's Twenty Twenty labels its byline for screen readers only ("Post author"): the
    byline a reader sees is "By Helge Fahrnberger"."""
    li = read("<html><body><ul><li class='post-author'><span class='meta-icon'><span class='screen-reader-text'>"
              "Post author</span></span><span class='meta-text'>By <a href='/author/helge/'>Helge Fahrnberger</a>"
              "</span></li></ul></body></html>").root.find(".//li")
    assert byline_text(li) == "By Helge Fahrnberger"


def test_a_byline_box_beside_the_headline_is_no_sidebar():
    """A <nav> or <aside> of a few words beside the headline is the article's meta; a sidebar
    column of widgets beside the same headline, or a footer, is not."""
    widgets = "<p>" + "Latest posts from our members and their friends. " * 12 + "</p>"
    html = ("<html><body><div class='row'><div class='col'><article><header><h1>Standing Rock</h1>"
            "<nav class='pst-by'><span class='author'>Swati Bhasin</span></nav></header><p>Text.</p></article></div>"
            f"<aside class='col-4'>{widgets}<span class='author'>Klitschkonull</span></aside></div>"
            "<footer><span class='author'>Footer Person</span></footer></body></html>")
    assert outside(html, "byline_class") == [False, True, True]


def test_a_footer_of_a_few_words_before_the_articles_text_is_its_meta():
    """A theme's "post-meta" <footer> before the entry's text holds its byline; a footer after
    the text (an author's other posts) and the page's footer do not."""
    text = "<div class='entry'><p>" + "Masscan and ZMap scan the whole address space in minutes. " * 6 + "</p></div>"
    html = ("<html><body><article><header><h1>Masscan と ZMap</h1></header><div class='content'>"
            "<footer class='post-meta'><a rel='author' href='/author/mn'>Masafumi Negishi</a></footer>"
            f"{text}<footer><a rel='author' href='/author/x'>Other Writer</a></footer></div></article>"
            "<footer><a rel='author' href='/author/y'>Site Owner</a></footer></body></html>")
    assert outside(html, "rel") == [False, True, True]


def test_a_label_alone_names_what_follows_it():
    """"<h5>Autor: </h5>Peter Maahn" (the row, read from the label on) and "<h4>Autor</h4><p>..."
    (the element after it); a label word inside a sentence is none."""
    found = marks("<html><body><div><h5>Datum: </h5>03.11.2021 <br><h5>Autor: </h5>Peter Maahn</div>"
                  "<div><h4>Autor</h4><p><a href='/profil/nh'>Nikolai Huke</a></p></div>"
                  "<p>Der Autor lebt in Köln.</p></body></html>")
    assert found["label"] == ["Datum: 03.11.2021 Autor: Peter Maahn", "Nikolai Huke"]
    page = ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", "<html><body><article><h1>Skoda: der lange Weg</h1>"
                                                 "<div><h5>Autor: </h5>Peter Maahn/SP-X</div>"
                                                 + "<p>Der Absatz erzählt, was geschah, und warum es zählt.</p>" * 8
                                                 + "</article></body></html>")
    assert page.authors == ["Peter Maahn"]


def test_a_user_name_in_person_markup_is_the_author():
    html = ("<html><body><article><h1>Viviane Obenauf</h1><div class='meta'><a class='author-name author' "
            "href='/author/jp' rel='author'>reineckefuchs</a></div>"
            + "<p>Die Staatsanwaltschaft hat Beweise vorgelegt, sagte ein Sprecher am Montag.</p>" * 6
            + "</article></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html).authors == ["reineckefuchs"]


def test_a_page_that_declares_its_encoding_keeps_no_comments_in_its_tree():
    """A str page with an XML declaration ("<?xml ... encoding=...?>") is parsed from its UTF-8
    bytes; its comments go as every page's do, and the byline in an article's <footer> after one
    is read (it raised "Input object is not an XML element: _Comment" and lost the field)."""
    body = "<p>" + "Der Fahrer liegt nach dem Unfall auf der Intensivstation und kämpft um seine Karriere. " * 6 + "</p>"
    html = ("<?xml version='1.0' encoding='utf-8'?><html lang='de'><body><article><h1>Bernal kämpft um Karriere</h1>"
            f"<!-- Datenblaetter --><footer><div class='author'><span>Jana Berg</span> am 25.01.2022</div></footer>{body}"
            "</article></body></html>")
    errors: list[str] = []
    article = ArticleParser(SiteRules(BASE)).parse(BASE + "/a/1", html, report=errors.append)
    assert article.authors == ["Jana Berg"] and not [e for e in errors if e.startswith("extraction_error")]
