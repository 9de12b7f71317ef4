"""deploy/prometheus/alerts.yml: valid rules, each unit-tested by `promtool test rules` (it fires
on what it is for and not otherwise), over the metrics newscrawl really exports."""
import re
import subprocess

import yaml

from .conftest import ROOT
from .test_metrics import need

RULES = ROOT / "deploy" / "prometheus"


def test_promtool_checks_the_rules_and_their_unit_tests_pass():
    promtool = need("promtool")
    check = subprocess.run([promtool, "check", "rules", "alerts.yml"], cwd=RULES, capture_output=True, text=True,
                           timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    tested = subprocess.run([promtool, "test", "rules", "alerts.test.yml"], cwd=RULES, capture_output=True,
                            text=True, timeout=120)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_every_rule_fires_in_a_test_and_reads_metrics_newscrawl_exports():
    rules = [r for g in yaml.safe_load((RULES / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    tests = yaml.safe_load((RULES / "alerts.test.yml").read_text())["tests"]
    firing = {t["alertname"] for case in tests for t in case["alert_rule_test"] if t["exp_alerts"]}
    assert {r["alert"] for r in rules} == firing
    exported = {name for module in ("crawl/metrics.py", "ops/exporter.py")
                for name in re.findall(r'"(newscrawl_\w+)"', (ROOT / "newscrawl" / module).read_text())}
    exported |= {f"{name}_total" for name in exported}  # counters are exported with _total
    for rule in rules:
        used = set(re.findall(r"\b(newscrawl_\w+)", rule["expr"]))
        assert used <= exported, (rule["alert"], used - exported)


def test_the_monitoring_profile_s_prometheus_config_is_valid():
    promtool = need("promtool")
    check = subprocess.run([promtool, "check", "config", "prometheus.yml"], cwd=RULES, capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_grafana_dashboard_reads_metrics_newscrawl_exports():
    import json
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "newscrawl.json").read_text())
    exported = {name for module in ("crawl/metrics.py", "ops/exporter.py")
                for name in re.findall(r'"(newscrawl_\w+)"', (ROOT / "newscrawl" / module).read_text())}
    exported |= {f"{name}_total" for name in exported} | {f"{name}_bucket" for name in exported}
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(exprs) >= 10
    for expr in exprs:
        assert set(re.findall(r"\b(newscrawl_\w+)", expr)) <= exported, expr
