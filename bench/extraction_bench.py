"""Generic body extraction on pages it has never seen: the third-party benchmark of 181
real news pages in ../shared/benchmarks/article-extraction/ (its own metric, restated in
its README). Measures the whole layered parser and the generic layer alone.

    python bench/extraction_bench.py [path to the benchmark folder]
"""
from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extract import generic  # noqa: E402
from newscrawl.extract.article import ArticleParser, DropPage  # noqa: E402
from newscrawl.extract.common import Ctx, ExtractConfig  # noqa: E402
from newscrawl.urls import SiteRules  # noqa: E402


def shingles(text: str) -> Counter:
    tokens = re.findall(r"\w+", text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def score(truth: str, pred: str) -> tuple[float, float, bool]:
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    prec = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
    rec = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
    exact = re.findall(r"\w+", truth or "") == re.findall(r"\w+", pred or "")
    return prec, rec, exact


def report(name: str, rows: list[tuple[float, float, bool, bool]], ms: float) -> None:
    nonempty = [r for r in rows if r[3]]
    p = sum(r[0] for r in nonempty) / max(1, len(nonempty))
    r = sum(r[1] for r in rows) / len(rows)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = sum(r_[2] for r_ in rows) / len(rows)
    print(f"{name:<34} F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  accuracy {acc:.3f}  {ms:.1f} ms/page")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "benchmarks" / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text())
    results = {"layered parser (all layers)": [], "generic layer alone": []}
    times = {k: 0.0 for k in results}
    for pid, entry in truth.items():
        html = gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
        url = entry["url"]
        rules = SiteRules(url.split("/", 3)[0] + "//" + url.split("/", 3)[2])
        t0 = time.process_time()
        try:
            body = ArticleParser(rules).parse(url, html).body
        except DropPage:
            body = ""
        times["layered parser (all layers)"] += time.process_time() - t0
        t0 = time.process_time()
        gen = generic.extract(Ctx(url, html, rules, ExtractConfig())).get("body", "")
        times["generic layer alone"] += time.process_time() - t0
        for name, pred in (("layered parser (all layers)", body), ("generic layer alone", gen)):
            p, r, exact = score(entry["articleBody"], pred)
            results[name].append((p, r, exact, bool(pred)))
    print(f"{len(truth)} pages of {folder}")
    for name, rows in results.items():
        report(name, rows, times[name] * 1000 / len(rows))


if __name__ == "__main__":
    main()
