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


def test_a_running_record_without_a_sign_of_life_reads_killed():
    from newscrawl.store.record import gone, judged
    alive = CrawlRun("r3", started_at=T0, status="running", alive_at=T0 + timedelta(minutes=5))
    assert gone(alive, T0 + timedelta(minutes=5, seconds=30), 60) is None  # alive 30 s ago
    dead = gone(alive, T0 + timedelta(minutes=7), 60)
    assert dead.status == "killed" and dead.finish_reason == "killed" and dead.run_id == "r3"
    assert dead.error == "the crawl's process stopped without a word; last seen alive 2026-12-04 12:05:00 UTC"
    finished = CrawlRun("r4", started_at=T0, status="passed")
    assert gone(finished, T0 + timedelta(days=1), 60) is None
    assert [r.status for r in judged([alive, finished], T0 + timedelta(hours=1), 60)] == ["killed", "passed"]
