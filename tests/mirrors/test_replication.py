"""One request makes a mirror: full, continuous, by project, by classifier, and by Mango selector.

On CouchDB both ends of every replication carry an admin's credentials (``replication()``
puts them in the body), and a mirror that anonymous clients read is set up first.
"""

from __future__ import annotations

import difflib
import json
import re
from urllib.parse import quote

import pytest
import requests

from pypioncouch import json_api
from pypioncouch.couch import Database, DatabaseURL
from pypioncouch.emulator import EmulatorServer
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.replication import project_selector, projects_with_classifiers, replication
from pypioncouch.servers import AnyServer
from pypioncouch.simple_pages import page_documents

from ..conftest import on_couchdb
from .conftest import (PIP_ACCEPT, TIMEOUT, app_paths, documents, node_db, own_setup, project_names, reader_mirror,
                       replicate, replication_stats, served, wait_for)

ACCEPTS = [PIP_ACCEPT, "text/html"]


def latest_versions(db: Database, names: list[str]) -> dict[str, str]:
    return {name: db.get(name)["latest_version"] for name in names}


def assert_serves_the_same(origin: Database, mirror: Database, names: list[str], *, whole: bool = True) -> None:
    """The same status, type and bytes for each project's pages (and the index, for a whole mirror)."""
    paths = app_paths(names, latest_versions(origin, names)) + (["/simple/"] if whole else [])
    for path in paths:
        for accept in ACCEPTS:
            there = served(origin, path, accept, nodes=(origin, mirror))
            here = served(mirror, path, accept, nodes=(origin, mirror))
            assert here == there, (path, accept, body_difference(there[2], here[2]))


def body_difference(origin: bytes, mirror: bytes) -> str:
    lines = difflib.unified_diff(origin.decode(errors="replace").splitlines(),
                                 mirror.decode(errors="replace").splitlines(), "origin", "mirror", lineterm="")
    return "\n".join(list(lines)[:20])


def test_one_replicate_request_copies_the_index_and_the_couchapp(
        origin: Database, mirror_server: AnyServer, upstream: EmulatorServer) -> None:
    mirror = reader_mirror(mirror_server, "pypi")  # feeds link absolutely, database name included: same name, same bytes
    result = replicate(mirror_server, replication(origin.location, mirror.location))
    assert result["ok"] and replication_stats(result)["doc_write_failures"] == 0
    assert documents(mirror) == documents(origin)
    names = project_names(upstream.dataset)
    assert_serves_the_same(origin, mirror, names)
    status, content_type, body = served(mirror, f"/simple/{names[0]}/", PIP_ACCEPT)
    assert status == 200 and json.loads(body)["name"] == names[0]


def test_continuous_replication_brings_later_releases(
        origin: Database, mirror_server: AnyServer, upstream: EmulatorServer) -> None:
    mirror = reader_mirror(mirror_server, "pypi")
    job = replication(origin.location, mirror.location, continuous=True)
    jobs, admin = f"{mirror_server.base_url}/_replicator", mirror_server.admin
    response = requests.put(f"{jobs}/continuous", json=job, auth=admin, timeout=TIMEOUT)
    assert response.status_code == 201, response.text
    try:
        wait_for(lambda: mirror.exists() and documents(mirror) == documents(origin), 60, "the first copy")
        upstream.dataset.add_release("Mirror.Demo", "3.0", files=["mirror_demo-3.0.tar.gz"])
        XmlRpcImporter(origin.location, index_url=upstream.url).update()
        wait_for(lambda: mirror.get("mirror-demo/3.0"), 60, "the new release on the mirror")
        wait_for(lambda: documents(mirror) == documents(origin), 60, "the mirror to catch up")
        assert_serves_the_same(origin, mirror, ["mirror-demo"])  # the index too: the whole node is mirrored
        assert b"mirror_demo-3.0.tar.gz" in served(mirror, "/simple/mirror-demo/", "text/html")[2]
    finally:
        job_doc = requests.get(f"{jobs}/continuous", auth=admin, timeout=TIMEOUT).json()
        requests.delete(f"{jobs}/continuous", params={"rev": job_doc["_rev"]}, auth=admin, timeout=TIMEOUT)


def project_of(doc_id: str) -> str:
    """The project a document belongs to, from its id (docs/schema.md)."""
    return re.split(r"/|:dist:|:simple:|:json:", doc_id, maxsplit=1)[0]


def expected_partial(origin: Database, names: set[str]) -> set[str]:
    return {doc_id for doc_id in documents(origin) if doc_id == "_design/pypi" or project_of(doc_id) in names}


