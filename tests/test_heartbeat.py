"""newscrawl.heartbeat: what a healthcheck says of a heartbeat file."""
import json
from datetime import datetime, timezone

from newscrawl import heartbeat


def test_a_fresh_heartbeat_is_healthy_an_old_one_or_none_is_not(tmp_path):
    path = tmp_path / "beat.json"
    assert heartbeat.verdict(heartbeat.read(path), 30) == (False, "no heartbeat")
    heartbeat.beat(path, "crawling", last_exit_code=0)
    data = heartbeat.read(path)
    assert data["state"] == "crawling" and data["last_exit_code"] == 0
    healthy, why = heartbeat.verdict(data, 30)
    assert healthy and why.startswith("heartbeat 0 s ago")
    healthy, why = heartbeat.verdict(data, 30, now=data["heartbeat"] + 45)
    assert not healthy and why == "last heartbeat 45 s ago (limit 30 s)"


def test_a_stopped_process_fails_at_once(tmp_path):
    path = tmp_path / "beat.json"
    heartbeat.beat(path, heartbeat.STOPPED)
    healthy, why = heartbeat.verdict(heartbeat.read(path), 3600)
    assert not healthy and why.startswith("stopped")


def test_the_schedulers_iso_heartbeat_and_a_broken_file(tmp_path):
    state = {"heartbeat": datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc).isoformat()}
    at = datetime(2026, 12, 4, 12, 0, 10, tzinfo=timezone.utc).timestamp()
    assert heartbeat.verdict(state, 30, now=at) == (True, "heartbeat 10 s ago")
    broken = tmp_path / "beat.json"
    broken.write_text("{not json")
    assert heartbeat.read(broken) is None
    broken.write_text(json.dumps({"state": "waiting"}))  # no time: no heartbeat
    assert heartbeat.read(broken) is None
