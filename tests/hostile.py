"""Hostile input for the property-based tests of every reader of outside input (#32): what
hypothesis generates, and the promise each reader keeps, checked in one place: no exception
escapes but the reader's own documented one, and no input takes over a second.

The profile: 150 examples a test in CI (`NEWSCRAWL_TEST_HYPOTHESIS_EXAMPLES` for a longer run),
a deadline of 1 s an example, the same examples on every run, no database of past failures kept in
the checkout. Exploring: NEWSCRAWL_TEST_HYPOTHESIS_SEED=random NEWSCRAWL_TEST_HYPOTHESIS_EXAMPLES=2000
(each of this session's finds is kept as an @example)."""
from __future__ import annotations

import html
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# derandomized: each test draws the same examples on every run (CI stays reproducible: what a
# run finds, any machine finds); `NEWSCRAWL_TEST_HYPOTHESIS_SEED=random` explores anew
settings.register_profile("newscrawl", max_examples=int(os.environ.get("NEWSCRAWL_TEST_HYPOTHESIS_EXAMPLES", "150")),
                          deadline=1000, database=None, suppress_health_check=[HealthCheck.too_slow],
                          derandomize=os.environ.get("NEWSCRAWL_TEST_HYPOTHESIS_SEED") != "random")
settings.load_profile("newscrawl")

# values seen to break readers elsewhere, mixed into what hypothesis draws
NASTY = ["http://[bad", "http://[::1", "https://", "//", "http:", "javascript:alert(1)", "mailto:", "%", "%zz",
         "http://a b/c", "\x00", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "http://x:99999/",
         "http://x:-1/", "http://user@:80/", "file:///etc/passwd", "\u202e", "a" * 5000, "//[::1]:80/x", " ", "\t\n",
         "http://example.com/" + "%2e%2e/" * 50, "0000-00-00", "2026-13-45T25:61:61+99:99", "9" * 400, "-" * 400,
         "1e309", "NaN", "Infinity", "{{", "}}", "<", "]]>", "&#0;", "&#x110000;", "\r\n\r\n"]

nasty_text = st.one_of(st.text(max_size=300), st.sampled_from(NASTY),
                       st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=40)))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(nasty_text, inner, max_size=4)),
                           max_leaves=20)


def attr(value: str) -> str:
    """A value as an HTML attribute holds it."""
    return html.escape(value, quote=True)
