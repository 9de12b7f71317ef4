"""Memory a crawl keeps per seen URL, at 1,000,000 URLs: Scrapy's RFPDupeFilter against
newscrawl's CompactDupeFilter (DUPEFILTER_CLASS), the same requests, measured in one run.

    python bench/dupefilter_bench.py [N]

Memory is what tracemalloc sees allocated by the filter after N requests (the requests
themselves are made and dropped one by one, as the scheduler does); the ratio is against
Scrapy's filter measured in the same run.
"""
import gc
import sys
import time
import tracemalloc

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from newscrawl.crawl.dupefilter import CompactDupeFilter

URL = "https://www.globalbankingandfinance.com/some-article-slug-about-banking-{}"


def measure(cls, n: int, fingerprinter) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    df = cls(fingerprinter=fingerprinter)
    t0 = time.perf_counter()
    for i in range(n):
        df.request_seen(Request(URL.format(i)))
    assert df.request_seen(Request(URL.format(n - 1)))  # and it still knows the last one
    elapsed = time.perf_counter() - t0
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del df
    return used / n, n / elapsed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    fp = get_crawler().request_fingerprinter
    scrapy_bytes, scrapy_rate = measure(RFPDupeFilter, n, fp)
    ours_bytes, ours_rate = measure(CompactDupeFilter, n, fp)
    print(f"{n:,} seen URLs (tracemalloc, bytes kept per URL; requests/s under tracemalloc)")
    print(f"  Scrapy RFPDupeFilter       {scrapy_bytes:7.1f} B/URL  {scrapy_bytes * n / 2**20:7.1f} MiB  {scrapy_rate:9,.0f} req/s")
    print(f"  newscrawl CompactDupeFilter {ours_bytes:6.1f} B/URL  {ours_bytes * n / 2**20:7.1f} MiB  {ours_rate:9,.0f} req/s")
    print(f"  ratio compact/scrapy: memory {ours_bytes / scrapy_bytes:.3f}, speed {ours_rate / scrapy_rate:.2f}")


if __name__ == "__main__":
    main()
