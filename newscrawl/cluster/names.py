"""Names and connections of the cluster: the crawl id, Redis URLs (password masked)."""
from __future__ import annotations

from newscrawl.site.rules import mask_password


def redis_url(settings) -> str | None:
    """REDIS_URL from the settings (``-s REDIS_URL=``) or the environment."""
    from newscrawl.conf.environment import redis_url as from_environment
    return settings.get("REDIS_URL") or from_environment() or None


mask_redis_url = mask_password


def prefix(cid: str) -> str:
    return f"newscrawl:{cid}:"
