"""Only http(s) file URLs are stored (issue 13): a `javascript:` or `data:` URL from an upstream
would be script on the node's own origin once the Simple page links it."""

from __future__ import annotations

import copy

import pytest

from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.urlsafety import is_safe_file_url


@pytest.mark.parametrize(("url", "safe"), [
    ("https://files.pythonhosted.org/packages/ab/cd/demo-1.0-py3-none-any.whl", True),
    ("http://mirror.example/demo-1.0.tar.gz", True),
    ("HTTPS://files.example/demo.whl", True),
    ("javascript:alert(document.cookie)", False),
    ("JavaScript:alert(1)", False),
    ("java\tscript:alert(1)", False),        # browsers drop tabs and newlines anywhere
    ("java\nscript:alert(1)", False),
    ("  javascript:alert(1)", False),        # ... and leading spaces and control characters
    ("\x01javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox", False),
    ("file:///etc/passwd", False),
    ("//files.example/demo.whl", True),      # relative: resolved against the page, http(s) then
    ("../../packages/demo.whl", True),
    ("https:demo.whl", True),
    ("", False),
    (None, False),
])
def test_only_http_and_relative_urls_are_safe(url: object, safe: bool) -> None:
    assert is_safe_file_url(url) is safe


def test_unsafe_files_are_refused_at_import_and_recorded() -> None:
    payload = copy.deepcopy(captured_payload("idna"))
    version, files = next((v, f) for v, f in payload["releases"].items() if f)
    bad = files[0]["filename"]
    files[0]["url"] = "javascript:alert(document.cookie)"
    built = build_project_documents(payload, renderer=None)
    stored = [f["filename"] for doc in built.releases if doc["type"] == "release" for f in doc["files"]]
    assert bad not in stored and len(stored) == sum(len(f) for f in payload["releases"].values()) - 1
    assert built.project["refused_files"] == [{"filename": bad, "url": "javascript:alert(document.cookie)",
                                               "reason": "not an http(s) URL: a file is linked only at http://, https:// or a relative URL"}]
    clean = build_project_documents(captured_payload("idna"), renderer=None)
    assert "refused_files" not in clean.project
