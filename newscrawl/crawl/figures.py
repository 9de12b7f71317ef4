"""Small figures shared by the pipelines, the run records and the report."""
from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, linearly interpolated (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def freshness(lags: list[float], date_only: int = 0, window_s: float | None = None) -> dict:
    """Published-to-stored figures of the articles a run stored first: {"n", "p50_s", "p95_s",
    "date_only"} of the new ones (stored within ``window_s`` of their publication: how fresh
    the store is kept), and {"backfill": {"n", "oldest_lag_s"}} of the older ones (an archive
    read for the first time says nothing of freshness)."""
    fresh = lags if window_s is None else [lag for lag in lags if lag <= window_s]
    backfill = [] if window_s is None else [lag for lag in lags if lag > window_s]
    out: dict = {"n": len(fresh)}
    if fresh:
        out.update(p50_s=round(percentile(fresh, 0.5), 1), p95_s=round(percentile(fresh, 0.95), 1))
    if date_only:
        out["date_only"] = date_only
    if backfill:
        out["backfill"] = {"n": len(backfill), "oldest_lag_s": round(max(backfill), 1)}
    return out if lags or date_only else {}
