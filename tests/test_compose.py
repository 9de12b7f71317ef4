"""docker-compose.yml and the Dockerfile: checked statically, validated by Debian's
docker-compose, and run for real on a Docker engine (marked `docker`).

The engine test builds the image from a Debian base made with debootstrap (nothing can be
pulled here), runs the stack with tests' override (every service on the host's network with
free ports; the MongoDB image replaced by the wire-protocol server the test starts; Redis
from Debian's package in the same base), lets the scheduler run a job every minute against
the replica, publishes between two slots, and checks both runs' articles are stored once."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from newscrawl.ops.cli import build_parser
from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles

from .conftest import ROOT
from .mongo_server import WireServer
from .redis_server import free_port

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
BIN = Path(sys.executable).parent
APP = ("scrapyd", "scheduler", "worker", "watch")
MONITORING = ("prometheus", "pushgateway", "grafana")


def test_the_stack_has_its_services_with_healthchecks_restarts_and_volumes():
    assert set(SERVICES) == {"mongo", "redis", "scrapyd", "scheduler", "worker", "watch", *MONITORING}
    assert all(SERVICES[s]["profiles"] == ["monitoring"] for s in MONITORING)  # off unless asked for
    assert all(re.fullmatch(r"[\w/.-]+:v?\d+\.\d+\.\d+", SERVICES[s]["image"]) for s in MONITORING)  # pinned
    for name, svc in SERVICES.items():
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert svc.get("restart") in ("unless-stopped", "always"), f"{name} has no restart policy"  # either restarts a crashed service and comes back after a reboot
    named = set(COMPOSE["volumes"])
    for name in ("mongo", "redis", *APP):  # the app services: spill files, job history, heartbeats
        vols = [v.split(":")[0] for v in SERVICES[name]["volumes"]]
        assert any(v in named for v in vols), f"{name} keeps its data in no named volume"
    assert SERVICES["mongo"]["image"].count(":") == 1 and SERVICES["mongo"]["image"].split(":")[1][0].isdigit()
    assert {SERVICES[s].get("build") for s in APP} == {"."}  # one image
    assert SERVICES["worker"]["profiles"] == ["cluster"]  # `docker compose up -d` starts no worker
    assert SERVICES["watch"]["profiles"] == ["watch"]  # nor a watch: scheduled runs or watch mode
    assert SERVICES["watch"]["command"][:2] == ["newscrawl", "watch"]
    assert SERVICES["watch"]["stop_grace_period"] == "2m"  # time to store the last batch on docker stop
    assert all(SERVICES[s]["init"] is True for s in APP)  # crash-only: a real PID 1 forwards signals
    assert SERVICES["scrapyd"]["command"] == ["scrapyd", "--pidfile="]  # no stale pid file after a crash


def test_healthchecks_check_the_service_not_the_process():
    checks = {name: " ".join(SERVICES[name]["healthcheck"]["test"]) for name in SERVICES}
    assert "daemonstatus.json" in checks["scrapyd"]
    assert "schedule --state /data/scheduler/newscrawl.json --health" in checks["scheduler"]
    assert "worker --health" in checks["worker"]
    assert "watch --health" in checks["watch"]
    assert not [n for n, c in checks.items() if "os.kill(1" in c]


def test_only_scrapyd_and_grafana_are_published_and_only_on_loopback():
    published = {name: svc["ports"] for name, svc in SERVICES.items() if svc.get("ports")}
    assert sorted(published) == ["grafana", "scrapyd"]
    assert all(p.startswith("127.0.0.1:") for ports in published.values() for p in ports)


def test_no_secret_is_inline_or_on_a_command_line_and_every_variable_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    used = set(re.findall(r"\$\{([A-Z_]+)(?::[-?][^}]*)?\}", text))
    required = {v for v in used if not re.search(r"\$\{" + v + r":-", text)}
    assert required <= set(example), required - set(example)
    for name, svc in SERVICES.items():
        for key, value in (svc.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|_URI|_URL", key) and value:
                assert "${" in str(value), f"{name}: {key} is written inline"
        command = " ".join(svc.get("command") or [])
        assert "PASSWORD}" not in command, f"{name}: a password is interpolated into the command line"
    assert "MONGO_URI" not in text and "REDIS_URL" not in text  # built and escaped by newscrawl.conf.environment
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_passwords_are_escaped_into_the_uris():
    from newscrawl.conf.environment import mongo_uri, redis_url
    env = {"MONGO_HOST": "mongo:27017", "MONGO_USER": "crawler", "MONGO_PASSWORD": "p@ss/w:rd?#",
           "REDIS_HOST": "redis", "REDIS_PASSWORD": "a@b:c"}
    assert mongo_uri(env) == "mongodb://crawler:p%40ss%2Fw%3Ard%3F%23@mongo:27017/?authSource=admin"
    assert redis_url(env) == "redis://:a%40b%3Ac@redis:6379/0"
    import pymongo.uri_parser
    assert pymongo.uri_parser.parse_uri(mongo_uri(env))["password"] == "p@ss/w:rd?#"


def test_every_command_names_a_real_entry_point():
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices
    for name in APP:
        command = [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", c) for c in SERVICES[name]["command"]]
        program = command[0]
        assert shutil.which(program, path=str(BIN)), f"{name}: {program} is not installed by the project"
        if program == "newscrawl":
            assert command[1] in subcommands
            parser.parse_args(command[1:])  # the arguments parse
            for arg in command[1:]:
                if arg.startswith("/app/"):
                    assert (ROOT / arg[len("/app/"):]).exists(), arg


def test_the_image_is_pinned_runs_as_a_user_and_has_a_browser():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE=python:\d+\.\d+\.\d+-", text, re.M)  # the official image by default
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "tests" not in " ".join(re.findall(r"^COPY .*", text, re.M))
    assert "-c /tmp/requirements.lock" in text and "chromium" in text
    # built from the wheel, as CI builds it: the image holds the installed package, no checkout
    assert "python -m build --wheel" in text and '"$(ls /dist/newscrawl-*.whl)[deploy]"' in text
    assert not re.search(r"^COPY newscrawl", text.split("FROM runtime\n")[-1], re.M)
    pins = [line for line in (ROOT / "requirements.lock").read_text().splitlines() if line and line[0] != "#"]
    assert pins and all(re.match(r"^[A-Za-z0-9_.\-\[\]]+==\S+$", p) for p in pins), [p for p in pins if "==" not in p]
    assert {"scrapy", "pymongo", "scrapyd"} <= {p.split("==")[0].lower() for p in pins}


def test_debian_docker_compose_validates_the_production_file(tmp_path):
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("Debian's docker-compose is not installed (apt-get install docker-compose; CI has it)")
    env_file = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    proc = subprocess.run([exe, "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


# ---- the stack on a real Docker engine -----------------------------------------------------

DOCKER = shutil.which("docker", path="/usr/bin") or shutil.which("docker")  # Debian's client: BuildKit built in
REQUIRED = os.environ.get("NEWSCRAWL_TEST_REQUIRE_DOCKER") == "1"


def _skip(why):
    if REQUIRED:
        pytest.fail(why)
    pytest.skip(why)


def _docker(*args, timeout=600, check=True, env=None, **kw):
    proc = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kw)
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
    """newscrawl:latest built on a debootstrap'd bookworm, and Debian's redis-server in that base."""
    figures = {}
    if _docker("image", "inspect", "newscrawl-base:bookworm", check=False).returncode != 0:
        if shutil.which("debootstrap") is None:
            _skip("debootstrap is not installed (apt-get install debootstrap)")
        root = tmp_path_factory.mktemp("rootfs") / "bookworm"
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(root)], check=True,
                       capture_output=True, timeout=900)
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        subprocess.run([DOCKER, "import", "-", "newscrawl-base:bookworm"], stdin=tar.stdout, check=True,
                       capture_output=True, timeout=600)
        tar.wait()
    build = ["build", "--network", "host", "--build-arg", "BASE=newscrawl-base:bookworm", "-t", "newscrawl:latest"]
    ca = pip_ca_bundle()
    if ca:  # the registries sit behind a TLS proxy: its CA, as a build secret (not kept in the image)
        build += ["--secret", f"id=ca,src={ca}"]
    started = time.monotonic()
    _docker(*build, str(ROOT), timeout=1800, env={"DOCKER_BUILDKIT": "1"})
    figures["build_s"] = time.monotonic() - started
    figures["size_mb"] = int(_docker("image", "inspect", "newscrawl:latest", "--format", "{{.Size}}").stdout) / 1e6
    folder = tmp_path_factory.mktemp("redis-image")
    (folder / "Dockerfile").write_text("FROM newscrawl-base:bookworm\nRUN apt-get update && apt-get install -y "
                                       "--no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*\n")
    _docker("build", "--network", "host", "-t", "newscrawl-redis:test", str(folder), timeout=900,
            env={"DOCKER_BUILDKIT": "1"})
    # the monitoring profile's Prometheus and Pushgateway, from Debian's packages (nothing can be pulled)
    folder = tmp_path_factory.mktemp("prometheus-image")
    (folder / "Dockerfile").write_text("FROM newscrawl-base:bookworm\nRUN apt-get update && apt-get install -y "
                                       "--no-install-recommends prometheus prometheus-pushgateway wget "
                                       "&& rm -rf /var/lib/apt/lists/*\n")
    _docker("build", "--network", "host", "-t", "newscrawl-prometheus:test", str(folder), timeout=900,
            env={"DOCKER_BUILDKIT": "1"})
    # the renderer finds Debian's chromium in the image (pages that need rendering are not dropped)
    found = _docker("run", "--rm", "--network", "host", "newscrawl:latest", "python3", "-c",
                    "from newscrawl.crawl.rendering import find_browser; print(find_browser())")
    assert found.stdout.strip() == "/usr/bin/chromium", found.stdout + found.stderr
    # the image keeps no CA of the build
    leaked = _docker("run", "--rm", "--network", "host", "newscrawl:latest", "sh", "-c",
                     "ls /run/secrets 2>/dev/null; pip config list", check=False)
    assert "ca" not in leaked.stdout.split()
    return figures


def override(tmp_path, mongo_uri_port, ports, schedule) -> Path:
    """What the test stack differs in from the production file (docs/how-to/production.md)."""
    prom_dir = tmp_path / "prometheus"
    prom_dir.mkdir()
    (prom_dir / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": "2s"},
        "scrape_configs": [{"job_name": "pushgateway", "honor_labels": True,
                            "static_configs": [{"targets": [f"127.0.0.1:{ports['pushgateway']}"]}]}]}))
    prom_dir.chmod(0o755)
    # (the hosts and ports are compose variables, set in the test's .env: see test_the_stack_runs_on_a_real_engine)
    host_env = {"MONGO_USER": "", "MONGO_OPTIONS": "directConnection=true"}  # the stand-in has no users
    ping = (f"import pymongo; pymongo.MongoClient('mongodb://127.0.0.1:{mongo_uri_port}/?directConnection=true',"
            "serverSelectionTimeoutMS=2000).admin.command('ping')")
    doc = {"version": "2.4", "services": {
        # no MongoDB image can be pulled: a stand-in service whose health is the wire server's
        "mongo": {"image": "newscrawl:latest", "network_mode": "host", "command": ["sleep", "infinity"],
                  "healthcheck": {"test": ["CMD", "python3", "-c", ping], "interval": "2s", "retries": 30}},
        "redis": {"image": "newscrawl-redis:test", "network_mode": "host",
                  "healthcheck": {"interval": "2s"}},
        "scrapyd": {"network_mode": "host", "environment": host_env, "healthcheck": {"interval": "2s"}},
        "scheduler": {"network_mode": "host", "environment": host_env, "healthcheck": {"interval": "2s",
                                                                                      "start_period": "5s"},
                      "volumes": [f"{schedule}:/app/deploy/schedule.toml:ro"]},
        "worker": {"network_mode": "host", "environment": host_env},
        "pushgateway": {"image": "newscrawl-prometheus:test", "network_mode": "host", "command": [
            "prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{ports['pushgateway']}",
            "--persistence.file=/tmp/pushgateway.data"],
            "healthcheck": {"test": ["CMD", "wget", "-q", "-O", "/dev/null",
                                     f"http://127.0.0.1:{ports['pushgateway']}/-/healthy"], "interval": "2s"}},
        "prometheus": {"image": "newscrawl-prometheus:test", "network_mode": "host", "command": [
            "prometheus", "--config.file=/etc/prometheus-test/prometheus.yml", "--storage.tsdb.path=/prometheus",
            f"--web.listen-address=127.0.0.1:{ports['prometheus']}"],
            "volumes": [f"{prom_dir}:/etc/prometheus-test:ro"],
            "healthcheck": {"test": ["CMD", "wget", "-q", "-O", "/dev/null",
                                     f"http://127.0.0.1:{ports['prometheus']}/-/healthy"], "interval": "2s"}},
    }}
    path = tmp_path / "docker-compose.test.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.docker
def test_the_stack_runs_on_a_real_engine(tmp_path, images):
    ports = {"redis": free_port(), "scrapyd": free_port(), "pushgateway": free_port(), "prometheus": free_port()}
    mongo = WireServer(tmp_path).start()
    site = ReplicaSite()
    replica = ReplicaServer(site).start()
    schedule = tmp_path / "schedule.toml"
    schedule.write_text(f'[[job]]\nname = "replica"\nspider = "gbaf"\ncron = "* * * * *"\n'
                        f'args = {{ base_url = "{replica.base_url}" }}\n')
    env_file = tmp_path / ".env"
    # on the host's network there are no service names: every host is 127.0.0.1, on free ports
    env_file.write_text((ROOT / ".env.example").read_text().replace("SCRAPYD_PORT=6800", f"SCRAPYD_PORT={ports['scrapyd']}")
                        + f"SCRAPYD_HOST=127.0.0.1\nSCRAPYD_BIND_ADDRESS=127.0.0.1\nMONGO_HOST=127.0.0.1:{mongo.port}\n"
                        f"REDIS_HOST=127.0.0.1\nREDIS_PORT={ports['redis']}\n"
                        f"NEWSCRAWL_PUSHGATEWAY_URL=http://127.0.0.1:{ports['pushgateway']}\n")
    project = f"nct{os.getpid()}"
    merged = subprocess.run(["docker-compose", "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"),
                             "-f", str(override(tmp_path, mongo.port, ports, schedule)), "config"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, check=True).stdout
    stack = yaml.safe_load(merged)
    # on the host's network nothing is published: compose v1 refuses port bindings there
    assert stack["services"]["scrapyd"].pop("ports")
    stack["services"].pop("grafana")  # its image cannot be pulled here; Prometheus and the Pushgateway run
    (tmp_path / "stack.yml").write_text(yaml.safe_dump(stack))
    compose = ["docker-compose", "-p", project, "-f", str(tmp_path / "stack.yml")]

    def run(*args, timeout=300, check=True):
        proc = subprocess.run([*compose, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if check and proc.returncode != 0:
            raise AssertionError(f"docker-compose {' '.join(args)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def health(service) -> str:
        cid = run("ps", "-q", service).stdout.strip()
        return _docker("inspect", "--format", "{{.State.Health.Status}}", cid).stdout.strip() if cid else "absent"

    def finished_jobs():
        import urllib.request
        from base64 import b64encode
        req = urllib.request.Request(f"http://127.0.0.1:{ports['scrapyd']}/listjobs.json?project=newscrawl")
        req.add_header("Authorization", "Basic " + b64encode(b"ops:change-me").decode())
        with urllib.request.urlopen(req, timeout=5) as r:
            return [j for j in json.loads(r.read())["finished"] if j["id"].startswith("replica.")]

    try:
        started = time.monotonic()
        run("up", "-d", "--no-build", "pushgateway", "prometheus", timeout=600)  # the monitoring profile
        run("up", "-d", "--no-build", timeout=600)
        deadline = time.time() + 240
        while time.time() < deadline and {s: health(s) for s in ("mongo", "redis", "scrapyd", "scheduler")} != \
                dict.fromkeys(("mongo", "redis", "scrapyd", "scheduler"), "healthy"):
            time.sleep(1)
        states = {s: health(s) for s in ("mongo", "redis", "scrapyd", "scheduler", "worker")}
        stack_start_s = time.monotonic() - started
        assert states == {"mongo": "healthy", "redis": "healthy", "scrapyd": "healthy", "scheduler": "healthy",
                          "worker": "absent"}, (states, run("logs", "--tail", "30", "scheduler", check=False).stdout[-4000:])
        # the scheduler ran the job at once (it never ran); wait for that run, then publish
        deadline = time.time() + 180
        while time.time() < deadline and not finished_jobs():
            time.sleep(2)
        first = finished_jobs()
        assert first, run("logs", "--tail", "80", check=False).stdout[-4000:]
        from datetime import datetime, timezone

        from newscrawl.replica import fresh_articles
        site.publish(fresh_articles(3, datetime.now(timezone.utc).replace(microsecond=0)))
        deadline = time.time() + 150  # the next minute's slot, and its crawl
        while time.time() < deadline and len(finished_jobs()) < 2:
            time.sleep(2)
        assert len(finished_jobs()) >= 2, run("logs", "--tail", "80", check=False).stdout[-4000:]
        import pymongo
        client = pymongo.MongoClient(mongo.uri)
        stored = list(client["newscrawl"].articles.find({}, {"url": 1, "version": 1}))
        client.close()
        expected = expected_articles(site, replica.base_url)
        assert sorted(d["url"] for d in stored) == sorted(expected), \
            run("exec", "-T", "scrapyd", "sh", "-c", "tail -n 5 /data/scrapyd/logs/newscrawl/gbaf/*.log",
                check=False).stdout[-5000:]  # both runs' articles, once each
        assert all(d["version"] == 1 for d in stored)
        stats = run("exec", "-T", "scheduler", "newscrawl", "stats")
        assert stats.stdout.count(f"{replica.base_url}  ") >= 2, stats.stdout  # the runs, from inside
        assert "PASSED" not in stats.stdout and "passed" in stats.stdout
        status = run("exec", "-T", "scheduler", "newscrawl", "schedule", "--state", "/data/scheduler/newscrawl.json",
                     "--status")
        assert "replica" in status.stdout and "failures 0" in status.stdout, status.stdout
        # the scrapyd jobs pushed their runs; Prometheus scraped the Pushgateway: the store's count over PromQL
        assert health("prometheus") == "healthy" and health("pushgateway") == "healthy"
        query = urllib.parse.urlencode({"query": f'newscrawl_store_articles{{site="{replica.base_url}"}}'})
        deadline, answer = time.time() + 60, []
        while time.time() < deadline and not answer:
            with urllib.request.urlopen(f"http://127.0.0.1:{ports['prometheus']}/api/v1/query?{query}", timeout=5) as r:
                answer = json.loads(r.read())["data"]["result"]
            time.sleep(1)
        assert answer and float(answer[0]["value"][1]) == len(stored), answer
        print(f"\nimage {images['size_mb']:.0f} MB, built in {images['build_s']:.0f} s; stack healthy in "
              f"{stack_start_s:.0f} s")
    finally:
        run("down", "-v", "--remove-orphans", timeout=300, check=False)
        left = _docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project}").stdout.strip()
        volumes = _docker("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={project}").stdout
        replica.stop()
        mongo.stop()
    assert left == "" and volumes.strip() == ""  # down -v leaves nothing


def test_the_stack_refuses_to_start_without_its_secrets(tmp_path):
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("Debian's docker-compose is not installed (apt-get install docker-compose; CI has it)")
    empty = tmp_path / ".env"
    empty.write_text("")
    proc = subprocess.run([exe, "--env-file", str(empty), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                          capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
    assert proc.returncode != 0
    assert "set MONGO_ROOT_PASSWORD in .env (cp .env.example .env)" in proc.stderr \
        or "set MONGO_ROOT_USER in .env (cp .env.example .env)" in proc.stderr, proc.stderr


@pytest.mark.parametrize("password", ['a"b\\c', "\\x41", "ab #cd", "p@ss/w:rd?#&$!`'"])
def test_any_redis_password_survives_the_redis_config_file(tmp_path, password):
    """The redis service's own command (from docker-compose.yml), run here with Debian's
    redis-server: the password it configures is the one given, character for character."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    import redis
    command = SERVICES["redis"]["command"][2].replace("$$", "$").replace("/tmp/redis.conf", str(tmp_path / "r.conf"))
    command = command.replace("dir /data", f"dir {tmp_path}")
    port = free_port()
    proc = subprocess.Popen(["sh", "-c", command], env={"PATH": os.environ["PATH"], "REDIS_PASSWORD": password,
                                                        "REDIS_PORT": str(port)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(port=port, password=password, socket_timeout=2)
        for _ in range(50):
            try:
                assert client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail(proc.stdout.read1().decode() if proc.stdout else "redis did not start")
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, password=password + "x", socket_timeout=2).ping()
    finally:
        proc.terminate()
        proc.wait(10)
