"""A small client of scrapyd's JSON API (schedule.json, listjobs.json, daemonstatus.json)."""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

from newscrawl.site.rules import mask_password


class ScrapydError(Exception):
    """scrapyd cannot be reached, refuses us, or answers an error: the message says which."""


class Scrapyd:
    def __init__(self, url: str, project: str, timeout: float = 10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ScrapydError(f"--scrapyd must be an http(s) URL such as http://127.0.0.1:6800, got {url!r}")
        user = urllib.parse.unquote(parts.username or "") or os.environ.get("SCRAPYD_USERNAME", "")
        password = urllib.parse.unquote(parts.password or "") or os.environ.get("SCRAPYD_PASSWORD", "")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.shown = mask_password(url)
        self.project = project
        self.timeout = timeout
        self.auth = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()) if user else None

    def _call(self, endpoint: str, params: list[tuple[str, str]] | None = None, post: bool = False) -> dict:
        data = urllib.parse.urlencode(params or []).encode()
        url = f"{self.base}/{endpoint}"
        if not post and params:
            url += "?" + data.decode()
        req = urllib.request.Request(url, data if post else None)
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                body = json.loads(r.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise ScrapydError(f"scrapyd at {self.shown} refused the credentials (401): set them in the URL "
                                   f"(http://USER:PASSWORD@host:6800) or SCRAPYD_USERNAME/SCRAPYD_PASSWORD") from None
            raise ScrapydError(f"scrapyd at {self.shown}: {endpoint} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScrapydError(f"scrapyd at {self.shown} is unreachable ({reason}): start it (`make scrapyd`) "
                               f"or fix --scrapyd") from None
        if body.get("status") != "ok":
            raise ScrapydError(f"scrapyd at {self.shown}: {endpoint}: {body.get('message', body)}")
        return body

    def check(self) -> None:
        """Reachable, credentials accepted, the project deployed."""
        self._call("daemonstatus.json")
        projects = self._call("listprojects.json").get("projects", [])
        if self.project not in projects:
            raise ScrapydError(f"scrapyd at {self.shown} has no project {self.project!r} "
                               f"(deploy it: scrapyd-deploy; it has {projects})")

    def jobs(self) -> dict[str, list[dict]]:
        """{"pending": [...], "running": [...], "finished": [...]} of the project."""
        return self._call("listjobs.json", [("project", self.project)])

    def schedule(self, spider: str, jobid: str, args: dict, settings: dict) -> str:
        params = [("project", self.project), ("spider", spider), ("jobid", jobid)]
        params += [("setting", f"{k}={v}") for k, v in settings.items()]
        params += [(k, str(v)) for k, v in args.items()]
        return self._call("schedule.json", params, post=True)["jobid"]


    def log_tail(self, log_url: str, max_bytes: int = 64 * 1024) -> str | None:
        """The end of a job's log (scrapyd serves logs_dir), or None when it has none."""
        req = urllib.request.Request(f"{self.base}{log_url}")  # (scrapyd answers a suffix Range with 500)
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                tail = b""
                while chunk := r.read(1 << 20):
                    tail = (tail + chunk)[-max_bytes:]
                return tail.decode("utf-8", "replace")
        except (urllib.error.URLError, OSError):
            return None


def job_started(job: dict) -> datetime | None:
    value = job.get("start_time")
    if not value:
        return None
    try:
        d = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
