"""Spill files: articles that could not be written, as JSON Lines, for `newscrawl replay`."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newscrawl.codec import dumps, loads


class SpillFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.count = 0

    def write(self, items: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            for item in items:
                f.write(dumps(item) + "\n")
        self.count += len(items)


def read_spill(path: Path, batch: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Batches of article dicts from a spill (or any JSON Lines export) file."""
    out = []
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(loads(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not a JSON line ({exc})") from None
            if len(out) >= batch:
                yield out
                out = []
    if out:
        yield out
