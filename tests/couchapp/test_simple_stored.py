"""`/simple/<name>/` served from the page the importer stored (simple_pages.py, view
simple_page, list simple_project_page, lib/simple_stored.js), against the same page built per
request from the release documents (`/simple-from-documents/<name>/`, what every request ran
before): byte for byte, both renderings, on both servers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload
from pypioncouch.node import install_guard
from pypioncouch.simple_pages import attachment_document, head_id, page_documents
from served_data import (BROWSER_ACCEPT, HOSTILE_NAMES, PIP_ACCEPT, SIMPLE_HTML, SIMPLE_JSON,  # noqa: F401
                         captured_db, captures, drop, get, odd_db, served_page, small_payload, write)
from tests.conftest import rewrite_url

ACCEPTS = {"pip": PIP_ACCEPT, "browser": BROWSER_ACCEPT, "none": None, "html": SIMPLE_HTML, "json": SIMPLE_JSON}


def without_page(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [doc for doc in docs if not doc["type"].startswith("simple_")]


def assert_same_page(db: Database, name: str, accept: str | None) -> requests.Response:
    (answer, stored), built = served_page(db, name, accept), get(db, f"simple-from-documents/{name}/", accept)
    assert (stored.status_code, built.status_code) == (200, 200)
    assert stored.content == built.content
    assert stored.headers["Content-Type"] == built.headers["Content-Type"]
    for header in ("Vary", "X-PyPI-Last-Serial", "Access-Control-Allow-Origin"):
        assert answer.headers.get(header) == built.headers.get(header), header
    return stored


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_stored_page_is_byte_for_byte_the_built_one(captured_db: Database, name: str, accept: str) -> None:
    assert_same_page(captured_db, name, ACCEPTS[accept])


@pytest.mark.parametrize("accept", ["pip", "browser"])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_stored_page_of_odd_projects_is_byte_for_byte_the_built_one(odd_db: Database, name: str, accept: str) -> None:
    assert_same_page(odd_db, name, ACCEPTS[accept])


def test_a_long_page_is_sent_to_its_attachments(odd_db: Database) -> None:
    head = odd_db.get(head_id("many-files"))
    assert set(head["json"]) == set(head["html"]) == {"attachment", "bytes"}
    answer, page = served_page(odd_db, "many-files", PIP_ACCEPT)
    assert answer.status_code == 307 and answer.headers["Location"] == \
        "../../files/" + quote(head["json"]["attachment"], safe="") + "/index.json"
    assert answer.headers["X-PyPI-Last-Serial"] == str(head["last_serial"])
    assert len(page.json()["files"]) == 6_000 and len(page.content) == head["json"]["bytes"]
    assert page.headers["Content-Type"] == SIMPLE_JSON
    again = requests.get(page.url, headers={"If-None-Match": page.headers["ETag"]}, timeout=60)
    assert (again.status_code, again.content) == (304, b"")  # the server's own validator for its attachment
    answer, page = served_page(odd_db, "many-files", BROWSER_ACCEPT)
    assert answer.headers["Location"].endswith("/index.html") and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.content.count(b"<a ") == 6_000
    url = rewrite_url(odd_db, "simple/many-files/")
    head = requests.head(url, headers={"Accept": PIP_ACCEPT}, allow_redirects=True, timeout=60)
    assert (head.status_code, head.headers["Content-Type"], head.content) == (200, SIMPLE_JSON, b"")
    chosen = get(odd_db, "simple/many-files/?format=" + quote(SIMPLE_JSON), BROWSER_ACCEPT)
    assert chosen.status_code == 307 and chosen.headers["Location"].endswith("/index.json")
    v1_html = get(odd_db, "simple/many-files/", SIMPLE_HTML)  # only the renderings' own types are stored
    assert v1_html.status_code == 307 and v1_html.headers["Location"] == "../../simple-from-documents/many-files/"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_an_attachment_not_there_yet_sends_to_the_built_page(app_db: Database) -> None:
    docs = build_project_documents(captured_payload("markupsafe"))
    releases = without_page(docs.releases)
    page = page_documents(docs.project, releases, attach_over=10_000)
    assert [doc["type"] for doc in page] == ["simple_attachment", "simple_attachment", "simple_page"]
    write(app_db, [docs.project, *releases, page[1], page[2]])  # the head, and the HTML rendering's attachment
    assert_sent_to_built_page(app_db, "markupsafe")
    assert served_page(app_db, "markupsafe", BROWSER_ACCEPT)[1].headers["Content-Type"] == "text/html; charset=utf-8"


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


def test_etag_from_the_head_and_a_304_that_reads_no_piece(app_db: Database) -> None:
    docs = build_project_documents(captured_payload("markupsafe"))
    releases = without_page(docs.releases)
    page = page_documents(docs.project, releases, limit=20_000)
    assert {doc["type"] for doc in page[:-1]} == {"simple_piece"}
    write(app_db, [docs.project, *releases, *page])
    first = get(app_db, "simple/markupsafe/", PIP_ACCEPT)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"v-')  # from the head's revision, not a hash of the body
    again = get(app_db, "simple/markupsafe/", PIP_ACCEPT)
    assert again.headers["ETag"] == etag
    response = requests.get(rewrite_url(app_db, "simple/markupsafe/"),
                            headers={"Accept": PIP_ACCEPT, "If-None-Match": etag}, timeout=60)
    assert (response.status_code, response.content) == (304, b"")
    assert response.headers.get("Content-Type") in (None, SIMPLE_JSON)  # PouchDB Server's Express drops it
    html = get(app_db, "simple/markupsafe/", BROWSER_ACCEPT)
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
    stored = page_documents(docs.project, without_page(docs.releases), limit=5_000, attach_over=10**9)
    assert len(stored) > 1 and stored[0]["type"] == "simple_piece"
    write(app_db, stored)
    result = app_db.bulk_docs([dict(stored[0], _id="orjson//simple/not-a-digest"),
                               dict(stored[0], _id="other//simple/" + "0" * 16),
                               dict(stored[-1], _id="orjson//simple2")])
    assert [r.get("error") for r in result] == ["forbidden", "forbidden", "forbidden"]
    assert "project//simple/" in result[0]["reason"]
    docs = build_project_documents(captured_payload("markupsafe"))
    attached = page_documents(docs.project, without_page(docs.releases), attach_over=1_000)
    assert [r.get("ok") for r in app_db.bulk_docs(attached)] == [True, True, True]
    result = app_db.bulk_docs([dict(attached[0], _id=attached[0]["_id"].replace(".json", ".html")),
                               dict(attached[0], _id=attached[0]["_id"][:-8] + "0" * 3 + ".json"),
                               dict(attached[0], _id="markupsafe:simple:" + "z" * 16 + ".json", sha256="z" * 64),
                               {k: v for k, v in attachment_document("markupsafe", "json", "{}").items()
                                if k != "_attachments"}])
    assert [r.get("error") for r in result] == ["forbidden", "forbidden", "forbidden", "forbidden"]
    assert "project:simple:<first 16 hex digits of sha256>.<json|html>, with its attachment" in result[0]["reason"]
