"""`newscrawl reparse`: the web archive's article pages read again with the current parser,
without a request to the site; with the store lost, the store rebuilt from the archive alone.

Each site of the archive is one `scrapy crawl gbaf -a reparse=1 -a archive=PATH` (the spider's
reparse mode, answered from the archive: newscrawl.spiders.reparsing), or ``--processes N``
of them sharing the site's lock, each reading every N-th page; the pipelines store what
changed as a new version (history, change feed, webhook) and leave the rest untouched."""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.ops.cli.options import CliError, CliUsageError, date_arg, positive, settings_from, site_opt, store_opts

# what a child crawl is given of the command's store options, as settings
STORE_SETTINGS = ("NEWSCRAWL_STORE", "NEWSCRAWL_DATA_DIR", "MONGO_URI", "MONGO_DATABASE")
CLUSTER_ENVIRONMENT = ("REDIS_URL", "REDIS_HOST")  # a reparse reads the archive, not a shared frontier


def add_parsers(sub) -> None:
    rp = sub.add_parser("reparse", help="read the archived pages again with the current parser, no request to "
                                        "the site; rebuilds a lost store")
    store_opts(rp)
    site_opt(rp)
    rp.add_argument("--archive", metavar="PATH", help="the web archive's folder (default: NEWSCRAWL_ARCHIVE_DIR, "
                                                      "else <data dir>/archive)")
    rp.add_argument("--since", type=date_arg, help="only articles published on or after YYYY-MM-DD")
    rp.add_argument("--url", action="append", metavar="URL", help="only this article (repeatable)")
    rp.add_argument("--processes", type=positive, default=1, metavar="N",
                    help="N processes, each reading every N-th page (default 1)")
    rp.set_defaults(fn=cmd_reparse)


def archive_sites(root: Path) -> list[str]:
    from newscrawl.archive import ArchiveIndex
    from newscrawl.spiders.reparsing import ARTICLE_KINDS
    index = ArchiveIndex.load(root)
    return sorted({f"{p.scheme}://{p.netloc}" for c in index.latest(ARTICLE_KINDS) for p in [urlsplit(c.url)]})


def cmd_reparse(args) -> int:
    from newscrawl.store import archive_dir
    settings = settings_from(args)
    root = Path(args.archive).expanduser().resolve() if args.archive else archive_dir(settings)
    if not root.is_dir():
        raise CliUsageError(f"no web archive at {root}: crawl first (NEWSCRAWL_ARCHIVE is on by default), "
                            f"or name one with --archive PATH")
    sites = [s for s in archive_sites(root) if args.site is None or s == args.site.rstrip("/")]
    if not sites:
        raise CliError(f"the archive at {root} holds no article page" + (f" of {args.site}" if args.site else ""))
    given = child_settings(settings, getattr(args, "set", None) or [])
    env = {k: v for k, v in os.environ.items() if k not in CLUSTER_ENVIRONMENT}
    env.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    worst = 0
    for site in sites:
        children = [subprocess.Popen(command, env=env) for command in commands(site, root, args, given)]
        worst = max([worst, *(child.wait() for child in children)])
    return worst


def child_settings(settings, given: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The store the command names, and its -s settings, for each crawl it starts."""
    store = [(name, settings.get(name)) for name in STORE_SETTINGS if settings.get(name)]
    return store + [pair for pair in given if pair[0] not in STORE_SETTINGS]


def commands(site: str, root: Path, args, settings: list[tuple[str, str]]) -> list[list[str]]:
    from newscrawl.ops.worker import crawl_command
    arguments = [f"base_url={site}", "reparse=1", f"archive={root}"]
    if args.since:
        arguments.append(f"since={args.since:%Y-%m-%d}")
    if args.url:
        arguments.append("urls=" + ",".join(args.url))
    n = args.processes
    if n == 1:
        return [crawl_command("gbaf", arguments, settings)]
    shared = f"reparse-{uuid.uuid4().hex[:12]}"  # the processes hold the site's lock together
    return [crawl_command("gbaf", [*arguments, f"shard={i}/{n}", f"crawl_id={shared}"],
                          [*settings, ("NEWSCRAWL_LOCK_SHARED", "1")]) for i in range(n)]


__all__ = ["add_parsers", "cmd_reparse"]
