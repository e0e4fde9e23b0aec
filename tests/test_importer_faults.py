"""Bad upstreams, killed runs, a restarting database and hostile metadata: nothing is lost."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pypioncouch import XmlRpcImporter
from pypioncouch.couch import Database
from pypioncouch.emulator import generate_dataset, hostile_dataset
from pypioncouch.names import normalize
from pypioncouch.state import STATE_ID, error_id
from pypioncouch.upstream import RetryPolicy

from .conftest import content_differences, database_content, new_database
from .test_importer import expected_content, strip_release_info, without_state


def portable(content: dict[str, dict]) -> dict[str, dict]:
    """Content two databases can share: without the feed attachments, which name their own database's URL."""
    return {k: {f: v for f, v in doc.items() if f != "_attachments"} for k, doc in without_state(content).items()}

FAST_RETRIES = RetryPolicy(attempts=3, backoff=0.05, timeout=2.0)


def importer(db: Database, emu, **options) -> XmlRpcImporter:
    options.setdefault("retry", FAST_RETRIES)
    return XmlRpcImporter(db.location, index_url=emu.url, attachments=None, **options)


def first_project(emu) -> str:
    return sorted(p.name for p in emu.dataset)[0]


def json_path(name: str) -> str:
    """The JSON API path the importer asks for (normalized name: no redirect)."""
    return f"/pypi/{normalize(name)}/json"


@pytest.mark.parametrize("fault", [
    {"status": 500, "times": 2},
    {"status": 503, "times": 1},
    {"status": 429, "retry_after": 0, "times": 2},
    {"drop": True, "times": 2},
    {"delay": 3.0, "times": 1},  # longer than the client's 2 s timeout
    {"malformed": True, "times": 1},
])
def test_transient_faults_are_retried_and_the_import_completes(db: Database, start_emulator, fault: dict) -> None:
    emu = start_emulator(generate_dataset(projects=4, seed=21))
    emu.faults.add(json_path(first_project(emu)), **fault)
    report = importer(db, emu).import_all()
    assert report.failed == {}
    assert content_differences(without_state(database_content(db)), expected_content(emu)) == []


def test_transient_xmlrpc_faults_are_retried(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=3, seed=22))
    emu.faults.add("/pypi", method="list_packages_with_serial", status=502, times=1)
    importer(db, emu, protocol="xmlrpc").import_all()
    assert db.get(STATE_ID)["last_serial"] == emu.dataset.last_serial


def test_a_stale_answer_is_fetched_again_until_fresh(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=3, seed=26))
    importer(db, emu).import_all()
    name = first_project(emu)
    emu.dataset.add_release(name, "31.0")
    emu.faults.add(json_path(name), stale=True, times=2)
    assert importer(db, emu).update().failed == {}
    assert content_differences(strip_release_info(without_state(database_content(db))),
                               strip_release_info(expected_content(emu))) == []


@pytest.mark.parametrize("fault", [{"status": 500}, {"malformed": True}, {"stale": True}])
def test_a_project_that_stays_broken_is_recorded_skipped_and_retried_next_update(
        db: Database, start_emulator, fault: dict) -> None:
    emu = start_emulator(generate_dataset(projects=5, seed=23))
    importer(db, emu).import_all()
    broken = first_project(emu)
    pid = normalize(broken)
    serial_before = db.get(pid)["last_serial"]
    emu.dataset.add_release(broken, "31.0")
    emu.dataset.add_release(sorted(p.name for p in emu.dataset)[1], "31.0")
    rule = emu.faults.add(json_path(broken), **fault)

    report = importer(db, emu).update()

    assert list(report.failed) == [broken]
    assert db.get(pid)["last_serial"] == serial_before  # a stale or broken answer is never stored
    assert db.get(error_id(pid))["attempts"] == 1
    assert report.written >= 2  # the other changed project went in
    assert db.get(STATE_ID)["last_serial"] == emu.dataset.last_serial

    rule.times = rule.hits  # the upstream heals
    report = importer(db, emu).update()
    assert report.failed == {}
    assert db.get(error_id(pid)) is None
    assert content_differences(strip_release_info(without_state(database_content(db))),
                               strip_release_info(expected_content(emu))) == []


