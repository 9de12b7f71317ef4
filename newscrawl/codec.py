"""The one JSON form of articles and crawl runs: datetimes as ISO 8601 strings, and back.

Used by the spill files, the embedded SQLite store, the CLI's JSON output and the change
hashes, so an article reads back the same whichever of them wrote it.
"""
from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

# Fields that hold datetimes, at any depth (history entries, crawl runs).
DATE_FIELDS = frozenset({"published_at", "updated_at", "crawled_at", "first_seen_at",
                         "last_seen_at", "changed_at", "started_at", "finished_at", "alive_at",
                         "fetched_at"})


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any, sort_keys: bool = False) -> str:
    """JSON text of an article, a run or any part of one (datetimes as ISO 8601)."""
    return json.dumps(value, ensure_ascii=False, default=_default, sort_keys=sort_keys)


def revive(obj: Any) -> Any:
    """The ISO strings of known date fields turned back into datetimes (recursively)."""
    if isinstance(obj, list):
        return [revive(x) for x in obj]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in DATE_FIELDS and isinstance(v, str):
                try:
                    v = datetime.fromisoformat(v)
                except ValueError:
                    pass
            out[k] = revive(v) if isinstance(v, (dict, list)) else v
        return out
    return obj


def loads(text: str) -> Any:
    return revive(json.loads(text))


def iso(value: Any) -> Any:
    """A datetime as ISO 8601; anything else unchanged (for SQL columns)."""
    return value.isoformat() if isinstance(value, datetime) else value


def write_atomic(path: str | Path, value: Any) -> None:
    """``value`` as JSON into ``path``, atomically: a reader never sees half a file (the
    scheduler's state, a worker's heartbeat)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name of this writer's own: processes in containers on one host network share a hostname
    # (and so a heartbeat's path) and may share pids
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(value, indent=1, default=str))
    tmp.replace(path)
