"""`python -m newscrawl`: the `newscrawl` command."""
import sys

from newscrawl.ops.cli import main

sys.exit(main())
