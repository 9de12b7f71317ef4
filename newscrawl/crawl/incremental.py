"""Incremental re-runs: what earlier runs stored decides what this run fetches.

``CrawlHistory`` reads the store once at the start (a compact set of the site's stored URLs,
the recent articles, the HTTP validators of listing, sitemap and feed pages, the start of
the last successful run) and answers the spider's questions: is this URL stored, is this
stored article due for a revisit, which sitemap links changed since we last fetched them.
It buffers what the run learns (validators, 304s) and writes it at the end.

Change signals (home, listings, sitemaps, feeds, robots.txt) are not trusted for ever: a
CDN or cache may answer 304, or keep its ETag, while the content changed. Each signal keeps
a small ``state`` with its validators: a digest of the last body, how many 304s in a row it
answered (``streak``), whether it was caught lying (``liar``), and, for watch mode, how
often to poll it. :func:`conditional_allowed` sends every ``NEWSCRAWL_RECHECK_EVERY``-th
request of a signal without validators; :func:`is_stale_validator` catches the lie (same
validators, another body), counted as ``newscrawl/http/stale_validator``; from then on that
signal is always fetched in full.

``ConditionalRequests`` (a downloader middleware) sends ``If-None-Match`` /
``If-Modified-Since`` for requests that carry validators, counts requests by kind and the
304 answers, and lets a 304 through to the callback.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from newscrawl.keys import (
    ANNOUNCED_SENT,
    ANSWERS,
    META_ANNOUNCED,
    META_KIND,
    META_VALIDATORS,
    NOT_MODIFIED,
    REQUESTS,
    REQUESTS_CONDITIONAL,
    RequestKind,
)
from newscrawl.site.seen import SeenUrls
from newscrawl.store import Store, StoreUnavailable

logger = logging.getLogger(__name__)



def validators_of(response) -> dict | None:
    etag = response.headers.get(b"ETag")
    modified = response.headers.get(b"Last-Modified")
    if not etag and not modified:
        return None
    return {"etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None}


def digest(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()[:16]


def conditional_allowed(state: dict, every: int) -> bool:
    """Send the stored validators with this request of a change signal? Not to a signal caught
    lying, and not when its last ``every - 1`` answers were all 304 (so at least every
    ``every``-th request is a full one; 0 or 1: always conditional)."""
    if state.get("liar"):
        return False
    return every <= 1 or state.get("streak", 0) < every - 1


def is_stale_validator(old: dict | None, new: dict | None, body_digest: str) -> bool:
    """Did the site keep its validators although the body changed? ``old``: the stored entry
    (validators and ``state.digest``), ``new``: this response's validators."""
    if not old or not new:
        return False
    before = (old.get("state") or {}).get("digest")
    if not before or before == body_digest:
        return False
    if old.get("etag") and new.get("etag"):
        return old["etag"] == new["etag"]
    return bool(old.get("last_modified")) and old.get("last_modified") == new.get("last_modified")


def next_interval(interval: float | None, changed: bool, lo: float, hi: float, grow: float = 1.5) -> float:
    """Watch mode's poll interval of a signal: the shortest after a change, longer by ``grow``
    each time nothing changed, within [lo, hi]."""
    if changed or not interval:
        return lo
    return max(lo, min(hi, interval * grow))


def staggered(proposed: datetime, others: list[datetime], spacing: float) -> datetime:
    """A signal's next poll moved off the others' by ``spacing`` seconds, at most half an
    interval later. The home page, the feeds and the news sitemap all list the new
    articles: polled apart rather than together, n of them watch the site n times as often
    for the same number of requests."""
    t = proposed
    for _ in range(len(others) + 1):
        clash = [o for o in others if abs((o - t).total_seconds()) < spacing]
        if not clash:
            break
        t = max(clash) + timedelta(seconds=spacing)
    return t if (t - proposed).total_seconds() <= spacing * (len(others) + 1) / 2 else proposed


