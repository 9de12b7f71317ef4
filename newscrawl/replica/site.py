"""The replica portal: routes, faults, and the truth the crawl is compared against."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, quote, unquote, urlsplit

from newscrawl.replica import pages as render
from newscrawl.replica.content import CATEGORIES, NAV, ReplicaArticle, build_articles

PAGE_SIZE = 5
SITEMAP_SIZE = 25  # URLs a sitemap file (small, so that the replica has several)
# How each category pages through its listing (the live scheme is unknown: all of them).
PAGINATION = {"finance": "path", "banking": "query", "business": "relnext",
              "technology": "anext", "investing": "loadmore", "finance/fintech": "path"}

# Pages that are linked but must not become articles.
NOT_FOUND = "/missing-article-that-moved"
PDF = "/annual-report-summary-2025"
EMPTY = "/empty-response-story"
NO_BODY = "/draft-story-without-text"
DISALLOWED = "/private-preview"
FORBIDDEN_PREFIXES = ("/admin/", "/api/", "/tag/", "/author/", "/_next/", "/awards", "/magazine",
                      DISALLOWED)


@dataclass
class Request:
    path: str  # with query
    status: int
    conditional: bool  # sent If-None-Match or If-Modified-Since


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    raw: str | None = None  # a fault the server plays on the socket (reset_mid_body, stall, ...)


class ReplicaSite:
    """Serves the replica's paths. ``articles`` is the truth; tests may edit it."""

    def __init__(self, articles: list[ReplicaArticle] | None = None, js: bool = False, faults=None):
        self.articles = articles if articles is not None else build_articles()
        self.faults = faults  # a replica.faults.FaultPlan: the hostile portal
        if faults is not None:
            faults.assign(self.articles)
        from newscrawl.replica.js import JsPages
        self.js = JsPages() if js else None  # pages that need a browser or Next.js data
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.log: list[tuple[str, int]] = []  # (path with query, status)
        self.requests: list[Request] = []  # the same, with whether it was conditional
        self.user_agents: set[str] = set()
        self.redesign = False  # True: article pages lose their bylines (a site redesign)
        # True: listing pagers list every page number (a fault: a page's size grows with the
        # category's); default: WordPress's paginate_links (first, last, two each side of this one)
        self.every_page_number = False
        self.unknown_theme = False  # True: article pages leave Next.js (a theme no probe knows)
        self.delay = 0.0  # seconds each answer takes (a slow site, for concurrency tests)
        self.redirects: dict[str, str] = {}  # path -> where it redirects (301), e.g. a retired category
        # True: pages without Last-Modified (home, listings, sitemaps, feeds, robots.txt) keep
        # the ETag they were first served with, and answer 304 to it, whatever they now
        # show: a CDN that serves stale validators
        self.stale_validators = False
        self.frozen_etags: dict[str, str] = {}
        self.disallow: list[str] = []  # paths robots.txt forbids besides its usual ones
        self.in_flight = 0  # requests being answered now ...
        self.max_in_flight = 0  # ... and the most at once since reset_log()
        self._index()

    def _index(self) -> None:
        self.by_slug = {a.slug: a for a in self.articles}
        ordered = sorted(self.articles, key=lambda a: a.published, reverse=True)
        self.listed: dict[str, list[ReplicaArticle]] = {c: [] for c in CATEGORIES}
        for a in ordered:
            if not a.in_listings:
                continue
            for c in [a.category, *a.also_in]:
                self.listed[c].append(a)
                parent = c.split("/")[0]
                if parent != c:
                    self.listed[parent].append(a)
        self.ordered = ordered
        # each article's place in its category's listing (a page's neighbours, in O(1) at any size)
        self.places = {c: {a.slug: i for i, a in enumerate(peers)} for c, peers in self.listed.items()}
        # the sitemap files: oldest first, SITEMAP_SIZE a file (new articles change the last
        # one only, as on a WordPress/Yoast site)
        oldest = ordered[::-1]
        self.chunks = [oldest[i:i + SITEMAP_SIZE] for i in range(0, len(oldest), SITEMAP_SIZE)]

    def edit(self, slug: str, **changes) -> ReplicaArticle:
        """Change an article between two crawls (a wire story re-imported)."""
        with self.lock:
            new = replace(self.by_slug[slug], **changes)
            self.articles[self.articles.index(self.by_slug[slug])] = new
            self._index()
        return new

    def publish(self, articles: list[ReplicaArticle]) -> None:
        """New articles between two crawls: at the top of their category's page 1, in the
        sitemaps (with lastmod), the news sitemap and the feed."""
        with self.lock:
            self.articles.extend(articles)
            self._index()

    def article_path(self, a: ReplicaArticle) -> str:
        return f"/{a.slug}/" if a.slash_url else f"/{a.slug}"

    # -- routing ---------------------------------------------------------------------------
    def handle(self, path_qs: str, base: str, user_agent: str = "", headers=None) -> Response:
        """Answer one GET. ``headers``: the request's (If-None-Match, If-Modified-Since)."""
        parts = urlsplit(path_qs)
        path, query = parts.path, parse_qs(parts.query)
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            resp = self._route(path, query, base)
        finally:
            with self.lock:
                self.in_flight -= 1
        conditional = bool(headers and (headers.get("If-None-Match") or headers.get("If-Modified-Since")))
        if resp.status == 200 and resp.body and resp.raw is None:
            resp = self._validated(resp, headers or {}, path)
        with self.lock:
            self.log.append((path_qs, resp.status))
            self.requests.append(Request(path_qs, resp.status, conditional))
            self.user_agents.add(user_agent)
        return resp

    def _validated(self, resp: Response, headers, path: str = "") -> Response:
        """ETag (a hash of the body) and, for articles, Last-Modified; 304 when they match."""
        etag = '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'
        if self.stale_validators and "Last-Modified" not in resp.headers:
            with self.lock:
                etag = self.frozen_etags.setdefault(path, etag)
        resp.headers.setdefault("ETag", etag)
        inm = headers.get("If-None-Match")
        ims = headers.get("If-Modified-Since")
        lm = resp.headers.get("Last-Modified")
        if inm:  # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
            fresh = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims and lm:
            try:
                fresh = parsedate_to_datetime(lm) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                fresh = False
        else:
            fresh = False
        if fresh:
            return Response(304, b"", resp.content_type, {k: v for k, v in resp.headers.items()
                                                          if k in ("ETag", "Last-Modified")})
        return resp

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()
            self.requests.clear()
            self.user_agents.clear()
            self.max_in_flight = self.in_flight

    def _route(self, path: str, query: dict, base: str) -> Response:
        if path in self.redirects:
            return Response(301, b"", headers={"Location": self.redirects[path]})
        if self.faults is not None:
            found = self._fault(path, base)
            if found is not None:
                return found
        if self.js is not None:
            found = self.js.route(path, query, base)
            if found is not None:
                return Response(found[0], found[1], found[2])
        found = self._fixed(path, query, base)
        if found is not None:
            return found
        return self._article(path, base)

    def _fixed(self, path: str, query: dict, base: str) -> Response | None:
        """robots.txt, the home page, sitemaps, feeds, categories and the odd pages; None for
        an article's path."""
        if path == "/robots.txt":
            return Response(200, render.robots(base, self.disallow).encode(), "text/plain; charset=utf-8")
        if path == "/":
            return self._html(self._home())
        if path in ("/sitemap.xml", "/sitemap-news.xml") or path.startswith("/sitemaps/"):
            return self._sitemap(path, base)
        if path in ("/feed/", "/rss.xml"):
            return Response(200, render.rss(base, self.ordered[:10]).encode(),
                            "application/rss+xml; charset=utf-8")
        if path.startswith("/category/"):
            return self._category(path, query)
        if path == PDF:
            return Response(200, b"%PDF-1.4\n% replica annual report\n", "application/pdf")
        if path == EMPTY:
            return Response(200, b"")
        if path == NO_BODY:
            return self._html(render.no_body_page("Draft story without text"))
        if path.startswith(FORBIDDEN_PREFIXES):
            # Served (the live site serves them too) so that a crawl following them shows up.
            return self._html(render.home_page([], []))
        return None

    def _article(self, path: str, base: str) -> Response:
        slug = path.strip("/")
        a = self.by_slug.get(slug)
        if a is None or "/" in slug:
            return Response(404, b"<html><body><h1>Page not found</h1></body></html>")
        want = self.article_path(a)
        if path != want:
            return Response(301, b"", headers={"Location": want})
        if a.fail_first:
            with self.lock:
                self.hits[path] = self.hits.get(path, 0) + 1
                odd = self.hits[path] % 2 == 1
            if odd:
                return Response(500, b"<html><body>Internal error</body></html>")
        if self.redesign:  # the new theme shows no byline, nor authors in its markup
            a = replace(a, byline=None, authors=[])
        html = render.article_page(a, base, *self._neighbours(a))
        if self.unknown_theme:
            html = html.replace('<div id="__next">', '<div id="app-root">')
        resp = self._html(html)
        resp.headers["Last-Modified"] = format_datetime((a.updated or a.published).astimezone(timezone.utc),
                                                        usegmt=True)
        return resp

    def _neighbours(self, a: ReplicaArticle) -> tuple[list, ReplicaArticle | None, ReplicaArticle | None]:
        """Related articles, and the previous and next of its category."""
        peers = self.listed[a.category]
        related = [r for r in peers[:5] if r is not a][:4]
        i = self.places[a.category].get(a.slug, -1)
        if i >= 0 and peers[i] != a:
            i = -1  # a changed copy (a redesign's) is not the listed article
        prev = peers[i + 1] if 0 <= i < len(peers) - 1 else None
        nxt = peers[i - 1] if i > 0 else None
        return related, prev, nxt

    def _fault(self, path: str, base: str) -> Response | None:
        """The fault mode's answer for this path, or None for the normal page."""
        from newscrawl.replica import faults as fault_pages
        plan = self.faults
        on = set(plan.faults)
        if path == "/robots.txt" and "robots_500" in on:
            return Response(500, b"<html><body>robots.txt is down</body></html>")
        if path == "/robots.txt" and "robots_timeout" in on:
            return Response(200, render.robots(base, self.disallow).encode(), "text/plain; charset=utf-8", raw="stall")
        if "non_ascii_url" in on and unquote(path).strip("/") == fault_pages.NON_ASCII_SLUG:
            donor = self.by_slug[sorted(self.by_slug)[0]]
            a = replace(donor, slug=fault_pages.NON_ASCII_SLUG, title="Marchés en hausse à Zürich")
            return self._html(render.article_page(a, base, [], None, None))
        found = self._sitemap_fault(path, base, on)
        if found is not None:
            return found
        return self._page_fault(path, base)

    def _sitemap_fault(self, path: str, base: str, on: set[str]) -> Response | None:
        from newscrawl.replica import faults as fault_pages
        if path == "/sitemap.xml":
            extra = [c for c, f in (("/sitemaps/broken.xml", "sitemap_malformed"),
                                    ("/sitemaps/oversized.xml", "sitemap_oversized"),
                                    ("/sitemaps/entities.xml", "sitemap_entities")) if f in on]
            body = render.sitemap_index(base, [(c, None) for c in extra]
                                        + [(f"/sitemaps/posts-{i}.xml", None) for i in range(1, len(self.chunks) + 1)])
            return Response(200, body.encode(), "application/xml; charset=utf-8")
        if path == "/sitemaps/broken.xml":
            return Response(200, b"\x00\x01 this is { not XML <urlset", "application/xml")
        if path == "/sitemaps/oversized.xml":  # every article many times, behind tracking parameters
            arts = self.ordered
            rows = [(f"/{arts[i % len(arts)].slug}?utm_source=s{i}", None) for i in range(60_000)]
            return Response(200, render.urlset(base, rows).encode(), "application/xml; charset=utf-8")
        if path == "/sitemaps/entities.xml":
            return Response(200, fault_pages.ENTITY_SITEMAP.replace(b"BASE", base.encode()), "application/xml")
        return None

    def _page_fault(self, path: str, base: str) -> Response | None:
        """An article's fault (FaultPlan.by_slug): an error, a redirect, or the page spoilt."""
        from newscrawl.replica import faults as fault_pages
        plan = self.faults
        assert plan is not None
        slug = path.strip("/")
        fault = plan.by_slug.get(slug)
        if fault is None:
            return None
        a = self.by_slug[slug]
        with self.lock:
            n = plan.hit(path)
        answer = _fault_answer(fault, n, slug, base)
        if answer is not None:
            return answer
        if fault == "control_title":
            a = replace(a, title=a.title + fault_pages.ESCAPES)
        if fault == "cp1252_as_utf8":
            a = replace(a, title=a.title + " \u2013 caf\u00e9\u2019s view")
        return _spoilt(self._html(render.article_page(a, base, [], None, None)), fault, n)

    def _html(self, text: str) -> Response:
        return Response(200, text.encode("utf-8"))

    def _variant(self, a: ReplicaArticle, n: int) -> str:
        """Link variants of one article: the crawler must fetch it once."""
        p = f"/{a.slug}"
        return [p, p + "/", p + "?utm_source=newsletter&utm_medium=email", p + "#comments",
                p + "/?fbclid=IwAR0abc", p + "?gclid=xyz&mc_cid=42"][n % 6]

    def _home(self) -> str:
        top = self.ordered[:8]
        cards = [render.card(a, self._variant(a, i + 1)) for i, a in enumerate(top)]
        cards += [render.card(a, self._variant(a, i + 3)) for i, a in enumerate(top[:3])]
        extra = [(NOT_FOUND, "A story that moved"), (PDF, "Annual report summary"),
                 (EMPTY, "An empty page"), (NO_BODY, "A draft"), (DISALLOWED, "Preview"),
                 ("/admin/login", "Admin"), ("/api/revalidate?secret=1", "Revalidate"),
                 ("/tag/markets/", "Markets tag"), ("/author/ruth-holloway/", "An author"),
                 ("/awards/banking-awards-2026/", "Awards"), ("/about-us/", "About"),
                 ("https://staging.globalbankingandfinance.com/staging-only-story", "Staging"),
                 ("mailto:editor@example.org", "Write to us")]
        if self.js is not None:
            extra += self.js.home_links()
        if self.faults is not None and "non_ascii_url" in self.faults.faults:
            from newscrawl.replica.faults import NON_ASCII_SLUG
            extra += [(f"/{NON_ASCII_SLUG}", "Marchés (raw)"), (f"/{quote(NON_ASCII_SLUG)}", "Marchés (encoded)")]
        return render.home_page(cards, extra)

    def _category(self, path: str, query: dict) -> Response:
        segs = [s for s in path.split("/") if s][1:]
        page_no = 1
        if len(segs) >= 2 and segs[-2] == "page" and segs[-1].isdigit():
            page_no = int(segs[-1])
            segs = segs[:-2]
        cat = "/".join(segs)
        if cat not in CATEGORIES:
            return Response(404, b"<html><body><h1>Page not found</h1></body></html>")
        if "page" in query and query["page"][0].isdigit():
            page_no = int(query["page"][0])
        items = self.listed[cat]
        last = max(1, -(-len(items) // PAGE_SIZE))
        style = PAGINATION[cat]
        if page_no > last and style != "query":
            return Response(404, b"<html><body><h1>Page not found</h1></body></html>")
        chunk = items[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
        cards = [render.card(a, self._variant(a, i + page_no)) for i, a in enumerate(chunk)]
        subs = [c for c in CATEGORIES if c.startswith(cat + "/")]
        top = [f'<a href="/{a.slug}">{render.esc(a.title)}</a>' for a in self.ordered[:3]]
        return self._html(render.listing_page(cat, cards, page_no, last, style, subs, top,
                                              every_number=self.every_page_number))

    def _sitemap(self, path: str, base: str) -> Response:
        arts = self.ordered
        chunks = self.chunks
        if path == "/sitemap.xml":
            children = [(f"/sitemaps/posts-{i}.xml", max(a.updated or a.published for a in chunk))
                        for i, chunk in enumerate(chunks, 1)]
            body = render.sitemap_index(base, children + [("/sitemaps/pages.xml", None)])
        elif path == "/sitemap-news.xml":
            body = render.urlset(base, [(f"/{a.slug}", a.published) for a in arts[:10]], news=True)
        elif path.startswith("/sitemaps/posts-") and path.endswith(".xml") and \
                path[len("/sitemaps/posts-"):-4].isdigit() and 1 <= int(path[len("/sitemaps/posts-"):-4]) <= len(chunks):
            chunk = chunks[int(path[len("/sitemaps/posts-"):-4]) - 1]
            body = render.urlset(base, [(self.article_path(a), a.updated or a.published) for a in chunk])
        elif path == "/sitemaps/pages.xml":
            body = render.urlset(base, [("/about-us/", None), ("/contact-us/", None)]
                                 + [(f"/category/{c}/", None) for c in NAV])
        else:
            return Response(404, b"")
        return Response(200, body.encode(), "application/xml; charset=utf-8")


def expected_articles(site: ReplicaSite, base: str) -> dict[str, dict]:
    """The fields a correct crawl yields for every replica article, keyed by URL."""
    from datetime import timezone
    out = {}
    for a in site.articles:
        url = f"{base}/{a.slug}"

        def day_or_time(d: datetime | None, date_only: bool = a.date_only) -> datetime | None:
            if d is None:
                return None
            d = d.astimezone(timezone.utc)
            return d.replace(hour=0, minute=0, second=0) if date_only else d

        if a.kind == "legacy":
            crumbs: list[dict[str, str]] = []
            language = "en-US"
        elif a.kind == "bare":
            crumbs, language = [], "en"
        else:
            crumbs = [{"name": "Home", "url": base + "/"}] + [
                {"name": n, "url": base + p} for n, p in render.cat_crumbs(a.category)] + [
                {"name": a.title, "url": url}]
            language = "en-GB"
        image = None
        if a.image:
            image = {"url": a.image["url"], "alt": a.image["alt"],
                     "caption": None if a.kind == "legacy" else a.image.get("caption")}
        out[url] = {
            "url": url, "title": a.title,
            "category": None if a.kind == "bare" else CATEGORIES[a.category],
            "breadcrumbs": crumbs, "tags": list(a.tags), "authors": list(a.authors),
            "publisher": None if a.kind in ("legacy", "bare") else render.SITE_NAME,
            # a page crediting only the publication (its JSON-LD author the site) names it the source
            "source": a.source or (render.SITE_NAME if a.kind == "modern" and not a.authors else None),
            "published_at": day_or_time(a.published),
            "updated_at": day_or_time(a.updated) if a.kind != "legacy" else None,
            "read_time_minutes": a.read_time, "summary": a.summary, "body": a.body,
            "key_takeaways": list(a.takeaways),
            "faq": [{"question": q, "answer": ans} for q, ans in a.faq],
            "image": image, "language": language,
        }
    return out


def _fault_answer(fault: str, n: int, slug: str, base: str) -> Response | None:
    """The faults that answer instead of the page: errors, throttling, redirects."""
    if fault == "burst_5xx" and n <= 3:
        return Response((500, 502, 503)[n - 1], b"<html><body>busy</body></html>")
    if fault == "retry_after_429" and n == 1:
        return Response(429, b"slow down", headers={"Retry-After": "1"})
    if fault in ("redirect_loop", "redirect_offsite", "redirect_staging"):
        host = base.split("://", 1)[1]
        where = {"redirect_loop": f"/{slug}?loop={n}", "redirect_offsite": f"http://elsewhere.example.test/{slug}",
                 "redirect_staging": f"http://staging.{host.split(':')[0]}.example.test/{slug}"}[fault]
        return Response(301, b"", headers={"Location": where})
    return None


def _spoilt(resp: Response, fault: str, n: int) -> Response:
    """The page as the fault serves it: mis-encoded, with a BOM, a gzip bomb, or left to the
    server to break on the socket."""
    from newscrawl.replica import faults as fault_pages
    if fault == "cp1252_as_utf8":
        resp.body = resp.body.decode("utf-8").encode("cp1252", errors="replace")
    elif fault == "bom":
        resp.body = b"\xef\xbb\xbf" + resp.body
    elif fault == "gzip_bomb":
        resp.body = fault_pages.gzip_bomb()
        resp.headers["Content-Encoding"] = "gzip"
    elif fault in ("reset_mid_body", "stall") and n == 1 or fault in ("truncated", "huge_body"):
        resp.raw = fault  # done by the server, on the socket
    return resp
