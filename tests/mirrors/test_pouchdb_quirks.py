"""What PouchDB Server 4.2.0 does differently when replicating, recorded so docs/couchdb-vs-pouchdb.md stays true."""

from __future__ import annotations

import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.embedded import EmbeddedServer
from pypioncouch.node import install_guard

from .conftest import TIMEOUT


def test_replicated_updates_into_a_guarded_database_are_silently_dropped(mirror_server: EmbeddedServer) -> None:
    """Any validate function makes ``_bulk_docs`` with ``new_edits=false`` (the replicator's write)
    answer success and keep the old revision: why the guard is not part of ``_design/pypi``."""
    db = Database(parse_database_url(f"{mirror_server.url}/guarded"))
    db.create()
    install_guard(db)
    first = {"_id": "pypioncouch:state", "type": "state", "_rev": "1-" + "a" * 32,
             "_revisions": {"start": 1, "ids": ["a" * 32]}}
    second = {**first, "last_serial": 2, "_rev": "2-" + "b" * 32,
              "_revisions": {"start": 2, "ids": ["b" * 32, "a" * 32]}}
    for doc in (first, second):
        response = requests.post(f"{db.url}/_bulk_docs", json={"docs": [doc], "new_edits": False}, timeout=TIMEOUT)
        assert response.status_code == 201 and response.json() == []
    assert db.get("pypioncouch:state")["_rev"] == first["_rev"]  # CouchDB 3.x would hold the second
