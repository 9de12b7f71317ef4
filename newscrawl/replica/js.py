"""Pages of the replica that need JavaScript or carry their content in Next.js data
(``ReplicaSite(js=True)``):

- ``/category/markets/``: a category paged only by a "Load more" button; its script fetches
  the next cards as JSON from ``/category/markets/more.json?offset=N`` (allowed) and pings
  ``/api/track`` (disallowed by robots.txt: a crawler must never hit it). No pager link, and
  ``/category/markets/page/2/`` is a 404. Its articles are in no sitemap, feed or related
  list: only "Load more" finds all of them.
- ``/app-shell-market-wrap``: an app shell (an empty root element and a script) whose script
  builds the article from ``/content/app-shell-market-wrap.json`` after load.
- ``/next-data-only-story``: the article only in ``__NEXT_DATA__`` (no visible content).
- ``/next-route-story``: an app shell whose build id is only in its build manifest's path; its
  script fetches the Next.js data route.
- ``/chrome-shell-story``: an app shell with the site's navigation and footer (well over 200
  characters) around an empty root, the build id only in the text of the script that fetches
  its data route (#31).
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from newscrawl.replica import pages as render
from newscrawl.replica.content import ReplicaArticle, fresh_articles

MARKETS = "markets"
MARKETS_PAGE = 5
APP_SHELL = "/app-shell-market-wrap"
NEXT_ONLY = "/next-data-only-story"
NEXT_ROUTE = "/next-route-story"  # an app shell whose script fetches its Next.js data route
CHROME_SHELL = "/chrome-shell-story"  # the same with the site's chrome, the build id in an inline script
BUILD_ID = "replica-build-7"
SITE = render.SITE_NAME
TRACK = "/api/track"

LOAD_MORE_JS = """
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('load-more');
  var grid = document.getElementById('cards');
  button.addEventListener('click', function () {
    var offset = grid.querySelectorAll('article').length;
    fetch('/api/track?e=load_more&offset=' + offset).catch(function () {});
    fetch('/category/markets/more.json?offset=' + offset).then(function (r) { return r.json(); })
      .then(function (data) {
        data.items.forEach(function (it) {
          var el = document.createElement('article');
          el.innerHTML = '<a href="' + it.url + '"><h3></h3></a>';
          el.querySelector('h3').textContent = it.title;
          grid.appendChild(el);
        });
        if (!data.more) { button.remove(); }
      });
  });
});
"""

APP_SHELL_JS = """
fetch('/api/track?e=view').catch(function () {});
fetch('/content/app-shell-market-wrap.json').then(function (r) { return r.json(); }).then(function (a) {
  var root = document.getElementById('__next');
  var html = '<nav aria-label="Breadcrumb"><a href="/">Home</a> <a href="/category/finance/">Finance</a></nav>'
    + '<article><h1></h1><p class="meta">Posted on <time datetime="' + a.published + '">' + a.shown + '</time></p>'
    + '<p class="by"></p><div class="body"></div></article>';
  root.innerHTML = html;
  root.querySelector('h1').textContent = a.title;
  root.querySelector('.by').textContent = 'By ' + a.author;
  var body = root.querySelector('.body');
  a.paragraphs.forEach(function (t) { var p = document.createElement('p'); p.textContent = t; body.appendChild(p); });
});
"""


def _shell(title: str, head: str = "", scripts: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{render.esc(title)}</title>'
            f'{head}</head><body><div id="__next"></div>{scripts}</body></html>')


class JsPages:
    def __init__(self, when: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)):
        old = fresh_articles(13, when, seed=31)
        self.markets: list[ReplicaArticle] = [
            replace(a, slug=f"markets-{a.slug}", category="investing", also_in=[], in_listings=False)
            for a in old]
        self.by_slug = {a.slug: a for a in self.markets}
        base = fresh_articles(2, when + timedelta(days=1), seed=47)
        self.app_shell = replace(base[0], slug=APP_SHELL.strip("/"), title="Markets wrap built in the browser",
                                 category="finance", in_listings=False)
        self.next_only = replace(base[1], slug=NEXT_ONLY.strip("/"), title="A story only in the Next.js data",
                                 category="finance", in_listings=False)
        routed = fresh_articles(1, when + timedelta(days=2), seed=53)[0]
        self.next_route = replace(routed, slug=NEXT_ROUTE.strip("/"), title="Lenders read from the data route",
                                  category="finance", in_listings=False)
        chrome = fresh_articles(1, when + timedelta(days=3), seed=59)[0]
        self.chrome_shell = replace(chrome, slug=CHROME_SHELL.strip("/"), title="Insurers wait for their data",
                                    category="finance", in_listings=False)

    def articles(self) -> list[ReplicaArticle]:
        return [*self.markets, self.app_shell, self.next_only, self.next_route, self.chrome_shell]

    def home_links(self) -> list[tuple[str, str]]:
        return [(f"/category/{MARKETS}/", "Markets"), (APP_SHELL, "Markets wrap"), (NEXT_ONLY, "Data story"),
                (NEXT_ROUTE, "Routed story"), (CHROME_SHELL, "Insurers story")]

    @staticmethod
    def _props(a: ReplicaArticle) -> dict:
        return {"article": {
            "title": a.title, "slug": a.slug, "publishedAt": a.published.isoformat(),
            "author": {"name": a.authors[0] if a.authors else "Staff Reporter"},
            "category": {"title": "Finance"}, "excerpt": a.summary or "",
            "body": "".join(f"<p>{render.esc(t)}</p>" for kind, t in a.blocks if kind == "p")}}

    def route(self, path: str, query: dict, base: str):
        """(status, body, content type) for the paths this module serves, else None."""
        found = self._markets(path, query) or self._shells(path)
        if found is not None:
            return found
        slug = path.strip("/")
        if slug in self.by_slug:
            a = self.by_slug[slug]
            return 200, render.article_page(a, base, [], None, None).encode(), "text/html; charset=utf-8"
        return None

    def _markets(self, path: str, query: dict):
        """The markets listing: a "load more" button and the JSON it reads."""
        if path == f"/category/{MARKETS}/":
            cards = "".join(render.card(a, f"/{a.slug}") for a in self.markets[:MARKETS_PAGE])
            body = ('<main><h1>Markets</h1><div class="gr_8" id="cards">' + cards + '</div>'
                    '<button id="load-more" class="lm_2" type="button">Load more</button></main>')
            html = render.page("Markets - " + render.SITE_NAME, '<script src="/static/load-more.js"></script>',
                               render.header() + body + render.footer())
            return 200, html.encode(), "text/html; charset=utf-8"
        if path.startswith(f"/category/{MARKETS}/page/"):
            return 404, b"<html><body><h1>Page not found</h1></body></html>", "text/html; charset=utf-8"
        if path == f"/category/{MARKETS}/more.json":
            offset = int((query.get("offset") or ["0"])[0] or 0)
            chunk = self.markets[offset:offset + MARKETS_PAGE]
            data = {"items": [{"url": f"/{a.slug}", "title": a.title} for a in chunk],
                    "more": offset + MARKETS_PAGE < len(self.markets)}
            return 200, json.dumps(data).encode(), "application/json"
        if path == "/static/load-more.js":
            return 200, LOAD_MORE_JS.encode(), "application/javascript"
        return None

    def _routed(self) -> dict[str, tuple[str, ReplicaArticle]]:
        """The app shells read from their Next.js data route: path -> (the page, its article)."""
        html = '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{}</title></head><body>{}</body></html>'
        # no __NEXT_DATA__: the build id only in the build manifest's path
        manifest = (f'<div id="app-root"></div><script src="/_next/static/{BUILD_ID}/_buildManifest.js"></script>'
                    '<script src="/static/app-shell-noop.js"></script>')
        # the site's chrome shows; the build id is only in the inline script's text
        chrome = (f'{render.header()}<main><div id="__next"></div></main>{render.footer()}'
                  f"<script>fetch('/_next/data/{BUILD_ID}{CHROME_SHELL}.json').then(function (r) "
                  "{ return r.json(); }).then(function (d) { window.__props = d; });</script>")
        return {NEXT_ROUTE: (html.format(SITE, manifest), self.next_route),
                CHROME_SHELL: (html.format(SITE, chrome), self.chrome_shell)}

    def _shells(self, path: str):
        """App shells: their scripts, the data they fetch, a Next.js data route."""
        if path == "/static/app-shell.js":
            return 200, APP_SHELL_JS.encode(), "application/javascript"
        if path == TRACK:
            return 204, b"", "text/plain"
        if path == APP_SHELL:
            return 200, _shell(self.app_shell.title, scripts='<script src="/static/app-shell.js"></script>').encode(), \
                "text/html; charset=utf-8"
        if path == "/content/app-shell-market-wrap.json":
            a = self.app_shell
            data = {"title": a.title, "published": a.published.isoformat(), "shown": render.day(a.published),
                    "author": a.authors[0] if a.authors else "Staff Reporter",
                    "paragraphs": [t for kind, t in a.blocks if kind == "p"]}
            return 200, json.dumps(data).encode(), "application/json"
        routed = self._routed()
        if path in routed:
            return 200, routed[path][0].encode(), "text/html; charset=utf-8"
        for page, (_, article) in routed.items():
            if path == f"/_next/data/{BUILD_ID}{page}.json":
                return 200, json.dumps({"pageProps": self._props(article)}).encode(), "application/json"
        if path == NEXT_ONLY:
            a = self.next_only
            next_data = {"props": {"pageProps": self._props(a)}, "page": "/[slug]", "query": {"slug": a.slug},
                         "buildId": "replica"}
            head = f'<meta name="description" content="{render.esc(a.title)}">'
            scripts = ('<script id="__NEXT_DATA__" type="application/json">' + json.dumps(next_data).replace("</", "<\\/")
                       + '</script><script src="/static/app-shell-noop.js"></script>')
            return 200, _shell(a.title, head, scripts).encode(), "text/html; charset=utf-8"
        return None