def test_a_partial_mirror_by_project(origin: Database, upstream: EmulatorServer, start_server) -> None:
    names = project_names(upstream.dataset)
    chosen, left_out = names[:2], names[2]
    partial_server = start_server("partial")
    mirror = reader_mirror(partial_server, "pypi")
    spellings = [chosen[0].upper(), chosen[1]]  # any spelling: the request normalizes
    replicate(partial_server, replication(origin.location, mirror.location, projects=spellings))
    check_partial_mirror(origin, mirror, chosen, left_out, own=own_setup(partial_server))


def check_partial_mirror(origin: Database, mirror: Database, chosen: list[str], left_out: str, *,
                         own: set[str]) -> None:
    """``own``: what the mirror holds from its own setup (the filter leaves the origin's guard behind)."""
    assert set(documents(mirror)) == expected_partial(origin, set(chosen)) | own
    assert_serves_the_same(origin, mirror, chosen, whole=False)
    assert served(mirror, f"/simple/{left_out}/", PIP_ACCEPT)[0] == 404
    # The origin's pre-rendered index lists the origin's projects and stays behind with its other
    # pypioncouch: documents: the mirror's /simple/ is the index built from the projects it holds.
    assert not any(doc_id.startswith("pypioncouch:simple:") for doc_id in documents(mirror))
    moved = requests.get(f"{mirror.url}/_design/pypi/_rewrite/simple/", headers={"Accept": PIP_ACCEPT},
                         timeout=60, allow_redirects=False)
    assert moved.status_code == 307 and moved.headers["Location"] == "index/from-projects/"
    index = json.loads(served(mirror, "/simple/index/from-projects/", PIP_ACCEPT)[2])
    assert sorted(p["name"] for p in index["projects"]) == sorted(
        origin.get(name)["name"] for name in chosen)


def test_a_partial_mirror_by_classifier(origin: Database, mirror_server: AnyServer) -> None:
    projects = {doc_id: doc for doc_id, doc in documents(origin).items() if doc.get("type") == "project"}
    classifier = next(c for doc in projects.values() for c in doc["classifiers"])
    expected = sorted(pid for pid, doc in projects.items() if classifier in doc["classifiers"])
    assert 0 < len(expected) < len(projects)
    assert projects_with_classifiers(origin, [classifier]) == expected
    mirror = node_db(mirror_server, "by-classifier")
    replicate(mirror_server, replication(origin.location, mirror.location, projects=expected))
    assert set(documents(mirror)) == expected_partial(origin, set(expected))


def test_a_mango_selector_mirror_through_replicator(origin: Database, origin_server: AnyServer,
                                                   mirror_server: AnyServer, upstream: EmulatorServer) -> None:
    """A ``_replicator`` document on the origin's server with a ``selector``. CouchDB 3.x takes full
    URLs (it has no local names any more); PouchDB Server applies the selector only with a local
    ``source`` name, a push (docs/couchdb-vs-pouchdb.md)."""
    chosen = project_names(upstream.dataset)[3:5]
    mirror = node_db(mirror_server, "by-selector")
    source = origin.location if on_couchdb(origin_server) else "pypi"
    job = replication(source, mirror.location, selector=project_selector(chosen))
    jobs, admin = f"{origin_server.base_url}/_replicator", origin_server.admin
    assert requests.put(f"{jobs}/selector", json=job, auth=admin, timeout=TIMEOUT).status_code == 201
    state = wait_for(lambda: requests.get(f"{jobs}/selector", auth=admin, timeout=TIMEOUT)
                     .json().get("_replication_state") in ("completed", "error", "failed"), 60, "the selector job")
    assert state
    assert set(documents(mirror)) == expected_partial(origin, set(chosen))


def test_a_selector_in_replicate_is_applied_by_couchdb_and_ignored_by_pouchdb_server(
        origin: Database, mirror_server: AnyServer, upstream: EmulatorServer) -> None:
    """Recorded so the docs stay true: CouchDB copies what the selector picks; PouchDB Server's
    ``_replicate`` copies everything despite it."""
    chosen = project_names(upstream.dataset)[:1]
    mirror = node_db(mirror_server, "selector-in-replicate")
    replicate(mirror_server, replication(origin.location, mirror.location, selector=project_selector(chosen)))
    if on_couchdb(mirror_server):
        assert set(documents(mirror)) == expected_partial(origin, set(chosen))
    else:
        assert set(documents(mirror)) == set(documents(origin))


