"""`scrapy crawl` that checks its configuration before the engine starts.

- A spider class may define `check_arguments(settings, **spargs)`; its UsageError is
  reported the way Scrapy reports bad options (usage line, message, exit code 2).
- When the store pipeline is on and MONGO_URI is set, MongoDB must answer a ping; if not,
  the command prints what to do and exits 1 instead of a traceback from the engine.
- With REDIS_URL set (a worker of a shared crawl), Redis must answer a ping, likewise.
The pipeline checks both again when it opens; this only makes the failure readable.
"""
from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

STORE_PIPELINE = "newscrawl.pipelines.StorePipeline"


class Command(ScrapyCrawl):
    def run(self, args, opts):
        if len(args) == 1:
            assert self.crawler_process
            spidercls = self.crawler_process.spider_loader.load(args[0])
            check = getattr(spidercls, "check_arguments", None)
            if check is not None:
                check(self.settings, **opts.spargs)
            if not self._store_reachable() or not self._redis_reachable():
                self.exitcode = 1
                return
        super().run(args, opts)

    def _reachable(self, connect, unavailable) -> bool:
        try:
            connect(self.settings).close()
        except unavailable as exc:
            print(f"scrapy crawl: error: {exc}", file=sys.stderr)
            return False
        return True

    def _redis_reachable(self) -> bool:
        from newscrawl.cluster.keys import redis_url
        from newscrawl.cluster.scheduler import RedisUnavailable, connect
        return not redis_url(self.settings) or self._reachable(connect, RedisUnavailable)

    def _store_reachable(self) -> bool:
        from newscrawl.store import StoreUnavailable, open_store
        pipelines = self.settings.getwithbase("ITEM_PIPELINES")
        if not self.settings.get("MONGO_URI") or pipelines.get(STORE_PIPELINE) is None:
            return True
        return self._reachable(open_store, StoreUnavailable)
