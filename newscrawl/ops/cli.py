"""`newscrawl` command: demo, serve, query, export, stats, replay, purge, schedule."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from newscrawl.codec import dumps
from newscrawl.keys import DROPPED, MODE, STORE
from newscrawl.process.normalize import strip_controls
from newscrawl.site.dates import parse_since

CSV_FIELDS = ("url", "title", "category", "published_at", "updated_at", "authors", "source", "tags",
              "summary", "read_time_minutes", "word_count", "language", "content_hash",
              "first_seen_at", "last_seen_at", "version", "body")


class CliError(Exception):
    """An error the user can fix: one line, exit 1 (no traceback)."""


def settings_from(args):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    from scrapy.utils.project import get_project_settings
    s = get_project_settings()
    if getattr(args, "mongo_uri", None):
        s.set("MONGO_URI", args.mongo_uri, priority="cmdline")
    if getattr(args, "store", None):
        s.set("NEWSCRAWL_STORE", args.store, priority="cmdline")
    if getattr(args, "mongo_database", None):
        s.set("MONGO_DATABASE", args.mongo_database, priority="cmdline")
    if getattr(args, "data_dir", None):
        s.set("NEWSCRAWL_DATA_DIR", args.data_dir, priority="cmdline")
    for name, value in getattr(args, "set", None) or []:
        s.set(name, value, priority="cmdline")
    return s


def _setting(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"takes NAME=VALUE, got {pair!r}")
    return name, value


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return n


def _cursor(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"a cursor is a whole number (0 or the `cursor` of a change), got {value!r}")
    return int(value)


def _site(value: str) -> str:
    from newscrawl.site.rules import SiteRules
    try:
        return SiteRules(value).base_url
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _store(args, readonly: bool = True):
    """The store every command agrees on (newscrawl.store.open_store). Commands that only read
    open it read-only and refuse one that does not exist."""
    from newscrawl.store import open_store
    store = open_store(settings_from(args), quiet=True, readonly=readonly)  # StoreUnavailable: see main()
    store.ensure_indexes()
    return store


def _date_arg(value: str) -> datetime:
    try:
        return parse_since(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _filters(args):
    from newscrawl.store import Filters
    return Filters(category=args.category, tag=args.tag, author=args.author, since=args.since,
                   until=args.until, search=args.search, limit=getattr(args, "limit", None),
                   site=getattr(args, "site", None))


def printable(value: str) -> str:
    """Text safe for a terminal or a CSV cell (the stores hold clean text; older data may not)."""
    return strip_controls(value)


def _csv_row(doc: dict) -> dict:
    row = {}
    for f in CSV_FIELDS:
        v = doc.get(f)
        if isinstance(v, list):
            v = "; ".join(x if isinstance(x, str) else dumps(x) for x in v)
        elif isinstance(v, datetime):
            v = v.isoformat()
        row[f] = printable(v) if isinstance(v, str) else v
    return row


def write_docs(docs, fmt: str, out) -> int:
    n = 0
    if fmt == "csv":
        w = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for d in docs:
            w.writerow(_csv_row(d))
            n += 1
    elif fmt == "json":
        out.write("[")
        for d in docs:
            out.write((",\n" if n else "\n") + dumps(d))
            n += 1
        out.write("\n]\n")
    elif fmt == "jsonl":
        for d in docs:
            out.write(dumps(d) + "\n")
            n += 1
    else:  # table
        for d in docs:
            when = d["published_at"].strftime("%Y-%m-%d %H:%M") if d.get("published_at") else "-"
            out.write(f"{when}  {printable(d.get('category') or '-')[:12]:<12}  {printable(d['title'])[:70]:<70}  "
                      f"{printable(d['url'])}\n")
            n += 1
    return n


def cmd_query(args) -> int:
    store = _store(args)
    n = write_docs(store.find(_filters(args)), args.format, sys.stdout)
    if args.format == "table":
        print(f"({n} articles)", file=sys.stderr)
    store.close()
    return 0


def cmd_export(args) -> int:
    if args.out != "-":
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise CliError(f"cannot write {args.out}: the folder {folder} does not exist")
    store = _store(args)
    try:
        if args.out == "-":  # standard output, as Unix tools do
            n = write_docs(store.find(_filters(args)), args.format, sys.stdout)
            sys.stdout.flush()
            print(f"Exported {n} articles to standard output", file=sys.stderr)
            return 0
        try:
            out = open(args.out, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror}") from None
        with out:
            n = write_docs(store.find(_filters(args)), args.format, out)
    finally:
        store.close()
    print(f"Exported {n} articles to {args.out}")
    return 0


def cmd_purge(args) -> int:
    store = _store(args, readonly=False)
    try:
        n = store.count(site=args.site)
        runs = len(store.last_runs(1_000_000, site=args.site))
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"newscrawl purge: would remove {n} articles and {runs} crawl runs of {args.site} from "
                      f"{store.kind} {store.where}; pass --yes to do it", file=sys.stderr)
                return 2
            answer = input(f"Remove {n} articles and {runs} crawl runs of {args.site} from {store.kind} "
                           f"{store.where}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing removed.")
                return 1
        removed = store.purge(args.site)
    finally:
        store.close()
    print(f"Removed from {store.kind} {store.where}: " + ", ".join(f"{v} {k}" for k, v in removed.items()))
    return 0


def span(seconds: float) -> str:
    """A duration for people: 42 s, 3.5 min, 2.1 h, 4.0 d."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def cmd_stats(args) -> int:
    from newscrawl.ops.report import run_figures
    store = _store(args)
    if args.format == "json":
        try:
            runs = [run_figures(r) for r in store.last_runs(args.runs, site=args.site)
                    if not args.since or (r.get("started_at") and r["started_at"] >= args.since)]
            sites = store.sites()
            out = {"store": f"{store.kind} {store.where}", "articles": store.count(site=args.site),
                   "sites": {args.site: sites.get(args.site, 0)} if args.site else sites, "runs": runs}
        finally:
            store.close()
        print(json.dumps(out, indent=1, default=str))
        return 0
    sites = store.sites()
    if args.site:
        sites = {args.site: sites.get(args.site, 0)}
    by_cat, by_day = store.counts_by(args.days, site=args.site)
    print(f"Store: {store.kind} {store.where}\nArticles: {store.count(site=args.site)}"
          + (f" (site {args.site})" if args.site else ""))
    if not args.site and len(sites) > 1:
        print("\nBy site:")
    if not args.site or len(sites) > 1:
        for site, n in sites.items():
            if len(sites) > 1:
                print(f"  {site:<40} {n}")
    print("\nBy category:")
    for cat, n in by_cat.items():
        print(f"  {cat or '(none)':<24} {n}")
    print("\nBy day published (latest first):")
    for day, n in by_day.items():
        print(f"  {day}  {n}")
    print("\nLast crawl runs:")
    last = store.last_runs(args.runs, site=args.site)
    for run in last:
        c = run.get("counts") or {}
        worker = f" worker {run['cluster'].get('worker')} of {run['crawl_id']}" if run.get("crawl_id") else ""
        status = run.get("status") or "?"
        outcome = status.upper() if status not in ("passed", "running", "finished", "stopped") else status
        print(f"  {run['started_at']:%Y-%m-%d %H:%M} {run.get('site') or '-'}  {run.get('mode', 'full'):<11} "
              f"{outcome:<17} ({run.get('finish_reason') or '-'}) new {c.get('new', 0)}, "
              f"updated {c.get('updated', 0)}, unchanged {c.get('unchanged', 0)}, "
              f"dropped {sum((c.get('dropped') or {}).values())}, spilled {c.get('spilled', 0)}  "
              f"{json.dumps(run.get('arguments') or {})}{worker}")
        fresh = c.get("freshness") or {}
        if fresh.get("n"):
            print(f"      freshness of {fresh['n']} new articles, published to stored: p50 {span(fresh['p50_s'])}, "
                  f"p95 {span(fresh['p95_s'])}" + (f" ({fresh['date_only']} more with a date only)"
                                                    if fresh.get("date_only") else ""))
        if c.get("stale_validators"):
            print(f"      {c['stale_validators']} change signals kept their validators while their content changed")
        if run.get("error"):
            print(f"      {printable(run['error'])}")
        for reason in (run.get("monitor") or {}).get("reasons", []) if status == "degraded" else []:
            print(f"      check failed: {reason}")
    crawls: dict[tuple, list[dict]] = {}
    for run in last:
        if run.get("crawl_id"):
            crawls.setdefault((run["crawl_id"], run["cluster"].get("generation")), []).append(run)
    if crawls:
        print("\nShared crawls (REDIS_URL), among these runs:")
    for (cid, gen), workers in crawls.items():
        total = {k: sum((w.get("counts") or {}).get(k, 0) for w in workers) for k in ("new", "updated", "unchanged")}
        reasons = sorted({str(w.get("finish_reason") or w.get("status")) for w in workers})
        print(f"  {cid} generation {gen}: {len(workers)} workers ({', '.join(reasons)}); new {total['new']}, "
              f"updated {total['updated']}, unchanged {total['unchanged']}")
    store.close()
    return 0


