"""Run checks at the end of every crawl, with Spidermon (SPIDERMON_SPIDER_CLOSE_MONITORS).

A failed check marks the crawl run ``degraded`` with its reasons (``crawl_runs.status``,
``crawl_runs.monitor``), logs them, and posts them to ``NEWSCRAWL_ALERT_WEBHOOK`` when set.
The checks: the finish reason; the item count against the median of the last runs of the
same job (same spider, arguments, site and mode); error and drop rates; and the coverage of
each field among the parsed articles (title, body and published_at always; the others above
``NEWSCRAWL_MONITOR_COVERAGE``), so that a parser that stops finding a field after a
redesign shows on the first run.
"""
from __future__ import annotations

import json
import logging
import statistics
import urllib.request
import warnings
from dataclasses import dataclass

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.outcome import checks_apply
from newscrawl.extract.themes import UNKNOWN as UNKNOWN_THEMES
from newscrawl.keys import ARCHIVE, DROPPED, EXTRACTION, EXTRACTION_ERROR, MODE, MONITOR_REASONS, MONITOR_STATUS, THEME
from newscrawl.store import StoreUnavailable
from newscrawl.store.extension import CrawlStore

logger = logging.getLogger(__name__)
# Spidermon's text report still calls the deprecated Spider.log().
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)
REQUIRED_FIELDS = ("title", "body", "published_at")


class _OneLinePerCheck(logging.Filter):
    """Each check logs one line with its figure and floor (RunMonitor.check, MarkDegraded):
    Spidermon's own report (a box of ~25 lines) goes to DEBUG, and the traceback it logs
    again for each failed check is dropped."""

    def filter(self, record):
        if not (isinstance(record.msg, str) and record.msg.startswith("[Spidermon]")):
            return True
        if record.msg.startswith("[Spidermon] \n"):
            return False
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


NOWHERE_MIN_ITEMS = 5  # articles a run needs before a field found in none of them fails it


def reasons(counts: dict[str, int]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))


def field_coverage(stats: dict) -> tuple[int, dict[str, float]]:
    """(articles parsed, {field: share of them where some layer found it})."""
    found: dict[str, int] = {}
    for key, n in stats.items():
        if key.startswith(EXTRACTION):
            field = key.split("/")[2]
            found[field] = found.get(field, 0) + n
    parsed = found.get("url", 0) or found.get("title", 0)
    return parsed, {f: n / parsed for f, n in found.items()} if parsed else {}