def test_credentials_with_any_password_reach_the_replicator_and_are_never_printed(
        origin: Database, start_server) -> None:
    """``replication()`` puts credentials in the URL when both servers read them alike, else in
    CouchDB's ``auth`` object: CouchDB reads a URL's user and password literally (no percent-decoding);
    PouchDB Server decodes them but takes no endpoint objects (docs/couchdb-vs-pouchdb.md)."""
    secret = "p@ss:w/rd%"
    server = start_server("special", admin=("root", secret))
    target = DatabaseURL(server.base_url, "special", "root", secret)
    body = replication(origin.location, target)
    shown = repr(body) + str(body) + repr([body])
    assert secret not in shown and (origin.location.password is None or origin.location.password not in shown)
    assert body["target"] == {"url": target.url, "auth": {"basic": {"username": "root", "password": secret}}}
    encoded = f"http://root:{quote(secret, safe='')}@{server.base_url.split('://', 1)[1]}/special"
    by_url = replication(origin.location, encoded)
    assert quote(secret, safe="") not in repr(by_url)
    works, refused = (body, by_url) if on_couchdb(server) else (by_url, body)
    answer = requests.post(f"{server.base_url}/_replicate", json=refused, auth=server.admin, timeout=TIMEOUT)
    assert answer.status_code == 500 and secret not in answer.text
    if on_couchdb(server):
        assert "replication_auth_error" in answer.text  # the password was read as "p%40ss..."
    else:
        assert "is not a function" in answer.text  # PouchDB takes the object for a database instance
    assert replicate(server, works)["ok"]
    assert documents(Database(target)) == documents(origin)


@pytest.mark.parametrize("spelling", ['["Mirror.Demo"]', "mirror-demo", "mirror_demo, nothing-else"])
def test_the_filter_reads_every_spelling_of_the_project_list(origin: Database, spelling: str) -> None:
    changes = requests.get(f"{origin.url}/_changes", params={"filter": "pypi/projects", "projects": spelling},
                           timeout=TIMEOUT).json()
    ids = {row["id"] for row in changes["results"]}
    assert ids == expected_partial(origin, {"mirror-demo"})


def test_a_long_pages_attachments_go_with_their_project(app_db: Database) -> None:
    """``<name>:simple:...`` documents (a long Simple page's attachments) sit beside ``<name>/``:
    the filter and the selector take them with their project, and only with it."""
    docs = []
    for name in ("big-one", "big-one-2"):
        project = {"_id": name, "type": "project", "name": name, "versions": ["1.0"], "info": {}, "last_serial": 1}
        docs += [project, *page_documents(project, [], attach_over=10)]
    assert sum(":simple:" in doc["_id"] for doc in docs) == 4
    app_db.bulk_docs(docs)
    changes = requests.get(f"{app_db.url}/_changes", params={"filter": "pypi/projects", "projects": "big-one"},
                           timeout=TIMEOUT).json()
    expected = {doc["_id"] for doc in docs if project_of(doc["_id"]) == "big-one"} | {"_design/pypi"}
    assert {row["id"] for row in changes["results"]} == expected and len(expected) == 5
    pattern = project_selector(["big-one"])["_id"]["$regex"]
    assert {doc["_id"] for doc in docs if re.search(pattern, doc["_id"])} == expected - {"_design/pypi"}


def test_a_long_answers_gzipped_copy_goes_with_its_project(app_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """``<name>:json:gzip`` (a long JSON API answer gzipped, json_api.py) sits beside ``<name>/``
    too: the filter and the selector take it with its project, and only with it."""
    monkeypatch.setattr(json_api, "GZIP_OVER", 10)
    docs = []
    for name in ("big-one", "big-one-2"):
        project = {"_id": name, "type": "project", "name": name, "versions": ["1.0"], "info": {}, "last_serial": 1}
        docs += [project, *json_api.answer_documents(project, [])]
    assert [doc["_id"] for doc in docs if doc["type"] == "json_api_gzip"] == ["big-one:json:gzip", "big-one-2:json:gzip"]
    app_db.bulk_docs(docs)
    changes = requests.get(f"{app_db.url}/_changes", params={"filter": "pypi/projects", "projects": "big-one"},
                           timeout=TIMEOUT).json()
    expected = {"big-one", "big-one//json", "big-one:json:gzip", "_design/pypi"}
    assert {row["id"] for row in changes["results"]} == expected
    pattern = project_selector(["big-one"])["_id"]["$regex"]
    assert {doc["_id"] for doc in docs if re.search(pattern, doc["_id"])} == expected - {"_design/pypi"}

