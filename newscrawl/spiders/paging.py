"""When a category's paging stops: the listing's stop rules, apart from the spider.

:class:`CategoryPaging` holds what the pages of each category showed so far and says, for
each page read, why the paging stops there (a stats reason under
``newscrawl/listing/stop/``) or None to go on to the next page.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from newscrawl.extract.listing import Link
from newscrawl.site.seen import SeenUrls

NO_NEW_LINKS = "no_new_links"  # the page repeats earlier pages (or is empty)
ALL_KNOWN = "all_known"  # incremental: more than `known_pages` pages of stored articles only
MAX_PAGES = "max_pages"  # -a max_pages
OLDER_THAN_SINCE = "older_than_since"  # -a since: every article on the page is older


class CategoryPaging:
    def __init__(self, max_pages: int | None = None, since: datetime | None = None, known_pages: int = 0) -> None:
        self.max_pages = max_pages
        self.since = since
        self.known_pages = known_pages
        self.on_pages: dict[str, SeenUrls] = {}  # links each category's pages showed so far
        self.known_read: dict[str, int] = {}  # pages of known articles only, per category

    def stop_reason(self, category: str, page: int, links: Sequence[Link],
                    is_known: Callable[[str], bool] | None = None) -> str | None:
        """``is_known(url)``: is the article stored already (incremental mode); None: a full crawl."""
        # "New" means new to this category's pages: links already found through a sitemap
        # must not stop the paging, a page that repeats earlier pages must.
        seen = self.on_pages.get(category)
        if seen is None:
            seen = self.on_pages[category] = SeenUrls(capacity=1024)
        if not [link for link in links if seen.add(link.url)]:
            return NO_NEW_LINKS
        if is_known is not None and all(is_known(link.url) for link in links):
            read = self.known_read[category] = self.known_read.get(category, 0) + 1
            if read > self.known_pages:
                return ALL_KNOWN
            return None
        if self.max_pages and page >= self.max_pages:
            return MAX_PAGES
        if self.since and all(link.date and link.date < self.since for link in links):
            return OLDER_THAN_SINCE
        return None
