"""The web archive's two downloader middlewares: one, next to the downloader, writes every
response the crawl receives to WARC files (newscrawl.archive); one answers requests from an
archive instead of the network (``-a archive=PATH``: a crawl replayed, a reparse), before the
requests the site sees are counted (a replayed crawl's figures say 0 requests).

What a failed write costs: that record only. The crawl goes on and stores its articles; the
records not archived are counted by reason (``newscrawl/archive/not_archived/<reason>``) and
the run checks mark the run degraded, saying so."""
from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes

from newscrawl.archive import ArchiveIndex, ArchiveWriter, BrokenRecord, Capture, NotArchived, read_record
from newscrawl.archive.warcfiles import prune
from newscrawl.crawl.context import CrawlContext
from newscrawl.crawl.incremental import count_sent
from newscrawl.keys import ARCHIVE, META_ARCHIVED, META_CAPTURE, META_KIND
from newscrawl.store import archive_dir

logger = logging.getLogger(__name__)
REPLAYED = "archive"  # the flag of a response answered from the archive


def headers_of(response: Response) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items() for v in values]


class ArchiveResponses:
    """DOWNLOADER_MIDDLEWARES (980): each response, as the site sent it, to the run's WARC files;
    a 304 as a revisit record, a page a browser rendered with its rendered HTML."""

    def __init__(self, crawler, root: Path, max_bytes: int, keep_days: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.root = root
        self.keep_days = keep_days
        self.writer = ArchiveWriter(root, crawler.settings.get("NEWSCRAWL_RUN_ID") or "run", max_bytes)
        self.failed: set[str] = set()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> ArchiveResponses:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_ARCHIVE"):
            raise NotConfigured("NEWSCRAWL_ARCHIVE is off")
        mb = settings.getint("NEWSCRAWL_ARCHIVE_FILE_MB")
        keep = settings.getfloat("NEWSCRAWL_ARCHIVE_KEEP_DAYS")
        return cls(crawler, archive_dir(settings), mb * 1024 * 1024, keep)

    def opened(self, spider=None) -> None:
        try:
            for folder in prune(self.root, self.keep_days):
                logger.info("Archive: removed %s (older than NEWSCRAWL_ARCHIVE_KEEP_DAYS=%g)", folder, self.keep_days)
        except OSError as exc:
            logger.warning("Archive: could not remove old runs: %s", exc)

    def closed(self, spider=None) -> None:
        self.writer.close()

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if REPLAYED in response.flags or "cached" in response.flags:
            return response
        kind = str(request.meta.get(META_KIND) or "") or None
        try:
            if response.status == 304:
                capture = self.writer.not_modified(response.url, headers_of(response), kind=kind)
            else:
                capture = self.writer.response(response.url, response.status, headers_of(response), response.body,
                                               kind=kind, rendered=bool(request.meta.get("playwright")))
        except NotArchived as exc:
            self.stats.inc_value(f"{ARCHIVE}not_archived/{exc.reason}")
            if exc.reason not in self.failed:  # once per reason: the figures count the rest
                self.failed.add(exc.reason)
                logger.warning("Archive: %s not archived (%s); the crawl goes on, the run will be degraded",
                             response.url, exc)
            return response
        request.meta[META_ARCHIVED] = capture
        self.stats.inc_value(ARCHIVE + "records")
        self.stats.inc_value(ARCHIVE + "bytes", capture.length)
        return response


class ReplayArchive:
    """DOWNLOADER_MIDDLEWARES (570, before the requests the site sees are counted): with ``-a archive=PATH`` every request is answered from the
    archive (the URL's newest readable capture, or the one a reparse names); nothing goes to the
    network. A URL the archive lacks is a 404; a broken record is skipped for an older capture,
    and counted (``newscrawl/archive/broken/<reason>``)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.index: ArchiveIndex | None = None
        self.root: Path | None = None
        self.broken: set[tuple[str, int]] = set()  # records found broken (a retry does not count one twice)

    @classmethod
    def from_crawler(cls, crawler) -> ReplayArchive:
        return cls(crawler)

    def _index(self) -> ArchiveIndex | None:
        if self.root is None:
            path = CrawlContext.of(self.crawler).target.archive
            if path is None:
                return None
            self.root = Path(path)
            self.index = ArchiveIndex.load(self.root)
            logger.info("Replaying %d captures of the archive %s; nothing is fetched from the network",
                        len(self.index), self.root)
            if self.index.broken:
                self.stats.inc_value(ARCHIVE + "broken/index_line", self.index.broken)
        return self.index

    def process_request(self, request: Request, spider=None) -> Response | None:
        index = self._index()
        if index is None:
            return None
        named = request.meta.get(META_CAPTURE)
        # a reparse names the capture (older ones of the URL next); a redirect it leads to is looked up by URL
        candidates = index.captures(request.url)
        if isinstance(named, Capture) and named.url == request.url:
            candidates = [named, *(c for c in candidates if c != named)]
        for capture in candidates:
            if (capture.filename, capture.offset) in self.broken:  # found broken before: counted once
                continue
            try:
                record = read_record(self.root or Path("."), capture)
            except BrokenRecord as exc:
                self.broken.add((capture.filename, capture.offset))
                self.stats.inc_value(f"{ARCHIVE}broken/{exc.reason}")
                logger.warning("Archive: skipped a broken record of %s (%s)", request.url, exc)
                continue
            request.meta[META_ARCHIVED] = capture
            self.stats.inc_value(ARCHIVE + "replayed")
            count_sent(self.stats, request)
            return self._response(request, record)
        if candidates:
            raise IgnoreRequest(f"every archived capture of {request.url} is broken")
        self.stats.inc_value(ARCHIVE + "missing")
        return Response(request.url, status=404, request=request, flags=[REPLAYED])

    @staticmethod
    def _response(request: Request, record) -> Response:
        headers = Headers()
        for k, v in record.headers:
            headers.appendlist(k, v)
        cls = responsetypes.from_args(headers=headers, url=record.url, body=record.body[:4096])
        if cls is Response and record.capture.mime == "text/html":
            cls = HtmlResponse
        return cls(record.url, status=record.status, headers=headers, body=record.body, request=request,
                   flags=[REPLAYED])
