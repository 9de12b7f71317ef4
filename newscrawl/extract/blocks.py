"""Reading an article's HTML as a reader sees it: blocks of text, and the labelled sections
("Quick Summary", "Key Takeaways", ...) that are not the body.

Sections are found by their visible label, whether the label heads a container
(``<section><h2>Key Takeaways</h2><ul>..</ul></section>``) or stands flat among the body's
paragraphs (``<h2>Key Takeaways</h2><ul>..</ul>``). No class name is used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.site.text import clean

SKIP_TAGS = frozenset("""nav aside footer header figure form script style noscript button svg
    iframe template dialog select input textarea label video audio canvas object map picture
    source head title meta link""".split())
SKIP_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search", "dialog"})
BLOCK_TAGS = frozenset("p h2 h3 h4 h5 h6 blockquote pre li dt dd summary".split())
LIST_TAGS = frozenset({"ul", "ol", "dl"})
_BLOCKISH = tuple(sorted(BLOCK_TAGS | LIST_TAGS))

# Visible labels of the sections around the body: name -> full-match regex (lower case).
SECTION_LABELS = {
    "summary": r"(quick )?summary|in brief|at a glance",
    "takeaways": r"key takeaways?|takeaways|key points|highlights",
    "faq": r"(frequently asked questions|faqs?)\b.*",
    "related": r"more from .+|related( posts| articles| stories| news)?|you may (also )?like|"
               r"read more|also read|recommended( for you)?|latest (news|posts)|popular( posts)?|top stories",
    "newsletter": r"why waste money on news and opinion.*|take advantage of our newsletter.*|"
                  r"(subscribe to|sign up (for|to)) (our )?newsletter.*",
    "chrome": r"(previous|next) .*(post|article|story)|view all .*|advertisement|sponsored( content)?|"
              r"share( this)?( article| story| post)?|follow us.*|comments?|leave a (reply|comment)",
}
# One pattern, one group a label; the first label that matches the whole text wins.
_SECTIONS = re.compile("|".join(f"(?P<{k}>(?:{v})\\s*:?)" for k, v in SECTION_LABELS.items()), re.I)
META_START = re.compile(r"^(posted on|published on|published by|last updated|updated:|tags\s*:|"
                         r"related topics\s*:|\d+\s*min(ute)?s?\s+read)", re.I)
_READ_TIME = re.compile(r"(\d+)\s*min(?:ute)?s?\s+read", re.I)
_POSTED = re.compile(r"(?:posted|published) on\s*:?\s*(.+?)(?=\s*[·•|]|\s+\d+\s*min|\s+last updated|$)", re.I)
_UPDATED = re.compile(r"(?:last updated|updated)\s*:?\s*(?:on\s+)?(.+?)(?=\s*[·•|]|\s+\d+\s*min|$)", re.I)
_PUBLISHED_BY = re.compile(r"published by\s+(.+?)(?=\s*[·•|]|$)", re.I)
_TAGS = re.compile(r"^(?:tags|related topics)\s*:\s*(.*)$", re.I)
_LIMITS = {"summary": 1, "newsletter": 2, "chrome": 0}


@dataclass
class Block:
    el: etree._Element
    kind: str  # "heading" | "item" | "text"
    level: int  # heading rank (2..6); 9 for text
    text: str


@dataclass
class MetaLine:
    posted: str | None = None
    posted_attr: str | None = None
    updated: str | None = None
    updated_attr: str | None = None
    read_time: int | None = None
    published_by: str | None = None
    tags: list[str] | None = None


@dataclass
class Reading:
    body: list[Block] = field(default_factory=list)
    sections: dict[str, list[Block]] = field(default_factory=dict)
    section_roots: dict[str, list[etree._Element]] = field(default_factory=dict)
    meta: MetaLine = field(default_factory=MetaLine)


def tag_of(el: HtmlElement) -> str:
    tag = el.tag
    return tag if isinstance(tag, str) else ""  # lxml's HTML parser gives lower-case tags


def skipped(el: HtmlElement, collapsed_ok: bool = False) -> bool:
    """Not read: chrome tags and roles, and hidden parts unless ``collapsed_ok`` (a FAQ's
    answers are in the markup, collapsed until a reader opens them)."""
    tag = tag_of(el)
    if not tag or tag in SKIP_TAGS:
        return True
    if (el.get("role") or "").lower() in SKIP_ROLES:
        return True
    if collapsed_ok:
        return False
    return el.get("aria-hidden") == "true" or el.get("hidden") is not None


def text_of(el: HtmlElement) -> str:
    """Visible text of an element, skipping scripts, styles and templates."""
    if not len(el):  # a leaf: most blocks
        return clean(el.text)
    parts: list[str] = []

    def rec(node: HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and tag_of(child) not in ("script", "style", "noscript", "template"):
                if tag_of(child) == "br":
                    parts.append(" ")
                else:
                    rec(child)
            if child.tail:
                parts.append(child.tail)

    rec(el)
    return clean("".join(parts))


# Parts of a headline element that are not the headline: a kicker above it ("Dachzeile",
# "overline", "roofline", "toptitle"), a subtitle under it, the hidden ": " between them
_NOT_HEADLINE = re.compile(r"kicker|dachzeile|spitzmarke|overline|roofline|top-?title|topline|titleheader|"
                           r"supertitle|eyebrow|sub-?title|sub-?heading|subline|colon|hiddendash|visually-hidden|sr-only", re.I)


def headline_of(h1: HtmlElement) -> str:
    """The headline a heading element shows, without its kicker or subtitle (``<h1><span
    class="dachzeile">Nach Corona-Lockerungen</span> <span class="headline">Autohäuser ...
    </span></h1>`` is "Autohäuser ..."); its whole text when nothing else is left."""
    whole = text_of(h1)
    parts = [c for c in h1.iter() if c is not h1 and isinstance(c.tag, str) and (
        c.tag == "small" or _NOT_HEADLINE.search(c.get("class") or "") or c.get("aria-hidden") == "true")]
    if not parts:
        return whole
    rest = whole
    for part in parts:
        shown = text_of(part)
        if shown and shown in rest:
            rest = rest.replace(shown, " ", 1)
    rest = clean(rest).strip(" :-–—|")
    return rest if len(rest) >= 10 else whole


def section_label(text: str) -> str | None:
    if not text or len(text) > 140:
        return None
    m = _SECTIONS.fullmatch(text)
    return m.lastgroup if m else None


def _is_label_block(b: Block) -> bool:
    """Headings, and short paragraphs that are only bold text, can be labels."""
    if b.kind == "heading":
        return True
    if len(b.text) > 140:
        return False
    tag = tag_of(b.el)
    if tag in ("p", "div", "span", "strong", "b", "dt"):
        kids = [c for c in b.el if isinstance(c.tag, str)]
        if not kids:
            return True
        return all(tag_of(c) in ("strong", "b", "span") for c in kids) and not (b.el.text or "").strip()
    return False


def parse_meta_line(el: HtmlElement, text: str, meta: MetaLine) -> bool:
    """Read "Posted on ..", "N min read", "Last updated: ..", "Published by ..", "Tags: ..".
    Returns True when ``text`` is such a line (it is then not body text)."""
    if len(text) > 300 or not META_START.match(text):
        return False
    _read_times(el, meta)
    m = _TAGS.match(text)
    if m:
        links = [text_of(a) for a in el.iter("a")]
        meta.tags = [t for t in links if t] or [clean(x) for x in m.group(1).split(",") if clean(x)]
        return True
    _read_meta_text(text, meta)
    return True


def _read_times(el: HtmlElement, meta: MetaLine) -> None:
    """The line's <time> elements: updated when their context says so, else posted."""
    for t in el.iter("time"):
        ctx = text_of(t.getparent()).lower() if t.getparent() is not None else ""
        attr = t.get("datetime")
        if "updated" in ctx:
            meta.updated_attr = meta.updated_attr or attr
            meta.updated = meta.updated or text_of(t)
        else:
            meta.posted_attr = meta.posted_attr or attr
            meta.posted = meta.posted or text_of(t)


