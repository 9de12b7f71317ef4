"""The archive's index: CDXJ lines (``surt-key timestamp {json}``), one file beside each WARC
file, sorted as pywb sorts them; and what a crawl or a reparse asks of it: the captures of a
URL, newest first, and the latest capture of every page of a kind."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from surt import surt

logger = logging.getLogger(__name__)
INDEX_SUFFIX = ".cdxj"


@dataclass(frozen=True)
class Capture:
    """Where one record lies: ``filename`` relative to the archive folder, the gzip member at
    ``offset`` of ``length`` bytes; what it holds: the URL's response (``type`` "response") or
    a 304 (``type`` "revisit"), the request's kind and whether a browser rendered it."""
    url: str
    captured_at: datetime
    filename: str
    offset: int
    length: int
    status: int
    type: str = "response"
    kind: str | None = None
    mime: str | None = None
    digest: str | None = None
    rendered: bool = False

    def line(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k not in ("captured_at",) and v not in (None, False)}
        fields["status"] = str(self.status)  # as pywb writes it
        return f"{key_of(self.url)} {self.captured_at:%Y%m%d%H%M%S} {json.dumps(fields, sort_keys=True)}"

    @classmethod
    def from_line(cls, line: str) -> Capture:
        key, stamp, data = line.split(" ", 2)
        fields = json.loads(data)
        when = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        return cls(url=fields["url"], captured_at=when, filename=fields["filename"], offset=int(fields["offset"]),
                   length=int(fields["length"]), status=int(fields.get("status") or 0),
                   type=fields.get("type", "response"), kind=fields.get("kind"), mime=fields.get("mime"),
                   digest=fields.get("digest"), rendered=bool(fields.get("rendered")))

    def location(self) -> dict[str, object]:
        """What a stored article keeps of its page's capture."""
        return {"file": self.filename, "offset": self.offset, "length": self.length,
                "captured_at": f"{self.captured_at:%Y-%m-%dT%H:%M:%SZ}"}


def key_of(url: str) -> str:
    """The URL's sort key (SURT), as pywb and the Wayback Machine write it."""
    try:
        return str(surt(url))
    except ValueError:  # a URL surt cannot read: its own text keeps the line sortable
        return url


_LOADED: dict[Path, tuple[tuple, ArchiveIndex]] = {}  # ArchiveIndex.load's last read, by folder


class ArchiveIndex:
    """The captures of an archive folder (every ``*.cdxj`` under it), read once. A line that
    cannot be read is skipped and counted in ``broken`` (a truncated index after a crash)."""

    def __init__(self, root: Path, captures: Iterable[Capture] = ()):
        self.root = root
        self.by_url: dict[str, list[Capture]] = {}
        self.broken = 0
        for capture in captures:
            self.add(capture)

    @classmethod
    def load(cls, root: Path) -> ArchiveIndex:
        """The folder's index, read once a process while its files stay as they are (a reparse
        reads it in its spider and in the replay middleware); read again once one changes."""
        paths = sorted(root.rglob("*" + INDEX_SUFFIX)) if root.is_dir() else []
        try:
            state: tuple | None = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
        except OSError:  # a file gone while listed: read what is there, remember nothing
            state = None
        cached = _LOADED.get(root)
        if state is not None and cached is not None and cached[0] == state:
            return cached[1]
        index = cls(root)
        for path in paths:
            index.read_file(path)
        for captures in index.by_url.values():
            captures.sort(key=lambda c: (c.captured_at, c.filename, c.offset), reverse=True)
        if state is not None:
            _LOADED.clear()  # one folder's index kept: a process replays one archive
            _LOADED[root] = (state, index)
        return index

    def read_file(self, path: Path) -> None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            logger.warning("Archive index %s unreadable: %s", path, exc)
            self.broken += 1
            return
        for line in lines:
            if not line.strip():
                continue
            try:
                self.add(Capture.from_line(line))
            except (ValueError, KeyError, TypeError):
                self.broken += 1

    def add(self, capture: Capture) -> None:
        self.by_url.setdefault(capture.url, []).append(capture)

    def captures(self, url: str) -> list[Capture]:
        """The URL's responses, newest first (revisits say "not modified" and hold no page)."""
        return [c for c in self.by_url.get(url, []) if c.type == "response"]

    def latest(self, kinds: tuple[str, ...], site: str | None = None, since: datetime | None = None,
               urls: Iterable[str] | None = None, status: int | None = 200) -> Iterator[Capture]:
        """The newest response of every URL whose newest response is of one of these kinds (and
        answered ``status``: a redirect's target is a capture of its own)."""
        wanted = set(urls) if urls is not None else None
        for url in sorted(self.by_url):
            if (wanted is not None and url not in wanted) or (site and not url.startswith(site.rstrip("/") + "/")):
                continue
            found = self.captures(url)
            if found and found[0].kind in kinds and (since is None or found[0].captured_at >= since) \
                    and (status is None or found[0].status == status):
                yield found[0]

    def __len__(self) -> int:
        return sum(len(c) for c in self.by_url.values())
