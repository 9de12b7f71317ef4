"""Run checks (Spidermon) at the end of real crawls of the replica, into each store."""
import re

from newscrawl.crawl.monitors import field_coverage
from newscrawl.ops import cli
from newscrawl.replica import expected_articles

from .inprocess import crawl
from .test_storage import cli_args, docs, runs, store_cfg  # noqa: F401 (the fixture)


def test_a_normal_run_passes_its_checks(fresh_replica, store_cfg):  # noqa: F811
    c = crawl(store_cfg, base_url=fresh_replica.base_url)
    run = runs(store_cfg)[0]
    assert run["status"] == "passed" and run["monitor"] == {"status": "passed", "reasons": []}
    parsed, coverage = field_coverage(c.stats.get_stats())
    assert parsed == 44 and coverage["authors"] >= 0.5


def test_a_redesign_that_loses_bylines_marks_the_run_degraded(fresh_replica, store_cfg, capsys):  # noqa: F811
    fresh_replica.site.redesign = True
    crawl(store_cfg, base_url=fresh_replica.base_url)
    run = runs(store_cfg)[0]
    assert run["finish_reason"] == "finished"  # the crawl itself went fine ...
    assert run["status"] == "degraded"  # ... but the articles lost a field
    (reason,) = run["monitor"]["reasons"]
    assert reason.startswith("field coverage:") and "authors 0%" in reason
    out = capsys.readouterr()  # and `newscrawl stats` says so
    assert cli.main(["stats", *cli_args(store_cfg)]) == 0
    shown = capsys.readouterr().out
    assert re.search(r"DEGRADED +\(finished\)", shown)
    assert "check failed: field coverage" in shown and "authors 0% (needs 50%)" in shown
    del out


def test_pages_no_theme_version_knows_mark_the_run_degraded(fresh_replica, store_cfg):  # noqa: F811
    fresh_replica.site.unknown_theme = True  # the portal leaves Next.js: no probe knows its pages
    c = crawl(store_cfg, base_url=fresh_replica.base_url)
    run = runs(store_cfg)[0]
    assert run["counts"]["new"] == 44  # read all the same, as pages of the portal ...
    assert c.stats.get_value("newscrawl/theme/portal") >= 35
    stored = docs(store_cfg)  # ... by their labels, as well as by the theme they left
    expected = expected_articles(fresh_replica.site, fresh_replica.base_url)
    assert {u: {k: d[k] for k in ("title", "authors", "body", "faq", "key_takeaways")} for u, d in stored.items()} == \
        {u: {k: e[k] for k in ("title", "authors", "body", "faq", "key_takeaways")} for u, e in expected.items()}
    assert run["status"] == "degraded"  # ... and the run says a redesign came
    assert any(r.startswith("themes:") and "matched no known theme version" in r for r in run["monitor"]["reasons"])


def test_the_webhook_hears_of_a_degraded_run(fresh_replica, store_cfg, webhook):  # noqa: F811
    url, posts = webhook
    fresh_replica.site.redesign = True
    crawl(dict(store_cfg, NEWSCRAWL_ALERT_WEBHOOK=url), base_url=fresh_replica.base_url)
    assert len(posts) == 1 and posts[0]["status"] == "degraded" and "authors" in posts[0]["reasons"][0]


def test_one_article_without_a_summary_is_not_a_degraded_run(fresh_replica, store_cfg):  # noqa: F811
    """A field found in none of one or two articles says nothing (a -a urls= run, a cluster
    worker's small slice); found in none of a handful, it fails (the redesign test above)."""
    legacy = next(a for a in fresh_replica.site.articles if a.kind == "legacy" and not a.slash_url)
    crawl(store_cfg, base_url=fresh_replica.base_url, urls=f"{fresh_replica.base_url}/{legacy.slug}")
    run = runs(store_cfg)[0]
    assert run["counts"]["new"] == 1 and docs(store_cfg)[f"{fresh_replica.base_url}/{legacy.slug}"]["summary"] is None
    assert run["status"] == "passed", run.get("monitor")
