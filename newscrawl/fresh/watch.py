"""Watch mode (``-a watch=1``, `newscrawl watch`): one crawl that does not close.

It starts as an incremental crawl (a full discovery: home, robots.txt, sitemaps, feeds,
categories, due revisits). Then, each time the crawl is idle, :class:`WatchPlan` says what is
due: a full incremental discovery every NEWSCRAWL_WATCH_DISCOVERY_INTERVAL, and in between
the site's cheapest change signals (the home page, the feeds, the root sitemaps, page 1 of
the categories named with ``-a categories``), each at its own interval
(:func:`newscrawl.crawl.incremental.next_interval`: the shortest after it changed, growing while
nothing changes). What a signal leads to (new articles, a sitemap whose lastmod moved) is
fetched through the normal pipelines. The signals' state lives in the store with their
validators, so a restart picks up the intervals where they were.

crawl_runs: one record per NEWSCRAWL_WATCH_PERIOD (an hour) with that period's figures
(mode ``watch``); SIGTERM/SIGINT stop the crawl the Scrapy way (the last batch stored), exit 0.

An outage does not end a watch (:class:`WatchHealth`): while the site does not answer or the
store refuses writes, it keeps polling (no more often than the shortest interval), its
heartbeat carries the problem (``newscrawl watch --health`` fails saying it), the period's
record is ``degraded``; articles it could not store wait in its spill file and are written when
the store answers again (NEWSCRAWL_SPILL_REPLAY, which watch mode turns on).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from scrapy.settings import BaseSettings

from newscrawl import heartbeat
from newscrawl.keys import WATCH, WATCH_LAST_PROBLEM, WATCH_OUTAGE, WATCH_PROBLEM, WATCH_PROBLEMS

logger = logging.getLogger(__name__)
WATCH_CYCLES = WATCH + "cycles"  # cycles fetched (a discovery or a poll)
SITE_FAILURES = 3  # download attempts failed in a row (a request and its retries): the site is away

# Change signals polled between two discoveries (kinds of the stored validators).
POLLED = ("home", "feed", "sitemap_root")


def due_at(entry: dict) -> datetime | None:
    """When a signal is next due (None: now; it was never scheduled)."""
    value = (entry.get("state") or {}).get("next_poll_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@dataclass
class WatchPlan:
    """What watch mode fetches next: pure, on a clock the caller passes."""
    discovery_every: float  # seconds between two full incremental discoveries
    categories: list[str] | None = None  # named categories: their page 1 is polled too
    last_discovery: datetime | None = None
    polls: int = field(default=0)

    def kinds(self) -> tuple[str, ...]:
        return POLLED + (("listing",) if self.categories else ())  # as Policy.poll_kinds

    def discovery_due(self, now: datetime) -> bool:
        return self.last_discovery is None or now >= self.last_discovery + timedelta(seconds=self.discovery_every)

    def due(self, signals: dict[str, dict], now: datetime, slack: float = 1.0) -> list[tuple[str, str]]:
        """(url, kind) of the signals due now (or within ``slack`` seconds: polled together)."""
        horizon = now + timedelta(seconds=slack)
        kinds = self.kinds()
        return sorted((url, e["kind"]) for url, e in signals.items()
                      if e.get("kind") in kinds and ((d := due_at(e)) is None or d <= horizon))

    def next_wake(self, signals: dict[str, dict], now: datetime) -> datetime:
        """The earliest time something is due: a signal, or the next discovery."""
        assert self.last_discovery is not None, "a discovery ran first"
        times = [self.last_discovery + timedelta(seconds=self.discovery_every)]
        kinds = self.kinds()
        for e in signals.values():
            if e.get("kind") in kinds:
                times.append(due_at(e) or now)
        return max(now, min(times))


@dataclass
class Outage:
    since: float  # epoch seconds
    detail: str


class WatchHealth:
    """Is the watch doing its job? The site is away after SITE_FAILURES download attempts in a
    row failed with no answer among them; the store is away from a failed write (or a failed
    save of the watch's own state) until one works, and while articles wait in the spill file.
    Pure: it reads the crawl's stats and the outcomes it is told, on the clock it is given."""

    def __init__(self, clock=time.time) -> None:
        self.clock = clock
        self.seen: dict[str, int] = {}  # the counters at the last look
        self.streak = 0  # download attempts failed since the last answer
        self.site: Outage | None = None
        self.store: Outage | None = None
        self.waiting = 0  # articles in the spill file

    def _new(self, stats: dict, key: str) -> int:
        value = stats.get(key, 0)
        new, self.seen[key] = value - self.seen.get(key, 0), value
        return new

    def observe(self, stats: dict) -> None:
        """Read the crawl's stats (cumulative): what the site and the store did since the last look."""
        from newscrawl.keys import STORE_COUNTS, STORE_ERRORS, STORE_WRITTEN
        prefix = "downloader/exception_type_count/"
        kinds = sorted(k[len(prefix):].rsplit(".", 1)[-1] for k in stats if k.startswith(prefix) and self._new(stats, k))
        answers, failures = self._new(stats, "downloader/response_count"), self._new(stats, "downloader/exception_count")
        self.streak = 0 if answers else self.streak + failures
        if self.streak >= SITE_FAILURES:
            self.site = self.site or Outage(self.clock(), "")
            self.site.detail = f"{self.streak} requests failed" + (f" ({', '.join(kinds)})" if kinds else "")
        elif self.streak == 0:
            self.site = None
        errors = self._new(stats, STORE_ERRORS)
        written = self._new(stats, STORE_WRITTEN) + self._new(stats, STORE_COUNTS + "replayed")
        self.waiting = stats.get(STORE_COUNTS + "spill_waiting", 0)
        if written:
            self.store_worked()
        elif errors:
            self.store_failed("writes fail")
        elif self.waiting:
            self.store_failed(None)

    def store_worked(self) -> None:
        if not self.waiting:
            self.store = None

    def store_failed(self, why: str | None) -> None:
        self.store = self.store or Outage(self.clock(), why or "")
        if self.waiting:
            self.store.detail = f"{self.waiting} articles wait in the spill file"
        elif why:
            self.store.detail = why

    def problem(self) -> str | None:
        """One line, or None when the watch is doing its job."""
        now, parts = self.clock(), []
        if self.site is not None:
            parts.append(f"site unreachable for {now - self.site.since:.0f} s: {self.site.detail}")
        if self.store is not None:
            parts.append(f"store unavailable for {now - self.store.since:.0f} s: {self.store.detail}")
        return "; ".join(parts) or None


def cycle_stats(stats: dict) -> dict[str, int]:
    """The figures a watch cycle reports, from the crawl's (cumulative) stats."""
    from newscrawl.keys import REQUESTS, STORE_NEW, STORE_UPDATED
    return {"new": stats.get(STORE_NEW, 0), "updated": stats.get(STORE_UPDATED, 0),
            "requests": sum(v for k, v in stats.items() if k.startswith(REQUESTS) and isinstance(v, int))}


def watch_settings(settings) -> None:
    """A crawl that never ends has no progress bar nor time left (the watch logs its cycles),
    and rides out a store outage: what it spilled is written when the store answers again."""
    settings.set("NEWSCRAWL_PROGRESS_SECONDS", 0, priority="spider")
    settings.set("NEWSCRAWL_SPILL_REPLAY", True, priority="spider")


def heartbeat_path(settings: BaseSettings) -> Path:
    """Where a watch writes its heartbeat (NEWSCRAWL_WATCH_HEARTBEAT, else <data dir>/watch/heartbeat.json)."""
    from newscrawl.store import data_dir
    value = settings.get("NEWSCRAWL_WATCH_HEARTBEAT")
    return Path(value).expanduser().resolve() if value else data_dir(settings) / "watch" / "heartbeat.json"


class WatchLoop:
    """A watch's cycles inside the crawl: the cycle being fetched and what it found, the
    timer for the next poll, the heartbeat. The spider builds the requests (it decides what to
    fetch); this only keeps time and figures."""

    def __init__(self, plan: WatchPlan, crawler, heartbeat, site: str, clock=None):
        from newscrawl.crawl.incremental import utcnow
        self.plan, self.crawler, self.site = plan, crawler, site
        self.heartbeat = heartbeat  # the heartbeat file
        self.clock = clock or utcnow
        self.cycle: dict | None = None
        self.wake: Any = None  # the timer of the next poll (twisted DelayedCall)
        self.beat: Any = None  # the heartbeat's LoopingCall
        self.health = WatchHealth()
        self.problem: str | None = None

    @property
    def stats(self):  # the crawl's, once it runs
        return self.crawler.stats

    def start(self) -> None:
        from twisted.internet import task
        self.beat = task.LoopingCall(self.check)
        self.beat.start(5.0)  # read by `newscrawl watch --health S`

    def check(self) -> None:
        """Every few seconds: is the watch doing its job? Said in the log when it changes, in the
        stats (the period's record), in the heartbeat (the healthcheck)."""
        self.health.observe(self.stats.get_stats())
        self.stats.set_value(WATCH_OUTAGE + "site", int(self.health.site is not None))  # /metrics
        self.stats.set_value(WATCH_OUTAGE + "store", int(self.health.store is not None))
        problem = self.health.problem()
        was, self.problem = self.problem, problem
        if problem and not was:
            self.stats.inc_value(WATCH_PROBLEMS)
            logger.warning("Watch degraded: %s; it keeps polling", problem)
        elif was and not problem:
            logger.info("Watch recovered (it was: %s)", was)
        if problem:
            self.stats.set_value(WATCH_PROBLEM, problem)
            self.stats.set_value(WATCH_LAST_PROBLEM, problem)
        else:
            self.stats.get_stats().pop(WATCH_PROBLEM, None)
        heartbeat.beat(self.heartbeat, site=self.site, cycles=self.stats.get_value(WATCH_CYCLES, 0), problem=problem)

    def begin(self, what: str) -> None:
        self.cycle = {"at": self.clock(), "stats": dict(self.stats.get_stats()), "what": what}

    def settled(self) -> bool:
        """The cycle's items are all written (or spilled): its figures are final."""
        from newscrawl.keys import STORE_SPILLED, STORE_WRITTEN
        s = self.stats.get_stats()
        return s.get("item_scraped_count", 0) <= s.get(STORE_WRITTEN, 0) + s.get(STORE_SPILLED, 0)

    def finish(self) -> dict | None:
        """End the cycle: what it found ({"new", "updated", "requests"}), or None (none ran)."""
        if self.cycle is None:
            return None
        cycle, self.cycle = self.cycle, None
        before, after = cycle_stats(cycle["stats"]), cycle_stats(self.stats.get_stats())
        self.stats.inc_value(WATCH_CYCLES)
        self.check()
        found = {k: after[k] - before[k] for k in after}
        if found["new"] or found["updated"]:
            logger.info("Watch: %d new, %d updated after %s; %d requests in %.1f s", found["new"], found["updated"],
                        cycle["what"], found["requests"], (self.clock() - cycle["at"]).total_seconds())
        return found

    def sleep_until(self, when: datetime, then) -> None:
        from twisted.internet import reactor
        self.cancel_wake()
        self.wake = cast(Any, reactor).callLater(max(0.2, (when - self.clock()).total_seconds()), then)

    def cancel_wake(self) -> None:
        if self.wake is not None and self.wake.active():
            self.wake.cancel()
        self.wake = None

    def stop(self) -> None:
        self.cancel_wake()
        if self.beat is not None and self.beat.running:
            self.beat.stop()
            # a healthcheck fails at once, not when the heartbeat grows old
            heartbeat.beat(self.heartbeat, heartbeat.STOPPED, site=self.site,
                           cycles=self.stats.get_value(WATCH_CYCLES, 0))
