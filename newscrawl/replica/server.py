"""Serve the replica on 127.0.0.1 (a thread for tests, or the foreground for `newscrawl serve`)."""
from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newscrawl.replica.site import ReplicaSite


class _Handler(BaseHTTPRequestHandler):
    site: ReplicaSite
    protocol_version = "HTTP/1.1"
    head_only = False

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        """What GET answers, without the body (as a real server does)."""
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])  # type: ignore[index]
        resp = self.site.handle(self.path, f"http://{host}", self.headers.get("User-Agent", ""),
                                self.headers)
        if resp.raw is not None and not self.head_only:
            try:
                self._play(resp)
            except OSError:  # the client hung up, as it should on most of these
                pass
            return
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.head_only:
            return
        try:
            self.wfile.write(resp.body)
        except OSError:  # the client hung up (a size limit, a gzip bomb it refused)
            self.close_connection = True

    def _play(self, resp) -> None:
        """Faults on the socket (replica.faults)."""
        if resp.raw == "stall":
            time.sleep(3)
            if not self.wfile.writable():
                return
        length = {"truncated": len(resp.body) + 5000, "huge_body": 50 * 1024 * 1024}.get(resp.raw, len(resp.body))
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if resp.raw == "reset_mid_body":
            self.wfile.write(resp.body[: len(resp.body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()  # RST, not FIN
            return
        if resp.raw == "huge_body":
            chunk = b" " * (1 << 20)
            for _ in range(50):
                self.wfile.write(chunk)
            return
        self.wfile.write(resp.body)
        self.close_connection = True

    def log_message(self, *args) -> None:  # quiet: the site keeps its own log
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (it gave up on a fault) is no error of the replica's."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class ReplicaServer:
    """``with ReplicaServer() as srv: srv.base_url`` serves the replica on a free port."""

    def __init__(self, site: ReplicaSite | None = None, host: str = "127.0.0.1", port: int = 0):
        self.site = site or ReplicaSite()
        handler = type("Handler", (_Handler,), {"site": self.site})
        self.httpd = _Server((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ReplicaServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
