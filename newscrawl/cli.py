"""`newscrawl` command: demo, serve, query, export, stats, replay."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import datetime

from .codec import dumps
from .dates import parse_since
from .normalize import strip_controls

CSV_FIELDS = ("url", "title", "category", "published_at", "updated_at", "authors", "source", "tags",
              "summary", "read_time_minutes", "word_count", "language", "content_hash",
              "first_seen_at", "last_seen_at", "version", "body")


def settings_from(args):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    from scrapy.utils.project import get_project_settings
    s = get_project_settings()
    if getattr(args, "mongo_uri", None):
        s.set("MONGO_URI", args.mongo_uri, priority="cmdline")
    if getattr(args, "mongo_database", None):
        s.set("MONGO_DATABASE", args.mongo_database, priority="cmdline")
    if getattr(args, "data_dir", None):
        s.set("NEWSCRAWL_DATA_DIR", args.data_dir, priority="cmdline")
    for pair in getattr(args, "set", None) or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"newscrawl {args.command}: -s takes NAME=VALUE, got {pair!r}")
        s.set(name, value, priority="cmdline")
    return s


def _store(args):
    from .store import open_store
    store = open_store(settings_from(args), quiet=True)  # StoreUnavailable: see main()
    store.ensure_indexes()
    return store


def _date_arg(value: str) -> datetime:
    try:
        return parse_since(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _filters(args):
    from .store import Filters
    return Filters(category=args.category, tag=args.tag, author=args.author, since=args.since,
                   until=args.until, search=args.search, limit=getattr(args, "limit", None))


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
    store = _store(args)
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        n = write_docs(store.find(_filters(args)), args.format, out)
    store.close()
    print(f"Exported {n} articles to {args.out}")
    return 0


def cmd_stats(args) -> int:
    store = _store(args)
    by_cat, by_day = store.counts_by(args.days)
    print(f"Store: {store.kind} {store.where}\nArticles: {store.count()}\n\nBy category:")
    for cat, n in by_cat.items():
        print(f"  {cat or '(none)':<24} {n}")
    print("\nBy day published (latest first):")
    for day, n in by_day.items():
        print(f"  {day}  {n}")
    print("\nLast crawl runs:")
    last = store.last_runs(args.runs)
    for run in last:
        c = run.get("counts") or {}
        worker = f" worker {run['cluster'].get('worker')} of {run['crawl_id']}" if run.get("crawl_id") else ""
        outcome = run.get("finish_reason") or run.get("status")
        if run.get("status") == "degraded":  # the run checks failed (newscrawl.monitors)
            outcome = f"DEGRADED ({outcome})"
        print(f"  {run['started_at']:%Y-%m-%d %H:%M} {run.get('mode', 'full'):<11} {outcome:<26} "
              f"new {c.get('new', 0)}, updated {c.get('updated', 0)}, unchanged {c.get('unchanged', 0)}, "
              f"dropped {sum((c.get('dropped') or {}).values())}, spilled {c.get('spilled', 0)}  "
              f"{json.dumps(run.get('arguments') or {})}{worker}")
        for reason in (run.get("monitor") or {}).get("reasons", []):
            print(f"      check failed: {reason}")
    crawls: dict[tuple, list[dict]] = {}
    for run in last:
        if run.get("crawl_id"):
            crawls.setdefault((run["crawl_id"], run["cluster"].get("generation")), []).append(run)
    if crawls:
        print("\nShared crawls (REDIS_URL), among these runs:")
    for (cid, gen), workers in crawls.items():
        total = {k: sum((w.get("counts") or {}).get(k, 0) for w in workers) for k in ("new", "updated", "unchanged")}
        reasons = sorted({w.get("finish_reason") or w.get("status") for w in workers})
        print(f"  {cid} generation {gen}: {len(workers)} workers ({', '.join(reasons)}); new {total['new']}, "
              f"updated {total['updated']}, unchanged {total['unchanged']}")
    store.close()
    return 0


def cmd_replay(args) -> int:
    from .pipelines import now_ms
    from .prepare import Prepare, Rejected
    from .store import ArticleWriter, Counts
    from .store.spill import read_spill
    settings = settings_from(args)
    prepare = Prepare.from_settings(settings)  # the crawl's own validate + normalize
    store = _store(args)
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


def cmd_schedule(args) -> int:
    import logging
    from datetime import datetime, timezone

    from .schedule import ScheduleFileError, Scheduler, load_jobs
    from .scrapyd import Scrapyd, ScrapydError
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        jobs = load_jobs(args.file)
    except ScheduleFileError as exc:
        print(f"newscrawl schedule: {exc}", file=sys.stderr)
        return 2
    try:
        scrapyd = Scrapyd(args.scrapyd, args.project)
        scrapyd.check()
        scheduler = Scheduler(jobs, scrapyd)
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


def cmd_serve(args) -> int:
    from .replica import ReplicaServer, ReplicaSite, build_articles
    server = ReplicaServer(ReplicaSite(build_articles(args.articles)), port=args.port)
    print(f"Replica of the portal at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def cmd_demo(args) -> int:
    from scrapy.crawler import CrawlerProcess

    from .replica import ReplicaServer, ReplicaSite
    settings = settings_from(args)
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    try:  # a fixed port keeps the replica's URLs, so a second demo finds them unchanged
        server = ReplicaServer(ReplicaSite(), port=args.port)
    except OSError as exc:
        sys.exit(f"newscrawl demo: cannot serve the replica on 127.0.0.1:{args.port} ({exc}); "
                 f"pass another --port")
    with server:
        print(f"Serving the offline replica of the portal at {server.base_url}/")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("gbaf")
        process.crawl(crawler, base_url=server.base_url)
        process.start()
    stats = crawler.stats.get_stats()
    where = stats.get("newscrawl/store", "?")
    mode = stats.get("newscrawl/mode", "full")
    if mode == "incremental":
        print(f"\nIncremental re-run: the store already held this site; "
              f"{stats.get('newscrawl/http/not_modified', 0)} pages answered 304 Not Modified "
              f"(-a refresh=all, or a fresh --data-dir, crawls everything).")
    print(f"\nCrawled {stats.get('response_received_count', 0)} pages; stored "
          f"{stats.get('newscrawl/store/new', 0)} new, {stats.get('newscrawl/store/updated', 0)} updated, "
          f"{stats.get('newscrawl/store/unchanged', 0)} unchanged articles in {where}.")
    dropped = {k.split("/")[-1]: v for k, v in stats.items() if k.startswith("newscrawl/dropped/")}
    if dropped:
        print("Dropped on purpose (the replica has bad pages): " +
              ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    print(f"Finish reason: {stats.get('finish_reason')}\n\nLatest articles:")
    store = _store(args)
    from .store import Filters
    write_docs(store.find(Filters(limit=10)), "table", sys.stdout)
    store.close()
    print("\nTry: newscrawl query --category finance | newscrawl stats | "
          "newscrawl export --format csv --out articles.csv")
    return 0 if stats.get("finish_reason") == "finished" else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newscrawl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def store_opts(sp):
        sp.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI; none: embedded store)")
        sp.add_argument("--mongo-database", help="MongoDB database (default: MONGO_DATABASE or newscrawl)")
        sp.add_argument("--data-dir", help="folder of the embedded store (default: ./data)")
        sp.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                        help="a Scrapy setting, as for scrapy crawl (repeatable)")

    def filter_opts(sp):
        sp.add_argument("--category")
        sp.add_argument("--tag")
        sp.add_argument("--author", help="part of an author's name, any case")
        sp.add_argument("--since", type=_date_arg, help="published on or after YYYY-MM-DD")
        sp.add_argument("--until", type=_date_arg, help="published before YYYY-MM-DD")
        sp.add_argument("--search", help="words in the title, summary or body")

    d = sub.add_parser("demo", help="serve the offline replica and crawl it into the default store")
    store_opts(d)
    d.add_argument("--log-level", default="WARNING")
    d.add_argument("--port", type=int, default=8642, help="port of the replica on 127.0.0.1")
    d.set_defaults(fn=cmd_demo)
    sc = sub.add_parser("schedule", help="keep scheduling crawls on scrapyd from a TOML file of cron jobs")
    sc.add_argument("--scrapyd", required=True, metavar="URL",
                    help="scrapyd's URL, e.g. http://127.0.0.1:6800 (credentials: http://USER:PASSWORD@host "
                         "or SCRAPYD_USERNAME/SCRAPYD_PASSWORD)")
    sc.add_argument("--project", default="newscrawl", help="the scrapyd project (default: newscrawl)")
    sc.add_argument("--once", action="store_true", help="schedule every job now, print the job ids, exit")
    sc.add_argument("file", help="the schedule file (TOML, [[job]] tables)")
    sc.set_defaults(fn=cmd_schedule)
    s = sub.add_parser("serve", help="serve the offline replica on 127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--articles", type=int, default=34, help="generated articles beside the hand-written ones")
    s.set_defaults(fn=cmd_serve)
    q = sub.add_parser("query", help="articles in the store, newest first")
    store_opts(q)
    filter_opts(q)
    q.add_argument("--limit", type=int, default=20)
    q.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table")
    q.set_defaults(fn=cmd_query)
    e = sub.add_parser("export", help="stream articles to a file")
    store_opts(e)
    filter_opts(e)
    e.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    e.add_argument("--out", required=True)
    e.set_defaults(fn=cmd_export, limit=None)
    st = sub.add_parser("stats", help="counts by category and day, last crawl runs")
    store_opts(st)
    st.add_argument("--days", type=int, default=14)
    st.add_argument("--runs", type=int, default=5)
    st.set_defaults(fn=cmd_stats)
    r = sub.add_parser("replay", help="load a spill file (JSON Lines) into the store")
    store_opts(r)
    r.add_argument("file")
    r.set_defaults(fn=cmd_replay)
    return p


def main(argv=None) -> int:
    from .store import StoreUnavailable
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except StoreUnavailable as exc:
        sys.exit(f"newscrawl {args.command}: {exc}")
    except BrokenPipeError:
        # The reader went away (`newscrawl stats | head`): stop quietly, as Unix tools do.
        # Python would report the flush of stdout at exit too: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
