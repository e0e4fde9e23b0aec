"""``pypioncouch --setup``: a node readable by anyone, writable only by the importer, refusing bad documents.

The enforcement tests run on a server of their own, of the run's kind, with an
admin and an importer user created first (PouchDB Server starts in "admin
party", every request an admin; a CouchDB 3.x node always has an admin). Every
request carries a timeout: PouchDB Server leaves some unauthorized requests unanswered.
"""

from __future__ import annotations

import json
import time
from typing import Iterator

import pytest
import requests

from pypioncouch.cli import main
from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import DESIGN_DOC_ID
from pypioncouch.emulator import generate_dataset, hostile_dataset, installable_project
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.node import GUARD_ID, GUARD_SOURCE, NodeSetupError, security_object, setup
from pypioncouch.servers import AnyServer, server_kind, start_local_server
from pypioncouch.state import STATE_ID

from .couchapp.test_es5 import run_checker

ADMIN, ADMIN_PASSWORD = "root", "admin-secret"
WRITER, WRITER_PASSWORD = "importer", "importer-secret"
TIMEOUT = 10


def valid_release(doc_id: str = "demo/1.0") -> dict:
    return {"_id": doc_id, "type": "release", "project": "demo", "version": "1.0",
            "version_key": [0, [1, 0], [3], [-1], [1], []], "files": []}


@pytest.fixture(scope="module")
def secured_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnyServer]:
    """A server of the run's kind with the admin ``ADMIN`` and a user in the role ``pypioncouch``."""
    server = start_local_server(tmp_path_factory.mktemp("secured"), admin=(ADMIN, ADMIN_PASSWORD))
    try:
        wait_for_users_database(server)
        user = {"name": WRITER, "password": WRITER_PASSWORD, "roles": ["pypioncouch"], "type": "user"}
        requests.put(f"{server.base_url}/_users/org.couchdb.user:{WRITER}", json=user,
                     auth=(ADMIN, ADMIN_PASSWORD), timeout=TIMEOUT).raise_for_status()
        yield server
    finally:
        server.stop()


def wait_for_users_database(server: AnyServer, timeout: float = 60) -> None:
    """CouchDB answers ``/_up`` before its single-node setup has created ``_users``."""
    deadline = time.monotonic() + timeout
    while requests.get(f"{server.base_url}/_users", auth=server.admin, timeout=TIMEOUT).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.base_url} has no _users database")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def node(secured_server: AnyServer) -> str:
    """A database set up through the CLI, as an operator would; returns its URL (no credentials)."""
    url = f"{secured_server.base_url}/mirror"
    host = secured_server.base_url.split("://", 1)[1]
    assert main(["--setup", f"http://{ADMIN}:{ADMIN_PASSWORD}@{host}/mirror"]) == 0
    return url


def put(url: str, doc: dict, auth: tuple[str, str] | None = None) -> requests.Response:
    return requests.put(f"{url}/{requests.utils.quote(doc['_id'], safe='')}", json=doc, auth=auth, timeout=TIMEOUT)


def test_anonymous_users_read_but_cannot_write(node: str) -> None:
    assert put(node, valid_release(), auth=(WRITER, WRITER_PASSWORD)).status_code == 201
    assert requests.get(f"{node}/demo%2F1.0", timeout=TIMEOUT).status_code == 200
    refused = put(node, valid_release("demo/2.0") | {"version": "2.0"})
    assert refused.status_code == 401
    assert "read-only" in refused.json()["reason"] and "pypioncouch" in refused.json()["reason"]


def test_writers_cannot_change_the_design_doc_or_the_security_object(secured_server: AnyServer, node: str) -> None:
    writer = (WRITER, WRITER_PASSWORD)
    assert put(node, {"_id": "_design/evil", "views": {}}, auth=writer).status_code in (401, 403)
    security_before = requests.get(f"{node}/_security", auth=(ADMIN, ADMIN_PASSWORD), timeout=TIMEOUT).json()
    refused = requests.put(f"{node}/_security", json={}, auth=writer, timeout=TIMEOUT)
    if secured_server.kind == "couchdb":  # every shard refuses ("not a db or server admin"): no majority
        assert refused.status_code == 500 and refused.json()["reason"] == "no_majority"
    else:
        assert refused.status_code in (401, 403)
    assert requests.get(f"{node}/_security", auth=(ADMIN, ADMIN_PASSWORD), timeout=TIMEOUT).json() == security_before


