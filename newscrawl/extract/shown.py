"""Bylines and dates a page shows as text, in no markup of their own: the lines just above and
below the headline ("By Jane Smith on Monday, ...", "06.11.2023 13:30 von Olga", "05.02.2020 -
Redaktion: Eberhard Fuhr" over the <h1>) and a signature at the body's foot."""
from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from newscrawl.extract.blocks import text_of
from newscrawl.extract.page import Page
from newscrawl.site.text import AND_PHOTOS, BY_PREFIX, DATE_THEN_BY, clean

# The elements just above the headline (the nearest three, in document order) and the text a
# reader sees after it (the byline and date line), scripts, a photo's caption (a wire photo's
# "..., France, January 16, 2020. Julien De Rosa/Pool via REUTERS") and an <aside>'s or a <nav>'s
# teasers of other articles aside ("Par Laurence Defranoux" under another story's title).
_BEFORE_H1 = etree.XPath("preceding-sibling::*[position() <= 3]")
_AFTER_H1 = etree.XPath("following::text()[not(ancestor::script or ancestor::style or ancestor::noscript or "
                        "ancestor::figcaption or ancestor::*[contains(@class,'caption')] or ancestor::aside or "
                        "ancestor::nav)]"
                        "[normalize-space()][position() <= 40]")
# "Published", "Posted" and the same words in German, French, Spanish, Portuguese, Italian, Dutch
_PUBLISHED_WORD = re.compile(r"\b(?:originally\s+|first\s+)?(?:published|posted|veröffentlicht|erschienen|"
                             r"publiziert|publié|publicado|publicada|pubblicato|gepubliceerd)\b\s*:?\s*"
                             r"(?:on\s+|am\s+|le\s+|el\s+|em\s+|il\s+|op\s+)?", re.I)
_UPDATED_WORD = re.compile(r"\b(?:last\s+)?(?:updated|modified|aktualisiert|geändert|mis\s+à\s+jour|"
                           r"actualizado|atualizado|aggiornato|bijgewerkt)\b", re.I)
HEADER_CHARS = 500
# the labels of a byline: "Autor:", "Author(s):", "Text & Fotos:" (the writer's credit and the
# photographer's, one person)
LABELS = r"author(?:s|\(s\))?|autor|autora|autorin|auteur|redaktion|redacción|text[oe]?" + AND_PHOTOS + \
    r"|words|kirjoittaja|toimittaja"
# "By", "Written by" and the same words in other languages ("Von", "Por", "Par", "Door", "Av",
# "Di" before a capital, not the German Tuesday's "Di., 17.03.", "Text von"), or a label
# ("Autor:"), at the start of a byline
BY_WORDS = (rf"\s*(?:(?:{DATE_THEN_BY})?(?:(?:written|text|texte|artikel|eine?\s+(?:gast)?(?:beitrag|kolumne|kommentar|essay|analyse)|"
             rf"geschrieben|verfasst|escrito|écrit|{BY_PREFIX})\s+)?"
             rf"(?:by|von|por|par|door|av)\b|di(?=\s+(?-i:[A-Z]))|erstellt\s+von\b|(?:scritto|pubblicato)\s+da\b|"
             rf"(?:{LABELS}|interview)\s*:)")
BY_START = re.compile(BY_WORDS, re.I)


def _after_h1(page: Page) -> list[str]:
    return page.once("shown.after_h1", lambda p: [clean(t) for t in _AFTER_H1(p.h1)] if p.h1 is not None else [])


# a date (and its time) that opens a header's line before its "von"/"by": "06.11.2023 13:30 von Olga"
_DATE_FIRST = re.compile(r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
                         r"(?:\s*[,|]?\s*(?:um\s+)?\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?\s*[|,–—-]?\s*(?=\S)")

_SET_APART = re.compile(r"\s[|–—-]\s*$")  # the date line's separator before a name: " | ", " - "


def _dated_names(page: Page, text: str, end: int) -> list[str]:
    """The names of a date line: after a "von"/"by" ("06.11.2023 13:30 von Olga"), or a person's
    name alone after a pipe or dash ("04.02.2022 | 13:10 Uhr | Uta Helkenberg", "25.10.2022 - Reiner Nagel";
    not a section's "Zucht")."""
    if BY_START.match(text, end):
        return page.byline(text[end:])
    names = page.byline("By " + text[end:]) if _SET_APART.search(text, 0, end) and len(text) - end <= 40 else []
    return names if all(len(n.split()) >= 2 for n in names) else []


def _dated_line_before_h1(page: Page) -> tuple[str, int] | None:
    """A date line just above the headline (TYPO3's news: "05.02.2020 - Redaktion: Eberhard
    Fuhr", then the sharing links, then the <h1>): the text and where its date ends."""
    texts = [clean(text_of(el)) for el in reversed(_BEFORE_H1(page.h1))] if page.h1 is not None else []
    return next(((t, m.end()) for t in texts if len(t) <= 160 and (m := _DATE_FIRST.match(t))), None)


