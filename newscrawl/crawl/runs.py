"""The `crawl_runs` record: one document per crawl, written at start and at finish."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

from scrapy import signals
from twisted.internet import task

from newscrawl.conf import default
from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.figures import freshness
from newscrawl.crawl.monitors import Verdict, run_checked
from newscrawl.crawl.outcome import STAT_ERROR, run_status
from newscrawl.keys import (
    ARCHIVE,
    CLUSTER,
    DROPPED,
    ERRORS,
    EXTRACTION,
    EXTRACTION_ERROR,
    FRESHNESS,
    MODE,
    NOT_MODIFIED,
    REQUESTS,
    REQUESTS_CONDITIONAL,
    STALE_VALIDATOR,
    STORE_ERRORS,
    STORE_NEW,
    STORE_SPILLED,
    STORE_UNCHANGED,
    STORE_UPDATED,
    THEME,
    WATCH_LAST_PROBLEM,
    WATCH_PROBLEM,
    WATCH_PROBLEMS,
)
from newscrawl.process.pipelines import ARTICLES_STORED
from newscrawl.store import Store, StoreUnavailable
from newscrawl.store.extension import CrawlStore
from newscrawl.store.record import CrawlRun, mark_killed

logger = logging.getLogger(__name__)


def summarize(stats: dict) -> tuple[dict, dict]:
    """(counts, extraction layers per field) from a crawl's stats."""
    def group(prefix):
        return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}

    counts = {
        "scraped": stats.get("item_scraped_count", 0),
        "pages": stats.get("response_received_count", 0),
        "new": stats.get(STORE_NEW, 0),
        "updated": stats.get(STORE_UPDATED, 0),
        "unchanged": stats.get(STORE_UNCHANGED, 0),
        "spilled": stats.get(STORE_SPILLED, 0),
        "requests": group(REQUESTS),  # every request the site saw, by kind: their sum is the total
        "conditional": stats.get(REQUESTS_CONDITIONAL, 0),  # of which carried validators
        "not_modified": stats.get(NOT_MODIFIED, 0),
        "stale_validators": stats.get(STALE_VALIDATOR, 0),
        "freshness": group(FRESHNESS),  # new articles' published-to-stored lag: n, p50_s, p95_s
        "dropped": group(DROPPED),
        "themes": group(THEME),  # parser versions the pages were read with
        "archive": group(ARCHIVE),  # the web archive: records, bytes, not_archived/<reason>; replayed, missing, broken
        "extraction_errors": group(EXTRACTION_ERROR),  # "<layer>/<field>": n
        "errors": {**group(ERRORS), **({"store": stats[STORE_ERRORS]}
                                                     if STORE_ERRORS in stats else {}),
                   **({"log_errors": stats["log_count/ERROR"]} if "log_count/ERROR" in stats else {})},
    }
    extraction: dict[str, dict] = {}
    for key, n in group(EXTRACTION).items():
        field, _, layer = key.partition("/")
        extraction.setdefault(field, {})[layer] = n
    return counts, extraction


def since(stats: dict, base: dict) -> dict:
    """The counters of ``stats`` since ``base`` was taken (a watch's period); the rest as is."""
    if not base:
        return stats
    return {k: v - base.get(k, 0) if isinstance(v, (int, float)) and not isinstance(v, bool)
            and isinstance(base.get(k, 0), (int, float)) else v for k, v in stats.items()}


