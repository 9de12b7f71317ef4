"""`newscrawl`: the command line, one module per concern (articles, history, feed, services, demo)."""
from __future__ import annotations

import argparse
import os
import sys

from newscrawl.ops.cli import about, articles, demo, feed, history, reparse, services
from newscrawl.ops.cli.articles import write_docs
from newscrawl.ops.cli.options import CliError, CliUsageError

__all__ = ["build_parser", "main", "write_docs"]

COMMAND_MODULES = (demo, services, articles, reparse, history, feed, about)
# One example per command, shown at the end of its --help (and on the reference page).
EXAMPLES = {
    "demo": "newscrawl demo",
    "serve": "newscrawl serve --port 8000   # then: scrapy crawl gbaf -a base_url=http://127.0.0.1:8000",
    "schedule": "newscrawl schedule --scrapyd http://127.0.0.1:6800 deploy/schedule.toml",
    "worker": "REDIS_URL=redis://127.0.0.1:6379/0 newscrawl worker --every 300",
    "watch": "newscrawl watch --min-interval 30",
    "query": "newscrawl query --category finance --since 2026-11-01 --limit 5",
    "export": "newscrawl export --format parquet --out articles.parquet",
    "purge": "newscrawl purge --site http://127.0.0.1:8642",
    "replay": "newscrawl replay data/spill/spill-20261206T101500.jsonl",
    "reparse": "newscrawl reparse --site https://www.globalbankingandfinance.com --processes 2",
    "stats": "newscrawl stats --runs 10 --format json",
    "report": "newscrawl report --out report.html",
    "dashboard": "NEWSCRAWL_DASHBOARD_PASSWORD=s3cret newscrawl dashboard --port 8080",
    "changes": "newscrawl changes --since 0 --format jsonl",
    "where": "newscrawl where",
    "completion": "newscrawl completion bash > ~/.local/share/bash-completion/completions/newscrawl",
}


class CommandList(argparse.HelpFormatter):
    """`newscrawl --help`: one line a command (argparse measures the commands' names one indent
    short of where it prints them, and wraps the longest onto a second line)."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            self._action_max_length += self._indent_increment


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newscrawl", description="newscrawl: crawl Global Banking & Finance Review "
                                                              "into a store, and read it",
                                epilog="scrapy crawl gbaf runs a crawl; newscrawl COMMAND --help shows a command "
                                       "with an example",
                                formatter_class=CommandList)
    from newscrawl import __version__
    p.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_parsers(sub)
    for name, sp in sub.choices.items():
        sp.epilog = f"example:\n  {EXAMPLES[name]}"
        sp.formatter_class = argparse.RawDescriptionHelpFormatter
    return p


def main(argv=None) -> int:
    from newscrawl.store import StoreUnavailable
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser, with its usage
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.fn(args)
    except CliUsageError as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        return 2
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
