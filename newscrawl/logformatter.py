"""Log a dropped item once, by URL and reason (not the whole item); credentials masked in
every URI that Scrapy logs (its "Overridden settings" dump shows -s MONGO_URI=... as given)."""
import logging
import re

from scrapy import logformatter

_CREDENTIALS = re.compile(r"(\w+://[^:/@\s'\"]*):[^@/\s'\"]+@")


def mask_credentials(text: str) -> str:
    """Every user:password@ in the URIs of a text, as user:***@."""
    return _CREDENTIALS.sub(r"\1:***@", text)


class MaskCredentials(logging.Filter):
    def filter(self, record):
        if record.args:
            record.msg = mask_credentials(record.getMessage())
            record.args = None
        elif isinstance(record.msg, str):
            record.msg = mask_credentials(record.msg)
        return True


def install_credential_masking(names=("scrapy.crawler", "scrapy.utils.log", "scrapy.addons")) -> None:
    for name in names:
        log = logging.getLogger(name)
        if not any(isinstance(f, MaskCredentials) for f in log.filters):
            log.addFilter(MaskCredentials())


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        url = item.get("url") if hasattr(item, "get") else getattr(item, "url", None)
        return {"level": logging.WARNING, "msg": "Dropped article %(url)s: %(reason)s",
                "args": {"url": url, "reason": exception}}
