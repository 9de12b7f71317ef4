"""Storage benchmark: articles through the pipelines (validate, normalize, dedupe, store).

For each store (embedded SQLite; MongoDB via mongomock-ng, or the real server in MONGO_URI)
it writes N articles three times: all new, all unchanged (a re-run), and with 10% changed.
Prints articles/s and database round trips per 1,000 items.

    python bench/store_bench.py [--articles 5000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")

from scrapy.utils.reactor import install_reactor  # noqa: E402

install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

from scrapy import Spider  # noqa: E402
from scrapy.utils.defer import deferred_from_coro  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402
from twisted.internet import task  # noqa: E402

from newscrawl.items import Article  # noqa: E402
from newscrawl.pipelines import DedupePipeline, NormalizePipeline, StorePipeline, ValidatePipeline  # noqa: E402
from newscrawl.replica import build_articles  # noqa: E402


def articles(n: int, edit_every: int = 0, rev: int = 0) -> list[Article]:
    out = []
    for i, a in enumerate(build_articles(n)):
        body = a.body + (f"\n\nCorrection {rev}." if edit_every and i % edit_every == 0 else "")
        out.append(Article(url=f"https://www.globalbankingandfinance.com/{a.slug}", title=a.title,
                           category="Finance", tags=list(a.tags), authors=list(a.authors),
                           published_at=a.published, updated_at=a.updated, summary=a.summary, body=body,
                           key_takeaways=list(a.takeaways), language="en-GB"))
    return out


async def one_pass(settings: dict, items: list[Article]) -> tuple[float, dict]:
    s = get_project_settings()
    s.setdict(settings, priority="cmdline")
    crawler = get_crawler(Spider, s.copy_to_dict())
    crawler.spider = Spider(name="bench")
    crawler.stats.open_spider()
    chain = [ValidatePipeline(crawler), NormalizePipeline(crawler), DedupePipeline(crawler),
             StorePipeline(crawler)]
    store = chain[-1]
    store.open_spider()
    t0 = time.perf_counter()
    for item in items:
        for p in chain[:-1]:
            item = p.process_item(item)
        await store.process_item(item)
    store.spider_idle()
    elapsed = time.perf_counter() - t0
    store.close_spider()
    return elapsed, crawler.stats.get_stats()


async def run(n: int) -> None:
    tmp = tempfile.mkdtemp()
    stores = {"embedded SQLite": {"MONGO_URI": None, "NEWSCRAWL_DATA_DIR": tmp}}
    uri = os.environ.get("MONGO_URI")
    label = "MongoDB (real server)" if uri else "MongoDB API (mongomock-ng, in memory)"
    stores[label] = {"MONGO_URI": uri or "mongomock://bench", "MONGO_DATABASE": "newscrawl_bench",
                     "NEWSCRAWL_DATA_DIR": tmp}
    first, same, edited = articles(n), articles(n), articles(n, edit_every=10, rev=1)
    print(f"{len(first)} articles a pass, batch size 200\n")
    print(f"{'store':<40} {'pass':<22} {'articles/s':>10} {'round trips/1000':>17}")
    for name, cfg in stores.items():
        for label_pass, items in (("new", first), ("re-run, unchanged", same), ("re-run, 10% changed", edited)):
            elapsed, st = await one_pass(cfg, items)
            written = st.get("newscrawl/store/written", 0)
            rt = st.get("newscrawl/store/round_trips", 0) * 1000 / max(1, written)
            print(f"{name:<40} {label_pass:<22} {written / elapsed:>10.0f} {rt:>17.1f}"
                  f"   (new {st.get('newscrawl/store/new', 0)}, updated {st.get('newscrawl/store/updated', 0)},"
                  f" unchanged {st.get('newscrawl/store/unchanged', 0)})")
        if uri:
            import pymongo
            pymongo.MongoClient(uri).drop_database("newscrawl_bench")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    args = ap.parse_args()
    task.react(lambda _reactor: deferred_from_coro(run(args.articles)))


if __name__ == "__main__":
    main()
