"""newscrawl.crawl.context: what a crawl is about, for its components."""
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newscrawl.crawl.context import CrawlContext, CrawlTarget
from newscrawl.site.rules import SiteRules


class Plain(Spider):
    name = "plain"


class Described(Spider):
    name = "described"

    def crawl_target(self) -> CrawlTarget:
        return CrawlTarget(self.name, {"categories": "banking"}, SiteRules("http://x.test"), wait=True)


def context(spidercls) -> CrawlContext:
    crawler = get_crawler(spidercls)
    crawler.spider = crawler._create_spider()
    return CrawlContext.of(crawler)


def test_a_spider_describes_its_crawl_once_and_others_get_their_name():
    target = context(Described).target
    assert (target.site, target.wait, target.arguments) == ("http://x.test", True, {"categories": "banking"})
    plain = context(Plain).target
    assert (plain.spider, plain.site, plain.arguments, plain.rules) == ("plain", None, {}, None)


def test_workers_with_the_same_arguments_join_the_same_shared_crawl():
    a = CrawlTarget("gbaf", {"categories": "banking", "max_pages": "2"})
    b = CrawlTarget("gbaf", {"max_pages": "2", "categories": "banking"})
    assert a.crawl_id == b.crawl_id and a.crawl_id.startswith("gbaf-")
    assert CrawlTarget("gbaf", {"categories": "finance"}).crawl_id != a.crawl_id
    assert CrawlTarget("gbaf", {"crawl_id": "portal", "x": "1"}).crawl_id == "portal"