def cmd_changes(args) -> int:
    import signal
    import threading

    from newscrawl.fresh import changes
    if args.follow and args.format != "jsonl":
        raise CliError("--follow prints JSON Lines: use --format jsonl")
    if args.format == "atom" and not args.out:
        raise CliError("--format atom writes a file: add --out FILE (or --out - for standard output)")
    out = open(args.out, "w", encoding="utf-8") if args.out and args.out != "-" else sys.stdout
    try:
        if args.format == "atom":
            store = _store(args)
            try:
                found = changes.latest(store, args.limit or 50, site=args.site) if args.since is None else \
                    list(changes.read(store, args.since, site=args.site, limit=args.limit or 50))[::-1]
            finally:
                store.close()
            out.write(changes.atom(found, f"newscrawl changes{' of ' + args.site if args.site else ''}",
                                   f"urn:newscrawl:changes:{args.site or 'all'}"))
            return 0
        since = args.since or 0
        if not args.follow:
            store = _store(args)
            try:
                changes.check_cursor(store, since)
                write_docs((changes.shown(c) for c in changes.read(store, since, args.site, args.limit)),
                           args.format, out)
            finally:
                store.close()
            return 0
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        for change in changes.follow(lambda: _store(args), since, stop, site=args.site, poll=args.poll,
                                     limit=args.limit):
            out.write(dumps(changes.shown(change)) + "\n")
            out.flush()
        return 0
    except changes.CursorTooOld as exc:
        print(f"newscrawl changes: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if out is not sys.stdout:
            out.close()


def cmd_replay(args) -> int:
    from newscrawl.process.pipelines import now_ms
    from newscrawl.process.prepare import Prepare, Rejected
    from newscrawl.store import ArticleWriter, Counts
    from newscrawl.store.spill import read_spill
    settings = settings_from(args)
    prepare = Prepare.from_settings(settings)  # the crawl's own validate + normalize
    store = _store(args, readonly=False)
    writer = ArticleWriter(store, settings.getint("NEWSCRAWL_HISTORY_MAX"))
    total, bad = Counts(), 0
    try:
        for batch in read_spill(args.file):
            good = []
            for item in batch:
                try:
                    good.append(prepare(item))
                except Rejected:
                    bad += 1
            total.add(writer.write(good, now_ms()))
    except (ValueError, OSError) as exc:  # a spill file that cannot be read
        sys.exit(f"newscrawl replay: {exc}")
    finally:
        store.close()
    print(f"Replayed {args.file} into {store.kind} {store.where}: {total.new} new, "
          f"{total.updated} updated, {total.unchanged} unchanged, {bad} invalid")
    return 0


def _health(command: str, age: float, limit: float) -> int:
    """A healthcheck's verdict on a heartbeat ``age`` seconds old: 0 healthy, 1 not."""
    if age > limit:
        print(f"newscrawl {command}: unhealthy: last heartbeat {age:.0f} s ago (limit {limit:.0f} s)", file=sys.stderr)
        return 1
    print(f"healthy: heartbeat {age:.0f} s ago")
    return 0


def _schedule_state_path(args) -> Path:
    from newscrawl.store import data_dir
    if args.state:
        return Path(args.state).expanduser().resolve()
    return data_dir(settings_from(args)) / "scheduler" / f"{args.project}.json"


def cmd_schedule(args) -> int:
    import logging
    from datetime import datetime, timezone

    from newscrawl.ops.schedule import ScheduleFileError, Scheduler, load_jobs, post_alert, read_state, status_lines
    from newscrawl.ops.scrapyd import Scrapyd, ScrapydError
    state_path = _schedule_state_path(args)
    if args.status or args.health is not None:  # read what the running scheduler writes
        try:
            state = read_state(state_path)
        except (OSError, ValueError) as exc:
            raise CliError(f"no scheduler state at {state_path} ({getattr(exc, 'strerror', exc)}): "
                           f"is the scheduler running with the same --state / data folder?") from None
        now = datetime.now(timezone.utc)
        if args.health is not None:
            return _health("schedule", (now - datetime.fromisoformat(state["heartbeat"])).total_seconds(), args.health)
        print("\n".join(status_lines(state, now)))
        return 0
    if not args.file:
        print("newscrawl schedule: error: the schedule file is required (or --status / --health)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        jobs = load_jobs(args.file)
    except ScheduleFileError as exc:
        print(f"newscrawl schedule: {exc}", file=sys.stderr)
        return 2
    settings = settings_from(args)
    try:
        scrapyd = Scrapyd(args.scrapyd, args.project)
        scrapyd.check()
        webhook = settings.get("NEWSCRAWL_ALERT_WEBHOOK")
        scheduler = Scheduler(jobs, scrapyd, max_failures=settings.getint("NEWSCRAWL_SCHEDULE_MAX_FAILURES"),
                              alert=lambda body: post_alert(webhook, body), state_path=state_path)
        if args.once:
            for job, jobid in scheduler.run(jobs, datetime.now(timezone.utc)):
                print(f"{job.name}\t{jobid or 'skipped: a run is still pending or running'}")
            return 0
        scheduler.forever()
    except ScrapydError as exc:
        print(f"newscrawl schedule: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def _heartbeat_path(args) -> Path:
    import socket

    from newscrawl.store import data_dir
    if args.heartbeat:
        return Path(args.heartbeat).expanduser().resolve()
    return data_dir(settings_from(args)) / "workers" / f"{socket.gethostname()}.json"


def cmd_worker(args) -> int:
    """A long-running cluster worker (newscrawl.ops.worker)."""
    from newscrawl.ops.worker import Worker, crawl_command, heartbeat_age
    beat = _heartbeat_path(args)
    if args.health is not None:
        age = heartbeat_age(beat)
        if age is None:
            print(f"newscrawl worker: unhealthy: no heartbeat at {beat}", file=sys.stderr)
            return 1
        return _health("worker", age, args.health)
    return Worker(crawl_command(args.spider, args.argument or [], args.set or []), args.every, beat).run()


def watch_command(args) -> list[str]:
    """`newscrawl watch` as the `scrapy crawl` it runs (README: watch mode)."""
    cmd = ["scrapy", "crawl", "gbaf", "-a", "watch=1"]
    for a in args.argument or []:
        cmd += ["-a", a]
    named = {"NEWSCRAWL_WATCH_MIN_INTERVAL": args.min_interval, "NEWSCRAWL_WATCH_MAX_INTERVAL": args.max_interval,
             "NEWSCRAWL_WATCH_DISCOVERY_INTERVAL": args.discovery_interval, "MONGO_URI": args.mongo_uri,
             "MONGO_DATABASE": args.mongo_database, "NEWSCRAWL_DATA_DIR": args.data_dir, "NEWSCRAWL_STORE": args.store}
    for name, value in named.items():
        if value is not None:
            cmd += ["-s", f"{name}={value}"]
    for name, value in args.set or []:
        cmd += ["-s", f"{name}={value}"]
    return cmd


def cmd_watch(args) -> int:
    """Watch mode: the `gbaf` spider with -a watch=1, in this process (its exit code)."""
    from scrapy.cmdline import execute

    from newscrawl.fresh.watch import heartbeat_path
    from newscrawl.ops.worker import heartbeat_age
    if args.health is not None:
        beat = heartbeat_path(settings_from(args))
        age = heartbeat_age(beat)
        if age is None:
            print(f"newscrawl watch: unhealthy: no heartbeat at {beat}", file=sys.stderr)
            return 1
        return _health("watch", age, args.health)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    try:
        execute(watch_command(args))
    except SystemExit as exc:  # Scrapy's commands end this way
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def cmd_report(args) -> int:
    from newscrawl.ops.report import gather, render
    out = Path(args.out)
    if args.out != "-" and not out.parent.is_dir():
        raise CliError(f"--out {args.out}: no folder {out.parent}")
    store = _store(args)
    try:
        page = render(gather(store, site=args.site, since=args.since, runs=args.runs))
    finally:
        store.close()
    if args.out == "-":
        sys.stdout.write(page)
    else:
        out.write_text(page, encoding="utf-8")
        print(f"Wrote {out} ({len(page.encode()) / 1024:.0f} KiB): open it in a browser, offline")
    return 0


def cmd_dashboard(args) -> int:
    from newscrawl.ops.dashboard import Dashboard
    from newscrawl.site.rules import is_loopback
    settings = settings_from(args)
    password = os.environ.get("NEWSCRAWL_DASHBOARD_PASSWORD") or settings.get("NEWSCRAWL_DASHBOARD_PASSWORD")
    user = os.environ.get("NEWSCRAWL_DASHBOARD_USER") or "newscrawl"
    store = _store(args)
    try:
        server = Dashboard((args.host, args.port), store, site=args.site, password=password, user=user)
    except OSError as exc:
        store.close()
        raise CliError(f"cannot serve on {args.host}:{args.port} ({exc.strerror}); pass another --port") from None
    port = server.server_address[1]
    if not is_loopback(args.host) and not password:
        print(f"newscrawl dashboard: warning: bound to {args.host} without NEWSCRAWL_DASHBOARD_PASSWORD: anyone "
              f"who reaches port {port} reads the store", file=sys.stderr)
    print(f"Dashboard of {store.kind} {store.where} at http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0


def cmd_serve(args) -> int:
    from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles
    try:
        server = ReplicaServer(ReplicaSite(build_articles(args.articles)), port=args.port)
    except OSError as exc:
        raise CliError(f"cannot serve on 127.0.0.1:{args.port} ({exc.strerror}); pass another --port") from None
    print(f"Replica of the portal at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def cmd_demo(args) -> int:
    from scrapy.crawler import CrawlerProcess

    from newscrawl.replica import ReplicaServer, ReplicaSite
    from newscrawl.store import data_dir, default_data_dir, store_kind
    # The demo's own store (data/demo), never the default one a live crawl uses.
    if not args.data_dir:
        args.data_dir = str(default_data_dir() / "demo")
    if not args.mongo_uri and not args.store:
        args.store = "embedded"
    settings = settings_from(args)
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    try:  # a fixed port keeps the replica's URLs, so a second demo finds them unchanged
        server = ReplicaServer(ReplicaSite(), port=args.port)
    except OSError as exc:
        raise CliError(f"cannot serve the replica on 127.0.0.1:{args.port} ({exc.strerror}); "
                       f"pass another --port") from None
    with server:
        print(f"Serving the offline replica of the portal at {server.base_url}/")
        if store_kind(settings) == "embedded":
            print(f"Demo store: {data_dir(settings)} (the default store is left alone; "
                  f"newscrawl query --data-dir {data_dir(settings)})")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("gbaf")
        process.crawl(crawler, base_url=server.base_url)
        process.start()
    stats = crawler.stats.get_stats()
    where = stats.get(STORE, "?")
    mode = stats.get(MODE, "full")
    if mode == "incremental":
        print(f"\nIncremental re-run: the store already held this site; "
              f"{stats.get('newscrawl/http/not_modified', 0)} pages answered 304 Not Modified "
              f"(-a refresh=all, or a fresh --data-dir, crawls everything).")
    print(f"\nCrawled {stats.get('response_received_count', 0)} pages; stored "
          f"{stats.get('newscrawl/store/new', 0)} new, {stats.get('newscrawl/store/updated', 0)} updated, "
          f"{stats.get('newscrawl/store/unchanged', 0)} unchanged articles in {where}.")
    dropped = {k.split("/")[-1]: v for k, v in stats.items() if k.startswith(DROPPED)}
    if dropped:
        print("Dropped on purpose (the replica has bad pages): " +
              ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    print(f"Finish reason: {stats.get('finish_reason')}\n\nLatest articles:")
    store = _store(args, readonly=False)
    from newscrawl.store import Filters
    write_docs(store.find(Filters(limit=10, site=server.base_url)), "table", sys.stdout)  # this demo's site
    store.close()
    where = " --store mongodb" if store_kind(settings) == "mongodb" else f" --data-dir {data_dir(settings)}"
    print(f"\nTry: newscrawl query{where} --category finance | newscrawl stats{where} | "
          f"newscrawl export{where} --format csv --out articles.csv")
    from newscrawl.crawl.outcome import exit_code, run_status
    return exit_code(run_status(stats), settings.getbool("NEWSCRAWL_FAIL_ON_DEGRADED"))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newscrawl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def store_opts(sp):
        sp.add_argument("--store", choices=("embedded", "mongodb"),
                        help="which store (default: NEWSCRAWL_STORE, auto: MongoDB when MONGO_URI is set); "
                             "embedded never connects to MongoDB")
        sp.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI; none: embedded store)")
        sp.add_argument("--mongo-database", help="MongoDB database (default: MONGO_DATABASE or newscrawl)")
        sp.add_argument("--data-dir", help="folder of the embedded store (default: NEWSCRAWL_DATA_DIR, else "
                                           "the project's data/)")
        sp.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=_setting,
                        help="a Scrapy setting, as for scrapy crawl (repeatable)")

    def site_opt(sp, required=False):
        sp.add_argument("--site", type=_site, required=required, metavar="URL",
                        help="one site's articles and runs (its base_url, e.g. http://127.0.0.1:8642)")

    def filter_opts(sp):
        sp.add_argument("--category")
        sp.add_argument("--tag")
        sp.add_argument("--author", help="part of an author's name, any case")
        sp.add_argument("--since", type=_date_arg, help="published on or after YYYY-MM-DD")
        sp.add_argument("--until", type=_date_arg, help="published before YYYY-MM-DD")
        sp.add_argument("--search", help="words in the title, summary or body")

    d = sub.add_parser("demo", help="serve the offline replica and crawl it into a store of its own (data/demo)")
    store_opts(d)
    d.add_argument("--log-level", default="WARNING")
    d.add_argument("--port", type=int, default=8642, help="port of the replica on 127.0.0.1")
    d.set_defaults(fn=cmd_demo)
    sc = sub.add_parser("schedule", help="keep scheduling crawls on scrapyd from a TOML file of cron jobs")
    sc.add_argument("--scrapyd", metavar="URL", default="http://127.0.0.1:6800",
                    help="scrapyd's URL, e.g. http://127.0.0.1:6800 (credentials: http://USER:PASSWORD@host "
                         "or SCRAPYD_USERNAME/SCRAPYD_PASSWORD)")
    sc.add_argument("--project", default="newscrawl", help="the scrapyd project (default: newscrawl)")
    sc.add_argument("--once", action="store_true", help="schedule every job now, print the job ids, exit")
    sc.add_argument("--state", metavar="FILE", help="where the scheduler keeps its state and heartbeat "
                                                    "(default: <data dir>/scheduler/<project>.json)")
    sc.add_argument("--status", action="store_true", help="each job's last run, next slot and failures, from the state")
    sc.add_argument("--health", type=float, metavar="SECONDS", help="exit 0 when the heartbeat is younger (healthcheck)")
    sc.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=_setting, help="a setting")
    sc.add_argument("--data-dir", help="the data folder (default: NEWSCRAWL_DATA_DIR, else the project's data/)")
    sc.add_argument("file", nargs="?", help="the schedule file (TOML, [[job]] tables)")
    sc.set_defaults(fn=cmd_schedule)
    w = sub.add_parser("worker", help="a long-running cluster worker: one crawl after another (REDIS_URL)")
    w.add_argument("--spider", default="gbaf")
    w.add_argument("-a", dest="argument", action="append", metavar="NAME=VALUE", help="a spider argument")
    w.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=_setting, help="a setting")
    w.add_argument("--every", type=float, default=300.0, help="seconds between two crawls (default 300)")
    w.add_argument("--heartbeat", metavar="FILE", help="default: <data dir>/workers/<hostname>.json")
    w.add_argument("--data-dir", help="the data folder (default: NEWSCRAWL_DATA_DIR, else the project's data/)")
    w.add_argument("--health", type=float, metavar="SECONDS", help="exit 0 when the heartbeat is younger (healthcheck)")
    w.set_defaults(fn=cmd_worker)
    s = sub.add_parser("serve", help="serve the offline replica on 127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--articles", type=int, default=34, help="generated articles beside the hand-written ones")
    s.set_defaults(fn=cmd_serve)
    q = sub.add_parser("query", help="articles in the store, newest first")
    store_opts(q)
    filter_opts(q)
    site_opt(q)
    q.add_argument("--limit", type=_positive, default=20, help="at most N articles (default 20)")
    q.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table")
    q.set_defaults(fn=cmd_query)
    e = sub.add_parser("export", help="stream articles to a file")
    store_opts(e)
    filter_opts(e)
    site_opt(e)
    e.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    e.add_argument("--out", required=True, help="a file, or - for standard output")
    e.set_defaults(fn=cmd_export, limit=None)
    st = sub.add_parser("stats", help="counts by category and day, last crawl runs")
    store_opts(st)
    site_opt(st)
    st.add_argument("--days", type=_positive, default=14)
    st.add_argument("--runs", type=_positive, default=5, help="the last N crawl runs (default 5)")
    st.add_argument("--since", type=_date_arg, help="runs started on or after YYYY-MM-DD")
    st.add_argument("--format", choices=("text", "json"), default="text",
                    help="json: one object with the store, per-site totals and the runs' figures")
    st.set_defaults(fn=cmd_stats)
    rp = sub.add_parser("report", help="the run history and latest articles as one self-contained HTML file")
    store_opts(rp)
    site_opt(rp)
    rp.add_argument("--out", required=True, help="an .html file, or - for standard output")
    rp.add_argument("--since", type=_date_arg, help="runs started on or after YYYY-MM-DD")
    rp.add_argument("--runs", type=_positive, default=200, help="the last N runs in full (default 200; the "
                                                                   "daily history covers every run)")
    rp.set_defaults(fn=cmd_report)
    db = sub.add_parser("dashboard", help="the report served live from the store, with a search")
    store_opts(db)
    site_opt(db)
    db.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; elsewhere, set "
                                                        "NEWSCRAWL_DASHBOARD_PASSWORD)")
    db.add_argument("--port", type=int, default=8650)
    db.set_defaults(fn=cmd_dashboard)
    pu = sub.add_parser("purge", help="remove one site's articles, runs and validators from the store")
    store_opts(pu)
    site_opt(pu, required=True)
    pu.add_argument("--yes", action="store_true", help="do not ask")
    pu.set_defaults(fn=cmd_purge)
    wa = sub.add_parser("watch", help="keep the store fresh: poll the site's change signals and fetch what is "
                                      "new or changed, until SIGTERM/SIGINT (exit 0)")
    store_opts(wa)
    wa.add_argument("-a", dest="argument", action="append", metavar="NAME=VALUE",
                    help="a spider argument, as for scrapy crawl (base_url, categories, ...)")
    wa.add_argument("--min-interval", type=float, metavar="S",
                    help="a change signal's poll interval right after it changed (default 60)")
    wa.add_argument("--max-interval", type=float, metavar="S",
                    help="the longest poll interval, while nothing changes (default 900)")
    wa.add_argument("--discovery-interval", type=float, metavar="S",
                    help="seconds between two full incremental discoveries (default 3600)")
    wa.add_argument("--health", type=float, metavar="SECONDS",
                    help="exit 0 when the running watch's heartbeat is younger (healthcheck)")
    wa.set_defaults(fn=cmd_watch)
    ch = sub.add_parser("changes", help="the change feed: every new article and new version, oldest first, "
                                        "each once (pass back the last cursor you processed)")
    store_opts(ch)
    site_opt(ch)
    ch.add_argument("--since", type=_cursor, metavar="CURSOR",
                    help="print the changes after this cursor (0: from the beginning; the default)")
    ch.add_argument("--follow", action="store_true", help="keep printing changes as they are stored")
    ch.add_argument("--format", choices=("jsonl", "json", "atom"), default="jsonl",
                    help="jsonl: one change a line; json: one array; atom: a feed of the latest changes (--out)")
    ch.add_argument("--limit", type=_positive, help="at most N changes (atom: default 50)")
    ch.add_argument("--out", help="a file (default: standard output)")
    ch.add_argument("--poll", type=float, default=1.0, help="--follow: seconds between two reads (default 1)")
    ch.set_defaults(fn=cmd_changes)
    r = sub.add_parser("replay", help="load a spill file (JSON Lines) into the store")
    store_opts(r)
    r.add_argument("file")
    r.set_defaults(fn=cmd_replay)
    return p


def main(argv=None) -> int:
    from newscrawl.store import StoreUnavailable
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except (StoreUnavailable, CliError) as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`newscrawl stats | head`): stop quietly, as Unix tools do.
        # Python would report the flush of stdout at exit too: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
