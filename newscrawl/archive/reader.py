"""Reading one record back: the gzip member at a capture's offset, parsed by warcio. A record
that cannot be read (a truncated file, flipped bytes) is a :class:`BrokenRecord` with the
reason, never a crash of the reader."""
from __future__ import annotations

import base64
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newscrawl.archive.index import Capture


class BrokenRecord(Exception):
    """The record cannot be read: ``reason`` in a word (missing_file, truncated, corrupt)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class Record:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    capture: Capture


def read_record(root: Path, capture: Capture) -> Record:
    """The response a capture points to, its body as the site sent it (content-encoded, as
    its headers say); BrokenRecord when it cannot be read whole or its digest differs."""
    path = root / capture.filename
    try:
        with open(path, "rb") as fh:
            fh.seek(capture.offset)
            data = fh.read(capture.length)
    except OSError as exc:
        raise BrokenRecord("missing_file", str(exc)) from None
    if len(data) < capture.length:
        raise BrokenRecord("truncated", f"{path.name}: {len(data)} of {capture.length} bytes at {capture.offset}")
    where = f"{capture.filename} at {capture.offset}"
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in ("response", "revisit"):
                continue
            if record.rec_headers.get_header("WARC-Target-URI") != capture.url:
                raise BrokenRecord("corrupt", f"{where} holds another URL")
            body = record.raw_stream.read()
            if capture.digest and record.rec_type == "response" and digest_of(body) != capture.digest:
                raise BrokenRecord("corrupt", f"{where}: the payload's digest differs")
            http = record.http_headers
            status = int(http.get_statuscode()) if http is not None else capture.status
            return Record(capture.url, status, list(http.headers) if http is not None else [], body, capture)
    except (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError) as exc:
        raise BrokenRecord("corrupt", f"{where}: {exc}") from None
    raise BrokenRecord("corrupt", f"{where}: no response record there")


def digest_of(payload: bytes) -> str:
    """WARC-Payload-Digest as warcio writes it: SHA-1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
