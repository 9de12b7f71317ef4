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
    wordy = shell.replace("</body>", "<p>" + "words " * 60 + "</p></body>")
    assert not is_app_shell(Selector(text=wordy))
