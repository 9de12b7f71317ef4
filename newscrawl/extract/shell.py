"""Is a page an app shell (its content built later by scripts)? A reading on a parsel Selector."""
from __future__ import annotations


def is_app_shell(selector) -> bool:
    """Scripts and little visible text (under 200 characters outside scripts, styles and
    templates): the content comes later, from the scripts. Asked only of a page the static
    layers found no title or body in; whatever its mount element is called (#__next, #root,
    #app, #app-root, or none)."""
    if not selector.xpath("//script[@src] | //script[not(@type) or @type='module' or @type='text/javascript']"):
        return False
    text = " ".join(t.strip() for t in selector.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::template)"
        " and not(ancestor::noscript)]").getall())
    return len(text.strip()) < 200
