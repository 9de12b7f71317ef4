"""`newscrawl`: the command line, one module per concern (articles, history, feed, services, demo)."""
from __future__ import annotations

import argparse
import os
import sys

from newscrawl.ops.cli import articles, demo, feed, history, services
from newscrawl.ops.cli.articles import write_docs
from newscrawl.ops.cli.options import CliError, CliUsageError

__all__ = ["build_parser", "main", "write_docs"]

COMMAND_MODULES = (demo, services, articles, history, feed)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newscrawl", description="newscrawl: crawl Global Banking & Finance Review "
                                                              "into a store, and read it")
    from newscrawl import __version__
    p.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.add_parsers(sub)
    return p


def main(argv=None) -> int:
    from newscrawl.store import StoreUnavailable
    args = build_parser().parse_args(argv)
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
