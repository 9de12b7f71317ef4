"""`newscrawl export --format parquet`: the articles as one Parquet file with every column typed
(timestamps in UTC, lists, structs, a map for `extraction`), for DuckDB, pandas and Spark.

pyarrow writes it (an optional extra: ``pip install 'newscrawl[parquet]'``), in row groups of
``BATCH`` articles, so memory stays flat on a large store."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

BATCH = 2_000


class ParquetUnavailable(RuntimeError):
    """pyarrow is not installed."""


def schema():
    try:
        import pyarrow as pa
    except ImportError:
        raise ParquetUnavailable("--format parquet needs pyarrow: pip install 'newscrawl[parquet]'") from None
    text, when = pa.string(), pa.timestamp("us", tz="UTC")
    return pa.schema([
        ("url", text), ("title", text), ("category", text),
        ("breadcrumbs", pa.list_(pa.struct([("name", text), ("url", text)]))),
        ("tags", pa.list_(text)), ("authors", pa.list_(text)), ("publisher", text), ("source", text),
        ("published_at", when), ("updated_at", when), ("read_time_minutes", pa.int32()),
        ("summary", text), ("body", text), ("key_takeaways", pa.list_(text)),
        ("faq", pa.list_(pa.struct([("question", text), ("answer", text)]))),
        ("image", pa.struct([("url", text), ("caption", text), ("alt", text)])),
        ("related_urls", pa.list_(text)), ("language", text), ("word_count", pa.int32()),
        ("content_hash", text), ("crawled_at", when), ("extraction", pa.map_(text, text)),
        ("freshness", pa.struct([("from", text), ("date_only", pa.bool_()), ("lag_s", pa.float64())])),
        ("first_seen_at", when), ("last_seen_at", when), ("version", pa.int32()),
        # old values of the changed fields: their types differ field by field, so JSON text
        ("history", pa.list_(pa.struct([("changed_at", when), ("version", pa.int32()), ("fields", text)]))),
    ])


def _row(doc: dict[str, Any]) -> dict[str, Any]:
    row = dict(doc)
    row["extraction"] = list((row.get("extraction") or {}).items())
    row["history"] = [{"changed_at": h.get("changed_at"), "version": h.get("version"),
                       "fields": json.dumps(h.get("fields"), default=str, ensure_ascii=False)}
                      for h in row.get("history") or []]
    return row


def write_parquet(docs: Iterable[dict[str, Any]], path: str) -> int:
    """Every article of ``docs`` into ``path``; how many."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    sch = schema()
    names = sch.names
    n = 0
    with pq.ParquetWriter(path, sch, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for doc in docs:
            batch.append(_row(doc))
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist([{k: r.get(k) for k in names} for r in batch], schema=sch))
                n, batch = n + len(batch), []
        if batch or not n:
            writer.write_table(pa.Table.from_pylist([{k: r.get(k) for k in names} for r in batch], schema=sch))
            n += len(batch)
    return n
