"""Incremental re-runs, end to end on the served replica, into each store: a full crawl,
then a site that moved on (20 new articles, 5 recent ones edited), then an unchanged site."""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from newscrawl.replica import fresh_articles

from .inprocess import crawl
from .test_storage import docs, runs, store_cfg  # noqa: F401 (the fixture)


def stats_command(cfg) -> str:
    import subprocess
    import sys

    from .conftest import ROOT
    store = (["--mongo-uri", cfg["MONGO_URI"], "--mongo-database", cfg["MONGO_DATABASE"]] if cfg.get("MONGO_URI")
             else ["--data-dir", cfg["NEWSCRAWL_DATA_DIR"]])
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "stats", *store], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def article_requests(site):
    """(path, conditional) of every request the replica answered for an article page."""
    slugs = set(site.by_slug)
    return [(r.path, r.conditional) for r in site.requests
            if urlsplit(r.path).path.strip("/") in slugs]


def test_incremental_reruns_fetch_only_new_and_changed(fresh_replica, store_cfg):  # noqa: F811
    base, site = fresh_replica.base_url, fresh_replica.site
    crawl(store_cfg, base_url=base)
    first = docs(store_cfg)
    assert runs(store_cfg)[0]["mode"] == "full"
    date_only = [a for a in site.articles if a.date_only and f"{base}/{a.slug}" in first]
    assert date_only and all(first[f"{base}/{a.slug}"]["freshness"]["date_only"] for a in date_only)
    assert runs(store_cfg)[0]["counts"]["freshness"]["date_only"] >= len(date_only)

    # edited after the first crawl fetched them (sitemaps give lastmod to the second)
    now = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
    recent = [a for a in site.ordered if not a.fail_first][:4]
    wire = next(a for a in site.ordered if a.wire and a not in recent)
    edited = recent + [wire]
    for a in edited:  # a wire story re-imported: new body, same URL
        site.edit(a.slug, blocks=a.blocks + [("p", f"Update: {a.title} was revised at {now:%H:%M}.")],
                  updated=now)
    new = fresh_articles(20, now)
    site.publish(new)
    site.reset_log()

    c2 = crawl(store_cfg, base_url=base)
    second = docs(store_cfg)
    new_urls = {f"{base}/{a.slug}" for a in new}
    assert new_urls <= set(second) and len(second) == len(first) + 20
    for a in edited:
        doc = second[f"{base}/{a.slug}"]
        assert doc["version"] == 2 and "was revised at" in doc["body"], a.slug
        assert doc["history"][0]["fields"]["body"] == first[f"{base}/{a.slug}"]["body"]
    unconditional = {p.split("?")[0].strip("/") for p, cond in article_requests(site) if not cond}
    assert unconditional == {a.slug for a in new}  # no other article page without a validator
    run2 = runs(store_cfg)[0]
    assert run2["mode"] == "incremental"
    assert (run2["counts"]["new"], run2["counts"]["updated"]) == (20, 5)
    assert run2["counts"]["requests"]["article_new"] == 20
    assert run2["counts"]["requests"]["article_revisit"] == 5
    # freshness: the 20 were published 1 to 20 minutes before `now`; stored seconds later
    fresh = run2["counts"]["freshness"]
    timed = [a for a in new if not a.date_only]
    assert fresh["n"] == len(timed) and fresh.get("date_only", 0) == 20 - len(timed)
    lags = sorted((now - a.published).total_seconds() for a in timed)
    assert lags[len(lags) // 2] - 60 <= fresh["p50_s"] <= lags[len(lags) // 2] + 60 and fresh["p95_s"] <= 20 * 60 + 60
    lag = second[f"{base}/{timed[0].slug}"]["freshness"]
    assert lag["from"] == "published_at" and not lag["date_only"] and 55 <= lag["lag_s"] <= 120  # `now` is a second ahead
    assert all("freshness" not in second[u] or second[u]["freshness"] == first[u]["freshness"] for u in first)
    shown = stats_command(store_cfg)
    assert f"freshness of {len(timed)} new articles, published to stored: p50 " in shown
    assert c2.stats.get_value("newscrawl/listing/stop/all_known") or \
        c2.stats.get_value("newscrawl/listing/stop/not_modified")

    site.reset_log()
    c3 = crawl(store_cfg, base_url=base)
    assert not [p for p, cond in article_requests(site) if not cond]
    run3 = runs(store_cfg)[0]
    assert (run3["counts"]["new"], run3["counts"]["updated"]) == (0, 0)
    assert len(docs(store_cfg)) == len(second)
    assert c3.stats.get_value("newscrawl/http/not_modified", 0) >= 1  # listing pages, feeds, sitemaps
    paths = [r.path for r in site.requests]
    assert len(paths) < 25, paths  # discovery only


def test_refresh_all_fetches_everything_again(fresh_replica, store_cfg):  # noqa: F811
    base, site = fresh_replica.base_url, fresh_replica.site
    crawl(store_cfg, base_url=base)
    site.reset_log()
    crawl(store_cfg, base_url=base, refresh="all")
    fetched = {p.split("?")[0].strip("/") for p, _ in article_requests(site)}
    assert fetched == {a.slug for a in site.articles}
    assert runs(store_cfg)[0]["mode"] == "full"
    assert not [r for r in site.requests if r.conditional]


def test_conditional_get_304_touches_last_seen(fresh_replica, store_cfg):  # noqa: F811
    base = fresh_replica.base_url
    crawl(store_cfg, base_url=base)
    before = docs(store_cfg)
    mark = len(fresh_replica.site.requests)
    # everything counts as recent and due: every article is revisited, conditionally
    c = crawl(dict(store_cfg, NEWSCRAWL_REVISIT_HOURS=24 * 365 * 30, NEWSCRAWL_REVISIT_EVERY=0), base_url=base)
    after = docs(store_cfg)
    revisits = {urlsplit(r.path).path.strip("/") for r in fresh_replica.site.requests[mark:] if r.conditional}
    assert {urlsplit(u).path.strip("/") for u in before} <= revisits
    # every request counted, the redirect hops and retries of revisits too
    assert c.stats.get_value("newscrawl/requests/article_revisit") >= len(before)
    assert c.stats.get_value("newscrawl/http/not_modified") >= len(before)
    assert all(after[u]["last_seen_at"] > before[u]["last_seen_at"] for u in before)
    assert all(after[u]["version"] == 1 for u in before)


@pytest.mark.parametrize("value", ["sometimes", "ALL!"])
def test_bad_refresh_is_a_usage_error(value, tmp_path, replica):
    import subprocess
    import sys

    from .conftest import ROOT
    replica.site.reset_log()
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"refresh={value}",
                           "-a", f"base_url={replica.base_url}", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "refresh" in proc.stderr and "Traceback" not in proc.stderr
    assert replica.site.log == []


def test_stale_validators_hide_a_new_article_for_two_runs_at_most(fresh_replica, store_cfg):  # noqa: F811
    """A CDN answering 304 to the first ETag it served, whatever the page now shows: the new
    article is stored by the third run after it appeared, and the lie is counted and not
    trusted again."""
    base, site = fresh_replica.base_url, fresh_replica.site
    site.stale_validators = True
    crawl(store_cfg, base_url=base)
    first = docs(store_cfg)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    (hidden,) = fresh_articles(1, now)
    site.publish([hidden])
    url = f"{base}/{hidden.slug}"
    crawls = []
    for _ in range(3):
        crawls.append(crawl(store_cfg, base_url=base))
        if url in docs(store_cfg):
            break
    assert url in docs(store_cfg), "the new article is still hidden after three runs"
    assert len(crawls) == 3  # two runs trusted the 304s (the price of conditional GET on a liar)
    assert [c.stats.get_value("newscrawl/http/stale_validator", 0) for c in crawls][:2] == [0, 0]
    assert crawls[2].stats.get_value("newscrawl/http/stale_validator", 0) >= 1
    assert crawls[2].stats.get_value("newscrawl/http/rechecks", 0) >= 1
    assert runs(store_cfg)[0]["counts"]["new"] == 1 and len(docs(store_cfg)) == len(first) + 1

    # caught lying: from now on its pages are fetched in full, and the next article comes at once
    (later,) = fresh_articles(1, now + timedelta(minutes=1), seed=8)
    site.publish([later])
    crawl(store_cfg, base_url=base)
    assert f"{base}/{later.slug}" in docs(store_cfg)


def test_honest_validators_are_rechecked_every_third_request(fresh_replica, store_cfg):  # noqa: F811
    base, site = fresh_replica.base_url, fresh_replica.site
    crawl(store_cfg, base_url=base)
    conditional = []
    for _ in range(3):
        site.reset_log()
        c = crawl(store_cfg, base_url=base)
        home = [r for r in site.requests if urlsplit(r.path).path == "/"]
        conditional.append(home[0].conditional)
        assert c.stats.get_value("newscrawl/http/stale_validator", 0) == 0  # an unchanged page is no lie
    assert conditional == [True, True, False]


def test_conditional_allowed_sends_every_third_request_in_full():
    from newscrawl.crawl.incremental import conditional_allowed
    assert [conditional_allowed({"streak": n}, 3) for n in range(4)] == [True, True, False, False]
    assert conditional_allowed({}, 3) and not conditional_allowed({"liar": True}, 3)
    assert conditional_allowed({"streak": 50}, 0)  # 0: always conditional


def test_is_stale_validator_needs_same_validators_and_another_body():
    from newscrawl.crawl.incremental import is_stale_validator
    old = {"etag": '"a"', "last_modified": None, "state": {"digest": "d1"}}
    assert is_stale_validator(old, {"etag": '"a"', "last_modified": None}, "d2")
    assert not is_stale_validator(old, {"etag": '"b"', "last_modified": None}, "d2")  # honest change
    assert not is_stale_validator(old, {"etag": '"a"', "last_modified": None}, "d1")  # unchanged
    lm = {"etag": None, "last_modified": "Tue, 01 Dec 2026 10:00:00 GMT", "state": {"digest": "d1"}}
    assert is_stale_validator(lm, {"etag": None, "last_modified": lm["last_modified"]}, "d2")
    assert not is_stale_validator({"etag": '"a"'}, {"etag": '"a"'}, "d2")  # no digest stored yet


def test_next_interval_shrinks_after_a_change_and_grows_within_bounds():
    from newscrawl.crawl.incremental import next_interval
    assert next_interval(None, False, 60, 900) == 60
    assert next_interval(600, True, 60, 900) == 60
    seq = [60.0]
    for _ in range(10):
        seq.append(next_interval(seq[-1], False, 60, 900))
    assert seq[:4] == [60, 90, 135, 202.5] and seq[-1] == 900


def test_staggered_polls_spread_signals_that_all_list_new_articles():
    from newscrawl.crawl.incremental import staggered
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert staggered(t0, [], 60) == t0
    assert staggered(t0, [t0 + timedelta(seconds=200)], 60) == t0  # far enough apart already
    assert staggered(t0, [t0, t0 + timedelta(seconds=30)], 60) == t0 + timedelta(seconds=90)
    # never pushed more than half an interval (spacing x signals) later
    crowded = [t0, t0 + timedelta(seconds=60), t0 + timedelta(seconds=120)]
    assert staggered(t0, crowded, 60) == t0


def test_links_checked_while_the_store_is_away_leave_their_page_to_be_read_again():
    """A sitemap read during a store outage: the known links cannot be checked against the
    store; none is revisited now, and the sitemap's validators are not kept, so that the next
    request of it reads it again (instead of a 304 hiding the changed articles)."""
    from newscrawl.crawl.incremental import CrawlHistory, Policy
    from newscrawl.extract.listing import Link
    from newscrawl.store import StoreUnavailable

    class AwayStore:
        def iter_urls(self, prefix):
            return iter(["http://s/a"])

        def visit_states(self, urls=None, published_since=None, prefix=None):
            if urls is not None:
                raise StoreUnavailable("MongoDB at x: ServerSelectionTimeoutError")
            return {}

        def load_validators(self, prefix):
            return {"http://s/sitemap.xml": {"url": "http://s/sitemap.xml", "kind": "sitemap", "etag": '"old"'}}

        def last_runs(self, n):
            return []

    history = CrawlHistory(AwayStore(), "http://s", "gbaf", Policy(48, 6, 2), datetime(2026, 12, 1, tzinfo=timezone.utc))
    history._learned["http://s/sitemap.xml"] = {"url": "http://s/sitemap.xml", "kind": "sitemap", "etag": '"new"'}
    link = Link("http://s/a", lastmod=datetime(2026, 12, 1, 11, tzinfo=timezone.utc))
    assert history.changed_since_fetched([link], page="http://s/sitemap.xml") == []
    assert not history.unsaved  # "new" forgotten: the next request sends "old" and reads the page again
    assert history.validators["http://s/sitemap.xml"]["etag"] == '"old"'
