"""Coverage-guided fuzzing (atheris, libFuzzer) of the readers of outside input, for a bounded
time: a listing page, a sitemap, a feed, robots.txt, a date, a byline and an article page built
from the fuzzer's bytes. Any exception but a reader's documented one is a crash: libFuzzer stops,
writes the input to ``crash-*`` in the working directory and exits non-zero.

Usage: python tests/fuzz_readers.py -max_total_time=20 -timeout=1 [-seed=1] [CORPUS_DIR]
(-timeout=1: an input that takes over a second is a crash too.)
(tests/test_hostile.py runs it in CI; every crash found becomes a regression test there.)"""
import sys

import atheris

with atheris.instrument_imports(include=["newscrawl"]):
    from newscrawl.extract.article import ArticleParser, DropPage
    from newscrawl.extract.listing import read_feed, read_listing, read_robots, read_sitemap
    from newscrawl.site.dates import parse_date
    from newscrawl.site.rules import SiteRules
    from newscrawl.site.text import split_byline

BASE = "http://127.0.0.1:8000"
RULES = SiteRules(BASE)
PARSER = ArticleParser(RULES)


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    which = fdp.ConsumeIntInRange(0, 6)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    if which == 0:
        read_listing(BASE + "/category/finance/", f"<main>{text}</main>", RULES)
    elif which == 1:
        try:
            read_sitemap(text.encode("utf-8"))
        except ValueError:  # not XML: the page is dropped as bad_sitemap
            pass
    elif which == 2:
        try:
            read_feed(text.encode("utf-8"))
        except ValueError:  # not XML: bad_feed
            pass
    elif which == 3:
        read_robots(text, BASE)
    elif which == 4:
        parse_date(text)
    elif which == 5:
        split_byline(text)
    else:
        try:
            PARSER.parse(BASE + "/a-story", f"<html><body><article><h1>T</h1>{text}</article></body></html>",
                         report=lambda problem: None)
        except DropPage:
            pass


if __name__ == "__main__":
    one_input(b"\x06<p>warm-up: the parser's first page pays for its imports</p>")
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
