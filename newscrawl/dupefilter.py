"""DUPEFILTER_CLASS: Scrapy's request dupefilter with 8 bytes a request instead of a set.

Scrapy's RFPDupeFilter keeps every request fingerprint (20 bytes of SHA-1, as a bytes object
in a Python set: about 130 bytes a request). This one keeps the first 64 bits of each
fingerprint in the compact open-addressing table of newscrawl.seen (about 16 bytes a
request with the table's spare room); everything else, JOBDIR persistence
(``requests.seen``) included, is Scrapy's own. Two requests share 64 bits with a chance of
about 3e-8 in a crawl of a million.
"""
from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter

from .seen import SeenUrls


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


class CompactDupeFilter(RFPDupeFilter):
    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None):
        super().__init__(path, debug, fingerprinter=fingerprinter)
        resumed, self._fingerprints = self._fingerprints, FingerprintTable()
        self._fingerprints.update(resumed)  # what a JOBDIR's requests.seen held, if any
