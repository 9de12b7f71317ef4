"""The crawl-run record: one per crawl (one per period of a watch, one per worker of a shared
crawl), written when the crawl starts and again when it ends.

Both stores save it as a document in `crawl_runs` (:meth:`CrawlRun.to_doc`) and read it back
as a :class:`CrawlRun`; `newscrawl stats`, the report, the dashboard, the run checks and the
incremental history read its fields, never the document's keys.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any


@dataclass
class CrawlRun:
    run_id: str
    spider: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)  # -a as given
    site: str | None = None  # scheme://host[:port]
    store: str | None = None  # "sqlite /path" or "mongodb host database db"
    started_at: datetime | None = None
    status: str | None = None  # running, passed, degraded, failed, ... (newscrawl.crawl.outcome)
    finished_at: datetime | None = None
    finish_reason: str | None = None  # Scrapy's
    mode: str | None = None  # full, incremental, watch
    counts: dict[str, Any] = field(default_factory=dict)  # newscrawl.crawl.runs.summarize
    extraction: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> {layer: pages}
    error: str | None = None  # the one line saying why a crawl failed
    monitor: dict[str, Any] | None = None  # the run checks' verdict: {"status", "reasons"}
    crawl_id: str | None = None  # a shared crawl's (cluster) id
    cluster: dict[str, Any] = field(default_factory=dict)  # a worker's figures of a shared crawl
    alive_at: datetime | None = None  # a running crawl's last sign of life (written every few seconds)

    @property
    def failed_checks(self) -> list[str]:
        return list((self.monitor or {}).get("reasons", [])) if self.status == "degraded" else []

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 3)
        return None

    def to_doc(self) -> dict[str, Any]:
        """The stored document: the fields that are set (a field never set is no key)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, {}) or k in ("arguments", "counts")}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> CrawlRun:
        """A stored document as a record; keys this code does not know are left out."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in names and v is not None})


def gone(run: CrawlRun, now: datetime, stale_after_s: float) -> CrawlRun | None:
    """A record still ``running`` whose process has given no sign of life for ``stale_after_s``
    (SIGKILL, out of memory, power loss): the same record marked ``killed``, with when it was
    last seen alive; None for any other record."""
    if run.status != "running":
        return None
    seen = run.alive_at or run.started_at
    if seen is None or (now - seen).total_seconds() < stale_after_s:
        return None
    return replace(run, status="killed", finished_at=None, finish_reason="killed",
                   error=f"the crawl's process stopped without a word; last seen alive {seen:%Y-%m-%d %H:%M:%S} UTC")


def judged(runs: list[CrawlRun], now: datetime, stale_after_s: float) -> list[CrawlRun]:
    """Runs as a reader should see them: a `running` one with no sign of life shown killed."""
    return [gone(run, now, stale_after_s) or run for run in runs]


def mark_killed(store: Any, site: str | None, now: datetime, stale_after_s: float,
                only: Callable[[CrawlRun], bool] = lambda run: True) -> list[CrawlRun]:
    """Save as killed the site's last records that are `running` without a sign of life for
    ``stale_after_s`` (and that ``only`` picks); the records marked."""
    marked = []
    for run in store.last_runs(50, site=site):
        dead = gone(run, now, stale_after_s) if only(run) else None
        if dead is not None:
            store.save_run(dead)
            marked.append(dead)
    return marked
