"""What PouchDB Server 4.2.0 does differently when replicating, recorded on both servers so
docs/couchdb-vs-pouchdb.md stays true (CouchDB 3.x's own behaviour is the other half of each test)."""

from __future__ import annotations

from pypioncouch.node import install_guard
from pypioncouch.servers import AnyServer

from ..conftest import on_couchdb
from .conftest import TIMEOUT, node_db


def test_replicated_updates_into_a_guarded_database_are_dropped_by_pouchdb_server_only(
        mirror_server: AnyServer) -> None:
    """Any validate function makes PouchDB Server's ``_bulk_docs`` with ``new_edits=false`` (the
    replicator's write) answer success and keep the old revision: why the guard is not part of
    ``_design/pypi``. CouchDB validates the write (an admin's passes) and keeps the second revision."""
    db = node_db(mirror_server, "guarded")
    db.create()
    install_guard(db)
    first = {"_id": "pypioncouch:state", "type": "state", "_rev": "1-" + "a" * 32,
             "_revisions": {"start": 1, "ids": ["a" * 32]}}
    second = {**first, "last_serial": 2, "_rev": "2-" + "b" * 32,
              "_revisions": {"start": 2, "ids": ["b" * 32, "a" * 32]}}
    for doc in (first, second):  # as the server's admin (on CouchDB), as the replicator writes
        response = db.session.post(f"{db.url}/_bulk_docs", json={"docs": [doc], "new_edits": False}, timeout=TIMEOUT)
        assert response.status_code == 201 and response.json() == []
    kept = second if on_couchdb(mirror_server) else first
    assert db.get("pypioncouch:state")["_rev"] == kept["_rev"]
