"""The baseline of bench/scale_bench.py: a generic Scrapy spider that follows every same-site
link (robots.txt obeyed, no extraction, no pipelines), with the crawl's own speed settings.

    python bench/followall.py BASE_URL OUT.json
"""
from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse


class FollowAll(scrapy.Spider):
    name = "followall"

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url
        self.allowed_domains = [urlsplit(base_url).hostname]

    async def start(self):
        yield scrapy.Request(self.base_url + "/")

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        for href in response.xpath("//a/@href").getall():
            try:
                url = response.urljoin(href)
                request = scrapy.Request(url) if url.startswith(("http://", "https://")) else None
            except ValueError:  # "http://[bad", a port out of range: a malformed link costs itself only
                continue
            if request is not None:
                yield request


def main(base_url: str, out: str, pages: str = "0") -> None:
    process = CrawlerProcess({
        "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "HTTPERROR_ALLOW_ALL": False, "RETRY_ENABLED": False,
        "CLOSESPIDER_PAGECOUNT": int(pages),  # 0: the whole site
    })
    crawler = process.create_crawler(FollowAll)
    process.crawl(crawler, base_url=base_url)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float))}
    with open(out, "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
