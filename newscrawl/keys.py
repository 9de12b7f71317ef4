"""The names components agree on: request meta keys and stats keys, each defined once here.

Stats keys are what `crawl_runs`, `newscrawl stats`, the run checks and scrapyd's job logs
show; a prefix ending in ``/`` is followed by a reason, a layer or a field (``DROPPED +
"http_404"``). Request meta keys are read by more than one component (spider, middlewares,
scheduler, pipelines).
"""
from __future__ import annotations

from enum import Enum

# ---- request meta ------------------------------------------------------------------------
META_URL = "newscrawl_url"  # the article URL a request stands for (before redirects, renders)
META_KIND = "newscrawl_kind"  # what a request fetches: a RequestKind
META_VALIDATORS = "newscrawl_validators"  # ETag / Last-Modified to send (conditional GET)
META_LEASE = "newscrawl_lease"  # cluster mode: the lease of the queued request it came from
META_RENDER = "newscrawl_render"  # why a request goes through the browser
META_LOAD_MORE = "newscrawl_load_more"  # a listing with a "load more" control the probe may need
META_NAMED = "newscrawl_named_category"  # page 1 of a category the user named
META_DATALOSS = "newscrawl_dataloss"  # an attempt of the request was cut short (fewer bytes than announced)
META_BACKOFF = "newscrawl_backoff"  # retries of a request backed off so far
META_SLOT = "newscrawl_slot"  # cluster throttle: the site slot a request waited for
META_POLL = "newscrawl_poll"  # watch mode: a change signal polled between two discoveries
META_ANNOUNCED = "newscrawl_announced"  # an article request discovery announced (the progress estimate)
META_ARCHIVED = "newscrawl_archived"  # the archive.Capture of the response (written, or replayed from)
META_CAPTURE = "newscrawl_capture"  # reparse: the archive.Capture a request is to be answered from



class RequestKind(str, Enum):
    """What a request fetches (request meta META_KIND; counted once a request as REQUESTS + kind).
    A plain string where one is expected: in stats keys, logs and the store."""
    ROBOTS = "robots"
    LISTING = "listing"  # the home page, a category page, a listing rendered in the browser
    SITEMAP = "sitemap"
    FEED = "feed"
    ARTICLE_NEW = "article_new"  # an article not stored yet
    ARTICLE_REVISIT = "article_revisit"  # a stored article fetched again (conditional when it can be)
    ARTICLE_RENDER = "article_render"  # an app shell's article in the browser
    ARTICLE_DATA = "article_data"  # an app shell's data route
    OTHER = "other"  # a request no component named (an image the browser loads through Scrapy)

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


# ---- finish reasons newscrawl's components set (CloseSpider reasons; newscrawl.crawl.outcome reads them)
USAGE_ERROR = "usage_error"  # a start URL the user named does not exist
SITE_UNREACHABLE = "site_unreachable"  # robots.txt and the first pages could not be fetched
ALREADY_RUNNING = "already_running"  # another crawl of the site holds the store's crawl lock
STORE_UNAVAILABLE = "store_unavailable"  # the store could not be opened at start
SPILLED = "store_unavailable_spilled"  # the store went away; what was left is in a spill file
LOST = "store_and_spill_failed"  # nothing more is parsed once articles cannot be kept
REDIS_UNAVAILABLE = "redis_unavailable"
FRONTIER_LOST = "frontier_lost"  # Redis lost the shared frontier (restarted empty): the crawl cannot be finished
INTERRUPTED_REASONS = ("shutdown",)  # Scrapy's reason after SIGINT/SIGTERM (Ctrl-C, docker stop)

# ---- stats: the run ------------------------------------------------------------------------
ERROR = "newscrawl/error"  # the one line saying why a crawl failed
MODE = "newscrawl/mode"  # full or incremental
STORE = "newscrawl/store"  # which store ("sqlite /path", "mongodb host/db")
LOCK = "newscrawl/lock"
MONITOR_STATUS = "newscrawl/monitor/status"
MONITOR_REASONS = "newscrawl/monitor/reasons"

