"""Storage benchmark: articles through the pipelines (validate, normalize, dedupe, store).

For each store (embedded SQLite; MongoDB over a socket: the real server in MONGO_URI, else
the wire-protocol stand-in of tests/mongo_server.py started for the run) it writes N articles
three times: all new, all unchanged (a re-run), and with 10% changed. Prints articles/s and
database round trips per 1,000 items, and for MongoDB the ratio to a bare ``insert_many`` of
the same documents on the same server in the same run (the baseline). Then the store's
upsert latency (one batch of 200) and query latency (latest 20, a category, a word) with
1,000 and with 100,000 articles stored.

    python bench/store_bench.py [--articles 5000] [--large 100000]
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
from scrapy.utils.test import get_crawler  # noqa: E402
from twisted.internet import task  # noqa: E402

from newscrawl.conf import project_settings  # noqa: E402
from newscrawl.items import Article  # noqa: E402
from newscrawl.process.pipelines import DedupePipeline, NormalizePipeline, StorePipeline, ValidatePipeline  # noqa: E402
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
    s = project_settings()
    s.setdict(settings, priority="cmdline")
    crawler = get_crawler(Spider, s.copy_to_dict())
    crawler.spider = Spider(name="bench")
    crawler.stats.open_spider()
    chain = [ValidatePipeline.from_crawler(crawler), NormalizePipeline.from_crawler(crawler),
             DedupePipeline.from_crawler(crawler), StorePipeline.from_crawler(crawler)]
    store = chain[-1]
    store.open_spider()
    t0 = time.perf_counter()
    for item in items:
        for p in chain[:-1]:
            item = p.process_item(item)
        await store.process_item(item)
    store.spider_idle()
    elapsed = time.perf_counter() - t0
    await store.close_spider()
    return elapsed, crawler.stats.get_stats()


def bare_insert_many(uri: str, docs: list[dict]) -> float:
    """The baseline: the same documents, insert_many in batches of 200, no reads, same server."""
    import pymongo
    client = pymongo.MongoClient(uri, tz_aware=True)
    coll = client["newscrawl_bench_bare"]["articles"]
    coll.drop()
    t0 = time.perf_counter()
    for i in range(0, len(docs), 200):
        coll.insert_many([dict(d) for d in docs[i:i + 200]], ordered=False)
    elapsed = time.perf_counter() - t0
    client.drop_database("newscrawl_bench_bare")
    client.close()
    return len(docs) / elapsed


def stored_docs(items: list[Article]) -> list[dict]:
    from itemadapter import ItemAdapter
    crawler = get_crawler(Spider, project_settings().copy_to_dict())
    v, nz = ValidatePipeline.from_crawler(crawler), NormalizePipeline.from_crawler(crawler)
    return [ItemAdapter(nz.process_item(v.process_item(i))).asdict() for i in items]


def latency(store, template: dict, large: int) -> None:
    """Upsert and query latency of the store with 1,000 and ``large`` articles stored."""
    from datetime import timedelta

    from newscrawl.store import ArticleWriter, Filters
    writer = ArticleWriter(store, 10)
    have = 0
    print(f"\n{store.kind} latency (median of 5; one upsert batch = 200 new articles)")
    print(f"{'stored':>9} {'upsert batch':>13} {'latest 20':>10} {'category':>10} {'word':>10}")
    for size in (1_000, large):
        fill = [dict(template, url=f"{template['url']}-fill-{i}", content_hash=str(i),
                     published_at=template["published_at"] - timedelta(minutes=i)) for i in range(have, size)]
        for i in range(0, len(fill), 200):  # the crawl's batch size
            writer.write(fill[i:i + 200], template["published_at"])
        have = size
        times: dict[str, list[float]] = {"upsert": [], "latest": [], "category": [], "word": []}
        for r in range(5):
            batch = [dict(template, url=f"{template['url']}-probe-{size}-{r}-{i}", content_hash=f"p{r}{i}")
                     for i in range(200)]
            t0 = time.perf_counter()
            writer.write(batch, template["published_at"])
            times["upsert"].append(time.perf_counter() - t0)
            for name, f in (("latest", Filters(limit=20)), ("category", Filters(category="Finance", limit=20)),
                            ("word", Filters(search="copper", limit=20))):
                t0 = time.perf_counter()
                list(store.find(f))
                times[name].append(time.perf_counter() - t0)
        med = {k: sorted(v)[2] * 1000 for k, v in times.items()}
        print(f"{size:>9,} {med['upsert']:>10.1f} ms {med['latest']:>7.1f} ms {med['category']:>7.1f} ms "
              f"{med['word']:>7.1f} ms")


async def run(n: int, large: int) -> None:
    tmp = tempfile.mkdtemp()
    stores = {"embedded SQLite": {"MONGO_URI": None, "NEWSCRAWL_DATA_DIR": tmp}}
    uri = os.environ.get("MONGO_URI")
    server = None
    if not uri:
        from tests.mongo_server import WireServer
        server = WireServer(Path(tmp)).start()
        uri = server.uri
    label = "MongoDB (MONGO_URI)" if server is None else "MongoDB wire stand-in (mongoeco)"
    stores[label] = {"MONGO_URI": uri, "MONGO_DATABASE": "newscrawl_bench", "NEWSCRAWL_DATA_DIR": tmp}
    try:
        first, same, edited = articles(n), articles(n), articles(n, edit_every=10, rev=1)
        print(f"{len(first)} articles a pass, batch size 200\n")
        print(f"{'store':<34} {'pass':<22} {'articles/s':>10} {'round trips/1000':>17}")
        for name, cfg in stores.items():
            for label_pass, items in (("new", first), ("re-run, unchanged", same), ("re-run, 10% changed", edited)):
                elapsed, st = await one_pass(cfg, items)
                written = st.get("newscrawl/store/written", 0)
                rt = st.get("newscrawl/store/round_trips", 0) * 1000 / max(1, written)
                print(f"{name:<34} {label_pass:<22} {written / elapsed:>10.0f} {rt:>17.1f}"
                      f"   (new {st.get('newscrawl/store/new', 0)}, updated {st.get('newscrawl/store/updated', 0)},"
                      f" unchanged {st.get('newscrawl/store/unchanged', 0)})")
                if label_pass == "new" and cfg["MONGO_URI"]:
                    new_rate = written / elapsed
        bare = bare_insert_many(uri, stored_docs(first))
        print(f"\nbaseline: bare insert_many of the same {len(first)} documents on the same server: {bare:.0f} docs/s;"
              f" the store's first pass {new_rate:.0f} articles/s = {new_rate / bare:.2f} of it")
        from newscrawl.store import open_store
        template = stored_docs(articles(1))[0]
        for cfg in ({"MONGO_URI": None, "NEWSCRAWL_DATA_DIR": tempfile.mkdtemp()}, dict(stores[label],
                    MONGO_DATABASE="newscrawl_bench_latency")):
            s = project_settings()
            s.setdict(cfg, priority="cmdline")
            store = open_store(s, quiet=True)
            store.ensure_indexes()
            size = large
            if store.kind == "mongodb" and server is not None:
                # mongoeco's upsert cost grows with the collection (it scans): 100,000 would take
                # hours and say nothing of mongod; MONGO_URI measures a real server at full size
                size = min(large, 2_000)
                print(f"\n(wire stand-in: latency at {size:,} instead of {large:,}; set MONGO_URI for a real server)")
            try:
                latency(store, template, size)
            finally:
                if store.kind == "mongodb":
                    store.client.drop_database("newscrawl_bench_latency")
                store.close()
        import pymongo
        pymongo.MongoClient(uri).drop_database("newscrawl_bench")
    finally:
        if server is not None:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--large", type=int, default=100_000)
    args = ap.parse_args()
    task.react(lambda _reactor: deferred_from_coro(run(args.articles, args.large)))


if __name__ == "__main__":
    main()
