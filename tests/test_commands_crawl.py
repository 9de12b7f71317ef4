"""`scrapy crawl gbaf` as a user types it (newscrawl.ops.commands.crawl): the exit code of each
outcome and the one line that says why (docs/reference/exit-codes.md)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite

from .conftest import ROOT
from .test_storage import runs


def scrapy_crawl(tmp_path, *args, timeout=120, env=None, data=None):
    data = data or tmp_path / "data"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "gbaf", "-s", f"NEWSCRAWL_DATA_DIR={data}", "-s", "MONGO_URI=",
           "-s", "LOG_LEVEL=WARNING", "-s", "NEWSCRAWL_BACKOFF_BASE=0.05", *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    proc.seconds = time.monotonic() - started
    return proc


def error_line(proc) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.startswith("scrapy crawl: ")]
    assert len(lines) == 1, proc.stderr[-3000:]
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_good_run_exits_0_and_is_recorded_passed(replica, tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-a", "categories=banking")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert runs({"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None})[0]["status"] == "passed"


def test_an_unknown_spider_is_a_usage_error_naming_the_project_s_spiders(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbf"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith(": error: no spider 'gbf' in this project (spiders: gbaf)")


def test_a_misspelt_category_is_a_usage_error_before_anything_is_stored(replica, tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-a", "categories=finance,finanse")
    assert proc.returncode == 2
    assert error_line(proc) == (
        f"scrapy crawl: error: gbaf: categories: 'finanse' does not exist on {replica.base_url} (it answered 404); "
        "the navigation offers: banking, business, finance, investing, technology")
    assert "Traceback" not in proc.stderr
    cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
    from .test_storage import docs
    assert docs(cfg) == {}  # finance exists, but nothing of it was stored
    assert runs(cfg)[0]["status"] == "usage_error"


def test_a_category_that_redirects_home_is_a_usage_error(tmp_path):
    site = ReplicaSite()
    site.redirects["/category/markets/"] = "/"
    with ReplicaServer(site) as server:
        proc = scrapy_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "categories=markets")
    assert proc.returncode == 2
    assert f"'markets' does not exist on {server.base_url} (it redirects to {server.base_url}/)" in error_line(proc)


@pytest.mark.parametrize("kind", ["refused", "timeout"])
def test_an_unreachable_site_fails_within_30_seconds(tmp_path, kind):
    port = free_port()
    listener = None
    if kind == "timeout":  # accepts connections, never answers
        listener = socket.socket()
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
    try:
        proc = scrapy_crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{port}", timeout=90)
    finally:
        if listener is not None:
            listener.close()
    assert proc.returncode == 4, proc.stderr[-3000:]
    cause = "connection refused" if kind == "refused" else "timeout"
    assert error_line(proc).startswith(
        f"scrapy crawl: error: site unreachable: http://127.0.0.1:{port}: {cause} (http://127.0.0.1:{port}/")
    assert proc.seconds < 30
    assert "Traceback" not in proc.stderr


def test_a_hostname_that_does_not_resolve_is_unreachable(tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", "base_url=http://no-such-host.invalid", timeout=90)
    assert proc.returncode == 4
    assert "site unreachable: http://no-such-host.invalid: DNS lookup failed" in error_line(proc)
    assert proc.seconds < 30


def test_a_degraded_run_exits_3_unless_told_otherwise(replica, tmp_path):
    # a coverage floor no article meets: the run checks fail
    strict = ["-a", f"base_url={replica.base_url}", "-a", "categories=banking",
              "-s", 'NEWSCRAWL_MONITOR_COVERAGE={"faq": 1.0}', "-s", "NEWSCRAWL_MONITOR_MIN_ITEMS=1"]
    proc = scrapy_crawl(tmp_path, *strict)
    assert proc.returncode == 3
    line = error_line(proc)
    assert line.startswith("scrapy crawl: degraded: field coverage: field coverage of ")
    assert "(needs 100%)" in line and "AssertionError" not in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = scrapy_crawl(tmp_path, *strict, "-s", "NEWSCRAWL_FAIL_ON_DEGRADED=False", "-a", "refresh=all")
    assert proc.returncode == 0
    statuses = [r["status"] for r in runs({"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None})]
    assert statuses == ["degraded", "degraded"]


def slow_replica() -> ReplicaServer:
    site = ReplicaSite()
    site.delay = 0.2
    return ReplicaServer(site)


def start_crawl(tmp_path, base, *args):
    cmd = [sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={base}",
           "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "MONGO_URI=", "-s", "LOG_LEVEL=INFO",
           "-s", "CONCURRENT_REQUESTS=2", "-s", "NEWSCRAWL_FLUSH_SECONDS=0.5", *args]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_pages(server, n, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline and sum(1 for _, s in server.site.log if s == 200) < n:
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_ends_the_run_as_interrupted_without_failed_checks(tmp_path, sig, webhook):
    url, posts = webhook
    with slow_replica() as server:
        proc = start_crawl(tmp_path, server.base_url, "-s", f"NEWSCRAWL_ALERT_WEBHOOK={url}")
        wait_for_pages(server, 5)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Run check failed" not in err and "AssertionError" not in err and "Traceback" not in err
    run = runs({"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None})[0]
    assert run["status"] == "interrupted" and run["finish_reason"] == "shutdown"
    assert (run.get("monitor") or {}).get("status") != "degraded"
    assert posts == []  # no alert
    stats = subprocess.run([sys.executable, "-m", "newscrawl", "stats", "--data-dir", str(tmp_path / "data")],
                           capture_output=True, text=True, cwd=ROOT)
    assert "INTERRUPTED" in stats.stdout and "DEGRADED" not in stats.stdout


def test_a_second_crawl_of_the_site_is_refused_naming_the_first(tmp_path):
    with slow_replica() as server:
        first = start_crawl(tmp_path, server.base_url)
        try:
            wait_for_pages(server, 3)
            second = scrapy_crawl(tmp_path, "-a", f"base_url={server.base_url}")
        finally:
            first.send_signal(signal.SIGINT)
            first.communicate(timeout=60)
    assert second.returncode == 6
    line = error_line(second)
    assert line.startswith(f"scrapy crawl: error: another crawl of {server.base_url} into sqlite ")
    assert f"(pid {first.pid} on {socket.gethostname()}, started " in line and "-a wait=1" in line


def test_wait_1_waits_for_the_running_crawl(tmp_path):
    with slow_replica() as server:
        first = start_crawl(tmp_path, server.base_url, "-a", "categories=banking")
        wait_for_pages(server, 3)
        second = scrapy_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "categories=banking",
                              "-a", "wait=1", "-s", "NEWSCRAWL_LOCK_HEARTBEAT=0.5", timeout=180)
        first.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    started = [r["started_at"] for r in runs({"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None})]
    assert len(started) == 2


def test_a_lock_left_by_a_killed_crawl_is_taken_over(tmp_path):
    with slow_replica() as server:
        first = start_crawl(tmp_path, server.base_url)
        wait_for_pages(server, 3)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        server.site.delay = 0
        proc = scrapy_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-s", "LOG_LEVEL=WARNING")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Taking over the crawl lock of {server.base_url} from a crawl that is gone (pid {first.pid}" in proc.stderr


def test_a_store_that_fails_mid_crawl_exits_5_after_spilling(tmp_path):
    import sqlite3
    spill = tmp_path / "spill"
    with slow_replica() as server:
        proc = start_crawl(tmp_path, server.base_url, "-s", f"NEWSCRAWL_SPILL_DIR={spill}",
                           "-s", "NEWSCRAWL_STORE_RETRIES=1", "-s", "NEWSCRAWL_STORE_BACKOFF=0.1",
                           "-s", "NEWSCRAWL_SQLITE_TIMEOUT=0.2")
        wait_for_pages(server, 3)
        # another process takes the store's write lock and keeps it: every write fails
        db = sqlite3.connect(tmp_path / "data" / "newscrawl.sqlite3", isolation_level=None, timeout=30)
        db.execute("BEGIN EXCLUSIVE")
        try:
            _, err = proc.communicate(timeout=120)
        finally:
            db.execute("ROLLBACK")
            db.close()
    assert proc.returncode == 5, err[-3000:]
    spilled = [line for f in spill.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert spilled  # nothing lost: `newscrawl replay` loads them
    assert "Traceback" not in err


def test_an_unwritable_store_fails_at_start_in_one_line(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("root bypasses file modes: a read-only bind mount needs root")
    data = tmp_path / "data"
    data.mkdir()
    subprocess.run(["mount", "--bind", str(data), str(data)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(data)], check=True)
        proc = scrapy_crawl(tmp_path, "-a", "base_url=http://127.0.0.1:1")
    finally:
        subprocess.run(["umount", str(data)], check=True)
    assert proc.returncode == 1
    assert error_line(proc).startswith(f"scrapy crawl: error: cannot open the embedded store {data}/newscrawl.sqlite3")
    assert "Traceback" not in proc.stderr


def test_remote_control_is_off_and_credentials_are_masked(tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", "base_url=http://127.0.0.1:1", "-s", "LOG_LEVEL=INFO",
                        "-s", "MONGO_URI=mongodb://crawler:hunter2secret@127.0.0.1:9/",
                        "-s", "NEWSCRAWL_MONGO_TIMEOUT_MS=300")
    assert proc.returncode == 1
    assert "hunter2secret" not in proc.stdout + proc.stderr
    assert "mongodb://crawler:***@127.0.0.1:9/" in error_line(proc)
    ok = scrapy_crawl(tmp_path, "-a", "base_url=http://127.0.0.1:1", "-s", "LOG_LEVEL=INFO",
                      "-s", "NEWSCRAWL_REACH_BUDGET=1")
    assert "scrapy.extensions.remote_control" not in ok.stderr and "RemoteControl" not in ok.stderr
    assert "'scrapy.extensions.telnet.TelnetConsole'" not in ok.stderr
