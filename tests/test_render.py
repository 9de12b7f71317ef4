"""JavaScript pages with a real browser (Debian's chromium) on the replica's JS pages, and
the same crawl with no browser installed."""
from urllib.parse import urlsplit

import pytest

from newscrawl.crawl.rendering import find_browser
from newscrawl.replica import ReplicaServer, ReplicaSite
from newscrawl.replica.js import APP_SHELL, BUILD_ID, CHROME_SHELL, NEXT_ONLY, NEXT_ROUTE, TRACK

from .conftest import run_crawl


@pytest.fixture
def js_replica():
    with ReplicaServer(ReplicaSite(js=True)) as server:
        yield server


def test_js_pages_are_rendered_only_where_needed(js_replica, tmp_path):
    if find_browser() is None:
        pytest.fail("no Chromium: apt-get install -y chromium (.ci/run does it)")
    site, base = js_replica.site, js_replica.base_url
    result = run_crawl(tmp_path, "-a", f"base_url={base}")
    urls = set(result.by_url)
    markets = {f"{base}/{a.slug}" for a in site.js.markets}
    assert markets <= urls, sorted(markets - urls)  # all of them, 5 shown + 8 behind "load more"
    shell = result.by_url[f"{base}{APP_SHELL}"]
    assert shell["title"] == "Markets wrap built in the browser" and len(shell["body"]) > 200
    data = result.by_url[f"{base}{NEXT_ONLY}"]
    assert data["extraction"]["body"] == "nextdata" and data["title"] == "A story only in the Next.js data"
    stats = result.stats
    assert stats["newscrawl/render/load_more"] == 1 and stats["newscrawl/render/app_shell"] == 1
    assert stats["newscrawl/render/pages"] == 2  # the markets listing and the app shell; not the data pages
    routed = result.by_url[f"{base}{NEXT_ROUTE}"]  # an app shell read from its Next.js data route
    assert routed["title"] == "Lenders read from the data route" and routed["extraction"]["body"] == "nextdata"
    # the site's chrome around an empty root, the build id only in its script's text (#31): read from
    # its data route, not rendered, not dropped as no_body
    chrome = result.by_url[f"{base}{CHROME_SHELL}"]
    assert chrome["title"] == "Insurers wait for their data" and chrome["extraction"]["body"] == "nextdata"
    assert stats["newscrawl/app_shell/next_data"] == 2 and f"/_next/data/{BUILD_ID}{NEXT_ROUTE}.json" in \
        [urlsplit(p).path for p, _ in site.log]
    assert stats["newscrawl/render/clicks"] >= 2
    paths = [urlsplit(p).path for p, _ in site.log]
    assert TRACK not in paths and not [p for p in paths if p.startswith("/api/")]  # blocked in the browser
    assert stats["newscrawl/render/blocked/denied"] >= 1
    assert "/category/markets/more.json" in paths  # the allowed fetch went through
    assert len(site.user_agents) == 1 and next(iter(site.user_agents)).startswith("newscrawl/")
    assert set(site.by_slug) | {a.slug for a in site.js.articles()} >= {urlsplit(u).path.strip("/") for u in urls}


def test_the_normal_replica_renders_nothing(replica, tmp_path):
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}")
    assert not [k for k in result.stats if k.startswith(("newscrawl/render/", "playwright/"))]
    assert "Starting download handler" not in result.log  # Playwright's driver never started


def test_without_a_browser_pages_that_need_one_are_dropped(js_replica, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers")}
    result = run_crawl(tmp_path, "-a", f"base_url={js_replica.base_url}", env=env)
    assert result.returncode == 0 and result.stats["finish_reason"] == "finished"
    assert result.stats["newscrawl/dropped/no_browser"] == 2  # the app shell and the markets listing
    assert result.log.count("needs a browser to render and none is installed") == 1
    assert f"{js_replica.base_url}{NEXT_ONLY}" in result.by_url  # no browser needed
    assert f"{js_replica.base_url}{NEXT_ROUTE}" in result.by_url  # nor for a data route
    assert f"{js_replica.base_url}{CHROME_SHELL}" in result.by_url  # nor with the site's chrome around it
    assert len(result.items) >= 44


def test_a_data_only_page_needs_no_browser(js_replica, tmp_path):
    result = run_crawl(tmp_path, "-a", f"base_url={js_replica.base_url}", "-a", f"urls={js_replica.base_url}{NEXT_ONLY}")
    assert [i["extraction"]["body"] for i in result.items] == ["nextdata"]
    assert not [k for k in result.stats if k.startswith(("newscrawl/render/", "playwright/"))]


def test_rendered_requests_go_through_the_redis_queue(js_replica, tmp_path):
    from .redis_server import RedisServer
    redis = RedisServer(tmp_path)
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={js_replica.base_url}", "-s", f"REDIS_URL={redis.url}",
                           "-s", "NEWSCRAWL_DRAIN_SECONDS=1")
    finally:
        redis.stop()
    assert result.stats["scheduler/dequeued/redis"] > 0 and result.stats["newscrawl/render/pages"] == 2
    assert {f"{js_replica.base_url}/{a.slug}" for a in js_replica.site.js.markets} <= set(result.by_url)
    assert f"{js_replica.base_url}{APP_SHELL}" in result.by_url


def test_a_data_route_robots_txt_forbids_is_not_fetched_by_the_crawler_or_the_browser(js_replica, tmp_path):
    if find_browser() is None:
        pytest.fail("no Chromium: apt-get install -y chromium (.ci/run does it)")
    site, base = js_replica.site, js_replica.base_url
    site.disallow = ["/_next/data/"]
    result = run_crawl(tmp_path, "-a", f"base_url={base}", "-a", f"urls={base}{NEXT_ROUTE}")
    paths = [urlsplit(p).path for p, _ in site.log]
    assert not [p for p in paths if p.startswith("/_next/data/")], paths  # robots.txt obeyed, twice
    stats = result.stats
    assert stats["newscrawl/app_shell/next_data_failed"] == 1  # refused before the request ...
    assert stats["newscrawl/render/app_shell"] == 1  # ... so the browser was asked ...
    # the page's script builds nothing without its data: dropped with a reason, nothing half-stored
    assert result.items == [] and stats["newscrawl/dropped/no_title"] == 1
