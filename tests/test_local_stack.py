"""The compose stack on a real Docker engine, run the way a user without Docker Hub runs it
(docs/how-to/production.md): `scripts/local-images.sh` builds the images on a debootstrap'd
bookworm with Debian's docker-compose 1.29 and no BuildKit, `scripts/local-stack.sh` runs
docker-compose.yml with deploy/compose.local.yml. The test adds only its own file: its schedule,
healthchecks every 2 s, Prometheus's targets on free ports. MongoDB is the wire-protocol server
the test starts on the host, with a root user (it is not MongoDB: the stand-in service of
compose.local.yml only pings it).

Every password (MongoDB's user, Redis, scrapyd) holds every character a shell, a URI, redis.conf,
.env or basic authentication treats specially. Then the faults of #33, each timed: scrapyd's
process killed with -9 in the middle of a crawl, the scheduler stopped, two containers with one
hostname starting the same crawl; and the documentation's backup command."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.parse
import urllib.request
from base64 import b64encode
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pymongo
import pytest
import yaml

from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles, fresh_articles

from .conftest import ROOT
from .mongo_server import WireServer
from .redis_server import free_port

DOCKER = shutil.which("docker", path="/usr/bin") or shutil.which("docker")
REQUIRED = os.environ.get("NEWSCRAWL_TEST_REQUIRE_DOCKER") == "1"
# every character a shell, a URI, redis.conf, a .env file or basic authentication treats specially
PASSWORD = "p@ss/w:rd?#&$!`'\" \\x41 %{};|<>*"
# the stack is built and started in the first test's setup (200 s in a loaded CI): a longer timeout
pytestmark = [pytest.mark.docker, pytest.mark.timeout(900)]


def _skip(why):
    if REQUIRED:
        pytest.fail(why)
    pytest.skip(why)


def _docker(*args, timeout=600, check=True, **kw):
    proc = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"docker {' '.join(args[:3])} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """A Docker engine: the running one, or dockerd started here (root, Debian's docker.io)
    with no address outside loopback; stopped again at the end."""
    if DOCKER is None or shutil.which("docker-compose") is None:
        _skip("no Docker here: apt-get install docker.io docker-compose debootstrap (CI does)")
    if subprocess.run([DOCKER, "info"], capture_output=True, timeout=30).returncode == 0:
        yield None
        return
    dockerd = shutil.which("dockerd")
    if dockerd is None or os.geteuid() != 0:
        _skip("no Docker engine running, and dockerd cannot be started here (needs root and docker.io)")
    log = open(tmp_path_factory.mktemp("dockerd") / "dockerd.log", "w")
    proc = subprocess.Popen([dockerd, "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false"],
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        if subprocess.run([DOCKER, "info"], capture_output=True, timeout=30).returncode == 0:
            break
        time.sleep(0.5)
    else:
        proc.kill()
        _skip("dockerd did not start (see its log)")
    yield proc
    proc.terminate()
    proc.wait(60)
    log.close()


def pip_ca_bundle() -> str | None:
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    found = re.search(r"cert='([^']+)'", out)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def images(engine, tmp_path_factory):
    """scripts/local-images.sh, run in a copy of the checkout (with the registries' CA at
    deploy/build-ca.pem when pip needs one here), without BuildKit: compose v1's own build."""
    if shutil.which("debootstrap") is None:
        _skip("debootstrap is not installed (apt-get install debootstrap)")
    context = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (ROOT / name).is_file():
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, context / name)
    ca = pip_ca_bundle()
    if ca:
        shutil.copy(ca, context / "deploy" / "build-ca.pem")
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_BUILDKIT", "COMPOSE_DOCKER_CLI_BUILD")}
    started = time.monotonic()
    proc = subprocess.run(["bash", "scripts/local-images.sh"], cwd=context, capture_output=True, text=True,
                          timeout=2400, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = {"build_s": time.monotonic() - started,
               "size_mb": int(_docker("image", "inspect", "newscrawl:latest", "--format", "{{.Size}}").stdout) / 1e6}
    # the renderer finds Debian's chromium in the image (pages that need rendering are not dropped)
    found = _docker("run", "--rm", "--network", "host", "newscrawl:latest", "python3", "-c",
                    "from newscrawl.crawl.rendering import find_browser; print(find_browser())")
    assert found.stdout.strip() == "/usr/bin/chromium", found.stdout + found.stderr
    # the image keeps no CA of the build, and apt's downloads are gone
    leaked = _docker("run", "--rm", "--network", "host", "newscrawl:latest", "sh", "-c",
                     "find / -xdev -name 'build-ca.pem' 2>/dev/null; ls /var/cache/apt/archives/*.deb 2>/dev/null",
                     check=False)
    assert leaked.stdout.strip() == "", leaked.stdout
    return figures


@dataclass
class Stack:
    """The running stack and what the test reads it with."""
    project: str
    env: dict[str, str]
    ports: dict[str, int]
    mongo: WireServer
    mongo_uri: str
    replica: ReplicaServer
    site: ReplicaSite
    started_s: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)

    def compose(self, *args, timeout=300, check=True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", str(ROOT / "scripts" / "local-stack.sh"), *args], capture_output=True,
                              text=True, timeout=timeout, env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError(f"local-stack.sh {' '.join(args)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def cid(self, service: str) -> str:
        return self.compose("ps", "-q", service).stdout.strip()

    def health(self, service: str) -> str:
        cid = self.cid(service)
        return _docker("inspect", "--format", "{{.State.Health.Status}}", cid).stdout.strip() if cid else "absent"

    def wait_healthy(self, services, seconds: float) -> dict[str, str]:
        deadline = time.time() + seconds
        while True:
            states = {s: self.health(s) for s in services}
            if set(states.values()) == {"healthy"} or time.time() > deadline:
                return states
            time.sleep(1)

    def scrapyd(self, endpoint: str, data: dict | None = None) -> dict:
        url = f"http://127.0.0.1:{self.ports['scrapyd']}/{endpoint}"
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)
        req.add_header("Authorization", "Basic " + b64encode(f"ops:{PASSWORD}".encode()).decode())
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def store(self):
        return pymongo.MongoClient(self.mongo_uri, serverSelectionTimeoutMS=5000)["newscrawl"]

    def app_env(self) -> list[str]:
        """`docker run -e` for a one-off container of the image, as the stack's services see it."""
        names = {"MONGO_HOST": self.env["MONGO_HOST"], "MONGO_USER": "crawler", "MONGO_PASSWORD": PASSWORD,
                 "MONGO_OPTIONS": self.env["MONGO_OPTIONS"]}
        return [a for k, v in names.items() for a in ("-e", f"{k}={v}")]


def compose_file_of_the_test(tmp_path: Path, ports: dict[str, int], schedule: Path) -> Path:
    """The test's own compose file, on top of docker-compose.yml and deploy/compose.local.yml."""
    prom = tmp_path / "prometheus"
    prom.mkdir()
    (prom / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "2s"}, "rule_files": ["/etc/prometheus/alerts.yml"],
        "scrape_configs": [{"job_name": "pushgateway", "honor_labels": True,
                            "static_configs": [{"targets": [f"127.0.0.1:{ports['pushgateway']}"]}]}]}))
    prom.chmod(0o755)
    fast = {"healthcheck": {"interval": "2s"}}
    doc = {"services": {
        "mongo": fast, "redis": fast, "scrapyd": fast, "pushgateway": fast, "prometheus": {
            **fast, "volumes": [f"{prom}:/etc/prometheus-local:ro"]},
        "scheduler": {"healthcheck": {"interval": "2s", "start_period": "5s"},
                      "volumes": [f"{schedule}:/app/deploy/schedule.toml:ro"]}}}
    path = tmp_path / "compose.test.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture(scope="module")
