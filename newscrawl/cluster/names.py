"""Names and connections of the cluster: the crawl id, Redis URLs (password masked)."""
from __future__ import annotations

import hashlib
import json

from newscrawl.site.rules import mask_password


def redis_url(settings) -> str | None:
    """REDIS_URL from the settings (``-s REDIS_URL=``) or the environment."""
    from newscrawl.connections import redis_url as from_environment
    return settings.get("REDIS_URL") or from_environment() or None


mask_redis_url = mask_password


def crawl_id(spider_name: str, arguments: dict) -> str:
    """``-a crawl_id=`` if given, else a name derived from the spider and its arguments, so
    that workers started with the same arguments join the same crawl."""
    if arguments.get("crawl_id"):
        return str(arguments["crawl_id"])
    args = {k: v for k, v in sorted(arguments.items()) if k != "crawl_id"}
    digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()[:12]
    return f"{spider_name}-{digest}"


def prefix(cid: str) -> str:
    return f"newscrawl:{cid}:"
