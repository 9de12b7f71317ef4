"""Scrapy settings of the newscrawl project: Scrapy's own settings as the project wants them,
and newscrawl's components in Scrapy's slots.

Every ``NEWSCRAWL_*`` setting (and MONGO_URI, MONGO_DATABASE, REDIS_URL) is declared once, with
its type, default and allowed values, in :mod:`newscrawl.conf`; ``SettingsAddon`` gives the
defaults to the crawl and checks every value before the first request. Any of them may be set
here, as an environment variable of the same name, or with ``-s`` (which wins).
"""
from newscrawl import __version__
from newscrawl.conf import default, from_environment
from newscrawl.crawl.logformatter import install_credential_masking, install_quieter_logs

install_credential_masking()  # Scrapy's settings dump at start prints -s MONGO_URI=... as given
install_quieter_logs()  # Scrapy's settings, middleware and stats dumps at DEBUG

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.ops.commands"

# Politeness: a real bot name with a contact URL, robots.txt, AutoThrottle on the live site.


def user_agent(contact_url: str) -> str:
    """The bot's User-Agent; the spider rebuilds it when NEWSCRAWL_CONTACT_URL is set."""
    return f"newscrawl/{__version__} (+{contact_url})"


USER_AGENT = user_agent(default("NEWSCRAWL_CONTACT_URL"))
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

# Retries for 429 and 5xx with exponential backoff (honouring Retry-After).
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 520, 522, 524, 408]
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, fixed: every request waiting for robots.txt obeys it (middlewares.RobotsTxt)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.crawl.middlewares.RobotsTxt": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.crawl.middlewares.BackoffRetryMiddleware": 550,
    "newscrawl.crawl.archiving.ReplayArchive": 570,  # -a archive=PATH: answered from a web archive
    "newscrawl.crawl.incremental.ConditionalRequests": 580,
    "newscrawl.crawl.middlewares.CharsetRepair": 590,
    "newscrawl.crawl.middlewares.Reachability": 600,  # sees download errors before the retries do
    "newscrawl.crawl.archiving.ArchiveResponses": 980,  # next to the downloader: what the site sent, archived
}


# Scrapy's dupefilter, 8 bytes of fingerprint a request (newscrawl/dupefilter.py).
DUPEFILTER_CLASS = "newscrawl.crawl.dupefilter.CompactDupeFilter"
# Scrapy's LIFO memory queue, its oldest requests in a temporary file past 4,000 waiting at a
# priority: discovery queues a whole site's articles at once (newscrawl/crawl/frontier.py).
SCHEDULER_MEMORY_QUEUE = "newscrawl.crawl.frontier.SpillingLifoQueue"
# JavaScript pages (newscrawl/render.py): scrapy-playwright renders only the requests that ask
# for it: URLs matching NEWSCRAWL_RENDER_URLS, a category whose "load more" control is the only
# way on, an article page that is an empty app shell. Others use Scrapy's HTTP handler.
DOWNLOAD_HANDLERS = {"http": "newscrawl.crawl.rendering.RenderingHandler", "https": "newscrawl.crawl.rendering.RenderingHandler"}
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

# Distributed crawling (newscrawl/cluster): with REDIS_URL set (setting or environment, or
# REDIS_HOST/REDIS_PASSWORD(_FILE) escaped: newscrawl.conf.environment), every `scrapy crawl`
# is a worker of a shared crawl on scrapy-redis; without it, nothing changes.
# The declared defaults and the check first; then what a run is (RunAddon), then the cluster.
ADDONS = {"newscrawl.conf.SettingsAddon": -10, "newscrawl.crawl.addons.RunAddon": 0,
          "newscrawl.cluster.ClusterAddon": 0}
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0  # for Scrapy's LogStats, off in EXTENSIONS (newscrawl.crawl.progress instead)
# Off: both are servers inside the crawl process (the remote-control extension of Scrapy 2.19
# runs Python code sent to it over HTTP). Opt in per run with -s REMOTE_CONTROL_ENABLED=True.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Storage. MONGO_URI (setting or environment variable, or MONGO_HOST/MONGO_USER/
# MONGO_PASSWORD(_FILE) escaped) selects MongoDB; without it articles go to the embedded
# SQLite store under NEWSCRAWL_DATA_DIR.
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
    "newscrawl.crawl.metrics.PushMetrics": 800,  # NEWSCRAWL_PUSHGATEWAY_URL: the run's metrics, pushed
    "newscrawl.crawl.metrics.ServeMetrics": 800,  # NEWSCRAWL_METRICS_PORT: a watch's /metrics
    "scrapy.extensions.logstats.LogStats": None,  # its "Crawled N pages" line: Progress says more
}
# Run checks at the end of every crawl (newscrawl/monitors.py). A failed check marks the run
# degraded in crawl_runs and posts to NEWSCRAWL_ALERT_WEBHOOK when set.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.crawl.monitors.RunChecks"]
LOG_FORMATTER = "newscrawl.crawl.logformatter.LogFormatter"

# Declared settings given as environment variables (NEWSCRAWL_BATCH_SIZE=50 ...): the
# project's value; -s still wins.
globals().update(from_environment())
