"""newscrawl.backoff: the one rule of every retry loop."""
import pytest

from newscrawl.backoff import backoff_delay


def test_doubles_from_the_base_up_to_the_cap():
    assert [backoff_delay(n, 0.5, 3.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff_delay(10, 1.0) == 1024.0  # no cap: no cap


def test_jitter_spreads_within_its_share():
    delays = {backoff_delay(2, 1.0, jitter=0.2) for _ in range(200)}
    assert all(3.2 <= d <= 4.8 for d in delays) and len(delays) > 100
    assert backoff_delay(-1, 2.0) == pytest.approx(2.0)  # a first try counted from 0 or -1
