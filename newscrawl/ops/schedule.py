"""`newscrawl schedule`: keeps scheduling crawls on scrapyd from a TOML file of cron jobs.

    [[job]]
    name = "finance"          # unique; scrapyd job ids are <name>.<UTC time>
    spider = "gbaf"
    cron = "*/30 * * * *"     # standard 5-field cron, UTC
    args = { categories = "finance" }
    settings = { LOG_LEVEL = "INFO" }
    jitter_seconds = 60       # optional: start up to this much after the slot

Rules: a job whose previous run is still pending or running on scrapyd is skipped (logged),
never queued twice. A scheduler (re)started after downtime runs a job whose last slot was
missed once, not once per missed slot (scrapyd's job history tells when it last ran).
"""
from __future__ import annotations

import json
import logging
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from croniter import croniter

from newscrawl.codec import write_atomic
from newscrawl.ops.schedule_status import job_outcome
from newscrawl.ops.scrapyd import Scrapyd, ScrapydError, job_started

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)
KEYS = {"name", "spider", "cron", "args", "settings", "jitter_seconds"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class ScheduleFileError(Exception):
    """The schedule file is wrong; the message names the job and the field."""


# The five cron fields, their ranges, and the names each accepts (standard cron, as croniter).
CRON_FIELDS = (("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day of month", 1, 31, ()),
               ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
               ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")))


def _cron_value(v: str, name: str, lo: int, hi: int, names: tuple) -> int:
    v = v.lower()
    if v in names:
        return names.index(v) + (1 if name == "month" else 0)
    if not v.isdecimal():
        raise ValueError(f"{v!r} is not a number")
    n = int(v)
    if not lo <= n <= hi:
        raise ValueError(f"{n} is outside {lo}-{hi}")
    return n


def cron_problem(expr: str) -> str | None:
    """What is wrong with a 5-field cron expression, field by field (each value and step
    within its field's range: ``*/61`` is refused), or None."""
    fields = expr.split()
    if len(fields) != 5:
        return f"{len(fields)} fields (needs 5: minute hour day month weekday)"
    for text, (name, lo, hi, names) in zip(fields, CRON_FIELDS):
        try:
            for part in text.split(","):
                base, _, step = part.partition("/")
                if step and (not step.isdecimal() or not 1 <= int(step) <= hi - lo + 1):
                    raise ValueError(f"step {step!r} is outside 1-{hi - lo + 1}")
                if base == "*":
                    continue
                first, _, last = base.partition("-")
                a = _cron_value(first, name, lo, hi, names)
                if last and _cron_value(last, name, lo, hi, names) < a:
                    raise ValueError(f"range {base!r} runs backwards")
        except ValueError as exc:
            return f"{name} field {text!r}: {exc}"
    return None


@dataclass
class Job:
    name: str
    spider: str
    cron: str
    args: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    jitter_seconds: float = 0

    def owns(self, jobid: str) -> bool:
        return jobid.startswith(self.name + ".")

    def slot_before(self, now: datetime) -> datetime:
        return croniter(self.cron, now).get_prev(datetime)

    def slot_after(self, now: datetime) -> datetime:
        return croniter(self.cron, now).get_next(datetime)


def load_jobs(path: str | Path) -> list[Job]:
    """The jobs of a schedule file, each checked; ScheduleFileError (one line) for the first problem."""
    entries = _job_tables(path)
    jobs: list[Job] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ScheduleFileError(f"{path}: job #{i} is not a table")
        where = f"{path}: job {entry['name']!r}" if isinstance(entry.get("name"), str) else f"{path}: job #{i}"
        job = _job(entry, where)
        if any(j.name == job.name for j in jobs):
            raise ScheduleFileError(f"{where}: name is used by another job")
        check_job(job, where)
        jobs.append(job)
    return jobs


def _job_tables(path: str | Path) -> list:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScheduleFileError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ScheduleFileError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleFileError(f"{path}: not valid TOML ({exc})") from None
    extra = sorted(set(data) - {"job"})
    if extra:
        raise ScheduleFileError(f"{path}: unknown top-level key(s) {', '.join(extra)}; jobs go in [[job]] tables")
    entries = data.get("job")
    if not isinstance(entries, list) or not entries:
        raise ScheduleFileError(f"{path}: no [[job]] table")
    return entries


def _check_values(entry: dict, where: str) -> float:
    """args and settings as tables of plain values; jitter_seconds (returned) a number >= 0."""
    for key in ("args", "settings"):
        value = entry.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            raise ScheduleFileError(f"{where}: {key} must be a table of plain values")
    jitter = entry.get("jitter_seconds", 0)
    if not isinstance(jitter, (int, float)) or isinstance(jitter, bool) or jitter < 0:
        raise ScheduleFileError(f"{where}: jitter_seconds must be a number of seconds >= 0")
    return float(jitter)


def _job(entry: dict, where: str) -> Job:
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise ScheduleFileError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
    for key in ("name", "spider", "cron"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ScheduleFileError(f"{where}: {key} is required (a string)")
    if not _NAME.match(entry["name"]):
        raise ScheduleFileError(f"{where}: name must be letters, digits, - or _ (it starts scrapyd job ids)")
    jitter = _check_values(entry, where)
    cron = entry["cron"].strip()
    problem = cron_problem(cron)
    if problem or not croniter.is_valid(cron):
        raise ScheduleFileError(f"{where}: cron {cron!r}: {problem or 'not a cron expression'} "
                                f"(minute hour day month weekday, e.g. \"*/30 * * * *\")")
    return Job(entry["name"], entry["spider"].strip(), cron, dict(entry.get("args", {})),
               dict(entry.get("settings", {})), jitter)


def check_job(job: Job, where: str) -> None:
    """The spider's own argument and setting checks, the ones `scrapy crawl` runs before it
    starts, and the settings checked (newscrawl.conf): a job that would die on scrapyd with a
    usage error is refused here instead."""

    from scrapy.exceptions import UsageError
    from scrapy.spiderloader import SpiderLoader

    from newscrawl.conf import SettingsError, check_settings, project_settings
    settings = project_settings({k: str(v) for k, v in job.settings.items()})  # scrapyd passes text
    try:
        check_settings(settings)
    except SettingsError as exc:
        raise ScheduleFileError(f"{where}: settings: {exc}") from None
    try:
        spidercls = SpiderLoader.from_settings(settings.frozencopy()).load(job.spider)
    except KeyError:
        raise ScheduleFileError(f"{where}: spider {job.spider!r} is not a spider of the project") from None
    check = getattr(spidercls, "check_arguments", None)
    if check is None:
        return
    try:
        check(settings, **{k: str(v) for k, v in job.args.items()})
    except UsageError as exc:
        raise ScheduleFileError(f"{where}: args/settings: {exc}") from None


NOT_FAILURES = ("passed", "interrupted", "unknown")  # a cancelled job is not the job's fault


def post_alert(url: str | None, body: dict) -> None:
    if not url:
        return
    import urllib.request
    req = urllib.request.Request(url, json.dumps(body, default=str).encode(), {"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=10).close()
    except OSError as exc:
        logger.warning("Could not post the alert to the webhook: %s", exc)


class Scheduler:
    """Decides, at each tick, which jobs to schedule on scrapyd, and reviews the runs that
    ended: a job that fails ``max_failures`` times in a row is paused, with an alert. Clock
    and randomness are injected so that the rules are tested with a fake clock. The state
    (next slots, failures, the last run of each job, a heartbeat) is written to
    ``state_path`` each loop: ``newscrawl schedule --status`` and the healthcheck read it."""

    def __init__(self, jobs: list[Job], scrapyd: Scrapyd, clock: Callable[[], datetime] | None = None,
                 rng: random.Random | None = None, max_failures: int = 3,
                 alert: Callable[[dict], None] | None = None, state_path: Path | None = None):
        self.jobs = jobs
        self.scrapyd = scrapyd
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.rng = rng or random.Random()
        self.next_at: dict[str, datetime] = {}
        self.max_failures = max_failures
        self.alert = alert or (lambda body: None)
        self.state_path = state_path
        self.failures: dict[str, int] = {}
        self.paused: set[str] = set()
        self.last: dict[str, dict] = {}
        self.reviewed: list[str] = []  # scrapyd job ids already judged (newest last)
        self.missing: set[str] = set()  # runs scrapyd did not list at the last look
        self._load_state()

    # ---- state ------------------------------------------------------------------------
    def _load_state(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            state = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return
        names = {j.name for j in self.jobs}
        for name, js in (state.get("jobs") or {}).items():
            if name in names:
                self.failures[name] = int(js.get("failures", 0))
                if js.get("paused"):
                    self.paused.add(name)
                if js.get("last"):
                    self.last[name] = js["last"]
        self.reviewed = list(state.get("reviewed") or [])

    def save_state(self, state_name: str = "running", problem: str | None = None) -> None:
        """The state and heartbeat; ``stopped`` when the scheduler ends (--once, SIGTERM), so a
        healthcheck fails at once instead of when the heartbeat grows old; ``problem``: why it
        is unhealthy while it runs (scrapyd away)."""
        if self.state_path is None:
            return
        state = {"heartbeat": self.clock().isoformat(), "state": state_name, "problem": problem,
                 "scrapyd": getattr(self.scrapyd, "shown", None), "reviewed": self.reviewed[-2000:],
                 "jobs": {j.name: {"cron": j.cron, "next_slot": self.next_at[j.name].isoformat() if j.name in
                                   self.next_at else None, "failures": self.failures.get(j.name, 0),
                                   "paused": j.name in self.paused, "last": self.last.get(j.name)}
                          for j in self.jobs}}
        write_atomic(self.state_path, state)

    # ---- reviewing finished runs ------------------------------------------------------
    def review(self, listing: dict | None = None) -> None:
        """Judge the runs that ended since the last look: failures counted, reasons logged; a
        run scrapyd no longer knows of (it restarted while the run ran) is judged killed."""
        listing = listing if listing is not None else self.scrapyd.jobs()
        seen = set(self.reviewed)
        for finished in sorted(listing.get("finished", []), key=lambda j: str(j.get("end_time") or "")):
            jobid = finished.get("id", "")
            job = next((j for j in self.jobs if j.owns(jobid)), None)
            if job is None or jobid in seen:
                continue
            if finished.get("log_url"):
                status, reason = job_outcome(self.scrapyd.log_tail(finished["log_url"]))
            else:
                status, reason = "unknown", "scrapyd keeps no log of it (logs_dir is off)"
            self._judge(job, jobid, status, reason, str(finished.get("end_time") or ""))
            seen.add(jobid)
        self._judge_lost(listing, seen)

    def _judge_lost(self, listing: dict, seen: set[str]) -> None:
        """A run this scheduler handed scrapyd that scrapyd no longer lists (it restarted)."""
        known = {j.get("id", "") for state in ("pending", "running", "finished") for j in listing.get(state, [])}
        missing = set()
        for job in self.jobs:
            last = self.last.get(job.name) or {}
            if last.get("status") != "scheduled" or last.get("jobid") in known | seen:
                continue
            missing.add(last["jobid"])
            if last["jobid"] in self.missing:  # gone at two looks in a row, not caught between queue and process
                self._judge(job, last["jobid"], "killed", "scrapyd lost the run: it restarted (or was "
                            "killed) while the run was pending or running", self.clock().isoformat())
        self.missing = missing

    def _judge(self, job: Job, jobid: str, status: str, reason: str, ended: str) -> None:
        self.reviewed.append(jobid)
        self.last[job.name] = {"jobid": jobid, "status": status, "reason": reason, "ended": ended}
        if status in NOT_FAILURES:
            if status == "passed":
                self.failures[job.name] = 0
            logger.info("Job %s: run %s %s", job.name, jobid, status)
            return
        n = self.failures[job.name] = self.failures.get(job.name, 0) + 1
        logger.error("Job %s: run %s failed (%s, %d in a row): %s", job.name, jobid, status, n, reason)
        if n >= self.max_failures and job.name not in self.paused:
            self.paused.add(job.name)
            logger.error("Job %s: paused after %d failures in a row; fix it, then: newscrawl schedule "
                         "--resume %s", job.name, n, job.name)
            self.alert({"job": job.name, "status": "paused", "failures": n, "last_run": jobid,
                        "last_status": status, "reason": reason})

    def _jitter(self, job: Job) -> timedelta:
        return timedelta(seconds=self.rng.uniform(0, job.jitter_seconds)) if job.jitter_seconds else timedelta()

    def start(self) -> None:
        """Plan each job: now, once, if its last slot passed since it last ran; else its next slot."""
        now = self.clock()
        listing = self.scrapyd.jobs()
        if not self.reviewed:  # a first start: the runs before it are history, not failures to count
            self.reviewed = [j.get("id", "") for j in listing.get("finished", [])]
        for job in self.jobs:
            ran = [job_started(j) for state in ("pending", "running", "finished")
                   for j in listing.get(state, []) if job.owns(j.get("id", ""))]
            last_run = max((r for r in ran if r), default=None)
            missed = job.slot_before(now)
            if last_run is None or last_run < missed:
                self.next_at[job.name] = now  # one catch-up run, not one per missed slot
                logger.info("Job %s: last slot %s was missed (last run %s); running it once now",
                            job.name, missed.isoformat(), last_run.isoformat() if last_run else "never")
            else:
                self.next_at[job.name] = job.slot_after(now) + self._jitter(job)

    def tick(self) -> list[tuple[Job, str | None]]:
        """Review what ended, schedule what is due; [(job, scrapyd job id or None when skipped)]."""
        now = self.clock()
        self.review()
        due = [j for j in self.jobs if self.next_at.get(j.name, now) <= now and j.name not in self.paused]
        out = []
        if due:
            out = self.run(due, now)
            for job in due:
                self.next_at[job.name] = job.slot_after(now) + self._jitter(job)
        return out

    def run(self, jobs: list[Job], now: datetime) -> list[tuple[Job, str | None]]:
        """Schedule these jobs now, except those with a run still pending or running."""
        listing = self.scrapyd.jobs()
        busy = {j.get("id", "") for state in ("pending", "running") for j in listing.get(state, [])}
        out: list[tuple[Job, str | None]] = []
        for job in jobs:
            active = sorted(b for b in busy if job.owns(b))
            if active:
                logger.warning("Job %s: skipped, its run %s is still %s", job.name, active[0],
                               "pending or running")
                out.append((job, None))
                continue
            jobid = self.scrapyd.schedule(job.spider, self.job_id(job, now), job.args, job.settings)
            logger.info("Job %s: scheduled as %s", job.name, jobid)
            # what --status shows until the run ends and review() judges it
            self.last[job.name] = {"jobid": jobid, "status": "scheduled", "reason": None, "ended": None,
                                   "scheduled": now.isoformat()}
            out.append((job, jobid))
        return out

    def job_id(self, job: Job, now: datetime) -> str:
        """The job's name, the slot, and a random part: two schedulers (or one restarted within
        the second) never hand scrapyd the same id for two runs."""
        return f"{job.name}.{now:%Y%m%dT%H%M%S}-{self.rng.getrandbits(32):08x}"

    def sleep_seconds(self) -> float:
        if not self.next_at:
            return 60.0
        return max(0.5, min(60.0, (min(self.next_at.values()) - self.clock()).total_seconds()))

    def forever(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """Tick until stopped. While scrapyd is away: one line when it goes, one when it is
        back, the state says ``scrapyd_unreachable`` (the healthcheck fails) and the loop backs
        off (2 s doubling to 60 s) instead of logging every half second."""
        self.start()
        away_since: datetime | None = None
        backoff = 2.0
        try:
            while True:
                self.apply_resumes()
                try:
                    self.tick()
                except ScrapydError as exc:  # a passing outage: the job runs when it is back
                    if away_since is None:
                        away_since = self.clock()
                        logger.error("%s; retrying with a backoff, the jobs wait", exc)
                    self.save_state("scrapyd_unreachable", problem=f"scrapyd unreachable since "
                                                                  f"{away_since:%Y-%m-%d %H:%M:%S} UTC")
                    sleep(backoff)
                    backoff = min(backoff * 2, 60.0)
                    continue
                if away_since is not None:
                    logger.info("scrapyd is back after %.0f s", (self.clock() - away_since).total_seconds())
                    away_since, backoff = None, 2.0
                self.save_state()  # the heartbeat the healthcheck reads
                sleep(min(self.sleep_seconds(), 15.0))
        finally:
            self.save_state("stopped")

    # ---- resuming a paused job ----------------------------------------------------------
    def resume_path(self) -> Path | None:
        return self.state_path.with_suffix(".resume") if self.state_path is not None else None

    def apply_resumes(self) -> None:
        """Jobs `newscrawl schedule --resume JOB` asked to resume (a file beside the state, read
        by the running scheduler at its next loop, or by the next one that starts)."""
        path = self.resume_path()
        if path is None or not path.exists():
            return
        try:
            names = path.read_text().split()
            path.unlink()
        except OSError:
            return
        for name in names:
            if name in self.paused or self.failures.get(name):
                self.paused.discard(name)
                self.failures[name] = 0
                logger.info("Job %s: resumed (its failures reset)", name)
        self.save_state()
