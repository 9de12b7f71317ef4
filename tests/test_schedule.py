"""The schedule rules with a fake clock and a fake scrapyd: cron slots, jitter, no overlap,
one catch-up after downtime."""
import random
import re
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
    assert re.fullmatch(r"portal\.20261128T103000-[0-9a-f]{8}", jobid) and scrapyd.scheduled[0][2] == {"categories": "finance"}
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
    assert [(j.name, (jid or "")[:21]) for j, jid in result] == [("portal", ""), ("other", "other.20261128T103000")]
    assert [x[0] for x in scrapyd.scheduled] == [result[1][1]]
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


class AwayScrapyd(FakeScrapyd):
    """scrapyd that does not answer for the first ``down`` calls."""

    def __init__(self, down):
        super().__init__()
        self.down = down

    def jobs(self):
        from newscrawl.ops.scrapyd import ScrapydError
        if self.down > 0:
            self.down -= 1
            raise ScrapydError("scrapyd at http://127.0.0.1:6800 is unreachable (refused)")
        return super().jobs()


def test_while_scrapyd_is_away_the_loop_backs_off_says_so_twice_and_is_unhealthy(tmp_path, caplog):
    import json

    import pytest

    from newscrawl import heartbeat
    clock, state = Clock(T0), tmp_path / "state.json"
    s = Scheduler([job()], AwayScrapyd(0), clock=clock, state_path=state)
    s.start()
    s.scrapyd.down = 5
    sleeps, health = [], []

    class Stop(Exception):
        pass

    def sleep(seconds):
        sleeps.append(seconds)
        health.append(heartbeat.verdict(json.loads(state.read_text()), 90, now=clock.now.timestamp()))
        clock.now += timedelta(seconds=seconds)
        if len(sleeps) == 7:
            raise Stop
    s.start = lambda: None  # started above
    with caplog.at_level("INFO", logger="newscrawl.ops.schedule"), pytest.raises(Stop):
        s.forever(sleep=sleep)
    assert sleeps[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]  # backing off, not every half second
    assert [ok for ok, _ in health[:5]] == [False] * 5 and "scrapyd unreachable since" in health[0][1]
    assert health[5][0] is True  # back
    assert sum("unreachable" in r.message for r in caplog.records) == 1
    assert sum("scrapyd is back after" in r.message for r in caplog.records) == 1
    assert json.loads(state.read_text())["state"] == "stopped"  # the loop ended


def test_resume_unpauses_a_job_at_the_next_loop_and_across_restarts(tmp_path):
    clock, state = Clock(T0), tmp_path / "state.json"
    s = Scheduler([job()], FakeScrapyd(), clock=clock, state_path=state, max_failures=1)
    s.paused, s.failures = {"portal"}, {"portal": 3}
    s.save_state()
    again = Scheduler([job()], FakeScrapyd(), clock=clock, state_path=state)
    assert again.paused == {"portal"}  # a restart alone does not resume it
    state.with_suffix(".resume").write_text("portal\n")
    again.apply_resumes()
    assert again.paused == set() and again.failures["portal"] == 0
    assert not state.with_suffix(".resume").exists()
    assert Scheduler([job()], FakeScrapyd(), clock=clock, state_path=state).paused == set()


