"""Writing the archive: WARC records of the responses a crawl receives, one gzip member each,
in files rotated by size under one folder per run, each with its CDXJ index beside it.

A record is built in memory and written with one call, so that a failed write (a full disk)
is cut off again and never leaves half a record for a reader to trip on."""
from __future__ import annotations

import errno
import io
import logging
import os
import shutil
import time
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl import __version__
from newscrawl.archive.index import INDEX_SUFFIX, Capture

logger = logging.getLogger(__name__)
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
RENDERED_HEADER = "WARC-Newscrawl-Rendered"  # an extension field: the page as a browser left it
KIND_HEADER = "WARC-Newscrawl-Kind"  # the request's kind (article, listing, sitemap, ...)
HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}  # the body is stored de-chunked


class NotArchived(Exception):
    """A record could not be written (a full disk, an unwritable folder): the reason, in a word."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def reason_of(exc: OSError) -> str:
    return {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EACCES: "not_writable",
            errno.EROFS: "not_writable", errno.ENOTDIR: "not_writable", errno.EPERM: "not_writable"}.get(
        exc.errno or 0, "os_error")


class ArchiveWriter:
    """The WARC files of one run: ``root/<started>-<run id>/<run id>-00001.warc.gz`` and on."""

    def __init__(self, root: Path, run_id: str, max_bytes: int, started: datetime | None = None):
        started = started or datetime.now(timezone.utc)
        self.root = root
        self.run_id = run_id
        self.folder = root / f"{started:%Y%m%dT%H%M%S}-{run_id[:12]}"
        self.max_bytes = max_bytes
        self.seq = 0
        self.path: Path | None = None
        self.records = 0
        self.bytes = 0

    # ---- records -------------------------------------------------------------------------
    def response(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes, *,
                 kind: str | None = None, rendered: bool = False, when: datetime | None = None) -> Capture:
        """A response record of what the site answered (a browser's rendered page when ``rendered``)."""
        when = when or datetime.now(timezone.utc)
        http = StatusAndHeaders(status_line(status), [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP],
                                protocol="HTTP/1.1")
        extra = {KIND_HEADER: kind} if kind else {}
        if rendered:
            extra[RENDERED_HEADER] = "browser"
        return self._write(url, "response", when, io.BytesIO(body), http, extra, kind, rendered, status)

    def not_modified(self, url: str, headers: list[tuple[str, str]], *, kind: str | None = None,
                     when: datetime | None = None) -> Capture:
        """A 304: a revisit record (profile server-not-modified), no payload."""
        when = when or datetime.now(timezone.utc)
        http = StatusAndHeaders(status_line(304), [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP],
                                protocol="HTTP/1.1")
        extra = {"WARC-Profile": NOT_MODIFIED_PROFILE, **({KIND_HEADER: kind} if kind else {})}
        return self._write(url, "revisit", when, io.BytesIO(b""), http, extra, kind, False, 304)

    def _write(self, url: str, record_type: str, when: datetime, payload: io.BytesIO, http: StatusAndHeaders,
               extra: dict[str, str], kind: str | None, rendered: bool, status: int) -> Capture:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        record = writer.create_warc_record(url, record_type, payload=payload, http_headers=http,
                                           warc_headers_dict={"WARC-Date": warc_date(when), **extra})
        writer.write_record(record)
        data = buffer.getvalue()
        path = self._file_for(len(data))
        offset = self._append(path, data)
        mime = (http.get_header("Content-Type") or "").split(";")[0].strip() or None
        capture = Capture(url=url, captured_at=when.replace(microsecond=0), filename=str(path.relative_to(self.root)),
                          offset=offset, length=len(data), status=status, type=record_type, kind=kind, mime=mime,
                          digest=record.rec_headers.get_header("WARC-Payload-Digest"), rendered=rendered)
        self._append(path.with_name(path.name + INDEX_SUFFIX), (capture.line() + "\n").encode())
        self.records += 1
        self.bytes += len(data)
        return capture

    # ---- files ---------------------------------------------------------------------------
    def _file_for(self, size: int) -> Path:
        if self.path is None or (self.path.stat().st_size + size > self.max_bytes and self.path.stat().st_size):
            self._rotate()
        assert self.path is not None
        return self.path

    def _rotate(self) -> None:
        self.close()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.seq += 1
            self.path = self.folder / f"{self.run_id[:12]}-{self.seq:05d}.warc.gz"
            buffer = io.BytesIO()
            writer = WARCWriter(buffer, gzip=True)
            writer.write_record(writer.create_warcinfo_record(self.path.name, {
                "software": f"newscrawl/{__version__} (warcio)", "format": "WARC File Format 1.1",
                "isPartOf": self.folder.name}))
            self.path.write_bytes(buffer.getvalue())
        except OSError as exc:
            self.path = None
            raise NotArchived(reason_of(exc), str(exc)) from None

    @staticmethod
    def _append(path: Path, data: bytes) -> int:
        """Write ``data`` at the end of ``path`` in one call; cut off again if it fails."""
        try:
            with open(path, "ab") as fh:
                offset = fh.tell()
                try:
                    fh.write(data)
                    fh.flush()
                except OSError:
                    fh.truncate(offset)
                    raise
            return offset
        except OSError as exc:
            raise NotArchived(reason_of(exc), str(exc)) from None

    def close(self) -> None:
        """Sort the current file's index, as pywb reads it (a crash leaves it unsorted: still read)."""
        if self.path is None:
            return
        index = self.path.with_name(self.path.name + INDEX_SUFFIX)
        try:
            lines = sorted(index.read_text().splitlines()) if index.exists() else []
            tmp = index.with_name(index.name + f".{os.getpid()}.tmp")
            tmp.write_text("".join(line + "\n" for line in lines))
            tmp.replace(index)
        except OSError as exc:
            logger.warning("Could not sort the archive index %s: %s", index, exc)
        self.path = None


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prune(root: Path, keep_days: float, now: float | None = None) -> list[Path]:
    """Remove the run folders nothing was written to for ``keep_days`` (0: keep every one)."""
    if keep_days <= 0 or not root.is_dir():
        return []
    cutoff = (now if now is not None else time.time()) - keep_days * 86400
    removed = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        newest = max((f.stat().st_mtime for f in folder.iterdir()), default=folder.stat().st_mtime)
        if newest < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