def test_an_unreachable_upstream_is_an_error_not_an_empty_import(db: Database) -> None:
    closed = XmlRpcImporter(db.location, index_url="http://127.0.0.1:9", retry=FAST_RETRIES, attachments=None)
    from pypioncouch.upstream import UpstreamError
    with pytest.raises(UpstreamError):
        closed.import_all()
    assert db.get(STATE_ID) is None or db.get(STATE_ID).get("last_serial") is None


def test_a_database_restart_mid_import_loses_nothing(couch_server, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=300, releases_per_project=4, seed=24))
    db = new_database(couch_server.url)
    restarted = threading.Event()

    def restart_when_half_done() -> None:
        while db.info()["doc_count"] < 400:
            time.sleep(0.02)
        couch_server.restart(downtime=1.0)
        restarted.set()

    restarter = threading.Thread(target=restart_when_half_done)
    restarter.start()
    report = importer(db, emu, batch_size=20).import_all()
    restarter.join()
    assert restarted.is_set()
    assert report.failed == {}
    assert content_differences(without_state(database_content(db)), expected_content(emu)) == []


def _run_cli(db: Database, emu, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pypioncouch.cli", *args, db.url, "--index-url", emu.url,
               "--batch-size", "10", "--workers", "4", "--no-progress"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _kill_when(db: Database, process: subprocess.Popen[str], doc_count: int) -> bool:
    """SIGKILL the run once the database holds ``doc_count`` documents; False if it finished first.
    The run's own processes (its render process) must not outlive it."""
    while process.poll() is None:
        if db.info()["doc_count"] >= doc_count:
            children = _child_pids(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert _all_exit(children, within=10.0), f"processes {children} outlived the killed importer"
            return True
        time.sleep(0.01)
    return False


def _child_pids(pid: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            children.update(int(child) for child in (task / "children").read_text().split())
    return children


def _all_exit(pids: set[int], within: float) -> bool:
    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    deadline = time.monotonic() + within
    while any(running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.slow
def test_killed_imports_and_updates_resume_to_the_uninterrupted_result(couch_server, start_emulator) -> None:
    dataset = generate_dataset(projects=150, releases_per_project=4, seed=25)
    emu = start_emulator(dataset)
    killed, reference = new_database(couch_server.url), new_database(couch_server.url)
    for threshold in (50, 250, 500):
        process = _run_cli(killed, emu, "--fullimport")
        assert _kill_when(killed, process, threshold), "the import finished before it could be killed"
        assert killed.get(STATE_ID).get("last_serial") is None  # not complete: the serial did not move
    assert _run_cli(killed, emu, "--fullimport").wait() == 0
    assert _run_cli(reference, emu, "--fullimport").wait() == 0
    assert content_differences(portable(database_content(killed)), portable(database_content(reference))) == []

    names = sorted(p.name for p in dataset)
    for name in names[:40]:
        dataset.remove_release(name, sorted(dataset.get(name).releases)[0])
    for name in names[40:60]:
        dataset.remove_project(name)
    for index, name in enumerate(names[60:100]):
        dataset.add_release(name, f"88.{index}")
    count = killed.info()["doc_count"]
    process = _run_cli(killed, emu, "--update")
    _kill_when(killed, process, count + 5)
    assert _run_cli(killed, emu, "--update").wait() == 0
    assert _run_cli(reference, emu, "--update").wait() == 0
    assert content_differences(strip_release_info(portable(database_content(killed))),
                               strip_release_info(portable(database_content(reference)))) == []
    assert killed.get(STATE_ID)["last_serial"] == dataset.last_serial


def test_hostile_metadata_imports_within_couchdb_limits(db: Database, start_emulator) -> None:
    emu = start_emulator(hostile_dataset(many_files=50_000))
    report = importer(db, emu, retry=RetryPolicy(attempts=3, backoff=0.05, timeout=60)).import_all()
    assert report.failed == {}
    content = without_state(database_content(db))
    largest = max(len(json.dumps(doc)) for doc in content.values())
    assert largest < 8_000_000
    assert content["huge-description"]["description_truncated"] is True
    surrogates = content["surrogates"]
    assert "\ufffd" in surrogates["info"]["summary"]
    files = sum(len(doc.get("files", [])) for doc_id, doc in content.items() if doc_id.startswith("many-files/"))
    assert files == 50_000
    assert {"legacy-versions/1.0-beta 2", "legacy-versions/2004d"} <= set(content)
    assert content["legacy-versions"]["versions"][0] in ("0.1dev-r123", "1.0-beta 2", "2004d")
