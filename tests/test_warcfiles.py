"""The web archive's files (newscrawl.archive): what the writer leaves passes warcio's own
check, the index finds each record without reading the archive, a record reads back as it was
written, files rotate by size, and a broken file costs its broken records only."""
import gzip
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.archive import ArchiveIndex, ArchiveWriter, BrokenRecord, read_record
from newscrawl.archive.warcfiles import NOT_MODIFIED_PROFILE, prune

WARCIO = Path(sys.executable).parent / "warcio"
WHEN = datetime(2026, 12, 6, 10, 30, 5, tzinfo=timezone.utc)
HTML = [("Content-Type", "text/html; charset=utf-8")]


def page(i: int) -> bytes:
    return f"<html><head><title>Story {i}</title></head><body><p>{'Lenders ' * 50}{i}</p></body></html>".encode()


def write_some(root: Path, n: int = 5, max_bytes: int = 1 << 20) -> ArchiveWriter:
    writer = ArchiveWriter(root, "0123456789abcdef", max_bytes, started=WHEN)
    for i in range(n):
        writer.response(f"http://site.test/story-{i}", 200, HTML, page(i), kind="article_new", when=WHEN)
    return writer


def test_records_pass_warcio_check_and_read_back_as_written(tmp_path):
    writer = write_some(tmp_path)
    zipped = gzip.compress(page(99))
    writer.response("http://site.test/zipped", 200, [*HTML, ("Content-Encoding", "gzip"),
                                                      ("Transfer-Encoding", "chunked")], zipped, kind="article_new")
    writer.not_modified("http://site.test/story-1", [("ETag", '"v1"')], kind="article_revisit")
    writer.response("http://site.test/shell", 200, HTML, b"<html><p>rendered</p></html>", kind="article_render",
                    rendered=True)
    writer.close()
    files = sorted(tmp_path.rglob("*.warc.gz"))
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["20261206T103005-0123456789ab/0123456789ab-00001.warc.gz"]
    check = subprocess.run([str(WARCIO), "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 8  # warcinfo, 7 responses... and the revisit is not checked
    index = ArchiveIndex.load(tmp_path)
    assert len(index) == 8 and index.broken == 0
    record = read_record(tmp_path, index.captures("http://site.test/story-3")[0])
    assert record.status == 200 and record.body == page(3) and ("Content-Type", "text/html; charset=utf-8") in record.headers
    zipped_record = read_record(tmp_path, index.captures("http://site.test/zipped")[0])
    assert zipped_record.body == zipped  # as the site sent it: Scrapy decodes it on replay
    assert ("Content-Encoding", "gzip") in zipped_record.headers
    assert not [h for h in zipped_record.headers if h[0].lower() == "transfer-encoding"]  # stored de-chunked
    revisit = [c for c in index.by_url["http://site.test/story-1"] if c.type == "revisit"]
    assert [c.status for c in revisit] == [304]
    assert NOT_MODIFIED_PROFILE.encode() in gzip.decompress(files[0].read_bytes())
    assert index.captures("http://site.test/story-1")[0].type == "response"  # a 304 holds no page
    assert index.captures("http://site.test/shell")[0].rendered


def test_the_index_is_sorted_cdxj_as_pywb_reads_it(tmp_path):
    write_some(tmp_path).close()
    (index_file,) = tmp_path.rglob("*.cdxj")
    lines = index_file.read_text().splitlines()
    assert lines == sorted(lines) and len(lines) == 5
    key, stamp, data = lines[0].split(" ", 2)
    assert key == "test,site)/story-0" and stamp == "20261206103005" and data.startswith("{")


def test_the_index_is_read_once_while_its_files_stay_as_they_are(tmp_path):
    write_some(tmp_path).close()
    first = ArchiveIndex.load(tmp_path)
    assert ArchiveIndex.load(tmp_path) is first and len(first) == 5  # a reparse's spider and middleware
    later = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    writer = ArchiveWriter(tmp_path, "fedcba9876543210", 1 << 20, started=later)
    writer.response("http://site.test/story-9", 200, HTML, page(9), kind="article_new", when=later)
    writer.close()
    again = ArchiveIndex.load(tmp_path)  # a new index file: read again, the new capture in it
    assert again is not first and len(again) == 6 and again.captures("http://site.test/story-9")


def test_files_rotate_by_size_and_each_record_lies_in_one_file(tmp_path):
    writer = write_some(tmp_path, n=40, max_bytes=2_000)
    writer.close()
    files = sorted(tmp_path.rglob("*.warc.gz"))
    assert len(files) > 5 and all(f.stat().st_size <= 2_000 + 1_000 for f in files)
    index = ArchiveIndex.load(tmp_path)
    assert len(index) == 40
    assert all(read_record(tmp_path, c).body == page(int(c.url.rsplit("-", 1)[1]))
               for captures in index.by_url.values() for c in captures)


def test_a_broken_file_costs_its_broken_records_only(tmp_path):
    write_some(tmp_path, n=6).close()
    (warc,) = tmp_path.rglob("*.warc.gz")
    index = ArchiveIndex.load(tmp_path)
    captures = {c.url: c for cs in index.by_url.values() for c in cs}
    data = bytearray(warc.read_bytes())
    flipped = captures["http://site.test/story-2"]
    for i in range(flipped.offset + 40, flipped.offset + 60):  # bytes flipped inside one gzip member
        data[i] ^= 0xFF
    last = max(captures.values(), key=lambda c: c.offset)
    warc.write_bytes(bytes(data[: last.offset + last.length // 2]))  # and the file cut off in its last record
    with pytest.raises(BrokenRecord) as corrupt:
        read_record(tmp_path, flipped)
    assert corrupt.value.reason == "corrupt"
    with pytest.raises(BrokenRecord) as truncated:
        read_record(tmp_path, last)
    assert truncated.value.reason == "truncated"
    fine = [c for url, c in captures.items() if c not in (flipped, last)]
    assert len(fine) == 4 and all(read_record(tmp_path, c).status == 200 for c in fine)
    (warc.parent / "gone.warc.gz.cdxj").write_text(next(iter(tmp_path.rglob("*00001.warc.gz.cdxj"))).read_text()
                                                   .replace("00001.warc.gz", "00009.warc.gz") + "not a cdxj line\n")
    again = ArchiveIndex.load(tmp_path)
    assert again.broken == 1  # the bad line, skipped
    with pytest.raises(BrokenRecord) as missing:
        read_record(tmp_path, [c for c in again.by_url["http://site.test/story-0"] if "00009" in c.filename][0])
    assert missing.value.reason == "missing_file"


def test_a_record_that_cannot_be_written_leaves_no_half_record(tmp_path):
    writer = write_some(tmp_path, n=2)
    (warc,) = tmp_path.rglob("*.warc.gz")
    size = warc.stat().st_size
    os.chmod(warc, 0o444)
    if os.access(warc, os.W_OK):  # root writes anyway: a file that is a folder fails for everyone
        os.chmod(warc, 0o644)
        warc.unlink()
        warc.mkdir()
        size = None
    from newscrawl.archive import NotArchived
    with pytest.raises(NotArchived) as failed:
        writer.response("http://site.test/late", 200, HTML, page(7))
    assert failed.value.reason in ("not_writable", "os_error")
    if size is not None:
        assert warc.stat().st_size == size


def test_old_runs_are_pruned_and_keep_days_0_keeps_all(tmp_path):
    write_some(tmp_path / "a").close()
    folder = next((tmp_path / "a").iterdir())
    old = time.time() - 10 * 86400
    for f in folder.iterdir():
        os.utime(f, (old, old))
    assert prune(tmp_path / "a", 0) == []
    assert prune(tmp_path / "a", 30) == []
    assert prune(tmp_path / "a", 7) == [folder] and not folder.exists()
