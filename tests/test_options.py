"""Every `newscrawl` command walked with the mistakes a user makes (newscrawl.ops.cli.options
and the commands' argument types): each ends in one line on standard error and a documented
exit code (2: usage error, 1: a store, file or service that is missing), never a traceback,
and never starts what it was asked to start."""
import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from newscrawl.ops.cli import build_parser

from .conftest import ROOT

# A bad value for each kind of option, by the option's dest (what a user mistypes there).
BAD_BY_DEST = {
    "port": ["abc", "-1", "70000"], "articles": ["many", "-4"], "limit": ["0", "ten"], "days": ["-1"],
    "runs": ["0"], "since": ["yesterday", "-3"], "until": ["2026-13-45"], "format": ["xml"], "store": ["postgres"],
    "site": ["ftp://example.com", "not a url"], "set": ["NOEQUALS", "NEWSCRAWL_BACH_SIZE=5",
                                                       "NEWSCRAWL_BATCH_SIZE=lots"],
    "mongo_uri": ["notauri"], "data_dir": ["{file}"], "out": ["{missing}/x.out"], "every": ["0", "soon"],
    "health": ["abc"], "min_interval": ["fast"], "max_interval": ["-2"], "discovery_interval": ["x"],
    "poll": ["-1", "x"], "state": ["{missing}/state.json"], "heartbeat": ["{missing}/beat.json"],
    "scrapyd": ["notaurl"], "host": ["256.1.1.1"], "shell": ["fish"], "file": ["{missing}.toml", "{latin1}",
                                                                             "{dir}", "{badtoml}"],
    "log_level": ["LOUD"], "spider": ["gbf"],
}
# What a command needs besides the bad value, so that the bad value is what it meets.
NEEDS = {"export": ["--out", "{tmp}/a.jsonl"], "report": ["--out", "{tmp}/r.html"], "purge": ["--site",
                                                                                                "http://127.0.0.1:1"],
         "replay": ["{missing}.jsonl"], "schedule": ["--once", "{tmp}/ok.toml"], "completion": ["bash"],
         "worker": ["--health", "60"], "watch": ["--health", "60"]}


def cases(tmp_path):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = []
    for command, sp in sub.choices.items():
        found.append((command, ["--no-such-option"]))
        for action in sp._actions:
            if isinstance(action, argparse._HelpAction) or action.dest not in BAD_BY_DEST:
                continue
            for bad in BAD_BY_DEST[action.dest]:
                flag = action.option_strings[-1] if action.option_strings else None
                rest = [a for a in NEEDS.get(command, [])]
                if not flag:  # a positional: the bad value replaces the needed one (the last)
                    found.append((command, rest[:-1] + [bad]))
                elif flag == "--out" and "--out" in rest:
                    i = rest.index("--out")
                    found.append((command, rest[:i] + ["--out", bad] + rest[i + 2:]))
                else:
                    found.append((command, rest + [flag, bad]))
    return found


def prepare(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "latin1.toml").write_bytes('[[job]]\nname = "caf\u00e9"\n'.encode("latin-1"))
    (tmp_path / "bad.toml").write_text("[[job]\nname=")
    (tmp_path / "ok.toml").write_text('[[job]]\nname = "a"\nspider = "gbaf"\ncron = "* * * * *"\n')
    (tmp_path / "dir").mkdir()
    return {"{file}": str(tmp_path / "file"), "{missing}": str(tmp_path / "missing"), "{tmp}": str(tmp_path),
            "{latin1}": str(tmp_path / "latin1.toml"), "{dir}": str(tmp_path / "dir"),
            "{badtoml}": str(tmp_path / "bad.toml")}


def run(command, args, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NEWSCRAWL_DATA_DIR": str(tmp_path / "data"),
           "LANG": "C.UTF-8"}
    try:
        return subprocess.run([sys.executable, "-m", "newscrawl", command, *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:  # it took the mistake for a good value and started
        return subprocess.CompletedProcess(exc.cmd, -9, "", f"still running after 30 s: {exc.stdout!r}")


def test_every_command_answers_every_mistake_in_one_line_with_a_documented_code(tmp_path):
    names = prepare(tmp_path)

    def fill(arg):
        for k, v in names.items():
            arg = arg.replace(k, v)
        return arg
    todo = [(c, [fill(a) for a in args]) for c, args in cases(tmp_path)]
    assert len({c for c, _ in todo}) == len(build_parser()._subparsers._group_actions[0].choices)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: (t, run(t[0], t[1], tmp_path)), todo))
    wrong = []
    for (command, args), proc in results:
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        if ("Traceback" in proc.stderr or proc.returncode not in (1, 2)
                or not last.startswith((f"newscrawl {command}: error: ", f"newscrawl {command}: unhealthy: ",
                                        "newscrawl purge: would remove"))):
            wrong.append(f"newscrawl {command} {' '.join(args)} -> {proc.returncode}: {proc.stderr[-400:]!r}")
    assert wrong == [], "\n".join(wrong)
    assert len(results) > 100


@pytest.mark.parametrize("env", [{"NEWSCRAWL_BATCH_SIZE": "lots"}, {"NEWSCRAWL_BACHSIZE": "5"},
                                 {"MONGO_URI": "localhost:27017"}])
def test_a_bad_environment_variable_is_a_usage_error_for_every_reading_command(tmp_path, env):
    for command in ("query", "stats", "where", "changes"):
        proc = subprocess.run([sys.executable, "-m", "newscrawl", command], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env})
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert proc.stderr.startswith(f"newscrawl {command}: error: ")


# ---- hostile input (#32): every option's reader takes any text -----------------------------

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newscrawl.ops.cli import options as opts  # noqa: E402

from .hostile import nasty_text  # noqa: E402

READERS = [opts.setting_pair, opts.positive, opts.positive_float, opts.port, opts.count, opts.log_level,
           opts.cursor, opts.site_url, opts.date_arg]


@given(st.sampled_from(READERS), nasty_text)
@example(opts.cursor, "¹")  # found: a superscript digit passed isdigit() and raised in int()
def test_every_option_reads_any_text_or_says_why_in_one_line(reader, text):
    try:
        reader(text)
    except argparse.ArgumentTypeError as exc:
        assert "\n" not in str(exc)
