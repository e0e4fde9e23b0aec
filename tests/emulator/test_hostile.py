"""The hostile data set: odd values served intact and never executable."""

from __future__ import annotations

import json

import pytest
import requests

from pypioncouch.emulator import INJECTION, LEGACY_VERSIONS, EmulatorServer, hostile_dataset
from pypioncouch.emulator.hostile import FILENAME_INJECTION, LONG_NAME, SURROGATE


@pytest.fixture(scope="module")
def hostile() -> EmulatorServer:
    with EmulatorServer(hostile_dataset(many_files=2_000, description_bytes=2_000_000)) as server:
        yield server


def test_full_size_set_has_what_it_promises() -> None:
    data = hostile_dataset()
    many = data.get("many-files")
    assert sum(len(r.files) for r in many.releases.values()) == 50_000
    assert max(len(r.files) for r in many.releases.values()) == 5_000
    assert len(data.get("huge-description").latest().info["description"]) == 20 * 1024 * 1024


@pytest.mark.parametrize("name", ["Zope2", "foo.bar_baz", "a", "Z", LONG_NAME])
def test_odd_names_resolve(hostile: EmulatorServer, name: str) -> None:
    response = requests.get(f"{hostile.url}/pypi/{name}/json")
    assert response.status_code == 200 and response.json()["info"]["name"] == name


def test_legacy_versions_are_served(hostile: EmulatorServer) -> None:
    body = requests.get(f"{hostile.url}/pypi/legacy-versions/json").json()
    assert list(body["releases"]) == list(LEGACY_VERSIONS)
    release = requests.get(f"{hostile.url}/pypi/legacy-versions/{LEGACY_VERSIONS[0]}/json")
    assert release.json()["info"]["version"] == "1.0-beta 2"


def test_injection_is_escaped_in_html_and_intact_in_json(hostile: EmulatorServer) -> None:
    html = requests.get(f"{hostile.url}/simple/injection/").text
    assert "<script>" not in html and "<img" not in html
    page = requests.get(f"{hostile.url}/simple/injection/",
                        headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    assert page["files"][0]["requires-python"] == INJECTION and page["files"][0]["yanked"] == INJECTION
    body = requests.get(f"{hostile.url}/pypi/injection/json").json()
    assert body["info"]["summary"] == INJECTION and FILENAME_INJECTION in body["urls"][0]["filename"]
    served = requests.get(body["urls"][0]["url"])
    assert served.status_code == 200 and len(served.content) == body["urls"][0]["size"]


def test_lone_surrogates_come_back_as_json_escapes(hostile: EmulatorServer) -> None:
    raw = requests.get(f"{hostile.url}/pypi/surrogates/json").content
    assert b"\\udcff" in raw
    assert json.loads(raw)["info"]["summary"] == SURROGATE
    assert requests.get(f"{hostile.url}/simple/surrogates/").status_code == 200


def test_big_project_and_empty_releases(hostile: EmulatorServer) -> None:
    body = requests.get(f"{hostile.url}/pypi/many-files/json").json()
    assert sum(len(files) for files in body["releases"].values()) == 2_000
    assert requests.get(f"{hostile.url}/pypi/no-files/json").json()["releases"] == {"0.1": [], "0.2": []}
    info = requests.get(f"{hostile.url}/pypi/all-none/json").json()["info"]
    assert info["description"] is None and info["summary"] == "" and info["classifiers"] == []
