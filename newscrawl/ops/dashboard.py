"""`newscrawl dashboard`: the report page (newscrawl.ops.report) served live from the store.

Bound to 127.0.0.1 unless told otherwise; with NEWSCRAWL_DASHBOARD_PASSWORD set, every
request needs HTTP basic auth (user ``newscrawl``, or NEWSCRAWL_DASHBOARD_USER). Bound
elsewhere without a password, it warns at start: anyone who reaches the port reads the store.
The page refreshes itself every 30 s; ``/?q=words`` searches the stored articles.
"""
from __future__ import annotations

import base64
import hmac
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from newscrawl.ops.report import gather, render
from newscrawl.store import Store, StoreUnavailable

logger = logging.getLogger(__name__)


class Dashboard(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, store: Store, site: str | None = None, password: str | None = None,
                 user: str = "newscrawl", refresh_seconds: int = 30):
        super().__init__(address, _Handler)
        self.store = store
        self.site = site
        self.password = password
        self.user = user
        self.refresh_seconds = refresh_seconds
        self.lock = threading.Lock()  # one page at a time: the store is one connection

    def authorized(self, header: str | None) -> bool:
        if not self.password:
            return True
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.user) and hmac.compare_digest(password, self.password)

    def page(self, query: dict[str, list[str]]) -> str:
        search = (query.get("q") or [""])[0].strip() or None
        site = (query.get("site") or [""])[0].strip() or self.site
        with self.lock:
            return render(gather(self.store, site=site, search=search), live=True,
                          refresh_seconds=self.refresh_seconds)


class _Handler(BaseHTTPRequestHandler):
    server: Dashboard
    server_version = "newscrawl-dashboard"

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        """What GET answers, without the body (monitoring probes, curl -I)."""
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not self.server.authorized(self.headers.get("Authorization")):
            self._send(401, b"authentication required\n", "text/plain", {"WWW-Authenticate": 'Basic realm="newscrawl"'})
            return
        parts = urlsplit(self.path)
        if parts.path == "/healthz":
            self._send(200, b"ok\n", "text/plain")
            return
        if parts.path != "/":
            self._send(404, b"not found\n", "text/plain")
            return
        try:
            body = self.server.page(parse_qs(parts.query)).encode()
        except StoreUnavailable as exc:
            self._send(503, f"store unavailable: {exc}\n".encode(), "text/plain")
            return
        self._send(200, body, "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not getattr(self, "head_only", False):
            self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's signature)
        logger.debug("%s %s", self.address_string(), format % args)
