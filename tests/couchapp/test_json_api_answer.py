"""`/pypi/<name>/json` served from the answer the importer stored (json_api.py, view
json_api_answer, list pypi_project_answer), against the same answer built from the project
and release documents (`/pypi/<name>/json/from-documents`, the list every request ran before)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload
from pypioncouch.json_api import answer_documents, head_id
from pypioncouch.node import install_guard
from served_data import HOSTILE_NAMES, captured_db, captures, drop, get, odd_db, small_payload, write  # noqa: F401
from tests.conftest import rewrite_url

def without_answer(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [doc for doc in docs if not doc["type"].startswith("json_api")]


IDENTITY = {"Accept-Encoding": "identity"}


def vary(response: requests.Response) -> set[str]:
    return {token.strip().lower() for token in response.headers.get("Vary", "").split(",") if token.strip()}


def assert_same_answer(db: Database, name: str) -> requests.Response:
    """The stored answer as a client that takes no gzip gets it, and as one that does (a long
    answer by a 307 to its gzipped copy): the built answer's bytes and headers either way."""
    stored, built = get(db, f"pypi/{name}/json", headers=IDENTITY), get(db, f"pypi/{name}/json/from-documents")
    assert (stored.status_code, built.status_code) == (200, 200)
    assert stored.content == built.content
    for header in ("Content-Type", "X-PyPI-Last-Serial"):
        assert stored.headers[header] == built.headers[header], header
    gzipped = "gzip" in (db.get(head_id(name)) or {})
    assert vary(built) <= vary(stored) and ("accept-encoding" in vary(stored)) >= gzipped
    followed = requests.get(rewrite_url(db, f"pypi/{name}/json"), headers={"Accept-Encoding": "gzip"}, timeout=120)
    assert (followed.status_code, followed.content) == (200, built.content)
    assert [r.status_code for r in followed.history] == ([307] if gzipped else [])
    if gzipped:  # (PouchDB Server's own compression gzips a short answer too)
        assert followed.headers["Content-Encoding"] == "gzip"
    assert all(r.headers["X-PyPI-Last-Serial"] == built.headers["X-PyPI-Last-Serial"]
               for r in [*followed.history, followed])
    return stored


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_stored_answer_is_byte_for_byte_the_built_one(captured_db: Database, name: str) -> None:
    assert_same_answer(captured_db, name)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_stored_answer_of_odd_projects_is_byte_for_byte_the_built_one(odd_db: Database, name: str) -> None:
    assert_same_answer(odd_db, name)


def test_many_files_come_in_several_pieces(odd_db: Database) -> None:
    head = odd_db.get(head_id("many-files"))
    assert len(head["pieces"]) >= 3
    files = json.loads(get(odd_db, "pypi/many-files/json", headers=IDENTITY).content)["releases"]
    assert sum(len(f) for f in files.values()) == 6_000


def test_integer_like_versions_keep_version_order(odd_db: Database) -> None:
    """Same content as the built answer; the built one lists `"1"`, `"2"`, `"10"` first, as
    JavaScript orders integer-like keys, the stored one keeps version order (the document's)."""
    stored, built = get(odd_db, "pypi/numbers/json"), get(odd_db, "pypi/numbers/json/from-documents")
    assert stored.json() == built.json()
    assert list(stored.json()["releases"]) == ["0.9", "1", "1.5", "2", "10"]


@pytest.mark.parametrize("name, serial", [("100", 100), ("1e2", 1002)])
def test_names_that_parse_to_one_number_stay_apart(odd_db: Database, name: str, serial: int) -> None:
    response = get(odd_db, f"pypi/{name}/json")
    assert response.status_code == 200
    assert response.json()["info"]["name"] == name and response.json()["last_serial"] == serial
    assert response.headers["X-PyPI-Last-Serial"] == str(serial)


def test_from_documents_redirects_a_non_normalized_name(odd_db: Database) -> None:
    response = get(odd_db, "pypi/Many_Files/json/from-documents")
    assert response.status_code == 301
    target = urljoin(rewrite_url(odd_db, "pypi/Many_Files/json/from-documents"), response.headers["Location"])
    assert target == rewrite_url(odd_db, "pypi/many-files/json/from-documents")


# ---- no complete stored answer: the reader is sent to the built one ---------------------------

