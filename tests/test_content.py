"""newscrawl/replica/content.py: the generated articles of the replica."""
import random
from datetime import datetime, timezone

from newscrawl.process.validate import EARLIEST
from newscrawl.replica.content import _generated, build_articles

BASE = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)


def test_every_generated_article_of_a_large_replica_has_a_valid_date():
    """Up to 200,000 articles (bench/scale_bench.py's largest site) reach back no further than
    2000, well after the validation's earliest date: none is dropped as bad_published_at (11,163
    were, before). The first ones keep the dates they always had."""
    rng = random.Random(0)
    for i in (48_999, 49_000, 120_000, 199_999):
        assert _generated(i, rng, BASE).published >= datetime(2000, 1, 1, tzinfo=timezone.utc) > EARLIEST, i
    first = build_articles(3)[-1]
    assert first.published.date().isoformat() == "2026-11-14"
