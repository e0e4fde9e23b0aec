"""The engine users grow into: three CouchDB nodes, a database with q = 4 and n = 3, one node down.

One scenario, in the order an operator lives it (docs/deployment.md, "A cluster"):

1. the database is created with ``?q=4&n=3`` (every shard range on all three nodes), set up
   with ``pypioncouch --setup`` and imported with ``--fullimport`` by the importer's own
   writer user; pip installs through the CouchApp of a node and the pages answer;
2. one node stops (the first one, the node the cluster was set up through and imported
   through): documents, views, the Simple API, the pages and pip still work through the
   others, and ``--update`` (a new release and a new project upstream) completes through
   a surviving node;
3. the node starts again: once internal replication has caught up, its own shard files,
   read through the node-local interface, hold every document at the revision and with
   the content the other two copies have, nothing written while it was down missing and
   nothing rolled back; it kept its own configuration; and with the other two stopped it
   alone serves the release written while it was down.

``r=3`` in a read would prove nothing here: CouchDB answers 200 with fewer copies than
asked. Reading each node's shard files does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset, installable_project
from pypioncouch.local_couchdb import CouchDBCluster, CouchDBServer
from pypioncouch.names import normalize
from pypioncouch.node import SHOWLIST_CSP
from pypioncouch.state import STATE_ID
from tests.clients.conftest import installed, isolated_env

from .conftest import BIN, TIMEOUT, local_shard_rows, only_in_the_couchdb_run, run, shard_files, wait_for

pytestmark = [*only_in_the_couchdb_run, pytest.mark.slow, pytest.mark.clients]

DB = "pypi"
Q, N = 4, 3
WRITER = ("importer", "importer-secret")  # the importer logs in as a writer, as docs/deployment.md sets it up
DEMO = "cluster-demo"  # installable: pip really installs it
PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"


def upstream_dataset() -> Dataset:
    dataset = generate_dataset(projects=20, releases_per_project=3, seed=9)
    return installable_project(DEMO, ["1.0"], requires_python=">=3.8", dataset=dataset)


def app_url(node: CouchDBServer, path: str = "") -> str:
    return f"{node.base_url}/{DB}/_design/pypi/_rewrite/{path}"


def get(url: str, **options: Any) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT, **options)


def pypioncouch(env: dict[str, str], *args: str) -> str:
    """Run the console script as an operator does; its output, after checking it exited 0."""
    result = run([str(BIN / "pypioncouch"), *args], env)
    assert result.returncode == 0, f"pypioncouch {args[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def pip_install(node: CouchDBServer, tmp_path: Path, requirement: str) -> dict[str, str]:
    """Install ``requirement`` into a new virtual environment, from the Simple API of ``node`` only
    (pip isolated from this machine's configuration); what is installed afterwards."""
    env = isolated_env(tmp_path)
    venv = tmp_path / f"venv-{len(list(tmp_path.glob('venv-*')))}"
    created = run([str(BIN / "uv"), "venv", "--python", str(BIN / "python"), str(venv)], env)
    assert created.returncode == 0, created.stderr
    result = run([str(BIN / "python"), "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                  "--no-cache-dir", "--index-url", app_url(node, "simple/"), requirement], env)
    assert result.returncode == 0, f"pip install {requirement} from {node.base_url}:\n{result.stdout}\n{result.stderr}"
    return installed(venv, env)


def all_docs(node: CouchDBServer, **params: Any) -> dict[str, Any]:
    """The clustered ``_all_docs`` as read through ``node``: id -> rev (or id -> document)."""
    query = {"include_docs": "true", "conflicts": "true"} if params.get("include_docs") else {}
    rows = get(f"{node.url}/{DB}/_all_docs", params=query).json()["rows"]
    return {row["id"]: row["doc"] if query else row["value"]["rev"] for row in rows}


def serves_the_app(node: CouchDBServer, tmp_path: Path, demo_version: str, projects: list[str]) -> None:
    """Reads through ``node``: a document, a view, the Simple API, the pages, and pip."""
    project = get(f"{node.base_url}/{DB}/{DEMO}")
    assert project.status_code == 200 and project.json()["type"] == "project", project.text[:300]
    view = get(f"{node.base_url}/{DB}/_design/pypi/_view/simple_projects", params={"reduce": "false"})
    assert view.status_code == 200, view.text[:300]
    assert {row["key"][1] for row in view.json()["rows"] if row["key"][0] == 1} == set(projects)
    index = get(app_url(node, "simple/"), headers={"Accept": PIP_ACCEPT})
    assert index.status_code == 200, index.text[:300]
    assert sorted(normalize(entry["name"]) for entry in index.json()["projects"]) == projects
    detail = get(app_url(node, f"simple/{DEMO}/"), headers={"Accept": PIP_ACCEPT})
    assert detail.status_code == 200 and detail.headers["Content-Type"] == "application/vnd.pypi.simple.v1+json"
    assert demo_version in detail.json()["versions"]
    assert get(app_url(node, f"pypi/{DEMO}/json")).json()["info"]["version"] == demo_version
    for path in ("", "projects/", f"project/{DEMO}/", f"project/{DEMO}/{demo_version}/", "classifiers/"):
        page = get(app_url(node, path))
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], (path, page.status_code)
    assert pip_install(node, tmp_path, DEMO)[DEMO] == demo_version


def shard_copies(cluster: CouchDBCluster, *, include_docs: bool = False) -> dict[str, dict[str, dict[str, Any]]]:
    """range -> node name -> what that node's own shard file holds (see local_shard_rows)."""
    copies: dict[str, dict[str, dict[str, Any]]] = {}
    for node in cluster.nodes:
        for shard_range, shard in shard_files(node, DB).items():
            copies.setdefault(shard_range, {})[node.node_name] = local_shard_rows(node, shard, include_docs=include_docs)
    return copies


def caught_up(cluster: CouchDBCluster, revived: CouchDBServer, expected: dict[str, str]) -> bool:
    """Every range's three copies hold the same revisions, and the revived node's copies hold ``expected``."""
    copies = shard_copies(cluster)
    if len(copies) != Q or any(len(by_node) != N for by_node in copies.values()):
        return False
    if any(len({tuple(sorted(rows.items())) for rows in by_node.values()}) != 1 for by_node in copies.values()):
        return False
    held: dict[str, str] = {}
    for by_node in copies.values():
        held.update(by_node[revived.node_name])
    return held == expected


@pytest.fixture
def upstream() -> Iterator[EmulatorServer]:
    """The fake PyPI: the importer's upstream, and where pip downloads the files from."""
    with EmulatorServer(upstream_dataset()) as emulator:
        yield emulator


def test_a_node_goes_down_and_comes_back(cluster: CouchDBCluster, upstream: EmulatorServer, tmp_path: Path) -> None:
    first, second, third = cluster.nodes
    names = sorted(node.node_name for node in cluster.nodes)

    # -- 1. the database, spread over the three nodes; set up, imported, served -------------------
    created = requests.put(f"{first.url}/{DB}", params={"q": Q, "n": N}, timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    shards = get(f"{first.url}/{DB}/_shards").json()["shards"]
    assert len(shards) == Q and all(sorted(copies) == names for copies in shards.values()), shards
    assert get(f"{second.url}/{DB}").json()["cluster"] == {"q": Q, "n": N, "w": 2, "r": 2}

    admin_env = dict(os.environ)
    for key in ("COUCHDB_USER", "COUCHDB_PASSWORD"):
        admin_env.pop(key, None)  # --setup gets the admin from its URL, nothing else
    setup_output = pypioncouch(admin_env, "--setup", f"{first.url}/{DB}")
    assert f"on {N} node(s)" in setup_output, setup_output  # [csp] on every node of the cluster
    user = requests.put(f"{first.url}/_users/org.couchdb.user:{WRITER[0]}", timeout=TIMEOUT,
                        json={"name": WRITER[0], "password": WRITER[1], "roles": ["pypioncouch"], "type": "user"})
    assert user.status_code in (201, 202), user.text
    writer_env = dict(admin_env, COUCHDB_USER=WRITER[0], COUCHDB_PASSWORD=WRITER[1])

    dataset = upstream.dataset
    options = ["--index-url", upstream.url, "--no-progress", "--workers", "2"]
    pypioncouch(writer_env, "--fullimport", f"{first.base_url}/{DB}", *options)
    projects = sorted(project.normalized for project in dataset)
    serves_the_app(second, tmp_path, "1.0", projects)

    # -- 2. the first node goes down ---------------------------------------------------------------
    first.stop()
    cluster.wait_connected()
    for node in (second, third):
        serves_the_app(node, tmp_path, "1.0", projects)

    installable_project(DEMO, ["2.0"], requires_python=">=3.8", dataset=dataset)
    installable_project("arrived-while-down", ["0.1"], dataset=dataset)
    changed = sorted(dataset, key=lambda p: p.normalized)[0].name
    dataset.add_release(changed, "77.0", [f"{changed.replace('-', '_')}-77.0.tar.gz"])
    update_output = pypioncouch(writer_env, "--update", f"{second.base_url}/{DB}", *options)
    assert "failed" not in update_output, update_output
    projects = sorted(project.normalized for project in dataset)
    state = get(f"{third.url}/{DB}/{STATE_ID}").json()
    assert state["last_serial"] == dataset.last_serial and "in_progress" not in state, state
    written_while_down = [f"{DEMO}/2.0", "arrived-while-down", "arrived-while-down/0.1", f"{normalize(changed)}/77.0"]
    assert set(written_while_down) <= set(all_docs(third)), written_while_down
    serves_the_app(third, tmp_path, "2.0", projects)

    before = all_docs(second, include_docs=True)  # what the two surviving copies hold
    assert not [doc_id for doc_id, doc in before.items() if doc.get("_conflicts")]

    # -- 3. the node comes back: nothing lost --------------------------------------------------------
    first.start()
    cluster.wait_connected()
    expected = {doc_id: doc["_rev"] for doc_id, doc in before.items()}
    wait_for(lambda: caught_up(cluster, first, expected), 120, "the revived node's shard copies to catch up")
    for shard_range, by_node in shard_copies(cluster, include_docs=True).items():
        copies = list(by_node.values())
        assert all(copy == copies[0] for copy in copies), f"the copies of {shard_range} differ"
        for doc_id, doc in by_node[first.node_name].items():
            assert without_revpos(doc) == without_revpos(before[doc_id], conflicts=True), doc_id
    assert all_docs(second) == all_docs(first) == expected  # nothing rolled back by the rejoin

    # It came back with its own configuration: the [csp] --setup wrote, the uuid the cluster shares.
    csp = get(f"{first.url}/_node/_local/_config/csp/showlist_header_value").json()
    assert csp == SHOWLIST_CSP
    assert get(app_url(first)).headers["Content-Security-Policy"] == SHOWLIST_CSP
    assert len({get(node.url + "/").json()["uuid"] for node in cluster.nodes}) == 1

    # Alone, the revived node serves what was written while it was down.
    second.stop()
    third.stop()
    cluster.wait_connected()
    serves_the_app(first, tmp_path, "2.0", projects)


def without_revpos(doc: dict[str, Any], *, conflicts: bool = False) -> dict[str, Any]:
    """A document as a shard file holds it: attachments' ``revpos`` and ``_conflicts`` aside."""
    doc = {key: value for key, value in doc.items() if not (conflicts and key == "_conflicts")}
    if "_attachments" in doc:
        doc["_attachments"] = {name: {k: v for k, v in a.items() if k != "revpos"} for name, a in doc["_attachments"].items()}
    return doc
