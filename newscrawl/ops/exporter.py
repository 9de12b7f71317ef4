"""/metrics of the long-running commands besides a watch (newscrawl.crawl.metrics serves a
watch's): `schedule` (each job's last outcome, next slot, consecutive failures, paused),
`worker` (its heartbeat, its last crawl's exit code) and `dashboard` (the store's articles), on
``--metrics-port`` / NEWSCRAWL_METRICS_PORT and NEWSCRAWL_METRICS_HOST (127.0.0.1).

Collectors read the live objects when Prometheus scrapes (prometheus_client's custom
collectors): nothing is counted twice."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily

JOB_STATUSES = ("scheduled", "passed", "degraded", "failed", "unreachable", "store_unavailable", "locked",
                "interrupted", "stopped", "killed", "unknown")


class SchedulerCollector:
    """The scheduler's jobs (newscrawl.ops.schedule.Scheduler), as it holds them now."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler

    def collect(self) -> Iterator[GaugeMetricFamily]:
        s = self.scheduler
        failures = GaugeMetricFamily("newscrawl_schedule_job_consecutive_failures",
                                     "Runs of the job that failed in a row", labels=["job"])
        paused = GaugeMetricFamily("newscrawl_schedule_job_paused", "1 when the job is paused after failures",
                                   labels=["job"])
        next_slot = GaugeMetricFamily("newscrawl_schedule_job_next_run_timestamp_seconds",
                                      "When the job runs next", labels=["job"])
        last = GaugeMetricFamily("newscrawl_schedule_job_last_status", "1 for the status of the job's last run",
                                 labels=["job", "status"])
        for job in s.jobs:
            failures.add_metric([job.name], s.failures.get(job.name, 0))
            paused.add_metric([job.name], 1 if job.name in s.paused else 0)
            when = s.next_at.get(job.name)
            if isinstance(when, datetime):
                next_slot.add_metric([job.name], when.timestamp())
            status = (s.last.get(job.name) or {}).get("status")
            for name in JOB_STATUSES:
                last.add_metric([job.name, name], 1 if status == name else 0)
        yield from (failures, paused, next_slot, last, heartbeat_metric("scheduler"))


class CallbackCollector:
    """Gauges read from callables at scrape time: {name: (help, read)}."""

    def __init__(self, component: str, gauges: dict[str, tuple[str, Callable[[], float | None]]]) -> None:
        self.component, self.gauges = component, gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (text, read) in self.gauges.items():
            value = read()
            if value is not None:
                family = GaugeMetricFamily(name, text, labels=[])
                family.add_metric([], value)
                yield family
        yield heartbeat_metric(self.component)


def heartbeat_metric(component: str) -> GaugeMetricFamily:
    beat = GaugeMetricFamily("newscrawl_heartbeat_timestamp_seconds", "When the process last answered",
                             labels=["component"])
    beat.add_metric([component], time.time())
    return beat


def serve(collector: Any, host: str, port: int) -> int:
    """Serve ``collector`` on http://host:port/metrics in a thread; the port it got."""
    registry = CollectorRegistry()
    registry.register(collector)
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return int(server.server_address[1])
