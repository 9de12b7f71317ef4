"""Articles of the offline replica, written for this project (no third-party text).

A few hand-written articles cover the special kinds of page; a seeded generator adds the
rest, and makes the 2,000+ article replica of the benchmark. Each article is the ground
truth the tests compare the crawl against.
"""
from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from importlib import resources

UTC = timezone.utc

CATEGORIES = {  # path -> name shown
    "finance": "Finance",
    "finance/fintech": "Fintech",
    "banking": "Banking",
    "business": "Business",
    "technology": "Technology",
    "investing": "Investing",
}
NAV = ["business", "finance", "banking", "technology", "investing"]

# Page kinds (ReplicaArticle.kind): which layers of markup a page carries.
#   modern: JSON-LD + meta tags + visible labels      meta: meta tags + labels, no JSON-LD
#   labels: visible labels and semantic HTML only     legacy: the old WordPress theme
#   bare: no labels, no semantic containers (generic extraction)


@dataclass
class ReplicaArticle:
    slug: str
    title: str
    category: str
    kind: str
    published: datetime
    blocks: list[tuple[str, str]]  # ("p" | "h2" | "quote", text)
    summary: str | None = None
    updated: datetime | None = None
    byline: str | None = None  # as shown: "By Brenda Goh and David Kirton"
    authors: list[str] = field(default_factory=list)  # truth
    source: str | None = None  # wire agency
    tags: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    image: dict | None = None  # {"url", "caption", "alt"}
    also_in: list[str] = field(default_factory=list)  # other listing categories
    read_time: int | None = None
    wire: bool = False
    slash_url: bool = False  # served at "/slug/"; "/slug" redirects there (legacy)
    fail_first: bool = False  # answers 500, then 200 on the retry
    next_image: bool = False  # hero image behind /_next/image?url=
    in_listings: bool = True  # False: reachable from the sitemaps only

    @property
    def body(self) -> str:
        return "\n\n".join(text for _, text in self.blocks)

    @property
    def date_only(self) -> bool:
        """Pages whose dates are shown only as day text (no machine-readable time)."""
        return self.kind in ("labels", "bare")


def _img(seed: str, alt: str, caption: str | None) -> dict:
    h = uuid.uuid5(uuid.NAMESPACE_URL, seed).hex
    return {"url": f"https://cdn.sanity.io/images/gbaf1234/production/{h}-1200x800.jpg",
            "alt": alt, "caption": caption}


def _special() -> list[ReplicaArticle]:
    """The hand-written articles (articles.json beside this module: data, not code)."""
    rows = json.loads(resources.files(__package__).joinpath("articles.json").read_text(encoding="utf-8"))
    arts = []
    for row in rows:
        for key in ("published", "updated"):
            if row.get(key):
                row[key] = datetime.fromisoformat(row[key])
        row["blocks"] = [tuple(b) for b in row["blocks"]]
        row["faq"] = [tuple(qa) for qa in row.get("faq", [])]
        arts.append(ReplicaArticle(**row))
    return arts


# Sentence banks for generated articles.
_FIRMS = ["Northbridge Capital", "Harbour Mutual", "Aldwick Bank", "Corran Payments",
          "Veldt Securities", "Kestrel Insurance", "Meridian Trust", "Oakham Asset Management",
          "Lumen Pay", "Stonegate Building Society", "Calder Ventures", "Brightwater Finance"]
_TOPICS = {
    "finance": ["bond yields", "corporate debt", "pension funds", "credit ratings", "dividends"],
    "banking": ["deposit rates", "branch closures", "capital buffers", "mortgage approvals",
                "current accounts"],
    "business": ["supply chains", "quarterly results", "mergers", "hiring plans", "exports"],
    "technology": ["cloud migration", "fraud detection", "open banking", "cyber security",
                   "payment apps"],
    "investing": ["emerging markets", "index funds", "private equity", "gold", "small caps"],
    "finance/fintech": ["digital wallets", "robo-advice", "lending platforms"],
}
_CITIES = ["LONDON", "NEW YORK", "SINGAPORE", "FRANKFURT", "TOKYO", "DUBAI", "TORONTO"]
_FIRST = ["Ruth", "Daniel", "Amira", "Kwame", "Lena", "Marco", "Yuki", "Sofia", "Arjun", "Nadia"]
_LAST = ["Holloway", "Mensah", "Kowalski", "Tanaka", "Ferreira", "Quinn", "Bauer", "Osei",
         "Lindgren", "Castillo"]
_ROLES = ["Head of Research at {f}", "Partner at {f}", "Chief Investment Officer, {f}"]
_OPEN = ["{F} said on {day} that {t} would shape its plans for the rest of the year.",
         "Interest in {t} rose sharply in the last quarter, according to figures from {F}.",
         "{F} expects {t} to remain the main talking point for clients in {year}.",
         "A survey by {F} found that {n} per cent of firms plan to spend more on {t}."]
_MIDDLE = ["Analysts said the shift reflected tighter conditions rather than a change of strategy.",
           "Executives pointed to steady demand from small and medium-sized customers.",
           "The figures were broadly in line with forecasts published in the spring.",
           "Some investors remain cautious, citing uncertainty over the path of interest rates.",
           "Regulators have asked firms to report progress every six months.",
           "Competition from newer entrants has pushed established players to cut fees.",
           "Staff numbers in the division rose by {n} over the year.",
           "The company said it would publish more detail alongside its annual report."]
_CLOSE = ["{F} declined to comment on individual clients.",
          "Further updates are expected before the end of the quarter.",
          "Shares of {F} closed {n2} per cent higher.",
          "The next review is scheduled for {month}."]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_MONTHS = ["March", "June", "September", "December"]


DESK = "GBAF News Desk"


