"""newscrawl.ops.dashboard and `newscrawl dashboard`: the report served live, with a search and
basic auth, loaded in Debian's chromium (headless)."""
import base64
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from newscrawl.ops.dashboard import Dashboard
from newscrawl.store.sqlite import SQLiteStore

from .conftest import ROOT
from .report_history import ARTIFACTS, HOSTILE, browser_page
from .test_report import crawled  # noqa: F401 (the fixture: a real crawl plus history)


def serve(store, **kw) -> Dashboard:
    server = Dashboard(("127.0.0.1", 0), store, **kw)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def url_of(server: Dashboard, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_the_dashboard_in_a_browser(crawled, tmp_path):  # noqa: F811
    data, _ = crawled
    store = SQLiteStore(data / "newscrawl.sqlite3", readonly=True)
    server = serve(store)
    try:
        with browser_page() as (page, errors):
            page.goto(url_of(server))
            assert errors == []
            assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "30"
            assert page.locator("svg.chart").count() >= 8
            assert page.locator("#runs tbody tr").count() == 41
            assert HOSTILE in page.locator("#latest tbody tr").first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
            page.fill('input[name="q"]', "Harbour")
            page.click('button[type="submit"]')
            page.wait_for_selector("#found")
            found = page.locator("#found tbody tr")
            assert found.count() >= 1 and all("Harbour" in t for t in found.all_inner_texts())
            assert page.locator('meta[http-equiv="refresh"]').count() == 0  # a search stays put
            page.goto(url_of(server, "/?q=" + "%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E"))
            assert page.evaluate("window.__pwned") is None and errors == []
            page.screenshot(path=str(ARTIFACTS / "dashboard-search.png"))
    finally:
        server.shutdown()
        store.close()


def test_basic_auth_when_a_password_is_set(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.ensure_indexes()
    server = serve(store, password="s3cret")
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url_of(server))
        assert err.value.code == 401 and "Basic" in err.value.headers["WWW-Authenticate"]
        wrong = urllib.request.Request(url_of(server), headers={
            "Authorization": "Basic " + base64.b64encode(b"newscrawl:guess").decode()})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(wrong)
        right = urllib.request.Request(url_of(server), headers={
            "Authorization": "Basic " + base64.b64encode(b"newscrawl:s3cret").decode()})
        with urllib.request.urlopen(right) as r:
            page = r.read()
            assert r.status == 200 and b"No crawl run recorded yet" in page
        head = urllib.request.Request(url_of(server), headers=right.headers, method="HEAD")
        with urllib.request.urlopen(head) as r:  # what GET answers, without the body
            assert r.status == 200 and r.read() == b"" and int(r.headers["Content-Length"]) > 0
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(url_of(server, "/nothing"), headers=right.headers))
        assert err.value.code == 404
    finally:
        server.shutdown()
        store.close()


def test_bound_beyond_loopback_without_a_password_it_warns(tmp_path):
    store = SQLiteStore(tmp_path / "newscrawl.sqlite3")
    store.ensure_indexes()
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl", "dashboard", "--host", "0.0.0.0", "--port", "0",
                             "--data-dir", str(tmp_path), "--store", "embedded"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "Dashboard of sqlite" in proc.stdout.readline()
        proc.terminate()
        _, err = proc.communicate(timeout=20)
        assert "bound to 0.0.0.0 without NEWSCRAWL_DASHBOARD_PASSWORD" in err
    finally:
        proc.kill()


def test_a_missing_store_or_a_busy_port_is_one_line(tmp_path):
    from newscrawl.ops import cli
    assert cli.main(["dashboard", "--data-dir", str(tmp_path / "none"), "--store", "embedded"]) == 1
