"""The chain every article goes through before it is stored: validate, then normalize.

The crawl's pipelines and `newscrawl replay` use this one class with the same settings, so
a replayed article is stored exactly as the crawl would have stored it.
"""
from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.process.normalize import normalize
from newscrawl.process.validate import validate


class Rejected(Exception):
    """The article cannot be stored; ``reason`` (``missing_title``, ...) goes into the stats."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Prepare:
    def __init__(self, default_language: str) -> None:
        self.default_language = default_language

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Prepare:
        return cls(settings.get("NEWSCRAWL_DEFAULT_LANGUAGE"))

    def check(self, item: dict[str, Any]) -> None:
        reason = validate(item)
        if reason:
            raise Rejected(reason)

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        out = normalize(item, self.default_language)
        if not out["body"]:
            raise Rejected("missing_body")
        return out

    def __call__(self, item: dict[str, Any]) -> dict[str, Any]:
        self.check(item)
        return self.normalize(item)
