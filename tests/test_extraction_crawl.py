"""A real crawl of the replica with a layer that fails on one field: nothing is lost."""
from newscrawl.conf import project_settings
from newscrawl.extract.layers.jsonld import JsonLdLayer
from newscrawl.replica import expected_articles
from newscrawl.store import open_store
from newscrawl.store.base import Filters

from .inprocess import crawl


def test_a_failing_field_costs_that_field_and_the_crawl_counts_it(fresh_replica, tmp_path, monkeypatch):
    def broken(self, page):
        raise KeyError("author")

    monkeypatch.setattr(JsonLdLayer, "authors", broken)
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    c = crawl(cfg, base_url=fresh_replica.base_url)
    stats = c.stats.get_stats()
    expected = expected_articles(fresh_replica.site, fresh_replica.base_url)
    settings = project_settings()
    settings.setdict(cfg, priority="cmdline")
    store = open_store(settings, quiet=True)
    try:
        stored = {d["url"]: d for d in store.find(Filters())}
        run = store.last_runs(1)[0].to_doc()
    finally:
        store.close()
    assert set(stored) == set(expected)  # no page lost to the failing field
    # the next layers gave the authors: every article still has its byline's names
    assert {u: d["authors"] for u, d in stored.items()} == {u: e["authors"] for u, e in expected.items()}
    failed = stats["newscrawl/extraction_error/jsonld/authors"]
    # once a page: every article page parsed (the stored ones and the one without a body)
    assert failed == len(stored) + stats["newscrawl/dropped/no_body"]
    assert "newscrawl/dropped/parse_error" not in stats
    assert sum(v for k, v in stats.items() if k.startswith("newscrawl/theme/")) == len(stored)
    assert run["counts"]["extraction_errors"] == {"jsonld/authors": failed}
    assert set(run["counts"]["themes"]) == {"nextjs", "wordpress", "portal"}  # portal: the bare page
    # and the run checks say so: every article lost a layer's field
    assert run["status"] == "degraded"
    (reason,) = [r for r in run["monitor"]["reasons"] if r.startswith("extraction errors:")]
    assert reason.endswith(f"({failed} layer fields raised on {len(stored)} articles: jsonld/authors {failed}; "
                           f"at most 5%)")