def stack(images, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    ports = {"redis": free_port(), "scrapyd": free_port(), "pushgateway": free_port(), "prometheus": free_port()}
    mongo = WireServer(tmp, users=(f"crawler:{PASSWORD}",)).start()
    site = ReplicaSite()
    replica = ReplicaServer(site).start()
    schedule = tmp / "schedule.toml"
    schedule.write_text(f'[[job]]\nname = "replica"\nspider = "gbaf"\ncron = "* * * * *"\n'
                        f'args = {{ base_url = "{replica.base_url}" }}\n')
    project = f"ncs{os.getpid()}"
    (tmp / "empty.env").write_text("")  # every variable from the environment: no .env of the checkout
    options = "directConnection=true&authMechanism=SCRAM-SHA-256"  # the wire server speaks SCRAM-SHA-256 only
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "COMPOSE_PROJECT_NAME": project,
           "LOCAL_STACK_ENV_FILE": str(tmp / "empty.env"), "LOCAL_STACK_FILES": str(compose_file_of_the_test(tmp, ports, schedule)),
           "MONGO_ROOT_USER": "crawler", "MONGO_ROOT_PASSWORD": PASSWORD, "MONGO_HOST": f"127.0.0.1:{mongo.port}",
           "MONGO_OPTIONS": options, "REDIS_PASSWORD": PASSWORD, "REDIS_HOST": "127.0.0.1",
           "REDIS_PORT": str(ports["redis"]), "SCRAPYD_USERNAME": "ops", "SCRAPYD_PASSWORD": PASSWORD,
           "SCRAPYD_HOST": "127.0.0.1", "SCRAPYD_PORT": str(ports["scrapyd"]), "SCRAPYD_BIND_ADDRESS": "127.0.0.1",
           "GRAFANA_ADMIN_PASSWORD": PASSWORD, "PUSHGATEWAY_PORT": str(ports["pushgateway"]),
           "PROMETHEUS_PORT": str(ports["prometheus"]),
           "NEWSCRAWL_PUSHGATEWAY_URL": f"http://127.0.0.1:{ports['pushgateway']}"}
    uri = (f"mongodb://crawler:{urllib.parse.quote(PASSWORD, safe='')}@127.0.0.1:{mongo.port}/"
           f"?{options}&authSource=admin")
    s = Stack(project, env, ports, mongo, uri, replica, site)
    try:
        started = time.monotonic()
        s.compose("up", "-d", "--no-build", "pushgateway", "prometheus", timeout=600)  # the monitoring profile
        s.compose("up", "-d", "--no-build", timeout=600)
        s.wait_healthy(("mongo", "redis", "scrapyd", "scheduler"), 240)
        s.started_s = time.monotonic() - started
        yield s
    finally:
        s.compose("down", "-v", "--remove-orphans", timeout=300, check=False)
        left = _docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project}").stdout.strip()
        volumes = _docker("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={project}").stdout
        replica.stop()
        mongo.stop()
        print(f"\nlocal stack: image {images['size_mb']:.0f} MB, built in {images['build_s']:.0f} s; healthy in "
              f"{s.started_s:.0f} s; " + ", ".join(f"{k} {v:.1f} s" for k, v in s.figures.items()))
    assert left == "" and volumes.strip() == ""  # down -v leaves nothing


