"""A file URL with a scheme other than http(s) never becomes a link of the Simple API, even in a
document the importer did not write (it refuses such files itself: tests/test_urlsafety.py)."""

from __future__ import annotations

import copy

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from served_data import PIP_ACCEPT, get

HOSTILE_URLS = ["javascript:alert(document.cookie)", "java\tscript:alert(1)", " data:text/html,<script>x</script>",
                "vbscript:msgbox"]


def test_files_with_script_urls_are_not_served(app_db: Database) -> None:
    docs = build_project_documents(captured_payload("idna"), renderer=None).all()
    releases = [doc for doc in docs if doc["type"] == "release" and doc["files"]][:len(HOSTILE_URLS)]
    names = set()
    for release, url in zip(releases, HOSTILE_URLS):  # written as they are, past the importer's check
        release["files"][0] = {**copy.deepcopy(release["files"][0]), "url": url}
        names.add(release["files"][0]["filename"])
    assert all(result.get("ok") for result in app_db.bulk_docs(docs))

    page = get(app_db, "simple/idna/", PIP_ACCEPT)
    assert page.status_code == 200
    served = {entry["filename"]: entry["url"] for entry in page.json()["files"]}
    assert not names & set(served) and served  # the other files are still there
    html = get(app_db, "simple/idna/", "text/html").text
    assert "script:" not in html and "data:" not in html and "vbscript" not in html
    assert all(name not in html for name in names)
