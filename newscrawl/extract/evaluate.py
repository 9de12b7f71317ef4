"""The article-body metric of the third-party benchmark in ../shared/benchmarks/article-extraction/
(its README restates it), shared by bench/extraction_bench.py and the quality gate in tests/;
and how a title, authors and a date are compared with hand-written expected values
(tests/foreign/README.md)."""
from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


@dataclass
class PageScore:
    precision: float
    recall: float
    exact: bool
    predicted: bool  # an empty prediction lowers recall only


def score(truth: str, pred: str) -> PageScore:
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    perfect = fp == 0 and fn == 0
    prec = 1.0 if perfect else (tp / (tp + fp) if tp + fp else 0.0)
    rec = 1.0 if perfect else (tp / (tp + fn) if tp + fn else 0.0)
    exact = _TOKEN.findall(truth or "") == _TOKEN.findall(pred or "")
    return PageScore(prec, rec, exact, bool(pred and pred.strip()))


@dataclass
class CorpusScore:
    f1: float
    precision: float
    recall: float
    accuracy: float
    pages: int


def corpus(scores: list[PageScore]) -> CorpusScore:
    predicted = [s for s in scores if s.predicted]
    p = sum(s.precision for s in predicted) / max(1, len(predicted))
    r = sum(s.recall for s in scores) / max(1, len(scores))
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = sum(s.exact for s in scores) / max(1, len(scores))
    return CorpusScore(f1, p, r, acc, len(scores))


def benchmark_pages(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(url, html, true body) of every page of the benchmark folder."""
    truth = json.loads((folder / "ground-truth.json").read_text())
    for pid, entry in sorted(truth.items()):
        yield entry["url"], page_html(folder, pid), entry["articleBody"]


def page_html(folder: Path, pid: str) -> str:
    """The markup of the benchmark's page ``pid``."""
    return gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")


# curly quotes as straight ones, the low ones that open a German quote too ("„...“", "‚...‘")
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
                             "\u00a0": " "})


def same_text(want: str | None, got: str | None) -> bool:
    """Equal after NFKC, curly quotes and dashes as straight ones, white space and case aside."""
    def norm(s: str | None) -> str:
        return " ".join(unicodedata.normalize("NFKC", s or "").translate(_TYPOGRAPHY).split()).casefold()
    return norm(want) == norm(got)


def same_people(want: list[str], got: list[str] | None) -> bool:
    """The same names, in any order, case and a closing full stop aside ("Perry Bacon Jr.")."""
    def names(people: list[str]) -> list[str]:
        return sorted(" ".join(n.split()).rstrip(".").casefold() for n in people)
    return names(want) == names(got or [])


def same_time(want: str, got: datetime | None) -> bool:
    """``want`` is a UTC minute ("2019-11-19T13:40") or a day ("2019-11-18")."""
    if got is None:
        return False
    return got.strftime("%Y-%m-%dT%H:%M" if "T" in want else "%Y-%m-%d") == want


def same_day(want: str, got: datetime | None) -> bool:
    """``want`` is the day a page shows ("2019-08-02"), in the page's zone, which the label does
    not give: ``got`` falls on that calendar day somewhere on Earth (UTC-12 to UTC+14)."""
    if got is None:
        return False
    start = datetime.fromisoformat(want).replace(tzinfo=timezone.utc)
    return start - timedelta(hours=14) <= got < start + timedelta(days=1, hours=12)


def heldout_pages(folder: Path) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """(url, markup as bytes, expected values) of the held-out pages (tests/heldout)."""
    for name, entry in sorted(json.loads((folder / "expected.json").read_text()).items()):
        yield entry["url"], gzip.decompress((folder / "pages" / f"{name}.html.gz").read_bytes()), entry


def labelled_pages(expected: Path, benchmark: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(url, html, expected values) of every page labelled in ``expected`` (tests/foreign)."""
    for pid, entry in json.loads(expected.read_text()).items():
        yield entry["url"], page_html(benchmark, pid), entry
