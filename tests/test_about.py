"""`newscrawl where` and `newscrawl completion` (newscrawl.ops.cli.about); the help a user reads."""
import os
import shutil
import subprocess

import pytest

from newscrawl.ops.cli import EXAMPLES, build_parser

from .test_cli import newscrawl


def test_help_names_every_command_on_one_line_and_each_shows_an_example():
    proc = newscrawl("--help", env={"COLUMNS": "80"})
    commands = build_parser()._subparsers._group_actions[0].choices
    lines = proc.stdout.splitlines()
    for name in commands:
        line = next(line for line in lines if line.strip().split(" ")[0] == name)
        assert len(line.split()) > 2 and len(line) <= 80, line
    for name in commands:
        help_text = newscrawl(name, "--help", env={"COLUMNS": "100"}).stdout
        assert help_text.rstrip().endswith(f"example:\n  {EXAMPLES[name]}")


def test_version_is_the_package_s():
    from newscrawl import __version__
    assert newscrawl("--version").stdout.strip() == f"newscrawl {__version__}"


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_bash_completion_completes_commands_and_options(tmp_path):
    script = newscrawl("completion", "bash").stdout
    (tmp_path / "c.sh").write_text(script)
    probe = ('source c.sh; COMP_WORDS=(newscrawl qu); COMP_CWORD=1; _shtab_newscrawl; echo "${COMPREPLY[@]}"; '
             'COMP_WORDS=(newscrawl export --for); COMP_CWORD=2; _shtab_newscrawl; echo "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=30,
                         env={**os.environ})
    first, second = out.stdout.splitlines()[:2]
    assert first.split() == ["query"]
    assert "--format" in second.split()