def _read_meta_text(text: str, meta: MetaLine) -> None:
    """What the line's words say; the first value of each kind wins."""
    if (m := _POSTED.search(text)) and not meta.posted:
        meta.posted = m.group(1)
    if (m := _UPDATED.search(text)) and not meta.updated:
        meta.updated = m.group(1)
    if (m := _READ_TIME.search(text)) and meta.read_time is None:
        meta.read_time = int(m.group(1))
    if (m := _PUBLISHED_BY.search(text)) and not meta.published_by:
        meta.published_by = m.group(1)


def _has_blocks(el: HtmlElement) -> bool:
    # the first block found ends the search (an XPath union would collect and sort them all)
    return next(el.iter(*_BLOCKISH), None) is not None


def _first_text_el(el: HtmlElement) -> HtmlElement | None:
    for node in el.iter():
        if node is el or not isinstance(node.tag, str):
            continue
        if skipped(node):
            return None
        if (node.text or "").strip():
            return node
    return None


@dataclass
class _OpenSection:
    """A flat section being read: its label, the rank of its heading, blocks taken so far."""
    label: str
    rank: int
    count: int = 0


def _ends(sec: _OpenSection, kind: str, level: int) -> bool:
    """Does this block end the open section? A heading of its rank or above, its size limit,
    or (takeaways) the first block that is no list item."""
    return (kind == "heading" and level <= sec.rank) or \
        (sec.label in _LIMITS and sec.count >= _LIMITS[sec.label]) or \
        (sec.label == "takeaways" and kind != "item" and sec.count > 0)


