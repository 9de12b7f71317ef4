"""How long to wait before trying again: one rule for every retry loop.

Used by the retry middleware (429/5xx), the store's batch writer (an outage), the change
feed's reader and webhook, and the cluster scheduler (Redis lost).
"""
from __future__ import annotations

import math
import random


def backoff_delay(attempt: int, base: float, cap: float = math.inf, jitter: float = 0.0) -> float:
    """Seconds to wait before retry number ``attempt`` (0 for the first): ``base``, doubling
    with each attempt, at most ``cap``, spread by ±``jitter`` (a share: 0.2 is ±20%) so that
    many clients that failed together do not retry together."""
    delay = min(cap, base * 2 ** max(attempt, 0))
    if jitter:
        delay *= random.uniform(1 - jitter, 1 + jitter)
    return delay
