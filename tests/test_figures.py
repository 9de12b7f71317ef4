"""newscrawl.crawl.figures: percentiles, and freshness that means freshness (new articles
apart from a backfill)."""
from newscrawl.crawl.figures import freshness, percentile

HOUR = 3600.0


def test_percentile_interpolates_as_numpy_does():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5 and percentile([10], 0.95) == 10


def test_new_articles_make_the_freshness_and_old_ones_a_backfill():
    lags = [60, 120, 600, 3 * HOUR, 30 * 24 * HOUR, 400 * 24 * HOUR]
    out = freshness(lags, date_only=2, window_s=48 * HOUR)
    assert out["n"] == 4 and out["p95_s"] <= 3 * HOUR and out["date_only"] == 2
    assert out["backfill"] == {"n": 2, "oldest_lag_s": 400 * 24 * HOUR}
    assert "backfill" not in freshness([60.0], window_s=48 * HOUR)
    assert freshness([], window_s=48 * HOUR) == {}
