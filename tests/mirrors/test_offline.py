"""An offline mirror: files stored as attachments, replicated, and pip installing with PyPI gone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.distfiles import distribution_id
from pypioncouch.emulator import EmulatorServer, generate_dataset, installable_project
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.replication import replication
from pypioncouch.servers import AnyServer

from ..clients.conftest import BIN, installed, isolated_env, run, venv  # noqa: F401 (venv is a fixture)
from ..conftest import push_app
from .conftest import (PIP_ACCEPT, TIMEOUT, log_requests, node_db, reader_mirror, replicate, request_log, served,
                       wait_for)

OFFLINE = "offline-demo"


@pytest.fixture(scope="module")
def offline_origin(origin_server: AnyServer) -> Iterator[tuple[Database, EmulatorServer]]:
    """A node importing two projects from the emulator, storing the files of ``Offline.Demo`` only."""
    dataset = generate_dataset(projects=1, seed=5)
    installable_project("Offline.Demo", ["1.0", "2.0"], requires_python=">=3.8", dataset=dataset)
    with EmulatorServer(dataset) as emulator:
        db = push_app(node_db(origin_server, "offline"))
        importer = XmlRpcImporter(db.location, index_url=emulator.url, mirror_files=["Offline.Demo"])
        assert importer.import_all().failed == {}
        yield db, emulator


def test_files_are_stored_once_and_release_files_point_at_them(offline_origin) -> None:
    db, emulator = offline_origin
    release = db.get(f"{OFFLINE}/2.0")
    for file in release["files"]:
        assert file["mirror_url"] == f"{quote(distribution_id(OFFLINE, file['filename']))}/{file['filename']}"
        stored = requests.get(f"{db.url}/{file['mirror_url']}", timeout=TIMEOUT)
        assert stored.status_code == 200 and stored.content == requests.get(file["url"], timeout=TIMEOUT).content
    other = next(p.normalized for p in emulator.dataset if p.normalized != OFFLINE)
    assert all("mirror_url" not in f for row in db.id_range(other + "/") for f in row["doc"].get("files", []))
    before = len(emulator.requests_log)
    XmlRpcImporter(db.location, index_url=emulator.url, mirror_files=["Offline.Demo"]).update()
    assert not [r for r in emulator.requests_log[before:] if r.path.startswith("/packages/")]


def test_stored_files_follow_removals_upstream(couch_server, start_emulator) -> None:
    from ..conftest import new_database
    dataset = installable_project("Offline.Demo", ["1.0", "2.0", "3.0"])
    emulator = start_emulator(dataset)
    db = new_database(couch_server.url)

    def stored() -> set[str]:
        return {row["id"] for row in db.id_range(distribution_id(OFFLINE, ""), include_docs=False)}

    def importer() -> XmlRpcImporter:
        return XmlRpcImporter(db.location, index_url=emulator.url, mirror_files=["Offline.Demo"])

    importer().import_all()
    everything = stored()
    gone_file = dataset.get(OFFLINE).releases["3.0"].files[0].filename
    dataset.remove_file(OFFLINE, "3.0", gone_file)
    dataset.remove_release(OFFLINE, "1.0")
    importer().update()
    removed = {distribution_id(OFFLINE, gone_file)} | {i for i in everything if "-1.0" in i}
    assert len(removed) == 3 and stored() == everything - removed
    dataset.remove_project("Offline.Demo")
    importer().update()
    assert stored() == set() and db.get(OFFLINE) is None


def test_the_simple_page_links_the_stored_copy(offline_origin) -> None:
    db, _ = offline_origin
    page = json.loads(served(db, f"/simple/{OFFLINE}/", PIP_ACCEPT)[2])
    for file in page["files"]:
        assert file["url"].startswith("../../files/offline-demo%3Adist%3A")
        absolute = requests.compat.urljoin(f"{db.url}/_design/pypi/_rewrite/simple/{OFFLINE}/", file["url"])
        assert requests.get(absolute, timeout=TIMEOUT).status_code == 200
        if file.get("core-metadata"):
            assert requests.get(absolute + ".metadata", timeout=TIMEOUT).status_code == 200


def test_pip_installs_from_a_replicated_mirror_with_pypi_gone(offline_origin, mirror_server: AnyServer,
                                                              venv: Path, tmp_path: Path) -> None:
    db, emulator = offline_origin
    mirror = reader_mirror(mirror_server, "offline-mirror")
    replicate(mirror_server, replication(db.location, mirror.location))
    log_requests(mirror_server)
    emulator.stop()  # PyPI is gone from here on
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.url + "/simple/", timeout=5)
    env = isolated_env(tmp_path)
    index = f"{mirror.url}/_design/pypi/_rewrite/simple/"
    result = run([str(BIN / "python"), "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                  "--no-cache-dir", "--index-url", index, "Offline.Demo"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(venv, env).get("Offline.Demo") == "2.0"
    wheel = "offline_demo-2.0-py3-none-any.whl"
    line = f"GET /offline-mirror/_design/pypi/_rewrite/files/offline-demo%3Adist%3A{wheel}/{wheel} "
    wait_for(lambda: line in request_log(mirror_server), 30, "the wheel's request in the mirror's log")
