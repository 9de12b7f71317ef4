"""Settings of what is crawled and how: the site, politeness, incremental re-runs, JavaScript
pages, watch mode and the shared crawl on Redis."""
from __future__ import annotations

from newscrawl.conf.declaration import Setting, declare
from newscrawl.conf.kinds import Kind

LIVE_BASE_URL = "https://www.globalbankingandfinance.com"

SITE = declare(
    "The site",
    Setting("NEWSCRAWL_BASE_URL", Kind.URL, LIVE_BASE_URL, "the site crawled; the spider argument base_url wins"),
    Setting("NEWSCRAWL_CATEGORIES", Kind.LIST, ["business", "finance", "banking", "technology", "investing"],
      "categories paged when the crawl names none (-a categories=...)"),
    Setting("NEWSCRAWL_SITEMAPS", Kind.LIST, ["/sitemap.xml", "/sitemap-news.xml"], "sitemap paths read at start"),
    Setting("NEWSCRAWL_FEEDS", Kind.LIST, ["/feed/"], "RSS/Atom feed paths read at start"),
    Setting("NEWSCRAWL_FOLLOW_ARTICLE_LINKS", Kind.BOOL, True, "follow related and previous/next links of article pages"),
    Setting("NEWSCRAWL_PAGINATION_PROBE", Kind.BOOL, True, "try /page/N+1/ when a listing shows no pager link"),
    Setting("NEWSCRAWL_EXTRA_DENY", Kind.REGEXES, [], "regexes of URLs never to follow"),
    Setting("NEWSCRAWL_WIRE_AGENCIES", Kind.LIST, [], "names added to the wire agencies recognised as bylines"),
    Setting("NEWSCRAWL_LEGACY_SELECTORS", Kind.DICT, {}, "overrides of the legacy layer's CSS/XPath selectors, by field"),
    Setting("NEWSCRAWL_TIMEZONE", Kind.TIMEZONE, "UTC", "zone of dates the site shows without one"),
    Setting("NEWSCRAWL_GENERIC_EXTRACTION", Kind.BOOL, True, "trafilatura reads the body when no other layer finds it"),
    Setting("NEWSCRAWL_DEFAULT_LANGUAGE", Kind.STR, "en", "language of an article that declares none"),
)

POLITENESS = declare(
    "Politeness and reachability",
    Setting("NEWSCRAWL_CONTACT_URL", Kind.URL, "https://github.com/newscrawl/newscrawl#contact",
      "the contact URL in the bot's User-Agent (unless USER_AGENT is set)"),
    Setting("NEWSCRAWL_LOCAL_FAST", Kind.BOOL, True, "a site on this machine (the replica, a mirror) is crawled without delays"),
    Setting("NEWSCRAWL_BACKOFF_BASE", Kind.FLOAT, 2.0, "seconds before the first retry of a 429/5xx; doubles each time",
      minimum=0),
    Setting("NEWSCRAWL_BACKOFF_MAX", Kind.FLOAT, 120.0, "longest wait before a retry, seconds", minimum=0),
    Setting("NEWSCRAWL_ROBOTS_TTL", Kind.FLOAT, 86400.0, "a long crawl (a watch) reads robots.txt again after this, seconds",
      above=0),
    Setting("NEWSCRAWL_REACH_BUDGET", Kind.FLOAT, 20.0,
      "a site that has not answered within this many seconds ends the crawl as site_unreachable", above=0),
    Setting("NEWSCRAWL_REACH_TIMEOUT", Kind.FLOAT, 8.0, "timeout of requests to a site that has not answered yet, seconds",
      above=0),
)

INCREMENTAL = declare(
    "Incremental re-runs",
    Setting("NEWSCRAWL_INCREMENTAL", Kind.BOOL, True,
      "re-runs fetch what is new or changed (False when the crawl stores nothing)"),
    Setting("NEWSCRAWL_REVISIT_HOURS", Kind.FLOAT, 48.0, "articles published this recently are fetched again (conditionally)",
      minimum=0),
    Setting("NEWSCRAWL_REVISIT_EVERY", Kind.FLOAT, 2.0, "... when last fetched more than this many hours ago", minimum=0),
    Setting("NEWSCRAWL_KNOWN_PAGES", Kind.INT, 0,
      "listing pages paged past the first whose article links are all stored", minimum=0),
    Setting("NEWSCRAWL_RECHECK_EVERY", Kind.INT, 3,
      "every n-th request of a change signal goes without validators (0: always conditional)", minimum=0),
)

RENDERING = declare(
    "JavaScript pages",
    Setting("NEWSCRAWL_RENDER_URLS", Kind.REGEXES, [], "regexes of URLs always rendered in Chromium"),
    Setting("NEWSCRAWL_RENDER_MAX_CLICKS", Kind.INT, 20, "\"load more\" clicks per rendered listing", minimum=0),
    Setting("NEWSCRAWL_BROWSER", Kind.PATH, None, "a Chromium executable (default: Playwright's, else chromium on the PATH)",
      nullable=True),
)

WATCH = declare(
    "Watch mode",
    Setting("NEWSCRAWL_WATCH_MIN_INTERVAL", Kind.FLOAT, 60.0, "shortest poll interval of a change signal, seconds", above=0),
    Setting("NEWSCRAWL_WATCH_MAX_INTERVAL", Kind.FLOAT, 900.0, "longest poll interval of a change signal, seconds", above=0),
    Setting("NEWSCRAWL_WATCH_DISCOVERY_INTERVAL", Kind.FLOAT, 3600.0, "a full incremental discovery this often, seconds",
      above=0),
    Setting("NEWSCRAWL_WATCH_PERIOD", Kind.FLOAT, 3600.0, "one crawl_runs record per period of a watch, seconds", above=0),
    Setting("NEWSCRAWL_WATCH_HEARTBEAT", Kind.PATH, None, "the watch's heartbeat file (default: <data dir>/watch/heartbeat.json)",
      nullable=True),
)

CLUSTER = declare(
    "Shared crawl (Redis)",
    Setting("REDIS_URL", Kind.REDIS_URL, None, "Redis of a shared crawl (or REDIS_HOST, REDIS_PASSWORD(_FILE)); not set: one process",
      nullable=True, secret=True),
    Setting("NEWSCRAWL_RUN_ID", Kind.STR, None, "the run's id (default: a new one per run)", nullable=True),
    Setting("NEWSCRAWL_ACK_STORED", Kind.BOOL, False, "set by the cluster add-on: a request's lease ends when its items are stored"),
    Setting("NEWSCRAWL_LOCK_SHARED", Kind.BOOL, False, "set by the cluster add-on: workers of one crawl share the site's lock"),
    Setting("NEWSCRAWL_LEASE_SECONDS", Kind.FLOAT, 120.0, "a request taken by a dead worker returns to the queue after this",
      above=0),
    Setting("NEWSCRAWL_DRAIN_SECONDS", Kind.FLOAT, 30.0, "queue empty and nothing leased this long: the crawl is over",
      above=0),
    Setting("NEWSCRAWL_REDIS_RETRIES", Kind.INT, 6,
      "then the worker stops with reason redis_unavailable (6: about a minute with the default backoff and timeout)",
      minimum=0),
    Setting("NEWSCRAWL_REDIS_BACKOFF", Kind.FLOAT, 0.5, "seconds before the first Redis retry; doubles", minimum=0),
    Setting("NEWSCRAWL_REDIS_TIMEOUT", Kind.FLOAT, 5.0, "Redis connect and socket timeout, seconds", above=0),
)

CRAWLING = SITE + POLITENESS + INCREMENTAL + RENDERING + WATCH + CLUSTER