def _paragraphs(i: int, rng: random.Random, words: dict, wire: bool, topic: str
                ) -> tuple[list[str], list[tuple[str, str]]]:
    paras = [rng.choice(_OPEN).format(**words)]
    if wire:
        city = rng.choice(_CITIES)
        paras[0] = f"{city} (Reuters) - " + paras[0]
    for s in rng.sample(_MIDDLE, 3):
        paras.append(s.format(**words) + " " + rng.choice(_MIDDLE).format(**words))
    paras.append(rng.choice(_CLOSE).format(**words))
    blocks: list[tuple[str, str]] = [("p", p) for p in paras]
    if i % 3 == 0:
        blocks.insert(2, ("h2", f"What it means for {topic}"))
    if wire:
        blocks.append(("p", f"(Reporting by {rng.choice(_FIRST)} {rng.choice(_LAST)}; "
                            f"Editing by {rng.choice(_FIRST)} {rng.choice(_LAST)})"))
    return paras, blocks


def _credits(i: int, rng: random.Random, kind: str, wire: bool, firm2: str) -> tuple[str | None, list[str]]:
    """The byline as shown and the authors it names (the truth)."""
    n_auth = 2 if wire and i % 2 == 0 else 1
    authors = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(n_auth)]
    authors = list(dict.fromkeys(authors))
    byline = None
    if kind != "legacy":
        if wire:
            byline = "By " + " and ".join(authors)
        elif i % 2:
            byline = f"By {authors[0]}, " + rng.choice(_ROLES).format(f=firm2)
        elif i % 4 == 2:  # the portal's own desk: a name like any other, a query must find it
            byline, authors = f"By {DESK}", [DESK]
        else:
            authors = []
    return byline, authors


def _days_back(i: int) -> int:
    """How far back article ``i`` goes: seven articles a day for the first 49,000 (19 years),
    then a hundred a day, so that a replica of 200,000 articles still starts after 2000 (the
    pipeline drops a publication date before 1990 as bad)."""
    return i // 7 if i < 49_000 else 7_000 + (i - 49_000) // 100


def _generated(i: int, rng: random.Random, base_date: datetime) -> ReplicaArticle:
    cats = [c for c in CATEGORIES]
    cat = cats[i % len(cats)]
    topic = rng.choice(_TOPICS[cat])
    firm, firm2 = rng.sample(_FIRMS, 2)
    kind = ("modern", "meta", "labels", "modern", "legacy", "meta")[i % 6]
    wire = i % 5 == 0 and kind != "legacy"
    published = base_date - timedelta(days=i * 3 % 700 + _days_back(i), hours=rng.randint(0, 12),
                                      minutes=rng.choice((0, 15, 30, 45)))
    if kind in ("labels",):
        published = published.replace(hour=0, minute=0)
    words = dict(F=firm, t=topic, day=rng.choice(_DAYS), year=published.year,
                 n=rng.randint(11, 78), n2=rng.randint(1, 9), month=rng.choice(_MONTHS))
    title = f"{firm} {rng.choice(['weighs', 'sees', 'bets on', 'reviews', 'warns on'])} {topic}"
    title += f" ({i})" if i % 4 == 0 else f" in {published.year}"
    slug = "-".join(w.strip("()").lower() for w in title.split())
    paras, blocks = _paragraphs(i, rng, words, wire, topic)
    byline, authors = _credits(i, rng, kind, wire, firm2)
    updated = None
    if i % 4 == 1 and kind != "labels":
        updated = min(published + timedelta(days=rng.randint(1, 30), hours=2), base_date)
    tags = rng.sample([topic.capitalize(), firm, "Markets", "Regulation", "Economy",
                       "Interest rates", "Growth"], 3)
    return ReplicaArticle(
        slug=slug, title=title, category=cat, kind=kind,
        published=published, updated=updated, blocks=blocks,
        byline=byline, authors=authors, wire=wire, source="Reuters" if wire else None,
        tags=tags, also_in=["business"] if wire and cat != "business" else [],
        **_furniture(i, kind == "legacy", firm, topic, paras, slug),
    )


def _furniture(i: int, legacy: bool, firm: str, topic: str, paras: list[str], slug: str) -> dict:
    """Summary, takeaways, FAQ, image, read time and URL form (the old theme has fewer)."""
    return dict(
        summary=None if legacy else f"{firm} on {topic}: {paras[0][:90].rstrip()}.",
        takeaways=[] if legacy else [f"{firm} focuses on {topic}.", "Demand stays steady."],
        faq=[] if legacy or i % 2 else [(f"What did {firm} say about {topic}?", paras[0].split(" - ")[-1])],
        image=None if i % 7 == 3 else _img(slug, f"Illustration for {topic}",
                                           None if i % 2 else f"{topic.capitalize()} - Global Banking & Finance Review"),
        read_time=None if legacy else max(1, len(" ".join(paras).split()) // 200 + 1),
        slash_url=legacy and i % 2 == 0,
    )


def build_articles(n_generated: int = 34, seed: int = 2025,
                   base_date: datetime = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)) -> list[ReplicaArticle]:
    rng = random.Random(seed)
    arts = _special()
    seen = {a.slug for a in arts}
    for i in range(n_generated):
        a = _generated(i, rng, base_date)
        if a.slug in seen:
            a.slug += f"-{i}"
        seen.add(a.slug)
        arts.append(a)
    return arts


def fresh_articles(n: int, when: datetime, seed: int = 7) -> list[ReplicaArticle]:
    """``n`` new articles published in the minutes before ``when`` (a site that moved on)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a = _generated(i, rng, when)
        out.append(replace(a, slug=f"{a.slug}-n{seed}-{i}", published=when - timedelta(minutes=i + 1),
                           updated=None, fail_first=False, slash_url=False))
    return out