@monitors.name("newscrawl run")
class RunMonitor(Monitor):
    @property
    def stats(self) -> dict:
        return self.data.stats

    @property
    def settings(self):
        return self.data.crawler.settings

    def setUp(self):
        quiet_report(self.data.spider.name)
        if not checks_apply(self.stats):  # interrupted, usage error, unreachable: a status of its own
            self.skipTest(f"finish reason {self.stats.get('finish_reason')!r}")

    def check(self, ok: bool, message: str) -> None:
        """One line: what was measured and its floor (a failed check's line is MarkDegraded's)."""
        if not ok:
            self.fail(message)
        logger.info("Run check passed: %s", message)

    def skip(self, why: str) -> None:
        logger.info("Run check skipped: %s: %s", self._testMethodName.removeprefix("test_").replace("_", " "), why)
        self.skipTest(why)

    @monitors.name("finish reason")
    def test_finish_reason(self):
        reason = self.stats.get("finish_reason")
        self.check(reason == "finished", f"finish reason {reason!r} (needs 'finished')")

    @monitors.name("error rate")
    def test_error_rate(self):
        pages = max(1, self.stats.get("response_received_count", 0))
        errors = self.stats.get("log_count/ERROR", 0)
        limit = self.settings.getfloat("NEWSCRAWL_MONITOR_MAX_ERROR_RATE")
        self.check(errors / pages <= limit,
                   f"error rate {errors / pages:.1%} ({errors} errors, {pages} pages; at most {limit:.0%})")

    @monitors.name("drop rate")
    def test_drop_rate(self):
        dropped = sum(v for k, v in self.stats.items() if k.startswith(DROPPED))
        parsed = dropped + self.stats.get("item_scraped_count", 0)
        limit = self.settings.getfloat("NEWSCRAWL_MONITOR_MAX_DROP_RATE")
        if parsed:
            self.check(dropped / parsed <= limit,
                       f"drop rate {dropped / parsed:.1%} ({dropped} of {parsed} pages; at most {limit:.0%})")

    @monitors.name("field coverage")
    def test_field_coverage(self):
        parsed, coverage = field_coverage(self.stats)
        if not parsed:
            self.skip("no article parsed")
        figures = [f"{f} {coverage.get(f, 0):.0%} (needs 100%)" for f in REQUIRED_FIELDS]
        low = [line for f, line in zip(REQUIRED_FIELDS, figures) if coverage.get(f, 0) < 1]
        floors = self.settings.getdict("NEWSCRAWL_MONITOR_COVERAGE")
        min_items = self.settings.getint("NEWSCRAWL_MONITOR_MIN_ITEMS")
        for field, floor in floors.items():
            share = coverage.get(field, 0)
            figures.append(f"{field} {share:.0%} (needs {float(floor):.0%})")
            # a field found nowhere fails from a handful of articles on (one or two may lack a
            # summary: a slice of a shared crawl, -a urls=); a thin one once the run is large enough
            if (share == 0 and parsed >= min(NOWHERE_MIN_ITEMS, min_items)) or (parsed >= min_items and share < floor):
                low.append(figures[-1])
        self.check(not low, f"field coverage of {parsed} articles: " + ", ".join(low or figures))

    @monitors.name("themes")
    def test_known_theme(self):
        themes = {k.rsplit("/", 1)[1]: v for k, v in self.stats.items() if k.startswith(THEME)}
        parsed = sum(themes.values())
        if parsed < self.settings.getint("NEWSCRAWL_MONITOR_MIN_ITEMS"):
            self.skip(f"{parsed} articles parsed")
        unknown = sum(themes.get(name, 0) for name in UNKNOWN_THEMES)
        limit = self.settings.getfloat("NEWSCRAWL_MONITOR_MAX_UNKNOWN_THEME")
        figure = f"unknown theme {unknown / parsed:.0%} ({unknown} of {parsed} articles; at most {limit:.0%})"
        ok = unknown / parsed <= limit
        self.check(ok, figure if ok else f"{figure} matched no known theme version (read as "
                                         f"{' or '.join(repr(n) for n in UNKNOWN_THEMES)}): a redesign? "
                                         f"add a theme version (docs: explanation/extraction.md)")

    @monitors.name("extraction errors")
    def test_extraction_errors(self):
        errors = {k[len(EXTRACTION_ERROR):]: v for k, v in self.stats.items()
                  if k.startswith(EXTRACTION_ERROR)}
        parsed, _ = field_coverage(self.stats)
        if not parsed:
            self.skip("no article parsed")
        limit = self.settings.getfloat("NEWSCRAWL_MONITOR_MAX_EXTRACTION_ERRORS")
        worst = ", ".join(f"{k} {v}" for k, v in sorted(errors.items(), key=lambda kv: -kv[1])[:3])
        n = sum(errors.values())
        self.check(n / parsed <= limit, f"extraction errors {n / parsed:.1%} ({n} layer fields raised on "
                                        f"{parsed} articles{': ' + worst if worst else ''}; at most {limit:.0%})")

    @monitors.name("web archive")
    def test_archive(self):
        def by_reason(prefix: str) -> dict[str, int]:
            return {k.rsplit("/", 1)[1]: v for k, v in self.stats.items() if k.startswith(ARCHIVE + prefix)}
        failed, broken = by_reason("not_archived/"), by_reason("broken/")
        written, replayed = self.stats.get(ARCHIVE + "records", 0), self.stats.get(ARCHIVE + "replayed", 0)
        if not (failed or broken or written or replayed):
            self.skip("nothing archived (NEWSCRAWL_ARCHIVE off)")
        said = []
        if written or failed:
            said.append(f"{written} responses archived, {sum(failed.values())} not" + (
                f" ({reasons(failed)}); the articles are stored, their pages not kept" if failed else ""))
        if replayed or broken:
            said.append(f"{replayed} pages read from the archive, {sum(broken.values())} broken records skipped"
                        + (f" ({reasons(broken)})" if broken else ""))
        self.check(not failed and not broken, "web archive: " + "; ".join(said))

    @monitors.name("item count")
    def test_item_count(self):
        previous = self._previous_counts()
        runs_needed = self.settings.getint("NEWSCRAWL_MONITOR_HISTORY_RUNS")
        if len(previous) < runs_needed:
            self.skip(f"{len(previous)} earlier runs of this job (needs {runs_needed})")
        median = statistics.median(previous)
        items = self.stats.get("item_scraped_count", 0)
        ratio = self.settings.getfloat("NEWSCRAWL_MONITOR_MIN_ITEMS_RATIO")
        self.check(items >= ratio * median, f"item count {items} (at least {ratio:.0%} of the median "
                                            f"{median:g} of the last {len(previous)} runs of this job)")

    def _previous_counts(self) -> list[int]:
        target = CrawlContext.of(self.data.crawler).target
        job = (target.spider, json.dumps(target.arguments, sort_keys=True), target.site, self.stats.get(MODE, "full"))
        try:
            runs = CrawlStore.of(self.data.crawler).get().last_runs(50)
        except StoreUnavailable:
            return []
        return [r.counts["scraped"] for r in runs
                if r.finish_reason == "finished" and r.counts
                and (r.spider, json.dumps(r.arguments, sort_keys=True), r.site, r.mode or "full") == job
                ][: self.settings.getint("NEWSCRAWL_MONITOR_HISTORY_RUNS") * 2]


