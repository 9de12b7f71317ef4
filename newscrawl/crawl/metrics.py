"""Prometheus metrics, named by Prometheus's conventions (prometheus_client).

A batch crawl pushes its run to a Pushgateway when NEWSCRAWL_PUSHGATEWAY_URL is set (grouping
key ``job="newscrawl"`` and ``site``), with each progress line and at the end:
``newscrawl_run_articles{site,result}``, ``newscrawl_run_requests{site,kind}``,
``newscrawl_run_conditional_requests{site}``, ``newscrawl_run_stale_validators{site}``,
``newscrawl_run_status{site,status}`` (1 for the
run's status, 0 for the others), ``newscrawl_run_last_success_timestamp_seconds{site}`` (pushed
only by a run that passed, so a failed one leaves the last success in place),
``newscrawl_run_duration_seconds{site}``, ``newscrawl_store_articles{site}`` and the histogram
``newscrawl_freshness_lag_seconds{site}`` of the new articles' publication-to-stored lag.

A watch (a crawl that does not close) serves ``/metrics`` instead when NEWSCRAWL_METRICS_PORT
is set: ``newscrawl_articles_total{site,result}``, ``newscrawl_requests_total{site,kind,status}``,
``newscrawl_store_articles{site}``, ``newscrawl_feed_newest_entry_timestamp_seconds{site}`` and
``newscrawl_heartbeat_timestamp_seconds{site}``, read from the crawl's stats when scraped.

:func:`run_registry` is the rule (a run's figures as metrics); the extension a thin shell.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, Histogram, pushadd_to_gateway, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.monitors import run_checked
from newscrawl.crawl.outcome import ALL
from newscrawl.crawl.runs import CrawlRunRecorder, summarize
from newscrawl.keys import ANSWERS, FEED_NEWEST, STORE_NEW, STORE_UNCHANGED, STORE_UPDATED, WATCH_OUTAGE
from newscrawl.store.extension import CrawlStore

logger = logging.getLogger(__name__)
# publication-to-stored lag of new articles: a minute to the 48 h of NEWSCRAWL_FRESH_WINDOW
LAG_BUCKETS = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 48 * 3600)
STATUSES = ("running", *dict.fromkeys(s.name for s in ALL))


def run_registry(site: str, counts: dict, status: str, duration_s: float | None, stored: int | None,
                 lags: Iterable[float], now: float) -> CollectorRegistry:
    """One run's figures as the metrics a Pushgateway keeps for ``site``."""
    reg = CollectorRegistry()
    articles = Gauge("newscrawl_run_articles", "Articles of the site's last run, by result", ["site", "result"],
                     registry=reg)
    for result in ("new", "updated", "unchanged"):
        articles.labels(site, result).set(counts.get(result, 0))
    articles.labels(site, "dropped").set(sum((counts.get("dropped") or {}).values()))
    articles.labels(site, "spilled").set(counts.get("spilled", 0))  # not stored: the store failed
    requests = Gauge("newscrawl_run_requests", "Requests the site saw in the last run, by kind", ["site", "kind"],
                     registry=reg)
    for kind, n in (counts.get("requests") or {}).items():
        requests.labels(site, kind).set(n)
    Gauge("newscrawl_run_conditional_requests", "Requests of the last run that carried validators", ["site"],
          registry=reg).labels(site).set(counts.get("conditional", 0))
    Gauge("newscrawl_run_stale_validators", "Change signals of the last run that kept their validators while their "
          "content changed", ["site"], registry=reg).labels(site).set(counts.get("stale_validators", 0))
    states = Gauge("newscrawl_run_status", "1 for the status of the site's last run", ["site", "status"], registry=reg)
    for name in STATUSES:
        states.labels(site, name).set(1 if name == status else 0)
    if status == "passed":
        Gauge("newscrawl_run_last_success_timestamp_seconds", "When the site's last passed run ended",
              ["site"], registry=reg).labels(site).set(now)
    if duration_s is not None:
        Gauge("newscrawl_run_duration_seconds", "How long the site's last run took", ["site"],
              registry=reg).labels(site).set(duration_s)
    if stored is not None:
        Gauge("newscrawl_store_articles", "Articles of the site in the store", ["site"], registry=reg).labels(
            site).set(stored)
    lag = Histogram("newscrawl_freshness_lag_seconds", "New articles of the last run: publication to stored",
                    ["site"], buckets=LAG_BUCKETS, registry=reg)
    for value in lags:
        lag.labels(site).observe(value)
    return reg