def assert_sent_to_built_answer(db: Database, name: str, payload: dict[str, Any],
                               headers: dict[str, str] = IDENTITY) -> None:
    response = get(db, f"pypi/{name}/json", headers=headers)
    while response.status_code == 307 and "/gzip/" in response.headers["Location"]:  # then the gzipped copy's URL
        response = requests.get(urljoin(response.url, response.headers["Location"]), headers=headers,
                                allow_redirects=False, timeout=60)
    assert response.status_code == 307
    assert urljoin(response.url, response.headers["Location"]) == rewrite_url(db, f"pypi/{name}/json/from-documents")
    followed = requests.get(rewrite_url(db, f"pypi/{name}/json"), headers=headers, timeout=60)
    assert followed.status_code == 200
    assert followed.json()["last_serial"] == payload["last_serial"]
    assert set(followed.json()["releases"]) == set(payload["releases"])


def test_database_written_before_answers_were_stored(app_db: Database) -> None:
    payload = captured_payload("requests")
    write(app_db, without_answer(build_project_documents(payload).all()))
    assert_sent_to_built_answer(app_db, "requests", payload)


def test_head_naming_a_piece_not_written_yet(app_db: Database) -> None:
    payload = captured_payload("markupsafe")
    docs = build_project_documents(payload)
    releases = without_answer(docs.releases)
    answer = answer_documents(docs.project, releases, limit=100_000)
    assert len(answer) > 3
    write(app_db, [docs.project, *releases, *answer[1:]])  # every piece but the first, and the head
    assert_sent_to_built_answer(app_db, "markupsafe", payload)


def test_pieces_of_an_older_answer_are_not_served(app_db: Database) -> None:
    old, new = small_payload("moving", ["1.0", "1.1"], serial=5), small_payload("moving", ["1.0", "1.1", "2.0"], serial=9)
    old_docs, new_docs = build_project_documents(old), build_project_documents(new)
    old_answer = answer_documents(old_docs.project, without_answer(old_docs.releases), limit=300)
    write(app_db, [old_docs.project, *without_answer(old_docs.releases), *old_answer])
    assert get(app_db, "pypi/moving/json").json()["last_serial"] == 5
    new_answer = answer_documents(new_docs.project, without_answer(new_docs.releases), limit=300)
    updated = [*without_answer(new_docs.releases), *new_answer, new_docs.project]
    current = app_db.fetch([doc["_id"] for doc in updated])
    updated = [dict(doc, _rev=current[doc["_id"]]["_rev"]) if doc["_id"] in current else doc for doc in updated]
    write(app_db, updated)  # the old pieces stay (the importer deletes them after the new head)
    assert {d["_id"] for d in old_answer[:-1]} - {d["_id"] for d in new_answer}
    response = get(app_db, "pypi/moving/json")
    assert response.status_code == 200
    assert response.json() == json.loads(get(app_db, "pypi/moving/json/from-documents").content)
    assert response.json()["last_serial"] == 9 and "2.0" in response.json()["releases"]


def test_unknown_project_is_404_json(app_db: Database) -> None:
    response = get(app_db, "pypi/nothing-here/json")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_quarantined_project_is_404_on_every_json_url(app_db: Database) -> None:
    """PEP 792: pypi.org's JSON API answers 404 for a quarantined project; what is stored stays."""
    payload = small_payload("held", ["1.0", "2.0"])
    docs = build_project_documents(payload)
    docs.project["project_status"] = {"status": "quarantined", "reason": "malware report"}
    write(app_db, docs.all())
    for path in ("pypi/held/json", "pypi/held/json/from-documents", "pypi/held/2.0/json"):
        response = get(app_db, path)
        assert (response.status_code, response.json()) == (404, {"message": "Not Found"}), path
    assert app_db.get(head_id("held")) is not None


# ---- the guard ---------------------------------------------------------------------------------

def test_guard_takes_answers_and_refuses_misnamed_pieces(app_db: Database) -> None:
    install_guard(app_db)
    docs = build_project_documents(captured_payload("orjson"))
    answer = [doc for doc in docs.releases if doc["type"].startswith("json_api")]
    assert len(answer) > 1
    write(app_db, answer)
    piece = dict(answer[0], _id="orjson//json/not-a-digest")
    result = app_db.bulk_docs([piece, dict(answer[0], _id="other//json/" + "0" * 16)])
    assert [r.get("error") for r in result] == ["forbidden", "forbidden"]
    assert "project//json/" in result[0]["reason"]


# ---- a long answer's gzipped copy ---------------------------------------------------------------

