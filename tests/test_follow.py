"""The follower: a loop that survives outages and stops cleanly, unit-tested and then run for real.

The end-to-end test runs ``pypioncouch --update URL --follow`` in a subprocess
against the emulator and a server of its own, of the run's kind (it restarts
it), and changes the emulator's data while it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from pypioncouch.couch import CouchUnavailable, Database
from pypioncouch.emulator import EmulatorServer, generate_dataset
from pypioncouch.follow import Follower, FollowReport
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.servers import AnyServer
from pypioncouch.state import STATE_ID
from pypioncouch.sync import SyncReport
from pypioncouch.upstream import UpstreamError

from .conftest import new_database


class ScriptedUpdater:
    """Answers update() from a script of results and exceptions, then stops the follower."""

    def __init__(self, script: list[SyncReport | Exception], follower_stop: Callable[[], None] | None = None) -> None:
        self.script = list(script)
        self.calls: list[float] = []
        self.on_empty = follower_stop

    def update(self) -> SyncReport:
        self.calls.append(time.monotonic())
        step = self.script.pop(0)
        if not self.script and self.on_empty:
            self.on_empty()
        if isinstance(step, Exception):
            raise step
        return step


class RecordedWaits(threading.Event):
    """The follower's stop event, recording each wait it is asked for instead of sleeping: the
    delays are asserted as asked, not as a shared machine's clock measured them."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.asked.append(timeout if timeout is not None else float("inf"))
        return self.is_set()


def test_failures_are_waited_out_with_growing_delays_and_success_resets_them() -> None:
    updater = ScriptedUpdater([UpstreamError("503"), CouchUnavailable("down"), RuntimeError("bug"),
                               SyncReport(written=3), SyncReport()])
    follower = Follower(updater, interval=0.05, max_backoff=0.15)
    follower._stop = waits = RecordedWaits()
    updater.on_empty = follower.stop
    report = follower.run()
    assert report.polls == 5 and report.failures == 3 and report.updates == 1 and report.documents_written == 3
    assert report.consecutive_failures == 0
    # 0.05, 0.1, then capped at 0.15; back to the interval after a success
    assert waits.asked == [0.05, 0.1, 0.15, 0.05, 0.05]


def test_stop_from_another_thread_ends_the_wait_at_once() -> None:
    # The interval is a day: only stop() can end the wait before the join gives up.
    updater = ScriptedUpdater([SyncReport()] * 100)
    follower = Follower(updater, interval=86_400)
    reports: list[FollowReport] = []
    runner = threading.Thread(target=lambda: reports.append(follower.run()), daemon=True)
    runner.start()
    wait_for(lambda: updater.calls, timeout=60, what="the first poll")
    follower.stop()
    runner.join(timeout=120)
    assert not runner.is_alive(), "stop() did not end the follower's wait"
    assert reports[0].polls == 1


def test_interval_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Follower(ScriptedUpdater([]), interval=0)


# -- for real: a subprocess, the emulator, a database that restarts -----------------------------


@pytest.fixture
def own_server(start_server) -> AnyServer:
    """A server of this test's own, so restarting it disturbs no other test."""
    return start_server("follow")


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def start_follower(db: Database, emu: EmulatorServer, log: Path) -> subprocess.Popen[bytes]:
    """The follower as a service runs it: a bare URL, the credentials (if any) in its environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("COUCHDB_USER", "COUCHDB_PASSWORD")}
    if db.location.username:
        env.update(COUCHDB_USER=db.location.username, COUCHDB_PASSWORD=db.location.password or "")
    command = [sys.executable, "-m", "pypioncouch.cli", "--update", db.url, "--index-url", emu.url,
               "--protocol", "xmlrpc", "--follow", "0.3", "--no-progress"]
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env)


def has_release(db: Database, project: str, version: str) -> Callable[[], bool]:
    return lambda: db.get(f"{project}/{version}") is not None


def test_follower_applies_changes_through_restarts_and_outages_and_stops_on_sigterm(
        own_server: AnyServer, tmp_path: Path) -> None:
    dataset = generate_dataset(projects=5, seed=11)
    name = next(iter(dataset)).normalized
    with EmulatorServer(dataset) as emu:
        db = new_database(own_server.url)
        XmlRpcImporter(db.location, index_url=emu.url, attachments=None).import_all()
        log = tmp_path / "follower.log"
        follower = start_follower(db, emu, log)
        try:
            dataset.add_release(name, "90.0", files=[f"{name}-90.0.tar.gz"])
            wait_for(has_release(db, name, "90.0"), 30, "a new release to arrive")

            own_server.restart(downtime=1.0)
            dataset.add_release(name, "91.0", files=[f"{name}-91.0.tar.gz"])
            wait_for(has_release(db, name, "91.0"), 60, "a release added across a database restart")

            emu.faults.add("/pypi", status=503)
            dataset.add_release("brand-new", "1.0", files=["brand_new-1.0.tar.gz"])
            wait_for(lambda: "update failed (UpstreamError" in log.read_text(), 60, "the follower to give up a poll")
            assert db.get("brand-new") is None and follower.poll() is None
            emu.faults.clear()
            wait_for(has_release(db, "brand-new", "1.0"), 60, "a release added during an upstream outage")
        finally:
            follower.send_signal(signal.SIGTERM)
            code = follower.wait(timeout=60)
        output = log.read_text()
        assert code == 0, output
        assert "SIGTERM: stopping" in output
        state = db.get(STATE_ID)
        assert state["last_serial"] == dataset.last_serial and "in_progress" not in state


def test_follow_refuses_a_database_with_no_import(db: Database) -> None:
    result = subprocess.run([sys.executable, "-m", "pypioncouch.cli", "--update", db.url, "--index-url",
                             "http://127.0.0.1:1", "--follow", "1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no completed import" in result.stderr
