"""Log a dropped item once, by URL and reason (not the whole item)."""
import logging

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        url = item.get("url") if hasattr(item, "get") else getattr(item, "url", None)
        return {"level": logging.WARNING, "msg": "Dropped article %(url)s: %(reason)s",
                "args": {"url": url, "reason": exception}}
