"""What the Simple API serves from the upstream's page entries kept by the importer, and what it
says without them: never a metadata file the upstream's page did not name."""

from __future__ import annotations

import copy
from typing import Any, Iterator

import pytest

from pypioncouch.couch import Database
from pypioncouch.distfiles import mirror_url
from served_data import PIP_ACCEPT, drop, get, write_projects  # noqa: F401
from tests.conftest import new_database, push_app
from tests.couchapp.test_simple_api import parse_anchors
from tests.test_documents_simple import emulated


def renamed(payload: dict[str, Any], page: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    payload, page = copy.deepcopy(payload), copy.deepcopy(page)
    payload["info"]["name"] = name
    page["name"] = name
    return payload, page


@pytest.fixture(scope="module")
def entries_db(couch_server: Any) -> Iterator[Database]:
    payload, page = emulated()
    projects = []
    projects.append(renamed(payload, page, "from-page"))
    projects.append((renamed(payload, page, "json-only")[0], None))  # an upstream with no Simple page
    odd_payload, odd_page = renamed(payload, page, "odd-entries")
    odd_page["files"].pop(0)  # a file the upstream's page does not list
    odd_page["files"][0]["core-metadata"] = True  # PEP 714: there is one, hash not given
    odd_page["files"][0]["x-future-key"] = {"kept": 1}
    odd_page["files"][1]["provenance"] = 'https://pypi.example/integrity/"quoted"/provenance'
    odd_page["project-status"] = {"status": "deprecated", "reason": "use <other> & more"}
    projects.append((odd_payload, odd_page))
    mirrored_payload, mirrored_page = renamed(payload, page, "mirrored")
    for files in mirrored_payload["releases"].values():
        for file in files:
            file["mirror_url"] = mirror_url("mirrored", file["filename"])
    projects.append((mirrored_payload, mirrored_page))
    db = push_app(new_database(couch_server.url, prefix="entries"))
    write_projects(db, projects)
    yield db
    drop(db)


def files_of(db: Database, name: str) -> dict[str, dict[str, Any]]:
    return {f["filename"]: f for f in get(db, f"simple/{name}/", PIP_ACCEPT).json()["files"]}


def test_entries_are_the_upstream_page(entries_db: Database) -> None:
    _, page = emulated()
    served = files_of(entries_db, "from-page")
    for entry in page["files"]:
        mine = served[entry["filename"]]
        for key in ("url", "hashes", "requires-python", "size", "upload-time", "yanked", "core-metadata", "provenance"):
            assert mine[key] == entry[key], key


def test_without_a_page_no_metadata_file_is_advertised(entries_db: Database) -> None:
    """The JSON API says the wheels have one; only a page can say where, so none is named."""
    payload, _ = emulated()
    assert any(f.get("core-metadata") for files in payload["releases"].values() for f in files)
    served = files_of(entries_db, "json-only")
    assert served and all(f["core-metadata"] is False and f["data-dist-info-metadata"] is False for f in served.values())
    assert all(f["provenance"] is None for f in served.values())
    html = get(entries_db, "simple/json-only/", "text/html").text
    assert "data-core-metadata" not in html


def test_a_file_missing_from_the_page_is_not_served_and_odd_entries_are_kept(entries_db: Database) -> None:
    _, page = emulated()
    served = files_of(entries_db, "odd-entries")
    assert page["files"][0]["filename"] not in served and len(served) == len(page["files"]) - 1
    first = served[page["files"][1]["filename"]]
    assert first["core-metadata"] is True and first["x-future-key"] == {"kept": 1}
    anchors = {a["text"]: a["attrs"] for a in parse_anchors(get(entries_db, "simple/odd-entries/", "text/html").text).anchors}
    assert anchors[page["files"][1]["filename"]]["data-core-metadata"] == "true"
    assert anchors[page["files"][2]["filename"]]["data-provenance"] == 'https://pypi.example/integrity/"quoted"/provenance'


def test_project_status_with_a_reason_in_both_forms(entries_db: Database) -> None:
    page = get(entries_db, "simple/odd-entries/", PIP_ACCEPT).json()
    assert page["project-status"] == {"status": "deprecated", "reason": "use <other> & more"}
    html = get(entries_db, "simple/odd-entries/", "text/html").text
    assert '<meta name="pypi:project-status" content="deprecated">' in html
    assert '<meta name="pypi:project-status-reason" content="use &lt;other&gt; &amp; more">' in html
    assert parse_anchors(html).meta["pypi:project-status-reason"] == "use <other> & more"


def test_an_offline_copy_links_itself_with_its_metadata_when_both_sides_named_one(entries_db: Database) -> None:
    _, page = emulated()
    served = files_of(entries_db, "mirrored")
    for entry in page["files"]:
        mine = served[entry["filename"]]
        assert mine["url"].startswith("../../files/mirrored%3Adist%3A")
        assert mine["core-metadata"] == entry["core-metadata"]  # the page and the JSON API name one: stored
