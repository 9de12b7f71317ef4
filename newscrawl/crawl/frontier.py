"""SCHEDULER_MEMORY_QUEUE: the requests waiting at one priority, the oldest of them in a file.

Discovery comes first (sitemaps, feeds and listings announce every article before articles
are fetched), so a whole site's article requests wait in the scheduler at once: 200,000 on a
site of 200,000 articles, about 4 KB each as Request objects (its headers, meta, callbacks),
and the crawl's memory grew with the site. This queue keeps the newest ``keep`` requests as
objects, which is where a LIFO queue pops from, and moves the oldest half of them into a
temporary file as the queue grows past twice that: Scrapy's own request serialization
(``Request.to_dict``, pickled) in queuelib's ``LifoDiskQueue``, the pair Scrapy's
``PickleLifoDiskQueue`` uses under JOBDIR. The order is LIFO as Scrapy's default memory queue
keeps it. A request that cannot be serialized (a callback that is no spider method) stays in
memory. The file is made on the first spill, in the system's temporary folder (TMPDIR), and
has no name there (``tempfile.TemporaryFile``): it goes when the queue closes or the process
ends, however it ends, as the requests of Scrapy's memory queue do. A crawl that never queues
more than ``keep`` requests at a priority writes nothing.

With JOBDIR set, Scrapy's disk queue holds every serializable request and this one only the
rest, as its memory queue would.
"""
from __future__ import annotations

import pickle
import struct
import tempfile
from typing import TYPE_CHECKING, Any

import scrapy
from queuelib import LifoDiskQueue
from scrapy.utils.request import request_from_dict

from newscrawl.keys import FRONTIER_SPILLED

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

KEEP = 2_000  # requests kept as objects per priority (the top of the stack), before a spill


class _UnnamedLifoFile(LifoDiskQueue):
    """queuelib's file stack (its push, pop and peek) in a file without a name."""

    def __init__(self) -> None:  # not super().__init__: it opens a named path
        self.path = ""
        self.f = tempfile.TemporaryFile(prefix="newscrawl-frontier-")  # noqa: SIM115 (closed by close())
        self.f.write(struct.pack(self.SIZE_FORMAT, 0))
        self.size = 0

    def close(self) -> None:
        self.f.close()


class SpillingLifoQueue:
    """A LIFO queue of requests whose bottom lives in a file (queuelib's protocol: push, pop,
    peek, close, len)."""

    def __init__(self, spider: Spider | None, keep: int = KEEP, stats: StatsCollector | None = None):
        self.spider = spider
        self.keep = keep
        self.stats = stats
        self._top: list[Request] = []  # the newest requests, as objects; the last pops first
        self._pinned: list[Request] = []  # spilled from the bottom but not serializable
        self._file: LifoDiskQueue | None = None
        self._names: dict[Any, str] = {}  # a spider method's function: its name

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SpillingLifoQueue:
        return cls(crawler.spider, keep=KEEP, stats=crawler.stats)

    def __len__(self) -> int:
        return len(self._top) + len(self._pinned) + (len(self._file) if self._file is not None else 0)

    def push(self, request: Request) -> None:
        self._top.append(request)
        if len(self._top) > 2 * self.keep:
            self._spill(len(self._top) - self.keep)

    def pop(self) -> Request | None:
        if self._top:
            return self._top.pop()
        if self._pinned:
            return self._pinned.pop()
        if self._file is not None and len(self._file):
            return self._load(self._file.pop())
        return None

    def peek(self) -> Request | None:
        if self._top:
            return self._top[-1]
        if self._pinned:
            return self._pinned[-1]
        if self._file is not None and len(self._file):
            return self._load(self._file.peek())
        return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    # ---- the file --------------------------------------------------------------------------
    def _spill(self, n: int) -> None:
        """Move the ``n`` oldest requests into the file, oldest first (the file is a stack too)."""
        oldest, self._top = self._top[:n], self._top[n:]
        if self._file is None:
            self._file = _UnnamedLifoFile()
        spilled = 0
        for request in oldest:
            try:
                data = pickle.dumps(self._as_dict(request), protocol=4)
            except (ValueError, TypeError, AttributeError, pickle.PicklingError):
                self._pinned.append(request)
                continue
            self._file.push(data)
            spilled += 1
        if self.stats is not None:
            self.stats.inc_value(FRONTIER_SPILLED, spilled)

    def _as_dict(self, request: Request) -> dict[str, Any]:
        """``Request.to_dict(spider=...)``, the callbacks' names found once each: Scrapy's own
        looks them up with ``inspect.getmembers`` on the spider, every attribute read, for each
        request (about 2 ms a request here: the crawl's CPU time half as much again)."""
        d = {"url": request.url, "callback": self._name(request.callback), "errback": self._name(request.errback),
             "headers": dict(request.headers)}
        for attr in request.attributes:
            d.setdefault(attr, getattr(request, attr))
        if type(request) is not scrapy.Request:
            d["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        return d

    def _name(self, func: Any) -> Any:
        """The name of a spider method (a ValueError for any other callable), as Scrapy stores it."""
        if not callable(func):
            return func
        key = getattr(func, "__func__", None)
        name = self._names.get(key)
        if name is None:
            name = getattr(func, "__name__", "")
            if getattr(func, "__self__", None) is not self.spider or \
                    getattr(getattr(self.spider, name, None), "__func__", None) is not key:
                raise ValueError(f"{func!r} is not a method of the spider")
            self._names[key] = name
        return name

    def _load(self, data: bytes | None) -> Request | None:
        return None if data is None else request_from_dict(pickle.loads(data), spider=self.spider)