class CrawlRunRecorder:
    """Extension: records each crawl in the store's `crawl_runs` collection."""

    def __init__(self, crawler, store_factory: Callable[[], Store], run_id: str, period: float = 3600.0,
                 window_s: float | None = None):
        self.crawler = crawler
        # NEWSCRAWL_FRESH_WINDOW: new articles apart from a backfill
        self.window_s = window_s if window_s is not None else default("NEWSCRAWL_FRESH_WINDOW") * 3600
        self.alive: task.LoopingCall | None = None  # the record's sign of life, every alive_every seconds
        self.alive_every = float(default("NEWSCRAWL_LOCK_HEARTBEAT"))
        self.stale_s = float(default("NEWSCRAWL_LOCK_STALE"))
        self.store_factory = store_factory
        self.store: Store | None = None
        self.run = CrawlRun(run_id)
        self.run_id = run_id
        self.period = period  # watch mode: one record per period
        self.periods = 0
        self.loop: task.LoopingCall | None = None
        self.base: dict = {}  # the stats when this record started (a watch's period)
        self.lags: list[float] = []  # this record's new articles: published-to-stored seconds
        self.date_only = 0
        self.unsaved: list[CrawlRun] = []  # finished records the store refused, written with the next
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.articles_stored, signal=ARTICLES_STORED)
        crawler.signals.connect(self.checked, signal=run_checked)
        self.verdict: Verdict | None = None  # the run checks', handed over (newscrawl.crawl.monitors)
        self.closed_reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler, lambda: CrawlStore.of(crawler).get(), crawler.settings["NEWSCRAWL_RUN_ID"],
                       crawler.settings.getfloat("NEWSCRAWL_WATCH_PERIOD"),
                       crawler.settings.getfloat("NEWSCRAWL_FRESH_WINDOW") * 3600)
        recorder.alive_every = crawler.settings.getfloat("NEWSCRAWL_LOCK_HEARTBEAT")
        recorder.stale_s = crawler.settings.getfloat("NEWSCRAWL_LOCK_STALE")
        return recorder

    def articles_stored(self, counts) -> None:
        self.lags += counts.lags
        self.date_only += counts.date_only

    def spider_opened(self, spider):
        try:
            self.store = self.store_factory()
        except StoreUnavailable:  # the store pipeline says so and closes the crawl
            return
        target = CrawlContext.of(self.crawler).target
        now = datetime.now(timezone.utc)
        self.run = CrawlRun(self.run_id, spider=target.spider, arguments=dict(target.arguments), site=target.site,
                            store=f"{self.store.kind} {self.store.where}", started_at=now, status="running",
                            alive_at=now)
        self._save()
        self._mark_killed(target.site, now)
        self.alive = task.LoopingCall(self._alive)
        self.alive.start(self.alive_every, now=False)
        if target.watch:
            self.loop = task.LoopingCall(self.next_period)
            self.loop.start(self.period, now=False)

    def _alive(self) -> None:
        """A sign of life in the record: a crawl killed without a word is told by its age."""
        if self.run is not None and self.run.status == "running":
            self.run.alive_at = datetime.now(timezone.utc)
            self._save(level=logging.WARNING)  # the next beat tries again: an outage, not yet an error

    def _mark_killed(self, site: str | None, now: datetime) -> None:
        """Records of this site still `running` with no sign of life for longer than a lock
        lives (NEWSCRAWL_LOCK_STALE): their processes are gone; they are marked killed."""
        if self.store is None:
            return
        try:
            for dead in mark_killed(self.store, site, now, self.stale_s, lambda run: run.run_id != self.run_id):
                logger.warning("Crawl run %s: marked killed (%s)", dead.run_id[:8], dead.error)
        except StoreUnavailable as exc:
            logger.error("Could not judge the earlier crawl runs: %s", exc)

    def next_period(self) -> None:
        """Watch mode: this period's record is done (its own figures); the next one starts."""
        stats = self.crawler.stats.get_stats()
        period = since(stats, self.base)
        counts, extraction = summarize(period)
        counts["freshness"] = freshness(self.lags, self.date_only, self.window_s)
        # an outage during the period (or still on) degrades its record, saying what it was
        problem = stats.get(WATCH_PROBLEM) or (stats.get(WATCH_LAST_PROBLEM) if period.get(WATCH_PROBLEMS) else None)
        self.run = replace(self.run, finished_at=datetime.now(timezone.utc), finish_reason="period_end",
                           status="degraded" if problem else "passed", error=problem,
                           mode=stats.get(MODE, "watch"), counts=counts, extraction=extraction)
        self._save()
        self.periods += 1
        self.base, self.lags, self.date_only = dict(stats), [], 0
        self.run = replace(self.run, run_id=f"{self.run_id}-{self.periods}", started_at=datetime.now(timezone.utc),
                           status="running", finished_at=None, finish_reason=None, counts={}, extraction={})
        self._save()

    def checked(self, verdict: Verdict) -> None:
        """The run checks' verdict: kept for the record; a record finished already is written
        again with it (the checks ran after the recorder's own spider_closed)."""
        self.verdict = verdict
        if self.closed_reason is not None:
            self._finish(self.closed_reason)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.alive is not None and self.alive.running:
            self.alive.stop()
        self.closed_reason = reason
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        fresh = freshness(self.lags, self.date_only, self.window_s)
        for key, value in fresh.items():  # for the stats Scrapy logs at the end
            if key == "backfill":
                for part, number in value.items():
                    self.crawler.stats.set_value(f"{FRESHNESS}backfill_{part}", number)
            else:
                self.crawler.stats.set_value(FRESHNESS + key, value)
        stats = self.crawler.stats.get_stats()
        status = run_status({**stats, "finish_reason": reason})
        # The line a scheduler reads in the job's log (newscrawl.ops.schedule): the status, and why.
        logger.log(logging.INFO if status.exit_code in (0, 130) else logging.ERROR,
                   "Crawl run %s: status %s (exit code %d)%s", self.run_id[:8], status.name,
                   status.exit_code, f": {stats[STAT_ERROR]}" if stats.get(STAT_ERROR) else
                   (": " + "; ".join(self.verdict.reasons if self.verdict else []) if status.name == "degraded" else ""))
        if self.store is None:
            return
        counts, extraction = summarize(since(stats, self.base))
        counts["freshness"] = fresh
        cluster = {k[len(CLUSTER):]: v for k, v in stats.items() if k.startswith(CLUSTER)}
        run = self.run
        if cluster:  # one run per worker of a shared crawl
            run.crawl_id, run.cluster = cluster.get("crawl_id"), cluster
        if self.verdict is not None:
            run.monitor = {"status": self.verdict.status, "reasons": self.verdict.reasons}
        run.finished_at, run.finish_reason = datetime.now(timezone.utc), reason
        run.mode, run.status = self.crawler.stats.get_value(MODE, "full"), status.name
        run.counts, run.extraction = counts, extraction
        if stats.get(STAT_ERROR):
            run.error = stats[STAT_ERROR]
        self._save()
        logger.info("Crawl run %s: %d new, %d updated, %d unchanged, %d dropped, stored in %s",
                    self.run_id[:8] + run.run_id[len(self.run_id):], counts["new"], counts["updated"], counts["unchanged"],
                    sum(counts["dropped"].values()), run.store)
        # the crawl's store (CrawlStore) closes when the engine stops

    def _save(self, level: int = logging.ERROR):
        """Write the record; a finished one the store refused (a watch's period during an
        outage) waits and is written with the next record that goes through."""
        if self.store is None:
            return
        try:
            while self.unsaved:
                self.store.save_run(self.unsaved[0])
                self.unsaved.pop(0)
            self.store.save_run(self.run)
        except StoreUnavailable as exc:
            logger.log(level, "Could not record the crawl run %s: %s", self.run.run_id, exc)
            if self.run.finished_at is not None and self.run not in self.unsaved:
                self.unsaved.append(self.run)
