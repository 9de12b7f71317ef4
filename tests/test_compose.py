"""docker-compose.yml and the Dockerfile, checked statically and validated by Debian's
docker-compose; the stack on a real engine is tests/test_local_stack.py."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from newscrawl.ops.cli import build_parser

from .conftest import ROOT
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
    assert "-c requirements.lock" in text and "chromium" in text
    # built from the wheel, as CI builds it: the image holds the installed package, no checkout,
    # installed from the build stage's wheels alone (no index: no CA needed in the image's stage)
    assert "python -m build --wheel" in text and "--no-index --find-links /wheels" in text
    final = text.split("FROM runtime\n")[-1]
    assert not re.search(r"^COPY (newscrawl|deploy/build-ca)", final, re.M) and "build-ca" not in final
    # plain Dockerfile syntax: docker-compose 1.29's classic builder builds it without BuildKit
    assert "--mount=" not in text and "# syntax=" not in text
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
