"""Is a page an app shell (its content built later by scripts)? A reading on a parsel Selector."""
from __future__ import annotations


def is_app_shell(selector) -> bool:
    """An empty root element (#__next, #root, #app), scripts and little text: the content
    comes later, from the scripts (the page needs rendering)."""
    if not selector.xpath("//script[@src]"):
        return False
    roots = selector.xpath('//body//*[@id="__next" or @id="root" or @id="app"]')
    if not roots or any(r.xpath("string(.)").get().strip() for r in roots):
        return False
    text = " ".join(t.strip() for t in selector.xpath("//body//text()[not(ancestor::script)]").getall())
    return len(text.strip()) < 200
