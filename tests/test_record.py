"""newscrawl.store.record: the crawl-run record and its stored document."""
from datetime import datetime, timedelta, timezone

from newscrawl.store.record import CrawlRun

T0 = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_a_running_record_stores_only_what_is_set():
    run = CrawlRun("r1", spider="gbaf", site="http://x.test", started_at=T0, status="running")
    assert run.to_doc() == {"run_id": "r1", "spider": "gbaf", "arguments": {}, "site": "http://x.test",
                            "started_at": T0, "status": "running", "counts": {}}


def test_the_document_reads_back_and_unknown_keys_are_left_out():
    doc = {"run_id": "r2", "spider": "gbaf", "started_at": T0, "finished_at": T0 + timedelta(seconds=90),
           "status": "degraded", "monitor": {"status": "degraded", "reasons": ["field coverage"]},
           "counts": {"new": 3}, "from_a_newer_version": 1, "error": None}
    run = CrawlRun.from_doc(doc)
    assert run.duration_s == 90.0 and run.failed_checks == ["field coverage"] and run.counts == {"new": 3}
    assert "from_a_newer_version" not in run.to_doc() and run.error is None
    assert CrawlRun.from_doc(run.to_doc()) == run
    assert CrawlRun.from_doc({**doc, "status": "passed"}).failed_checks == []  # reasons only of a degraded run
