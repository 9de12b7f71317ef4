"""The long-running commands: `schedule` (cron jobs on scrapyd), `worker` (a cluster worker),
`watch` (watch mode)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from newscrawl.ops.cli.options import (
    CliError,
    CliUsageError,
    health,
    metrics_opt,
    port,
    positive_float,
    serve_metrics,
    setting_pair,
    settings_from,
    store_opts,
)


def schedule_state_path(args) -> Path:
    from newscrawl.store import data_dir
    if args.state:
        return Path(args.state).expanduser().resolve()
    return data_dir(settings_from(args)) / "scheduler" / f"{args.project}.json"


def cmd_schedule(args) -> int:
    import logging
    from datetime import datetime, timezone

    from newscrawl.ops.schedule import ScheduleFileError, Scheduler, load_jobs, post_alert
    from newscrawl.ops.schedule_status import read_state, status_lines
    from newscrawl.ops.scrapyd import Scrapyd, ScrapydError
    state_path = schedule_state_path(args)
    if args.resume:
        return resume_jobs(args, state_path)
    if args.status or args.health is not None:  # read what the running scheduler writes
        try:
            state = read_state(state_path)
        except (OSError, ValueError) as exc:
            raise CliError(f"no scheduler state at {state_path} ({getattr(exc, 'strerror', exc)}): "
                           f"is the scheduler running with the same --state / data folder?") from None
        now = datetime.now(timezone.utc)
        if args.health is not None:
            return health("schedule", state, args.health, state_path)
        print("\n".join(status_lines(state, now, *scrapyd_runs(args))))
        return 0
    if not args.file:
        print("newscrawl schedule: error: the schedule file is required (or --status / --health)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        jobs = load_jobs(args.file)
    except ScheduleFileError as exc:
        print(f"newscrawl schedule: error: {exc}", file=sys.stderr)
        return 2
    settings = settings_from(args)
    try:
        scrapyd = Scrapyd(args.scrapyd, args.project)
        scrapyd.check()
        webhook = settings.get("NEWSCRAWL_ALERT_WEBHOOK")
        scheduler = Scheduler(jobs, scrapyd, max_failures=settings.getint("NEWSCRAWL_SCHEDULE_MAX_FAILURES"),
                              alert=lambda body: post_alert(webhook, body), state_path=state_path)
        if not args.once:
            from newscrawl.ops.exporter import SchedulerCollector
            serve_metrics(args, settings, SchedulerCollector(scheduler))
            stop_on_sigterm()
        if args.once:
            for job, jobid in scheduler.run(jobs, datetime.now(timezone.utc)):
                print(f"{job.name}\t{jobid or 'skipped: a run is still pending or running'}")
            scheduler.save_state("stopped")  # --status shows the runs it scheduled
            return 0
        scheduler.forever()
    except ScrapydError as exc:
        print(f"newscrawl schedule: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def stop_on_sigterm() -> None:
    """SIGTERM (docker stop, systemd) ends the scheduler as Ctrl-C does: its state marked
    stopped, exit 0 at once (as PID 1 a process has no default handler for it)."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)


def resume_jobs(args, state_path: Path) -> int:
    """--resume JOB: ask the scheduler (running, or the next to start) to resume paused jobs."""
    from newscrawl.ops.schedule_status import read_state
    try:
        state = read_state(state_path)
    except (OSError, ValueError):
        raise CliError(f"no scheduler state at {state_path}: is --state / the data folder the scheduler's?") from None
    jobs = state.get("jobs") or {}
    unknown = [name for name in args.resume if name not in jobs]
    if unknown:
        raise CliUsageError(f"--resume: no job {', '.join(map(repr, unknown))} in the schedule "
                            f"(jobs: {', '.join(jobs) or 'none'})")
    path = state_path.with_suffix(".resume")
    with open(path, "a", encoding="utf-8") as f:
        f.write("".join(f"{name}\n" for name in args.resume))
    for name in args.resume:
        was = "paused" if jobs[name].get("paused") else "not paused"
        print(f"{name}: {was}; the scheduler resumes it at its next loop (or when it starts)")
    return 0


def scrapyd_runs(args) -> tuple:
    """(scrapyd's job listing, a reader of a finished run's outcome), or () when scrapyd does
    not answer: --status then shows what the state file says."""
    from newscrawl.ops.schedule_status import job_outcome
    from newscrawl.ops.scrapyd import Scrapyd, ScrapydError
    try:
        scrapyd = Scrapyd(args.scrapyd, args.project)
        listing = scrapyd.jobs()
    except ScrapydError as exc:
        print(f"newscrawl schedule: scrapyd does not answer ({exc}): its runs are not shown", file=sys.stderr)
        return ()

    def outcome(job: dict) -> tuple[str, str]:
        if not job.get("log_url"):
            return "finished", "scrapyd keeps no log of it"
        try:
            return job_outcome(scrapyd.log_tail(job["log_url"]))
        except ScrapydError:
            return "finished", "its log could not be read"
    return listing, outcome


def heartbeat_path(args) -> Path:
    import socket

    from newscrawl.store import data_dir
    if args.heartbeat:
        return Path(args.heartbeat).expanduser().resolve()
    from newscrawl.heartbeat import instance_name
    # one file a container: workers on one host network share the host name
    return data_dir(settings_from(args)) / "workers" / f"{instance_name(socket.gethostname())}.json"


