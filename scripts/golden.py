"""Expected JSON of every field for each saved article page (tests/golden/<page>.json).

    python scripts/golden.py                    # regenerate every golden file from its page
    python scripts/golden.py --add PAGE URL     # a new one: tests/html/PAGE fetched at URL
    python scripts/golden.py --check            # exit 1 when a golden file differs

A golden file holds the page, the URL it was fetched at and either the article as the
pipelines store it (parsed, then validated and normalized by newscrawl.process.prepare: every field
but crawled_at) or the reason the page is dropped. Fields the page does not have are listed
in "none_on_page": tests/test_golden.py refuses an empty field that is not listed there, and
a key that is missing. Read the diff before committing regenerated files: it is the parser's
behaviour changing.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl import codec  # noqa: E402
from newscrawl.conf import default  # noqa: E402
from newscrawl.extract.article import ArticleParser, DropPage  # noqa: E402
from newscrawl.process.prepare import Prepare, Rejected  # noqa: E402
from newscrawl.site.rules import SiteRules  # noqa: E402

HTML = ROOT / "tests" / "html"
GOLDEN = ROOT / "tests" / "golden"
NOT_COMPARED = ("crawled_at", "http_cache", "archived", "parser")  # the fetch's (clock, server, archive, code), not the page's


def empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def golden_of(page: str, url: str) -> dict:
    """What the parser reads from tests/html/<page> fetched at ``url``, as a golden file."""
    parts = urlsplit(url)
    parser = ArticleParser(SiteRules(f"{parts.scheme}://{parts.netloc}"))
    out: dict = {"page": page, "url": url}
    try:
        article = parser.parse(url, (HTML / page).read_text(encoding="utf-8"))
    except DropPage as exc:
        out["dropped"] = exc.reason
        return out
    try:
        stored = Prepare(default("NEWSCRAWL_DEFAULT_LANGUAGE"))(asdict(article))
    except Rejected as exc:
        out["dropped"] = f"rejected: {exc.reason}"
        return out
    fields = {k: v for k, v in stored.items() if k not in NOT_COMPARED}
    out["article"] = json.loads(codec.dumps(fields))
    out["none_on_page"] = sorted(k for k, v in fields.items() if empty(v))
    return out


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--add", nargs=2, metavar=("PAGE", "URL"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    if args.add:
        page, url = args.add
        if not (HTML / page).is_file():
            ap.error(f"no page tests/html/{page}")
        path = GOLDEN / (Path(page).stem + ".json")
        write(path, golden_of(page, url))
        print(f"wrote {path.relative_to(ROOT)}")
        return 0
    differ = 0
    for path in sorted(GOLDEN.glob("*.json")):
        old = json.loads(path.read_text(encoding="utf-8"))
        new = golden_of(old["page"], old["url"])
        if new != old:
            differ += 1
            print(f"{'differs' if args.check else 'updated'}: {path.relative_to(ROOT)}")
            if not args.check:
                write(path, new)
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    sys.exit(main())
