"""How a scheduled job ended (read from its scrapyd log), and what `newscrawl schedule --status`
prints: the scheduler's state file (each job's last run, next slot, failures, pause) and, when
scrapyd answers, each job's runs there with their outcome."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

# The line the run recorder writes at the end of every crawl (newscrawl.crawl.runs).
STATUS_LINE = re.compile(r"Crawl run \w+: status (\w+) \(exit code (\d+)\)(?:: (.*))?")


def job_outcome(log: str | None) -> tuple[str, str]:
    """(status, reason) of a finished scrapyd job, from the end of its log."""
    if not log:
        return "failed", "the job left no log (it did not start: see scrapyd's own log)"
    found = STATUS_LINE.findall(log)
    if found:
        status, _, reason = found[-1]
        return status, reason
    if "twice, forcing unclean shutdown" in log:  # Scrapy's word for a second SIGTERM: cancelled twice
        return "interrupted", "cancelled twice: the crawl was stopped at once, without its status line"
    lines = [x for x in log.splitlines() if x.strip()]
    said = [x.split("scrapy crawl: ", 1)[1] for x in lines if "scrapy crawl: " in x]  # the crawl command's line
    if said:
        return "failed", said[-1].strip()[:500]
    errors = [x for x in lines if " ERROR: " in x]
    return "failed", "no run status in the log; " + (errors or lines or ["(empty)"])[-1].strip()[:300]


def read_state(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def status_lines(state: dict, now: datetime, listing: dict | None = None,
                 outcome: Callable[[dict], tuple[str, str]] | None = None) -> list[str]:
    """`newscrawl schedule --status`: each job's last run, next slot and failures; with
    scrapyd's ``listing``, each job's pending, running and finished runs there (the last
    three finished), the finished ones with their ``outcome`` read from their logs."""
    beat = datetime.fromisoformat(state["heartbeat"])
    stopped = " (stopped)" if state.get("state") == "stopped" else ""
    out = [f"scheduler heartbeat {beat:%Y-%m-%d %H:%M:%S} UTC ({(now - beat).total_seconds():.0f} s ago){stopped}, "
           f"scrapyd {state.get('scrapyd')}"]
    for name, js in state["jobs"].items():
        last = js.get("last") or {}
        shown = f"{last.get('status')} {last.get('jobid')}" if last else "never ran"
        out.append(f"  {name:<20} {'PAUSED' if js.get('paused') else 'active':<7} next {js.get('next_slot') or '-'}  "
                   f"failures {js.get('failures', 0)}  last: {shown}"
                   + (f" ({last['reason']})" if last.get("reason") else ""))
        if listing is not None:
            out += _scrapyd_runs(name, listing, outcome)
    return out


def _scrapyd_runs(name: str, listing: dict, outcome: Callable[[dict], tuple[str, str]] | None) -> list[str]:
    """A job's runs as scrapyd lists them (ids are <job name>.<time>)."""
    mine = {kind: [j for j in listing.get(kind, []) if str(j.get("id", "")).startswith(name + ".")]
            for kind in ("pending", "running", "finished")}
    lines = [f"      pending  {j['id']}" for j in mine["pending"]]
    lines += [f"      running  {j['id']} since {str(j.get('start_time') or '?')[:19]}" for j in mine["running"]]
    finished = sorted(mine["finished"], key=lambda j: str(j.get("end_time") or ""))[-3:]
    for j in finished:
        status, reason = outcome(j) if outcome else ("finished", "")
        lines.append(f"      finished {j['id']} at {str(j.get('end_time') or '?')[:19]}: {status}"
                     + (f" ({reason})" if reason and status != "passed" else ""))
    return lines
