"""Scheduled deployments: a real scrapyd (free port, temp folder, basic auth), the project
deployed with scrapyd-deploy, crawls scheduled by `newscrawl schedule --once`."""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite

from .conftest import ROOT
from .redis_server import free_port
from .test_storage import docs

BIN = Path(sys.executable).parent
AUTH = {"SCRAPYD_USERNAME": "ops", "SCRAPYD_PASSWORD": "s3cret"}


class Scrapyd:
    def __init__(self, folder: Path, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = (ROOT / "deploy" / "scrapyd.conf").read_text().replace("http_port         = 6800",
                                                                       f"http_port         = {self.port}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scrapyd.conf").write_text(conf)
        self.log = open(folder / "scrapyd.log", "w")
        self.proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=folder, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                self.get("daemonstatus.json")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("scrapyd did not start")

    def get(self, endpoint: str) -> dict:
        req = urllib.request.Request(f"{self.url}/{endpoint}")
        req.add_header("Authorization", "Basic " + b64encode(b"ops:s3cret").decode())
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def post(self, endpoint: str, **fields) -> dict:
        from urllib.parse import urlencode
        req = urllib.request.Request(f"{self.url}/{endpoint}", data=urlencode(fields).encode())
        req.add_header("Authorization", "Basic " + b64encode(b"ops:s3cret").decode())
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()


@pytest.fixture
def replica_slow():
    site = ReplicaSite()
    site.delay = 0.02  # long enough that a second --once finds the first job running
    with ReplicaServer(site) as server:
        yield server


def test_deploy_schedule_run_and_no_overlap(tmp_path, replica_slow):
    if shutil.which("scrapyd", path=str(BIN)) is None:
        pytest.fail("scrapyd is not installed: pip install -e '.[deploy]' (the test extra has it)")
    store = tmp_path / "store"
    env = {**os.environ, **AUTH, "NEWSCRAWL_DATA_DIR": str(store), "MONGO_URI": "", "PATH": f"{BIN}:{os.environ['PATH']}"}
    env.pop("REDIS_URL", None)
    scrapyd = Scrapyd(tmp_path / "scrapyd", env)
    try:
        # deploy: scrapyd-deploy builds the egg from scrapy.cfg's "remote" target
        build = tmp_path / "src"
        shutil.copytree(ROOT, build, ignore=shutil.ignore_patterns(".venv", ".git", "data", "build", "*.egg-info",
                                                                   "__pycache__", ".pytest_cache"))
        deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "remote"], cwd=build, capture_output=True, text=True,
                                env={**env, "SCRAPYD_URL": scrapyd.url}, timeout=180)
        assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
        assert scrapyd.get("listspiders.json?project=newscrawl")["spiders"] == ["gbaf"]
        egg = next((tmp_path / "scrapyd" / "eggs" / "newscrawl").glob("*.egg"))
        import zipfile
        names = zipfile.ZipFile(egg).namelist()
        assert "newscrawl/settings.py" in names and "newscrawl/extract/article.py" in names
        assert not [n for n in names if n.startswith("tests/")]

        schedule = tmp_path / "schedule.toml"
        schedule.write_text(f'[[job]]\nname = "replica"\nspider = "gbaf"\ncron = "*/30 * * * *"\n'
                            f'args = {{ base_url = "{replica_slow.base_url}" }}\n'
                            f'settings = {{ LOG_LEVEL = "INFO", CONCURRENT_REQUESTS = "2" }}\n')
        url = f"http://ops:s3cret@127.0.0.1:{scrapyd.port}"
        cmd = [sys.executable, "-m", "newscrawl", "schedule", "--scrapyd", url, str(schedule), "--once"]
        first = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        assert first.returncode == 0, first.stderr
        name, jobid = first.stdout.strip().split("\t")
        assert name == "replica" and jobid.startswith("replica.")
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        assert second.returncode == 0 and "skipped" in second.stdout, second.stdout + second.stderr
        deadline = time.time() + 180
        while time.time() < deadline:
            jobs = scrapyd.get("listjobs.json?project=newscrawl")
            if [j for j in jobs["finished"] if j["id"] == jobid]:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the job did not finish: {jobs}")
        assert len(jobs["finished"]) == 1 and not jobs["pending"] and not jobs["running"]  # no overlap
        # --once recorded its job; --status shows scrapyd's runs of it with their outcome (from its log)
        status = subprocess.run([*cmd[:-2], "--status"], capture_output=True, text=True, timeout=60, env=env)
        assert status.returncode == 0, status.stderr
        assert f"last: scheduled {jobid}" in status.stdout and "(stopped)" in status.stdout
        assert f"      finished {jobid} at " in status.stdout and status.stdout.rstrip().endswith(": passed")
        # a --once scheduler is not running: the healthcheck says so at once
        health = subprocess.run([*cmd[:-2], "--health", "600"], capture_output=True, text=True, timeout=60, env=env)
        assert health.returncode == 1 and "unhealthy: stopped" in health.stderr
        cfg = {"NEWSCRAWL_DATA_DIR": str(store), "MONGO_URI": None}
        assert len(docs(cfg)) == 44

        # watch mode as a scrapyd service: a job that runs until cancelled (a cron slot restarts it)
        watch = tmp_path / "watch.toml"
        watch.write_text(f'[[job]]\nname = "watch"\nspider = "gbaf"\ncron = "*/5 * * * *"\n'
                         f'args = {{ base_url = "{replica_slow.base_url}", watch = "1" }}\n'
                         f'settings = {{ NEWSCRAWL_WATCH_MIN_INTERVAL = "1", NEWSCRAWL_WATCH_MAX_INTERVAL = "2" }}\n')
        started = subprocess.run([*cmd[:-2], str(watch), "--once"], capture_output=True, text=True, timeout=60, env=env)
        assert started.returncode == 0, started.stderr
        watch_job = started.stdout.strip().split("\t")[1]
        from datetime import datetime, timezone

        from newscrawl.replica import fresh_articles
        time.sleep(3)
        (new,) = fresh_articles(1, datetime.now(timezone.utc))
        replica_slow.site.publish([new])
        deadline = time.time() + 90
        while time.time() < deadline and f"{replica_slow.base_url}/{new.slug}" not in docs(cfg):
            time.sleep(0.5)
        assert f"{replica_slow.base_url}/{new.slug}" in docs(cfg), (tmp_path / "scrapyd").joinpath("scrapyd.log").read_text()[-3000:]
        assert scrapyd.post("cancel.json", project="newscrawl", job=watch_job)["status"] == "ok"
        deadline = time.time() + 60
        while time.time() < deadline and not [j for j in scrapyd.get("listjobs.json?project=newscrawl")["finished"]
                                              if j["id"] == watch_job]:
            time.sleep(0.5)
        log = next((tmp_path / "scrapyd" / "logs").rglob(f"{watch_job}.log")).read_text()
        assert "status stopped (exit code 0)" in log, log[-3000:]
    finally:
        scrapyd.stop()


