"""The schedule rules with a fake clock and a fake scrapyd: cron slots, jitter, no overlap,
one catch-up after downtime."""
import random
from datetime import datetime, timedelta, timezone

from newscrawl.ops.schedule import Job, Scheduler

UTC = timezone.utc
T0 = datetime(2026, 11, 28, 10, 7, tzinfo=UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class FakeScrapyd:
    def __init__(self, finished=()):
        self.pending, self.running, self.finished = [], [], list(finished)
        self.scheduled = []

    def jobs(self):
        return {"pending": self.pending, "running": self.running, "finished": self.finished}

    def schedule(self, spider, jobid, args, settings):
        self.scheduled.append((jobid, spider, args, settings))
        self.pending.append({"id": jobid})
        return jobid

    def finish_all(self, at):
        for j in self.pending + self.running:
            self.finished.append({"id": j["id"], "start_time": at.isoformat()})
        self.pending, self.running = [], []


def job(**kw):
    return Job(**{"name": "portal", "spider": "gbaf", "cron": "*/30 * * * *", **kw})


def test_runs_on_its_cron_slots():
    clock, scrapyd = Clock(T0), FakeScrapyd(finished=[{"id": "portal.x", "start_time": "2026-11-28T10:00:01"}])
    s = Scheduler([job(args={"categories": "finance"})], scrapyd, clock)
    s.start()
    assert s.next_at["portal"] == datetime(2026, 11, 28, 10, 30, tzinfo=UTC)  # ran at 10:00: wait for 10:30
    clock.now = datetime(2026, 11, 28, 10, 29, 59, tzinfo=UTC)
    assert s.tick() == []
    clock.now = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    (j, jobid), = s.tick()
    assert jobid == "portal.20261128T103000" and scrapyd.scheduled[0][2] == {"categories": "finance"}
    assert s.next_at["portal"] == datetime(2026, 11, 28, 11, 0, tzinfo=UTC)


def test_jitter_stays_within_its_bounds():
    clock, scrapyd = Clock(T0), FakeScrapyd(finished=[{"id": "portal.x", "start_time": "2026-11-28T10:00:00"}])
    s = Scheduler([job(jitter_seconds=60)], scrapyd, clock, random.Random(7))
    offsets = []
    for _ in range(200):
        s.start()
        offsets.append((s.next_at["portal"] - datetime(2026, 11, 28, 10, 30, tzinfo=UTC)).total_seconds())
    assert 0 <= min(offsets) and max(offsets) <= 60 and max(offsets) - min(offsets) > 30


def test_a_job_still_running_is_skipped_not_queued_twice():
    clock, scrapyd = Clock(datetime(2026, 11, 28, 10, 30, tzinfo=UTC)), FakeScrapyd()
    scrapyd.running.append({"id": "portal.20261128T100000"})
    other = job(name="other", cron="*/30 * * * *")
    s = Scheduler([job(), other], scrapyd, clock)
    result = s.run(s.jobs, clock.now)
    assert [(j.name, jid) for j, jid in result] == [("portal", None), ("other", "other.20261128T103000")]
    assert [x[0] for x in scrapyd.scheduled] == ["other.20261128T103000"]
    # and at the next tick neither is queued again while they run
    clock.now = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    s.next_at = {"portal": clock.now, "other": clock.now}
    assert [jid for _, jid in s.tick()] == [None, None]


def test_after_downtime_a_missed_job_runs_once_not_once_per_slot():
    # last ran at 06:00; the scheduler was down until 10:07: 8 slots were missed
    clock = Clock(T0)
    scrapyd = FakeScrapyd(finished=[{"id": "portal.20261128T060000", "start_time": "2026-11-28T06:00:02"}])
    s = Scheduler([job()], scrapyd, clock)
    s.start()
    assert s.next_at["portal"] == T0
    assert len(s.tick()) == 1 and len(scrapyd.scheduled) == 1
    assert s.next_at["portal"] == datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    clock.now += timedelta(minutes=5)
    assert s.tick() == [] and len(scrapyd.scheduled) == 1


def test_a_job_that_never_ran_runs_at_start_and_a_recent_one_waits():
    clock = Clock(T0)
    s = Scheduler([job()], FakeScrapyd(), clock)
    s.start()
    assert s.next_at["portal"] == T0
    s = Scheduler([job()], FakeScrapyd(finished=[{"id": "portal.a", "start_time": "2026-11-28T10:00:00+00:00"}]), clock)
    s.start()
    assert s.next_at["portal"] > T0


def test_a_schedule_file_that_is_not_utf8_is_one_line(tmp_path):
    import pytest

    from newscrawl.ops.schedule import ScheduleFileError, load_jobs
    path = tmp_path / "schedule.toml"
    path.write_bytes('[[job]]\nname = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(ScheduleFileError, match=r"not UTF-8 text \(byte 19\); save it as UTF-8"):
        load_jobs(path)
