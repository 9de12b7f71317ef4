"""Prometheus metrics (newscrawl.crawl.metrics): the rule on its own, then a real Prometheus
(Debian's `prometheus`) scraping a real Pushgateway (Debian's `prometheus-pushgateway`) that a
batch crawl pushed to, and a watch's /metrics; PromQL over Prometheus's HTTP API answers the
store's own article count."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from prometheus_client import generate_latest

from newscrawl.crawl.metrics import run_registry
from newscrawl.replica import ReplicaServer, ReplicaSite

from .conftest import ROOT, run_crawl
from .redis_server import free_port

REQUIRED = os.environ.get("NEWSCRAWL_TEST_REQUIRE_PROMETHEUS") == "1"


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        if REQUIRED:
            pytest.fail(f"{program} is not installed (apt-get install prometheus prometheus-pushgateway)")
        pytest.skip(f"{program} is not installed (apt-get install prometheus prometheus-pushgateway)")
    return path



def get(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode()


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_a_run_s_metrics_are_named_by_prometheus_conventions():
    reg = run_registry("http://s.test", {"new": 4, "updated": 1, "unchanged": 7, "dropped": {"http_404": 2},
                                         "requests": {"listing": 3, "article_new": 4}, "conditional": 2},
                       "passed", 12.5, 40, [30.0, 600.0], now=1_700_000_000.0)
    text = generate_latest(reg).decode()
    assert 'newscrawl_run_articles{result="new",site="http://s.test"} 4.0' in text
    assert 'newscrawl_run_articles{result="dropped",site="http://s.test"} 2.0' in text
    assert 'newscrawl_run_requests{kind="listing",site="http://s.test"} 3.0' in text
    assert 'newscrawl_run_status{site="http://s.test",status="passed"} 1.0' in text
    assert 'newscrawl_run_status{site="http://s.test",status="degraded"} 0.0' in text
    assert "newscrawl_run_last_success_timestamp_seconds" in text and "newscrawl_run_duration_seconds" in text
    assert 'newscrawl_store_articles{site="http://s.test"} 40.0' in text
    assert 'newscrawl_freshness_lag_seconds_count{site="http://s.test"} 2.0' in text
    failed = generate_latest(run_registry("http://s.test", {}, "degraded", 3.0, 40, [], now=1.0)).decode()
    assert "last_success" not in failed  # a failed run leaves the last success where it was (pushadd)


def test_prometheus_scrapes_the_pushgateway_and_a_watch(tmp_path):
    prometheus, pushgateway = need("prometheus"), need("prometheus-pushgateway")
    gw_port, watch_port, prom_port = free_port(), free_port(), free_port()
    procs = []
    try:
        # its own persistence file: Debian's build keeps groups across runs in /var/lib by default
        procs.append(subprocess.Popen([pushgateway, f"--web.listen-address=127.0.0.1:{gw_port}",
                                       f"--persistence.file={tmp_path / 'pushgateway.data'}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: get(f"http://127.0.0.1:{gw_port}/-/ready"), 30, "the Pushgateway")
        with ReplicaServer(ReplicaSite()) as batch_site, ReplicaServer(ReplicaSite()) as watched:
            batch_data, watch_data = tmp_path / "batch", tmp_path / "watch"
            run_crawl(tmp_path, "-a", f"base_url={batch_site.base_url}", "-s", f"NEWSCRAWL_DATA_DIR={batch_data}",
                      "-s", f"NEWSCRAWL_PUSHGATEWAY_URL=http://127.0.0.1:{gw_port}")
            watch = subprocess.Popen([sys.executable, "-m", "newscrawl", "watch", "--data-dir", str(watch_data),
                                      "--store", "embedded", "-a", f"base_url={watched.base_url}",
                                      "--metrics-port", str(watch_port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
            procs.append(watch)
            config = tmp_path / "prometheus.yml"
            config.write_text(json.dumps({  # YAML is a superset of JSON
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [
                    {"job_name": "pushgateway", "honor_labels": True,
                     "static_configs": [{"targets": [f"127.0.0.1:{gw_port}"]}]},
                    {"job_name": "newscrawl-watch", "static_configs": [{"targets": [f"127.0.0.1:{watch_port}"]}]}]}))
            procs.append(subprocess.Popen([prometheus, f"--config.file={config}",
                                           f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                           f"--web.listen-address=127.0.0.1:{prom_port}"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

            def query(promql: str) -> dict:
                url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
                result = json.loads(get(url))["data"]["result"]
                return {r["metric"].get("site"): float(r["value"][1]) for r in result}

            def stored(data) -> int:
                db = sqlite3.connect(data / "newscrawl.sqlite3")
                try:
                    return db.execute("SELECT count(*) FROM articles").fetchone()[0]
                finally:
                    db.close()

            # the batch crawl's push, through the Pushgateway, against the store
            pushed = wait_for(lambda: query('newscrawl_store_articles{job="newscrawl"}'), 60, "the pushed metrics")
            assert pushed == {batch_site.base_url: stored(batch_data)} and pushed[batch_site.base_url] > 10, get(f"http://127.0.0.1:{gw_port}/metrics")[-3000:]
            status = query('newscrawl_run_status{job="newscrawl"} == 1')
            assert list(status) == [batch_site.base_url]
            assert query(f'newscrawl_run_last_success_timestamp_seconds{{site="{batch_site.base_url}"}}')
            requests = query(f'sum(newscrawl_run_requests{{site="{batch_site.base_url}"}})')
            assert requests == {None: float(len(batch_site.site.requests))}  # what the site saw
            # the watch's /metrics, once its first discovery is stored
            wait_for(lambda: stored(watch_data) > 10 and query('newscrawl_store_articles{job="newscrawl-watch"}')
                     .get(watched.base_url) == stored(watch_data), 90, "the watch's metrics to match its store")
            new = query(f'newscrawl_articles_total{{site="{watched.base_url}",result="new"}}')
            assert new == {watched.base_url: float(stored(watch_data))}
            assert query('newscrawl_heartbeat_timestamp_seconds{job="newscrawl-watch"}')
            # every request by kind and answer: at most what the site has seen so far, robots.txt answered 200
            answered = query('sum(newscrawl_requests_total{job="newscrawl-watch"})')[None]
            assert 0 < answered <= len(watched.site.requests)
            assert query('newscrawl_requests_total{job="newscrawl-watch",kind="robots",status="200"}')
            # what the site's feed says is new, for the alert on news the watch misses
            newest = max(a.published for a in watched.site.articles if a.published is not None)
            shown = query('newscrawl_feed_newest_entry_timestamp_seconds{job="newscrawl-watch"}')
            assert shown == {watched.base_url: newest.timestamp()}
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
