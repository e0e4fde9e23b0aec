"""A file URL with a scheme other than http(s) never becomes a link of the Simple API, even in a
document the importer did not write (it refuses such files itself: tests/test_urlsafety.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.simple_pages import page_documents
from served_data import PIP_ACCEPT
from tests.conftest import rewrite_url

HOSTILE_URLS = ["javascript:alert(document.cookie)", "java\tscript:alert(1)", " data:text/html,<script>x</script>",
                "vbscript:msgbox"]


def hostile_documents() -> tuple[list[dict[str, Any]], set[str]]:
    """idna's documents with script URLs written into some files, past the importer's check, and
    without a stored page: as an older importer (or another writer) left them."""
    docs = build_project_documents(captured_payload("idna"), renderer=None).all()
    releases = [doc for doc in docs if doc["type"] == "release" and doc["files"]][:len(HOSTILE_URLS)]
    names = set()
    for release, url in zip(releases, HOSTILE_URLS):
        release["files"][0] = {**copy.deepcopy(release["files"][0]), "url": url}
        names.add(release["files"][0]["filename"])
    return [doc for doc in docs if not doc["type"].startswith("simple_")], names


@pytest.mark.parametrize("stored", [False, True], ids=["built per request", "stored page"])
def test_files_with_script_urls_are_not_served(app_db: Database, stored: bool) -> None:
    """Built per request (lib/url_safety.js), and in a page simple_pages.py rendered from such documents."""
    docs, names = hostile_documents()
    if stored:
        project = next(doc for doc in docs if doc["type"] == "project")
        docs += page_documents(project, [doc for doc in docs if doc is not project])
    assert all(result.get("ok") for result in app_db.bulk_docs(docs))

    page = requests.get(rewrite_url(app_db, "simple/idna/"), headers={"Accept": PIP_ACCEPT}, timeout=60)
    assert page.status_code == 200 and bool(page.history) is not stored  # the built page is behind a 307
    served = {entry["filename"]: entry["url"] for entry in page.json()["files"]}
    assert not names & set(served) and served  # the other files are still there
    html = requests.get(rewrite_url(app_db, "simple/idna/"), headers={"Accept": "text/html"}, timeout=60).text
    assert "script:" not in html and "data:" not in html and "vbscript" not in html
    assert all(name not in html for name in names)
