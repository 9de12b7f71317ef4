"""A MongoDB wire-protocol server on a free port for the tests (scripts/mongo_wire_server.py,
mongoeco 4.11 on Python 3.13, in .venv-mongo): pymongo talks to it over a real socket.

It is not MongoDB. Where it differs, the test that meets the difference says so in one line
(WIRE_DIFFERS) and covers MongoDB's behaviour another way. With MONGO_URI set (a real mongod
or replica set), the tests use that server instead and none of this starts.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv-mongo" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "mongo_wire_server.py"
# CI sets this: a missing wire server fails the run instead of skipping the MongoDB tests.
REQUIRED = os.environ.get("NEWSCRAWL_TEST_REQUIRE_MONGO") == "1"


def available() -> bool:
    return PYTHON.exists()


def skip_or_fail(why: str):
    if REQUIRED:
        pytest.fail(why)
    pytest.skip(why)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WireServer:
    """The server process; its data in an SQLite file, so that it survives stop/start."""

    def __init__(self, folder: Path, port: int | None = None, users: tuple[str, ...] = ()):
        self.folder = folder
        self.port = port or free_port()
        self.users = users
        self.path = folder / f"mongo-{self.port}.sqlite3"
        self.proc: subprocess.Popen | None = None
        self.uri = f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> WireServer:
        if not available():
            skip_or_fail("no MongoDB wire server: run `bash scripts/system-deps.sh` (needs Python 3.13)")
        cmd = [str(PYTHON), str(SCRIPT), "--port", str(self.port), "--path", str(self.path)]
        for u in self.users:
            cmd += ["--user", u]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            self.proc.kill()
            raise RuntimeError(f"the MongoDB wire server did not start: {line!r}")
        return self

    def kill(self) -> None:
        """Gone at once, as a crashed server (SIGKILL)."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def pause(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)  # connections stay open, nothing answers

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def wait_until_down(self, seconds: float = 10) -> None:
        deadline = time.time() + seconds
        while self.proc is not None and self.proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
