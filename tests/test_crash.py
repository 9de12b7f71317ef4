"""A crawl killed with SIGKILL at random (seeded) points, then run again: no article lost,
none stored twice. With JOBDIR, an interrupted crawl resumes its frontier."""
import contextlib
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles

from .conftest import ROOT, run_crawl
from .test_storage import docs, runs


def has_schema(path) -> bool:
    """Killed before the store made its tables (a slow start under load), the file is empty."""
    if not path.exists():
        return False
    with contextlib.closing(sqlite3.connect(path)) as db:
        return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone())


def slow_site() -> ReplicaSite:
    site = ReplicaSite()
    site.delay = 0.05  # the crawl takes long enough to be interrupted
    return site


def rerun(tmp_path, base, *extra):
    """The crawl again, into the same store, to its end."""
    return run_crawl(tmp_path, "-a", f"base_url={base}", "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", *extra)


def start(tmp_path, base, *extra):
    out = tmp_path / f"killed-{time.monotonic_ns()}"
    out.mkdir()
    cmd = [sys.executable, str(ROOT / "tests" / "crawl_runner.py"), str(out), "-a", f"base_url={base}",
           "-s", f"NEWSCRAWL_DATA_DIR={tmp_path / 'data'}", "-s", "MONGO_URI=", "-s", "CONCURRENT_REQUESTS=2",
           "-s", "NEWSCRAWL_FLUSH_SECONDS=0.5", "-s", f"LOG_FILE={out / 'crawl.log'}", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("jobdir", [False, True], ids=["plain", "jobdir"])
@pytest.mark.parametrize("point", range(5))
def test_sigkill_at_a_random_point_then_rerun_loses_nothing(tmp_path, point, jobdir):
    site = slow_site()
    with ReplicaServer(site) as server:
        base = server.base_url
        when = random.Random(2026 + point).uniform(0.5, 3.0)  # seconds into the crawl
        job = ["-s", f"JOBDIR={tmp_path / 'job'}"] if jobdir else []
        proc = start(tmp_path, base, *job)
        time.sleep(when)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen = tmp_path / "job" / "requests.seen"
        seen_size = seen.stat().st_size if seen.exists() else 0
        cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
        before = set(docs(cfg)) if has_schema(tmp_path / "data" / "newscrawl.sqlite3") else set()
        result = rerun(tmp_path, base, *job)
        assert result.stats["finish_reason"] == "finished"
        if jobdir and seen_size:
            assert "was not closed cleanly" in result.log
        stored = docs(cfg)
        expected = expected_articles(site, base)
        assert set(stored) == set(expected), f"killed at {when:.1f}s: lost {sorted(set(expected) - set(stored))}"
        assert all(d["version"] == 1 for d in stored.values())  # none written twice as a change
        assert result.stats.get("newscrawl/store/new", 0) == len(expected) - len(before)
        # no record says `running` for the process that is gone: the rerun marked it killed
        records = runs(cfg)
        assert [r["status"] for r in records if r["status"] == "running"] == []
        killed = [r for r in records if r["status"] == "killed"]
        assert all("last seen alive" in r["error"] for r in killed) and len(killed) <= 1


def test_jobdir_resumes_an_interrupted_crawl(tmp_path):
    site = slow_site()
    with ReplicaServer(site) as server:
        base, jobdir = server.base_url, tmp_path / "job"
        proc = start(tmp_path, base, "-s", f"JOBDIR={jobdir}")
        deadline = time.time() + 60
        while time.time() < deadline and sum(1 for p, s in site.log if s == 200) < 30:
            time.sleep(0.05)
        time.sleep(1.0)  # a timed flush (0.5 s) has written some articles
        proc.send_signal(signal.SIGINT)  # Scrapy's graceful stop: the frontier is saved in JOBDIR
        assert proc.wait(60) == 0
        cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
        first = set(docs(cfg))
        assert 0 < len(first) < len(site.articles)
        assert (jobdir / "requests.queue").exists() and (jobdir / "requests.seen").exists()
        site.reset_log()
        result = rerun(tmp_path, base, "-s", f"JOBDIR={jobdir}")
        assert "Resuming crawl" in result.log
        paths = [p for p, _ in site.log]
        assert "/" not in paths  # not started over: the home page was fetched by the first run
        assert set(docs(cfg)) == set(expected_articles(site, base))
        assert runs(cfg)[0]["finish_reason"] == "finished"


def test_a_torn_disk_queue_left_by_a_crash_is_discarded(tmp_path):
    """SIGKILL can land in the middle of a queue write: the re-run must not read that record."""
    site = slow_site()
    with ReplicaServer(site) as server:
        base, jobdir = server.base_url, tmp_path / "job"
        proc = start(tmp_path, base, "-s", f"JOBDIR={jobdir}")
        deadline = time.time() + 60
        queued = []
        while time.time() < deadline and not queued:
            queued = [f for f in (jobdir / "requests.queue").glob("*/*") if f.is_file() and f.stat().st_size]
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert queued, "the crawl never queued a request on disk"
        for f in queued:
            with f.open("ab") as fh:
                fh.write(b"\x00\x07")  # half of a record's length field
        result = rerun(tmp_path, base, "-s", f"JOBDIR={jobdir}")
        assert result.stats["finish_reason"] == "finished"
        assert "was not closed cleanly" in result.log and "struct.error" not in result.log
        cfg = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": None}
        assert set(docs(cfg)) == set(expected_articles(site, base))
