"""The store's articles: `query`, `export`, `purge`, `replay`."""
from __future__ import annotations

import csv
import os
import sys
from datetime import datetime

from newscrawl.codec import dumps
from newscrawl.ops.cli.options import (
    CliError,
    CliUsageError,
    filter_opts,
    open_for,
    positive,
    printable,
    settings_from,
    site_opt,
    store_opts,
)

CSV_FIELDS = ("url", "title", "category", "published_at", "updated_at", "authors", "source", "tags",
              "summary", "read_time_minutes", "word_count", "language", "content_hash",
              "first_seen_at", "last_seen_at", "version", "body")


def filters(args):
    from newscrawl.store import Filters
    return Filters(category=args.category, tag=args.tag, author=args.author, since=args.since,
                   until=args.until, search=args.search, limit=getattr(args, "limit", None),
                   site=getattr(args, "site", None))


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
    store = open_for(args)
    try:
        n = write_docs(store.find(filters(args)), args.format, sys.stdout)
        if args.format == "table":
            print(f"({n} articles)", file=sys.stderr)
        if not n and args.category:
            say_categories(store, args)
    finally:
        store.close()
    return 0


def say_categories(store, args) -> None:
    """A category that matches nothing: which ones the store has (standard error)."""
    by_cat, _ = store.counts_by(1, site=args.site)
    known = [c for c in by_cat if c]
    if not any(c.lower() == args.category.lower() for c in known):
        print(f"no article in category {args.category!r}; the store has: " + (", ".join(sorted(known)) or "none"),
              file=sys.stderr)


def cmd_export(args) -> int:
    if args.format == "parquet":
        return export_parquet(args)
    if args.out != "-":
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise CliError(f"cannot write {args.out}: the folder {folder} does not exist")
    store = open_for(args)
    try:
        if args.out == "-":  # standard output, as Unix tools do
            n = write_docs(store.find(filters(args)), args.format, sys.stdout)
            sys.stdout.flush()
            print(f"Exported {n} articles to standard output", file=sys.stderr)
            return 0
        try:
            out = open(args.out, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror}") from None
        with out:
            n = write_docs(store.find(filters(args)), args.format, out)
    finally:
        store.close()
    print(f"Exported {n} articles to {args.out}")
    return 0


def export_parquet(args) -> int:
    from newscrawl.ops.parquet import ParquetUnavailable, schema, write_parquet
    try:
        schema()
    except ParquetUnavailable as exc:
        raise CliError(str(exc)) from None
    if args.out == "-":
        raise CliUsageError("--format parquet writes a file: pass --out FILE.parquet")
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        raise CliError(f"cannot write {args.out}: the folder {folder} does not exist")
    store = open_for(args)
    try:
        n = write_parquet(store.find(filters(args)), args.out)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    finally:
        store.close()
    print(f"Exported {n} articles to {args.out}")
    return 0


def purge_listing(counts: dict[str, int]) -> str:
    """What a purge removes, every collection named (those with nothing too)."""
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def cmd_purge(args) -> int:
    from datetime import timezone
    store = open_for(args, readonly=False)
    try:
        preview = store.purge_preview(args.site)
        what = (f"{purge_listing(preview)} of {args.site} from {store.kind} {store.where}, and publish "
                f"{preview['articles']} deletions in the change feed")
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"newscrawl purge: would remove {what}; pass --yes to do it", file=sys.stderr)
                return 2
            if input(f"Remove {what}? [y/N] ").strip().lower() not in ("y", "yes"):
                print("Nothing removed.")
                return 1
        removed = store.purge(args.site, datetime.now(timezone.utc))
        deletions = removed.pop("deletions")
        print(f"Removed from {store.kind} {store.where}: {purge_listing(removed)}; {deletions} deletions published "
              f"in the change feed")
        hook = settings_from(args).get("NEWSCRAWL_CHANGES_WEBHOOK")
        if hook and deletions:  # a downstream copy learns now, not at the next crawl
            from newscrawl.fresh.changes import Webhook
            print(f"Posted {Webhook(hook).drain(store)} changes to the change-feed webhook")
    finally:
        store.close()
    return 0


def cmd_replay(args) -> int:
    from newscrawl.process.pipelines import now_ms
    from newscrawl.process.prepare import Prepare, Rejected
    from newscrawl.store import ArticleWriter, Counts
    from newscrawl.store.spill import read_spill
    settings = settings_from(args)
    prepare = Prepare.from_settings(settings)  # the crawl's own validate + normalize
    store = open_for(args, readonly=False)
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
    except UnicodeDecodeError as exc:
        raise CliError(f"{args.file}: not UTF-8 text (byte {exc.start}): not a spill file") from None
    except OSError as exc:
        raise CliError(f"cannot read {args.file} ({exc.strerror})") from None
    except ValueError as exc:  # a spill file that cannot be parsed
        raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"Replayed {args.file} into {store.kind} {store.where}: {total.new} new, "
          f"{total.updated} updated, {total.unchanged} unchanged, {bad} invalid")
    return 0



def add_parsers(sub) -> None:
    q = sub.add_parser("query", help="articles in the store, newest first")
    store_opts(q)
    filter_opts(q)
    site_opt(q)
    q.add_argument("--limit", type=positive, default=20, help="at most N articles (default 20)")
    q.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table")
    q.set_defaults(fn=cmd_query)
    e = sub.add_parser("export", help="stream articles to a file (jsonl, json, csv, parquet)")
    store_opts(e)
    filter_opts(e)
    site_opt(e)
    e.add_argument("--format", choices=("jsonl", "json", "csv", "parquet"), default="jsonl",
                   help="parquet: typed columns for DuckDB and pandas (pip install 'newscrawl[parquet]')")
    e.add_argument("--out", required=True, help="a file, or - for standard output")
    e.set_defaults(fn=cmd_export, limit=None)
    pu = sub.add_parser("purge", help="remove one site's articles, runs and validators")
    store_opts(pu)
    site_opt(pu, required=True)
    pu.add_argument("--yes", action="store_true", help="do not ask")
    pu.set_defaults(fn=cmd_purge)
    r = sub.add_parser("replay", help="load a spill file (JSON Lines) into the store")
    store_opts(r)
    r.add_argument("file")
    r.set_defaults(fn=cmd_replay)
