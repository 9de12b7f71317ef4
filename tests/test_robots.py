"""robots.txt is obeyed by every request, also by those that wait together for its download."""
from newscrawl.replica import ReplicaServer, ReplicaSite

from .conftest import run_crawl


def test_requests_waiting_together_for_robots_txt_all_obey_it(tmp_path):
    # Scrapy 2.19's RobotsTxtMiddleware hands the parsed robots.txt to the first request that
    # waited for it and None ("no robots.txt: allow") to the others: a crawl that starts with
    # many requests (a cluster worker joining a full queue, a list of URLs) fetched forbidden
    # pages. The replica is slow here so that every start request waits for robots.txt.
    site = ReplicaSite()
    site.delay = 0.3
    with ReplicaServer(site) as server:
        base = server.base_url
        slugs = [a.slug for a in site.articles[:5]] + ["private-preview"]  # not the first to wait
        result = run_crawl(tmp_path, "-a", f"base_url={base}", "-a", "urls=" + ",".join(f"{base}/{s}" for s in slugs),
                           "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "DOWNLOAD_DELAY=0")
        fetched = [p for p, _ in site.log]
    assert not [p for p in fetched if p.startswith("/private-preview")], fetched
    assert result.stats["robotstxt/forbidden"] == 1
    assert len(result.items) == 5
