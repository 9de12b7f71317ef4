"""Watch mode (``-a watch=1``, `newscrawl watch`): one crawl that does not close.

It starts as an incremental crawl (a full discovery: home, robots.txt, sitemaps, feeds,
categories, due revisits). Then, each time the crawl is idle, :class:`WatchPlan` says what is
due: a full incremental discovery every NEWSCRAWL_WATCH_DISCOVERY_INTERVAL, and in between
the site's cheapest change signals (the home page, the feeds, the root sitemaps, page 1 of
the categories named with ``-a categories``), each at its own interval
(:func:`newscrawl.incremental.next_interval`: the shortest after it changed, growing while
nothing changes). What a signal leads to (new articles, a sitemap whose lastmod moved) is
fetched through the normal pipelines. The signals' state lives in the store with their
validators, so a restart picks up the intervals where they were.

crawl_runs: one record per NEWSCRAWL_WATCH_PERIOD (an hour) with that period's figures
(mode ``watch``); SIGTERM/SIGINT stop the crawl the Scrapy way (the last batch stored), exit 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
        return POLLED + (("listing",) if self.categories else ())

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


def cycle_stats(stats: dict) -> dict[str, int]:
    """The figures a watch cycle reports, from the crawl's (cumulative) stats."""
    from .keys import REQUESTS, REQUESTS_CONDITIONAL, STORE_NEW, STORE_UPDATED
    return {"new": stats.get(STORE_NEW, 0), "updated": stats.get(STORE_UPDATED, 0),
            "requests": sum(v for k, v in stats.items() if k.startswith(REQUESTS) and k != REQUESTS_CONDITIONAL
                            and isinstance(v, int))}


def watch_settings(settings) -> None:
    """A crawl that never ends has no progress bar nor time left (the watch logs its cycles)."""
    settings.set("NEWSCRAWL_PROGRESS_SECONDS", 0, priority="spider")


def heartbeat_path(settings):
    """Where a watch writes its heartbeat (NEWSCRAWL_WATCH_HEARTBEAT, else <data dir>/watch/heartbeat.json)."""
    from pathlib import Path

    from .store import data_dir
    value = settings.get("NEWSCRAWL_WATCH_HEARTBEAT")
    return Path(value).expanduser().resolve() if value else data_dir(settings) / "watch" / "heartbeat.json"


def beat(path, site: str, cycles: int) -> None:
    """The heartbeat: the reactor is alive (written every few seconds, busy or idle)."""
    import time

    from .codec import write_atomic
    write_atomic(path, {"heartbeat": time.time(), "site": site, "cycles": cycles})
