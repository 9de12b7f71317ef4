"""What every benchmark shares: one real crawl in a fresh process (tests/crawl_runner.py)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def crawl_command(out, base_url: str, data_dir, *extra: str) -> list[str]:
    """A `gbaf` crawl of ``base_url`` into the embedded store in ``data_dir``, writing its
    items and stats to ``out``; ``extra``: more ``-a``/``-s`` pairs."""
    return [sys.executable, str(ROOT / "tests" / "crawl_runner.py"), str(out), "-a", f"base_url={base_url}",
            "-s", f"NEWSCRAWL_DATA_DIR={data_dir}", "-s", "MONGO_URI=", "-s", "LOG_LEVEL=WARNING", *extra]


def crawl_env(**overrides: str) -> dict:
    """The environment of a benchmark crawl: never a MongoDB or Redis named outside."""
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "REDIS_URL")}
    return {**env, **overrides}


def replica_site(default_articles: int = 2000):
    """The generated replica a crawl benchmark runs on (``--articles N`` on its command line)."""
    import argparse

    from newscrawl.replica import ReplicaSite, build_articles

    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=default_articles,
                    help="generated articles (plus the hand-written ones)")
    return ReplicaSite(build_articles(ap.parse_args().articles))
