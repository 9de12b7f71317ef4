"""Watch mode (newscrawl.fresh.watch): the spider's part of a crawl that does not close: what
a cycle fetches, and when the next one starts."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider

from newscrawl.crawl.incremental import utcnow
from newscrawl.keys import (
    META_POLL,
    WATCH,
    RequestKind,
)
from newscrawl.spiders.core import GbafBase
from newscrawl.store import StoreUnavailable

logger = logging.getLogger(__name__)


class Watching(GbafBase):
    # ---- watch mode (newscrawl/watch.py): a crawl that does not close ----------------------
    def _watch_opened(self, spider: Spider) -> None:
        # connected now, after the pipelines' idle handler (they write their buffer then)
        self.crawler.signals.connect(self._watch_idle, signal=signals.spider_idle)
        self.watching.start()

    def _watch_idle(self) -> None:
        if self.history is None:  # the store failed at start: nothing to watch
            return
        if self.watching.cycle is not None:
            if not self.watching.settled():  # its last batch is being written
                raise DontCloseSpider
            self._watch_save()
            self.watching.finish()
            if self.watching.health.site is not None:  # the site is away: ask again, not at once
                self.watching.sleep_until(utcnow() + timedelta(seconds=self.config.policy.poll_min), self._watch_next)
                raise DontCloseSpider
        self._watch_next()
        raise DontCloseSpider

    def _watch_save(self) -> None:
        """What the cycle learned (validators, signal states), saved; the store's answer told to the watch's health."""
        history = self.past()
        tried = history.unsaved
        error = history.save(utcnow())
        if error is not None:
            self.watching.health.store_failed(error)
        elif tried:
            self.watching.health.store_worked()
        if not self.incremental:  # the first discovery filled an empty store: read it
            self._reopen_history()

    def _reopen_history(self) -> bool:
        """Read the store's history again (a discovery); while the store is away, go on with the one held."""
        try:
            self._open_history()
        except StoreUnavailable as exc:
            self.watching.health.store_failed(str(exc))
            logger.warning("Watch: the store is unavailable (%s); going on with what it held", exc)
            return False
        return True

    def _watch_next(self) -> None:
        """Fetch what is due now (a discovery, or the signals due), else wake when it is."""
        now, plan = utcnow(), self.watching.plan
        self.watching.cancel_wake()
        if plan.discovery_due(now):
            self._reopen_history()
            self.watching.begin("a discovery")
            requests = list(self._discovery())
        else:
            self.past().tick(now)
            due = plan.due(self.past().signals(plan.kinds()), now)
            self.watching.begin(f"polling {len(due)} change signals")
            requests = [r for url, kind in due if (r := self._poll_request(url, kind)) is not None]
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            return
        self.watching.cycle = None
        self.watching.sleep_until(plan.next_wake(self.past().signals(plan.kinds()), now), self._watch_next)

    def _poll_request(self, url: str, kind: str) -> Request | None:
        meta: dict[str, Any] = {META_POLL: True}
        validators = self._page_validators(url)
        self.stats.inc_value(WATCH + "polls")
        if kind == "home":
            return self._request(url, self.parse_listing, RequestKind.LISTING, validators, meta=meta,
                                 cb_kwargs={"category": None, "page": 1})
        if kind == "feed":
            return self._request(url, self.parse_feed, RequestKind.FEED, validators, meta=meta)
        if kind == "sitemap_root":
            return self._request(url, self.parse_sitemap, RequestKind.SITEMAP, validators, meta=meta,
                                 cb_kwargs={"kind": "sitemap_root"})
        path = self.rules.category_path(url)  # a listing: page 1 of a named category
        if path and path in (self.categories or ()):
            return self._request(url, self.parse_listing, RequestKind.LISTING, validators, meta=meta,
                                 cb_kwargs={"category": path, "page": 1})
        return None
