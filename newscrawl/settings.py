"""Scrapy settings of newscrawl. Every NEWSCRAWL_* setting is documented in the README."""
import os

from newscrawl import __version__, connections
from newscrawl.crawl.logformatter import install_credential_masking, install_quieter_logs
from newscrawl.site.rules import LIVE_BASE_URL

install_credential_masking()  # Scrapy's settings dump at start prints -s MONGO_URI=... as given
install_quieter_logs()  # Scrapy's settings, middleware and stats dumps at DEBUG

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.ops.commands"

# Politeness: a real bot name with a contact URL, robots.txt, AutoThrottle on the live site.
NEWSCRAWL_CONTACT_URL = "https://github.com/newscrawl/newscrawl#contact"


def user_agent(contact_url: str) -> str:
    """The bot's User-Agent; the spider rebuilds it when NEWSCRAWL_CONTACT_URL is set."""
    return f"newscrawl/{__version__} (+{contact_url})"


USER_AGENT = user_agent(NEWSCRAWL_CONTACT_URL)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Items processed in parallel per response. A page yields one article at most, and Scrapy
# starts this many asyncio tasks for every response's output: its default, 100, cost ~20% of
# the crawl's CPU (6.1 vs 4.9 ms a page in the same run; 265,000 tasks for 2,633 pages).
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
# A news page is a few hundred KB: a bigger answer (or a gzip bomb) is dropped as too_large.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5  # then the page is dropped as redirect_loop
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# A base_url on this machine (the replica, a local mirror) is crawled without delays.
NEWSCRAWL_LOCAL_FAST = True

# Retries for 429 and 5xx with exponential backoff (honouring Retry-After).
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 520, 522, 524, 408]
NEWSCRAWL_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
NEWSCRAWL_BACKOFF_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, fixed: every request waiting for robots.txt obeys it (middlewares.RobotsTxt)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.crawl.middlewares.RobotsTxt": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.crawl.middlewares.BackoffRetryMiddleware": 550,
    "newscrawl.crawl.incremental.ConditionalRequests": 580,
    "newscrawl.crawl.middlewares.CharsetRepair": 590,
    "newscrawl.crawl.middlewares.Reachability": 600,  # sees download errors before the retries do
}

# The site. base_url (spider argument) overrides NEWSCRAWL_BASE_URL.
NEWSCRAWL_BASE_URL = LIVE_BASE_URL
NEWSCRAWL_ROBOTS_TTL = 86400.0  # a crawl that lasts (a watch) reads robots.txt again after this (s)
NEWSCRAWL_CATEGORIES = ["business", "finance", "banking", "technology", "investing"]
NEWSCRAWL_SITEMAPS = ["/sitemap.xml", "/sitemap-news.xml"]
NEWSCRAWL_FEEDS = ["/feed/"]
NEWSCRAWL_FOLLOW_ARTICLE_LINKS = True  # related and previous/next links of article pages
NEWSCRAWL_PAGINATION_PROBE = True  # try /page/N+1/ when a listing shows no pager link
NEWSCRAWL_EXTRA_DENY: list[str] = []  # regexes of URLs never to follow
NEWSCRAWL_WIRE_AGENCIES: list[str] = []  # added to newscrawl.site.text.WIRE_AGENCIES
NEWSCRAWL_LEGACY_SELECTORS: dict[str, str] = {}  # overrides of newscrawl.extract.common.LEGACY_SELECTORS
NEWSCRAWL_TIMEZONE = "UTC"  # zone of dates the site shows without one
NEWSCRAWL_GENERIC_EXTRACTION = True  # trafilatura when no other layer finds the body

# Incremental re-runs (-a refresh=auto, the default, with a store that holds the site):
# articles published in the last NEWSCRAWL_REVISIT_HOURS are fetched again (conditionally)
# when last fetched more than NEWSCRAWL_REVISIT_EVERY hours ago; a category stops paging at
# its first page whose article links are all stored, after NEWSCRAWL_KNOWN_PAGES more.
NEWSCRAWL_REVISIT_HOURS = 48.0
NEWSCRAWL_REVISIT_EVERY = 2.0
NEWSCRAWL_KNOWN_PAGES = 0
# A CDN may answer 304 (or keep its ETag) although a page changed: every n-th request of a
# change signal (home, listing page 1, sitemap, feed, robots.txt) goes without validators,
# so an article a lying 304 hides is fetched by the n-th run; a signal caught lying
# (newscrawl/http/stale_validator) is fetched in full from then on. 0: always conditional.
NEWSCRAWL_RECHECK_EVERY = 3
# The change feed (`newscrawl changes`): changes are kept this many days (0: for ever); a
# consumer whose cursor is older is told to start again. MongoDB: a change number that a
# write took but no record holds yet is waited for this long (another writer may still be
# writing it), then passed (a write that did not take).
NEWSCRAWL_CHANGES_KEEP_DAYS = 30
NEWSCRAWL_CHANGES_SETTLE_SECONDS = 60.0
# POST the change feed here, in batches with their cursor, after each batch a crawl stores
# (at least once, in order: the hook dedupes by cursor); None: no webhook.
NEWSCRAWL_CHANGES_WEBHOOK = os.environ.get("NEWSCRAWL_CHANGES_WEBHOOK") or None
# `newscrawl watch`: each change signal's poll interval, shortest right after it changed,
# growing by half each poll that found nothing, up to the longest (seconds).
NEWSCRAWL_WATCH_MIN_INTERVAL = 60.0
NEWSCRAWL_WATCH_MAX_INTERVAL = 900.0
# ... a full incremental discovery (home, robots.txt, sitemaps, feeds, categories, revisits)
# this often, and one crawl_runs record per period (seconds)
NEWSCRAWL_WATCH_DISCOVERY_INTERVAL = 3600.0
NEWSCRAWL_WATCH_PERIOD = 3600.0
NEWSCRAWL_WATCH_HEARTBEAT = None  # the watch's heartbeat file; None: <data dir>/watch/heartbeat.json

