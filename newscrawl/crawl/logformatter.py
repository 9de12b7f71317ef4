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


# Scrapy's and its plugins' dumps at start and end: at DEBUG (LOG_LEVEL=DEBUG shows them).
# logger name -> message prefixes demoted ("" for every INFO message of that logger)
DUMPS = {
    "scrapy.utils.log": ("Versions:",),  # the start line stays: "Scrapy 2.x started"
    "scrapy.addons": ("Enabled addons",),
    "scrapy.middleware": ("Enabled ",),  # extensions, middlewares, item pipelines
    "scrapy.crawler": ("Overridden settings",),
    "scrapy.statscollectors": ("Dumping Scrapy stats",),  # newscrawl.crawl.runs logs the run's summary
    "scrapy.extensions.telnet": ("",),
    "scrapy-playwright": ("",),
}


class ToDebug(logging.Filter):
    """Logs a record of one of ``prefixes`` at DEBUG instead of INFO (dropped by a handler at
    INFO, shown at DEBUG): Scrapy's settings, middleware and stats dumps."""

    def __init__(self, prefixes: tuple[str, ...]):
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record):
        if record.levelno == logging.INFO and isinstance(record.msg, str) \
                and record.msg.startswith(self.prefixes):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"  # the handler's level decides
        return True


def install_quieter_logs() -> None:
    for name, prefixes in DUMPS.items():
        log = logging.getLogger(name)
        if not any(isinstance(f, ToDebug) for f in log.filters):
            log.addFilter(ToDebug(prefixes))


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        url = item.get("url") if hasattr(item, "get") else getattr(item, "url", None)
        return {"level": logging.WARNING, "msg": "Dropped article %(url)s: %(reason)s",
                "args": {"url": url, "reason": exception}}
