"""Offline mirrors store only checked bytes (distfiles.py): every file and ``.metadata`` against its
advertised hashes; a mismatch is recorded (the project's import_error) and never served."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Iterator

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.distfiles import DistributionStore, HashMismatch, digest_problems, distribution_id
from pypioncouch.emulator import EmulatorServer, installable_project
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.servers import AnyServer
from tests.conftest import rewrite_url

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
WHEEL, METADATA = b"wheel bytes", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"


class FakeFiles:
    """The upstream's file server: URL -> bytes."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    def request(self, method: str, url: str) -> SimpleNamespace:
        self.asked.append(url)
        return SimpleNamespace(content=self.files[url])


def digests(data: bytes) -> dict[str, str]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest(),
            "blake2b_256": hashlib.blake2b(data, digest_size=32).hexdigest()}


def file_object(name: str, data: bytes, metadata: bytes | None = None, **changes) -> dict:
    obj = {"filename": name, "url": f"https://files.example/{name}", "digests": digests(data), "size": len(data),
           "core-metadata": {"sha256": hashlib.sha256(metadata).hexdigest()} if metadata is not None else False}
    obj.update(changes)
    return obj


def payload(*files: dict) -> dict:
    return {"info": {"name": "demo", "version": "1.0"}, "releases": {"1.0": list(files)}, "urls": list(files)}


@pytest.fixture
def upstream_files() -> FakeFiles:
    return FakeFiles({"https://files.example/demo-1.0-py3-none-any.whl": WHEEL,
                      "https://files.example/demo-1.0-py3-none-any.whl.metadata": METADATA,
                      "https://files.example/demo-1.0.tar.gz": b"sdist bytes"})


def store(db: Database, files: FakeFiles) -> DistributionStore:
    return DistributionStore(db, files, ["demo"])  # type: ignore[arg-type]


def test_checked_files_and_metadata_are_stored(db: Database, upstream_files: FakeFiles) -> None:
    wheel = file_object("demo-1.0-py3-none-any.whl", WHEEL, METADATA)
    data = payload(wheel, file_object("demo-1.0.tar.gz", b"sdist bytes"))
    store(db, upstream_files).store_files("demo", data)
    doc = db.get(distribution_id("demo", wheel["filename"]))
    assert doc is not None and set(doc["_attachments"]) == {wheel["filename"], wheel["filename"] + ".metadata"}
    assert doc["sha256"] == digests(WHEEL)["sha256"] and doc["metadata_sha256"] == hashlib.sha256(METADATA).hexdigest()
    assert all("mirror_url" in f for f in data["urls"])


@pytest.mark.parametrize("case, wheel, expected", [
    ("file bytes", file_object("demo-1.0-py3-none-any.whl", b"other bytes", METADATA), "sha256 advertised"),
    ("md5 alone", file_object("demo-1.0-py3-none-any.whl", WHEEL, METADATA,
                              digests={**digests(WHEEL), "md5": "0" * 32}), "md5 advertised " + "0" * 32),
    ("metadata", file_object("demo-1.0-py3-none-any.whl", WHEEL, b"Name: tampered\n"), ".metadata: sha256"),
    ("no sha256", file_object("demo-1.0-py3-none-any.whl", WHEEL, METADATA, digests={"md5": digests(WHEEL)["md5"]}),
     "no sha256 advertised"),
    ("metadata without a hash", file_object("demo-1.0-py3-none-any.whl", WHEEL, None, **{"core-metadata": True}),
     ".metadata: no sha256 advertised"),
])
def test_a_mismatch_is_recorded_and_never_stored(db: Database, upstream_files: FakeFiles, case: str, wheel: dict,
                                                 expected: str) -> None:
    good = file_object("demo-1.0.tar.gz", b"sdist bytes")
    data = payload(wheel, good)
    with pytest.raises(HashMismatch) as error:
        store(db, upstream_files).store_files("demo", data)
    message = str(error.value)
    assert "demo: 1 file(s) failed their hash check" in message and expected in message
    assert db.get(distribution_id("demo", wheel["filename"])) is None
    assert "mirror_url" not in data["urls"][0]
    assert db.get(distribution_id("demo", good["filename"])) is not None and "mirror_url" in data["urls"][1]


