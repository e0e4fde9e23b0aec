"""simple_pages.py: the Simple API page rendered at import. That it is byte for byte the page the
CouchApp builds is checked on both servers (tests/couchapp/test_simple_stored.py); here, what
the stored documents look like and the JavaScript semantics the port keeps."""

from __future__ import annotations

import base64
import hashlib
import json

from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.simple_pages import (UNDEFINED, head_id, page, page_documents, render_html, render_json,
                                      simple_file)


def documents(name: str = "idna"):
    docs = build_project_documents(captured_payload(name), renderer=None)
    return docs.project, [doc for doc in docs.releases if not doc["type"].startswith(("simple_", "json_api"))]


def test_pieces_join_to_both_renderings_and_the_head_comes_last() -> None:
    project, releases = documents()
    built = page(project, releases)
    stored = page_documents(project, releases, limit=2_000)
    head = stored[-1]
    assert head["_id"] == head_id(project["_id"]) == "idna//simple" and head["type"] == "simple_page"
    texts = {doc["_id"]: doc["text"] for doc in stored[:-1]}
    assert all(len(text) <= 2_000 for text in texts.values())
    for rendering, render in (("json", render_json), ("html", render_html)):
        assert "".join(texts[i] for i in head[rendering]["pieces"]) + head[rendering]["text"] == render(built)
    assert json.loads(render_json(built)) == built
    assert [doc["_id"] for doc in stored].count(head["_id"]) == 1 and len(stored) > 3


def test_a_long_rendering_is_one_attachment_named_by_its_digest() -> None:
    project, releases = documents()
    built = page(project, releases)
    json_text = render_json(built).encode()
    stored = page_documents(project, releases, attach_over=len(json_text) - 1)
    attached, head = stored[0], stored[-1]
    digest = hashlib.sha256(json_text).hexdigest()
    assert attached["_id"] == f"idna:simple:{digest[:16]}.json" and attached["sha256"] == digest
    assert attached["_attachments"] == {"index.json": {"content_type": "application/vnd.pypi.simple.v1+json",
                                                       "data": base64.b64encode(json_text).decode()}}
    assert head["json"] == {"attachment": attached["_id"], "bytes": len(json_text)}
    assert len(render_html(built)) < len(json_text) and "attachment" not in head["html"]  # HTML is shorter here
    assert [doc["type"] for doc in stored] == ["simple_attachment", "simple_page"]


def test_a_small_page_is_all_in_its_head() -> None:
    project, releases = documents("idna")
    stored = page_documents(project, releases[:1])
    assert len(stored) == 1 and stored[0]["json"]["pieces"] == stored[0]["html"]["pieces"] == []


def test_files_sorted_by_filename_and_versions_as_strings() -> None:
    project, releases = documents()
    built = page(project, releases)
    names = [file["filename"] for file in built["files"]]
    assert names == sorted(names) and built["versions"] == sorted(project["versions"])
    assert built["meta"] == {"api-version": "1.4", "_last-serial": project["last_serial"]}


def test_quarantined_page_lists_nothing() -> None:
    project, releases = documents()
    project = {**project, "project_status": {"status": "quarantined", "reason": "malware"}}
    built = page(project, releases)
    assert built["files"] == [] and built["versions"] == []
    assert built["project-status"] == {"status": "quarantined", "reason": "malware"}
    assert '<meta name="pypi:project-status-reason" content="malware">' in render_html(built)


def test_json_api_file_without_digests_or_size_leaves_the_keys_out_as_json_stringify_does() -> None:
    entry = simple_file({"filename": "a-1.tar.gz", "url": "https://x/a-1.tar.gz", "yanked": True, "yanked_reason": ""})
    assert entry["size"] is UNDEFINED and entry["yanked"] is True
    built = {"meta": {"api-version": "1.4", "_last-serial": None}, "name": "a", "versions": [],
             "files": [entry], "project-status": {"status": "active"}}
    assert json.loads(render_json(built))["files"][0] == {
        "filename": "a-1.tar.gz", "url": "https://x/a-1.tar.gz", "hashes": {}, "requires-python": None,
        "yanked": True, "core-metadata": False, "data-dist-info-metadata": False, "provenance": None}
    assert 'data-yanked=""' in render_html(built) and "#sha256" not in render_html(built)


def test_upstream_entry_kept_and_mirror_copy_linked_relative() -> None:
    upstream = {"filename": "a-1.whl", "url": "https://files/a-1.whl", "hashes": {"sha256": "ab"},
                "core-metadata": {"sha256": "cd"}, "x-unknown": [1], "yanked": None}
    entry = simple_file({"filename": "a-1.whl", "mirror_url": "a:dist:a-1.whl/a-1.whl",
                         "core-metadata": {"sha256": "cd"}}, upstream)
    assert entry["url"] == "../../files/a:dist:a-1.whl/a-1.whl" and entry["x-unknown"] == [1]
    assert entry["core-metadata"] == {"sha256": "cd"} and entry["yanked"] is False
    assert simple_file({"filename": "a-1.whl", "mirror_url": "m"}, upstream)["core-metadata"] is False  # not stored


def test_html_escapes_what_came_from_upstream() -> None:
    built = {"meta": {"api-version": "1.4", "_last-serial": 3}, "name": "a", "versions": [],
             "project-status": {"status": "active"},
             "files": [simple_file({"filename": "<b>'x\".tar.gz", "url": "https://x/?a=1&b=2",
                                    "digests": {"sha256": "ff"}, "requires_python": ">=3"})]}
    html = render_html(built)
    assert '<a href="https://x/?a=1&amp;b=2#sha256=ff" data-requires-python="&gt;=3">&lt;b&gt;&#x27;x&quot;.tar.gz</a>' in html
    assert html.endswith("<!--SERIAL 3-->\n")
