"""A three-node CouchDB cluster on loopback (127.0.0.11-13), an emulator, and ways to look inside.

Only Apache CouchDB clusters, so these tests run in the CouchDB run of the
suite (``make test-couchdb``), whatever server the rest of the run uses there,
and skip in the PouchDB Server run, so that CI does not run them twice.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

import pytest
import requests

from pypioncouch.local_couchdb import RELEASE_HINT, CouchDBCluster, CouchDBServer, find_release
from pypioncouch.servers import server_kind

TIMEOUT = 60  # every HTTP request
COMMAND_TIMEOUT = 300  # every pypioncouch and pip run
BIN = Path(sys.executable).parent

only_in_the_couchdb_run = [
    pytest.mark.skipif(server_kind() != "couchdb",
                       reason="the cluster test runs in the CouchDB run (make test-couchdb, PYPIONCOUCH_SERVER=couchdb)"),
    pytest.mark.skipif(find_release() is None, reason=f"no CouchDB release found: {RELEASE_HINT}"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CouchDBCluster]:
    """Three nodes joined with /_cluster_setup; every node is stopped at teardown, whatever the test left."""
    with CouchDBCluster(tmp_path_factory.mktemp("cluster")) as started:
        yield started


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def shard_files(node: CouchDBServer, db: str) -> dict[str, str]:
    """range -> the shard file of ``db`` that ``node`` holds for it (``/_node/<node>/_all_dbs``)."""
    names = requests.get(f"{node.url}/_node/_local/_all_dbs", timeout=TIMEOUT).json()
    return {name.split("/")[1]: name for name in names if name.startswith("shards/") and name.split("/")[2].rsplit(".", 1)[0] == db}


def local_shard_rows(node: CouchDBServer, shard: str, *, include_docs: bool = False) -> dict[str, Any]:
    """What ``node`` itself stores in one shard file, read through the node-local interface
    (``/_node/<node>/<shard>/_all_docs``: no other copy is consulted): id -> rev, or id -> document."""
    response = requests.get(f"{node.url}/_node/{node.node_name}/{quote(shard, safe='')}/_all_docs",
                            params={"include_docs": "true"} if include_docs else None, timeout=TIMEOUT)
    response.raise_for_status()
    rows = response.json()["rows"]
    return {row["id"]: row["doc"] if include_docs else row["value"]["rev"] for row in rows}
