"""What the `gbaf` spider reads from its settings and arguments, checked once at start.

:func:`spider_config` turns settings and :class:`.arguments.CrawlArguments` into a
:class:`SpiderConfig` (a bad value is a UsageError naming the setting);
:func:`polite_settings` adjusts the crawl's own settings to the site (the bot's User-Agent,
full speed on a replica on this machine) while Scrapy still lets the spider change them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newscrawl.crawl.incremental import Policy
from newscrawl.crawl.rendering import SubrequestPolicy
from newscrawl.extract.article import ArticleParser
from newscrawl.extract.common import LEGACY_SELECTORS, ExtractConfig
from newscrawl.extract.layers.legacy import check_selectors
from newscrawl.fresh.watch import POLLED, heartbeat_path
from newscrawl.settings import user_agent
from newscrawl.site.rules import SiteRules, is_loopback
from newscrawl.site.text import WIRE_AGENCIES
from newscrawl.spiders.arguments import CrawlArguments


@dataclass
class SpiderConfig:
    rules: SiteRules
    tz: ZoneInfo
    parser: ArticleParser
    follow_links: bool  # related and previous/next links of articles
    probe: bool  # try page N+1 of a listing that shows no pager
    default_categories: list[str]
    sitemaps: list[str]
    feeds: list[str]
    render_urls: list[re.Pattern[str]]
    render_max_clicks: int
    render_policy: SubrequestPolicy
    policy: Policy  # incremental mode's revisit and paging rules
    incremental: bool  # NEWSCRAWL_INCREMENTAL (RunAddon: False when nothing is stored)
    watch_discovery: float = 3600.0  # watch mode: seconds between two full discoveries
    watch_heartbeat: Path | None = None  # watch mode: the heartbeat file


def site_rules(base_url: str | None, settings: BaseSettings) -> SiteRules:
    try:
        return SiteRules(base_url or settings.get("NEWSCRAWL_BASE_URL"),
                         extra_deny=tuple(settings.getlist("NEWSCRAWL_EXTRA_DENY")))
    except ValueError as exc:
        raise UsageError(f"gbaf: {exc} (set -a base_url=http://HOST[:PORT])") from None


def time_zone(settings: BaseSettings) -> ZoneInfo:
    name = settings.get("NEWSCRAWL_TIMEZONE")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"NEWSCRAWL_TIMEZONE: unknown time zone {name!r}; set e.g. Europe/London") from None


def article_parser(rules: SiteRules, tz: ZoneInfo, settings: BaseSettings) -> ArticleParser:
    legacy = dict(LEGACY_SELECTORS)
    legacy.update(settings.getdict("NEWSCRAWL_LEGACY_SELECTORS"))
    try:
        check_selectors(legacy)
    except ValueError as exc:
        raise UsageError(f"NEWSCRAWL_LEGACY_SELECTORS{exc}") from None
    return ArticleParser(rules, ExtractConfig(
        agencies=WIRE_AGENCIES + tuple(settings.getlist("NEWSCRAWL_WIRE_AGENCIES")),
        legacy_selectors=legacy, default_tz=tz, generic=settings.getbool("NEWSCRAWL_GENERIC_EXTRACTION")))


def spider_config(args: CrawlArguments, settings: BaseSettings) -> SpiderConfig:
    rules = site_rules(args.base_url, settings)
    for u in args.urls:
        if not rules.is_article(u):
            raise UsageError(f"gbaf: urls: {u!r} is not an article URL of {rules.base_url}")
    tz = time_zone(settings)
    deny = tuple(settings.getlist("NEWSCRAWL_EXTRA_DENY"))
    if args.watch:
        check_watch(args, settings)
    return SpiderConfig(
        rules=rules, tz=tz, parser=article_parser(rules, tz, settings),
        # An incremental (since) run finds new articles in listings, sitemaps and feeds;
        # related links of articles lead only into the archive.
        follow_links=settings.getbool("NEWSCRAWL_FOLLOW_ARTICLE_LINKS") and not args.urls and args.since is None,
        probe=settings.getbool("NEWSCRAWL_PAGINATION_PROBE"),
        default_categories=[c.strip("/") for c in settings.getlist("NEWSCRAWL_CATEGORIES")],
        sitemaps=[rules.url(p) for p in settings.getlist("NEWSCRAWL_SITEMAPS")],
        feeds=[rules.url(p) for p in settings.getlist("NEWSCRAWL_FEEDS")],
        render_urls=[re.compile(p) for p in settings.getlist("NEWSCRAWL_RENDER_URLS")],
        render_max_clicks=settings.getint("NEWSCRAWL_RENDER_MAX_CLICKS"),
        render_policy=SubrequestPolicy(rules, None, settings.get("USER_AGENT") or "*", deny),
        policy=Policy(revisit_hours=settings.getfloat("NEWSCRAWL_REVISIT_HOURS"),
                      revisit_every=settings.getfloat("NEWSCRAWL_REVISIT_EVERY"),
                      known_pages=settings.getint("NEWSCRAWL_KNOWN_PAGES"),
                      recheck_every=settings.getint("NEWSCRAWL_RECHECK_EVERY"),
                      poll_min=settings.getfloat("NEWSCRAWL_WATCH_MIN_INTERVAL"),
                      poll_max=settings.getfloat("NEWSCRAWL_WATCH_MAX_INTERVAL"),
                      poll_kinds=POLLED + (("listing",) if args.categories else ())),
        incremental=settings.getbool("NEWSCRAWL_INCREMENTAL"),
        watch_discovery=settings.getfloat("NEWSCRAWL_WATCH_DISCOVERY_INTERVAL"),
        watch_heartbeat=heartbeat_path(settings) if args.watch else None)


def check_watch(args: CrawlArguments, settings: BaseSettings) -> None:
    """Watch mode polls the site into the store, incrementally: what it cannot be combined with."""
    if args.urls:
        raise UsageError("gbaf: watch polls the whole site (or -a categories); it takes no urls")
    if args.refresh != "auto":
        raise UsageError("gbaf: watch fetches what is new or changed: it takes no refresh=all")
    if not settings.getbool("NEWSCRAWL_INCREMENTAL"):
        raise UsageError("gbaf: watch needs the store pipeline (newscrawl.process.pipelines.StorePipeline) "
                         "and NEWSCRAWL_INCREMENTAL")
    lo, hi = settings.getfloat("NEWSCRAWL_WATCH_MIN_INTERVAL"), settings.getfloat("NEWSCRAWL_WATCH_MAX_INTERVAL")
    if not 0 < lo <= hi:
        raise UsageError(f"gbaf: NEWSCRAWL_WATCH_MIN_INTERVAL ({lo:g}) must be above 0 and at most "
                         f"NEWSCRAWL_WATCH_MAX_INTERVAL ({hi:g})")
    if settings.getfloat("NEWSCRAWL_WATCH_DISCOVERY_INTERVAL") < lo:
        raise UsageError("gbaf: NEWSCRAWL_WATCH_DISCOVERY_INTERVAL must be at least NEWSCRAWL_WATCH_MIN_INTERVAL")


def is_local(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def polite_settings(settings: BaseSettings, rules: SiteRules) -> None:
    """The bot's User-Agent with NEWSCRAWL_CONTACT_URL (unless USER_AGENT is set), and no
    delay on a site served from this machine (NEWSCRAWL_LOCAL_FAST), unless set by the user."""
    if (settings.getpriority("USER_AGENT") or 0) <= (settings.getpriority("NEWSCRAWL_CONTACT_URL") or 0):
        settings.set("USER_AGENT", user_agent(settings.get("NEWSCRAWL_CONTACT_URL")), priority="spider")
    project = SETTINGS_PRIORITIES["project"]  # the project's own delays give way; -s and the spider's do not
    if is_local(rules.base_url) and settings.getbool("NEWSCRAWL_LOCAL_FAST"):
        for key, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                           ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
            if (settings.getpriority(key) or 0) <= max(settings.getpriority("NEWSCRAWL_LOCAL_FAST") or 0, project):
                settings.set(key, value, priority="spider")
