"""The Simple API pages (`/simple/`, `/simple/<name>/`) against the upstream's own answers.

The captured projects were captured behind a proxy of pypi.org: its Simple pages (API 1.1)
name no core metadata files, though its JSON API does, and it serves none. What pip gets from
the node is what that page says, in API 1.4."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest

from pypioncouch.couch import Database
from pypioncouch.emulator import CAPTURED_PROJECTS
from pypioncouch.simple_index import refresh_simple_index
from tests.conftest import rewrite_url
from served_data import PIP_ACCEPT, SIMPLE_JSON, app_database, captured_db, captures, drop, get, served_page  # noqa: F401

# Captured upstream pages, so any difference is ours.
COMPARED_KEYS = ("filename", "url", "hashes", "requires-python", "size", "upload-time", "yanked")


class Anchors(HTMLParser):
    """Every <a> of a page: its attributes (unescaped by the parser) and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, Any]] = []
        self.meta: dict[str, str] = {}
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._current = {"attrs": dict(attrs), "text": ""}
            self.anchors.append(self._current)
        elif tag == "meta":
            values = dict(attrs)
            self.meta[str(values.get("name"))] = str(values.get("content"))

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._current = None


def parse_anchors(html: str) -> Anchors:
    parser = Anchors()
    parser.feed(html)
    return parser


def json_api_files(capture: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["filename"]: f for files in capture["json_api"]["releases"].values() for f in files}


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_project_page_json_equals_pypi(captured_db: Database, captures: dict, name: str) -> None:
    answer, response = served_page(captured_db, name, PIP_ACCEPT)  # a long page: 307 to its attachment
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SIMPLE_JSON
    ours, upstream = response.json(), captures[name]["simple"]
    assert ours["meta"] == {"api-version": "1.4", "_last-serial": int(upstream["meta"]["_last-serial"])}
    assert answer.headers["X-PyPI-Last-Serial"] == upstream["meta"]["_last-serial"]
    assert ours["name"] == upstream["name"]
    assert ours["versions"] == upstream["versions"]
    assert ours["project-status"] == {"status": "active"}
    assert [f["filename"] for f in ours["files"]] == [f["filename"] for f in upstream["files"]]
    for mine, theirs in zip(ours["files"], upstream["files"]):
        # The URL is the page's (absolute), not the JSON API's (relative in some captures).
        assert {k: mine[k] for k in COMPARED_KEYS} == {k: theirs[k] for k in COMPARED_KEYS}
        # The JSON API names metadata files for wheels; the page does not, and the index has none.
        assert mine["core-metadata"] is False and mine["data-dist-info-metadata"] is False
        assert mine["provenance"] is None


@pytest.mark.parametrize("name", ["markupsafe", "requests", "tqdm"])
def test_project_page_html_links_every_file(captured_db: Database, captures: dict, name: str) -> None:
    response = served_page(captured_db, name, "text/html")[1]
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = parse_anchors(response.text)
    assert page.meta["pypi:repository-version"] == "1.4"
    assert page.meta["pypi:project-status"] == "active"
    upstream = {f["filename"]: f for f in captures[name]["simple"]["files"]}
    assert sorted(a["text"] for a in page.anchors) == sorted(upstream)
    for anchor in page.anchors:
        file, attrs = upstream[anchor["text"]], anchor["attrs"]
        assert attrs["href"] == f"{file['url']}#sha256={file['hashes']['sha256']}"
        assert attrs.get("data-requires-python") == (file["requires-python"] or None)
        assert "data-core-metadata" not in attrs and "data-dist-info-metadata" not in attrs
        assert "data-provenance" not in attrs


def test_requires_python_is_escaped_and_round_trips(captured_db: Database) -> None:
    html = get(captured_db, "simple/requests/", "text/html").text
    assert 'data-requires-python="&gt;=3.' in html  # `>=3.x`, escaped, as PEP 503 asks
    assert 'data-requires-python=">' not in html


def project_payload(name: str, releases: dict[str, list[dict[str, Any]]], serial: int = 7) -> dict[str, Any]:
    """A JSON API payload with only what the documents need (tests of cases no capture has)."""
    latest = list(releases)[-1]
    info = {"name": name, "version": latest, "summary": "s", "description": "", "requires_python": None,
            "project_url": f"https://pypi.org/project/{name}/", "yanked": False, "yanked_reason": None}
    return {"info": info, "last_serial": serial, "releases": releases, "urls": releases[latest],
            "vulnerabilities": [], "ownership": {"organization": None, "roles": []}}


def file_object(filename: str, *, yanked: bool = False, reason: str | None = None,
                requires_python: str | None = None, core: Any = False) -> dict[str, Any]:
    digest = (filename.encode().hex() * 64)[:64]
    return {"filename": filename, "url": f"https://files.example/{filename}", "digests": {"sha256": digest},
            "requires_python": requires_python, "size": 10, "upload_time_iso_8601": "2024-01-02T03:04:05.000006Z",
            "yanked": yanked, "yanked_reason": reason, "core-metadata": core, "packagetype": "sdist"}


