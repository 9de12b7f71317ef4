"""DUPEFILTER_CLASS: Scrapy's request dupefilter with 8 bytes a request instead of a set.

Scrapy's RFPDupeFilter keeps every request fingerprint (20 bytes of SHA-1, as a bytes object
in a Python set: about 130 bytes a request). This one keeps the first 64 bits of each
fingerprint in the compact open-addressing table of newscrawl.seen (about 16 bytes a
request with the table's spare room); everything else, JOBDIR persistence
(``requests.seen``) included, is Scrapy's own. Two requests share 64 bits with a chance of
about 3e-8 in a crawl of a million.
"""
from __future__ import annotations

import logging
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter

from .seen import SeenUrls

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


class CompactDupeFilter(RFPDupeFilter):
    """With JOBDIR: Scrapy's ``requests.seen`` is only as good as the shutdown that wrote it.
    After a clean stop it is kept (the crawl resumes); after a crash (SIGKILL, power loss:
    no clean-close mark) it is not trusted, since the disk queue lost the requests it names:
    the re-run discovers again, and incremental mode skips what the store already holds."""

    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None):
        if path:
            seen, mark = Path(path, "requests.seen"), Path(path, CLEAN_MARK)
            if seen.exists() and seen.stat().st_size and not mark.exists():
                logger.warning("JOBDIR %s was not closed cleanly (a crash?): its %d bytes of request "
                               "fingerprints are discarded; what is stored decides what is fetched again",
                               path, seen.stat().st_size)
                seen.unlink()
            mark.unlink(missing_ok=True)
        self.jobdir = path
        super().__init__(path, debug, fingerprinter=fingerprinter)
        resumed, self._fingerprints = self._fingerprints, FingerprintTable()
        self._fingerprints.update(resumed)  # what a JOBDIR's requests.seen held, if any

    def close(self, reason: str) -> None:
        super().close(reason)
        if self.jobdir:
            Path(self.jobdir, CLEAN_MARK).touch()
