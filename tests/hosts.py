"""Hosts in one machine, for the cross-host fault tests (#32): Linux network namespaces joined by
a bridge (iproute2: `ip netns`, veth pairs, a bridge; root), each host with its own address in a
/24 of 10.231.0.0/16 picked per test run. The test process itself is a host too: the bridge's
address (.254), from which it reads the store and asks the healthchecks.

``cut(host)`` takes the host's cable out (its veth end on the bridge goes down: packets are
dropped, connections hang, as on a real network partition); ``heal(host)`` puts it back.
Everything is torn down in ``close()``, which the fixture calls even when a test fails: the
processes started in the namespaces (killed), the namespaces, the veth pairs, the bridge.

A server of the test process can live on a host of its own: ``within(host, make)`` calls
``make`` in a thread that entered the host's namespace (setns(2) is per thread), so the sockets
it binds are that host's, while the server keeps running in the test process (the replica's
request log stays readable)."""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def available() -> str | None:
    """Why the harness cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root (CI runs as root)"
    if shutil.which("ip") is None:
        return "iproute2 is not installed (apt-get install iproute2)"
    return None


@dataclass
class Host:
    name: str
    address: str
    netns: str
    cable: str  # the veth end on the bridge
    procs: list[subprocess.Popen] = field(default_factory=list)


class Hosts:
    def __init__(self) -> None:
        tag = os.getpid() % 200 + 20
        self.subnet = f"10.231.{tag}"
        self.bridge = f"ncbr{tag}"
        self.address = f"{self.subnet}.254"  # the test process's own, on the bridge
        self.hosts: dict[str, Host] = {}
        self.sweep()
        ip("link", "add", self.bridge, "type", "bridge")
        ip("addr", "add", f"{self.address}/24", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")

    def sweep(self) -> None:
        """What a killed test run of the same tag left: its namespaces (and their processes), its bridge."""
        prefix = f"nc{self.subnet.rsplit('.', 1)[1]}"
        for line in ip("netns", "list").stdout.splitlines():
            netns = line.split()[0] if line.split() else ""
            if netns.startswith(prefix) and netns[len(prefix):][:1].isalpha():  # nc21w1, not nc210w1
                for pid in ip("netns", "pids", netns, check=False).stdout.split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                ip("netns", "del", netns, check=False)
        ip("link", "del", self.bridge, check=False)

    def add(self, name: str) -> Host:
        n = len(self.hosts) + 1
        netns, cable, inside = f"nc{self.subnet.rsplit('.', 1)[1]}{name}", f"nch{self.bridge[4:]}x{n}", f"ncn{n}"
        ip("netns", "add", netns)
        ip("link", "add", cable, "type", "veth", "peer", "name", inside)
        ip("link", "set", inside, "netns", netns)
        ip("link", "set", cable, "master", self.bridge)
        ip("link", "set", cable, "up")
        ip("-n", netns, "addr", "add", f"{self.subnet}.{n}/24", "dev", inside)
        ip("-n", netns, "link", "set", inside, "up")
        ip("-n", netns, "link", "set", "lo", "up")
        host = self.hosts[name] = Host(name, f"{self.subnet}.{n}", netns, cable)
        return host

    def run(self, host: Host, cmd: list[str], **popen) -> subprocess.Popen:
        """A process on ``host`` (in its namespace), in a process group of its own."""
        proc = subprocess.Popen(["ip", "netns", "exec", host.netns, *cmd], start_new_session=True, **popen)
        host.procs.append(proc)
        return proc

    def within(self, host: Host, make):
        """``make()`` called in ``host``'s network namespace (in a thread of its own); its result."""
        out: dict = {}

        def run() -> None:
            libc = ctypes.CDLL(None, use_errno=True)
            with open(f"/var/run/netns/{host.netns}") as ns:
                if libc.setns(ns.fileno(), 0x40000000) != 0:  # CLONE_NEWNET
                    out["error"] = OSError(ctypes.get_errno(), "setns")
                    return
            try:
                out["value"] = make()
            except Exception as exc:  # noqa: BLE001 (raised again in the caller's thread)
                out["error"] = exc
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(30)
        if "error" in out:
            raise out["error"]
        return out["value"]

    def cut(self, host: Host) -> None:
        ip("link", "set", host.cable, "down")

    def heal(self, host: Host) -> None:
        ip("link", "set", host.cable, "up")

    def close(self) -> None:
        for host in self.hosts.values():
            for proc in host.procs:
                if proc.poll() is None:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(10)
            ip("netns", "del", host.netns, check=False)
            ip("link", "del", host.cable, check=False)
        ip("link", "del", self.bridge, check=False)


def wait_port(address: str, port: int, seconds: float = 20) -> None:
    import socket
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {address}:{port}")


@pytest.fixture
def hosts():
    why = available()
    if why:
        if os.environ.get("NEWSCRAWL_TEST_REQUIRE_NETNS") == "1":
            pytest.fail(why)
        pytest.skip(why)
    h = Hosts()
    try:
        yield h
    finally:
        h.close()