# Ids no other test writes: CouchDB answers a write to an existing id without its _rev 409 before
# validating it (PouchDB Server validates first).
@pytest.mark.parametrize("doc, reason", [
    ({"_id": "x", "hello": 1}, '"type" must be one of'),
    ({"_id": "demo/1.1", "type": "release", "project": "demo", "version": "1.1", "version_key": []},
     '"files" to be an array of at most 1000 files'),
    (valid_release() | {"_id": "demo/9.9"}, 'must have as id "demo/1.0"'),
    (valid_release("demo/1.1") | {"version": "1.1", "files": [{}] * 1001}, "at most 1000"),
    ({"_id": "Demo", "type": "project", "name": "Demo", "versions": [], "info": {}}, "as id its normalized name"),
    ({"_id": "demo:dist:demo-1.0.tar.gz", "type": "distribution", "project": "demo", "version": "1.0",
      "filename": "demo-1.0.tar.gz", "sha256": "00"}, "the file itself as the attachment"),
])
def test_malformed_documents_are_refused_with_the_reason(node: str, doc: dict, reason: str) -> None:
    response = put(node, doc, auth=(WRITER, WRITER_PASSWORD))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden" and reason in response.json()["reason"]


def test_the_importer_writes_pass_validation(node: str, start_emulator) -> None:
    """Generated, hostile and installable projects, then an update that yanks and removes."""
    dataset = hostile_dataset()
    for project in generate_dataset(projects=20, files_per_release=3, seed=2):
        dataset.load([project], [])
    installable_project("Demo.Pkg", ["1.0", "2.0"], dataset=dataset)
    emu = start_emulator(dataset)
    host = node.split("://", 1)[1]
    importer = XmlRpcImporter(parse_database_url(f"http://{WRITER}:{WRITER_PASSWORD}@{host}"), index_url=emu.url)
    assert importer.import_all().failed == {}
    dataset.yank("Demo.Pkg", "1.0", "broken")
    dataset.remove_release("Demo.Pkg", "2.0")
    report = importer.update()
    assert report.failed == {} and report.written and report.deleted
    reader = Database(parse_database_url(node, env={}))  # anonymous, whatever COUCHDB_USER says
    assert reader.get(STATE_ID)["last_serial"] == dataset.last_serial


def test_setup_writes_the_security_object_and_is_idempotent(secured_server: AnyServer, node: str) -> None:
    admin = parse_database_url(f"http://{ADMIN}:{ADMIN_PASSWORD}@{secured_server.base_url.split('://')[1]}/mirror")
    result = setup(admin, writer_role="mirror-writer")
    assert not result.created and not result.admin_party
    security = requests.get(f"{node}/_security", auth=(ADMIN, ADMIN_PASSWORD), timeout=TIMEOUT).json()
    assert security["members"] == {"names": [], "roles": []}
    assert security["pypioncouch"]["writers"]["roles"] == ["mirror-writer"]
    refused = put(node, valid_release("demo/3.0") | {"version": "3.0"}, auth=(WRITER, WRITER_PASSWORD))
    assert refused.status_code == 401 and "mirror-writer" in refused.json()["reason"]
    setup(admin)  # back to the default role for the other tests


@pytest.mark.skipif(server_kind() == "couchdb",
                    reason="CouchDB 3 has no admin party: it does not start without an admin")
def test_setup_in_admin_party_warns(db: Database) -> None:
    result = setup(db.location)
    assert result.admin_party and "admin party" in str(result)
    assert "validate_doc_update" in db.get(GUARD_ID) and "validate_doc_update" not in db.get(DESIGN_DOC_ID)


def test_security_object_keeps_database_admins() -> None:
    current = {"admins": {"names": ["ops"], "roles": []}, "members": {"names": ["someone"], "roles": []}}
    assert security_object(current, "w") == {
        "admins": {"names": ["ops"], "roles": []}, "members": {"names": [], "roles": []},
        "pypioncouch": {"writers": {"names": [], "roles": ["w"]}}}


def test_reserved_roles_are_refused(db: Database) -> None:
    with pytest.raises(NodeSetupError):
        setup(db.location, writer_role="_admin")


def test_the_guard_is_ecmascript_5() -> None:
    guard = {"_id": GUARD_ID, "validate_doc_update": GUARD_SOURCE.read_text()}
    result = run_checker(json.dumps(guard))
    assert result.returncode == 0, result.stdout + result.stderr
