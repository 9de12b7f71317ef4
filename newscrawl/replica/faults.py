"""A hostile portal: the replica's fault mode (``ReplicaSite(faults=FaultPlan(seed=...))``).

Each article fault is given, deterministically for a seed, to one plain article of the
replica; site-wide faults hit robots.txt and the sitemaps. ``FAULTS`` says what is served
and what the crawler promises (the tests and bench/faults_bench.py check exactly that):
``stored`` (after retries if need be), ``dropped:<reason>``, ``never_fetched``, or ``survived``
(the crawl finishes and stores every other article).
"""
from __future__ import annotations

import gzip
import random
from dataclasses import dataclass, field

# name -> (what the replica serves, what the crawler promises)
ARTICLE_FAULTS = {
    "burst_5xx": ("500, 502 and 503, then the page", "stored"),
    "retry_after_429": ("429 with Retry-After: 1, then the page", "stored"),
    "reset_mid_body": ("the connection reset half-way through the body, then the page", "stored"),
    "stall": ("no answer for 3 s (past DOWNLOAD_TIMEOUT), then the page", "stored"),
    "truncated": ("always fewer bytes than Content-Length says", "dropped:truncated"),
    "cp1252_as_utf8": ("the page in windows-1252 while the header says UTF-8", "stored"),
    "bom": ("a UTF-8 byte-order mark before <!DOCTYPE>", "stored"),
    "huge_body": ("a 50 MB body", "dropped:too_large"),
    "gzip_bomb": ("gzip that inflates to 200 MB", "dropped:too_large"),
    "redirect_loop": ("redirects to itself, forever", "dropped:redirect_loop"),
    "redirect_offsite": ("301 to another host", "never_fetched"),
    "redirect_staging": ("301 to the staging. host", "never_fetched"),
    "control_title": ("a title with terminal escape sequences and control characters", "stored"),
}
SITE_FAULTS = {
    # Scrapy then allows every path; the configured sitemaps and feeds are read instead.
    "robots_500": ("robots.txt answers 500", "survived"),
    "non_ascii_url": ("an article at /marchés-… linked raw and percent-encoded", "stored once"),
    "sitemap_malformed": ("a sitemap that is not XML", "survived"),
    "sitemap_oversized": ("a sitemap of 60,000 URLs (the protocol allows 50,000)", "survived"),
    "sitemap_entities": ("a sitemap with an external entity and a billion-laughs payload", "survived"),
}
# Served only when asked for (it replaces robots_500): robots.txt stalls past DOWNLOAD_TIMEOUT.
FAULTS = {**ARTICLE_FAULTS, **SITE_FAULTS}
NON_ASCII_SLUG = "marchés-en-hausse-à-zürich-2026"
ESCAPES = "\x1b[31m\x1b]0;pwned\x07\x00\x08"


@dataclass
class FaultPlan:
    seed: int = 13
    faults: tuple[str, ...] = tuple(FAULTS)
    by_slug: dict[str, str] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def assign(self, articles) -> None:
        plain = sorted(a.slug for a in articles if a.kind == "modern" and not a.fail_first and not a.slash_url
                       and a.in_listings)
        chosen = random.Random(self.seed).sample(plain, len([f for f in self.faults if f in ARTICLE_FAULTS]))
        self.by_slug = dict(zip(chosen, [f for f in self.faults if f in ARTICLE_FAULTS]))

    def slug_of(self, fault: str) -> str:
        return next(s for s, f in self.by_slug.items() if f == fault)

    def hit(self, key: str) -> int:
        self.hits[key] = self.hits.get(key, 0) + 1
        return self.hits[key]


_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    global _BOMB
    if _BOMB is None:
        import io
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                f.write(chunk)
        _BOMB = buf.getvalue()
    return _BOMB


ENTITY_SITEMAP = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>BASE/xxe-&xxe;</loc></url>
<url><loc>BASE/lol-&lol9;</loc></url>
</urlset>"""