class MarkDegraded(Action):
    """On failure: the run becomes ``degraded`` (CrawlRunRecorder reads the stats), the
    reasons are logged and posted to NEWSCRAWL_ALERT_WEBHOOK."""

    def __init__(self, crawler=None):
        super().__init__()
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def run_action(self):
        reasons = [f"{r.monitor.method_name}: {r.reason}"
                   for r in self.result.monitors_failed_results]
        hand_over(self.data.crawler, Verdict("degraded", reasons))
        for reason in reasons:
            logger.error("Run check failed: %s", reason)
        url = self.data.crawler.settings.get("NEWSCRAWL_ALERT_WEBHOOK")
        if url:
            body = json.dumps({"spider": self.data.spider.name, "status": "degraded", "reasons": reasons,
                               "stats": {k: v for k, v in self.data.stats.items() if isinstance(v, (int, float, str))}},
                              default=str).encode()
            req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
            try:
                urllib.request.urlopen(req, timeout=10).close()
            except OSError as exc:
                logger.warning("Could not post the run checks to the webhook: %s", exc)


class MarkPassed(Action):
    def run_action(self):
        hand_over(self.data.crawler, Verdict("passed", []))


# Signal: the run checks' Verdict, sent once they have run (the run recorder listens).
run_checked = object()


@dataclass(frozen=True)
class Verdict:
    """What the run checks found: "passed", or "degraded" with one reason a failed check."""
    status: str
    reasons: list[str]


def hand_over(crawler, verdict: Verdict) -> None:
    """Give the verdict to whoever records the run (a signal: whatever the order of
    EXTENSIONS), and to the run's figures, which the exit code is decided from."""
    crawler.stats.set_value(MONITOR_STATUS, verdict.status)
    if verdict.reasons:
        crawler.stats.set_value(MONITOR_REASONS, verdict.reasons)
    crawler.signals.send_catch_log(run_checked, verdict=verdict)


def quiet_report(spider_name: str) -> None:
    """Spidermon's report (logged as the spider) at DEBUG: each check logs its own line."""
    spider_logger = logging.getLogger(spider_name)
    if not any(isinstance(f, _OneLinePerCheck) for f in spider_logger.filters):
        spider_logger.addFilter(_OneLinePerCheck())


class RunChecks(MonitorSuite):
    monitors = [RunMonitor]
    monitors_passed_actions = [MarkPassed]
    monitors_failed_actions = [MarkDegraded]

    def __init__(self, *args, crawler=None, **kwargs):
        super().__init__(*args, crawler=crawler, **kwargs)
        if crawler is not None and getattr(crawler, "spider", None) is not None:
            quiet_report(crawler.spider.name)  # before the report's first line
