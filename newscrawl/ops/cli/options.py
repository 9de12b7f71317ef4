"""What every `newscrawl` command shares: its settings, its store, argument types and errors."""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime

from newscrawl.process.normalize import strip_controls
from newscrawl.site.dates import parse_since


class CliUsageError(Exception):
    """A mistake in what the user asked (an option, a setting): one line, exit 2."""


class CliError(Exception):
    """An error the user can fix: one line, exit 1 (no traceback)."""


def settings_from(args):
    """The project's settings with the declared defaults, the command's options and ``-s``,
    checked like a crawl's (newscrawl.conf): a bad value or unknown name is a usage error."""
    from newscrawl.conf import SettingsError, check, project_settings
    s = project_settings()
    if getattr(args, "mongo_uri", None):
        s.set("MONGO_URI", args.mongo_uri, priority="cmdline")
    if getattr(args, "store", None):
        s.set("NEWSCRAWL_STORE", args.store, priority="cmdline")
    if getattr(args, "mongo_database", None):
        s.set("MONGO_DATABASE", args.mongo_database, priority="cmdline")
    if getattr(args, "data_dir", None):
        if os.path.exists(args.data_dir) and not os.path.isdir(args.data_dir):
            raise CliUsageError(f"--data-dir {args.data_dir} is a file: pass a folder")
        s.set("NEWSCRAWL_DATA_DIR", args.data_dir, priority="cmdline")
    for name, value in getattr(args, "set", None) or []:
        s.set(name, value, priority="cmdline")
    try:
        check(s, os.environ)
    except SettingsError as exc:
        raise CliUsageError(str(exc)) from None
    return s


def setting_pair(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"takes NAME=VALUE, got {pair!r}")
    return name, value


def whole(value: str, lowest: int, highest: int | None = None) -> int | None:
    """``value`` as a whole number within the bounds, else None."""
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= lowest and (highest is None or number <= highest) else None


def positive(value: str) -> int:
    n = whole(value, 1)
    if n is None:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return n


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value}")
    return number


def port(value: str) -> int:
    """A TCP port; 0: any free one."""
    number = whole(value, 0, 65535)
    if number is None:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value!r}")
    return number


def count(value: str) -> int:
    number = whole(value, 0)
    if number is None:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {value!r}")
    return number


def log_level(value: str) -> str:
    levels = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
    if value.upper() not in levels:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(levels)}, got {value!r}")
    return value.upper()


def writable(path: str) -> str:
    """An output file whose folder exists (``-``: standard output)."""
    if path != "-":
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"cannot write {path}: the folder {folder} does not exist")
    return path


def cursor(value: str) -> int:
    if not value.isdecimal():  # "¹" is a digit to str.isdigit(), not to int()
        raise argparse.ArgumentTypeError(f"a cursor is a whole number (0 or the `cursor` of a change), got {value!r}")
    return int(value)


def site_url(value: str) -> str:
    from newscrawl.site.rules import SiteRules
    try:
        return SiteRules(value).base_url
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_for(args, readonly: bool = True):
    """The store every command agrees on (newscrawl.store.open_store). Commands that only read
    open it read-only and refuse one that does not exist."""
    from newscrawl.store import StoreMisconfigured, open_store, store_kind
    settings = settings_from(args)
    try:
        store_kind(settings)  # which store: NEWSCRAWL_STORE, --store, MONGO_URI make sense together
    except StoreMisconfigured as exc:
        raise CliUsageError(str(exc)) from None
    store = open_store(settings, quiet=True, readonly=readonly)  # StoreUnavailable: see main()
    store.ensure_indexes()
    return store


def date_arg(value: str) -> datetime:
    try:
        return parse_since(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def printable(value: str) -> str:
    """Text safe for a terminal or a CSV cell (the stores hold clean text; older data may not)."""
    return strip_controls(value)


def health(command: str, data: dict | None, limit: float, where) -> int:
    """A healthcheck's verdict on a heartbeat (newscrawl.heartbeat): 0 healthy, 1 not (one line)."""
    from newscrawl import heartbeat
    healthy, why = heartbeat.verdict(data, limit)
    if not healthy:
        print(f"newscrawl {command}: unhealthy: {why} ({where})", file=sys.stderr)
        return 1
    print(f"healthy: {why}")
    return 0


def store_opts(sp) -> None:
    sp.add_argument("--store", choices=("embedded", "mongodb"),
                    help="which store (default: NEWSCRAWL_STORE, auto: MongoDB when MONGO_URI is set); "
                         "embedded never connects to MongoDB")
    sp.add_argument("--mongo-uri", help="MongoDB URI (default: MONGO_URI; none: embedded store)")
    sp.add_argument("--mongo-database", help="MongoDB database (default: MONGO_DATABASE or newscrawl)")
    sp.add_argument("--data-dir", help="folder of the embedded store (default: NEWSCRAWL_DATA_DIR, else "
                                       "the project's data/)")
    sp.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", type=setting_pair,
                    help="a Scrapy setting, as for scrapy crawl (repeatable)")


def metrics_opt(sp) -> None:
    sp.add_argument("--metrics-port", type=port, metavar="PORT",
                    help="serve Prometheus metrics on http://NEWSCRAWL_METRICS_HOST:PORT/metrics "
                         "(default: NEWSCRAWL_METRICS_PORT; not set: none)")


def serve_metrics(args, settings, collector) -> None:
    """/metrics of a long-running command, when --metrics-port or NEWSCRAWL_METRICS_PORT says."""
    from newscrawl.ops.exporter import serve
    wanted = args.metrics_port if args.metrics_port is not None else settings.get("NEWSCRAWL_METRICS_PORT")
    if wanted in (None, ""):
        return
    host = settings.get("NEWSCRAWL_METRICS_HOST")
    try:
        got = serve(collector, host, int(wanted))
    except OSError as exc:
        raise CliError(f"cannot serve metrics on {host}:{wanted} ({exc.strerror}); pass another --metrics-port") from None
    print(f"Metrics on http://{host}:{got}/metrics", file=sys.stderr, flush=True)


def site_opt(sp, required: bool = False) -> None:
    sp.add_argument("--site", type=site_url, required=required, metavar="URL",
                    help="one site's articles and runs (its base_url, e.g. http://127.0.0.1:8642)")


def filter_opts(sp) -> None:
    sp.add_argument("--category")
    sp.add_argument("--tag")
    sp.add_argument("--author", help="part of an author's name, any case")
    sp.add_argument("--since", type=date_arg, help="published on or after YYYY-MM-DD")
    sp.add_argument("--until", type=date_arg, help="published before YYYY-MM-DD")
    sp.add_argument("--search", help="words in the title, summary or body")
