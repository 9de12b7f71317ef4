"""What a crawl's end means: its status (``crawl_runs.status``, ``newscrawl stats``) and the
exit code of ``scrapy crawl`` (docs/reference/exit-codes.md, written from ALL).

The rule is :func:`run_status`, a plain function of the crawl's stats; the crawl command,
the run recorder and the run checks all ask it.
"""
from __future__ import annotations

from dataclasses import dataclass

from newscrawl.keys import (  # noqa: F401 (the finish reasons are read here, and named from here by the crawl command)
    ALREADY_RUNNING,
    ERROR,
    INTERRUPTED_REASONS,
    LOST,
    MODE,
    MONITOR_STATUS,
    REDIS_UNAVAILABLE,
    SITE_UNREACHABLE,
    SPILLED,
    STORE_COUNTS,
    STORE_UNAVAILABLE,
    USAGE_ERROR,
)

# Where a run's reasons and messages are kept in the stats.
STAT_ERROR = ERROR  # the one line saying what stopped the crawl


@dataclass(frozen=True)
class Status:
    name: str
    exit_code: int
    meaning: str


PASSED = Status("passed", 0, "the crawl finished and every run check passed")
FAILED = Status("failed", 1, "the crawl could not start or stopped on an unexpected error "
                             "(store or Redis unreachable at start, a startup error)")
USAGE = Status("usage_error", 2, "bad argument, option or setting; a named category that does not exist")
DEGRADED = Status("degraded", 3, "the crawl finished but a run check failed "
                                 "(0 with -s NEWSCRAWL_FAIL_ON_DEGRADED=False)")
UNREACHABLE = Status("unreachable", 4, "the site could not be reached (DNS, refused, timeout, TLS)")
STORE = Status("store_unavailable", 5, "the store failed during the crawl: articles spilled "
                                       "(`newscrawl replay` them) or lost")
LOCKED = Status("locked", 6, "another crawl of the same site into the same store is running "
                             "(-a wait=1 waits for it)")
INTERRUPTED = Status("interrupted", 130, "stopped by SIGINT or SIGTERM (Ctrl-C, docker stop, "
                                         "scrapyd cancel); the JOBDIR frontier is kept")
STOPPED = Status("stopped", 0, "a watch (-a watch=1, `newscrawl watch`) stopped by SIGINT or SIGTERM, "
                               "its last batch stored: how a watch ends")
KILLED = Status("killed", 137, "the crawl's process died without a word (SIGKILL, out of memory, power loss): "
                               "its record is marked by the next crawl of the site or by newscrawl stats, with "
                               "when it was last seen alive")
ALL = (PASSED, FAILED, USAGE, DEGRADED, UNREACHABLE, STORE, LOCKED, INTERRUPTED, STOPPED, KILLED)


def run_status(stats: dict) -> Status:
    """The status of a finished crawl, from its stats (finish reason, run-check verdict)."""
    reason = stats.get("finish_reason")
    if reason == USAGE_ERROR:
        return USAGE
    if reason == SITE_UNREACHABLE:
        return UNREACHABLE
    if reason == ALREADY_RUNNING:
        return LOCKED
    if reason in INTERRUPTED_REASONS:
        if stats.get(MODE) != "watch":
            return INTERRUPTED
        return STORE if stats.get(STORE_COUNTS + "spill_waiting") else STOPPED  # articles wait: replay them
    if reason in (SPILLED, LOST):
        return STORE
    if reason in (STORE_UNAVAILABLE, REDIS_UNAVAILABLE):
        return FAILED
    verdict = stats.get(MONITOR_STATUS)  # the run checks (newscrawl.crawl.monitors)
    if verdict == "degraded" or (verdict is None and reason != "finished"):
        return DEGRADED
    return PASSED


# Runs with a status of their own: the run checks do not judge them and raise no alert.
NOT_CHECKED = (USAGE_ERROR, SITE_UNREACHABLE, ALREADY_RUNNING, STORE_UNAVAILABLE, *INTERRUPTED_REASONS)


def checks_apply(stats: dict) -> bool:
    """The run checks judge runs that ran their course (an interrupted run, a usage error,
    an unreachable site or a refused lock is not degraded: it is what it is)."""
    return stats.get("finish_reason") not in NOT_CHECKED


def exit_code(status: Status, fail_on_degraded: bool = True) -> int:
    if status is DEGRADED and not fail_on_degraded:
        return 0
    return status.exit_code
