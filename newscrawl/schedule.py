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

from .scrapyd import Scrapyd, ScrapydError, job_started

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)
KEYS = {"name", "spider", "cron", "args", "settings", "jitter_seconds"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class ScheduleFileError(Exception):
    """The schedule file is wrong; the message names the job and the field."""


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
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScheduleFileError(f"{path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleFileError(f"{path}: not valid TOML ({exc})") from None
    extra = sorted(set(data) - {"job"})
    if extra:
        raise ScheduleFileError(f"{path}: unknown top-level key(s) {', '.join(extra)}; jobs go in [[job]] tables")
    entries = data.get("job")
    if not isinstance(entries, list) or not entries:
        raise ScheduleFileError(f"{path}: no [[job]] table")
    jobs, names = [], set()
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ScheduleFileError(f"{path}: job #{i} is not a table")
        where = f"{path}: job {entry['name']!r}" if isinstance(entry.get("name"), str) else f"{path}: job #{i}"
        unknown = sorted(set(entry) - KEYS)
        if unknown:
            raise ScheduleFileError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
        for key in ("name", "spider", "cron"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ScheduleFileError(f"{where}: {key} is required (a string)")
        name = entry["name"]
        if not _NAME.match(name):
            raise ScheduleFileError(f"{where}: name must be letters, digits, - or _ (it starts scrapyd job ids)")
        if name in names:
            raise ScheduleFileError(f"{where}: name is used by another job")
        names.add(name)
        cron = entry["cron"].strip()
        if len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise ScheduleFileError(f"{where}: cron {cron!r} is not a 5-field cron expression "
                                    f"(minute hour day month weekday, e.g. \"*/30 * * * *\")")
        for key in ("args", "settings"):
            value = entry.get(key, {})
            if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
                raise ScheduleFileError(f"{where}: {key} must be a table of plain values")
        jitter = entry.get("jitter_seconds", 0)
        if not isinstance(jitter, (int, float)) or isinstance(jitter, bool) or jitter < 0:
            raise ScheduleFileError(f"{where}: jitter_seconds must be a number of seconds >= 0")
        jobs.append(Job(name, entry["spider"].strip(), cron, dict(entry.get("args", {})),
                        dict(entry.get("settings", {})), float(jitter)))
    return jobs


class Scheduler:
    """Decides, at each tick, which jobs to schedule on scrapyd. Clock and randomness are
    injected so that the rules are tested with a fake clock."""

    def __init__(self, jobs: list[Job], scrapyd: Scrapyd, clock: Callable[[], datetime] | None = None,
                 rng: random.Random | None = None):
        self.jobs = jobs
        self.scrapyd = scrapyd
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.rng = rng or random.Random()
        self.next_at: dict[str, datetime] = {}

    def _jitter(self, job: Job) -> timedelta:
        return timedelta(seconds=self.rng.uniform(0, job.jitter_seconds)) if job.jitter_seconds else timedelta()

    def start(self) -> None:
        """Plan each job: now, once, if its last slot passed since it last ran; else its next slot."""
        now = self.clock()
        listing = self.scrapyd.jobs()
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
        """Schedule what is due; [(job, scrapyd job id or None when skipped)]."""
        now = self.clock()
        due = [j for j in self.jobs if self.next_at.get(j.name, now) <= now]
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
        out = []
        for job in jobs:
            active = sorted(b for b in busy if job.owns(b))
            if active:
                logger.warning("Job %s: skipped, its run %s is still %s", job.name, active[0],
                               "pending or running")
                out.append((job, None))
                continue
            jobid = self.scrapyd.schedule(job.spider, f"{job.name}.{now:%Y%m%dT%H%M%S}", job.args, job.settings)
            logger.info("Job %s: scheduled as %s", job.name, jobid)
            out.append((job, jobid))
        return out

    def sleep_seconds(self) -> float:
        if not self.next_at:
            return 60.0
        return max(0.5, min(60.0, (min(self.next_at.values()) - self.clock()).total_seconds()))

    def forever(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.start()
        while True:
            try:
                self.tick()
            except ScrapydError as exc:  # a passing outage: the job runs at the next tick
                logger.error("%s", exc)
            sleep(self.sleep_seconds())