# Scrapy's dupefilter, 8 bytes of fingerprint a request (newscrawl/dupefilter.py).
DUPEFILTER_CLASS = "newscrawl.crawl.dupefilter.CompactDupeFilter"
# JavaScript pages (newscrawl/render.py): scrapy-playwright renders only the requests that ask
# for it: URLs matching NEWSCRAWL_RENDER_URLS, a category whose "load more" control is the only
# way on, an article page that is an empty app shell. Others use Scrapy's HTTP handler.
DOWNLOAD_HANDLERS = {"http": "newscrawl.crawl.rendering.RenderingHandler", "https": "newscrawl.crawl.rendering.RenderingHandler"}
NEWSCRAWL_RENDER_URLS: list[str] = []  # regexes of URLs always rendered
NEWSCRAWL_RENDER_MAX_CLICKS = 20  # "load more" clicks per rendered listing
NEWSCRAWL_BROWSER = None  # a Chromium executable; default: Playwright's own, else chromium on the PATH
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

# Distributed crawling (newscrawl/cluster): with REDIS_URL set, every `scrapy crawl` is a
# worker of a shared crawl on scrapy-redis; without it, nothing changes.
REDIS_URL = connections.redis_url()  # REDIS_URL, or REDIS_HOST/REDIS_PASSWORD(_FILE) escaped
ADDONS = {"newscrawl.crawl.addons.RunAddon": 0, "newscrawl.cluster.ClusterAddon": 0}
NEWSCRAWL_RUN_ID = None  # set by RunAddon (newscrawl/addons.py) unless given
NEWSCRAWL_INCREMENTAL = True  # re-runs fetch what is new or changed; RunAddon: False when nothing is stored
NEWSCRAWL_ACK_STORED = False  # set by ClusterAddon: an item's callback finishes when it is stored
NEWSCRAWL_LOCK_SHARED = False  # set by ClusterAddon: workers of one crawl share the site's lock
NEWSCRAWL_LEASE_SECONDS = 120.0  # a request taken by a dead worker returns to the queue after this
NEWSCRAWL_DRAIN_SECONDS = 30.0  # queue empty and nothing leased this long: the crawl is over
NEWSCRAWL_REDIS_RETRIES = 3  # then the worker stops with reason redis_unavailable
NEWSCRAWL_REDIS_BACKOFF = 0.5  # seconds before the first retry; doubles
NEWSCRAWL_REDIS_TIMEOUT = 5.0  # connect and socket timeout, seconds
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0  # for Scrapy's LogStats, off in EXTENSIONS (newscrawl.crawl.progress instead)
# Off: both are servers inside the crawl process (the remote-control extension of Scrapy 2.19
# runs Python code sent to it over HTTP). Opt in per run with -s REMOTE_CONTROL_ENABLED=True.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Storage. MONGO_URI (setting or environment variable) selects MongoDB; without it articles
# go to the embedded SQLite store under NEWSCRAWL_DATA_DIR.
MONGO_URI = connections.mongo_uri()  # MONGO_URI, or MONGO_HOST/MONGO_USER/MONGO_PASSWORD(_FILE) escaped
MONGO_DATABASE = os.environ.get("MONGO_DATABASE") or "newscrawl"
NEWSCRAWL_MONGO_TIMEOUT_MS = 5000  # server selection and connect
# Which store: auto (MongoDB when MONGO_URI is set, else the embedded one), embedded, mongodb.
NEWSCRAWL_STORE = os.environ.get("NEWSCRAWL_STORE") or "auto"
# MongoDB driver options with production defaults (an option named in MONGO_URI wins):
NEWSCRAWL_MONGO_SOCKET_TIMEOUT_MS = 20000  # a server that stops answering fails the write (retried)
NEWSCRAWL_MONGO_WRITE_CONCERN = "majority"  # w: a batch survives a replica-set failover
NEWSCRAWL_MONGO_JOURNAL = True  # j: acknowledged once journaled
NEWSCRAWL_MONGO_READ_PREFERENCE = "primary"  # the crawl reads what it wrote
NEWSCRAWL_MONGO_RETRY_WRITES = True
NEWSCRAWL_MONGO_QUERY_TIMEOUT_MS = 30000  # maxTimeMS of the CLI's queries
NEWSCRAWL_MONGO_VALIDATION = "error"  # the articles $jsonSchema validator: error, warn or off
# Default: the project's data/ (a checkout), else $XDG_DATA_HOME/newscrawl; always made absolute.
NEWSCRAWL_DATA_DIR = os.environ.get("NEWSCRAWL_DATA_DIR") or None
NEWSCRAWL_SPILL_DIR = None  # default: <NEWSCRAWL_DATA_DIR>/spill
NEWSCRAWL_SQLITE_TIMEOUT = 30.0  # seconds a write waits for another process's write to the embedded store
NEWSCRAWL_BATCH_SIZE = 200
NEWSCRAWL_FLUSH_SECONDS = 5.0
NEWSCRAWL_STORE_RETRIES = 5
NEWSCRAWL_STORE_BACKOFF = 1.0  # seconds; doubles each retry
NEWSCRAWL_HISTORY_MAX = 10
NEWSCRAWL_DEFAULT_LANGUAGE = "en"
ITEM_PIPELINES = {
    "newscrawl.process.pipelines.ValidatePipeline": 100,
    "newscrawl.process.pipelines.NormalizePipeline": 200,
    "newscrawl.process.pipelines.DedupePipeline": 300,
    "newscrawl.process.pipelines.StorePipeline": 900,
}
EXTENSIONS = {
    "newscrawl.crawl.context.CrawlContext": 0,  # what the crawl is about (site, arguments), for the components
    "newscrawl.store.extension.CrawlStore": 0,  # the crawl's one store, shared by the components below
    "newscrawl.crawl.lock.CrawlLock": 400,  # one crawl per site and store at a time (newscrawl/lock.py)
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,  # before the recorder: it reads the verdict
    "newscrawl.crawl.runs.CrawlRunRecorder": 600,
    "newscrawl.fresh.changes.ChangesWebhook": 650,  # NEWSCRAWL_CHANGES_WEBHOOK: the change feed, posted
    "newscrawl.crawl.progress.Progress": 700,  # one progress line every NEWSCRAWL_PROGRESS_SECONDS
    "scrapy.extensions.logstats.LogStats": None,  # its "Crawled N pages" line: Progress says more
}
NEWSCRAWL_PROGRESS_SECONDS = 30.0  # 0: no progress lines
NEWSCRAWL_PROGRESS_BAR = False  # a live bar instead, on an interactive terminal only
# Run checks at the end of every crawl (newscrawl/monitors.py). A failed check marks the run
# degraded in crawl_runs and posts to NEWSCRAWL_ALERT_WEBHOOK when set.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.crawl.monitors.RunChecks"]
NEWSCRAWL_ALERT_WEBHOOK = os.environ.get("NEWSCRAWL_ALERT_WEBHOOK") or None
NEWSCRAWL_SCHEDULE_MAX_FAILURES = 3  # `newscrawl schedule`: a job failing this often in a row is paused, with an alert
NEWSCRAWL_MONITOR_MAX_ERROR_RATE = 0.05  # ERROR log lines per page fetched
NEWSCRAWL_MONITOR_MAX_DROP_RATE = 0.25  # pages dropped per article page parsed
# Share of parsed articles that must have the field (title, body, published_at: always 100%).
NEWSCRAWL_MONITOR_COVERAGE = {"authors": 0.5, "category": 0.9, "tags": 0.5, "summary": 0.3}
NEWSCRAWL_MONITOR_MIN_ITEMS = 10  # below this many articles only a field found nowhere fails
NEWSCRAWL_MONITOR_HISTORY_RUNS = 3  # earlier finished runs of the job needed for the item-count check
NEWSCRAWL_MONITOR_MIN_ITEMS_RATIO = 0.5  # items at least this share of their median
# articles read by no known theme version (the "generic" one): more means a redesign
NEWSCRAWL_MONITOR_MAX_UNKNOWN_THEME = 0.2
NEWSCRAWL_MONITOR_MAX_EXTRACTION_ERRORS = 0.05  # layer fields that raised, per article parsed
# One crawl per site and store: a lock whose heartbeat stopped this long ago is taken over.
NEWSCRAWL_LOCK_ENABLED = True
NEWSCRAWL_LOCK_HEARTBEAT = 10.0
NEWSCRAWL_LOCK_STALE = 60.0
# A degraded run (a run check failed) exits 3; False: it exits 0 (the status stays degraded).
NEWSCRAWL_FAIL_ON_DEGRADED = True
# A site that never answered: robots.txt and the first pages each failed to connect, resolve
# or answer twice, or this many seconds passed (newscrawl.crawl.middlewares.Reachability). Requests
# to a site that has not answered yet time out after NEWSCRAWL_REACH_TIMEOUT seconds.
NEWSCRAWL_REACH_BUDGET = 20.0
NEWSCRAWL_REACH_TIMEOUT = 8.0
LOG_FORMATTER = "newscrawl.crawl.logformatter.LogFormatter"
