"""Shared fixtures: one embedded PouchDB Server for the whole run, a fresh database per test.

The server is the pinned PouchDB Server from ``node_modules`` on a free loopback
port; each test gets a database of its own, so tests never see each other's
documents and can run in any order.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Iterator

import pytest

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import push_design_doc
from pypioncouch.documents import build_project_documents
from pypioncouch.embedded import EmbeddedServer

ARTIFACTS = Path(__file__).parent / "artifacts"
_db_numbers = itertools.count()


@pytest.fixture(scope="session")
def couch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """The embedded server, or an external CouchDB when PYPIONCOUCH_TEST_COUCH is set."""
    external = os.environ.get("PYPIONCOUCH_TEST_COUCH")
    if external:
        yield _External(external)  # type: ignore[misc]
        return
    with EmbeddedServer(tmp_path_factory.mktemp("pouchdb")) as server:
        yield server


class _External:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def restart(self, downtime: float = 0.0) -> None:
        pytest.skip("cannot restart an external CouchDB")


def new_database(server_url: str, prefix: str = "test") -> Database:
    db = Database(parse_database_url(f"{server_url}/{prefix}-{os.getpid()}-{next(_db_numbers)}"), max_wait=30)
    db.create()
    return db


@pytest.fixture
def db(couch_server: EmbeddedServer) -> Iterator[Database]:
    """A new, empty database."""
    database = new_database(couch_server.url)
    yield database
    database.request("DELETE", database.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture
def app_db(db: Database) -> Database:
    """A new database with the CouchApp pushed."""
    push_design_doc(db.location)
    return db


def write_payloads(db: Database, payloads: list[dict]) -> None:
    """Store PyPI JSON API payloads the way the importer does (for tests of the CouchApp)."""
    docs = [doc for payload in payloads for doc in build_project_documents(payload).all()]
    results = db.bulk_docs(docs)
    failed = [r for r in results if not r.get("ok")]
    assert not failed, failed


def rewrite_url(db: Database, path: str = "") -> str:
    """The CouchApp URL for ``path`` under ``_rewrite/``."""
    return f"{db.url}/_design/pypi/_rewrite/{path.lstrip('/')}"


@pytest.fixture
def start_emulator() -> Iterator:
    """Start PyPI emulators on free loopback ports: ``emu = start_emulator(dataset)``; all stop at teardown."""
    from pypioncouch.emulator import EmulatorServer

    started = []

    def start(dataset, **options):
        emulator = EmulatorServer(dataset, **options).start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


def database_content(db: Database) -> dict[str, dict]:
    """Every document but the design doc, without revisions: what two imports are compared by."""
    content = {}
    for row in db.iter_all_docs(include_docs=True):
        if row["id"].startswith("_design/"):
            continue
        doc = {k: v for k, v in row["doc"].items() if k != "_rev"}
        if "_attachments" in doc:
            doc["_attachments"] = {name: a.get("digest") for name, a in doc["_attachments"].items()}
        content[row["id"]] = doc
    return content


def revisions(db: Database) -> dict[str, str]:
    return {row["id"]: row["value"]["rev"] for row in db.iter_all_docs()}


def content_differences(stored: dict[str, dict], expected: dict[str, dict]) -> list[str]:
    """Readable differences between two contents: missing, extra and differing fields by id."""
    problems = [f"missing {doc_id}" for doc_id in sorted(set(expected) - set(stored))]
    problems += [f"unexpected {doc_id}" for doc_id in sorted(set(stored) - set(expected))]
    for doc_id in sorted(set(stored) & set(expected)):
        a, b = stored[doc_id], expected[doc_id]
        problems += [f"{doc_id}.{field}: {str(a.get(field))[:200]!r} != {str(b.get(field))[:200]!r}"
                     for field in sorted(set(a) | set(b)) if a.get(field) != b.get(field)]
    return problems
