"""Every value checked before the first request: the declared settings parsed, ``NEWSCRAWL_*``
names nobody declared refused with the closest known name, the same for environment
variables. :class:`SettingsAddon` gives the declared defaults to a crawl at the add-on
priority (a project's settings module, the environment and ``-s`` win), the way Scrapy's own
add-ons set theirs."""
from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.conf.crawling import CRAWLING
from newscrawl.conf.declaration import Setting
from newscrawl.conf.environment import mongo_uri, redis_url
from newscrawl.conf.kinds import BadValue
from newscrawl.conf.operating import OPERATING
from newscrawl.conf.storing import STORING

DECLARED: dict[str, Setting] = {s.name: s for s in CRAWLING + STORING + OPERATING}
PREFIX = "NEWSCRAWL_"
# Names of the test suite's own switches (never read by newscrawl itself).
RESERVED_PREFIX = "NEWSCRAWL_TEST_"
# Read from the environment by newscrawl.conf.environment into MONGO_URI / REDIS_URL.
CONNECTION_PARTS = ("MONGO_HOST", "MONGO_USER", "MONGO_PASSWORD", "MONGO_PASSWORD_FILE", "MONGO_AUTH_SOURCE",
                    "MONGO_OPTIONS", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE", "REDIS_DB")


class SettingsError(ValueError):
    """A setting (or environment variable) a user got wrong: one line, exit 2."""


def default(name: str) -> Any:
    return DECLARED[name].default


def apply_defaults(settings: BaseSettings, priority: str = "addon") -> None:
    """Every declared setting that is not set gets its default."""
    for name, s in DECLARED.items():
        if settings.getpriority(name) is None:
            settings.set(name, s.default, priority)


def from_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Declared settings given as environment variables of the same name, an empty one not
    set; MONGO_URI and REDIS_URL also assembled from their parts (newscrawl.conf.environment)."""
    found = {name: environ[name] for name in DECLARED
             if environ.get(name, "").strip() and name not in ("MONGO_URI", "REDIS_URL")}
    for name, value in (("MONGO_URI", mongo_uri(environ)), ("REDIS_URL", redis_url(environ))):
        if value:
            found[name] = value
    return found


def suggestion(name: str) -> str:
    close = difflib.get_close_matches(name, DECLARED, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else " (see docs/reference/settings.md)"


def problem(name: str, value: Any) -> str | None:
    """None when ``value`` is fine for ``name``; else the one line that says what is wrong."""
    s = DECLARED.get(name)
    if s is None:
        return f"unknown setting {name}{suggestion(name)}"
    try:
        s.parse(value)
    except BadValue as exc:
        shown = "***" if s.secret else repr(value)
        return f"{name}={shown}: expected {exc} (default: {s.shown_default()})"
    return None


def problems(settings: BaseSettings | Mapping[str, Any], environ: Mapping[str, str] | None = None) -> list[str]:
    """Every declared setting present, every ``NEWSCRAWL_*`` name, and (``environ``) every
    ``NEWSCRAWL_*`` environment variable, checked."""
    found = []
    names: Iterable[str] = list(settings.keys()) if isinstance(settings, Mapping) else [k for k, _ in settings.items()]
    for name in names:
        if name in DECLARED or (name.startswith(PREFIX) and not name.startswith(RESERVED_PREFIX)):
            why = problem(name, settings[name])
            if why:
                found.append(why)
    for name in sorted(environ or {}):
        if name.startswith(PREFIX) and not name.startswith(RESERVED_PREFIX) and name not in DECLARED:
            found.append(f"unknown environment variable {name}{suggestion(name)}")
    return found


def check(settings: BaseSettings | Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
    """SettingsError with every problem, on one line."""
    found = problems(settings, environ)
    if found:
        raise SettingsError("; ".join(found))


class SettingsAddon:
    """Scrapy add-on (``ADDONS``): the declared defaults, then the check (SettingsError)."""

    def update_settings(self, settings: BaseSettings) -> None:
        apply_defaults(settings)
        check(settings, os.environ)