def test_the_scheduler_stops_on_sigterm_at_once_and_resume_reaches_it(tmp_path):
    """As PID 1 in a container: SIGTERM ends it within a second, exit 0, its state stopped;
    `--resume JOB` is one line and names unknown jobs."""
    import json
    import signal
    import subprocess
    import sys
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class FakeScrapydHttp(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps({"status": "ok", "projects": ["newscrawl"], "jobid": "portal.1", "pending": [], "running": [],
                               "finished": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET  # noqa: N815

        def log_message(self, *a):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeScrapydHttp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    schedule, state = tmp_path / "jobs.toml", tmp_path / "state.json"
    schedule.write_text('[[job]]\nname = "portal"\nspider = "gbaf"\ncron = "0 3 * * *"\n')
    base = [sys.executable, "-m", "newscrawl", "schedule", "--scrapyd", f"http://127.0.0.1:{server.server_port}",
            "--state", str(state)]
    proc = subprocess.Popen([*base, str(schedule)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            if state.exists() and json.loads(state.read_text()).get("state") == "running":
                break
            time.sleep(0.1)
        resumed = subprocess.run([*base, "--resume", "portal"], capture_output=True, text=True, timeout=60)
        assert resumed.returncode == 0 and "portal: not paused" in resumed.stdout
        unknown = subprocess.run([*base, "--resume", "portl"], capture_output=True, text=True, timeout=60)
        assert unknown.returncode == 2 and unknown.stderr.strip() == (
            "newscrawl schedule: error: --resume: no job 'portl' in the schedule (jobs: portal)")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0 and time.monotonic() - started < 2, proc.stderr.read()[-2000:]
        assert json.loads(state.read_text())["state"] == "stopped"
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        server.shutdown()


def test_two_schedulers_in_one_second_hand_scrapyd_different_job_ids():
    now = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    ids = {Scheduler([job()], FakeScrapyd(), Clock(now)).job_id(job(), now) for _ in range(50)}
    assert len(ids) == 50 and all(i.startswith("portal.20261128T103000-") for i in ids)


def test_a_run_scrapyd_lost_in_a_restart_is_judged_killed_once(caplog):
    clock, scrapyd = Clock(T0), FakeScrapyd()
    s = Scheduler([job()], scrapyd, clock, max_failures=2)
    s.start()
    (_, jobid), = s.tick()
    scrapyd.running, scrapyd.pending = [{"id": jobid}], []  # it runs; then scrapyd restarts and forgets it
    s.review()
    assert s.last["portal"]["status"] == "scheduled"
    scrapyd.running = []
    with caplog.at_level("ERROR"):
        s.review()
        assert s.last["portal"]["status"] == "scheduled"  # one look could fall between queue and process
        s.review()
        s.review()
    assert s.last["portal"]["status"] == "killed" and s.failures["portal"] == 1
    assert caplog.text.count(jobid) == 1 and "scrapyd lost the run" in caplog.text


def test_a_job_cancelled_twice_is_interrupted_not_failed():
    from newscrawl.ops.schedule_status import job_outcome
    log = ("2026-11-28 10:30:05 [scrapy.crawler] INFO: Received SIGTERM, shutting down gracefully. Send again "
           "to force\n2026-11-28 10:30:06 [scrapy.crawler] INFO: Received SIGTERM twice, forcing unclean shutdown\n")
    assert job_outcome(log)[0] == "interrupted"
    clock, scrapyd = Clock(T0), FakeScrapyd(finished=[{"id": "portal.x", "start_time": "2026-11-28T10:00:01"}])
    s = Scheduler([job()], scrapyd, clock)
    s.start()
    scrapyd.log_tail = lambda url: log
    scrapyd.finished.append({"id": "portal.y", "log_url": "/logs/y.log", "end_time": "2026-11-28 10:30:06"})
    s.review()
    assert s.last["portal"]["status"] == "interrupted" and s.failures.get("portal", 0) == 0


# ---- hostile input (#32): any schedule file is read or refused in one line ----------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .hostile import nasty_text  # noqa: E402


@given(st.one_of(nasty_text, st.builds(lambda k, v: f'[[job]]\nname = "a"\nspider = "gbaf"\ncron = "* * * * *"\n{k} = {v}\n',
                                       st.sampled_from(["cron", "jitter", "args", "settings", "name", "x"]),
                                       st.sampled_from(['"x"', "1", "-1", "1e999", '"*/0 * * * *"', "{}", "[1]",
                                                        '{ base_url = "http://[bad" }', '"61 25 32 13 8"']))))
def test_any_schedule_file_is_read_or_refused_in_one_line(tmp_path_factory, text):
    from newscrawl.ops.schedule import ScheduleFileError, check_job, load_jobs
    path = tmp_path_factory.mktemp("sched") / "schedule.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        for job in load_jobs(path):
            check_job(job, "job")
    except ScheduleFileError as exc:
        assert "\n" not in str(exc).strip()
