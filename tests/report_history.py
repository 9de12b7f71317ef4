"""A store with a history to report on: one real crawl of the replica, 40 earlier runs over
ten days (a theme shift, a degraded and a failed run among them) and a hostile headline."""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newscrawl.crawl.rendering import LAUNCH_ARGS, find_browser
from newscrawl.store import ArticleWriter
from newscrawl.store.record import CrawlRun

UTC = timezone.utc
HOSTILE = "<script>window.__pwned=1</script>Banks <b>rally</b> & \"surge\""
ARTIFACTS = Path(os.environ.get("NEWSCRAWL_ARTIFACTS") or Path(__file__).parent / "artifacts")


def earlier_runs(site: str, now: datetime, n: int = 40) -> list[dict]:
    runs = []
    for i in range(n):
        started = now - timedelta(hours=6 * (n - i))
        new = 3 + (i * 7) % 11
        redesign = i >= n - 8  # the last runs: pages the known themes no longer read
        status = "degraded" if i == n - 3 else ("failed" if i == 5 else "passed")
        run = {"run_id": f"run{i:04d}deadbeef", "spider": "gbaf", "arguments": {}, "site": site,
               "store": "sqlite test", "started_at": started, "finished_at": started + timedelta(seconds=20 + i % 7),
               "status": status, "mode": "incremental", "finish_reason": "finished" if status != "failed" else "store_unavailable",
               "counts": {"pages": 13 + new, "new": new, "updated": i % 3, "unchanged": 2, "not_modified": 6,
                          "requests": {"listing": 8, "sitemap": 3, "article_new": new},
                          "dropped": {"http_404": i % 2}, "themes": {"generic" if redesign else "nextjs": new}},
               "extraction": {"url": {"jsonld": new}, "title": {"jsonld": new}, "body": {"semantic": new},
                              "published_at": {"jsonld": new},
                              "authors": {"jsonld": new if not redesign else new // 3}}}
        if status == "degraded":
            run["monitor"] = {"status": "degraded", "reasons": ["test_known_theme: unknown theme 100% (at most 20%)"]}
        if status == "failed":
            run["error"] = "MongoDB at mongodb://db:27017 is unreachable (ServerSelectionTimeoutError)"
        runs.append(run)
    return runs


def add_history(store, site: str, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    for run in earlier_runs(site, now):
        store.save_run(CrawlRun.from_doc(run))
    ArticleWriter(store, 10).write([{
        "url": f"{site}/hostile-headline", "title": HOSTILE, "body": "Text of the story.", "content_hash": "h",
        "published_at": now - timedelta(minutes=5), "category": "Finance <i>x</i>",
        "authors": ["<img src=x onerror=alert(1)>"]}], now)


@contextmanager
def browser_page():
    """A page in Debian's chromium (headless), and the console and page errors it meets."""
    browser = find_browser()
    if browser is None:
        pytest.skip("no chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser, args=LAUNCH_ARGS)
        try:
            page = b.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield page, errors
        finally:
            b.close()
