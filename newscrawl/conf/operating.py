"""Settings of running it unattended: progress lines, run checks and alerts, the lock, the
exit code, the scheduler, the worker loop and the dashboard."""
from __future__ import annotations

from newscrawl.conf.declaration import Setting, declare
from newscrawl.conf.kinds import Kind

PROGRESS = declare(
    "Progress and outcome",
    Setting("NEWSCRAWL_PROGRESS_SECONDS", Kind.FLOAT, 30.0, "one progress line this often, seconds (0: none)", minimum=0),
    Setting("NEWSCRAWL_PROGRESS_BAR", Kind.BOOL, False, "a live bar instead, on an interactive terminal only"),
    Setting("NEWSCRAWL_FRESH_WINDOW", Kind.FLOAT, 48.0, "hours: an article stored within this of its publication is "
      "new (its lag is freshness); older ones are a backfill", above=0),
    Setting("NEWSCRAWL_FAIL_ON_DEGRADED", Kind.BOOL, True, "a degraded run exits 3; False: 0 (the status stays degraded)"),
    Setting("NEWSCRAWL_LOCK_ENABLED", Kind.BOOL, True, "one crawl per site and store at a time"),
    Setting("NEWSCRAWL_LOCK_HEARTBEAT", Kind.FLOAT, 10.0, "the lock's holder renews it this often, seconds", above=0),
    Setting("NEWSCRAWL_LOCK_STALE", Kind.FLOAT, 60.0, "a lock not renewed this long is taken over, seconds", above=0),
)

CHECKS = declare(
    "Run checks and alerts",
    Setting("NEWSCRAWL_ALERT_WEBHOOK", Kind.URL, None, "failed run checks and paused jobs are POSTed here", nullable=True),
    Setting("NEWSCRAWL_MONITOR_MAX_ERROR_RATE", Kind.FLOAT, 0.05, "ERROR log lines per page fetched", minimum=0),
    Setting("NEWSCRAWL_MONITOR_MAX_DROP_RATE", Kind.FLOAT, 0.25, "pages dropped per article page parsed", minimum=0),
    Setting("NEWSCRAWL_MONITOR_COVERAGE", Kind.SHARES, {"authors": 0.5, "category": 0.9, "tags": 0.5, "summary": 0.3},
      "share of parsed articles that must have the field (title, body, published_at: always all)"),
    Setting("NEWSCRAWL_MONITOR_MIN_ITEMS", Kind.INT, 10, "below this many articles only a field found nowhere fails",
      minimum=0),
    Setting("NEWSCRAWL_MONITOR_HISTORY_RUNS", Kind.INT, 3, "earlier finished runs needed for the item-count check",
      minimum=1),
    Setting("NEWSCRAWL_MONITOR_MIN_ITEMS_RATIO", Kind.FLOAT, 0.5, "items at least this share of their median", minimum=0,
      maximum=1),
    Setting("NEWSCRAWL_MONITOR_MAX_UNKNOWN_THEME", Kind.FLOAT, 0.2, "share of articles read by no known theme version",
      minimum=0, maximum=1),
    Setting("NEWSCRAWL_MONITOR_MAX_EXTRACTION_ERRORS", Kind.FLOAT, 0.05, "layer fields that raised, per article parsed",
      minimum=0),
)

SERVICES = declare(
    "Scheduler, worker and dashboard",
    Setting("NEWSCRAWL_SCHEDULE_MAX_FAILURES", Kind.INT, 3, "a job failing this often in a row is paused, with an alert",
      minimum=1),
    Setting("NEWSCRAWL_WORKER_EVERY", Kind.FLOAT, 300.0, "`newscrawl worker`: seconds between two crawls", above=0),
    Setting("NEWSCRAWL_DASHBOARD_USER", Kind.STR, "newscrawl", "the dashboard's basic-auth user"),
    Setting("NEWSCRAWL_DASHBOARD_PASSWORD", Kind.STR, None, "the dashboard's basic-auth password (not set: no auth)",
      nullable=True, secret=True),
)

METRICS = declare(
    "Prometheus metrics",
    Setting("NEWSCRAWL_PUSHGATEWAY_URL", Kind.URL, None, "a batch crawl pushes its run's metrics to this Pushgateway "
      "(grouping key job=newscrawl and the site), at the end and with each progress line", nullable=True),
    Setting("NEWSCRAWL_METRICS_PORT", Kind.INT, None, "watch, schedule, worker and dashboard serve /metrics on this port (0: any free one; not set: "
      "none)", nullable=True, minimum=0, maximum=65535),
    Setting("NEWSCRAWL_METRICS_HOST", Kind.STR, "127.0.0.1", "the address /metrics is served on"),
)

OPERATING = PROGRESS + CHECKS + SERVICES + METRICS
