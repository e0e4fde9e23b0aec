"""The bundled data set serves the captured pypi.org payloads verbatim."""

from __future__ import annotations

import hashlib

import pytest
import requests

from pypioncouch.emulator import (CAPTURED_PROJECTS, EmulatorServer, bundled_dataset, captured_payload,
                                  load_capture, normalize)


@pytest.fixture(scope="module")
def bundled() -> EmulatorServer:
    with EmulatorServer(bundled_dataset()) as server:
        yield server


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_project_json_is_verbatim(bundled: EmulatorServer, name: str) -> None:
    response = requests.get(f"{bundled.url}/pypi/{name}/json")
    assert response.status_code == 200
    assert response.json() == captured_payload(name)
    assert response.headers["X-PyPI-Last-Serial"] == str(captured_payload(name)["last_serial"])


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_simple_json_agrees_with_the_captured_page(bundled: EmulatorServer, name: str) -> None:
    real = load_capture(name)["simple"]
    page = requests.get(f"{bundled.url}/simple/{name}/",
                        headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    assert page["meta"] == real["meta"] and page["name"] == real["name"]
    assert set(page["versions"]) == set(real["versions"])
    ours = {f["filename"]: {k: f[k] for k in real["files"][0]} for f in page["files"]}
    assert ours == {f["filename"]: f for f in real["files"]}


def test_journal_matches_list_packages(bundled: EmulatorServer) -> None:
    data = bundled.dataset
    listed = data.packages_with_serial()
    assert {normalize(n) for n in listed} == set(CAPTURED_PROJECTS)
    for name, serial in listed.items():
        rows = [r for r in data.journal if normalize(r.name) == normalize(name)]
        assert rows[-1].serial == serial == captured_payload(normalize(name))["last_serial"]
        assert rows[0].action == "create"
    assert data.last_serial == max(listed.values())
    assert [r.serial for r in data.journal] == sorted({r.serial for r in data.journal})


def test_captured_files_are_marked_placeholders(bundled: EmulatorServer) -> None:
    file = captured_payload("requests")["urls"][0]
    assert file["url"].startswith("https://files.pythonhosted.org/")
    served = requests.get(bundled.url + requests.utils.urlparse(file["url"]).path)
    assert served.status_code == 200
    assert served.headers["X-Emulator-Placeholder"] == "sha256-mismatch"
    assert hashlib.sha256(served.content).hexdigest() != file["digests"]["sha256"]


def test_rewrite_file_urls_points_at_the_emulator() -> None:
    with EmulatorServer(bundled_dataset(("requests",)), rewrite_file_urls=True) as server:
        payload = requests.get(f"{server.url}/pypi/requests/json").json()
        real = captured_payload("requests")
        assert all(f["url"].startswith(server.url + "/packages/") for f in payload["urls"])
        payload["urls"][0]["url"] = real["urls"][0]["url"]
        assert payload["urls"][0] == real["urls"][0]
        assert requests.get(payload["urls"][1]["url"]).status_code == 200


def test_version_json_is_synthesized_from_the_latest(bundled: EmulatorServer) -> None:
    body = requests.get(f"{bundled.url}/pypi/requests/2.0.0/json").json()
    assert body["info"]["version"] == "2.0.0" and "releases" not in body
    assert body["info"]["release_url"] == "https://pypi.org/project/requests/2.0.0/"
    assert body["urls"] == captured_payload("requests")["releases"]["2.0.0"]
    assert bundled.dataset.get("requests").releases["2.0.0"].synthesized_info


def test_mutations_continue_the_journal() -> None:
    data = bundled_dataset(("cmscouchapp", "idna"))
    before = data.last_serial
    data.add_release("CMSCouchapp", "9.9", ["cmscouchapp-9.9.tar.gz"])
    assert data.journal[-1].serial == before + 2
    assert data.get("cmscouchapp").latest().version == "9.9"


def test_relative_file_urls_are_kept_and_served(bundled: EmulatorServer) -> None:
    """Some captured payloads have relative file URLs; resolved against the JSON URL, they work."""
    payload = requests.get(f"{bundled.url}/pypi/idna/json").json()
    relative = payload["urls"][0]["url"]
    assert relative.startswith("../")
    served = requests.get(requests.compat.urljoin(f"{bundled.url}/pypi/idna/json", relative))
    assert served.status_code == 200
    simple = requests.get(f"{bundled.url}/simple/idna/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    assert all(f["url"].startswith("https://files.pythonhosted.org/") for f in simple.json()["files"])
