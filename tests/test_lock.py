"""newscrawl.crawl.lock: the crawl lock of each store (a row in SQLite, a lock document in MongoDB)."""
import os
import socket

import pytest

from newscrawl.crawl.lock import describe, holder_is_dead
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
    host = socket.gethostname()
    assert not holder_is_dead({"pid": os.getpid(), "host": host}, host)
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    assert holder_is_dead({"pid": dead, "host": host}, host)
    assert not holder_is_dead({"pid": dead, "host": "another-host"}, host)  # cannot tell: wait for stale
    assert describe({"pid": 7, "host": "h", "started_at": "2026-12-01 10:00:00 UTC"}) == \
        "pid 7 on h, started 2026-12-01 10:00:00 UTC"
