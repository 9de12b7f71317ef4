"""The `gbaf` spider's arguments (``-a NAME=VALUE``): read and checked in one place.

:func:`parse_arguments` is used by the spider and, before anything starts, by the crawl
command and the scheduler (``GbafSpider.check_arguments``): a bad value is a UsageError
(exit code 2) in one line saying what to set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from newscrawl.site.dates import parse_since

ARGUMENTS = ("base_url", "categories", "max_pages", "since", "urls", "refresh", "crawl_id", "wait", "watch",
             "archive", "reparse", "shard")
BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
REFRESH = ("auto", "all")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")


@dataclass(frozen=True)
class CrawlArguments:
    base_url: str | None = None  # None: NEWSCRAWL_BASE_URL
    categories: list[str] | None = None  # None: the whole site
    max_pages: int | None = None  # listing pages per category
    since: datetime | None = None  # only articles published since
    urls: list[str] = field(default_factory=list)  # only these articles
    refresh: str = "auto"  # auto: what is new or changed; all: everything again
    wait: bool = False  # wait for a running crawl of the site instead of exiting
    watch: bool = False  # keep polling the site's change signals (newscrawl.fresh.watch); never closes
    archive: str | None = None  # answer every request from this web archive (a folder of WARC files)
    reparse: bool = False  # read the archive's article pages again, nothing else (needs archive)
    shard: tuple[int, int] = (0, 1)  # reparse: this process reads the pages i of n (by URL), 0/1: all
    given: dict[str, Any] = field(default_factory=dict)  # the arguments as passed (crawl_runs, crawl id)


def parse_arguments(spider: str, /, **kwargs: Any) -> CrawlArguments:
    """The arguments, checked; UsageError naming the argument otherwise. Keys starting with
    ``_`` (scrapyd's ``_job``) are Scrapy's and ignored here."""
    unknown = sorted(k for k in kwargs if not k.startswith("_") and k not in ARGUMENTS)
    if unknown:
        shown = ", ".join(k if k.isprintable() else repr(k) for k in unknown)  # one line, whatever was typed
        raise UsageError(f"{spider}: unknown argument(s) {shown}; known: {', '.join(ARGUMENTS)}")
    given = {k: kwargs[k] for k in ARGUMENTS if k != "wait" and kwargs.get(k) is not None}
    try:
        return CrawlArguments(
            base_url=kwargs.get("base_url"), categories=categories(kwargs.get("categories")),
            max_pages=positive(kwargs.get("max_pages"), "max_pages"),
            since=parse_since(kwargs["since"]) if kwargs.get("since") else None,
            urls=[u.strip() for u in (kwargs.get("urls") or "").split(",") if u.strip()],
            refresh=refresh(kwargs.get("refresh")), wait=flag(kwargs.get("wait"), "wait", "wait for a running crawl"),
            watch=flag(kwargs.get("watch"), "watch", "keep polling the site"), given=given,
            archive=archive(kwargs.get("archive")), reparse=reparse(kwargs), shard=shard(kwargs.get("shard")))
    except ValueError as exc:
        raise UsageError(f"{spider}: {exc}") from None


def archive(value: str | None) -> str | None:
    if value is None:
        return None
    path = Path(str(value)).expanduser()
    try:
        folder = path.is_dir()
    except (OSError, ValueError):  # a name too long for a path, a NUL byte
        folder = False
    if not folder:
        raise ValueError(f"archive must be a web archive's folder (NEWSCRAWL_ARCHIVE_DIR or one run's folder in it); "
                         f"{str(value)!r} is not a folder")
    return str(path.resolve())


def reparse(kwargs: dict[str, Any]) -> bool:
    on = flag(kwargs.get("reparse"), "reparse", "read the archived article pages again")
    if on and not kwargs.get("archive"):
        raise ValueError("reparse=1 needs archive=PATH (the web archive to read the pages from)")
    if on and kwargs.get("watch"):
        raise ValueError("reparse=1 reads the archive's articles once: it takes no watch")
    return on


def shard(value: str | None) -> tuple[int, int]:
    if value is None:
        return (0, 1)
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(value))
    if not found or not int(found[1]) < int(found[2]):
        raise ValueError(f"shard must be I/N with 0 <= I < N (this process's part of a reparse), got {value!r}")
    return int(found[1]), int(found[2])


def categories(value: str | None) -> list[str] | None:
    if value is None:
        return None
    cats = [c.strip().strip("/").lower() for c in value.split(",") if c.strip()]
    bad = [c for c in cats if not _SLUG.match(c)]
    if not cats or bad:
        raise ValueError(f"categories must be category slugs such as finance,banking; got {value!r}")
    return cats


def positive(value: Any, name: str) -> int | None:
    if value is None:
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return n


def refresh(value: str | None) -> str:
    mode = (value or "auto").strip().lower()
    if mode not in REFRESH:
        raise ValueError(f"refresh must be auto (fetch what is new or changed) or all "
                         f"(fetch everything again), got {value!r}")
    return mode


def flag(value: Any, name: str, meaning: str) -> bool:
    if value is None:
        return False
    on = BOOLEANS.get(str(value).strip().lower())
    if on is None:
        raise ValueError(f"{name} must be 1 ({meaning}) or 0, got {value!r}")
    return on