def test_a_copy_stored_before_metadata_was_checked_is_checked_again(db: Database, upstream_files: FakeFiles) -> None:
    wheel = file_object("demo-1.0-py3-none-any.whl", WHEEL, METADATA)
    old = {"_id": distribution_id("demo", wheel["filename"]), "type": "distribution", "schema": 1, "project": "demo",
           "version": "1.0", "filename": wheel["filename"], "sha256": digests(WHEEL)["sha256"], "size": len(WHEEL),
           "_attachments": {wheel["filename"]: {"content_type": "application/octet-stream", "data": "d2hlZWwgYnl0ZXM="}}}
    db.put(old)
    store(db, upstream_files).store_files("demo", payload(wheel))
    assert upstream_files.asked[-1].endswith(".metadata")
    assert db.get(old["_id"])["metadata_sha256"] == hashlib.sha256(METADATA).hexdigest()
    upstream_files.asked.clear()
    store(db, upstream_files).store_files("demo", payload(file_object("demo-1.0-py3-none-any.whl", WHEEL, METADATA)))
    assert upstream_files.asked == []  # checked once, trusted after


def test_digest_problems_names_both_hashes() -> None:
    assert digest_problems("x", WHEEL, digests(WHEEL)) == []
    assert digest_problems("x", WHEEL, {"sha256": digests(WHEEL)["sha256"].upper(), "unknown": "zz"}) == []
    (problem,) = digest_problems("x", b"other", {"sha256": digests(WHEEL)["sha256"]})
    assert problem == f"x: sha256 advertised {digests(WHEEL)['sha256']}, downloaded {digests(b'other')['sha256']}"


# -- through the importer -------------------------------------------------------------------------

@pytest.fixture
def tampered(start_emulator) -> Iterator[EmulatorServer]:
    emulator = start_emulator(installable_project("demo", ["1.0"]))
    project = emulator.dataset.get("demo")
    wheel = next(f for f in project.releases["1.0"].files if f.filename.endswith(".whl"))
    emulator.faults.add(f"/{wheel.path.lstrip('/')}.metadata", malformed=True)  # a cut-off .metadata
    yield emulator


def test_the_importer_records_the_mismatch_and_serves_nothing_unchecked(app_db: Database, tampered: EmulatorServer,
                                                                        couch_server: AnyServer) -> None:
    importer = XmlRpcImporter(app_db.location, index_url=tampered.url, attachments=None, mirror_files=["demo"])
    report = importer.import_all()
    assert list(report.failed) == ["demo"] and "failed their hash check" in report.failed["demo"]
    error = app_db.get("pypioncouch:error:demo")
    assert error is not None and ".whl.metadata: sha256 advertised" in error["error"]
    stored = [row["id"] for row in app_db.id_range("demo:dist:", include_docs=False)]
    assert not any(doc_id.endswith(".whl") for doc_id in stored)  # the sdist may be stored; the wheel is not
    page = requests.get(rewrite_url(app_db, "simple/demo/").replace(couch_server.url, couch_server.base_url, 1),
                        headers={"Accept": PIP_ACCEPT}, timeout=60)
    assert page.status_code == 404  # the project's documents wait for checked files

    tampered.faults.clear()
    assert not importer.update().failed
    assert app_db.get("pypioncouch:error:demo") is None
    page = requests.get(rewrite_url(app_db, "simple/demo/").replace(couch_server.url, couch_server.base_url, 1),
                        headers={"Accept": PIP_ACCEPT}, timeout=60).json()
    wheel = next(f for f in page["files"] if f["filename"].endswith(".whl"))
    assert wheel["url"].startswith("../../files/") and wheel["core-metadata"]
