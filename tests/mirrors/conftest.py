"""Two nodes of our own: ``origin`` (imported from the emulator, set up as a node) and ``mirror`` (empty).

Both are embedded PouchDB Servers started for this package of tests, so
replication runs between two real servers, as between two machines.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import COUCHAPP_DIR, push_design_doc
from pypioncouch.embedded import EmbeddedServer
from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset, installable_project
from pypioncouch.importer import XmlRpcImporter

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
TIMEOUT = 60


@pytest.fixture(scope="package")
def origin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path_factory.mktemp("origin")) as server:
        yield server


@pytest.fixture(scope="package")
def mirror_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path_factory.mktemp("mirror")) as server:
        yield server


@pytest.fixture(scope="package")
def upstream() -> Iterator[EmulatorServer]:
    dataset = generate_dataset(projects=12, releases_per_project=3, seed=21)
    installable_project("Mirror.Demo", ["1.0", "2.0"], requires_python=">=3.8", dataset=dataset)
    with EmulatorServer(dataset) as emulator:
        yield emulator


@pytest.fixture(scope="package")
def origin(origin_server: EmbeddedServer, upstream: EmulatorServer) -> Database:
    """The origin node: the CouchApp pushed, then imported from the emulator.

    No guard (``--setup``): PouchDB Server drops replicated updates into a guarded
    database, and a full mirror would copy the guard (test_pouchdb_quirks.py).
    """
    location = parse_database_url(f"{origin_server.url}/pypi")
    push_design_doc(location)
    XmlRpcImporter(location, index_url=upstream.url).import_all()
    return Database(location)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def replicate(server: EmbeddedServer, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{server.url}/_replicate", json=body, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


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
