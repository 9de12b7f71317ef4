"""The documentation's reference pages (scripts/gen_reference.py) are what the code says now,
and the site builds with warnings as errors (`make docs`)."""
import os
import subprocess
import sys

from newscrawl.crawl.outcome import ALL

from .conftest import ROOT


def test_the_reference_pages_are_current():
    proc = subprocess.run([sys.executable, "scripts/gen_reference.py", "--check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_the_exit_code_page_is_the_outcome_rule():
    page = (ROOT / "docs" / "reference" / "exit-codes.md").read_text()
    for status in ALL:
        assert f"| `{status.name}` | {status.exit_code} |" in page


def test_every_setting_and_command_is_on_its_page():
    from newscrawl.conf import DECLARED
    from newscrawl.ops.cli import build_parser
    settings = (ROOT / "docs" / "reference" / "settings.md").read_text()
    assert all(f"| `{name}` |" in settings for name in DECLARED)
    commands = (ROOT / "docs" / "reference" / "commands.md").read_text()
    sub = build_parser()._subparsers._group_actions[0]
    assert all(f"## `newscrawl {name}`" in commands for name in sub.choices)


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    mkdocs = ROOT / ".venv" / "bin" / "mkdocs"
    exe = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    proc = subprocess.run([*exe, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "settings" / "index.html").exists()
