"""The `newscrawl` command as a user types it: one store every command agrees on, sites
apart, and one line with the right exit code for every error a user can cause."""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles
from newscrawl.store import ArticleWriter
from newscrawl.store.sqlite import SQLiteStore

from .conftest import ROOT, run_crawl


def newscrawl(*args, cwd=ROOT, env=None, input=None):
    return subprocess.run([sys.executable, "-m", "newscrawl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "MONGO_URI": "", **(env or {})}, input=input)


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """One store holding two sites: the replica on two ports (two base_urls)."""
    tmp = tmp_path_factory.mktemp("cli")
    data = tmp / "data"
    sites = []
    for articles in (None, None):
        with ReplicaServer(ReplicaSite(articles)) as server:
            run_crawl(tmp, "-a", f"base_url={server.base_url}", "-s", f"NEWSCRAWL_DATA_DIR={data}")
            sites.append((server.base_url, len(expected_articles(server.site, server.base_url))))
    return data, sites


def test_query_export_and_stats_keep_sites_apart(two_sites, tmp_path):
    data, [(a, n_a), (b, n_b)] = two_sites
    out = newscrawl("query", "--data-dir", str(data), "--site", a, "--limit", "1000", "--format", "jsonl")
    assert out.returncode == 0
    urls = [json.loads(line)["url"] for line in out.stdout.splitlines()]
    assert len(urls) == n_a and all(u.startswith(a + "/") for u in urls)
    stats = newscrawl("stats", "--data-dir", str(data))
    assert f"Articles: {n_a + n_b}" in stats.stdout
    assert f"  {a:<40} {n_a}" in stats.stdout and f"  {b:<40} {n_b}" in stats.stdout  # per-site totals
    only_b = newscrawl("stats", "--data-dir", str(data), "--site", b + "/")
    assert f"Articles: {n_b} (site {b})" in only_b.stdout and a not in only_b.stdout
    export = newscrawl("export", "--data-dir", str(data), "--site", b, "--out", "-")
    assert export.returncode == 0 and len(export.stdout.splitlines()) == n_b  # standard output
    assert f"Exported {n_b} articles to standard output" in export.stderr
    assert not (ROOT / "-").exists()
    as_json = newscrawl("export", "--data-dir", str(data), "--site", b, "--out", "-", "--format", "json")
    assert as_json.returncode == 0 and {d["url"] for d in json.loads(as_json.stdout)} == {
        json.loads(line)["url"] for line in export.stdout.splitlines()}  # one JSON array, the same articles


def test_purge_lists_what_it_removes_and_publishes_the_deletions(two_sites, tmp_path, webhook):
    data, [(a, n_a), (b, n_b)] = two_sites
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    db = sqlite3.connect(copy / "newscrawl.sqlite3")
    validators = db.execute("SELECT count(*) FROM http_validators WHERE url LIKE ?", (a + "/%",)).fetchone()[0]
    changes_before = db.execute("SELECT count(*) FROM changes").fetchone()[0]
    db.close()
    assert validators > 0
    refused = newscrawl("purge", "--data-dir", str(copy), "--site", a, input="")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"newscrawl purge: would remove {n_a} articles, 1 crawl_runs, {validators} http_validators, 0 crawl_locks "
        f"of {a} from sqlite {copy}/newscrawl.sqlite3, and publish {n_a} deletions in the change feed; "
        "pass --yes to do it")
    hook_url, posts = webhook
    done = newscrawl("purge", "--data-dir", str(copy), "--site", a, "--yes",
                     env={"NEWSCRAWL_CHANGES_WEBHOOK": hook_url})
    assert done.returncode == 0, done.stderr
    assert (f"{n_a} articles, 1 crawl_runs, {validators} http_validators, 0 crawl_locks; {n_a} deletions published"
            in done.stdout)
    stats = newscrawl("stats", "--data-dir", str(copy))
    assert f"Articles: {n_b}" in stats.stdout and a not in stats.stdout
    # the feed keeps what it said before and says what is gone, once each
    feed = [json.loads(line) for line in newscrawl("changes", "--data-dir", str(copy)).stdout.splitlines()]
    assert len(feed) == changes_before + n_a
    deleted = [c for c in feed if c["kind"] == "deleted"]
    assert sorted(c["url"] for c in deleted) == sorted(c["url"] for c in feed if c["url"].startswith(a + "/")
                                                       and c["kind"] == "new")
    assert all(c["article"] is None for c in deleted) and feed[-n_a:] == deleted
    posted = [c for body in posts for c in body["changes"]]
    assert [c["cursor"] for c in posted] == [c["cursor"] for c in feed]  # the webhook sends them too


def test_a_missing_store_is_refused_not_created(tmp_path):
    for command in (["query"], ["stats"], ["export", "--out", str(tmp_path / "a.jsonl")]):
        proc = newscrawl(*command, "--data-dir", str(tmp_path / "dta"))
        assert proc.returncode == 1
        assert proc.stderr.strip() == (f"newscrawl {command[0]}: error: no embedded store at "
                                       f"{tmp_path}/dta/newscrawl.sqlite3 (nothing crawled there yet?); "
                                       "check --data-dir / NEWSCRAWL_DATA_DIR, or crawl first")
    assert not (tmp_path / "dta").exists()


def test_every_command_in_a_project_folder_finds_that_project_s_store(tmp_path):
    """The issue's case: a copy of the project, the package imported from this checkout."""
    project = tmp_path / "copy"
    (project / "notes").mkdir(parents=True)
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    env = {"NEWSCRAWL_DATA_DIR": "", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    where = newscrawl("where", cwd=project / "notes", env=env)
    assert where.stdout.strip() == (f"embedded {project}/data/newscrawl.sqlite3 (the project of {project}/scrapy.cfg; "
                                    "nothing crawled there yet)")
    with ReplicaServer(ReplicaSite()) as server:
        crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={server.base_url}",
                                "-a", "categories=banking"], cwd=project, capture_output=True, text=True,
                               timeout=120, env={**os.environ, **env, "MONGO_URI": ""})
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        n = len(expected_articles(server.site, server.base_url))
    found = newscrawl("query", "--format", "jsonl", "--limit", "1000", cwd=project / "notes", env=env)
    assert found.returncode == 0 and 0 < len(found.stdout.splitlines()) <= n
    assert not (ROOT / "data" / "copy").exists()
    # outside any project: the user's data folder; an explicit NEWSCRAWL_DATA_DIR wins everywhere
    outside = newscrawl("where", cwd=tmp_path, env=env)
    assert outside.stdout.startswith(f"embedded {tmp_path}/xdg/newscrawl/newscrawl.sqlite3 (no scrapy.cfg")
    explicit = newscrawl("where", cwd=project, env={**env, "NEWSCRAWL_DATA_DIR": str(tmp_path / "mine")})
    assert explicit.stdout.startswith(f"embedded {tmp_path}/mine/newscrawl.sqlite3 (NEWSCRAWL_DATA_DIR")