class PushMetrics:
    """Extension: the run's metrics to NEWSCRAWL_PUSHGATEWAY_URL (batch crawls)."""

    def __init__(self, crawler, url: str, every: float) -> None:
        self.crawler, self.url, self.every = crawler, url, every
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.checked, signal=run_checked)
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("NEWSCRAWL_PUSHGATEWAY_URL")
        if not url:
            raise NotConfigured
        return cls(crawler, url, crawler.settings.getfloat("NEWSCRAWL_PROGRESS_SECONDS"))

    def spider_opened(self, spider) -> None:
        if self.every > 0 and self.site():
            self.loop = task.LoopingCall(self.push_progress)
            self.loop.start(self.every, now=False)

    def site(self) -> str | None:
        target = CrawlContext.of(self.crawler).target
        return None if target.watch else target.site

    def push_progress(self) -> None:
        """A long crawl's figures so far (called with each progress line)."""
        site = self.site()
        if site and not self.closed:
            counts, _ = summarize(self.crawler.stats.get_stats())
            self._push(site, run_registry(site, counts, "running", None, None, (), time.time()))

    def spider_closed(self, spider, reason) -> None:
        self.closed = True
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self._push_run()

    def checked(self, verdict) -> None:
        if self.closed:  # the checks ran after the run's record was written: push its final status
            self._push_run()

    def _push_run(self) -> None:
        site = self.site()
        recorder = self.crawler.get_extension(CrawlRunRecorder)
        run = getattr(recorder, "run", None)
        if site is None or run is None or run.status in (None, "running"):
            return
        try:
            stored: int | None = CrawlStore.of(self.crawler).get().count(site=site)
        except Exception:  # noqa: BLE001 (a store that failed: the run's status says so; the count is left out)
            stored = None
        window = recorder.window_s
        self._push(site, run_registry(site, run.counts, run.status, run.duration_s, stored,
                                      [lag for lag in recorder.lags if lag <= window], time.time()))

    def _push(self, site: str, registry: CollectorRegistry) -> None:
        try:
            pushadd_to_gateway(self.url, job="newscrawl", grouping_key={"site": site}, registry=registry, timeout=10)
        except OSError as exc:  # the crawl goes on: metrics are not worth a failed run
            logger.warning("Could not push metrics to %s: %s", self.url, exc)


class StatsCollector:
    """A prometheus_client collector reading a watch's stats when /metrics is scraped."""

    def __init__(self, crawler, site: str, stored_at_start: int) -> None:
        self.crawler, self.site, self.stored_at_start = crawler, site, stored_at_start

    def collect(self) -> Iterator:
        stats = self.crawler.stats.get_stats()
        articles = CounterMetricFamily("newscrawl_articles", "Articles stored, by result", labels=["site", "result"])
        for result, key in (("new", STORE_NEW), ("updated", STORE_UPDATED), ("unchanged", STORE_UNCHANGED)):
            articles.add_metric([self.site, result], stats.get(key, 0))
        yield articles
        requests = CounterMetricFamily("newscrawl_requests", "Requests the site saw, by kind and answer (an HTTP "
                                       "status, or error when none came)", labels=["site", "kind", "status"])
        for key, n in stats.items():
            if key.startswith(ANSWERS):
                kind, _, status = key[len(ANSWERS):].partition("/")
                requests.add_metric([self.site, kind, status], n)
        yield requests
        stored = GaugeMetricFamily("newscrawl_store_articles", "Articles of the site in the store", labels=["site"])
        stored.add_metric([self.site], self.stored_at_start + stats.get(STORE_NEW, 0))
        yield stored
        if stats.get(FEED_NEWEST):
            feed = GaugeMetricFamily("newscrawl_feed_newest_entry_timestamp_seconds",
                                     "The newest entry the site's feed showed (publication time)", labels=["site"])
            feed.add_metric([self.site], stats[FEED_NEWEST])
            yield feed
        outage = GaugeMetricFamily("newscrawl_watch_outage", "1 while the watch sees this part away (site: no "
                                   "answer; store: writes fail or articles wait in the spill file)",
                                   labels=["site", "part"])
        for part in ("site", "store"):
            outage.add_metric([self.site, part], stats.get(WATCH_OUTAGE + part, 0))
        yield outage
        beat = GaugeMetricFamily("newscrawl_heartbeat_timestamp_seconds", "When the watch last answered",
                                 labels=["site"])
        beat.add_metric([self.site], time.time())
        yield beat


class ServeMetrics:
    """Extension: /metrics of a watch on NEWSCRAWL_METRICS_HOST:NEWSCRAWL_METRICS_PORT."""

    def __init__(self, crawler, host: str, port: int) -> None:
        self.crawler, self.host, self.port = crawler, host, port
        self.server: Any = None  # prometheus_client's WSGI server
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        port = crawler.settings.get("NEWSCRAWL_METRICS_PORT")
        if port in (None, ""):
            raise NotConfigured
        return cls(crawler, crawler.settings.get("NEWSCRAWL_METRICS_HOST"), int(port))

    def spider_opened(self, spider) -> None:
        target = CrawlContext.of(self.crawler).target
        if not target.watch or target.site is None:
            return
        stored = CrawlStore.of(self.crawler).get().count(site=target.site)
        registry = CollectorRegistry()
        registry.register(StatsCollector(self.crawler, target.site, stored))
        self.server, thread = start_http_server(self.port, addr=self.host, registry=registry)
        logger.info("Metrics on http://%s:%d/metrics", self.host, self.server.server_address[1])

    def spider_closed(self, spider, reason) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
