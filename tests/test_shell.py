"""newscrawl.extract.shell: app shells (content built later by scripts) told from pages."""
from parsel import Selector

from newscrawl.extract.shell import is_app_shell


def test_an_empty_mount_element_with_scripts_is_an_app_shell():
    shell = "<html><body><div id='__next'></div><script src='/_next/app.js'></script></body></html>"
    assert is_app_shell(Selector(text=shell))
    assert not is_app_shell(Selector(text=shell.replace("<script src='/_next/app.js'></script>", "")))
    other_mount = "<html><body><div id='app-root'></div><noscript>Enable JavaScript to read this page.</noscript>" \
                  "<script type='module'>import('/assets/index.js')</script></body></html>"
    assert is_app_shell(Selector(text=other_mount))  # by what it shows, not by the element's id
    # a site's whole navigation and footer around the empty root: still a candidate (#31); the
    # question is asked only of a page the static layers read no body from
    chrome = shell.replace("<body>", "<body><nav>" + "<a href='/c/'>Section</a> " * 40 + "</nav>")
    assert is_app_shell(Selector(text=chrome))
    data_only = "<html><body><p>Text.</p><script type='application/ld+json'>{}</script></body></html>"
    assert not is_app_shell(Selector(text=data_only))  # structured data is no script that builds a page


def test_the_next_js_data_route_of_a_page():
    from newscrawl.extract.shell import next_build_id, next_data_page, next_data_url
    manifest = Selector(text="<html><body><div id='app-root'></div>"
                             "<script src='/_next/static/b-42/_buildManifest.js'></script></body></html>")
    assert next_build_id(manifest) == "b-42"
    assert next_data_url(manifest, "https://x.test/a-story/") == "https://x.test/_next/data/b-42/a-story.json"
    inline = Selector(text='<script id="__NEXT_DATA__" type="application/json">{"buildId": "abc", "props": {}}</script>')
    assert next_build_id(inline) == "abc"
    fetched = Selector(text="<nav>Home</nav><div id='__next'></div><script>fetch('/_next/data/b-7/a-story.json')"
                            ".then(function (r) { return r.json(); });</script>")
    assert next_build_id(fetched) == "b-7"  # only in the text of the script that fetches it
    assert next_build_id(Selector(text="<script>window.cfg = {'buildId': 'b-8'};</script>")) == "b-8"
    assert next_data_url(Selector(text="<script src='/app.js'></script>"), "https://x.test/a") is None
    assert next_data_url(Selector(text="<script src='/_next/static/../x/_buildManifest.js'></script>"),
                         "https://x.test/a") is None  # no path tricks in a build id
    page = next_data_page({"pageProps": {"article": {"title": "</script><b>x</b>"}}})
    assert page.count("</script>") == 1  # the data cannot close its script element


# ---- hostile input (#32) ----------------------------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .hostile import attr, nasty_text  # noqa: E402


@given(nasty_text, nasty_text, nasty_text)
def test_any_script_or_build_id_gives_a_data_route_of_the_site_or_none(src, inline, build):
    from newscrawl.extract.shell import next_build_id, next_data_url
    script = inline.replace("</", "<\\/")
    page = Selector(text=f"<html><body><div id='__next'></div><script src='{attr(src)}'></script>"
                         f"<script>{script}</script>"
                         f"<script id='__NEXT_DATA__' type='application/json'>{{\"buildId\": {build!r}}}</script>"
                         "</body></html>")
    is_app_shell(page)
    found = next_build_id(page)
    assert found is None or isinstance(found, str)
    url = next_data_url(page, "http://127.0.0.1:8000/a-story")
    assert url is None or url.startswith("http://127.0.0.1:8000/_next/data/")


@given(st.dictionaries(st.sampled_from([b"ETag", b"Last-Modified", b"Content-Type", b"X"]),
                       st.binary(max_size=200), max_size=4))
def test_any_http_validators_are_kept_as_text_or_none(headers):
    from scrapy.http import Response

    from newscrawl.crawl.incremental import validators_of
    found = validators_of(Response("http://127.0.0.1:8000/a", headers=headers))
    assert found is None or all(v is None or isinstance(v, str) for v in found.values())