# ---- stats: prefixes followed by a reason, a kind, a layer or a field --------------------
DROPPED = "newscrawl/dropped/"  # pages not stored, by reason
DROPPED_LINKS = "newscrawl/dropped_links/"  # links of a page skipped, by reason (malformed)
ERRORS = "newscrawl/errors/"  # pages that failed without being articles, by reason
SKIPPED = "newscrawl/skipped/"  # links not followed on purpose
DISCOVERY = "newscrawl/discovery/"  # article links found, by where
FEED_NEWEST = "newscrawl/feed/newest_entry"  # the newest entry the site's feed shows (Unix time): news exists
# The progress estimate's ledger: article requests discovery announced (counted when a sitemap,
# feed or listing is read, before Scrapy takes them one by one), sent (first attempts), and
# dropped as duplicates by the dupefilter. Announced - sent - duplicates: what is left to fetch.
ANNOUNCED = "newscrawl/progress/announced"
ANNOUNCED_SENT = "newscrawl/progress/announced_sent"
ANNOUNCED_DUPLICATE = "newscrawl/progress/announced_duplicate"
# Child sitemaps an index announced, those read, and the article requests they gave: what the
# unread ones will give is estimated at the mean of those read.
SITEMAPS_ANNOUNCED = "newscrawl/progress/sitemaps_announced"
SITEMAPS_READ = "newscrawl/progress/sitemaps_read"
SITEMAP_ARTICLES = "newscrawl/progress/sitemap_articles"
LISTING_STOP = "newscrawl/listing/stop/"  # why a category's paging stopped
LISTING_PROBE = "newscrawl/listing/probe"
INCREMENTAL = "newscrawl/incremental/"
RENDER = "newscrawl/render/"  # browser renders, by reason
ARCHIVE = "newscrawl/archive/"  # records, bytes, not_archived/<reason>; replay: replayed, missing, broken/<reason>
APP_SHELL = "newscrawl/app_shell/"  # app shells read from their data route (next_data) or not
THEME = "newscrawl/theme/"  # the parser version pages were read with
EXTRACTION = "newscrawl/extraction/"  # "<field>/<layer>": fields read by each layer
EXTRACTION_ERROR = "newscrawl/extraction_error/"  # "<layer>/<field>": a layer that failed
REQUESTS = "newscrawl/requests/"  # every request sent (retries, redirects, robots.txt too), by kind
ANSWERS = "newscrawl/answers/"  # the same by kind and outcome: <kind>/<HTTP status>, or <kind>/error (none came)
# Requests that carried validators: a dimension of the requests above, not a kind (each request is
# counted once by kind; this counts the conditional ones among them).
REQUESTS_CONDITIONAL = "newscrawl/conditional_requests"
NOT_MODIFIED = "newscrawl/http/not_modified"
STALE_VALIDATOR = "newscrawl/http/stale_validator"  # a signal kept its validators, its content changed
RECHECKS = "newscrawl/http/rechecks"  # change signals fetched without validators on purpose
STORE_COUNTS = "newscrawl/store/"  # new, updated, unchanged, spilled, errors, ...
STORE_NEW = STORE_COUNTS + "new"
STORE_UPDATED = STORE_COUNTS + "updated"
STORE_UNCHANGED = STORE_COUNTS + "unchanged"
STORE_SPILLED = STORE_COUNTS + "spilled"
STORE_ERRORS = STORE_COUNTS + "errors"
STORE_WRITTEN = STORE_COUNTS + "written"
CLUSTER = "newscrawl/cluster/"
FRONTIER_SPILLED = "newscrawl/frontier/spilled"  # requests the scheduler's memory queue moved to its file
PAGE = "newscrawl/"  # + a page problem the extraction reports ("invalid_jsonld", "extraction_error/<layer>/<field>")
RETRY_BACKOFF = "newscrawl/retry/backoff_seconds"  # seconds waited before retries of 429/5xx
REPAIRED_CHARSET = "newscrawl/repaired/charset"  # pages declared UTF-8 but read as cp1252
WATCH = "newscrawl/watch/"  # watch mode: polls, signals polled, signals changed, discoveries
WATCH_PROBLEMS = WATCH + "problems"  # outages a watch noticed (the site's, the store's)
WATCH_PROBLEM = WATCH + "problem"  # the one line of the outage going on now, if any
WATCH_LAST_PROBLEM = WATCH + "last_problem"  # the last line an outage had (it may be over)
WATCH_OUTAGE = WATCH + "outage/"  # + site, store: 1 while the watch sees that part away, else 0
FRESHNESS = "newscrawl/freshness/"  # new articles' published-to-stored lag: n, p50_s, p95_s, date_only