class BlockReader:
    """Reads a root element in one pass, as a reader would; fills a :class:`Reading`."""

    def __init__(self, root: HtmlElement, start_after: HtmlElement | None=None, questions: bool = False) -> None:
        self.root = root
        # inside a FAQ, a <button> is a question (an accordion), not chrome
        self.questions = questions
        self.out = Reading()
        self.open: _OpenSection | None = None  # while inside a flat (not contained) section
        self.started = start_after is None
        self.start_after = start_after
        self.h1_path = set(start_after.iterancestors()) if start_after is not None else set()

    def run(self) -> Reading:
        self._walk(self.root)
        return self.out

    def _in_faq(self) -> bool:
        return self.questions or (self.open is not None and self.open.label == "faq")

    def _container_label(self, el: HtmlElement) -> str | None:
        first = _first_text_el(el)
        if first is None:
            return None
        return section_label(text_of(first))

    def _walk(self, container: HtmlElement) -> None:
        for child in container:
            if not isinstance(child.tag, str) or self._passed(child):
                continue
            tag = tag_of(child)
            if tag not in BLOCK_TAGS and tag not in LIST_TAGS and _has_blocks(child):
                if not self._labelled_container(child):
                    self._walk(child)
                continue
            if not self.started:
                self.started = child in self.h1_path
                continue
            if tag in LIST_TAGS:
                for li in child:
                    if isinstance(li.tag, str) and not skipped(li):
                        self._block(li, "item")
                continue
            self._block(child, "heading" if tag in ("h2", "h3", "h4", "h5", "h6", "summary") else "text")

    def _passed(self, child: HtmlElement) -> bool:
        """Taken care of before the walk looks inside: the start marker, a FAQ's question
        button, chrome that is skipped (True)."""
        if child is self.start_after:
            self.started = True
            return True
        if child.tag == "button" and self.started and self._in_faq():
            self._block(child, "heading")
            return True
        if skipped(child, collapsed_ok=self._in_faq()):
            if child in self.h1_path:
                self.started = True  # the title sits in a header: the body follows it
            return True
        return False

    def _labelled_container(self, child: HtmlElement) -> bool:
        """A container whose first text labels it ("Key takeaways", "FAQ"): read apart as that
        section (True), once the body has started."""
        label = self._container_label(child)
        if not (label and self.started):
            return False
        self.open = None
        sub = BlockReader(child, questions=label == "faq").run()
        blocks = sub.sections.get(label, []) + sub.body
        self.out.sections.setdefault(label, []).extend(blocks)
        self.out.section_roots.setdefault(label, []).append(child)
        return True

    def _block(self, el: HtmlElement, kind: str) -> None:
        text = text_of(el)
        if not text:
            return
        tag = tag_of(el)
        level = int(tag[1]) if kind == "heading" and tag[0] == "h" else (4 if kind == "heading" else 9)
        b = Block(el, kind, level, text)
        label = section_label(text) if _is_label_block(b) else None
        if label:
            rank = level if kind == "heading" else 2
            self.open = _OpenSection(label, rank)
            self.out.sections.setdefault(label, [])
            return
        if parse_meta_line(el, text, self.out.meta):
            return
        if self.open:
            sec = self.open
            if not _ends(sec, kind, level):
                self.out.sections[sec.label].append(b)
                sec.count += 1
                return
            self.open = None
        self.out.body.append(b)


def read_blocks(root: HtmlElement, start_after: HtmlElement | None=None) -> Reading:
    return BlockReader(root, start_after).run()