@dataclass
class Policy:
    revisit_hours: float  # articles published this recently are revisited ...
    revisit_every: float  # ... when last fetched more than this many hours ago
    known_pages: int  # listing pages read past the first all-known one
    recheck_every: int = 3  # every n-th request of a change signal goes without validators
    poll_min: float = 60.0  # watch mode: a signal's poll interval, after a change ...
    poll_max: float = 900.0  # ... and at most, while nothing changes
    poll_kinds: tuple[str, ...] = ("home", "feed", "sitemap_root")  # the signals a watch polls (staggered)


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
        self.rechecks = 0  # change signals fetched without validators on purpose

    def _last_success(self, spider: str) -> datetime | None:
        for run in self.store.last_runs(50):
            # a crawl that finished, or a watch's period that passed
            if run.spider == spider and run.site == self.site and (
                    run.finish_reason == "finished" or (run.finish_reason == "period_end" and run.status == "passed")):
                return run.started_at
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

    def changed_since_fetched(self, links, page: str | None = None) -> list[tuple[str, dict | None]]:
        """(url, validators) of known links whose lastmod is newer than our last fetch. While
        the store does not answer: none, and what was learned of ``page`` (the links' page) is
        forgotten, so that the next request of it reads it again."""
        dated = {link.url: link.lastmod for link in links if link.lastmod and self.is_known(link.url)}
        if not dated:
            return []
        try:
            states = self.store.visit_states(urls=list(dated))
        except StoreUnavailable as exc:
            if page is not None:
                self._learned.pop(page, None)
            logger.warning("Could not check %d known links of %s against the store (%s): that page is read again "
                           "next time", len(dated), page or "a page", exc)
            return []
        return [(url, states[url].get("http_cache")) for url, lastmod in dated.items()
                if url in states and (states[url].get("last_seen_at") is None
                                      or lastmod > states[url]["last_seen_at"])]

    def sitemap_child_changed(self, lastmod: datetime | None, url: str | None = None) -> bool:
        """Is a child sitemap worth fetching: its lastmod is newer than our last fetch of it
        (or, not fetched yet, than the start of the last successful run)."""
        entry = self.validators.get(url) if url else None
        fetched = entry.get("fetched_at") if entry else None
        since = fetched if isinstance(fetched, datetime) else self.last_success
        return lastmod is None or since is None or lastmod > since

    def page_validators(self, url: str) -> dict | None:
        """The validators to send for a change signal, or None (a full fetch: none stored, or
        this request is the periodic check of a signal that keeps answering 304)."""
        v = self.validators.get(url)
        if not v or not (v.get("etag") or v.get("last_modified")):
            return None
        if not conditional_allowed(v.get("state") or {}, self.policy.recheck_every):
            self.rechecks += 1
            return None
        return {"etag": v.get("etag"), "last_modified": v.get("last_modified")}

    def signals(self, kinds: tuple[str, ...]) -> dict[str, dict]:
        """{url: stored entry} of the change signals of these kinds (watch mode)."""
        return {u: v for u, v in self.validators.items() if v.get("kind") in kinds}

    def remembered(self, kind: str) -> list[str]:
        return sorted(u for u, v in self.validators.items() if v.get("kind") == kind)

    # ---- what this run learns ----------------------------------------------------------
    def learn(self, url: str, kind: str, response) -> tuple[bool, bool]:
        """A change signal answered in full: (changed since the last fetch, caught lying)."""
        v = validators_of(response)
        old = self._learned.get(url) or self.validators.get(url)
        body = digest(response.body)
        state = dict((old or {}).get("state") or {})
        changed = state.get("digest") != body
        stale = is_stale_validator(old, v, body)
        if stale:
            state["liar"] = True
            logger.info("%s kept its validators (%s) although its content changed: fetched in full from now on",
                        url, (v or {}).get("etag") or (v or {}).get("last_modified"))
        state.update(digest=body, streak=0)
        self._schedule(url, state, changed)
        self._learned[url] = {"url": url, "kind": kind, **(v or {"etag": None, "last_modified": None}),
                              "fetched_at": self.now, "state": state}
        return changed, stale

    def signal_not_modified(self, url: str) -> None:
        """A change signal answered 304."""
        old = self._learned.get(url) or self.validators.get(url)
        if not old:
            return
        state = dict(old.get("state") or {})
        state["streak"] = state.get("streak", 0) + 1
        self._schedule(url, state, False)
        self._learned[url] = {**old, "state": state}

    def _schedule(self, url: str, state: dict, changed: bool) -> None:
        interval = next_interval(state.get("interval_s"), changed, self.policy.poll_min, self.policy.poll_max)
        others = []
        for u, e in {**self.validators, **self._learned}.items():
            when = (e.get("state") or {}).get("next_poll_at")
            if u != url and e.get("kind") in self.policy.poll_kinds and when:
                others.append(datetime.fromisoformat(when))
        at = staggered(self.now + timedelta(seconds=interval), others, interval / (len(others) + 1))
        state.update(interval_s=interval, next_poll_at=at.isoformat())
        if changed:
            state["changed_at"] = self.now.isoformat()

    def dropped(self, url: str) -> None:
        """A page that is not an article (404, not HTML, no body): not fetched again while
        the site lists it unchanged."""
        self._learned[url] = {"url": url, "kind": "dropped", "etag": None, "last_modified": None,
                              "fetched_at": self.now}

    def not_modified(self, url: str) -> None:
        self._touched.append(url)

    def tick(self, now: datetime) -> None:
        """A crawl that does not close (watch mode): the clock moves on."""
        self.now = now

    def save(self, now: datetime, learned: bool = True) -> str | None:
        """What this run saw (articles touched) and, unless ``learned`` is False, what it
        learned of the site's pages (validators, digests) for the next run's conditional requests.
        Why the store refused it, or None (saved, or nothing to save)."""
        if not learned:
            self._learned = {}
        error = None
        try:
            if self._touched:
                self.store.touch(self._touched, now)
            if self._learned:
                self.store.save_validators(list(self._learned.values()))
        except StoreUnavailable as exc:  # costs only a conditional request next time
            logger.warning("Could not save what this run learned for the next one: %s", exc)
            error = str(exc)
        self.validators.update(self._learned)  # what the next poll of a watch sends
        self._touched, self._learned = [], {}
        return error

    @property
    def unsaved(self) -> bool:
        """Something to save (articles touched, pages learned)."""
        return bool(self._touched or self._learned)


