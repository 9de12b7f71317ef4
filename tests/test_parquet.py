"""`newscrawl export --format parquet` (newscrawl.ops.parquet): every article once, every column
typed, the same values as the JSON export, read back by pyarrow as DuckDB or pandas would."""
import json
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from newscrawl.replica import ReplicaServer, ReplicaSite

from .conftest import run_crawl
from .test_cli import newscrawl


def test_parquet_holds_what_jsonl_holds_with_types(tmp_path):
    data = tmp_path / "data"
    with ReplicaServer(ReplicaSite()) as server:
        run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-s", f"NEWSCRAWL_DATA_DIR={data}")
    out = tmp_path / "articles.parquet"
    proc = newscrawl("export", "--data-dir", str(data), "--format", "parquet", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    as_json = [json.loads(line) for line in newscrawl("export", "--data-dir", str(data), "--out", "-").stdout.splitlines()]
    table = pq.read_table(out)
    assert proc.stdout.strip() == f"Exported {len(as_json)} articles to {out}"
    assert table.num_rows == len(as_json) > 10
    schema = table.schema
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("word_count").type == pa.int32()
    assert schema.field("image").type.num_fields == 3
    rows = {r["url"]: r for r in table.to_pylist()}
    assert set(rows) == {d["url"] for d in as_json}
    for d in as_json:
        r = rows[d["url"]]
        assert r["title"] == d["title"] and r["body"] == d["body"] and r["tags"] == d["tags"]
        assert r["published_at"] == datetime.fromisoformat(d["published_at"])
        assert dict(r["extraction"]) == d["extraction"]
        assert r["version"] == d["version"]


def test_parquet_needs_a_file(tmp_path):
    proc = newscrawl("export", "--data-dir", str(tmp_path), "--format", "parquet", "--out", "-")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("newscrawl export: error: --format parquet writes a file: pass --out "
                                   "FILE.parquet")