@pytest.fixture(scope="module")
def odd_db(couch_server: Any) -> Any:
    payloads = [
        project_payload("Odd.Project", {
            "0.9": [],  # a release without files: listed in versions, no files
            "1.0": [file_object("odd-1.0.tar.gz", yanked=True, reason="broken <build>")],
            "1.1": [file_object("odd-1.1.tar.gz", yanked=True, reason=None)],
            "1.10": [file_object("odd-1.10.tar.gz", requires_python=">=3.8")],
        }),
        # Names and versions that PouchDB Server's rewriter would turn into JSON numbers.
        project_payload("0", {"1.0": [file_object("0-1.0.tar.gz")]}),
    ]
    db = app_database(couch_server.url, payloads)
    yield db
    drop(db)


def test_versions_include_releases_without_files(odd_db: Database) -> None:
    page = get(odd_db, "simple/odd-project/", PIP_ACCEPT).json()
    assert page["versions"] == ["0.9", "1.0", "1.1", "1.10"]
    assert sorted(f["filename"] for f in page["files"]) == ["odd-1.0.tar.gz", "odd-1.1.tar.gz", "odd-1.10.tar.gz"]


def test_yanked_files_carry_the_reason(odd_db: Database) -> None:
    files = {f["filename"]: f for f in get(odd_db, "simple/odd-project/", PIP_ACCEPT).json()["files"]}
    assert files["odd-1.0.tar.gz"]["yanked"] == "broken <build>"
    assert files["odd-1.1.tar.gz"]["yanked"] is True
    assert files["odd-1.10.tar.gz"]["yanked"] is False
    anchors = {a["text"]: a["attrs"] for a in parse_anchors(get(odd_db, "simple/odd-project/", "text/html").text).anchors}
    assert anchors["odd-1.0.tar.gz"]["data-yanked"] == "broken <build>"
    assert anchors["odd-1.1.tar.gz"]["data-yanked"] == ""
    assert "data-yanked" not in anchors["odd-1.10.tar.gz"]


def test_name_that_parses_as_json_is_served(odd_db: Database) -> None:
    response = get(odd_db, "simple/0/", PIP_ACCEPT)
    assert response.status_code == 200
    assert [f["filename"] for f in response.json()["files"]] == ["0-1.0.tar.gz"]


@pytest.mark.parametrize("path, target", [
    ("simple/Odd.Project/", "simple/odd-project/"),
    ("simple/ODD__project/?format=json", "simple/odd-project/?format=json"),
])
def test_non_normalized_name_redirects(odd_db: Database, path: str, target: str) -> None:
    response = get(odd_db, path, PIP_ACCEPT)
    assert response.status_code == 301
    location = response.headers["Location"]
    assert not location.startswith("/")  # relative: right under any prefix (tests/couchapp/test_site_prefixes.py)
    assert urljoin(rewrite_url(odd_db, path), location) == rewrite_url(odd_db, target)
    followed = get(odd_db, target, PIP_ACCEPT)
    assert followed.status_code == 200


def test_unknown_project_is_404(odd_db: Database) -> None:
    response = get(odd_db, "simple/no-such-project/", PIP_ACCEPT)
    assert response.status_code == 404
    assert response.headers["Vary"].startswith("Accept")


@pytest.mark.parametrize("path", ["simple/", "simple/index/from-projects/"])
def test_index_lists_every_project(captured_db: Database, captures: dict, path: str) -> None:
    refresh_simple_index(captured_db)  # as the importer does after a run (pypioncouch.simple_index)
    page = get(captured_db, path, SIMPLE_JSON).json()
    expected = {c["json_api"]["info"]["name"]: c["json_api"]["last_serial"] for c in captures.values()}
    assert {p["name"]: p["_last-serial"] for p in page["projects"]} == expected
    assert page["meta"] == {"api-version": "1.4", "_last-serial": max(expected.values())}
    html = parse_anchors(get(captured_db, path, "text/html").text)
    assert {a["attrs"]["href"] for a in html.anchors} == {f"{name}/" for name in CAPTURED_PROJECTS}


def test_index_serial_comes_from_the_sync_state(odd_db: Database) -> None:
    odd_db.put({"_id": "pypioncouch:state", "type": "state", "last_serial": 123456789})
    try:
        assert get(odd_db, "simple/index/from-projects/", SIMPLE_JSON).json()["meta"]["_last-serial"] == 123456789
        refresh_simple_index(odd_db)  # the pieces' serial is the one they were rendered at
        assert get(odd_db, "simple/", SIMPLE_JSON).json()["meta"]["_last-serial"] == 123456789
    finally:
        odd_db.request("DELETE", odd_db.doc_url("pypioncouch:state"), what="delete state",
                       params={"rev": odd_db.get("pypioncouch:state")["_rev"]})
