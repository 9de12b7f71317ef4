"""What a crawl is about, in one typed record that the crawl's components read.

The lock, the run recorder, the run checks, the reachability and rendering components and the
cluster scheduler need the site, the arguments as given and a few switches. They read them
from :class:`CrawlTarget`, through the :class:`CrawlContext` extension, instead of from the
spider's attributes. The spider describes its crawl once, with its ``crawl_target()`` hook;
a spider without the hook (another project's, a benchmark's) gets a target of its name only.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from newscrawl.site.rules import SiteRules


@dataclass(frozen=True)
class CrawlTarget:
    spider: str
    arguments: dict[str, Any] = field(default_factory=dict)  # -a as given: crawl_runs, the cluster's crawl id
    rules: SiteRules | None = None  # the site's URL rules; None: not a crawl of the portal
    wait: bool = False  # -a wait=1: wait for the site's lock instead of refusing
    watch: bool = False  # -a watch=1: a crawl that does not close
    render_policy: Any = None  # what the browser may load (newscrawl.crawl.rendering.RenderPolicy)
    archive: str | None = None  # -a archive=PATH: answered from this web archive, not the network
    reparse: bool = False  # -a reparse=1: the archived article pages read again (newscrawl reparse)

    @property
    def site(self) -> str | None:
        return self.rules.base_url if self.rules is not None else None

    @property
    def crawl_id(self) -> str:
        """The shared crawl's name (cluster mode, a shared lock): ``-a crawl_id=`` if given, else
        derived from the spider and its arguments, so that workers started with the same
        arguments join the same crawl."""
        return crawl_id(self.spider, self.arguments)


def crawl_id(spider_name: str, arguments: dict[str, Any]) -> str:
    if arguments.get("crawl_id"):
        return str(arguments["crawl_id"])
    args = {k: v for k, v in sorted(arguments.items()) if k != "crawl_id"}
    digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()[:12]
    return f"{spider_name}-{digest}"


class CrawlContext:
    """Extension (EXTENSIONS): the crawl's :class:`CrawlTarget`, asked of the spider once."""

    def __init__(self, crawler):
        self.crawler = crawler
        self._target: CrawlTarget | None = None

    @classmethod
    def from_crawler(cls, crawler) -> CrawlContext:
        return cls(crawler)

    @staticmethod
    def of(crawler) -> CrawlContext:
        """The crawl's context; a crawler without the extension (a unit test's) gets one of its own."""
        ext = crawler.get_extension(CrawlContext) if getattr(crawler, "extensions", None) is not None else None
        return ext if ext is not None else CrawlContext(crawler)

    @property
    def target(self) -> CrawlTarget:
        if self._target is None:
            spider = self.crawler.spider
            describe = getattr(type(spider), "crawl_target", None)
            self._target = describe(spider) if describe is not None else CrawlTarget(spider=spider.name)
        return self._target