# the innermost elements of the three just above the headline: a date alone there is the article's
# (the headline alone in its element: that element's; btv.de's date <span> before the <div> of its <h3>)
_LEAVES_BEFORE_H1 = etree.XPath("preceding-sibling::*[position() <= 3]/descendant-or-self::*[not(*)] | "
                                "parent::*[count(*) = 1]/preceding-sibling::*[position() <= 3]/descendant-or-self::*[not(*)]")


def _date_above_h1(page: Page) -> datetime | None:
    """A date shown alone just above the headline, the nearest (OEM's "<p class="published-date">/
    martes 17 de marzo de 2020</p>" between the section's link and the <h1>), before a date the
    text under the headline shows (the body's "desde el 6 de marzo de 2002")."""
    if page.h1 is None:
        return None
    for el in reversed(_LEAVES_BEFORE_H1(page.h1)):
        text = clean(text_of(el))
        if 6 <= len(text) <= 60 and (when := page.date(text)):
            return when
    return None


def header_byline(page: Page) -> list[str]:
    """A byline shown under the headline in no markup of its own: a text that starts with
    "By" or "Written by", read on into the next texts ("Written by <a>Jane Smith, MS</a> on
    ..."), or a date line that goes on with one ("06.11.2023 13:30 von Olga", read alone;
    also just above the headline); within HEADER_CHARS of the h1."""
    before = page.once("shown.dated_before_h1", _dated_line_before_h1)
    if before and (names := _dated_names(page, *before)):
        return names
    texts, seen = _after_h1(page), 0
    for i, text in enumerate(texts):
        seen += len(text)
        if seen > HEADER_CHARS:
            break
        dated = _DATE_FIRST.match(text)
        if dated and (names := _dated_names(page, text, dated.end())):
            return names
        if BY_START.match(text) and (text[:1].isupper() or BY_START.fullmatch(text)):
            names = page.byline(" ".join(_byline_pieces(texts, i))[:160])
            if names:
                return names
    return []


def _byline_pieces(texts: list[str], i: int) -> list[str]:
    """The byline's text and the short texts after it, its links' ("Written by <a>Jane Smith,
    MS</a> on ..."); not the paragraph that follows a whole byline ("Published by Jane Smith",
    then the body)."""
    pieces = [texts[i]]
    for t in texts[i + 1:i + 6]:
        if len(t) > 60:
            break
        pieces.append(t)
    return pieces


def header_date(page: Page) -> datetime | None:
    """The date shown under the headline ("Published 11:34 PM EST Nov 19, 2019", "By X on
    Monday, November 18th, 2019 at 11:04 a.m."): after a "Published"/"Posted" word when there
    is one, else the first date before an "Updated" one; within HEADER_CHARS of the h1."""
    window = ""
    for t in _after_h1(page):
        window = f"{window} {t}"
        if len(window) >= HEADER_CHARS:
            break
    window = window[:HEADER_CHARS]
    m = _PUBLISHED_WORD.search(window)
    if m:
        when = page.date(window[m.end():m.end() + 80])
        if when:
            return when
    updated = _UPDATED_WORD.search(window)
    if not updated:
        if above := _date_above_h1(page):
            return above
        before = page.once("shown.dated_before_h1", _dated_line_before_h1)
        return page.date(window) or (page.date(before[0][:before[1]]) if before else None)
    # the date before "Updated", else the update's when the page shows no other ("Updated: Dec 15, 2016")
    return page.date(window[:updated.start()]) or page.date(window[updated.end():updated.end() + 80])


_EMPHASIZED = etree.XPath("//*[self::b or self::strong or self::em or self::i][contains(normalize-space(), $text)]")
_SIGN_OFF = frozenset({"Euer", "Eure", "Yours", "Cheers"})
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?")


def foot_byline(page: Page, body: str) -> list[str]:
    """A byline at the foot of the body, for a page that shows none at its top: one of its last
    two paragraphs opened by "Von", "Autor:", "Erstellt von" (and their kin), or such a label alone
    in one of its last three read with the lines after it, or its last
    paragraph a name alone (a German local paper's signature: "<p><b>Stefan Wasmer</b></p>")."""
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    for i in range(len(paragraphs) - 1, max(len(paragraphs) - 4, -1), -1):
        text = paragraphs[i]
        if BY_START.fullmatch(text):  # a label alone, its name in the lines after it ("Autor:<br>Rechtsanwalt<br>Name")
            text = " ".join(paragraphs[i:])
        elif i < len(paragraphs) - 2:
            continue
        if len(text) <= 120 and BY_START.match(text) and (names := page.byline(text)):
            return names
    return _signature(page, paragraphs[-1]) if paragraphs else []


def _signature(page: Page, last: str) -> list[str]:
    """The body's last paragraph as a signature: two to four capitalised words set apart in
    bold or italics ("Euer HansEhrlich": the name without the greeting)."""
    words = last.split()
    if words and words[0].rstrip(",") in _SIGN_OFF:
        words = words[1:]
        last = " ".join(words)
    if not (2 <= len(words) <= 4 and len(last) <= 40):
        return []
    if all(w[0].isupper() and _NAME_WORD.fullmatch(w) for w in words) and _EMPHASIZED(page.root, text=last):
        return page.byline("By " + last)
    return []
