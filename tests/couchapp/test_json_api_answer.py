"""`/pypi/<name>/json` served from the answer the importer stored (json_api.py, view
json_api_answer, list pypi_project_answer), against the same answer built from the project
and release documents (`/pypi/<name>/json/from-documents`, the list every request ran before)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload
from pypioncouch.json_api import answer_documents, head_id
from pypioncouch.node import install_guard
from served_data import HOSTILE_NAMES, captured_db, captures, drop, get, odd_db, small_payload, write  # noqa: F401
from tests.conftest import rewrite_url

def without_answer(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [doc for doc in docs if not doc["type"].startswith("json_api")]


def assert_same_answer(db: Database, name: str) -> requests.Response:
    stored, built = get(db, f"pypi/{name}/json"), get(db, f"pypi/{name}/json/from-documents")
    assert (stored.status_code, built.status_code) == (200, 200)
    assert stored.content == built.content
    for header in ("Content-Type", "Vary", "X-PyPI-Last-Serial"):
        assert stored.headers[header] == built.headers[header], header
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
    files = json.loads(get(odd_db, "pypi/many-files/json").content)["releases"]
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

def assert_sent_to_built_answer(db: Database, name: str, payload: dict[str, Any]) -> None:
    response = get(db, f"pypi/{name}/json")
    assert response.status_code == 307
    assert urljoin(rewrite_url(db, f"pypi/{name}/json"), response.headers["Location"]) == \
        rewrite_url(db, f"pypi/{name}/json/from-documents")
    followed = requests.get(rewrite_url(db, f"pypi/{name}/json"), timeout=60)
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
