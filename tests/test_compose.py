"""docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs here):
services, healthchecks, volumes, no inline secret, every command a real entry point. The same
processes run natively in test_deploy (scrapyd, the scheduler) and test_cluster (workers)."""
import re
import shutil
import sys
from pathlib import Path

import yaml

from newscrawl.cli import build_parser

from .conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
BIN = Path(sys.executable).parent


def test_the_stack_has_its_services_with_healthchecks_restarts_and_volumes():
    assert set(SERVICES) == {"mongo", "redis", "scrapyd", "scheduler", "worker"}
    for name, svc in SERVICES.items():
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert svc.get("restart") in ("unless-stopped", "on-failure", "always"), f"{name} has no restart policy"
    named = set(COMPOSE["volumes"])
    for name in ("mongo", "redis", "scrapyd"):
        vols = [v.split(":")[0] for v in SERVICES[name]["volumes"]]
        assert any(v in named for v in vols), f"{name} keeps its data in no named volume"
    assert SERVICES["mongo"]["image"].count(":") == 1 and SERVICES["mongo"]["image"].split(":")[1][0].isdigit()
    assert {SERVICES[s].get("build") for s in ("scrapyd", "scheduler", "worker")} == {"."}  # one image


def test_only_scrapyd_is_published_and_only_on_loopback():
    published = {name: svc["ports"] for name, svc in SERVICES.items() if svc.get("ports")}
    assert list(published) == ["scrapyd"]
    assert all(p.startswith("127.0.0.1:") for p in published["scrapyd"])


def test_no_secret_is_inline_and_every_variable_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    used = set(re.findall(r"\$\{([A-Z_]+)(?::-[^}]*)?\}", text))
    assert used and used <= set(example), used - set(example)
    for name, svc in SERVICES.items():
        for key, value in (svc.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|_URI|_URL", key) and value:
                assert "${" in str(value), f"{name}: {key} is written inline"
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


def test_every_command_names_a_real_entry_point():
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices
    for name, svc in SERVICES.items():
        command = svc.get("command")
        if name in ("mongo", "redis"):
            continue
        program = command[0]
        assert shutil.which(program, path=str(BIN)), f"{name}: {program} is not installed by the project"
        if program == "newscrawl":
            assert command[1] in subcommands
            parser.parse_args(command[1:])  # the arguments parse
            for arg in command[1:]:
                if arg.startswith("/app/"):
                    assert (ROOT / arg[len("/app/"):]).exists(), arg
        if program == "scrapy":
            assert command[1:] == ["crawl", "gbaf"]


def test_the_image_is_pinned_and_runs_as_a_user():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    base = next(line.split()[1] for line in lines if line.startswith("FROM "))
    assert re.match(r"python:\d+\.\d+\.\d+-", base), base
    user = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    copied = " ".join(line for line in lines if line.startswith("COPY "))
    assert "tests" not in copied
