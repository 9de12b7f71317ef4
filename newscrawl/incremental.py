"""Incremental re-runs: what earlier runs stored decides what this run fetches.

``CrawlHistory`` reads the store once at the start (a compact set of the site's stored URLs,
the recent articles, the HTTP validators of listing, sitemap and feed pages, the start of
the last successful run) and answers the spider's questions: is this URL stored, is this
stored article due for a revisit, which sitemap links changed since we last fetched them.
It buffers what the run learns (validators, 304s) and writes it at the end.

``ConditionalRequests`` (a downloader middleware) sends ``If-None-Match`` /
``If-Modified-Since`` for requests that carry validators, counts requests by kind and the
304 answers, and lets a 304 through to the callback.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .keys import NOT_MODIFIED, REQUESTS, REQUESTS_CONDITIONAL
from .seen import SeenUrls
from .store import Store, StoreUnavailable

logger = logging.getLogger(__name__)

VALIDATORS = "newscrawl_validators"  # request meta: {"etag", "last_modified"}
KIND = "newscrawl_kind"  # request meta: listing, sitemap, feed, robots, article_new, article_revisit


def validators_of(response) -> dict | None:
    etag = response.headers.get(b"ETag")
    modified = response.headers.get(b"Last-Modified")
    if not etag and not modified:
        return None
    return {"etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None}


@dataclass
class Policy:
    revisit_hours: float  # articles published this recently are revisited ...
    revisit_every: float  # ... when last fetched more than this many hours ago
    known_pages: int  # listing pages read past the first all-known one


class CrawlHistory:
    def __init__(self, store: Store, site: str, spider: str, policy: Policy, now: datetime):
        self.store = store
        self.site = site.rstrip("/")
        self.policy = policy
        self.now = now
        self.known = SeenUrls()
        for url in store.iter_urls(self.site + "/"):
            self.known.add(url)
        self.recent = store.visit_states(published_since=now - timedelta(hours=policy.revisit_hours),
                                         prefix=self.site + "/")
        self.validators = store.load_validators(self.site + "/")
        for url, v in self.validators.items():  # pages dropped for good count as known too
            if v.get("kind") == "dropped":
                self.known.add(url)
        self.last_success = self._last_success(spider)
        self._touched: list[str] = []
        self._learned: dict[str, dict] = {}

    def _last_success(self, spider: str) -> datetime | None:
        for run in self.store.last_runs(50):
            if (run.get("spider") == spider and run.get("site") == self.site
                    and run.get("finish_reason") == "finished"):
                return run.get("started_at")
        return None

    def __len__(self) -> int:
        return len(self.known)

    def is_known(self, url: str) -> bool:
        return url in self.known

    def revisits_due(self) -> list[tuple[str, dict | None]]:
        """(url, validators) of recent articles last fetched longer ago than the policy says."""
        stale = self.now - timedelta(hours=self.policy.revisit_every)
        return [(url, st.get("http_cache")) for url, st in sorted(self.recent.items())
                if st.get("last_seen_at") is None or st["last_seen_at"] < stale]

    def changed_since_fetched(self, links) -> list[tuple[str, dict | None]]:
        """(url, validators) of known links whose lastmod is newer than our last fetch."""
        dated = {link.url: link.lastmod for link in links if link.lastmod and self.is_known(link.url)}
        if not dated:
            return []
        states = self.store.visit_states(urls=list(dated))
        return [(url, states[url].get("http_cache")) for url, lastmod in dated.items()
                if url in states and (states[url].get("last_seen_at") is None
                                      or lastmod > states[url]["last_seen_at"])]

    def sitemap_child_changed(self, lastmod: datetime | None) -> bool:
        return lastmod is None or self.last_success is None or lastmod > self.last_success

    def page_validators(self, url: str) -> dict | None:
        v = self.validators.get(url)
        return {"etag": v.get("etag"), "last_modified": v.get("last_modified")} if v else None

    def remembered(self, kind: str) -> list[str]:
        return sorted(u for u, v in self.validators.items() if v.get("kind") == kind)

    # ---- what this run learns ----------------------------------------------------------
    def learn(self, url: str, kind: str, response) -> None:
        v = validators_of(response)
        if v:
            self._learned[url] = {"url": url, "kind": kind, **v, "fetched_at": self.now}

    def dropped(self, url: str) -> None:
        """A page that is not an article (404, not HTML, no body): not fetched again while
        the site lists it unchanged."""
        self._learned[url] = {"url": url, "kind": "dropped", "etag": None, "last_modified": None,
                              "fetched_at": self.now}

    def not_modified(self, url: str) -> None:
        self._touched.append(url)

    def save(self, now: datetime) -> None:
        try:
            if self._touched:
                self.store.touch(self._touched, now)
            self.store.save_validators(list(self._learned.values()))
        except StoreUnavailable as exc:  # costs only a conditional request next time
            logger.warning("Could not save what this run learned for the next one: %s", exc)
        self._touched, self._learned = [], {}


class ConditionalRequests:
    """Downloader middleware: conditional headers, request kinds, 304s."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        kind = request.meta.get(KIND)
        first = not (request.meta.get("retry_times") or request.meta.get("redirect_times"))
        if kind and first:  # retries and redirects have their own Scrapy stats
            self.stats.inc_value(f"{REQUESTS}{kind}")
        v = request.meta.get(VALIDATORS)
        if v:
            if v.get("etag"):
                request.headers[b"If-None-Match"] = v["etag"]
            if v.get("last_modified"):
                request.headers[b"If-Modified-Since"] = v["last_modified"]
            if first:
                self.stats.inc_value(REQUESTS_CONDITIONAL)
            if 304 not in request.meta.setdefault("handle_httpstatus_list", []):
                request.meta["handle_httpstatus_list"].append(304)
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304:
            self.stats.inc_value(NOT_MODIFIED)
        return response


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
