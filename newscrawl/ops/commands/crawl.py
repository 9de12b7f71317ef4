"""`scrapy crawl` that checks its configuration before the engine starts and exits with a
code that says what happened (newscrawl.crawl.outcome, docs/reference/exit-codes.md).

- Every setting and NEWSCRAWL_* environment variable is checked (newscrawl.conf): a bad
  value or an unknown name is one line, exit 2, before anything starts.
- A spider class may define `check_arguments(settings, **spargs)`; its UsageError is
  reported the way Scrapy reports bad options (usage line, message, exit code 2).
- When the store pipeline is on, the store must open (MongoDB must answer a ping; the
  embedded store's folder must be writable); if not, one line says what to do, exit 1.
- With REDIS_URL set (a worker of a shared crawl), Redis must answer a ping, likewise.
- After the crawl: the exit code of its status, and the one line that says why it failed.
The pipeline checks the store again when it opens; this only makes the failure readable.
"""
from __future__ import annotations

import logging
import os
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newscrawl.conf import SettingsError, apply_defaults, check
from newscrawl.crawl.outcome import DEGRADED, FAILED, STAT_ERROR, USAGE, exit_code, run_status
from newscrawl.keys import MONITOR_REASONS
from newscrawl.process.pipelines import stores_articles


class Command(ScrapyCrawl):
    def run(self, args, opts):
        if len(args) != 1:
            return super().run(args, opts)
        assert self.settings is not None  # Scrapy's command sets them before run()
        apply_defaults(self.settings)
        try:
            check(self.settings, os.environ)
        except SettingsError as exc:
            self._say(f"error: {exc}")
            self.exitcode = USAGE.exit_code
            return
        if not self._preflight(args[0], opts):
            self.exitcode = FAILED.exit_code
            return
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = FAILED.exit_code
            return
        stats = crawler.stats.get_stats()
        status = run_status(stats)
        self.exitcode = exit_code(status, self.settings.getbool("NEWSCRAWL_FAIL_ON_DEGRADED"))
        if stats.get(STAT_ERROR):
            self._say(f"error: {stats[STAT_ERROR]}")
        elif status is DEGRADED:
            reasons = stats.get(MONITOR_REASONS) or [f"finish reason {stats.get('finish_reason')!r}"]
            self._say(f"degraded: {'; '.join(reasons)}")

    def _preflight(self, name: str, opts) -> bool:
        """Before anything starts: the spider and its arguments (UsageError, exit 2), which store
        (UsageError), then whether the store and Redis answer (False: exit 1, one line said)."""
        assert self.crawler_process is not None and self.settings is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(name)
        except KeyError:
            known = ", ".join(self.crawler_process.spider_loader.list()) or "none"
            raise UsageError(f"no spider {name!r} in this project (spiders: {known})", print_help=False) from None
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            check(self.settings, **opts.spargs)
        from newscrawl.store import StoreMisconfigured, store_kind
        try:
            store_kind(self.settings)
        except StoreMisconfigured as exc:
            raise UsageError(str(exc)) from None
        return self._store_reachable() and self._redis_reachable()

    def _say(self, line: str) -> None:
        """The one line, on standard error; also in LOG_FILE when there is one (scrapyd's job
        log, which the scheduler reads: newscrawl.ops.schedule_status.job_outcome)."""
        print(f"scrapy crawl: {line}", file=sys.stderr)
        if self.settings is not None and self.settings.get("LOG_FILE"):
            logging.getLogger(__name__).error("scrapy crawl: %s", line)

    def _reachable(self, connect, unavailable) -> bool:
        try:
            store = connect(self.settings)
            getattr(store, "ensure_indexes", lambda: None)()
            store.close()
        except unavailable as exc:
            self._say(f"error: {exc}")
            return False
        return True

    def _redis_reachable(self) -> bool:
        from newscrawl.cluster.names import redis_url
        from newscrawl.cluster.scheduler import RedisUnavailable, connect
        return not redis_url(self.settings) or self._reachable(connect, RedisUnavailable)

    def _store_reachable(self) -> bool:
        from newscrawl.store import StoreUnavailable, open_store
        assert self.settings is not None
        if not stores_articles(self.settings):
            return True
        return self._reachable(lambda s: open_store(s, quiet=True), StoreUnavailable)

