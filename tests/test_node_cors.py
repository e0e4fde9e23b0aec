"""``--setup`` and CORS (pypioncouch/cors.py): the CouchApp's list answers say
``Access-Control-Allow-Origin: *`` themselves; CouchDB's own CORS must stay off on a public
node, and the setup says when it is on. Each server's own CORS behaviour is asserted as it is."""

from __future__ import annotations

import json

import requests

from pypioncouch.couch import Database
from pypioncouch.node import setup
from pypioncouch.servers import AnyServer
from tests.conftest import on_couchdb, rewrite_url

TIMEOUT = 30
ORIGIN = "https://elsewhere.example"


def reader(db: Database, server: AnyServer, path: str) -> requests.Response:
    url = rewrite_url(db, path).replace(server.url, server.base_url, 1)
    return requests.get(url, headers={"Origin": ORIGIN, "Accept": "application/json"}, timeout=TIMEOUT)


def test_setup_reports_cors(app_db: Database, couch_server: AnyServer) -> None:
    result = setup(app_db.location)
    assert result.cors is not None and result.cors.ok
    assert "Access-Control-Allow-Origin: *" in str(result) and "WARNING: CORS" not in str(result)
    assert result.cors.server == ("couchdb" if on_couchdb(couch_server) else "pouchdb")


def test_the_servers_own_cors_next_to_the_couchapps(app_db: Database, couch_server: AnyServer) -> None:
    document = requests.get(f"{couch_server.base_url}/{app_db.location.name}/_design/pypi", timeout=TIMEOUT,
                            headers={"Origin": ORIGIN})
    if not on_couchdb(couch_server):
        # PouchDB Server answers every origin, with credentials; the CouchApp's "*" replaces it on lists.
        assert document.headers.get("Access-Control-Allow-Origin") == ORIGIN
        assert document.headers.get("Access-Control-Allow-Credentials") == "true"
        assert reader(app_db, couch_server, "simple/").headers.get("Access-Control-Allow-Origin") == "*"
        return
    assert "Access-Control-Allow-Origin" not in document.headers  # CouchDB's CORS is off by default
    config = f"{couch_server.url}/_node/_local/_config"
    try:
        for section, key, value in (("chttpd", "enable_cors", "true"), ("cors", "origins", "*")):
            requests.put(f"{config}/{section}/{key}", data=json.dumps(value), timeout=TIMEOUT).raise_for_status()
        # CouchDB reflects the origin, and puts it in front of the CouchApp's own "*": browsers refuse that.
        assert reader(app_db, couch_server, "simple/").headers["Access-Control-Allow-Origin"] == f"{ORIGIN}, *"
        result = setup(app_db.location)
        assert result.cors is not None and result.cors.enabled_on and not result.cors.ok
        assert "WARNING: CORS: [chttpd] enable_cors is true" in str(result)
    finally:
        for section, key in (("chttpd", "enable_cors"), ("cors", "origins")):
            response = requests.delete(f"{config}/{section}/{key}", timeout=TIMEOUT)
            assert response.status_code in (200, 404), response.text
    assert reader(app_db, couch_server, "simple/").headers["Access-Control-Allow-Origin"] == "*"
