"""newscrawl.crawl.outcome: a run's status and exit code from its stats; the exit-code table (docs/reference/exit-codes.md, written from it)."""

import pytest

from newscrawl.crawl import outcome
from newscrawl.crawl.outcome import exit_code, run_status


@pytest.mark.parametrize("stats, status, code", [
    ({"finish_reason": "finished", "newscrawl/monitor/status": "passed"}, "passed", 0),
    ({"finish_reason": "finished", "newscrawl/monitor/status": "degraded"}, "degraded", 3),
    ({"finish_reason": "closespider_timeout"}, "degraded", 3),  # no verdict, not finished
    ({"finish_reason": "usage_error"}, "usage_error", 2),
    ({"finish_reason": "site_unreachable"}, "unreachable", 4),
    ({"finish_reason": "store_unavailable_spilled", "newscrawl/monitor/status": "degraded"}, "store_unavailable", 5),
    ({"finish_reason": "store_and_spill_failed"}, "store_unavailable", 5),
    ({"finish_reason": "already_running"}, "locked", 6),
    ({"finish_reason": "shutdown", "newscrawl/monitor/status": "passed"}, "interrupted", 130),
    ({"finish_reason": "store_unavailable"}, "failed", 1),
])
def test_status_and_exit_code(stats, status, code):
    assert run_status(stats).name == status
    assert exit_code(run_status(stats)) == code


def test_degraded_exits_0_when_told_to():
    degraded = run_status({"finish_reason": "finished", "newscrawl/monitor/status": "degraded"})
    assert exit_code(degraded, fail_on_degraded=False) == 0
    assert exit_code(run_status({"finish_reason": "site_unreachable"}), fail_on_degraded=False) == 4


def test_interrupted_and_refused_runs_are_not_judged_by_the_checks():
    assert not outcome.checks_apply({"finish_reason": "shutdown"})
    assert not outcome.checks_apply({"finish_reason": "usage_error"})
    assert outcome.checks_apply({"finish_reason": "finished"})
    assert outcome.checks_apply({"finish_reason": "store_unavailable_spilled"})


def test_a_watch_stopped_by_a_signal_exits_0():
    assert run_status({"finish_reason": "shutdown", "newscrawl/mode": "watch"}).name == "stopped"
    assert exit_code(run_status({"finish_reason": "shutdown", "newscrawl/mode": "watch"})) == 0
    assert run_status({"finish_reason": "shutdown", "newscrawl/mode": "incremental"}).exit_code == 130
