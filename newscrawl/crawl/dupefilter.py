"""DUPEFILTER_CLASS: Scrapy's request dupefilter with 8 bytes a request instead of a set.

Scrapy's RFPDupeFilter keeps every request fingerprint (20 bytes of SHA-1, as a bytes object
in a Python set: about 130 bytes a request). This one keeps the first 64 bits of each
fingerprint in the compact open-addressing table of newscrawl.site.seen (about 16 bytes a
request with the table's spare room); everything else, JOBDIR persistence
(``requests.seen``) included, is Scrapy's own. Two requests share 64 bits with a chance of
about 3e-8 in a crawl of a million.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter

from newscrawl.keys import ANNOUNCED_DUPLICATE, META_ANNOUNCED
from newscrawl.site.seen import SeenUrls

logger = logging.getLogger(__name__)


class FingerprintTable:
    """The set interface RFPDupeFilter uses (``in``, ``add``, ``update``) over SeenUrls."""

    def __init__(self):
        self.table = SeenUrls()

    @staticmethod
    def _hash(fp: bytes) -> int:
        return int.from_bytes(fp[:8], "little") or 1

    def __contains__(self, fp: bytes) -> bool:
        return self.table.has_hash(self._hash(fp))

    def add(self, fp: bytes) -> None:
        self.table.add_hash(self._hash(fp))

    def update(self, fps) -> None:
        for fp in fps:
            self.add(fp)

    def __len__(self) -> int:
        return len(self.table)


CLEAN_MARK = "newscrawl.closed-cleanly"


def discard_after_crash(jobdir: str) -> bool:
    """A JOBDIR is only as good as the shutdown that wrote it. After a clean stop (the mark
    exists) it is kept and the crawl resumes. After a crash (SIGKILL, power loss) its request
    fingerprints name requests the disk queue lost, and the queue files may end in a torn
    record: both are discarded, the re-run discovers again and incremental mode skips what
    the store holds. Returns True when something was discarded."""
    seen, mark, queue = Path(jobdir, "requests.seen"), Path(jobdir, CLEAN_MARK), Path(jobdir, "requests.queue")
    crashed = not mark.exists() and ((seen.exists() and seen.stat().st_size > 0) or queue.exists())
    if crashed:
        logger.warning("JOBDIR %s was not closed cleanly (a crash?): its %d bytes of request fingerprints "
                       "and its request queue are discarded; what is stored decides what is fetched again",
                       jobdir, seen.stat().st_size if seen.exists() else 0)
        seen.unlink(missing_ok=True)
        shutil.rmtree(queue, ignore_errors=True)
    mark.unlink(missing_ok=True)  # from now on this run is the one that must close cleanly
    return crashed


class CompactDupeFilter(RFPDupeFilter):
    """Scrapy's RFPDupeFilter in 8 bytes a fingerprint. With JOBDIR it runs before the
    scheduler opens its disk queue, so it is where a crashed JOBDIR is found and cleared
    (:func:`discard_after_crash`); a clean close leaves the mark."""

    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None):
        if path:
            discard_after_crash(path)
        self.jobdir = path
        super().__init__(path, debug, fingerprinter=fingerprinter)
        resumed, self._fingerprints = self._fingerprints, FingerprintTable()  # type: ignore[assignment]
        self._fingerprints.update(resumed)  # what a JOBDIR's requests.seen held, if any

    def log(self, request, spider) -> None:
        super().log(request, spider)
        if request.meta.get(META_ANNOUNCED):  # announced twice (a sitemap and a listing): not left to fetch
            spider.crawler.stats.inc_value(ANNOUNCED_DUPLICATE)

    def close(self, reason: str) -> None:
        super().close(reason)
        if self.jobdir:
            Path(self.jobdir, CLEAN_MARK).touch()
