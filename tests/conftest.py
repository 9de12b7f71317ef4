import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from newscrawl.replica import ReplicaServer, ReplicaSite

from . import inprocess  # noqa: F401 (installs the asyncio reactor before anything imports one)

ROOT = Path(__file__).resolve().parent.parent
FAST = ["-s", "NEWSCRAWL_BACKOFF_BASE=0.05", "-s", "LOG_LEVEL=INFO"]


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    """MongoDB over a real socket: MONGO_URI (a real mongod) when set, else the wire-protocol
    stand-in started for the session (tests/mongo_server.py)."""
    real = os.environ.get("MONGO_URI")
    if real:
        yield real
        return
    from .mongo_server import WireServer
    server = WireServer(tmp_path_factory.mktemp("mongo")).start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def replica():
    """The replica portal, served on 127.0.0.1 for the whole session."""
    with ReplicaServer(ReplicaSite()) as server:
        yield server


@pytest.fixture
def fresh_replica():
    """A replica of its own, for tests that edit articles or count requests."""
    with ReplicaServer(ReplicaSite()) as server:
        yield server


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict]
    stats: dict
    log: str

    @property
    def by_url(self) -> dict[str, dict]:
        return {i["url"]: i for i in self.items}


def run_crawl(tmp_path: Path, *args: str, env: dict | None = None, check: bool = True) -> CrawlResult:
    """A real `gbaf` crawl in a subprocess; returns its items, stats and log."""
    out = tmp_path / f"crawl-{len(list(tmp_path.glob('crawl-*')))}"
    out.mkdir()
    log_file = out / "crawl.log"
    # Its own store, never the project's ./data nor a MongoDB named in the environment.
    cmd = [sys.executable, str(ROOT / "tests" / "crawl_runner.py"), str(out), *FAST,
           "-s", f"NEWSCRAWL_DATA_DIR={out / 'data'}", "-s", "MONGO_URI=", *args,
           "-s", f"LOG_FILE={log_file}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240,
                          env={**os.environ, **(env or {})})
    log = (log_file.read_text() if log_file.exists() else "") + proc.stdout + proc.stderr
    if check and proc.returncode != 0:
        raise AssertionError(f"crawl failed ({proc.returncode}):\n{log[-4000:]}")
    items_path = out / "items.jsonl"
    items = [json.loads(line) for line in items_path.read_text().splitlines()] if items_path.exists() else []
    stats_path = out / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return CrawlResult(proc.returncode, items, stats, log)


def as_jsonable(value):
    """Expected values in the form a JSON feed holds them."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [as_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: as_jsonable(v) for k, v in value.items()}
    return value


@pytest.fixture
def webhook():
    """An alert webhook on 127.0.0.1: (its URL, the JSON bodies posted to it)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    posts: list = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass
    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", posts
    finally:
        server.shutdown()
        server.server_close()
