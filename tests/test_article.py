"""newscrawl.extract.article, the whole parser on the shapes common CMS and themes give a
byline, a date and a headline (WordPress's default themes, Divi, Newspaper, Elementor, JNews,
GeneratePress, Astra, Blogger, Ghost, Squarespace, Drupal, Joomla, TYPO3), in the languages
of the pages read: each shape in a page of its own, read through every layer as a crawl reads
it. Not read yet (docs/explanation/extraction.md): a name with no "by" before a date ("Jane
Smith / March 3, 2020"), "Posted in News by ...", a Medium or Wix profile link alone, an
unlabelled `original-publish-date` <meta>, a Unix time in a data attribute."""
import json

import pytest

from newscrawl.extract.article import ArticleParser
from newscrawl.site.rules import SiteRules

BASE = "https://www.riverside-courier.test"
BODY = "<p>" + "The council voted on the plan after a long debate about the costs and the schedule. " * 6 + "</p>"
J = "Jane Smith"


def parse(top: str, head: str = "", title: str = "Council votes"):
    html = (f"<html><head><title>{title}</title>{head}</head><body><article><h1>Council votes</h1>{top}{BODY}"
            "</article></body></html>")
    return ArticleParser(SiteRules(BASE)).parse(BASE + "/council-votes", html)


@pytest.mark.parametrize("line, name", [
    ("Posted by Jane Smith on March 3, 2020", J), ("Submitted by Jane Smith on Tue, 03/03/2020", J),
    ("Posted on March 3, 2020 by Jane Smith", J), ("Posted on 3 March 2020 by Jane Smith", J),
    ("March 3, 2020 by Jane Smith", J), ("Written by Jane Smith", J), ("Reported by Jane Smith", J),
    ("Created by Jane Smith", J), ("Posted by: Jane Smith", J), ("Author: Jane Smith", J), ("Words: Jane Smith", J),
    ("By Jane Smith • March 3, 2020", J), ("By Jane Smith, Staff Writer", J), ("by Jane Smith", J),
    ("Posted by Jane Smith in News", J), ("by Jane Smith | Mar 3, 2020 | News", J), ("Story by Jane Smith", J),
    ("By JANE SMITH", J), ("Publicado por Juana Pérez el 3 de marzo de 2020", "Juana Pérez"),
    ("Publicado por Juana Pérez en Noticias", "Juana Pérez"), ("Publicado el 3 de marzo de 2020 por Juana Pérez", "Juana Pérez"),
    ("Escrito por Juana Pérez", "Juana Pérez"), ("Redactado por Juana Pérez", "Juana Pérez"), ("Por: Juana Pérez", "Juana Pérez"),
    ("Por Juana Pérez | 3 marzo, 2020", "Juana Pérez"), ("Autora: Juana Pérez", "Juana Pérez"),
    ("Texto y fotos: Juana Pérez", "Juana Pérez"), ("Par Jeanne Dupont le 03/03/2020 à 10h30", "Jeanne Dupont"),
    ("Publié le 3 mars 2020 par Jeanne Dupont", "Jeanne Dupont"), ("Publié par Jeanne Dupont le 3 mars 2020", "Jeanne Dupont"),
    ("Rédigé par Jeanne Dupont", "Jeanne Dupont"), ("Auteur : Jeanne Dupont", "Jeanne Dupont"),
    ("Texte : Jeanne Dupont", "Jeanne Dupont"), ("Posté par Jeanne Dupont le 3 mars 2020", "Jeanne Dupont"),
    ("Publicado em 3 de março de 2020 por Joana Silva", "Joana Silva"), ("Por Joana Silva em 3 de março de 2020", "Joana Silva"),
    ("Teksti: Matti Virtanen", "Matti Virtanen"), ("Kirjoittaja: Matti Virtanen", "Matti Virtanen"),
    ("Von Hans Müller | 03.03.2020", "Hans Müller"), ("Ein Beitrag von Hans Müller", "Hans Müller"),
    ("Gepostet von Hans Müller am 3. März 2020", "Hans Müller"), ("Geschrieben von Hans Müller am 3. März 2020", "Hans Müller"),
    ("Pubblicato da Mario Rossi il 3 marzo 2020", "Mario Rossi"), ("Scritto da Mario Rossi", "Mario Rossi"),
    ("di Mario Rossi", "Mario Rossi"), ("Geplaatst door Jan Jansen op 3 maart 2020", "Jan Jansen"), ("Door Jan Jansen", "Jan Jansen"),
])
def test_a_byline_line_under_the_headline(line, name):
    assert parse(f"<div class='meta'>{line}</div>").authors == [name]


