"""scrapy-redis's dupefilter, keyed on Scrapy's own request fingerprints (20 bytes a URL
in a Redis set), under the crawl generation's key."""
from __future__ import annotations

from scrapy_redis.dupefilter import RFPDupeFilter


class RedisDupeFilter(RFPDupeFilter):
    def __init__(self, server, key, debug=False, fingerprinter=None):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request) -> bytes:
        if self.fingerprinter is None:
            return super().request_fingerprint(request)
        return self.fingerprinter.fingerprint(request)

    def close(self, reason=""):
        """Keep the fingerprints: the crawl's generation owns them (ClusterScheduler)."""