def cmd_worker(args) -> int:
    """A long-running cluster worker (newscrawl.ops.worker)."""
    from newscrawl import heartbeat
    from newscrawl.ops.worker import Worker, crawl_command
    beat = heartbeat_path(args)
    if args.health is not None:
        return health("worker", heartbeat.read(beat), args.health, beat)
    settings = settings_from(args)
    every = args.every if args.every is not None else settings.getfloat("NEWSCRAWL_WORKER_EVERY")
    worker = Worker(crawl_command(args.spider, args.argument or [], args.set or []), every, beat)
    from newscrawl.ops.exporter import CallbackCollector
    serve_metrics(args, settings, CallbackCollector("worker", {
        "newscrawl_worker_last_exit_code": ("Exit code of the worker's last crawl", lambda: worker.last)}))
    return worker.run()


def watch_command(args) -> list[str]:
    """`newscrawl watch` as the `scrapy crawl` it runs (docs: how-to/watch.md)."""
    cmd = ["scrapy", "crawl", "gbaf", "-a", "watch=1"]
    for a in args.argument or []:
        cmd += ["-a", a]
    named = {"NEWSCRAWL_WATCH_MIN_INTERVAL": args.min_interval, "NEWSCRAWL_WATCH_MAX_INTERVAL": args.max_interval,
             "NEWSCRAWL_WATCH_DISCOVERY_INTERVAL": args.discovery_interval, "MONGO_URI": args.mongo_uri,
             "MONGO_DATABASE": args.mongo_database, "NEWSCRAWL_DATA_DIR": args.data_dir, "NEWSCRAWL_STORE": args.store,
             "NEWSCRAWL_METRICS_PORT": args.metrics_port}
    for name, value in named.items():
        if value is not None:
            cmd += ["-s", f"{name}={value}"]
    for name, value in args.set or []:
        cmd += ["-s", f"{name}={value}"]
    return cmd


def cmd_watch(args) -> int:
    """Watch mode: the `gbaf` spider with -a watch=1, in this process (its exit code)."""
    from scrapy.cmdline import execute

    from newscrawl import heartbeat
    from newscrawl.fresh.watch import heartbeat_path
    if args.health is not None:
        beat = heartbeat_path(settings_from(args))
        return health("watch", heartbeat.read(beat), args.health, beat)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    try:
        execute(watch_command(args))
    except SystemExit as exc:  # Scrapy's commands end this way
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0



def add_parsers(sub) -> None:
    sc = sub.add_parser("schedule", help="run cron jobs of crawls on scrapyd (a TOML file)")
    sc.add_argument("--scrapyd", metavar="URL", default="http://127.0.0.1:6800",
                    help="scrapyd's URL, e.g. http://127.0.0.1:6800 (credentials: http://USER:PASSWORD@host "
                         "or SCRAPYD_USERNAME/SCRAPYD_PASSWORD)")
    sc.add_argument("--project", default="newscrawl", help="the scrapyd project (default: newscrawl)")
    sc.add_argument("--once", action="store_true", help="schedule every job now, print the job ids, exit")
    sc.add_argument("--state", metavar="FILE", help="where the scheduler keeps its state and heartbeat "
                                                    "(default: <data dir>/scheduler/<project>.json)")
    sc.add_argument("--status", action="store_true", help="each job's last run, next slot and failures, from the state")
    sc.add_argument("--resume", action="append", metavar="JOB", help="resume a job paused after failures (repeatable)")
    sc.add_argument("--health", type=positive_float, metavar="SECONDS", help="exit 0 when the heartbeat is younger (healthcheck)")
    sc.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=setting_pair, help="a setting")
    sc.add_argument("--data-dir", help="the data folder (default: NEWSCRAWL_DATA_DIR, else the project's data/)")
    sc.add_argument("file", nargs="?", help="the schedule file (TOML, [[job]] tables)")
    metrics_opt(sc)
    sc.set_defaults(fn=cmd_schedule)
    w = sub.add_parser("worker", help="a cluster worker: one crawl after another (REDIS_URL)")
    w.add_argument("--spider", default="gbaf")
    w.add_argument("-a", dest="argument", action="append", metavar="NAME=VALUE", help="a spider argument")
    w.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=setting_pair, help="a setting")
    w.add_argument("--every", type=positive_float, metavar="SECONDS",
                   help="seconds between two crawls (default: NEWSCRAWL_WORKER_EVERY, 300)")
    w.add_argument("--heartbeat", metavar="FILE", help="default: <data dir>/workers/<hostname>.json")
    w.add_argument("--data-dir", help="the data folder (default: NEWSCRAWL_DATA_DIR, else the project's data/)")
    w.add_argument("--health", type=positive_float, metavar="SECONDS", help="exit 0 when the heartbeat is younger (healthcheck)")
    metrics_opt(w)
    w.set_defaults(fn=cmd_worker)
    wa = sub.add_parser("watch", help="keep the store fresh within a minute, until SIGTERM")
    store_opts(wa)
    wa.add_argument("-a", dest="argument", action="append", metavar="NAME=VALUE",
                    help="a spider argument, as for scrapy crawl (base_url, categories, ...)")
    wa.add_argument("--min-interval", type=positive_float, metavar="S",
                    help="a change signal's poll interval right after it changed (default 60)")
    wa.add_argument("--max-interval", type=positive_float, metavar="S",
                    help="the longest poll interval, while nothing changes (default 900)")
    wa.add_argument("--discovery-interval", type=positive_float, metavar="S",
                    help="seconds between two full incremental discoveries (default 3600)")
    wa.add_argument("--health", type=positive_float, metavar="SECONDS",
                    help="exit 0 when the running watch's heartbeat is younger (healthcheck)")
    wa.add_argument("--metrics-port", type=port, metavar="PORT",
                    help="serve Prometheus metrics on http://NEWSCRAWL_METRICS_HOST:PORT/metrics "
                         "(default: NEWSCRAWL_METRICS_PORT; not set: none)")
    wa.set_defaults(fn=cmd_watch)
