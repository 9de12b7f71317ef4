"""newscrawl.crawl.lock: the crawl lock of each store (a row in SQLite, a lock document in MongoDB)."""
import os
import socket

import pytest

from newscrawl.crawl.lock import describe, holder_is_dead
from newscrawl.heartbeat import pid_namespace
from newscrawl.store.mongo import MongoStore
from newscrawl.store.sqlite import SQLiteStore

SITE = "http://127.0.0.1:8642"


@pytest.fixture(params=["embedded", "mongodb"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = SQLiteStore(tmp_path / "newscrawl.sqlite3")
    else:  # the in-process fake; tests/test_storage.py runs the real server when MONGO_URI is set
        s = MongoStore("mongomock://localhost", f"lock_{tmp_path.name}", 1000)
    s.ensure_indexes()
    yield s
    s.close()


def test_one_holder_at_a_time(store):
    a, b = {"pid": 1, "host": "h1"}, {"pid": 2, "host": "h2"}
    assert store.acquire_lock(SITE, "A", a, stale_before=0, now=100) is None
    assert store.acquire_lock(SITE, "B", b, stale_before=40, now=101) == a  # A is fresh: refused
    assert store.acquire_lock(SITE, "A", a, stale_before=40, now=102) is None  # A again: its own
    assert store.acquire_lock("http://other.example", "B", b, stale_before=40, now=102) is None  # another site


def test_heartbeat_keeps_it_and_a_stale_lock_is_taken_over(store):
    a, b = {"pid": 1, "host": "h1"}, {"pid": 2, "host": "h2"}
    store.acquire_lock(SITE, "A", a, stale_before=0, now=100)
    assert store.refresh_lock(SITE, "A", now=150)
    assert store.acquire_lock(SITE, "B", b, stale_before=120, now=180) == a  # heartbeat at 150
    assert store.acquire_lock(SITE, "B", b, stale_before=160, now=220) is None  # stale since 150
    assert not store.refresh_lock(SITE, "A", now=221)  # A lost it, and knows
    store.release_lock(SITE, "A")  # not A's any more: nothing happens
    assert store.acquire_lock(SITE, "C", a, stale_before=0, now=222) == b
    store.release_lock(SITE, "B")
    assert store.acquire_lock(SITE, "C", a, stale_before=0, now=223) is None


def test_a_holder_on_this_host_whose_process_is_gone_is_dead():
    host, ns = socket.gethostname(), pid_namespace()
    assert ns.startswith("pid:[")
    assert not holder_is_dead({"pid": os.getpid(), "host": host, "pidns": ns}, host)
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    assert holder_is_dead({"pid": dead, "host": host, "pidns": ns}, host)
    assert not holder_is_dead({"pid": dead, "host": "another-host", "pidns": ns}, host)  # cannot tell: wait for stale
    # another container on this host network: same host name, its own PID namespace, pids that
    # mean nothing here: never taken over at once (the two crawls of one site)
    assert not holder_is_dead({"pid": dead, "host": host, "pidns": "pid:[4026532999]"}, host)
    assert not holder_is_dead({"pid": dead, "host": host}, host)  # a lock written before: wait for stale


def test_a_container_s_instance_name_differs_from_another_s_with_the_same_host_name():
    """Two processes in PID namespaces of their own (unshare, as two containers), one host name:
    two worker heartbeat names, and each sees the other's pid as no process of its own."""
    import shutil
    import subprocess
    import sys
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare (util-linux)")
    code = "import socket; from newscrawl.heartbeat import instance_name; print(instance_name(socket.gethostname()))"
    names = {subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", code],
                            capture_output=True, text=True, timeout=60, check=True).stdout.strip() for _ in range(2)}
    assert len(names) == 2 and all(n.startswith(socket.gethostname() + "-") for n in names)
    assert describe({"pid": 7, "host": "h", "started_at": "2026-12-01 10:00:00 UTC"}) == \
        "pid 7 on h, started 2026-12-01 10:00:00 UTC"
