"""A project with 50,000 files is served whole, quickly, from documents under 8 MB each."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import hostile_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from served_data import PIP_ACCEPT, drop, get
from tests.conftest import new_database, push_app

FILES = 50_000
MAX_DOCUMENT_SIZE = 8_000_000  # CouchDB's default max_document_size
# Measured ~0.5 s on the embedded server (docs/benchmarks.md); a generous bound that still
# catches a regression to per-file rows or a quadratic merge.
TIME_LIMIT = 15.0


@pytest.fixture(scope="module")
def many_files_payload() -> dict[str, Any]:
    project = hostile_dataset(many_files=FILES, description_bytes=100).get("many-files")
    payload = json_api_project(project, UrlPolicy("http://files.example"))
    assert payload is not None
    return payload


@pytest.fixture(scope="module")
def many_files_db(couch_server: Any, many_files_payload: dict) -> Any:
    db = new_database(couch_server.url, prefix="served")
    push_app(db)
    docs = build_project_documents(many_files_payload).all()
    assert max(len(json.dumps(doc).encode()) for doc in docs) < MAX_DOCUMENT_SIZE
    for start in range(0, len(docs), 200):
        db.bulk_docs(docs[start:start + 200])
    get(db, "simple/many-files/", PIP_ACCEPT)  # builds the view: not what is measured
    yield db
    drop(db)


@pytest.mark.slow
def test_fifty_thousand_files_as_json(many_files_db: Database, many_files_payload: dict) -> None:
    started = time.monotonic()
    response = get(many_files_db, "simple/many-files/", PIP_ACCEPT)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    names = [f["filename"] for f in response.json()["files"]]
    expected = sorted(f["filename"] for files in many_files_payload["releases"].values() for f in files)
    assert len(expected) == FILES
    assert names == expected
    assert elapsed < TIME_LIMIT


@pytest.mark.slow
def test_fifty_thousand_files_as_html(many_files_db: Database) -> None:
    started = time.monotonic()
    response = get(many_files_db, "simple/many-files/", "text/html")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.text.count("<a href=") == FILES
    assert elapsed < TIME_LIMIT
