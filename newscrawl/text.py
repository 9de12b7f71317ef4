"""Plain-text helpers shared by the page parsers and the pipelines."""
from __future__ import annotations

import hashlib
import re
import unicodedata

WIRE_AGENCIES = ("Reuters", "Thomson Reuters", "AP", "Associated Press", "AFP", "Bloomberg",
                 "PA Media", "Dow Jones", "dpa", "ANI", "PTI", "Xinhua", "Kyodo")

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BY = re.compile(r"^\s*(?:written\s+)?by[:\s]+", re.I)
_ROLE_WORDS = re.compile(
    r"\b(at|of|for|and\s+head|chief|ceo|cfo|cto|coo|head|director|manager|partner|founder|"
    r"co-founder|president|vice|analyst|economist|strategist|editor|correspondent|reporter|"
    r"writer|columnist|contributor|officer|lead|senior|principal|professor|adviser|advisor|"
    r"consultant|specialist|associate|executive|chairman|chair|staff|team|desk)\b", re.I)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’.\-]*|de|da|del|der|van|von|bin|al|al-\w+|la|le|du|di|dos|mc\w*)$")
DATELINE = re.compile(
    r"^\s*([A-Z][A-Z./'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'’\- ]{1,30})?)\s*\(([A-Z][A-Za-z.&' ]{1,30})\)\s*[-–—]+\s*")


def clean(text: str | None) -> str:
    """Collapse runs of white space into one space and trim."""
    if not text:
        return ""
    return _WS.sub(" ", text).strip()


def clean_block(text: str | None) -> str:
    """Normalize a multi-paragraph text: lines trimmed, one blank line between paragraphs."""
    if not text:
        return ""
    paras = [clean(p) for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text)]
    out = []
    for p in paras:
        lines = [clean(line) for line in p.split("\n")]
        joined = " ".join(x for x in lines if x)
        if joined:
            out.append(joined)
    return "\n\n".join(out)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def word_count(body: str | None) -> int:
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", body or ""))


def content_hash(body: str | None) -> str:
    """Stable hash of a normalized body (NFC, white space collapsed per paragraph)."""
    norm = clean_block(nfc(body or ""))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def is_agency(name: str, agencies=WIRE_AGENCIES) -> bool:
    n = clean(name).lower().rstrip(".")
    return any(n == a.lower() for a in agencies)


def _looks_like_name(part: str) -> bool:
    tokens = part.split()
    if not 1 <= len(tokens) <= 5 or _ROLE_WORDS.search(part):
        return False
    return all(_NAME_TOKEN.match(t) for t in tokens) and part[0].isupper()


def split_byline(text: str | None, agencies=WIRE_AGENCIES) -> list[str]:
    """Person names of a byline: "By Brenda Goh and David Kirton" gives two names;
    roles ("Jane Smith, Chief Economist at X") and agencies ("..., Reuters") are dropped."""
    text = clean(text)
    if not text:
        return []
    text = _BY.sub("", text)
    text = re.split(r"\s+[|–—]\s+|\s+-\s+", text)[0]
    # "Jane Smith, Chief Economist at X" -> drop from the first part that is a role
    parts = [p.strip(" .;:") for p in re.split(r",|;|\s+and\s+|\s*&\s*", text)]
    names: list[str] = []
    for part in parts:
        if not part:
            continue
        if is_agency(part, agencies):
            continue
        part = re.sub(r"\s*\(.*?\)\s*", " ", part).strip()
        if _looks_like_name(part):
            if part not in names:
                names.append(part)
        elif names:
            break  # a role or affiliation ends the list of names
    return names


def looks_like_byline(text: str) -> bool:
    """A short paragraph such as "By Brenda Goh" or "By Jane Smith, Partner at X"."""
    t = clean(text)
    return bool(_BY.match(t)) and len(t) <= 160 and bool(split_byline(t))


def dateline_source(text: str | None) -> str | None:
    """The wire agency of a dateline such as "SHANGHAI (Reuters) - "."""
    m = DATELINE.match(text or "")
    return clean(m.group(2)) if m else None