def test_without_its_secrets_the_stack_refuses_to_start_and_starts_nothing(engine, tmp_path):
    project = f"ncsempty{os.getpid()}"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "COMPOSE_PROJECT_NAME": project,
           "LOCAL_STACK_ENV_FILE": str(tmp_path / "empty.env")}
    (tmp_path / "empty.env").write_text("")
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "local-stack.sh"), "up", "-d", "--no-build"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0
    assert re.search(r"set (MONGO_ROOT_USER|MONGO_ROOT_PASSWORD|REDIS_PASSWORD|SCRAPYD_\w+|MONGO_HOST) in \.env",
                     proc.stderr), proc.stderr
    assert _docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project}").stdout.strip() == ""


def _finished(stack: Stack, prefix: str) -> list[dict]:
    return [j for j in stack.scrapyd("listjobs.json?project=newscrawl")["finished"] if j["id"].startswith(prefix)]


def test_the_stack_comes_up_healthy_and_its_scheduler_keeps_the_store_current(stack):
    states = {s: stack.health(s) for s in ("mongo", "redis", "scrapyd", "scheduler", "worker")}
    assert states == {"mongo": "healthy", "redis": "healthy", "scrapyd": "healthy", "scheduler": "healthy",
                      "worker": "absent"}, (states, stack.compose("logs", "--tail", "30", check=False).stdout[-4000:])
    # the scheduler ran the job at once (it never ran); wait for that run, then publish
    deadline = time.time() + 180
    while time.time() < deadline and not _finished(stack, "replica."):
        time.sleep(2)
    assert _finished(stack, "replica."), stack.compose("logs", "--tail", "80", check=False).stdout[-4000:]
    stack.site.publish(fresh_articles(3, datetime.now(timezone.utc).replace(microsecond=0)))
    deadline = time.time() + 150  # the next minute's slot, and its crawl
    while time.time() < deadline and len(_finished(stack, "replica.")) < 2:
        time.sleep(2)
    assert len(_finished(stack, "replica.")) >= 2, stack.compose("logs", "--tail", "80", check=False).stdout[-4000:]
    stored = list(stack.store().articles.find({}, {"url": 1, "version": 1}))
    assert sorted(d["url"] for d in stored) == sorted(expected_articles(stack.site, stack.replica.base_url)), \
        stack.compose("exec", "-T", "scrapyd", "sh", "-c", "tail -n 5 /data/scrapyd/logs/newscrawl/gbaf/*.log",
                      check=False).stdout[-5000:]  # both runs' articles, once each
    assert all(d["version"] == 1 for d in stored)
    stats = stack.compose("exec", "-T", "scheduler", "newscrawl", "stats")
    assert stats.stdout.count(f"{stack.replica.base_url}  ") >= 2, stats.stdout  # the runs, from inside
    assert "passed" in stats.stdout
    status = stack.compose("exec", "-T", "scheduler", "newscrawl", "schedule", "--state",
                           "/data/scheduler/newscrawl.json", "--status")
    assert "replica" in status.stdout and "failures 0" in status.stdout, status.stdout
    # the scrapyd jobs pushed their runs; Prometheus scraped the Pushgateway: the store's count over PromQL
    assert stack.health("prometheus") == "healthy" and stack.health("pushgateway") == "healthy"
    query = urllib.parse.urlencode({"query": f'newscrawl_store_articles{{site="{stack.replica.base_url}"}}'})
    deadline, answer = time.time() + 60, []
    while time.time() < deadline and not answer:
        with urllib.request.urlopen(f"http://127.0.0.1:{stack.ports['prometheus']}/api/v1/query?{query}",
                                    timeout=5) as r:
            answer = json.loads(r.read())["data"]["result"]
        time.sleep(1)
    assert answer and float(answer[0]["value"][1]) == len(stored), answer
    # no password in any service's log
    logs = stack.compose("logs", "--no-color", check=False).stdout
    assert PASSWORD not in logs and urllib.parse.quote(PASSWORD, safe="") not in logs


