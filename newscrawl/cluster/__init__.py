"""Distributed crawling on scrapy-redis: one shared frontier in Redis, many worker processes.

With ``REDIS_URL`` set, :class:`ClusterAddon` (in ``ADDONS``) puts scrapy-redis's scheduler
(extended with leases and generations, :mod:`.scheduler`) and a Redis dupefilter in
Scrapy's ``SCHEDULER`` and ``DUPEFILTER_CLASS`` slots, and a cluster-wide limiter in the
downloader (:mod:`.throttle`). Without it nothing changes.

Redis keys of a crawl, all under ``newscrawl:<crawl id>:``: ``gen`` (the generation),
and per generation ``<gen>:requests`` (queue, a sorted set), ``<gen>:leases`` (requests
taken by a worker: lease id -> expiry), ``<gen>:payloads`` (lease id -> request),
``<gen>:dupefilter``, ``<gen>:drained_since``. The limiter uses ``newscrawl:site:<host>:*``.
"""
from __future__ import annotations

from newscrawl.cluster.names import mask_redis_url, redis_url
from newscrawl.crawl.addons import decide
from newscrawl.crawl.context import crawl_id

__all__ = ["ClusterAddon", "crawl_id", "mask_redis_url", "redis_url"]


class ClusterAddon:
    """Scrapy add-on: turns any crawl into a worker of a shared crawl when REDIS_URL is set."""

    def update_settings(self, settings) -> None:
        if not redis_url(settings):
            return
        settings.set("SCHEDULER", "newscrawl.cluster.scheduler.ClusterScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "newscrawl.cluster.fingerprints.RedisDupeFilter", "addon")
        decide(settings, "NEWSCRAWL_ACK_STORED", True)  # a lease ends when its items are stored
        decide(settings, "NEWSCRAWL_LOCK_SHARED", True)
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", "newscrawl.cluster.throttle.ClusterThrottle", 950)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", "newscrawl.cluster.lease.ReleaseAfterCallback", 10)
