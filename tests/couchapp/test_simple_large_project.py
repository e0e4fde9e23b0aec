"""A project with 50,000 files is served whole, from documents whose bodies stay under 8 MB each:
its Simple page is an attachment the list redirects to (docs/schema.md, ``simple_attachment``).
How fast is for the benchmarks (docs/benchmarks.md), not for a test on a shared machine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import hostile_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from served_data import PIP_ACCEPT, drop, get, served_page
from tests.conftest import new_database, push_app

FILES = 50_000
MAX_DOCUMENT_SIZE = 8_000_000  # CouchDB's default max_document_size (a body's: attachments apart)


@pytest.fixture(scope="module")
def many_files_payload() -> dict[str, Any]:
    project = hostile_dataset(many_files=FILES, description_bytes=100).get("many-files")
    payload = json_api_project(project, UrlPolicy("http://files.example"))
    assert payload is not None
    return payload


def body(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key != "_attachments"}


@pytest.fixture(scope="module")
def many_files_db(couch_server: Any, many_files_payload: dict) -> Any:
    db = new_database(couch_server.url, prefix="served")
    push_app(db)
    docs = build_project_documents(many_files_payload).all()
    assert max(len(json.dumps(body(doc)).encode()) for doc in docs) < MAX_DOCUMENT_SIZE
    for start in range(0, len(docs), 200):
        db.bulk_docs(docs[start:start + 200])
    get(db, "simple/many-files/", PIP_ACCEPT)  # builds the view
    yield db
    drop(db)


@pytest.mark.slow
def test_fifty_thousand_files_as_json(many_files_db: Database, many_files_payload: dict) -> None:
    answer, response = served_page(many_files_db, "many-files", PIP_ACCEPT)
    assert (answer.status_code, response.status_code) == (307, 200)
    names = [f["filename"] for f in response.json()["files"]]
    expected = sorted(f["filename"] for files in many_files_payload["releases"].values() for f in files)
    assert len(expected) == FILES
    assert names == expected


@pytest.mark.slow
def test_fifty_thousand_files_as_html(many_files_db: Database) -> None:
    answer, response = served_page(many_files_db, "many-files", "text/html")
    assert (answer.status_code, response.status_code) == (307, 200)
    assert response.text.count("<a href=") == FILES
