"""newscrawl.process.prepare: the crawl's validate+normalize chain, shared by `newscrawl replay`."""
from datetime import datetime, timezone

from newscrawl.ops import cli
from newscrawl.process.prepare import Prepare
from newscrawl.store import Filters
from newscrawl.store.spill import SpillFile
from newscrawl.store.sqlite import SQLiteStore

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def test_replay_normalizes_with_the_configured_settings(tmp_path, capsys):
    raw = {"url": BASE + "/a-wire-story", "title": "A wire story", "body": "Text of the story.",
           "published_at": datetime(2026, 3, 1, tzinfo=UTC), "authors": ["Jane\u00a0Doe", "Jane Doe"],
           "language": None, "crawled_at": datetime(2026, 3, 1, 1, tzinfo=UTC)}
    settings = ["NEWSCRAWL_DEFAULT_LANGUAGE=fr"]
    from scrapy.settings import Settings
    crawled = Prepare.from_settings(Settings({k: v for k, v in (p.split("=", 1) for p in settings)}))(raw)
    assert crawled["language"] == "fr" and crawled["authors"] == ["Jane Doe"]  # what the crawl stores
    spill = SpillFile(tmp_path / "spill.jsonl")
    spill.write([raw])
    data = tmp_path / "data"
    args = ["replay", str(spill.path), "--data-dir", str(data), "--mongo-uri", ""]
    assert cli.main(args + sum((["-s", p] for p in settings), [])) == 0
    store = SQLiteStore(data / "newscrawl.sqlite3")
    stored = next(store.find(Filters()))
    store.close()
    for key, value in crawled.items():
        assert stored[key] == value, key