def _slow_site(stack: Stack, delay: float) -> tuple[ReplicaSite, ReplicaServer]:
    site = ReplicaSite()
    site.delay = delay
    return site, ReplicaServer(site).start()


def _runs(stack: Stack, base_url: str) -> list[dict]:
    return list(stack.store().crawl_runs.find({"site": base_url}).sort("started_at", 1))


def test_scrapyd_killed_mid_crawl_is_healthy_again_within_60_s_and_its_crawl_is_marked_killed(stack):
    site, server = _slow_site(stack, 0.5)
    quick = ["NEWSCRAWL_LOCK_HEARTBEAT=1", "NEWSCRAWL_LOCK_STALE=6"]  # the takeover within seconds, not a minute
    try:
        stack.scrapyd("schedule.json", {"project": "newscrawl", "spider": "gbaf", "jobid": "slow.1",
                                        "base_url": server.base_url, "setting": quick})
        deadline = time.time() + 120
        while time.time() < deadline and stack.store().articles.count_documents({"url": {"$regex": f"^{re.escape(server.base_url)}"}}) < 3:
            time.sleep(1)
        (run,) = _runs(stack, server.base_url)
        assert run["status"] == "running" and run.get("alive_at")
        scrapyd = stack.cid("scrapyd")
        before = _docker("inspect", "--format", "{{.RestartCount}} {{.State.StartedAt}}", scrapyd).stdout.split()
        top = _docker("top", scrapyd, "-eo", "pid,args").stdout.splitlines()[1:]
        (pid,) = [int(line.split()[0]) for line in top if re.search(r"bin/scrapyd( |$)", line)]
        killed = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        deadline = time.time() + 90
        while time.time() < deadline:
            now = _docker("inspect", "--format", "{{.RestartCount}} {{.State.StartedAt}}", scrapyd).stdout.split()
            if now != before and stack.health("scrapyd") == "healthy":
                break
            time.sleep(0.5)
        healthy_s = stack.figures["scrapyd healthy after kill -9"] = time.monotonic() - killed
        assert healthy_s <= 60 and stack.health("scrapyd") == "healthy", stack.compose(
            "logs", "--tail", "30", "scrapyd", check=False).stdout[-3000:]
        assert "Another twistd server is running" not in stack.compose("logs", "scrapyd", check=False).stdout
        # the crawl died with its container; the next crawl of the site takes its lock over and says so
        stack.scrapyd("schedule.json", {"project": "newscrawl", "spider": "gbaf", "jobid": "slow.2",
                                        "base_url": server.base_url, "setting": quick})
        deadline = time.time() + 240
        while time.time() < deadline and not _finished(stack, "slow.2"):
            time.sleep(2)
        runs = _runs(stack, server.base_url)
        assert [r["status"] for r in runs] == ["killed", "passed"], runs
        assert runs[0]["alive_at"] and "last seen alive" in runs[0]["error"]
        stored = [d["url"] for d in stack.store().articles.find({"url": {"$regex": f"^{re.escape(server.base_url)}"}})]
        assert sorted(stored) == sorted(expected_articles(site, server.base_url))  # nothing lost, nothing twice
        stats = stack.compose("exec", "-T", "scheduler", "newscrawl", "stats").stdout
        lines = [line for line in stats.splitlines() if server.base_url in line and re.match(r"\s+\d{4}-", line)]
        assert len(lines) == 2 and "(killed)" in lines[1] and "running" not in " ".join(lines), stats
    finally:
        server.stop()


