"""newscrawl.extract.blocks: the block reader."""
from datetime import timezone

import lxml.html

from newscrawl.extract.blocks import headline_of, read_blocks

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def _reading(html, after_h1=True):
    root = lxml.html.fromstring(html)
    h1 = root.find(".//h1") if after_h1 else None
    return read_blocks(root, h1)


def test_block_reader_flat_and_contained_sections():
    r = _reading("""<html><body><header><nav><a href="/">Home</a></nav></header><h1>Title</h1>
      <p>Posted on <time datetime="2026-01-02T10:00:00Z">January 2, 2026</time> · 4 min read</p>
      <h2>Quick Summary</h2><p>The short of it.</p>
      <p>First body paragraph.</p>
      <section><h2>Key Takeaways</h2><ul><li>One.</li><li>Two.</li></ul></section>
      <h2>Funding costs</h2><p>Second body paragraph.</p>
      <h2>Frequently Asked Questions</h2><h3>1What is it?</h3><p>An answer.</p>
      <aside><p>Sidebar text</p></aside><footer><p>Footer text</p></footer></body></html>""")
    assert [b.text for b in r.body] == ["First body paragraph.", "Funding costs", "Second body paragraph."]
    assert [b.text for b in r.sections["summary"]] == ["The short of it."]
    assert [b.text for b in r.sections["takeaways"]] == ["One.", "Two."]
    assert [b.text for b in r.sections["faq"]] == ["1What is it?", "An answer."]
    assert r.meta.read_time == 4 and r.meta.posted_attr == "2026-01-02T10:00:00Z"
    assert r.body[1].kind == "heading" and r.body[1].level == 2


def test_block_reader_starts_after_the_title_and_ends_a_flat_section_at_a_heading():
    r = _reading("<html><body><p>Before the title</p><h1>T</h1><h2>Key Takeaways</h2><ul><li>A.</li></ul>"
                 "<p>Body after the list.</p><h3>Sub</h3><p>More.</p></body></html>")
    assert [b.text for b in r.sections["takeaways"]] == ["A."]
    assert [b.text for b in r.body] == ["Body after the list.", "Sub", "More."]




def test_a_headline_is_read_without_its_kicker_or_subtitle():
    def h1(markup):
        return headline_of(lxml.html.fromstring(markup))
    # tagesschau's and mdr's "Dachzeile", Zeit's kicker and hidden colon, a <small> overline
    assert h1('<h1><span class="dachzeile">Interne Unterlagen im Netz</span> '
              '<span class="headline">Daten von Rheinmetall gehackt</span></h1>') == "Daten von Rheinmetall gehackt"
    assert h1('<h1><span class="article-heading__kicker">Klimaschutz</span><span class="visually-hidden">: </span>'
              '<span class="article-heading__title">Bohren, bis es heiß wird</span></h1>') == "Bohren, bis es heiß wird"
    assert h1('<h1><small>Tunesien</small><br> Große Aufgaben für die neue Regierung</h1>') == \
        "Große Aufgaben für die neue Regierung"
    assert h1('<h1><span class="entry-title-primary">Tagesschau unterschlägt Hass-Demo</span> '
              '<span class="entry-subtitle">Gebührenfinanzierte Verharmlosung</span></h1>') == \
        "Tagesschau unterschlägt Hass-Demo"
    assert h1("<h1><span class='sub-heading'>Energiewende Oberland:</span><br> Klimavorreiter Oberland?</h1>") == \
        "Klimavorreiter Oberland?"
    # a headline that is all kicker, or has none, is read whole
    assert h1('<h1><span class="kicker">Breaking: markets fall</span></h1>') == "Breaking: markets fall"
    assert h1('<h1>Rates hold <em>steady</em> in March</h1>') == "Rates hold steady in March"
