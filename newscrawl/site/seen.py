"""A compact set of URLs seen in this run: 64-bit hashes in an open-addressing table.

About 16 bytes per URL (1M URLs: ~16 MiB), against ~150 bytes for a set of URL strings.
Two URLs share a 64-bit hash with a chance of about 3e-8 in a run of a million.
"""
from __future__ import annotations

import hashlib
from array import array


def url_hash(url: str) -> int:
    h = int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "little")
    return h or 1  # 0 marks an empty slot


class SeenUrls:
    def __init__(self, capacity: int = 1 << 16):
        size = 1
        while size < capacity * 2:
            size <<= 1
        self._table = array("Q", bytes(8 * size))
        self._mask = size - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, url: str) -> bool:
        """Add ``url``; False if it was already there."""
        return self.add_hash(url_hash(url))

    def __contains__(self, url: str) -> bool:
        return self.has_hash(url_hash(url))

    def _slot(self, h: int) -> int:
        """Index of ``h`` in the table, or of the empty slot where it would go."""
        table, mask = self._table, self._mask
        i = h & mask
        while table[i] and table[i] != h:
            i = (i + 1) & mask
        return i

    def has_hash(self, h: int) -> bool:
        return self._table[self._slot(h)] == h

    def add_hash(self, h: int) -> bool:
        """Add a non-zero 64-bit hash; False if it was already there."""
        i = self._slot(h)
        if self._table[i] == h:
            return False
        self._table[i] = h
        self._count += 1
        if self._count * 2 > len(self._table):
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._table
        self._table = array("Q", bytes(8 * len(old) * 2))
        self._mask = len(self._table) - 1
        table, mask = self._table, self._mask
        for h in old:
            if h:
                i = h & mask
                while table[i]:
                    i = (i + 1) & mask
                table[i] = h

    @property
    def nbytes(self) -> int:
        return self._table.itemsize * len(self._table)


class Memo:
    """A bounded memo of ``fn(key)`` in two generations: when the young one holds ``size``
    keys it becomes the old one (the previous old one goes); a key found old comes back young.
    What is used keeps being remembered, at the cost of one dict lookup, without an LRU's
    bookkeeping; at most 2 x ``size`` keys."""

    def __init__(self, fn, size: int):
        self.fn = fn
        self.size = size
        self.young: dict = {}
        self.old: dict = {}

    def __call__(self, key):
        value = self.young.get(key, _MISSING)
        if value is _MISSING:
            value = self.old.get(key, _MISSING)
            if value is _MISSING:
                value = self.fn(key)
            if len(self.young) >= self.size:
                self.old, self.young = self.young, {}
            self.young[key] = value
        return value


_MISSING = object()