def request_kind(request) -> str:
    """What a request fetches: the kind its component named; robots.txt (Scrapy's own fetch of
    it too); else other."""
    kind = request.meta.get(META_KIND)
    if kind:
        return str(kind)
    return str(RequestKind.ROBOTS if urlsplit(request.url).path == "/robots.txt" else RequestKind.OTHER)


def count_sent(stats, request) -> None:
    """An announced article request sent (or answered from the web archive): the progress estimate."""
    if request.meta.get(META_ANNOUNCED) and not (request.meta.get("retry_times") or request.meta.get("redirect_times")):
        stats.inc_value(ANNOUNCED_SENT)


class ConditionalRequests:
    """Downloader middleware: conditional headers, request kinds, 304s."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        """Every request the site sees counted once, by kind (a retry and a redirect too: the
        site answers each); conditional ones also counted as such, a dimension, not a kind."""
        self.stats.inc_value(f"{REQUESTS}{request_kind(request)}")
        count_sent(self.stats, request)
        v = request.meta.get(META_VALIDATORS)
        if v:
            if v.get("etag"):
                request.headers[b"If-None-Match"] = v["etag"]
            if v.get("last_modified"):
                request.headers[b"If-Modified-Since"] = v["last_modified"]
            self.stats.inc_value(REQUESTS_CONDITIONAL)
            if 304 not in request.meta.setdefault("handle_httpstatus_list", []):
                request.meta["handle_httpstatus_list"].append(304)
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304:
            self.stats.inc_value(NOT_MODIFIED)
        self.stats.inc_value(f"{ANSWERS}{request_kind(request)}/{response.status}")
        return response

    def process_exception(self, request, exception, spider=None):
        self.stats.inc_value(f"{ANSWERS}{request_kind(request)}/error")  # no answer: refused, reset, timeout
        return None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
