"""Rendering in a browser, only for requests that ask for it (``meta["playwright"]``).

``RenderingHandler`` is scrapy-playwright's download handler (``DOWNLOAD_HANDLERS``) made
lazy and self-configuring: requests without ``meta["playwright"]`` go to Scrapy's own HTTP
handler and no browser (nor Playwright's driver) starts; the first request that needs one
finds a browser (Playwright's own Chromium if installed, else a Chromium on the PATH such as
Debian's ``chromium``) and launches it. With none, such requests fail with ``NoBrowser``
(the spider drops the page as ``no_browser``; one warning says how to install one).

In the browser: images, fonts and media are not loaded; a subrequest to another host, to a
path robots.txt disallows, or to a denied path (``/api/``, ``/admin/``, ``NEWSCRAWL_EXTRA_DENY``)
is aborted and counted (``newscrawl/render/blocked/<why>``); every request carries the
bot's User-Agent (scrapy-playwright's header handling).
"""
from __future__ import annotations

import asyncio
import glob
import logging
import os
import re
import shutil
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from newscrawl.crawl.context import CrawlContext
from newscrawl.keys import RENDER

logger = logging.getLogger(__name__)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
DENIED_SEGMENTS = frozenset({"api", "admin", "wp-admin", "wp-json"})
INSTALL_HINT = ("install one: `apt-get install -y chromium` (Debian/Ubuntu), or `playwright install chromium`, "
                "or set NEWSCRAWL_BROWSER to a Chromium executable")


class NoBrowser(IgnoreRequest):
    """A page needs rendering and no browser is installed."""


def find_browser(configured: str | None = None) -> str | None:
    """Playwright's own Chromium, else a Chromium on the PATH; None when there is none."""
    if configured:
        return configured if os.path.exists(configured) or shutil.which(configured) else None
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or os.path.expanduser("~/.cache/ms-playwright")
    for pattern in ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-*/headless_shell"):
        found = sorted(glob.glob(os.path.join(root, pattern)))
        if found:
            return found[-1]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class SubrequestPolicy:
    """Which requests a rendered page may make (set per crawl by the spider)."""

    def __init__(self, rules=None, robots=None, user_agent: str = "*", extra_deny: tuple[str, ...] = ()):
        self.rules = rules
        self.robots = robots
        self.user_agent = user_agent
        self.extra_deny = [re.compile(p) for p in extra_deny]

    def blocked(self, url: str, resource_type: str) -> str | None:
        if resource_type in BLOCKED_RESOURCES:
            return "resource"
        if url.startswith(("data:", "blob:", "about:")):
            return None
        if self.rules is not None and not self.rules.same_site(url):
            return "third_party"
        segs = [s for s in urlsplit(url).path.split("/") if s]
        if segs and segs[0].lower() in DENIED_SEGMENTS or any(r.search(url) for r in self.extra_deny):
            return "denied"
        if self.robots is not None and not self.robots.can_fetch(url, self.user_agent):
            return "robots"
        return None


class RenderingHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.executable = find_browser(s.get("NEWSCRAWL_BROWSER"))
        if self.executable:
            launch = dict(self.config.launch_options)
            launch.setdefault("headless", True)
            launch.setdefault("executable_path", self.executable)
            launch["args"] = list(dict.fromkeys([*launch.get("args", []), *LAUNCH_ARGS]))
            self.config.launch_options = launch
        self.crawler = crawler
        self.policy = SubrequestPolicy()  # until the spider has its own (render_policy)
        self.abort_request = self._abort
        self._launched = False
        self._launch_lock = asyncio.Lock()
        self._warned = False

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start: a crawl that renders nothing starts nothing."""

    def _engine_started(self):  # older Scrapy API, same rule
        return None

    async def _abort(self, playwright_request) -> bool:
        policy = CrawlContext.of(self.crawler).target.render_policy or self.policy
        why = policy.blocked(playwright_request.url, playwright_request.resource_type)
        if why:
            self.stats.inc_value(f"{RENDER}blocked/{why}")
            if why != "resource":
                logger.debug("Blocked a subrequest of a rendered page (%s): %s", why, playwright_request.url)
        return bool(why)

    async def download_request(self, request, spider=None):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if not self.executable:
            if not self._warned:
                self._warned = True
                logger.warning("A page needs a browser to render and none is installed: %s. Pages that "
                               "need one are dropped as no_browser; the rest of the crawl goes on.", INSTALL_HINT)
            raise NoBrowser(f"no browser to render {request.url}")
        async with self._launch_lock:
            if not self._launched:
                await self._launch()
                self._launched = True
                self.stats.set_value(RENDER + "browser", self.executable)
        self.stats.inc_value(RENDER + "pages")
        return await super().download_request(request)


LOAD_MORE_CONTROLS = "button, a[role=button], a[href='#']"


async def click_load_more(page, read_links, max_clicks: int, has_text, on_click=None) -> dict:
    """A listing in the browser: click its "load more" control (``has_text``: a pattern of
    its label) until no new link shows or ``max_clicks``, reading links after each click.
    ``read_links(html)`` -> links with a ``url``; ``on_click()`` hears of each click.
    Returns the links by URL, in the order they appeared."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    links: dict = {}
    for click in range(max_clicks + 1):
        new = [link for link in read_links(await page.content()) if link.url not in links]
        for link in new:
            links[link.url] = link
        if click and not new:
            break
        button = page.locator(LOAD_MORE_CONTROLS).filter(has_text=has_text)
        if click == max_clicks or not await button.count():
            break
        links_before = await page.locator("a[href]").count()
        await button.first.click(timeout=10_000)
        if on_click is not None:
            on_click()
        try:  # the new cards, or nothing new within the timeout
            await page.wait_for_function("n => document.querySelectorAll('a[href]').length > n",
                                         arg=links_before, timeout=10_000)
        except PlaywrightTimeout:
            break
    return links