def test_the_scheduler_stops_within_5_s_with_exit_0_and_starts_again(stack):
    started = time.monotonic()
    stack.compose("stop", "scheduler", timeout=60)
    stopped_s = stack.figures["scheduler stop"] = time.monotonic() - started
    code = _docker("inspect", "--format", "{{.State.ExitCode}}", stack.cid("scheduler")).stdout.strip()
    assert stopped_s < 5 and code == "0", (stopped_s, code)
    started = time.monotonic()
    stack.compose("start", "scheduler")
    assert stack.wait_healthy(("scheduler",), 60) == {"scheduler": "healthy"}
    stack.figures["scheduler healthy after start"] = time.monotonic() - started


def test_two_containers_with_one_hostname_never_crawl_one_site_at_once(stack):
    site, server = _slow_site(stack, 0.3)
    names = [f"{stack.project}-twin{i}" for i in (1, 2)]
    try:
        for name in names:
            # on the host's network every container has the host's name, and each its own PID 1
            _docker("run", "-d", "--name", name, "--network", "host", "--init",
                    *stack.app_env(), "newscrawl:latest", "scrapy", "crawl", "gbaf", "-a", f"base_url={server.base_url}")
            time.sleep(3)
        codes = [int(_docker("wait", name, timeout=300).stdout.strip()) for name in names]
        logs = [_docker("logs", name, check=False).stderr for name in names]
        assert codes == [0, 6], (codes, [x[-1500:] for x in logs])  # the second is refused: the site is locked
        assert "locked" in logs[1]
        hostnames = {_docker("inspect", "--format", "{{.Config.Hostname}}", name).stdout.strip() for name in names}
        assert len(hostnames) == 1
        articles = expected_articles(site, server.base_url)
        fetched = [r.path for r in site.requests if server.base_url + r.path in articles]
        assert {server.base_url + f for f in fetched} == set(articles)
        assert f"{len(articles)} new," in logs[0] and not re.search(r"[1-9]\d* new,", logs[1])  # one crawled
        stored = [d["url"] for d in stack.store().articles.find({"url": {"$regex": f"^{re.escape(server.base_url)}"}})]
        assert sorted(stored) == sorted(expected_articles(site, server.base_url))
    finally:
        for name in names:
            _docker("rm", "-f", name, check=False)
        server.stop()


def test_the_documented_backup_command_saves_the_app_volume(stack):
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "local-stack.sh"), "exec", "-T", "scheduler", "tar", "-C",
                           "/data", "-czf", "-", "."], capture_output=True, timeout=120, env=stack.env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = tarfile.open(fileobj=io.BytesIO(proc.stdout), mode="r:gz").getnames()
    assert "./scheduler/newscrawl.json" in names, names[:20]


def test_after_an_unclean_shutdown_and_a_restart_the_stack_comes_back_healthy(stack):
    """Every container killed at once (SIGKILL: what a power loss leaves), then `up -d`; and a
    `restart` of the app services: no stale pid file, lock or state keeps one down."""
    services = ("mongo", "redis", "scrapyd", "scheduler")
    ids = [stack.cid(s) for s in services]
    _docker("kill", *ids)
    started = time.monotonic()
    stack.compose("up", "-d", "--no-build", timeout=300)
    states = stack.wait_healthy(services, 120)
    stack.figures["healthy after kill of every container"] = time.monotonic() - started
    assert set(states.values()) == {"healthy"}, (states, stack.compose("logs", "--tail", "20", check=False).stdout[-3000:])
    started = time.monotonic()
    stack.compose("restart", "scrapyd", "scheduler", timeout=120)
    states = stack.wait_healthy(services, 120)
    stack.figures["healthy after restart"] = time.monotonic() - started
    assert set(states.values()) == {"healthy"}, states
    logs = stack.compose("logs", "--no-color", "scrapyd", check=False).stdout
    assert "Another twistd server is running" not in logs
