"""Two nodes of our own: ``origin`` (imported from the emulator, set up as a node) and ``mirror`` (empty).

Both are servers of the run's kind (PouchDB Server, or CouchDB with
``PYPIONCOUCH_SERVER=couchdb``) started for this package of tests, so
replication runs between two real servers, as between two machines. On
CouchDB, as docs/mirrors.md says, both ends of a replication carry an admin's
credentials, and a node is opened to anonymous readers by ``--setup``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import COUCHAPP_DIR
from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset, installable_project
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.node import GUARD_ID, setup
from pypioncouch.servers import AnyServer, start_local_server

from ..conftest import on_couchdb, push_app

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
TIMEOUT = 60


@pytest.fixture(scope="package")
def origin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnyServer]:
    server = start_local_server(tmp_path_factory.mktemp("origin"))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def mirror_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnyServer]:
    server = start_local_server(tmp_path_factory.mktemp("mirror"))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def upstream() -> Iterator[EmulatorServer]:
    dataset = generate_dataset(projects=12, releases_per_project=3, seed=21)
    installable_project("Mirror.Demo", ["1.0", "2.0"], requires_python=">=3.8", dataset=dataset)
    with EmulatorServer(dataset) as emulator:
        yield emulator


@pytest.fixture(scope="package")
def origin(origin_server: AnyServer, upstream: EmulatorServer) -> Database:
    """The origin node: the CouchApp pushed (and on CouchDB ``--setup``), then imported from the emulator.

    On PouchDB Server no guard: it drops replicated updates into a guarded
    database, and a full mirror would copy the guard (test_pouchdb_quirks.py).
    """
    db = push_app(node_db(origin_server, "pypi"))
    XmlRpcImporter(db.location, index_url=upstream.url).import_all()
    return db


def node_db(server: AnyServer, name: str) -> Database:
    """Database ``name`` on ``server``, reached with the server's admin credentials (if it has an admin)."""
    return Database(parse_database_url(f"{server.url}/{name}", env={}))


def reader_mirror(server: AnyServer, name: str) -> Database:
    """A mirror database that anonymous clients will read: on CouchDB ``--setup`` first, as an operator
    sets up each node before replicating into it (docs/mirrors.md). Setup pushes the same CouchApp the
    origin's setup pushed, so both hold the same revision and the replication finds nothing to change
    there. PouchDB Server reads are open already (and its mirrors stay unguarded)."""
    db = node_db(server, name)
    if on_couchdb(server) and not db.exists():
        setup(db.location)
    return db


def own_setup(server: AnyServer) -> set[str]:
    """The documents a :func:`reader_mirror` holds from its own ``--setup`` rather than from replication."""
    return {GUARD_ID} if on_couchdb(server) else set()


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def replicate(server: AnyServer, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_replicate`` as the server's admin; the credentials are never part of a message."""
    response = requests.post(f"{server.base_url}/_replicate", json=body, auth=server.admin, timeout=TIMEOUT)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def replication_stats(result: dict[str, Any]) -> dict[str, Any]:
    """The counts of a finished ``_replicate`` (``docs_written``, ``doc_write_failures``, ...): PouchDB
    Server answers them at the top level, CouchDB in the newest ``history`` entry."""
    return result if "docs_written" in result else result["history"][0]


def request_log(server: AnyServer) -> str:
    """The server's log of requests (PouchDB Server's ``server.log``; CouchDB's log, once
    :func:`log_requests` made it write them): lines holding ``GET <raw path> ``."""
    name = "couchdb.log" if on_couchdb(server) else "server.log"
    return (server.data_dir / name).read_text(errors="replace")


def log_requests(server: AnyServer) -> None:
    """PouchDB Server logs every request; CouchDB does at level ``notice`` (the project starts it at ``warning``)."""
    if on_couchdb(server):
        response = requests.put(f"{server.base_url}/_node/_local/_config/log/level", data='"notice"',
                                auth=server.admin, timeout=TIMEOUT)
        assert response.status_code == 200, response.text


def project_names(dataset: Dataset) -> list[str]:
    return sorted(project.normalized for project in dataset)


def app_paths(names: list[str], versions: dict[str, str]) -> list[str]:
    """Every per-project CouchApp route (rewrites.json, no wildcard) for each project: whatever routes exist now."""
    rules = json.loads((Path(COUCHAPP_DIR) / "rewrites.json").read_text())
    paths = set()
    for rule in rules:
        path = rule["from"]
        if "*" in path or ":name" not in path or path.count(":") > path.count(":name") + path.count(":version"):
            continue
        for name in names:
            paths.add(path.replace(":name", name).replace(":version", versions[name]))
    return sorted(paths)


def served(db: Database, path: str, accept: str, *, nodes: tuple[Database, ...] = ()) -> tuple[int, str, bytes]:
    """Status, type and body of a CouchApp page. The address of each of ``nodes`` in the body reads
    ``http://NODE``: feeds link absolutely to the node serving them, and the feed attachments the
    importer rendered link to the origin; everything else compares byte for byte."""
    response = requests.get(f"{db.url}/_design/pypi/_rewrite{path}", headers={"Accept": accept},
                            timeout=TIMEOUT, allow_redirects=False)
    body = response.content
    for node in nodes:
        body = body.replace(node.location.server.encode(), b"http://NODE")
    return response.status_code, response.headers.get("Content-Type", ""), body


def documents(db: Database) -> dict[str, dict[str, Any]]:
    """Every document with its revision and attachment digests: replication keeps both."""
    docs = {}
    for row in db.iter_all_docs(include_docs=True):
        doc = dict(row["doc"])
        for attachment in (doc.get("_attachments") or {}).values():
            attachment.pop("revpos", None)
        docs[row["id"]] = doc
    return docs