def test_a_relative_data_dir_is_made_absolute_once(tmp_path):
    # a relative NEWSCRAWL_DATA_DIR is made absolute once, and the crawl logs where it stores
    (tmp_path / "elsewhere").mkdir()
    with ReplicaServer(ReplicaSite()) as server:
        crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "gbaf", "-a", f"base_url={server.base_url}",
                                "-a", "categories=banking", "-s", "LOG_LEVEL=INFO"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "NEWSCRAWL_DATA_DIR": "rel/data", "MONGO_URI": "",
                                    "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"})
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert f"stored in sqlite {tmp_path}/rel/data/newscrawl.sqlite3" in crawl.stderr
    found = newscrawl("stats", "--data-dir", str(tmp_path / "rel" / "data"), cwd=tmp_path / "elsewhere")
    assert found.returncode == 0 and "Articles: " in found.stdout


def test_a_read_only_store_can_be_queried(two_sites, tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("root bypasses file modes: a read-only bind mount needs root")
    data, [(a, n_a), _] = two_sites
    ro = tmp_path / "ro"
    shutil.copytree(data, ro)
    subprocess.run(["mount", "--bind", str(ro), str(ro)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
        proc = newscrawl("query", "--data-dir", str(ro), "--site", a, "--limit", "1000")
        stats = newscrawl("stats", "--data-dir", str(ro))
    finally:
        subprocess.run(["umount", str(ro)], check=True)
    assert proc.returncode == 0, proc.stderr
    assert f"({n_a} articles)" in proc.stderr and stats.returncode == 0


@pytest.mark.parametrize("args, message", [
    (["query", "-s", "FOO"], "argument -s/--set: takes NAME=VALUE, got 'FOO'"),
    (["query", "--limit", "0"], "argument --limit: must be a whole number of at least 1, got '0'"),
    (["query", "--limit", "-1"], "argument --limit: must be a whole number of at least 1, got '-1'"),
    (["stats", "--site", "ftp://x"], "argument --site: base_url must be an http(s) URL, got 'ftp://x'"),
    (["purge"], "the following arguments are required: --site"),
    (["query", "--store", "mongodb", "-s", "MONGO_URI="],
     "NEWSCRAWL_STORE=mongodb needs MONGO_URI (or --mongo-uri): set it to the server's URI"),
])
def test_usage_errors_exit_2(args, message):
    proc = newscrawl(*args)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"newscrawl {args[0]}: error: {message}"


def test_a_category_that_matches_nothing_says_which_exist(two_sites):
    data, [(a, _), _] = two_sites
    proc = newscrawl("query", "--data-dir", str(data), "--site", a, "--category", "nosuch")
    assert proc.returncode == 0 and "(0 articles)" in proc.stderr
    hint = proc.stderr.splitlines()[-1]
    assert hint.startswith("no article in category 'nosuch'; the store has: ") and "Finance" in hint


def test_version():
    from newscrawl import __version__
    proc = newscrawl("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"newscrawl {__version__}"


def test_export_into_a_missing_folder_and_serve_on_a_busy_port_say_so(two_sites, tmp_path):
    data, _ = two_sites
    proc = newscrawl("export", "--data-dir", str(data), "--out", str(tmp_path / "missing" / "a.jsonl"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"newscrawl export: error: cannot write {tmp_path}/missing/a.jsonl: "
                                   f"the folder {tmp_path}/missing does not exist")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = newscrawl("serve", "--port", str(port))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"newscrawl serve: error: cannot serve on 127.0.0.1:{port} "
                                   f"(Address already in use); pass another --port")


def test_demo_uses_a_store_of_its_own(tmp_path):
    default = tmp_path / "default"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # what `make demo` runs: the project's data/demo, never the default store (here NEWSCRAWL_DATA_DIR)
    proc = newscrawl("demo", "--port", str(port), env={"NEWSCRAWL_DATA_DIR": str(default)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"Demo store: {ROOT}/data/demo (the default store is left alone" in proc.stdout
    assert f"newscrawl query --data-dir {ROOT}/data/demo" in proc.stdout
    assert not default.exists()


def test_stats_as_json_gives_each_runs_figures_per_site(two_sites):
    data, [(a, n_a), (b, n_b)] = two_sites
    proc = newscrawl("stats", "--data-dir", str(data), "--format", "json", "--runs", "10")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["articles"] == n_a + n_b and out["sites"] == {a: n_a, b: n_b}
    assert [r["site"] for r in out["runs"]] == [b, a]  # newest first
    for run in out["runs"]:
        for key in ("run_id", "site", "mode", "status", "started_at"):
            assert isinstance(run[key], str), key
        for key in ("duration_s", "pages", "requests", "not_modified", "new", "updated", "unchanged", "dropped"):
            assert isinstance(run[key], (int, float)) and not isinstance(run[key], bool), key
        assert run["status"] == "passed" and run["mode"] == "full" and run["duration_s"] > 0
        assert run["new"] == n_a and run["pages"] > run["new"] and run["requests"] >= run["pages"] - 1
        assert run["coverage"]["title"] == 1.0 and 0 < run["coverage"]["authors"] < 1
        assert run["dropped"] == sum(run["dropped_by_reason"].values()) == 4
    only_a = json.loads(newscrawl("stats", "--data-dir", str(data), "--format", "json", "--site", a).stdout)
    assert [r["site"] for r in only_a["runs"]] == [a] and only_a["articles"] == n_a
    later = json.loads(newscrawl("stats", "--data-dir", str(data), "--format", "json", "--since", "2999-01-01").stdout)
    assert later["runs"] == []


def test_cli_output_into_a_closed_pipe_exits_quietly(tmp_path):
    store = SQLiteStore(tmp_path / "newscrawl.sqlite3")
    store.ensure_indexes()
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    ArticleWriter(store, 10).write([{"url": f"http://www.example-mirror.test/story-{i}", "title": f"Story {i}", "body": "word " * 300,
                                     "content_hash": str(i), "published_at": now} for i in range(300)], now)
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl", "query", "--format", "jsonl", "--limit",
                             "300", "--data-dir", str(tmp_path), "--mongo-uri", ""],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    json.loads(proc.stdout.readline())  # the reader takes one line and goes away (| head -1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    # ~450 KB of output cannot fit the pipe's 64 KiB buffer: the writer always meets the
    # closed pipe, and exits as a shell pipeline's writer does (128 + SIGPIPE)
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


