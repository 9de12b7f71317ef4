"""Small figures shared by the pipelines, the run records and the report."""
from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, linearly interpolated (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def freshness(lags: list[float], date_only: int = 0) -> dict:
    """New articles' published-to-stored figures: {"n", "p50_s", "p95_s", "date_only"}."""
    out: dict = {"n": len(lags)}
    if lags:
        out.update(p50_s=round(percentile(lags, 0.5), 1), p95_s=round(percentile(lags, 0.95), 1))
    if date_only:
        out["date_only"] = date_only
    return out if lags or date_only else {}
