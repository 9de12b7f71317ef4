"""Reparse (``-a reparse=1 -a archive=PATH``, `newscrawl reparse`): the newest archived page of
every article of the site, read again with the current parser; nothing else is fetched, and
nothing from the network (the archive answers: newscrawl.crawl.archiving.ReplayArchive). The
pipelines store what changed as a new version and leave an unchanged article as it is."""
from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from pathlib import Path

from scrapy import Request

from newscrawl.archive import ArchiveIndex
from newscrawl.keys import ANNOUNCED, ARCHIVE, META_ANNOUNCED, META_CAPTURE, META_URL, MODE, RequestKind
from newscrawl.spiders.core import GbafBase

logger = logging.getLogger(__name__)
# the captures that hold an article's page (an app shell's data route is replayed when asked for)
ARTICLE_KINDS = (RequestKind.ARTICLE_NEW.value, RequestKind.ARTICLE_REVISIT.value, RequestKind.ARTICLE_RENDER.value)


def in_shard(url: str, shard: tuple[int, int]) -> bool:
    return zlib.crc32(url.encode()) % shard[1] == shard[0]


class Reparsing(GbafBase):
    def _reparse_requests(self) -> Iterator[Request]:
        self.stats.set_value(MODE, "reparse")
        assert self.args.archive is not None
        index = ArchiveIndex.load(Path(self.args.archive))
        urls = [self.rules.article_url(u) for u in self.args.urls] or None
        captures = [c for c in index.latest(ARTICLE_KINDS, site=self.rules.base_url, urls=urls)
                    if in_shard(c.url, self.args.shard)]
        self.stats.set_value(ARCHIVE + "reparse_pages", len(captures))
        i, n = self.args.shard
        logger.info("Reparse: %d archived article pages of %s%s", len(captures), self.rules.base_url,
                    f" (shard {i}/{n})" if n > 1 else "")
        self.stats.inc_value(ANNOUNCED, len(captures))  # the progress estimate knows them all at once
        for capture in captures:
            yield self._request(capture.url, self.parse_article, RequestKind(capture.kind), dont_filter=True,
                                meta={META_URL: capture.url, META_CAPTURE: capture, META_ANNOUNCED: True})
