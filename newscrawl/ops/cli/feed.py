"""`newscrawl changes`: the change feed on the command line."""
from __future__ import annotations

import signal
import sys
import threading

from newscrawl.codec import dumps
from newscrawl.fresh import changes
from newscrawl.ops.cli.articles import write_docs
from newscrawl.ops.cli.options import (
    CliError,
    cursor,
    open_for,
    positive,
    positive_float,
    site_opt,
    store_opts,
    writable,
)


def cmd_changes(args) -> int:
    if args.follow and args.format != "jsonl":
        raise CliError("--follow prints JSON Lines: use --format jsonl")
    if args.format == "atom" and not args.out:
        raise CliError("--format atom writes a file: add --out FILE (or --out - for standard output)")
    out = open(args.out, "w", encoding="utf-8") if args.out and args.out != "-" else sys.stdout
    try:
        if args.format == "atom":
            write_atom(args, out)
        elif args.follow:
            follow(args, out)
        else:
            store = open_for(args)
            try:
                changes.check_cursor(store, args.since or 0)
                write_docs((changes.shown(c) for c in changes.read(store, args.since or 0, args.site, args.limit)),
                           args.format, out)
            finally:
                store.close()
        return 0
    except changes.CursorTooOld as exc:
        print(f"newscrawl changes: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if out is not sys.stdout:
            out.close()


def write_atom(args, out) -> None:
    store = open_for(args)
    try:
        found = changes.latest(store, args.limit or 50, site=args.site) if args.since is None else \
            list(changes.read(store, args.since, site=args.site, limit=args.limit or 50))[::-1]
    finally:
        store.close()
    out.write(changes.atom(found, f"newscrawl changes{' of ' + args.site if args.site else ''}",
                           f"urn:newscrawl:changes:{args.site or 'all'}"))


def follow(args, out) -> None:
    """Print changes as they are stored, until SIGTERM or SIGINT."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    for change in changes.follow(lambda: open_for(args), args.since or 0, stop, site=args.site, poll=args.poll,
                                 limit=args.limit):
        out.write(dumps(changes.shown(change)) + "\n")
        out.flush()


def add_parsers(sub) -> None:
    ch = sub.add_parser("changes", help="the change feed: new, updated and deleted articles")
    store_opts(ch)
    site_opt(ch)
    ch.add_argument("--since", type=cursor, metavar="CURSOR",
                    help="print the changes after this cursor (0: from the beginning; the default)")
    ch.add_argument("--follow", action="store_true", help="keep printing changes as they are stored")
    ch.add_argument("--format", choices=("jsonl", "json", "atom"), default="jsonl",
                    help="jsonl: one change a line; json: one array; atom: a feed of the latest changes (--out)")
    ch.add_argument("--limit", type=positive, help="at most N changes (atom: default 50)")
    ch.add_argument("--out", type=writable, help="a file (default: standard output)")
    ch.add_argument("--poll", type=positive_float, default=1.0, help="--follow: seconds between two reads (default 1)")
    ch.set_defaults(fn=cmd_changes)
