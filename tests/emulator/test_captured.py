"""The bundled data set serves the captured payloads: verbatim as the proxy they came through
answered them (flavour "proxy"), and as pypi.org itself serves the same data (flavour "pypi")."""

from __future__ import annotations

import hashlib

import pytest
import requests

from pypioncouch.emulator import (CAPTURED_PROJECTS, EmulatorServer, bundled_dataset, captured_payload,
                                  load_capture, normalize)


SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture(scope="module")
def bundled() -> EmulatorServer:
    with EmulatorServer(bundled_dataset()) as server:
        yield server


@pytest.fixture(scope="module")
def proxy() -> EmulatorServer:
    with EmulatorServer(bundled_dataset(), flavour="proxy") as server:
        yield server


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_proxy_serves_the_captured_json_verbatim(proxy: EmulatorServer, name: str) -> None:
    response = requests.get(f"{proxy.url}/pypi/{name}/json")
    assert response.status_code == 200
    assert response.json() == captured_payload(name)
    assert "X-PyPI-Last-Serial" not in response.headers  # the proxy drops it; the body keeps last_serial


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_proxy_serves_the_captured_page_verbatim(proxy: EmulatorServer, name: str) -> None:
    response = requests.get(f"{proxy.url}/simple/{name}/", headers={"Accept": SIMPLE_JSON})
    assert response.json() == load_capture(name)["simple"]
    assert "X-PyPI-Last-Serial" not in response.headers


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_pypi_serves_the_captured_json_with_absolute_file_urls(bundled: EmulatorServer, name: str) -> None:
    """pypi.org answers absolute URLs: the relative ones are the proxy's; the rest is verbatim."""
    response = requests.get(f"{bundled.url}/pypi/{name}/json")
    real = captured_payload(name)
    absolute = {f["filename"]: f["url"] for f in load_capture(name)["simple"]["files"]}
    for files in [real["urls"], *real["releases"].values()]:
        for file in files:
            file["url"] = absolute[file["filename"]]
    assert response.json() == real
    assert response.headers["X-PyPI-Last-Serial"] == str(real["last_serial"])


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_pypi_page_agrees_with_the_captured_page_in_api_1_4(bundled: EmulatorServer, name: str) -> None:
    real = load_capture(name)["simple"]
    page = requests.get(f"{bundled.url}/simple/{name}/", headers={"Accept": SIMPLE_JSON}).json()
    assert page["meta"] == {"api-version": "1.4", "_last-serial": int(real["meta"]["_last-serial"])}
    assert page["name"] == real["name"] and page["project-status"] == {"status": "active"}
    assert set(page["versions"]) == set(real["versions"])
    ours = {f["filename"]: {k: f[k] for k in real["files"][0]} for f in page["files"]}
    assert ours == {f["filename"]: f for f in real["files"]}
    json_files = {f["filename"]: f for files in captured_payload(name)["releases"].values() for f in files}
    for file in page["files"]:  # what the JSON API says of the metadata file, the page says too
        assert file["core-metadata"] == (json_files[file["filename"]].get("core-metadata") or False)
        assert file["provenance"] is None


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


def test_relative_file_urls_are_kept_and_served_by_the_proxy(proxy: EmulatorServer) -> None:
    """Some captured payloads have relative file URLs; resolved against the JSON URL, they work."""
    payload = requests.get(f"{proxy.url}/pypi/idna/json").json()
    relative = payload["urls"][0]["url"]
    assert relative.startswith("../")
    served = requests.get(requests.compat.urljoin(f"{proxy.url}/pypi/idna/json", relative))
    assert served.status_code == 200
    simple = requests.get(f"{proxy.url}/simple/idna/", headers={"Accept": SIMPLE_JSON})
    assert all(f["url"].startswith("https://files.pythonhosted.org/") for f in simple.json()["files"])
    # The proxy serves no metadata file, though its JSON API names one.
    wheel = next(f for f in payload["urls"] if f.get("core-metadata"))
    metadata = requests.get(requests.compat.urljoin(f"{proxy.url}/pypi/idna/json", wheel["url"]) + ".metadata")
    assert metadata.status_code == 404
