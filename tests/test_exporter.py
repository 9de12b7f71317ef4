"""/metrics of `schedule`, `worker` and `dashboard` (newscrawl.ops.exporter): the scheduler's
jobs as it holds them, and a dashboard's stored-article count against the store."""
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

from prometheus_client import CollectorRegistry, generate_latest

from newscrawl.ops.exporter import SchedulerCollector
from newscrawl.ops.schedule import Job, Scheduler

from .conftest import ROOT
from .redis_server import free_port
from .test_cli import two_sites  # noqa: F401 (a fixture: a store crawled from two sites)


class NoScrapyd:
    shown = "http://127.0.0.1:1"


def test_the_scheduler_s_jobs_as_metrics():
    jobs = [Job("news", "gbaf", "*/5 * * * *", {}, {}, 0), Job("archive", "gbaf", "0 3 * * *", {}, {}, 0)]
    s = Scheduler(jobs, NoScrapyd())
    s.failures, s.paused = {"news": 3}, {"news"}
    s.last = {"news": {"status": "failed", "jobid": "news.1"}, "archive": {"status": "passed", "jobid": "archive.1"}}
    s.next_at = {"archive": datetime(2026, 12, 7, 3, tzinfo=timezone.utc)}
    registry = CollectorRegistry()
    registry.register(SchedulerCollector(s))
    text = generate_latest(registry).decode()
    assert 'newscrawl_schedule_job_paused{job="news"} 1.0' in text
    assert 'newscrawl_schedule_job_paused{job="archive"} 0.0' in text
    assert 'newscrawl_schedule_job_consecutive_failures{job="news"} 3.0' in text
    assert 'newscrawl_schedule_job_last_status{job="news",status="failed"} 1.0' in text
    assert 'newscrawl_schedule_job_last_status{job="archive",status="failed"} 0.0' in text
    next_run = re.search(r'^newscrawl_schedule_job_next_run_timestamp_seconds\{job="archive"\} (\S+)$', text, re.M)
    assert next_run and float(next_run.group(1)) == s.next_at["archive"].timestamp()
    assert 'newscrawl_heartbeat_timestamp_seconds{component="scheduler"}' in text



def test_the_dashboard_serves_the_store_s_count(two_sites, tmp_path):  # noqa: F811
    data, _sites = two_sites
    metrics_port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl", "dashboard", "--data-dir", str(data), "--port", "0",
                             "--metrics-port", str(metrics_port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        text = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=2) as resp:
                    text = resp.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        db = sqlite3.connect(data / "newscrawl.sqlite3")
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.close()
        found = re.search(r"^newscrawl_store_articles (\S+)$", text, re.M)
        assert found and float(found.group(1)) == stored > 0, text
    finally:
        proc.terminate()
        proc.wait(30)
