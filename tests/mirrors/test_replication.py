"""One request makes a mirror: full, continuous, by project, by classifier, and by Mango selector."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.embedded import EmbeddedServer
from pypioncouch.emulator import EmulatorServer
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.replication import project_selector, projects_with_classifiers, replication

from .conftest import (PIP_ACCEPT, TIMEOUT, app_paths, documents, project_names, replicate, served,
                       wait_for)

ACCEPTS = [PIP_ACCEPT, "text/html"]


def mirror_db(server: EmbeddedServer, name: str) -> Database:
    return Database(parse_database_url(f"{server.url}/{name}"))


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
        origin: Database, mirror_server: EmbeddedServer, upstream: EmulatorServer) -> None:
    mirror = mirror_db(mirror_server, "pypi")  # pages name their database (<base href>): same name, same bytes
    result = replicate(mirror_server, replication(origin.url, mirror.url))
    assert result["ok"] and result["doc_write_failures"] == 0
    assert documents(mirror) == documents(origin)
    names = project_names(upstream.dataset)
    assert_serves_the_same(origin, mirror, names)
    status, content_type, body = served(mirror, f"/simple/{names[0]}/", PIP_ACCEPT)
    assert status == 200 and json.loads(body)["name"] == names[0]


def test_continuous_replication_brings_later_releases(
        origin: Database, mirror_server: EmbeddedServer, upstream: EmulatorServer) -> None:
    mirror = mirror_db(mirror_server, "pypi")
    job = replication(origin.url, mirror.url, continuous=True)
    response = requests.put(f"{mirror_server.url}/_replicator/continuous", json=job, timeout=TIMEOUT)
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
        job_doc = requests.get(f"{mirror_server.url}/_replicator/continuous", timeout=TIMEOUT).json()
        requests.delete(f"{mirror_server.url}/_replicator/continuous", params={"rev": job_doc["_rev"]},
                        timeout=TIMEOUT)


def expected_partial(origin: Database, names: set[str]) -> set[str]:
    return {doc_id for doc_id in documents(origin)
            if doc_id == "_design/pypi" or doc_id.split("/")[0].split(":dist:")[0] in names}


def test_a_partial_mirror_by_project(origin: Database, upstream: EmulatorServer, tmp_path: Path) -> None:
    names = project_names(upstream.dataset)
    chosen, left_out = names[:2], names[2]
    with EmbeddedServer(tmp_path / "partial") as partial_server:
        mirror = mirror_db(partial_server, "pypi")
        spellings = [chosen[0].upper(), chosen[1]]  # any spelling: the request normalizes
        replicate(partial_server, replication(origin.url, mirror.url, projects=spellings))
        check_partial_mirror(origin, mirror, chosen, left_out)


def check_partial_mirror(origin: Database, mirror: Database, chosen: list[str], left_out: str) -> None:
    assert set(documents(mirror)) == expected_partial(origin, set(chosen))
    assert_serves_the_same(origin, mirror, chosen, whole=False)
    assert served(mirror, f"/simple/{left_out}/", PIP_ACCEPT)[0] == 404
    index = json.loads(served(mirror, "/simple/", PIP_ACCEPT)[2])
    assert sorted(p["name"] for p in index["projects"]) == sorted(
        origin.get(name)["name"] for name in chosen)


def test_a_partial_mirror_by_classifier(origin: Database, mirror_server: EmbeddedServer) -> None:
    projects = {doc_id: doc for doc_id, doc in documents(origin).items() if doc.get("type") == "project"}
    classifier = next(c for doc in projects.values() for c in doc["classifiers"])
    expected = sorted(pid for pid, doc in projects.items() if classifier in doc["classifiers"])
    assert 0 < len(expected) < len(projects)
    assert projects_with_classifiers(origin, [classifier]) == expected
    mirror = mirror_db(mirror_server, "by-classifier")
    replicate(mirror_server, replication(origin.url, mirror.url, projects=expected))
    assert set(documents(mirror)) == expected_partial(origin, set(expected))


def test_a_mango_selector_mirror_on_pouchdb_server(origin: Database, origin_server: EmbeddedServer,
                                                   mirror_server: EmbeddedServer, upstream: EmulatorServer) -> None:
    """PouchDB Server applies ``selector`` only in ``_replicator`` documents with a local source
    (docs/couchdb-vs-pouchdb.md); CouchDB 3.x takes it in ``_replicate`` with URLs."""
    chosen = project_names(upstream.dataset)[3:5]
    mirror = mirror_db(mirror_server, "by-selector")
    job: dict[str, Any] = replication("pypi", mirror.url) | {"selector": project_selector(chosen)}
    assert requests.put(f"{origin_server.url}/_replicator/selector", json=job, timeout=TIMEOUT).status_code == 201
    state = wait_for(lambda: requests.get(f"{origin_server.url}/_replicator/selector", timeout=TIMEOUT)
                     .json().get("_replication_state") in ("completed", "error"), 60, "the selector job")
    assert state
    assert set(documents(mirror)) == expected_partial(origin, set(chosen))


def test_pouchdb_server_ignores_a_selector_in_replicate(origin: Database, mirror_server: EmbeddedServer,
                                                        upstream: EmulatorServer) -> None:
    """Recorded so the docs stay true: here ``_replicate`` copies everything despite the selector."""
    chosen = project_names(upstream.dataset)[:1]
    mirror = mirror_db(mirror_server, "selector-ignored")
    replicate(mirror_server, replication(origin.url, mirror.url) | {"selector": project_selector(chosen)})
    assert set(documents(mirror)) == set(documents(origin))


@pytest.mark.parametrize("spelling", ['["Mirror.Demo"]', "mirror-demo", "mirror_demo, nothing-else"])
def test_the_filter_reads_every_spelling_of_the_project_list(origin: Database, spelling: str) -> None:
    changes = requests.get(f"{origin.url}/_changes", params={"filter": "pypi/projects", "projects": spelling},
                           timeout=TIMEOUT).json()
    ids = {row["id"] for row in changes["results"]}
    assert ids == expected_partial(origin, {"mirror-demo"})