@pytest.mark.parametrize("markup", [
    f'<div class="entry-meta"><span class="posted-on">Posted on <time datetime="2020-03-17">March 17, 2020</time></span>'
    f'<span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/jane/">{J}</a></span></span></div>',
    f'<a rel="author" href="/author/jane/">{J}</a>',
    f'<span itemprop="author" itemscope itemtype="http://schema.org/Person"><span itemprop="name">{J}</span></span>',
    f'<p class="post-meta">by <span class="author vcard"><a href="/author/jane/" rel="author">{J}</a></span> | '
    f'<span class="published">Mar 17, 2020</span> | <a href="/news/">News</a></p>',  # Divi
    f'<div class="td-post-author-name"><div class="td-author-by">By</div> <a href="/author/jane/">{J}</a></div>',  # Newspaper
    f'<span class="elementor-post-info__item elementor-post-info__item--type-author">{J}</span>',
    f'<div class="jeg_meta_author"><span class="meta_text">by</span> <a href="/author/jane/">{J}</a></div>',  # JNews
    f'<div class="author-name">{J}</div>', f'<div class="meta"><a href="/author/jane-smith/">{J}</a> <span>March 17, 2020</span></div>',
    f'<span class="vcard"><span class="fn">{J}</span></span>', f'<div class="byline">{J}<br>Staff Writer</div>',
    f'<address class="author">By <a rel="author" href="/author/jane/">{J}</a></address>',
    '<p class="byline">By <strong>JANE SMITH</strong></p>', f'<meta itemprop="author" content="{J}">',
    f'<span class="author">{J}, Associated Press</span>', f'<div class="post-author"><img src="/a.jpg" alt=""><span>{J}</span></div>',
    f'<div class="byline"><span class="byline__name">{J}</span><span class="byline__title">Reporter</span></div>',
    f'<p><strong>Written by:</strong> {J}</p>',
    f'<div class="entry-meta"><span class="byline">by <span class="author vcard" itemprop="author" itemscope><a class="url fn n" '
    f'href="/author/jane/" rel="author"><span class="author-name" itemprop="name">{J}</span></a></span></span></div>',
    f'<div class="post-footer"><span class="post-author vcard">Posted by <span class="fn">{J}</span></span></div>',  # Blogger
    f'<div class="post-card-byline-content"><span><a href="/author/jane/">{J}</a></span></div>',  # Ghost
    f'<span class="Blog-meta-item Blog-meta-item--author"><a href="/blog?author=5e">{J}</a></span>',  # Squarespace
    f'<div class="byline-names"><a href="https://substack.com/@jane">{J}</a></div>',
    f'<div class="submitted">Submitted by <span class="username">{J}</span> on Tue, 03/17/2020 - 10:30</div>',  # Drupal
    f'<dl class="article-info"><dd class="createdby" itemprop="author" itemscope>Written by <span itemprop="name">{J}</span></dd></dl>',
    f'<span class="createdby">Written by {J}</span>', f'<span class="news-list-author">{J}</span>',  # Joomla, TYPO3
    '<span class="auteur">Jane Smith</span>', '<span class="autor">Jane Smith</span>',
])
def test_a_byline_in_a_themes_markup(markup):
    assert parse(markup).authors == [J]


@pytest.mark.parametrize("line", [
    "Posted on March 17, 2020", "March 17, 2020", "17 March 2020", "Mar 17, 2020", "17/03/2020", "2020-03-17",
    "Tuesday, March 17, 2020", "17. März 2020", "17.03.2020", "Di., 17.03.2020", "17 de marzo de 2020",
    "martes, 17 de marzo de 2020", "17/03/2020 10:30", "17 mars 2020", "le 17 mars 2020 à 10h30", "Publié le 17/03/2020",
    "17 de março de 2020", "17/03/2020 às 10h30", "17.3.2020", "17. maaliskuuta 2020", "Julkaistu 17.3.2020 10:30",
    "Published: 17th March 2020", "March 17th, 2020", "17th Mar 2020", "Mar. 17, 2020", "By Jane Smith | March 17, 2020",
    "Publicado el 17 de marzo de 2020", "Mis en ligne le 17 mars 2020", "Actualizado 19/03/2020 - Publicado 17/03/2020",
    "17 mar 2020", "17-03-2020", "2020/03/17", "17 Mar 2020 10:30 GMT", "martes 17 marzo 2020", "17 marzo, 2020",
    "Mardi 17 mars 2020", "17.03.2020 um 10:30 Uhr", "Stand: 17.03.2020", "tiistai 17.3.2020", "MARCH 17, 2020",
    "Posted 17 March 2020 by Jane Smith", "Date: 17/03/2020", "Fecha: 17/03/2020", "Datum: 17.03.2020", "17 de Março de 2020",
])
def test_a_date_line_under_the_headline(line):
    assert parse(f"<div class='meta'>{line}</div>").published_at.date().isoformat() == "2020-03-17"


