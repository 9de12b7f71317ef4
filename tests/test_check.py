"""Settings declared once and checked before the first request (newscrawl.conf.check): a bad
value, an unknown NEWSCRAWL_* name or environment variable stops `scrapy crawl` with exit 2
and one line naming the setting, the value and what is expected, and the site sees nothing."""
import ast
import re
import subprocess
import sys

import pytest
from scrapy.settings import Settings

from newscrawl import conf
from newscrawl.conf import DECLARED, SettingsError, apply_defaults, check, problems

from .conftest import ROOT
from .test_commands_crawl import error_line, scrapy_crawl

# The mistakes the issue found, each with the line a user reads.
BAD = [
    ("NEWSCRAWL_BATCH_SIZE=abc", "NEWSCRAWL_BATCH_SIZE='abc': expected a whole number of at least 1 (default: 200)"),
    ("NEWSCRAWL_REVISIT_HOURS=abc", "NEWSCRAWL_REVISIT_HOURS='abc': expected a number"),
    ("NEWSCRAWL_PROGRESS_SECONDS=x", "NEWSCRAWL_PROGRESS_SECONDS='x': expected a number"),
    ("NEWSCRAWL_FLUSH_SECONDS=-5", "NEWSCRAWL_FLUSH_SECONDS='-5': expected a number above 0"),
    ("NEWSCRAWL_MONITOR_MAX_DROP_RATE=lots", "NEWSCRAWL_MONITOR_MAX_DROP_RATE='lots': expected a number of at least 0 (default: 0.25)"),
    ("NEWSCRAWL_BACH_SIZE=50", "unknown setting NEWSCRAWL_BACH_SIZE (did you mean NEWSCRAWL_BATCH_SIZE?)"),
    # a URI option pymongo refuses: one line at start, not a warning and a traceback in scrapyd's log
    ("MONGO_URI=mongodb://crawler:pw@127.0.0.1:1/?connectTimeoutMS=abc",
     "MONGO_URI=***: expected a MongoDB URI (or empty: not set); connecttimeoutms must be an integer or float"),
]


@pytest.mark.parametrize("pair,line", BAD, ids=[b[0].partition("=")[0] for b in BAD])
def test_a_bad_setting_stops_the_crawl_before_any_request_with_exit_2(fresh_replica, tmp_path, pair, line):
    proc = scrapy_crawl(tmp_path, "-a", f"base_url={fresh_replica.base_url}", "-s", pair)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert error_line(proc).startswith(f"scrapy crawl: error: {line}")
    assert fresh_replica.site.log == []  # not even robots.txt
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_an_unknown_environment_variable_is_named_with_the_closest_setting(fresh_replica, tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", f"base_url={fresh_replica.base_url}", env={"NEWSCRAWL_BATCHSIZE": "5"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert error_line(proc) == ("scrapy crawl: error: unknown environment variable NEWSCRAWL_BATCHSIZE "
                                "(did you mean NEWSCRAWL_BATCH_SIZE?)")
    assert fresh_replica.site.log == []


def test_a_declared_environment_variable_is_a_setting_and_is_checked(fresh_replica, tmp_path):
    proc = scrapy_crawl(tmp_path, "-a", f"base_url={fresh_replica.base_url}", env={"NEWSCRAWL_BATCH_SIZE": "0"})
    assert proc.returncode == 2
    assert error_line(proc).startswith("scrapy crawl: error: NEWSCRAWL_BATCH_SIZE='0': expected a whole number "
                                       "of at least 1")


def test_every_command_checks_the_settings_the_same_way(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "query", "--data-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "NEWSCRAWL_PROGRESS_SECONDS": "x", "HOME": str(tmp_path)})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == ("newscrawl query: error: NEWSCRAWL_PROGRESS_SECONDS='x': expected a number "
                                   "of at least 0 (default: 30.0)")


def test_the_test_suite_s_own_switches_are_not_settings():
    assert problems({}, {"NEWSCRAWL_TEST_REQUIRE_MONGO": "1"}) == []


def test_defaults_reach_a_component_built_outside_the_project_settings_module():
    settings = Settings()
    apply_defaults(settings)
    assert settings.getint("NEWSCRAWL_BATCH_SIZE") == DECLARED["NEWSCRAWL_BATCH_SIZE"].default == 200
    settings.set("NEWSCRAWL_BATCH_SIZE", 7, priority="cmdline")
    apply_defaults(settings)
    assert settings.getint("NEWSCRAWL_BATCH_SIZE") == 7


def test_every_default_passes_its_own_check_and_every_setting_is_documented():
    settings = Settings()
    apply_defaults(settings)
    check(settings)
    for s in DECLARED.values():
        assert s.doc and "\n" not in s.doc, s.name
    with pytest.raises(SettingsError):
        check({"NEWSCRAWL_BATCH_SIZE": "abc"})


def test_no_newscrawl_default_lives_outside_the_declaration():
    """A `settings.getint("NEWSCRAWL_X", 5)` or a NEWSCRAWL_X = 5 constant anywhere but
    newscrawl/conf would be a second default that can drift from the declared one."""
    declared = re.compile(r"NEWSCRAWL_\w+|MONGO_\w+|REDIS_URL")
    offenders = []
    for path in (ROOT / "newscrawl").rglob("*.py"):
        if path.parent.name == "conf":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and declared.fullmatch(t.id)
                                                    for t in node.targets):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} assigns {ast.unparse(node.targets[0])}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("get")
                    and len(node.args) > 1 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and declared.fullmatch(node.args[0].value)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def test_the_scheduler_refuses_a_job_with_a_bad_setting(tmp_path):
    schedule = tmp_path / "jobs.toml"
    schedule.write_text('[[job]]\nname = "news"\ncron = "*/5 * * * *"\nspider = "gbaf"\n'
                        '[job.settings]\nNEWSCRAWL_BATCH_SIZE = "lots"\n')
    proc = subprocess.run([sys.executable, "-m", "newscrawl", "schedule", "--once", "--data-dir", str(tmp_path),
                           "--scrapyd", "http://127.0.0.1:9", str(schedule)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "NEWSCRAWL_BATCH_SIZE='lots': expected a whole number of at least 1" in proc.stderr
    assert "news" in proc.stderr


def test_project_settings_are_what_a_crawl_sees():
    settings = conf.project_settings({"NEWSCRAWL_BATCH_SIZE": 3})
    assert settings.getint("NEWSCRAWL_BATCH_SIZE") == 3
    assert settings.getfloat("NEWSCRAWL_FLUSH_SECONDS") == DECLARED["NEWSCRAWL_FLUSH_SECONDS"].default
