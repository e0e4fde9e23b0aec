"""Shared fixtures: one server for the whole run, a fresh database per test.

The server is the pinned PouchDB Server from ``node_modules`` or, with
``PYPIONCOUCH_SERVER=couchdb`` (``make test-couchdb``), a real Apache CouchDB
3.x release, on a free loopback port either way. Each test gets a database of
its own, so tests never see each other's documents and can run in any order.
On CouchDB the suite works as an operator must: databases are created and
written with the admin's credentials, and a CouchApp database is opened to
anonymous readers by ``--setup`` (CouchDB makes new databases admin-only).
"""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path
from typing import Callable, Iterator

import pytest

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import push_design_doc
from pypioncouch.documents import build_project_documents
from pypioncouch.node import setup
from pypioncouch.servers import AnyServer, server_kind, start_local_server

ARTIFACTS = Path(__file__).parent / "artifacts"
_db_numbers = itertools.count()


def pytest_report_header() -> str:
    return f"pypioncouch server: {server_kind()} (PYPIONCOUCH_SERVER)"


@pytest.fixture(scope="session")
def couch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnyServer]:
    """The server of the whole run: PouchDB Server, or CouchDB with ``PYPIONCOUCH_SERVER=couchdb``.

    Where the server has an admin (CouchDB always does), the importer finds the
    credentials where an operator's service file puts them, in ``COUCHDB_USER``
    and ``COUCHDB_PASSWORD``, so commands under test are given bare database URLs.
    """
    server = start_local_server(tmp_path_factory.mktemp("server"))
    saved = {key: os.environ.get(key) for key in ("COUCHDB_USER", "COUCHDB_PASSWORD")}
    if server.admin:
        os.environ["COUCHDB_USER"], os.environ["COUCHDB_PASSWORD"] = server.admin
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start servers of the run's kind of a test's own: ``server = start_server(admin=(name, pw))``."""
    started: list[AnyServer] = []

    def start(name: str = "own", **options) -> AnyServer:
        server = start_local_server(tmp_path_factory.mktemp(name), **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def on_couchdb(server: AnyServer) -> bool:
    return server.kind == "couchdb"


def new_database(server_url: str, prefix: str = "test") -> Database:
    db = Database(parse_database_url(f"{server_url}/{prefix}-{os.getpid()}-{next(_db_numbers)}"), max_wait=30)
    db.create()
    return db


@pytest.fixture
def db(couch_server: AnyServer) -> Iterator[Database]:
    """A new, empty database."""
    database = new_database(couch_server.url)
    yield database
    database.request("DELETE", database.url, what="drop test database", ok=(200, 202, 404))


def push_app(db: Database) -> Database:
    """Push the CouchApp into ``db`` and make it readable by anyone.

    On CouchDB that takes ``--setup``, as it does for an operator; PouchDB Server
    reads are open already, and its databases go without the guard (a validate
    function changes how PouchDB Server takes replicated writes: docs/couchdb-vs-pouchdb.md).
    """
    if server_kind() == "couchdb":
        setup(db.location)
    else:
        push_design_doc(db.location)
    return db


@pytest.fixture
def app_db(db: Database) -> Database:
    """A new database with the CouchApp pushed, readable by anyone."""
    return push_app(db)


def errors_running_at_once(function: Callable[[], object], times: int = 3) -> list[BaseException]:
    """``function`` run by ``times`` threads at once; what any of them raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            function()
        except BaseException as exc:  # noqa: BLE001  (given back to the test)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


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
