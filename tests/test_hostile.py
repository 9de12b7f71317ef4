"""The promise every reader of outside input keeps (#32; the property-based tests sit beside
each reader's own tests, with tests/hostile.py's strategies): coverage-guided fuzzing with
atheris (libFuzzer) of the readers together, for a bounded time in CI, finds no crash and no
input that takes over a second."""
import subprocess
import sys

import pytest

from .conftest import ROOT

FUZZ_SECONDS = 20


def test_fuzzing_the_readers_finds_no_crash_and_no_slow_input(tmp_path):
    pytest.importorskip("atheris", reason="atheris has wheels for Python 3.11 on x86_64 (make install adds it)")
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "fuzz_readers.py"), f"-max_total_time={FUZZ_SECONDS}",
                           "-timeout=1", "-seed=1", "-rss_limit_mb=2048"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=FUZZ_SECONDS + 120)
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    assert proc.returncode == 0 and not crashes, (crashes, proc.stderr[-3000:])
    runs = int(proc.stderr.rsplit("Done ", 1)[1].split()[0])
    assert runs > 1000, proc.stderr[-500:]  # it did fuzz
