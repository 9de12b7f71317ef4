"""Articles of the offline replica, written for this project (no third-party text).

A few hand-written articles cover the special kinds of page; a seeded generator adds the
rest, and makes the 2,000+ article replica of the benchmark. Each article is the ground
truth the tests compare the crawl against.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
BST = timezone(timedelta(hours=1))

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
    arts = [
        ReplicaArticle(
            slug="harbour-city-lenders-brace-for-slower-mortgage-growth",
            title="Harbour City lenders brace for slower mortgage growth",
            category="finance", kind="modern", wire=True, source="Reuters",
            also_in=["business"],
            published=datetime(2025, 1, 15, 9, 30, tzinfo=UTC),
            updated=datetime(2026, 1, 27, 14, 5, tzinfo=UTC),
            byline="By Mara Lindqvist and Tomas Okafor",
            authors=["Mara Lindqvist", "Tomas Okafor"],
            summary="Mortgage lenders in Harbour City expect loan growth to halve this year as "
                    "higher funding costs squeeze margins and buyers wait for cheaper credit.",
            blocks=[
                ("h2", "Funding costs bite"),
                ("p", "HARBOUR CITY (Reuters) - Mortgage lenders in Harbour City expect new "
                      "lending to grow at half last year's pace, three senior bankers said on "
                      "Wednesday, as deposit competition pushes up what they pay for funds."),
                ("p", "\u201cWe are pricing for a slower year, not a bad one,\u201d said the head "
                      "of retail lending at one of the city's four largest banks."),
                ("h2", "WHAT THE REGULATOR SAID"),
                ("p", "The regional supervisor told lenders in a letter seen by Reuters that "
                      "affordability checks would stay unchanged until at least the autumn."),
                ("p", "(Reporting by Mara Lindqvist and Tomas Okafor; Editing by Ines Varga)"),
            ],
            tags=["Mortgages", "Interest rates", "Harbour City"],
            takeaways=["Lenders expect mortgage growth to halve this year.",
                       "Deposit competition is raising funding costs.",
                       "Affordability rules stay unchanged until the autumn."],
            faq=[("Why are mortgage lenders expecting slower growth?",
                  "Higher funding costs and cautious buyers are holding back new lending."),
                 ("Will affordability checks change?",
                  "The supervisor said they stay unchanged until at least the autumn.")],
            image=_img("harbour", "Terraced houses on a hill in Harbour City",
                       "Houses in Harbour City - Global Banking & Finance Review"),
            read_time=3),
        ReplicaArticle(
            slug="EU-LENDERS-SANCTIONS-3f6c2a1e-8d4b-4c7e-9a51-0b2d7e6f9c13",
            title="EU lenders review exposure to sanctioned shipping firms",
            category="business", kind="meta", wire=True, source="Reuters", also_in=["finance"],
            published=datetime(2025, 7, 1, 10, 0, tzinfo=BST),
            updated=datetime(2025, 7, 1, 16, 45, tzinfo=BST),
            byline="By Ilse Brandt", authors=["Ilse Brandt"],
            summary="Several European banks are reviewing loans to shipping companies after a "
                    "new round of sanctions widened the list of restricted vessels.",
            blocks=[
                ("p", "FRANKFURT (Reuters) - Several European banks have started reviewing loans "
                      "to shipping companies after regulators widened the list of restricted "
                      "vessels, two people familiar with the matter said."),
                ("p", "The reviews cover letters of credit as well as term loans, the people "
                      "said, and could take several weeks to complete."),
                ("p", "(Reporting by Ilse Brandt; Editing by Paul Amadi)"),
            ],
            tags=["Sanctions", "Shipping", "European banks"],
            takeaways=["Banks are reviewing loans to shipping firms.",
                       "The review covers letters of credit and term loans."],
            image=_img("eu-lenders", "Container ship in port", None),
            read_time=2),
        ReplicaArticle(
            slug="three-reporters-on-copper-price-swings",
            title="Copper price swings test miners' hedging books",
            category="investing", kind="labels", wire=True, source="Reuters",
            published=datetime(2025, 3, 4, tzinfo=UTC),
            byline="By Ana Ruiz, Felix Hart and Grace Mwangi",
            authors=["Ana Ruiz", "Felix Hart", "Grace Mwangi"],
            summary="Sharp moves in copper prices have forced miners to revisit how much of "
                    "next year's output they sell forward.",
            blocks=[
                ("p", "LONDON/SANTIAGO (Reuters) - Copper's sharpest monthly swing in two years "
                      "has pushed miners to revisit their hedging programmes."),
                ("p", "Traders said forward sales rose as producers locked in prices above "
                      "their budget assumptions."),
                ("p", "(Reporting by Ana Ruiz, Felix Hart and Grace Mwangi; Editing by Jo Kerr)"),
            ],
            tags=["Commodities", "Copper"],
            takeaways=["Miners are selling more output forward."],
            read_time=2),
        ReplicaArticle(
            slug="why-treasury-teams-should-rethink-cash-buffers",
            title="Why treasury teams should rethink cash buffers",
            category="banking", kind="modern",
            published=datetime(2024, 11, 20, 8, 0, tzinfo=UTC),
            byline="By Jane Whitcombe, Chief Economist at Northbridge Capital",
            authors=["Jane Whitcombe"],
            summary="Corporate treasurers hold more idle cash than their risks justify; a "
                    "tiered buffer frees money without adding danger.",
            blocks=[
                ("p", "Most corporate treasury teams still size their cash buffers with rules "
                      "written for a world of cheap money."),
                ("h2", "A tiered approach"),
                ("p", "Splitting the buffer into operating, reserve and strategic tiers lets a "
                      "company invest the slower tiers without risking payroll."),
                ("quote", "Liquidity is a policy choice, not an accident of the balance sheet."),
                ("p", "The author writes in a personal capacity."),
            ],
            tags=["Treasury", "Liquidity", "Corporate finance"],
            takeaways=["Idle cash has a real cost.", "Tier the buffer by purpose."],
            faq=[("What is a tiered cash buffer?",
                  "A buffer split into operating, reserve and strategic parts."),
                 ("Does it add risk?", "Not when each tier matches the timing of its uses.")],
            image=_img("treasury", "A treasury desk", "Treasury desk - Global Banking & Finance Review"),
            read_time=4),
        ReplicaArticle(
            slug="building-societies-celebrate-a-decade-of-digital-savings",
            title="Building societies celebrate a decade of digital savings",
            category="banking", kind="legacy", slash_url=True,
            published=datetime(2019, 5, 14, 7, 12, tzinfo=UTC),
            authors=["Oliver Penrose"],
            blocks=[
                ("p", "Ten years after the first app-only savings account, building societies say "
                      "digital channels now bring in most new members."),
                ("p", "Members opening accounts online are younger and save smaller amounts more "
                      "often, according to the sector's trade body."),
                ("p", "Branches remain busy for mortgages and later-life advice."),
            ],
            tags=["Savings", "Building societies"],
            image=_img("building", "Savings app on a phone", None)),
        ReplicaArticle(
            slug="the-quiet-rise-of-payment-hubs",
            title="The quiet rise of payment hubs",
            category="technology", kind="legacy",
            published=datetime(2020, 2, 3, 12, 0, tzinfo=UTC),
            authors=["Priya Raman"],
            blocks=[
                ("p", "Banks that once ran a separate system for every payment scheme are moving "
                      "to single hubs that route card, instant and cross-border payments."),
                ("h2", "Fewer systems, fewer outages"),
                ("p", "Consolidation cuts maintenance costs and makes outages easier to trace."),
            ],
            tags=["Payments"]),
        ReplicaArticle(
            slug="a-plain-page-about-regional-credit-unions",
            title="Regional credit unions widen lending to small firms",
            category="finance", kind="bare",
            published=datetime(2023, 9, 8, tzinfo=UTC),
            blocks=[
                ("p", "Regional credit unions lent more to small firms last year than in any "
                      "year since records began, as members turned to local lenders for working "
                      "capital and equipment loans."),
                ("p", "Loan officers said demand came mostly from builders, farms and family-run "
                      "shops that had found larger banks slow to answer applications."),
                ("p", "The unions plan to pool underwriting staff so that smaller branches can "
                      "handle larger requests without long delays."),
                ("p", "Arrears remain low, the unions' association said, although it expects "
                      "them to rise slightly as fixed-rate deals come to an end."),
            ]),
        ReplicaArticle(
            slug="instant-payments-outage-resolved-after-retry",
            title="Instant payments outage resolved within the hour",
            category="technology", kind="modern", fail_first=True,
            published=datetime(2025, 10, 2, 18, 20, tzinfo=UTC),
            summary="A routing fault delayed instant payments for forty minutes before engineers "
                    "switched traffic to a standby site.",
            blocks=[("p", "A routing fault delayed instant payments for about forty minutes on "
                          "Thursday evening, the scheme operator said."),
                    ("p", "Engineers moved traffic to a standby data centre and no payments "
                          "were lost, it added.")],
            tags=["Payments", "Outages"], read_time=1,
            image=_img("outage", "Server racks", None)),
        ReplicaArticle(
            slug="fintech-lenders-turn-to-embedded-credit",
            title="Fintech lenders turn to embedded credit",
            category="finance/fintech", kind="modern", next_image=True,
            published=datetime(2025, 6, 12, 11, 0, tzinfo=BST),
            updated=datetime(2025, 6, 13, 9, 0, tzinfo=BST),
            byline="By Samuel Achebe", authors=["Samuel Achebe"],
            summary="Fintech lenders are placing credit offers inside retailers' checkouts "
                    "rather than in their own apps.",
            blocks=[("p", "Fintech lenders are moving credit offers into the checkout pages of "
                          "online shops, where buyers already are."),
                    ("p", "Partnership deals give lenders data on basket size, which they use "
                          "to set limits.")],
            tags=["Fintech", "Lending"], read_time=2,
            takeaways=["Credit moves to the checkout."],
            image=_img("embedded", "Checkout screen", "Checkout - Global Banking & Finance Review")),
        ReplicaArticle(
            slug="archive-note-on-bond-ladders",
            title="A note on bond ladders for cautious savers",
            category="investing", kind="meta", in_listings=False,
            published=datetime(2022, 4, 19, 6, 30, tzinfo=UTC),
            byline="By Helena Ortiz", authors=["Helena Ortiz"],
            summary="A bond ladder spreads maturities so that savers are never forced to sell.",
            blocks=[("p", "A ladder of bonds that mature one after another gives a saver cash at "
                          "regular intervals without selling early."),
                    ("p", "Each maturing bond can be reinvested at the long end of the ladder.")],
            tags=["Bonds", "Savings"], read_time=2),
    ]
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


def _generated(i: int, rng: random.Random, base_date: datetime) -> ReplicaArticle:
    cats = [c for c in CATEGORIES]
    cat = cats[i % len(cats)]
    topic = rng.choice(_TOPICS[cat])
    firm, firm2 = rng.sample(_FIRMS, 2)
    kind = ("modern", "meta", "labels", "modern", "legacy", "meta")[i % 6]
    wire = i % 5 == 0 and kind != "legacy"
    published = base_date - timedelta(days=i * 3 % 700 + i // 7, hours=rng.randint(0, 12),
                                      minutes=rng.choice((0, 15, 30, 45)))
    if kind in ("labels",):
        published = published.replace(hour=0, minute=0)
    words = dict(F=firm, t=topic, day=rng.choice(_DAYS), year=published.year,
                 n=rng.randint(11, 78), n2=rng.randint(1, 9), month=rng.choice(_MONTHS))
    title = f"{firm} {rng.choice(['weighs', 'sees', 'bets on', 'reviews', 'warns on'])} {topic}"
    title += f" ({i})" if i % 4 == 0 else f" in {published.year}"
    slug = "-".join(w.strip("()").lower() for w in title.split())
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
    updated = None
    if i % 4 == 1 and kind != "labels":
        updated = min(published + timedelta(days=rng.randint(1, 30), hours=2), base_date)
    tags = rng.sample([topic.capitalize(), firm, "Markets", "Regulation", "Economy",
                       "Interest rates", "Growth"], 3)
    legacy = kind == "legacy"
    return ReplicaArticle(
        slug=slug, title=title, category=cat, kind=kind,
        published=published, updated=updated, blocks=blocks,
        summary=None if legacy else f"{firm} on {topic}: {paras[0][:90].rstrip()}.",
        byline=byline, authors=authors, wire=wire, source="Reuters" if wire else None,
        tags=tags,
        takeaways=[] if legacy else [f"{firm} focuses on {topic}.", "Demand stays steady."],
        faq=[] if legacy or i % 2 else [(f"What did {firm} say about {topic}?",
                                        paras[0].split(" - ")[-1])],
        image=None if i % 7 == 3 else _img(slug, f"Illustration for {topic}",
                                           None if i % 2 else f"{topic.capitalize()} - Global Banking & Finance Review"),
        also_in=["business"] if wire and cat != "business" else [],
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