@pytest.mark.parametrize("accept_encoding, gzipped", [
    ("gzip, deflate", True), ("br;q=1.0, gzip;q=0.8, *;q=0.1", True), ("x-gzip", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("deflate, *;q=0", False), (None, False), ("", False),
])
def test_only_a_client_that_takes_gzip_is_sent_to_the_gzipped_copy(captured_db: Database, accept_encoding: str | None,
                                                                    gzipped: bool) -> None:
    serial = str(captured_payload("orjson")["last_serial"])
    if accept_encoding is None:  # no Accept-Encoding at all (requests would send `identity`)
        status, headers, body = get_without_accept_encoding(rewrite_url(captured_db, "pypi/orjson/json"))
        assert (status, headers["X-PyPI-Last-Serial"], json.loads(body)["info"]["name"]) == (200, serial, "orjson")
        assert "accept-encoding" in headers["Vary"].lower() and "Content-Encoding" not in headers
        return
    response = get(captured_db, "pypi/orjson/json", headers={"Accept-Encoding": accept_encoding})
    assert response.headers["X-PyPI-Last-Serial"] == serial
    assert "accept-encoding" in vary(response)
    if not gzipped:
        assert response.status_code == 200 and response.json()["info"]["name"] == "orjson"
        return
    assert (response.status_code, response.headers["Location"]) == (307, f"json/gzip/orjson:json:gzip?serial={serial}")
    copy = requests.get(urljoin(response.url, response.headers["Location"]), headers={"Accept-Encoding": "gzip"},
                        allow_redirects=False, timeout=60)
    assert copy.status_code == 200 and copy.headers["Content-Encoding"] == "gzip"
    assert (copy.headers["X-PyPI-Last-Serial"], copy.headers["Cache-Control"]) == (serial, "private")
    assert copy.headers["Access-Control-Allow-Origin"] == "*"
    assert copy.content == get(captured_db, "pypi/orjson/json/from-documents").content


def get_without_accept_encoding(url: str) -> tuple[int, CaseInsensitiveDict[str], bytes]:
    """A GET with no Accept-Encoding header, which http.client otherwise adds."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.putrequest("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path,
                              skip_accept_encoding=True)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, CaseInsensitiveDict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_a_gzipped_copy_revalidates(captured_db: Database) -> None:
    url = rewrite_url(captured_db, f"pypi/orjson/json/gzip/orjson:json:gzip?serial={captured_payload('orjson')['last_serial']}")
    first = requests.get(url, timeout=60)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
    assert (again.status_code, again.content) == (304, b"")


def test_head_naming_a_gzipped_copy_not_written_yet(app_db: Database) -> None:
    payload = captured_payload("orjson")
    write(app_db, [doc for doc in build_project_documents(payload).all() if doc["type"] != "json_api_gzip"])
    assert_sent_to_built_answer(app_db, "orjson", payload, headers={"Accept-Encoding": "gzip"})


def test_another_projects_gzipped_copy_is_not_served_under_this_name(captured_db: Database) -> None:
    response = get(captured_db, "pypi/requests/json/gzip/orjson:json:gzip")
    assert response.status_code == 307
    assert urljoin(response.url, response.headers["Location"]) == rewrite_url(captured_db, "pypi/requests/json/from-documents")


def test_guard_refuses_a_misnamed_gzipped_copy(app_db: Database) -> None:
    install_guard(app_db)
    compressed = next(doc for doc in build_project_documents(captured_payload("orjson")).releases
                      if doc["type"] == "json_api_gzip")
    misnamed = [app_db.bulk_docs([dict(compressed, _id=doc_id)])[0] for doc_id in ("orjson//json/gzip", "orjson:json:gzip2")]
    assert all(r.get("error") == "forbidden" and "(project:json:gzip)" in r["reason"] for r in misnamed), misnamed
    empty = app_db.bulk_docs([{key: value for key, value in compressed.items() if key != "base64"}])[0]
    assert empty.get("error") == "forbidden" and '"base64"' in empty["reason"]
    assert app_db.bulk_docs([compressed])[0].get("ok")


def test_a_copy_older_than_the_head_is_not_served(app_db: Database) -> None:
    """One document, overwritten: a sharded database or a replication can show the head's new
    revision before the copy's. The show sends on a copy whose serial is not the one the head named."""
    payload = captured_payload("orjson")
    docs = build_project_documents(payload).all()
    write(app_db, [dict(doc, last_serial=1) if doc["type"] == "json_api_gzip" else doc for doc in docs])
    assert_sent_to_built_answer(app_db, "orjson", payload, headers={"Accept-Encoding": "gzip"})