def test_schedule_errors_are_one_line_and_schedule_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    cases = [('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "*/70 * *"\n', "job 'a': cron '*/70 * *'"),
             ('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "* * * * *"\ncolour = "red"\n', "job 'a': unknown key(s) colour"),
             ('[[job]]\nspider = "gbaf"\ncron = "* * * * *"\n', "job #1: name is required"),
             ('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "* * * * *"\n[[job]]\nname = "a"\nspider = "gbaf"\n'
              'cron = "0 * * * *"\n', "job 'a': name is used by another job"),
             ("[[job]\n", "not valid TOML"),
             # the spider's own argument checks, as `scrapy crawl` runs them, and a strict cron
             ('[[job]]\nname = "finance"\nspider = "gbaf"\ncron = "*/30 * * * *"\nargs = { max_pages = "abc" }\n',
              "job 'finance': args/settings: gbaf: max_pages must be a whole number of at least 1, got 'abc'"),
             ('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "*/61 * * * *"\n',
              "job 'a': cron '*/61 * * * *': minute field '*/61': step '61' is outside 1-60"),
             ('[[job]]\nname = "a"\nspider = "gbf"\ncron = "* * * * *"\n', "job 'a': spider 'gbf' is not a spider")]
    for text, message in cases:
        bad.write_text(text)
        p = subprocess.run([sys.executable, "-m", "newscrawl", "schedule", "--scrapyd", "http://127.0.0.1:1",
                            str(bad), "--once"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and message in p.stderr and len(p.stderr.strip().splitlines()) == 1, (text, p.stderr)
    good = tmp_path / "good.toml"
    good.write_text('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "* * * * *"\n')
    p = subprocess.run([sys.executable, "-m", "newscrawl", "schedule", "--scrapyd", "http://127.0.0.1:1",
                        str(good), "--once"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "unreachable" in p.stderr and "Traceback" not in p.stderr


def test_make_scrapyd_runs_the_installed_project_and_jobs_store_where_its_environment_says(tmp_path, webhook):
    """What the docs tell a user (how-to/production.md): `make scrapyd`, then schedule; no deploy step."""
    import signal
    port, store = free_port(), tmp_path / "store"
    env = {**os.environ, **AUTH, "SCRAPYD_PORT": str(port), "NEWSCRAWL_DATA_DIR": str(store), "MONGO_URI": "",
           "MAKEFLAGS": ""}
    env.pop("REDIS_URL", None)
    make = subprocess.Popen(["make", "-s", "scrapyd"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://ops:s3cret@127.0.0.1:{port}"
    client = Scrapyd.__new__(Scrapyd)
    client.url, client.port = f"http://127.0.0.1:{port}", port
    try:
        for _ in range(300):
            try:
                projects = client.get("listprojects.json")["projects"]
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("make scrapyd did not start: " + make.stdout.read1().decode())
        assert "newscrawl" in projects  # the installed project, no egg
        with ReplicaServer(ReplicaSite()) as site, ReplicaServer(ReplicaSite()) as other:
            schedule = tmp_path / "schedule.toml"
            # one good job, and one that fails on scrapyd every time (a category the site has not)
            schedule.write_text(f'[[job]]\nname = "good"\nspider = "gbaf"\ncron = "* * * * *"\n'
                                f'args = {{ base_url = "{site.base_url}", categories = "banking" }}\n'
                                f'[[job]]\nname = "broken"\nspider = "gbaf"\ncron = "* * * * *"\n'
                                f'args = {{ base_url = "{other.base_url}", categories = "banking,gone" }}\n')
            state = tmp_path / "state.json"
            cmd = [sys.executable, "-m", "newscrawl", "schedule", "--scrapyd", url, "--state", str(state),
                   "-s", "NEWSCRAWL_SCHEDULE_MAX_FAILURES=1", str(schedule)]
            sched = subprocess.Popen(cmd, env={**env, "NEWSCRAWL_ALERT_WEBHOOK": webhook[0]},
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                deadline = time.time() + 120
                while time.time() < deadline and not webhook[1]:
                    time.sleep(0.5)
                status = subprocess.run([sys.executable, "-m", "newscrawl", "schedule", "--state", str(state),
                                         "--status"], capture_output=True, text=True, timeout=60)
                health = subprocess.run([sys.executable, "-m", "newscrawl", "schedule", "--state", str(state),
                                         "--health", "60"], capture_output=True, text=True, timeout=60)
            finally:
                sched.terminate()
                log = sched.communicate(timeout=30)[0]
        assert webhook[1] and webhook[1][0]["job"] == "broken" and webhook[1][0]["status"] == "paused", log
        assert "'gone' does not exist on" in webhook[1][0]["reason"]  # scrapyd's log says why
        assert "Job broken: run broken." in log and "failed (usage_error, 1 in a row)" in log
        assert health.returncode == 0, health.stderr
        lines = status.stdout.splitlines()
        assert any(x.strip().startswith("broken") and "PAUSED" in x and "failures 1" in x for x in lines), status.stdout
        assert any(x.strip().startswith("good") and "active" in x for x in lines), status.stdout
        # the good job stored where scrapyd's environment said, not in scrapyd's folder
        assert len(docs({"NEWSCRAWL_DATA_DIR": str(store), "MONGO_URI": None})) > 0
        assert not (ROOT / "data" / "scrapyd" / "data").exists()
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(30)
