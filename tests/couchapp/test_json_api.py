"""PyPI's JSON API (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`) against pypi.org's answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS
from served_data import app_database, captured_db, captures, drop, get  # noqa: F401
from tests.conftest import new_database, push_app, rewrite_url


def by_filename(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """File lists compared as sets: the stored documents keep files in upload order, not
    pypi.org's (unspecified) database order; every file object itself must be identical."""
    return sorted(files, key=lambda f: f["filename"])


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_project_json_equals_pypi(captured_db: Database, captures: dict, name: str) -> None:
    """As a client that takes gzip reads it, redirects followed (a long answer: to its gzipped copy)."""
    response = requests.get(rewrite_url(captured_db, f"pypi/{name}/json"), timeout=120)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    ours, pypi = response.json(), captures[name]["json_api"]
    assert set(ours) == set(pypi)
    for key in set(pypi) - {"releases", "urls"}:
        assert ours[key] == pypi[key], key
    assert by_filename(ours["urls"]) == by_filename(pypi["urls"])
    assert set(ours["releases"]) == set(pypi["releases"])
    for version, files in pypi["releases"].items():
        assert by_filename(ours["releases"][version]) == by_filename(files), version
    assert response.headers["X-PyPI-Last-Serial"] == str(pypi["last_serial"])


@pytest.mark.parametrize("name", ["requests", "markupsafe", "cmscouchapp"])
def test_latest_release_json_equals_pypi(captured_db: Database, captures: dict, name: str) -> None:
    pypi = captures[name]["json_api"]
    version = pypi["info"]["version"]
    response = get(captured_db, f"pypi/{name}/{version}/json")
    assert response.status_code == 200
    ours = response.json()
    assert "releases" not in ours
    assert ours["info"] == pypi["info"]
    assert by_filename(ours["urls"]) == by_filename(pypi["urls"])
    assert (ours["last_serial"], ours["vulnerabilities"], ours["ownership"]) == (
        pypi["last_serial"], pypi["vulnerabilities"], pypi["ownership"])
    assert "X-PyPIonCouch-Info" not in response.headers


def test_older_release_without_its_own_info_says_so(captured_db: Database, captures: dict) -> None:
    pypi = captures["requests"]["json_api"]
    response = get(captured_db, "pypi/requests/2.0.0/json")
    assert response.status_code == 200
    assert response.headers["X-PyPIonCouch-Info"] == "from-latest-release"
    info = response.json()["info"]
    assert info["version"] == "2.0.0"
    assert info["release_url"] == "https://pypi.org/project/requests/2.0.0/"
    assert info["yanked"] is False
    assert by_filename(response.json()["urls"]) == by_filename(pypi["releases"]["2.0.0"])


@pytest.fixture(scope="module")
def versions_db(couch_server: Any) -> Any:
    """A project with versions 1.1 and 1.10 (PouchDB Server's rewriter reads both as 1.1),
    and 1.1's own info stored, as an import with --release-metadata leaves it."""
    def file(version: str) -> dict[str, Any]:
        return {"filename": f"v-{version}.tar.gz", "url": f"https://files.example/v-{version}.tar.gz",
                "digests": {"sha256": "ab" * 32}, "requires_python": None, "size": 1,
                "upload_time_iso_8601": "2024-01-01T00:00:00.000000Z", "yanked": False, "yanked_reason": None}
    info = {"name": "V", "version": "1.10", "summary": "latest", "project_url": "https://pypi.org/project/V/",
            "requires_python": None, "yanked": False, "yanked_reason": None, "description": ""}
    payload = {"info": info, "last_serial": 5, "releases": {"1.1": [file("1.1")], "1.10": [file("1.10")]},
               "urls": [file("1.10")], "vulnerabilities": [], "ownership": {}}
    old_info = {**info, "version": "1.1", "summary": "the old one"}
    db = new_database(couch_server.url, prefix="served")
    push_app(db)
    db.bulk_docs(build_project_documents(payload, release_infos={"1.1": old_info}).all())
    yield db
    drop(db)


@pytest.mark.parametrize("version, summary", [("1.1", "the old one"), ("1.10", "latest")])
def test_versions_that_parse_to_one_number_stay_apart(versions_db: Database, version: str, summary: str) -> None:
    response = get(versions_db, f"pypi/v/{version}/json")
    assert response.status_code == 200
    body = response.json()
    assert body["info"]["version"] == version
    assert body["info"]["summary"] == summary
    assert [f["filename"] for f in body["urls"]] == [f"v-{version}.tar.gz"]
    assert "ownership" not in body  # PyPI gave none
    assert "X-PyPIonCouch-Info" not in response.headers


@pytest.mark.parametrize("path, target", [
    ("pypi/MarkupSafe/json", "pypi/markupsafe/json"),
    ("pypi/MarkupSafe/3.0.4/json", "pypi/markupsafe/3.0.4/json"),
])
def test_non_normalized_name_redirects(captured_db: Database, path: str, target: str) -> None:
    response = get(captured_db, path)
    assert response.status_code == 301
    location = response.headers["Location"]
    assert not location.startswith("/")  # relative: right under any prefix (tests/couchapp/test_site_prefixes.py)
    assert urljoin(rewrite_url(captured_db, path), location) == rewrite_url(captured_db, target)
    assert requests.get(rewrite_url(captured_db, target), timeout=120).status_code == 200


@pytest.mark.parametrize("path", ["pypi/no-such-project/json", "pypi/requests/0.0.0.0.1/json",
                                  "pypi/no-such-project/1.0/json"])
def test_unknown_is_404_json(captured_db: Database, path: str) -> None:
    response = get(captured_db, path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"message": "Not Found"}
