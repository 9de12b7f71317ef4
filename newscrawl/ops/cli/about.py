"""newscrawl about itself: `where` (which store a command uses, and why) and `completion` (the
shell's completion script, written by shtab from the argument parser)."""
from __future__ import annotations

import sys

from newscrawl.ops.cli.options import CliUsageError, settings_from, store_opts


def cmd_where(args) -> int:
    from newscrawl.store import StoreMisconfigured, describe_store
    try:
        print(describe_store(settings_from(args)))
    except StoreMisconfigured as exc:
        raise CliUsageError(str(exc)) from None
    return 0


def cmd_completion(args) -> int:
    import shtab

    from newscrawl.ops.cli import build_parser
    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return 0


def add_parsers(sub) -> None:
    w = sub.add_parser("where", help="which store the commands use here, and why")
    store_opts(w)
    w.set_defaults(fn=cmd_where)
    c = sub.add_parser("completion", help="the shell completion script (bash, zsh, tcsh)")
    c.add_argument("shell", choices=("bash", "zsh", "tcsh"))
    c.set_defaults(fn=cmd_completion)