@pytest.mark.parametrize("head, top", [
    ("", "<time>March 17, 2020</time>"), ("", "<time pubdate datetime='2020-03-17T10:00:00+00:00'>March 17</time>"),
    ("", "<time class='updated' datetime='2020-04-02T10:00:00+00:00'>April 2</time>"
         "<time class='entry-date published' datetime='2020-03-17T10:00:00+00:00'>March 17, 2020</time>"),
    ("", "<abbr class='published' title='2020-03-17T10:00:00+00:00'>March 17, 2020</abbr>"),
    ("", "<span class='post-date'>March 17, 2020</span>"), ("", "<span itemprop='datePublished'>March 17, 2020</span>"),
    ("<meta name='date' content='2020-03-17'>", ""), ("<meta name='pubdate' content='2020-03-17T10:00:00Z'>", ""),
    ("<meta name='publish-date' content='2020-03-17'>", ""), ("<meta name='DC.date.issued' content='2020-03-17'>", ""),
    ("<meta name='citation_publication_date' content='2020/03/17'>", ""),
    ("<meta name='sailthru.date' content='2020-03-17 10:00:00'>", ""), ("<meta name='parsely-pub-date' content='2020-03-17T10:00:00Z'>", ""),
    ("<meta property='article:modified_time' content='2020-04-02T10:00:00Z'>", "<span class='date'>March 17, 2020</span>"),
    ("<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"dateModified\":\"2020-04-02\"}</script>",
     "<p class='meta'>March 17, 2020</p>"),
])
def test_a_date_in_a_themes_markup(head, top):
    assert parse(top, head).published_at.date().isoformat() == "2020-03-17"


W = ["Jane Smith", "John Doe", "Ana Lima"]


def _ld(author) -> str:
    return f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', 'author': author})}</script>"


@pytest.mark.parametrize("head, top", [
    (_ld([{"@type": "Person", "name": n} for n in W]), ""), (_ld(W), ""), (_ld("Jane Smith, John Doe and Ana Lima"), ""),
    ("", "<p class='byline'>By Jane Smith, John Doe, and Ana Lima</p>"),
    ("", "<div class='byline'>By <a href='/author/jane/'>Jane Smith</a>, <a href='/author/john/'>John Doe</a> and "
         "<a href='/author/ana/'>Ana Lima</a></div>"),
    ("", "<ul class='authors'>" + "".join(f"<li><a href='/author/{n[:3]}/'>{n}</a></li>" for n in W) + "</ul>"),
    ("".join(f"<meta name='author' content='{n}'>" for n in W), ""), ("<meta name='author' content='Jane Smith, John Doe, Ana Lima'>", ""),
    (_ld({"@type": "Person", "name": "Jane Smith"}), "<p class='byline'>By Jane Smith, John Doe and Ana Lima</p>"),
    ("", "<p class='byline'>By Jane Smith; John Doe; Ana Lima</p>"), ("", "<p class='byline'>Por Jane Smith, John Doe y Ana Lima</p>"),
    ("", "<p class='byline'>Par Jane Smith, John Doe et Ana Lima</p>"), ("", "<p class='byline'>Von Jane Smith, John Doe und Ana Lima</p>"),
    ("", "<p class='byline'>Por Jane Smith, John Doe e Ana Lima</p>"), ("", "<p class='byline'>Teksti: Jane Smith, John Doe ja Ana Lima</p>"),
])
def test_every_co_author(head, top):
    assert parse(top, head).authors == W


@pytest.mark.parametrize("line, names", [
    ("By AFP", []), ("Por Agencia EFE", []), ("Por Europa Press", []), ("Von dpa", []), ("dpa/lno", []), ("Di ANSA", []),
    ("Keystone-SDA", []), ("By The Associated Press", []), ("By Jane Smith, Reuters", [J]), ("Jane Smith/AFP", [J]),
    ("Por Juana Pérez | EFE", ["Juana Pérez"]), ("Par Jeanne Dupont avec AFP", ["Jeanne Dupont"]), ("AFP/The Local", []),
    ("By Jane Smith for the Daily Mail", [J]), ("Von Hans Müller (mit dpa)", ["Hans Müller"]),
    ("Por Redacción", ["Redacción"]),  # the newsroom's credit is a desk's, kept (#31)
])
def test_a_wire_agency_is_no_author_and_a_desk_is(line, names):
    assert parse(f"<p class='byline'>{line}</p>").authors == names


@pytest.mark.parametrize("title", [
    "Council votes | Riverside Courier", "Council votes – Riverside Courier", "Riverside Courier | Council votes",
    "Riverside Courier » Council votes", "Council votes « Riverside Courier", "Council votes :: Riverside Courier",
])
def test_the_headline_without_the_sites_name(title):
    head = "<meta property='og:site_name' content='Riverside Courier'>"
    html = (f"<html><head><title>{title}</title>{head}</head><body><div class='post'>{BODY}</div></body></html>")
    assert ArticleParser(SiteRules(BASE)).parse(BASE + "/council-votes", html).title == "Council votes"
