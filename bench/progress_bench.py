"""The progress line's time left against the clock: a first crawl of a 3,000-article replica
(the hand-written pages with their faults included), then a `refresh=all` crawl of it; every
estimate made between 25% and 75% of each crawl, as (estimated / real time left). The goal
(#29): each within 0.5x-2x.

Usage: python bench/progress_bench.py [--articles 3000]
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import crawl_command, crawl_env, replica_site  # noqa: E402
from newscrawl.replica import ReplicaServer  # noqa: E402

LINE = re.compile(r"^(\d+\.\d+) newscrawl\.crawl\.progress Progress: .*?~(\d+(?:\.\d+)?) (s|min|h) left", re.M)
UNIT = {"s": 1, "min": 60, "h": 3600}


def ratios(log: str) -> list[float]:
    first = float(re.search(r"^(\d+\.\d+) ", log, re.M).group(1))
    end = float(re.findall(r"^(\d+\.\d+) scrapy\.core\.engine Closing spider", log, re.M)[-1])
    out = []
    for at, n, unit in LINE.findall(log):
        t = float(at)
        if 0.25 <= (t - first) / (end - first) <= 0.75:
            out.append(float(n) * UNIT[unit] / max(end - t, 1e-3))
    return out


def main() -> int:
    site = replica_site(3000)
    site.delay = 0.01
    ok = True
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        for name, extra in (("first crawl", []), ("refresh=all", ["-a", "refresh=all"])):
            out = Path(tmp) / name.replace(" ", "-").replace("=", "-")
            out.mkdir()
            cmd = crawl_command(out, server.base_url, Path(tmp) / "data", *extra, "-s", "LOG_LEVEL=INFO",
                                "-s", "NEWSCRAWL_PROGRESS_SECONDS=1", "-s", "LOG_FORMAT=%(created).3f %(name)s %(message)s")
            proc = subprocess.run(cmd, capture_output=True, text=True, env=crawl_env(), timeout=1800)
            found = ratios(proc.stderr)
            inside = sum(1 for r in found if 0.5 <= r <= 2.0)
            ok = ok and bool(found) and inside == len(found)
            print(f"{name}: {len(found)} estimates between 25% and 75% of the crawl, {inside} within 0.5x-2x; "
                  f"estimate / real: min {min(found):.2f}, median {sorted(found)[len(found) // 2]:.2f}, "
                  f"max {max(found):.2f}" if found else f"{name}: no estimate (exit {proc.returncode})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
