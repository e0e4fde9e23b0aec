"""The JSON API and file endpoints on the wire."""

from __future__ import annotations

import hashlib
import io
import zipfile

import requests

from pypioncouch.emulator import EmulatorServer, captured_payload


def test_project_json_has_pypi_keys_and_serial_header(emulator: EmulatorServer, http: requests.Session) -> None:
    response = http.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert response.status_code == 200
    body = response.json()
    real = captured_payload("requests")
    assert list(body) == list(real)
    assert set(body["info"]) == set(real["info"])
    assert response.headers["X-PyPI-Last-Serial"] == str(body["last_serial"])
    assert body["last_serial"] == emulator.dataset.get("Demo.Pkg").last_serial
    assert body["info"]["version"] == "2.0" and body["urls"] == body["releases"]["2.0"]
    assert body["info"]["requires_dist"] == ["requests>=2"]


def test_file_objects_have_the_real_key_set(emulator: EmulatorServer, http: requests.Session) -> None:
    real_keys = {frozenset(f) for f in captured_payload("requests")["urls"]}
    for project in emulator.dataset:
        body = http.get(f"{emulator.url}/pypi/{project.normalized}/json").json()
        for files in body["releases"].values():
            assert {frozenset(f) for f in files} <= real_keys
            assert all(f["url"].startswith(emulator.url + "/packages/") for f in files)


def test_release_json_has_no_releases_key(emulator: EmulatorServer, http: requests.Session) -> None:
    body = http.get(f"{emulator.url}/pypi/demo-pkg/1.0/json").json()
    assert list(body) == ["info", "urls", "vulnerabilities", "ownership", "last_serial"] or \
        set(body) == {"info", "urls", "vulnerabilities", "last_serial", "ownership"}
    assert body["info"]["version"] == "1.0"
    assert [f["filename"] for f in body["urls"]] == ["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"]


def test_non_normalized_name_redirects(emulator: EmulatorServer, http: requests.Session) -> None:
    for path, target in (("/pypi/Demo.Pkg/json", "/pypi/demo-pkg/json"),
                         ("/pypi/Demo_Pkg/1.0/json", "/pypi/demo-pkg/1.0/json"),
                         ("/simple/Demo.Pkg/", "/simple/demo-pkg/")):
        response = http.get(emulator.url + path, allow_redirects=False)
        assert (response.status_code, response.headers["Location"]) == (301, target)
    assert http.get(f"{emulator.url}/pypi/Demo.Pkg/json").json()["info"]["name"] == "Demo.Pkg"


def test_unknown_project_or_version_is_404(emulator: EmulatorServer, http: requests.Session) -> None:
    for path in ("/pypi/no-such-project/json", "/pypi/demo-pkg/9.9/json", "/nowhere"):
        response = http.get(emulator.url + path)
        assert response.status_code == 404
        assert response.json() == {"message": "Not Found"}
    assert http.get(f"{emulator.url}/simple/no-such-project/").status_code == 404


def test_project_without_releases_is_404_on_json_api(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.dataset.add_project("empty")
    assert http.get(f"{emulator.url}/pypi/empty/json").status_code == 404
    assert http.get(f"{emulator.url}/simple/empty/").status_code == 200


def test_served_bytes_hash_to_payload_digests(emulator: EmulatorServer, http: requests.Session) -> None:
    body = http.get(f"{emulator.url}/pypi/demo-pkg/json").json()
    for files in body["releases"].values():
        for file in files:
            data = http.get(file["url"]).content
            assert len(data) == file["size"]
            assert hashlib.sha256(data).hexdigest() == file["digests"]["sha256"]
            assert hashlib.md5(data).hexdigest() == file["md5_digest"] == file["digests"]["md5"]
            assert hashlib.blake2b(data, digest_size=32).hexdigest() == file["digests"]["blake2b_256"]


def test_core_metadata_file_matches_wheel_metadata(emulator: EmulatorServer, http: requests.Session) -> None:
    wheel = http.get(f"{emulator.url}/pypi/demo-pkg/1.0/json").json()["urls"][0]
    metadata = http.get(wheel["url"] + ".metadata")
    assert metadata.status_code == 200
    assert hashlib.sha256(metadata.content).hexdigest() == wheel["core-metadata"]["sha256"]
    with zipfile.ZipFile(io.BytesIO(http.get(wheel["url"]).content)) as archive:
        assert archive.read("demo_pkg-1.0.dist-info/METADATA") == metadata.content
    sdist = http.get(f"{emulator.url}/pypi/demo-pkg/1.0/json").json()["urls"][1]
    assert sdist["core-metadata"] is False
    assert http.get(sdist["url"] + ".metadata").status_code == 404


def test_generated_projects_serve_every_file(emulator: EmulatorServer, http: requests.Session) -> None:
    project = next(p for p in emulator.dataset if p.normalized != "demo-pkg")
    body = http.get(f"{emulator.url}/pypi/{project.normalized}/json").json()
    file = body["urls"][-1]
    data = http.get(file["url"]).content
    assert hashlib.sha256(data).hexdigest() == file["digests"]["sha256"]


def test_mutation_is_visible_at_once(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.dataset.add_release("Demo.Pkg", "3.0", ["demo_pkg-3.0.tar.gz"])
    response = http.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert response.json()["info"]["version"] == "3.0"
    assert int(response.headers["X-PyPI-Last-Serial"]) == emulator.dataset.last_serial
    emulator.dataset.remove_release("Demo.Pkg", "3.0")
    assert http.get(f"{emulator.url}/pypi/demo-pkg/3.0/json").status_code == 404


def test_request_log_records_method_path_status(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.clear_log()
    http.get(f"{emulator.url}/pypi/demo-pkg/json")
    http.get(f"{emulator.url}/pypi/nope/json")
    assert [(r.method, r.path, r.status) for r in emulator.requests_log] == [
        ("GET", "/pypi/demo-pkg/json", 200), ("GET", "/pypi/nope/json", 404)]
