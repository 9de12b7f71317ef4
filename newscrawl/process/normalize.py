"""Normalization of a validated article: clean text, canonical URL, UTC dates, BCP 47."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any

from newscrawl.site.dates import parse_date, to_ms
from newscrawl.site.rules import canonicalize
from newscrawl.site.text import clean, clean_block, content_hash, nfc, word_count

# A UTF-8 lead byte read as Windows-1252, then its continuation bytes.
_CONT = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL"): removed whole.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_LANG_NAMES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "arabic": "ar"}
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|\d{3}))?$")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("donâ€™t" -> "don’t"), run by run, only where the
    bytes decode as UTF-8; correct accents elsewhere in the text are left alone."""
    def repair(m: re.Match[str]) -> str:
        try:
            return m.group(0).encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return m.group(0)
    return _MOJIBAKE.sub(repair, text)


def strip_controls(s: str) -> str:
    """Without terminal escape sequences and control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", _ESCAPES.sub("", s))


def text(value: Any, block: bool = False) -> str:
    """Entities decoded, mojibake repaired, NFC, control characters and extra white space gone.
    Curly quotes are kept."""
    if value is None:
        return ""
    s = html.unescape(str(value))
    s = fix_mojibake(s)
    s = strip_controls(nfc(s))
    return clean_block(s) if block else clean(s)


def language(value: Any) -> str | None:
    """BCP 47 tag: 'en_GB' -> 'en-GB', 'EN' -> 'en', 'English' -> 'en'."""
    if not value:
        return None
    v = str(value).strip()
    if v.lower() in _LANG_NAMES:
        return _LANG_NAMES[v.lower()]
    m = _LANG.match(v)
    if not m:
        return None
    lang, script, region = m.groups()
    out = lang.lower()
    if script:
        out += "-" + script.title()
    if region:
        out += "-" + region.upper()
    return out


def utc(value: Any) -> datetime | None:
    """Aware UTC datetime at millisecond precision (what MongoDB keeps)."""
    d = parse_date(value) if value is not None else None
    if d is None:
        return None
    return to_ms(d.astimezone(timezone.utc))


def tags(values: Any) -> list[str]:
    out, seen = [], set()
    for v in values or []:
        t = text(v)
        if t and t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return out


def authors(values: Any) -> list[str]:
    """Each name cleaned, once. Never split again: the layers split bylines with the site's
    names and the agencies (a staff byline of the portal stays whole)."""
    out: list[str] = []
    for v in values or []:
        name = text(v)
        if name and name not in out:
            out.append(name)
    return out


def _structured(d: dict[str, Any]) -> dict[str, Any]:
    """Takeaways, FAQ, breadcrumbs and the image, with clean text; empty entries left out."""
    return {
        "key_takeaways": [t for t in (text(x) for x in d.get("key_takeaways") or []) if t],
        "faq": [{"question": text(q["question"]), "answer": text(q["answer"])}
                for q in d.get("faq") or [] if text(q.get("question")) and text(q.get("answer"))],
        **_crumbs_and_image(d),
    }


def _crumbs_and_image(d: dict[str, Any]) -> dict[str, Any]:
    img = d.get("image")
    return {
        "breadcrumbs": [{"name": text(c.get("name")), "url": c.get("url")}
                        for c in d.get("breadcrumbs") or [] if isinstance(c, dict) and text(c.get("name"))],
        "image": {"url": img["url"], "caption": text(img.get("caption")) or None,
                  "alt": text(img.get("alt")) or None} if img else None,
    }


def normalize(item: dict[str, Any], default_language: str | None = "en") -> dict[str, Any]:
    d = dict(item)
    d["url"] = text(d["url"])  # canonical already: the parser's SiteRules.article_url
    for name in ("title", "category", "publisher", "source", "summary"):
        d[name] = text(d.get(name)) or None
    d["body"] = text(d["body"], block=True)
    d["tags"] = tags(d.get("tags"))
    d["authors"] = authors(d.get("authors"))
    d.update(_structured(d))
    d["related_urls"] = list(dict.fromkeys(canonicalize(u, trailing_slash=False)
                                           for u in d.get("related_urls") or []))
    for name in ("published_at", "updated_at", "crawled_at"):
        d[name] = utc(d.get(name))
    d["language"] = language(d.get("language")) or default_language
    # derived from the body as stored, here only (the parser leaves them to this step)
    d["word_count"] = word_count(d["body"])
    d["content_hash"] = content_hash(d["body"])
    return d
