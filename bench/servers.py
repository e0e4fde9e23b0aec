"""The servers each benchmark runs on, side by side in one run.

PouchDB Server (the embedded server) always; Apache CouchDB 3.x too wherever a
release is installed (``make couchdb``, ``COUCHDB_RELEASE`` or ``/opt/couchdb``),
so every figure of docs/benchmarks.md has the production server next to the
embedded one. ``BENCH_SERVERS=pouchdb`` (or ``couchdb``) narrows a run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import push_design_doc
from pypioncouch.local_couchdb import find_release
from pypioncouch.node import setup
from pypioncouch.servers import SERVER_KINDS, AnyServer, start_local_server

LABELS = {"pouchdb": "PouchDB Server 4.2.0", "couchdb": "CouchDB 3.5.0"}


def bench_server_kinds() -> list[str]:
    """The kinds this run measures: both where a CouchDB release is installed."""
    wanted = [kind.strip() for kind in os.environ.get("BENCH_SERVERS", ",".join(SERVER_KINDS)).split(",")]
    return [kind for kind in wanted if kind in SERVER_KINDS and (kind != "couchdb" or find_release() is not None)]


@contextmanager
def bench_server(kind: str, workdir: Path) -> Iterator[AnyServer]:
    server = start_local_server(workdir / f"{kind}-server", kind=kind)
    try:
        yield server
    finally:
        server.stop()


def new_app_database(server: AnyServer, name: str, *, timeout: float = 1800) -> Database:
    """A new database with the CouchApp, readable by anonymous clients as a deployed node is
    (on CouchDB that is ``--setup``; PouchDB Server's databases are open already)."""
    db = Database(parse_database_url(f"{server.url}/{name}"), timeout=timeout, max_wait=60)
    db.create()
    return install_app(server, db)


def install_app(server: AnyServer, db: Database, *, warm: bool = False) -> Database:
    """Push the CouchApp into ``db`` and open it to anonymous readers, as ``--setup`` does on CouchDB.

    ``warm=False`` (the default) writes the design document straight over the live one, as
    before views were built at push time (pypioncouch.designdoc): a benchmark that times a
    view's build by its first query still sees that build. ``--setup`` then finds the design
    document up to date."""
    push_design_doc(db.location, warm=warm)
    if server.kind == "couchdb":
        setup(db.location)
    return db
