"""Store faults: outages of 1 s, 30 s and for good at a random batch (BatchSaver with a fake
clock, on both stores), a real crawl through a 1 s outage, and a full disk under the spill file."""
import errno
import random
from datetime import datetime, timezone

import pytest

from newscrawl.process.pipelines import LOST_REASON
from newscrawl.replica import expected_articles
from newscrawl.store import ArticleWriter, StoreUnavailable
from newscrawl.store.saver import BatchSaver
from newscrawl.store.spill import SpillFile, read_spill

from .inprocess import crawl
from .test_storage import docs, store_cfg, store_of  # noqa: F401 (the fixture)

UTC = timezone.utc


class Clock:
    def __init__(self):
        self.t = 0.0

    def sleep(self, seconds):
        self.t += seconds


def articles(n, start=0):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return [{"url": f"http://x.test/a-{i}", "title": f"A {i}", "body": f"Body {i}.", "content_hash": str(i),
             "published_at": now} for i in range(start, start + n)]


@pytest.mark.parametrize("outage", [1.0, 30.0, float("inf")])
def test_an_outage_at_a_random_batch_loses_nothing_and_stores_nothing_twice(store_cfg, tmp_path, outage):  # noqa: F811
    store = store_of(store_cfg)
    store.ensure_indexes()
    clock = Clock()
    batches = [articles(20, 20 * i) for i in range(6)]
    failing_from = random.Random(7).randrange(1, len(batches))  # seeded: the batch the outage starts at
    real_apply = store.apply
    state = {"down_since": None}

    def apply(*args, **kwargs):
        if state["down_since"] is not None and clock.t - state["down_since"] < outage:
            raise StoreUnavailable("connection lost (injected)")
        return real_apply(*args, **kwargs)
    store.apply = apply
    spill = SpillFile(tmp_path / "spill.jsonl")
    saver = BatchSaver(ArticleWriter(store, 10), spill, retries=5, backoff=1.0,
                       now=lambda: datetime.now(UTC), sleep=clock.sleep)
    outcomes = []
    for i, batch in enumerate(batches):
        if i == failing_from:
            state["down_since"] = clock.t
        outcomes.append(saver.save(batch))
    store.apply = real_apply
    assert not any(o.lost for o in outcomes)
    spilled = [a["url"] for b in (read_spill(spill.path) if spill.path.exists() else []) for a in b]
    stored = {d["url"] for d in store.find(__import__("newscrawl.store", fromlist=["Filters"]).Filters())}
    every = {a["url"] for b in batches for a in b}
    if outage < 31:  # retries wait 1 + 2 + 4 + 8 + 16 s: a 30 s outage is ridden out
        assert stored == every and not spilled
    else:
        assert stored | set(spilled) == every and not stored & set(spilled)
        # the spill replays once: nothing twice
        for b in read_spill(spill.path):
            ArticleWriter(store, 10).write(b, datetime.now(UTC))
            ArticleWriter(store, 10).write(b, datetime.now(UTC))
        assert len(list(store.find(__import__("newscrawl.store", fromlist=["Filters"]).Filters()))) == len(every)
    store.close()


def test_a_spill_written_out_in_process_once_the_store_answers_stores_each_article_once(store_cfg, tmp_path):  # noqa: F811
    """What a watch does with its spill file (NEWSCRAWL_SPILL_REPLAY): BatchSaver.replay."""
    store = store_of(store_cfg)
    store.ensure_indexes()
    real_apply, down = store.apply, {"on": True}

    def apply(*args, **kwargs):
        if down["on"]:
            raise StoreUnavailable("connection lost (injected)")
        return real_apply(*args, **kwargs)
    store.apply = apply
    spill = SpillFile(tmp_path / "spill.jsonl")
    saver = BatchSaver(ArticleWriter(store, 10), spill, retries=1, backoff=0.0,
                       now=lambda: datetime.now(UTC), sleep=lambda s: None)
    assert saver.save(articles(3)).spilled == 3 and saver.save(articles(2, 3)).spilled == 2
    assert saver.replay() is None and spill.count == 5 and spill.path.exists()  # still down: it waits
    down["on"] = False
    saver.save(articles(2, 1))  # two of the spilled ones again, written first (a later version wins: same here)
    counts = saver.replay()
    assert counts is not None and (counts.new, counts.unchanged) == (3, 2)
    assert spill.count == 0 and not spill.path.exists()
    assert saver.replay() is not None  # nothing waits: nothing to do
    urls = [d["url"] for d in store.find(__import__("newscrawl.store", fromlist=["Filters"]).Filters())]
    assert sorted(urls) == sorted(a["url"] for a in articles(5))  # each once
    store.close()


def test_a_crawl_rides_out_a_one_second_outage(fresh_replica, store_cfg, monkeypatch):  # noqa: F811
    import time
    store_cls = type(store_of(store_cfg))
    real_apply = store_cls.apply
    window = {}

    def flaky_apply(self, *args, **kwargs):
        window.setdefault("start", time.monotonic())  # the first batch starts a 1 s outage
        if time.monotonic() - window["start"] < 1.0:
            raise StoreUnavailable("connection lost (injected)")
        return real_apply(self, *args, **kwargs)
    monkeypatch.setattr(store_cls, "apply", flaky_apply)
    c = crawl(dict(store_cfg, NEWSCRAWL_BATCH_SIZE=10, NEWSCRAWL_STORE_BACKOFF=0.1), base_url=fresh_replica.base_url)
    assert c.stats.get_value("finish_reason") == "finished"
    assert c.stats.get_value("newscrawl/store/errors") >= 1 and not c.stats.get_value("newscrawl/store/spilled")
    assert set(docs(store_cfg)) == set(expected_articles(fresh_replica.site, fresh_replica.base_url))


def test_a_full_disk_under_the_spill_file_stops_the_crawl_with_a_reason(fresh_replica, store_cfg, monkeypatch, caplog):  # noqa: F811
    def down(self, *args, **kwargs):
        raise StoreUnavailable("connection lost (injected)")

    def disk_full(self, items):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(type(store_of(store_cfg)), "apply", down)
    monkeypatch.setattr(SpillFile, "write", disk_full)
    c = crawl(dict(store_cfg, NEWSCRAWL_BATCH_SIZE=5, NEWSCRAWL_STORE_RETRIES=0), base_url=fresh_replica.base_url)
    assert c.stats.get_value("finish_reason") == LOST_REASON
    lost = c.stats.get_value("newscrawl/store/lost")
    assert lost >= 5
    assert [r for r in caplog.records if "No space left on device" in r.getMessage() and "lost" in r.getMessage()]
