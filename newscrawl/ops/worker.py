"""`newscrawl worker`: a long-running cluster worker (the compose stack's `worker` service).

One `scrapy crawl` of the shared crawl after another, in a child process (joining the crawl
while it runs, starting its next generation when it is over), ``every`` seconds apart; a
heartbeat file for the healthcheck; SIGTERM/SIGINT stop the crawl gracefully (Scrapy's own
shutdown in the child) and the loop, exit 0. This process runs no reactor: it only supervises
the child and waits on an Event, which a signal wakes at once.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from newscrawl import heartbeat

BEAT_SECONDS = 1.0  # the heartbeat while the child crawls or the loop waits


class Worker:
    def __init__(self, command: list[str], every: float, beat: Path, say=print):
        self.command = command
        self.every = every
        self.beat = beat
        self.say = say
        self.stop = threading.Event()
        self.child: subprocess.Popen | None = None
        self.last: int | None = None

    def _heartbeat(self, state: str) -> None:
        heartbeat.beat(self.beat, state, last_exit_code=self.last)

    def _on_signal(self, signum, _frame) -> None:
        self.stop.set()
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)  # Scrapy's graceful stop

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        while not self.stop.is_set():
            self.child = subprocess.Popen(self.command)
            while self.child.poll() is None:
                self._heartbeat("crawling")
                self.stop.wait(BEAT_SECONDS)
            self.child.wait()
            self.last = self.child.returncode
            self.say(f"newscrawl worker: crawl ended with exit code {self.last}; next in {self.every:.0f} s", flush=True)
            deadline = time.monotonic() + self.every
            while not self.stop.is_set() and time.monotonic() < deadline:
                self._heartbeat("waiting")
                self.stop.wait(min(BEAT_SECONDS, max(0.0, deadline - time.monotonic())))
        self._heartbeat(heartbeat.STOPPED)
        return 0


def crawl_command(spider: str, arguments: list[str], settings: list[tuple[str, str]]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for pair in arguments:
        cmd += ["-a", pair]
    for name, value in settings:
        cmd += ["-s", f"{name}={value}"]
    return cmd
