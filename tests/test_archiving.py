"""The web archive of a real crawl of the replica (newscrawl.crawl.archiving): every answer the
replica's request log shows is a record (robots.txt, listings, sitemaps, feeds, articles; a 304
as a revisit), each stored article points to its page's record, a page a browser rendered is kept
as rendered; and a full disk or an unwritable folder costs the archive, never an article."""
import gzip
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse

from newscrawl import __version__
from newscrawl.archive import ArchiveIndex, read_record
from newscrawl.crawl.rendering import find_browser
from newscrawl.replica import ReplicaServer, ReplicaSite, expected_articles
from newscrawl.replica.js import APP_SHELL

from .conftest import ROOT, run_crawl
from .redis_server import free_port

WARCIO = Path(sys.executable).parent / "warcio"


def archive_of(result_dir: Path) -> Path:
    return result_dir / "data" / "archive"


def last_out(tmp_path: Path) -> Path:
    return sorted(tmp_path.glob("crawl-*"))[-1]


def test_every_answer_the_site_gave_is_a_record_and_every_article_points_to_its_page(fresh_replica, tmp_path):
    site, base = fresh_replica.site, fresh_replica.base_url
    result = run_crawl(tmp_path, "-a", f"base_url={base}")
    root = archive_of(last_out(tmp_path))
    index = ArchiveIndex.load(root)
    seen = Counter((r.path, r.status) for r in site.requests)  # the replica's side
    archived = Counter((urlsplit(c.url).path + (f"?{urlsplit(c.url).query}" if urlsplit(c.url).query else ""), c.status)
                       for captures in index.by_url.values() for c in captures)
    assert archived == seen and result.stats["newscrawl/archive/records"] == sum(seen.values())
    kinds = Counter(c.kind for captures in index.by_url.values() for c in captures)
    assert {"robots", "listing", "sitemap", "feed", "article_new"} <= set(kinds), kinds
    files = sorted(root.rglob("*.warc.gz"))
    check = subprocess.run([str(WARCIO), "check", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    by_place = {(c.filename, c.offset): c for captures in index.by_url.values() for c in captures}
    assert result.stats["newscrawl/archive/bytes"] == sum(c.length for c in by_place.values())
    warcinfo = {f: min(o for (name, o) in by_place if name == f) for f in {name for name, _ in by_place}}
    assert sum(f.stat().st_size for f in files) == result.stats["newscrawl/archive/bytes"] + sum(warcinfo.values())
    expected = expected_articles(site, base)
    assert set(result.by_url) == set(expected)
    for item in result.by_url.values():
        capture = by_place[(item["archived"]["file"], item["archived"]["offset"])]
        record = read_record(root, capture)
        page = HtmlResponse(capture.url, body=decoded(record), headers=dict(record.headers))
        text = " ".join(page.xpath("string(//body)").get().split())
        assert " ".join(item["title"].split()[:4]) in text, capture.url  # the article's own page
        assert item["parser"].startswith(f"{__version__}/")
    assert "Run check passed: web archive: " in result.log and "responses archived, 0 not" in result.log


def decoded(record) -> bytes:
    encoding = dict((k.lower(), v) for k, v in record.headers).get("content-encoding", "")
    return gzip.decompress(record.body) if "gzip" in encoding else record.body


def test_a_304_is_kept_as_a_revisit_record(fresh_replica, tmp_path):
    base = fresh_replica.base_url
    data = tmp_path / "data"
    run_crawl(tmp_path, "-a", f"base_url={base}", "-s", f"NEWSCRAWL_DATA_DIR={data}")
    fresh_replica.site.reset_log()
    run_crawl(tmp_path, "-a", f"base_url={base}", "-s", f"NEWSCRAWL_DATA_DIR={data}")  # incremental: 304s
    not_modified = sum(1 for r in fresh_replica.site.requests if r.status == 304)
    assert not_modified > 0
    index = ArchiveIndex.load(data / "archive")
    revisits = [c for captures in index.by_url.values() for c in captures if c.type == "revisit"]
    assert len(revisits) == not_modified and {c.status for c in revisits} == {304}
    assert len({c.filename.split("/")[0] for cs in index.by_url.values() for c in cs}) == 2  # a folder per run


def test_a_page_a_browser_rendered_is_kept_as_rendered(tmp_path):
    if find_browser() is None:
        pytest.fail("no Chromium: apt-get install -y chromium (.ci/run does it)")
    with ReplicaServer(ReplicaSite(js=True)) as server:
        result = run_crawl(tmp_path, "-a", f"base_url={server.base_url}")
    root = archive_of(last_out(tmp_path))
    index = ArchiveIndex.load(root)
    shell = index.captures(f"{server.base_url}{APP_SHELL}")
    rendered = [c for c in shell if c.rendered]
    assert rendered and not all(c.rendered for c in shell)  # the empty shell as served, and as rendered
    body = read_record(root, rendered[0]).body
    assert b"Markets wrap built in the browser" in body  # the text the script put there
    item = result.by_url[f"{server.base_url}{APP_SHELL}"]
    assert item["archived"]["file"] == rendered[0].filename and item["archived"]["offset"] == rendered[0].offset


def full_disk(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (root only): a real full disk."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    path.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)


@pytest.mark.parametrize("fault", ["disk_full", "not_writable"])
def test_a_failing_archive_costs_the_archive_not_one_article(fresh_replica, tmp_path, fault):
    base = fresh_replica.base_url
    folder = tmp_path / "archive"
    if fault == "disk_full":
        full_disk(folder, "48k")  # room for the first few records, not for the crawl's
    else:
        folder.write_text("a file where the archive's folder should be")  # mkdir fails: not a directory
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={base}", "-s", f"NEWSCRAWL_ARCHIVE_DIR={folder}", check=False)
    finally:
        if fault == "disk_full":
            subprocess.run(["umount", str(folder)], check=False)
    assert set(result.by_url) == set(expected_articles(fresh_replica.site, base))  # every article stored
    stats = result.stats
    assert stats[f"newscrawl/archive/not_archived/{fault}"] > 0
    assert stats.get("newscrawl/archive/records", 0) + stats[f"newscrawl/archive/not_archived/{fault}"] == \
        len(fresh_replica.site.requests)
    # degraded, saying why (crawl_runner keeps Scrapy's exit code; `scrapy crawl` exits 3: test_outcome)
    (status_line,) = [x for x in result.log.splitlines() if "status degraded (exit code 3)" in x]
    assert "web archive: " in status_line and f"({fault} " in status_line
    assert "Traceback" not in result.log


def test_with_the_archive_off_nothing_is_written(replica, tmp_path):
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}", "-s", "NEWSCRAWL_ARCHIVE=0")
    assert not archive_of(last_out(tmp_path)).exists()
    assert not [k for k in result.stats if k.startswith("newscrawl/archive/")]
    assert all(item.get("archived") is None for item in result.items)


PYWB = ROOT / ".venv-pywb" / "bin" / "wayback"


def test_pywb_replays_an_archived_article_from_our_own_index(replica, tmp_path):
    """Interoperability: Webrecorder's pywb serves an article page from our WARC files through
    our CDXJ index (no reindexing), as the archive was written."""
    if not PYWB.exists():
        if os.environ.get("NEWSCRAWL_TEST_REQUIRE_PYWB") == "1":
            pytest.fail("no pywb: bash scripts/system-deps.sh installs .venv-pywb")
        pytest.skip("no pywb: bash scripts/system-deps.sh installs .venv-pywb")
    result = run_crawl(tmp_path, "-a", f"base_url={replica.base_url}")
    root = archive_of(last_out(tmp_path))
    collection = tmp_path / "pywb" / "collections" / "news"
    shutil.copytree(root, collection / "archive")
    (collection / "indexes").mkdir()
    (collection / "indexes" / "index.cdxj").write_text(
        "".join(sorted(line + "\n" for f in root.rglob("*.cdxj") for line in f.read_text().splitlines())))
    port = free_port()
    server = subprocess.Popen([str(PYWB), "-p", str(port), "-b", "127.0.0.1"], cwd=tmp_path / "pywb",
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url, item = next(iter(sorted(result.by_url.items())))
        stamp = item["archived"]["captured_at"].replace("-", "").replace("T", "").replace(":", "").rstrip("Z")
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/{stamp}id_/{url}", timeout=5) as r:
                    body = gzip.decompress(raw) if (raw := r.read())[:2] == b"\x1f\x8b" else raw
                break
            except OSError:
                time.sleep(0.1)
        text = " ".join(HtmlResponse(url, body=body).xpath("string(//body)").get().split())
        assert " ".join(item["body"].split()[:12]) in text  # the article's own words, replayed by pywb
    finally:
        server.terminate()
        server.wait(10)
