"""``--setup`` and CouchDB's Content-Security-Policy on shows and lists.

CouchDB 3.2+ sends ``Content-Security-Policy: sandbox`` on every show and list
response, and a sandboxed page may not submit forms: the browsing pages' search
box would do nothing. ``--setup`` (with a server admin) sets ``[csp]
showlist_header_value = sandbox allow-forms`` on every node: forms work, scripts
stay blocked. PouchDB Server sends no such header (its ``/_node/node1@127.0.0.1/_config``
is only its own ``/_config``, for Fauxton), so there the setup writes nothing, and says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.node import SHOWLIST_CSP, configure_pages_csp, server_vendor, setup
from pypioncouch.servers import server_kind
from tests.conftest import rewrite_url

TIMEOUT = 30
only_couchdb = pytest.mark.skipif(server_kind() != "couchdb",
                                  reason="PouchDB Server sends no Content-Security-Policy: --setup writes no [csp] there")


def csp_section(server_url: str, node: str = "_local") -> str:
    return f"{server_url}/_node/{node}/_config/csp"


def set_csp(server_url: str, key: str, value: str | None, node: str = "_local") -> None:
    """Write (or, for None, delete back to CouchDB's default) one ``[csp]`` key of a node."""
    url = f"{csp_section(server_url, node)}/{key}"
    if value is None:
        response = requests.delete(url, timeout=TIMEOUT)
        assert response.status_code in (200, 404), response.text
    else:
        requests.put(url, data=json.dumps(value), timeout=TIMEOUT).raise_for_status()


def page_csp(db: Database) -> str | None:
    """The policy CouchDB puts on the home page (a list) as an anonymous reader gets it."""
    response = requests.get(rewrite_url(db), timeout=TIMEOUT)
    assert response.status_code == 200
    return response.headers.get("Content-Security-Policy")


@pytest.fixture
def default_csp(couch_server, app_db: Database) -> Iterator[str]:
    """The run's CouchDB node with ``[csp]`` back at CouchDB's defaults once ``app_db`` is set up
    (which configures it); set up again afterwards, as every CouchApp database of the run is
    (tests/conftest.py)."""
    server_url = couch_server.url
    for key in ("showlist_header_value", "showlist_enable"):
        set_csp(server_url, key, None)
    yield server_url
    for key in ("showlist_header_value", "showlist_enable"):
        set_csp(server_url, key, None)
    set_csp(server_url, "showlist_header_value", SHOWLIST_CSP)


@only_couchdb
def test_setup_allows_forms_and_keeps_scripts_out(default_csp: str, app_db: Database) -> None:
    assert page_csp(app_db) == "sandbox"  # CouchDB's default: a form on the page cannot be submitted
    result = setup(app_db.location)
    node = requests.get(f"{default_csp}/_membership", timeout=TIMEOUT).json()["all_nodes"]
    assert result.pages_csp is not None and result.pages_csp.server == "couchdb"
    assert result.pages_csp.nodes == node and result.pages_csp.changed == node and not result.pages_csp.problems
    assert f"showlist_header_value = {SHOWLIST_CSP}" in str(result)
    assert page_csp(app_db) == SHOWLIST_CSP
    again = setup(app_db.location)  # safe to run again: nothing left to change
    assert again.pages_csp is not None and again.pages_csp.changed == [] and again.pages_csp.nodes == node


@only_couchdb
def test_setup_replaces_a_policy_that_lets_scripts_run(default_csp: str, app_db: Database) -> None:
    set_csp(default_csp, "showlist_header_value", "sandbox allow-forms allow-scripts")
    set_csp(default_csp, "showlist_enable", "false")
    setup(app_db.location)
    section = requests.get(csp_section(default_csp), timeout=TIMEOUT).json()
    assert section["showlist_header_value"] == SHOWLIST_CSP and section["showlist_enable"] == "true"
    assert page_csp(app_db) == SHOWLIST_CSP


@only_couchdb
def test_setup_keeps_a_stricter_policy_that_allows_forms(default_csp: str, app_db: Database) -> None:
    stricter = "sandbox allow-forms; default-src 'none'; style-src 'self'"
    set_csp(default_csp, "showlist_header_value", stricter)
    result = setup(app_db.location)
    assert result.pages_csp is not None and result.pages_csp.changed == []
    assert page_csp(app_db) == stricter


@only_couchdb
def test_without_a_server_admin_the_setup_says_what_to_ask_for(couch_server, app_db: Database) -> None:
    anonymous = Database(parse_database_url(app_db.url, env={}))
    assert anonymous.location.username is None
    result = configure_pages_csp(anonymous)
    assert result.server == "couchdb" and result.nodes == [] and result.problems
    assert "WARNING" in str(result) and f"showlist_header_value = {SHOWLIST_CSP}" in str(result)


@pytest.mark.skipif(server_kind() != "pouchdb", reason="the PouchDB Server half of the detection")
def test_pouchdb_server_has_nothing_to_configure(app_db: Database) -> None:
    assert server_vendor(app_db) == "pouchdb"
    result = setup(app_db.location)
    assert result.pages_csp is not None and result.pages_csp.server == "pouchdb"
    assert result.pages_csp.nodes == [] and result.pages_csp.problems == []
    assert "no Content-Security-Policy to configure (PouchDB Server)" in str(result)
    assert "Content-Security-Policy" not in requests.get(rewrite_url(app_db), timeout=TIMEOUT).headers


@only_couchdb
def test_every_node_of_a_cluster_is_configured(tmp_path: Path) -> None:
    from pypioncouch.local_couchdb import CouchDBCluster

    with CouchDBCluster(tmp_path / "cluster") as cluster:
        result = setup(parse_database_url(f"{cluster.url}/pypi"))
        names = sorted(node.node_name for node in cluster.nodes)
        assert result.pages_csp is not None and sorted(result.pages_csp.nodes) == names
        assert not result.pages_csp.problems
        for node in cluster.nodes:
            assert requests.get(csp_section(node.url, node.node_name), timeout=TIMEOUT).json()[
                "showlist_header_value"] == SHOWLIST_CSP
            home = requests.get(f"{node.base_url}/pypi/_design/pypi/_rewrite/", timeout=TIMEOUT)
            assert home.status_code == 200 and home.headers["Content-Security-Policy"] == SHOWLIST_CSP
