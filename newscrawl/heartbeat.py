"""Heartbeats of the long-running processes (watch, scheduler, worker) and the healthcheck's
verdict on them.

A heartbeat is a small JSON file written atomically every few seconds: ``{"heartbeat":
<epoch seconds>, "state": ..., ...}``. A process that stops writes ``state: "stopped"``, so a
healthcheck fails at once instead of when the heartbeat grows old.
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

from newscrawl.codec import write_atomic

STOPPED = "stopped"


def pid_namespace() -> str:
    """This process's PID namespace (``pid:[4026531836]``): containers on one host share a
    hostname on a host network, and reuse pids, but never a PID namespace. A pid is only
    meaningful (alive or gone) inside its own namespace."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:  # no /proc (not Linux): the host name has to do
        return ""


def instance_name(host: str) -> str:
    """A name for this host and PID namespace: one per container, the same for every process in it."""
    ns = pid_namespace()
    digits = "".join(ch for ch in ns if ch.isdigit())
    return f"{host}-{digits}" if digits else host


def beat(path: str | Path, state: str = "running", **fields) -> None:
    """Write the heartbeat now, with the process's ``state`` and any other figures."""
    write_atomic(path, {"heartbeat": time.time(), "state": state, **fields})


def read(path: str | Path) -> dict | None:
    """The last heartbeat written at ``path``, or None when there is none to read."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "heartbeat" in data else None


def age(data: dict, now: float | None = None) -> float:
    """Seconds since the heartbeat (epoch seconds, or an ISO 8601 time as the scheduler's state has)."""
    when = data["heartbeat"]
    at = datetime.fromisoformat(when).timestamp() if isinstance(when, str) else float(when)
    return (time.time() if now is None else now) - at


def verdict(data: dict | None, limit: float, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for a healthcheck that allows ``limit`` seconds."""
    if data is None:
        return False, "no heartbeat"
    seconds = age(data, now)
    if data.get("state") == STOPPED:
        return False, f"stopped {seconds:.0f} s ago"
    if data.get("problem"):  # running, but not doing its job (a scheduler whose scrapyd is away)
        return False, str(data["problem"])
    if seconds > limit:
        return False, f"last heartbeat {seconds:.0f} s ago (limit {limit:.0f} s)"
    return True, f"heartbeat {seconds:.0f} s ago"
