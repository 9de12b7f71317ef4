"""newscrawl.extract.shell: app shells (content built later by scripts) told from pages."""
from parsel import Selector

from newscrawl.extract.shell import is_app_shell


def test_an_empty_mount_element_with_scripts_is_an_app_shell():
    shell = "<html><body><div id='__next'></div><script src='/_next/app.js'></script></body></html>"
    assert is_app_shell(Selector(text=shell))
    assert not is_app_shell(Selector(text=shell.replace("<script src='/_next/app.js'></script>", "")))
    rendered = shell.replace("<div id='__next'></div>", "<div id='__next'><h1>Banks</h1><p>Text.</p></div>")
    assert not is_app_shell(Selector(text=rendered))
    wordy = shell.replace("</body>", "<p>" + "words " * 60 + "</p></body>")
    assert not is_app_shell(Selector(text=wordy))
