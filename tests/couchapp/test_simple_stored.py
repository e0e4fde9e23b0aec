"""`/simple/<name>/` served from the page the importer stored (simple_pages.py, view
simple_page, list simple_project_page, lib/simple_stored.js), against the same page built per
request from the release documents (`/simple-from-documents/<name>/`, what every request ran
before): byte for byte, both renderings, on both servers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload
from pypioncouch.node import install_guard
from pypioncouch.simple_pages import head_id, page_documents
from served_data import (BROWSER_ACCEPT, HOSTILE_NAMES, PIP_ACCEPT, SIMPLE_HTML, SIMPLE_JSON,  # noqa: F401
                         captured_db, captures, drop, get, odd_db, small_payload, write)
from tests.conftest import rewrite_url

ACCEPTS = {"pip": PIP_ACCEPT, "browser": BROWSER_ACCEPT, "none": None, "html": SIMPLE_HTML, "json": SIMPLE_JSON}


def without_page(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [doc for doc in docs if not doc["type"].startswith("simple_")]


def assert_same_page(db: Database, name: str, accept: str | None) -> requests.Response:
    stored, built = get(db, f"simple/{name}/", accept), get(db, f"simple-from-documents/{name}/", accept)
    assert (stored.status_code, built.status_code) == (200, 200)
    assert stored.content == built.content
    for header in ("Content-Type", "Vary", "X-PyPI-Last-Serial", "Access-Control-Allow-Origin"):
        assert stored.headers.get(header) == built.headers.get(header), header
    return stored


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_stored_page_is_byte_for_byte_the_built_one(captured_db: Database, name: str, accept: str) -> None:
    assert_same_page(captured_db, name, ACCEPTS[accept])


@pytest.mark.parametrize("accept", ["pip", "browser"])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_stored_page_of_odd_projects_is_byte_for_byte_the_built_one(odd_db: Database, name: str, accept: str) -> None:
    assert_same_page(odd_db, name, ACCEPTS[accept])


def test_many_files_come_in_several_pieces_of_each_rendering(odd_db: Database) -> None:
    head = odd_db.get(head_id("many-files"))
    assert len(head["json"]["pieces"]) >= 2 and len(head["html"]["pieces"]) >= 1  # and the head's text
    assert len(get(odd_db, "simple/many-files/", SIMPLE_JSON).json()["files"]) == 6_000


@pytest.mark.parametrize("name", ["100", "1e2", "numbers"])
def test_names_that_parse_to_one_number_stay_apart(odd_db: Database, name: str) -> None:
    response = assert_same_page(odd_db, name, SIMPLE_JSON)
    assert response.json()["name"] == name


def test_format_query_and_not_acceptable(captured_db: Database) -> None:
    name = CAPTURED_PROJECTS[0]
    assert get(captured_db, f"simple/{name}/?format={SIMPLE_JSON}", BROWSER_ACCEPT).headers["Content-Type"] == SIMPLE_JSON
    refused = get(captured_db, f"simple/{name}/?format=image/png")
    assert refused.status_code == 406
    assert refused.content == get(captured_db, f"simple-from-documents/{name}/?format=image/png").content


def test_non_normalized_name_and_unknown_project(captured_db: Database) -> None:
    name = CAPTURED_PROJECTS[0]
    moved = get(captured_db, f"simple/{name.upper()}/")
    assert moved.status_code == 301
    assert urljoin(rewrite_url(captured_db, f"simple/{name.upper()}/"), moved.headers["Location"]) == \
        rewrite_url(captured_db, f"simple/{name}/")
    missing = get(captured_db, "simple/nothing-here/")
    assert (missing.status_code, missing.content) == (404, b"Not Found\n")


def test_etag_from_the_head_and_a_304_that_reads_no_piece(odd_db: Database) -> None:
    first = get(odd_db, "simple/many-files/", PIP_ACCEPT)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"v-')  # from the head's revision, not a hash of 3 MB of body
    again = get(odd_db, "simple/many-files/", PIP_ACCEPT)
    assert again.headers["ETag"] == etag
    response = requests.get(rewrite_url(odd_db, "simple/many-files/"),
                            headers={"Accept": PIP_ACCEPT, "If-None-Match": etag}, timeout=60)
    assert (response.status_code, response.content) == (304, b"")
    assert response.headers.get("Content-Type") in (None, SIMPLE_JSON)  # PouchDB Server's Express drops it
    html = get(odd_db, "simple/many-files/", BROWSER_ACCEPT)
    assert html.headers["ETag"] != etag  # the HTML rendering is another answer


# ---- no stored page to trust: the reader is sent to the built one -------------------------------

def assert_sent_to_built_page(db: Database, name: str) -> requests.Response:
    response = get(db, f"simple/{name}/", PIP_ACCEPT)
    assert response.status_code == 307, response.content[:200]
    assert urljoin(rewrite_url(db, f"simple/{name}/"), response.headers["Location"]) == \
        rewrite_url(db, f"simple-from-documents/{name}/")
    followed = requests.get(rewrite_url(db, f"simple/{name}/"), headers={"Accept": PIP_ACCEPT}, timeout=60)
    assert followed.status_code == 200
    return followed


def test_database_written_before_pages_were_stored(app_db: Database) -> None:
    payload = captured_payload("requests")
    write(app_db, without_page(build_project_documents(payload).all()))
    followed = assert_sent_to_built_page(app_db, "requests")
    assert followed.json()["meta"]["_last-serial"] == payload["last_serial"]


def test_head_naming_a_piece_not_written_yet(app_db: Database) -> None:
    docs = build_project_documents(captured_payload("markupsafe"))
    releases = without_page(docs.releases)
    page = page_documents(docs.project, releases, limit=20_000)
    assert len(page) > 3
    write(app_db, [docs.project, *releases, *page[1:]])  # every piece but the first, and the head
    assert_sent_to_built_page(app_db, "markupsafe")


def test_head_of_another_serial_is_not_served(app_db: Database) -> None:
    old, new = small_payload("moving", ["1.0", "1.1"], serial=5), small_payload("moving", ["1.0", "1.1", "2.0"], serial=9)
    write(app_db, build_project_documents(old).all())
    assert get(app_db, "simple/moving/", PIP_ACCEPT).json()["meta"]["_last-serial"] == 5
    project = build_project_documents(new).project
    project["_rev"] = app_db.get("moving")["_rev"]
    write(app_db, [project])  # the project document moved on, its page not yet
    followed = assert_sent_to_built_page(app_db, "moving")
    assert followed.json()["meta"]["_last-serial"] == 9


def test_quarantined_project_is_served_the_built_page(app_db: Database) -> None:
    """PEP 792: a quarantined project lists no files; the stored page (written before) is not used."""
    docs = build_project_documents(small_payload("held", ["1.0", "2.0"]))
    docs.project["project_status"] = {"status": "quarantined", "reason": "malware report"}
    write(app_db, docs.all())
    followed = assert_sent_to_built_page(app_db, "held")
    assert followed.json()["files"] == [] and followed.json()["project-status"]["status"] == "quarantined"


def test_guard_takes_pages_and_refuses_misnamed_pieces(app_db: Database) -> None:
    install_guard(app_db)
    docs = build_project_documents(captured_payload("orjson"))
    stored = page_documents(docs.project, without_page(docs.releases), limit=5_000)
    assert len(stored) > 1
    write(app_db, stored)
    result = app_db.bulk_docs([dict(stored[0], _id="orjson//simple/not-a-digest"),
                               dict(stored[0], _id="other//simple/" + "0" * 16),
                               dict(stored[-1], _id="orjson//simple2")])
    assert [r.get("error") for r in result] == ["forbidden", "forbidden", "forbidden"]
    assert "project//simple/" in result[0]["reason"]
