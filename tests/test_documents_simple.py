"""Documents from an upstream's Simple pages: the entries kept per release, the PEP 792 status, a
payload made from a page where the upstream has no JSON API, a quarantined project kept."""

from __future__ import annotations

import json

import pytest

from pypioncouch.documents import (MAX_FILES_PER_DOC, build_project_documents, payload_from_page,
                                   quarantined_project, version_from_filename)
from pypioncouch.emulator import Dataset, installable_project
from pypioncouch.emulator.flavours import FLAVOURS
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project, simple_detail
from pypioncouch.emulator.simple import SIMPLE_V1_JSON, TEXT_HTML, render
from pypioncouch.upstream.http import Response
from pypioncouch.upstream.simple_page import parse_detail

BASE = "http://127.0.0.1:1"


def emulated(flavour: str = "pypi", *, html: bool = False) -> tuple[dict, dict]:
    """(JSON API payload, the page the importer keeps) of one project, as the emulator's flavour serves them."""
    data = installable_project("Demo.Pkg", ["1.0", "2.0rc1", "2.0"], requires_python=">=3.8",
                               yanked={"1.0": "broken"}, dataset=Dataset(clock=lambda: 1_700_000_000.0))
    project = data.get("demo-pkg")
    urls = UrlPolicy(BASE, flavour=FLAVOURS[flavour])
    content_type = TEXT_HTML if html else SIMPLE_V1_JSON
    body = render(simple_detail(project, urls), content_type, FLAVOURS[flavour])
    response = Response(200, {"Content-Type": content_type}, body, f"{BASE}{FLAVOURS[flavour].simple_root}demo-pkg/")
    return json_api_project(project, urls), parse_detail(response, "demo-pkg")


@pytest.mark.parametrize("filename, project, version", [
    ("requests-2.31.0-py3-none-any.whl", "requests", "2.31.0"),
    ("Jinja2-3.1.tar.gz", "jinja2", "3.1"),
    ("zope.interface-5.0.zip", "zope-interface", "5.0"),
    ("foo_bar-1.0-1.tar.gz", "foo-bar", "1.0-1"),
    ("pkg-1.0.win32.exe", "pkg", "1.0"),
    ("pkg-1.0-py2.7.egg", "pkg", "1.0"),
    ("README.txt", "pkg", None),
])
def test_version_from_filename(filename: str, project: str, version: str | None) -> None:
    assert version_from_filename(filename, project) == version


def test_release_documents_keep_the_page_entries_of_their_files() -> None:
    payload, page = emulated()
    docs = build_project_documents(payload, page=page)
    releases = {d["version"]: d for d in docs.releases if d["type"] == "release"}
    by_name = {e["filename"]: e for e in page["files"]}
    for release in releases.values():
        assert release["simple_files"] == [by_name[f["filename"]] for f in release["files"]]
    assert docs.project["project_status"] == {"status": "active"}
    assert "info_from_simple" not in docs.project


def test_a_file_the_page_does_not_list_has_no_entry() -> None:
    payload, page = emulated()
    dropped = page["files"].pop(0)["filename"]
    docs = build_project_documents(payload, page=page)
    entries = [e["filename"] for d in docs.releases if d["type"] == "release" for e in d["simple_files"]]
    assert dropped not in entries and len(entries) == len(page["files"])


def test_without_a_page_nothing_is_added() -> None:
    payload, _ = emulated()
    docs = build_project_documents(payload)
    assert all("simple_files" not in d for d in docs.releases) and "project_status" not in docs.project


def test_spill_over_documents_carry_their_own_entries() -> None:
    payload, page = emulated()
    template = payload["releases"]["2.0"][0]
    files = [dict(template, filename=f"demo_pkg-2.0-{i}-py3-none-any.whl") for i in range(MAX_FILES_PER_DOC + 5)]
    payload["releases"]["2.0"] = files
    page["files"] = [dict(page["files"][-1], filename=f["filename"]) for f in files]
    docs = build_project_documents(payload, page=page)
    chunk = next(d for d in docs.releases if d["type"] == "release_files")
    assert [e["filename"] for e in chunk["simple_files"]] == [f["filename"] for f in chunk["files"]]


@pytest.mark.parametrize("html", [False, True])
def test_a_payload_made_from_a_page(html: bool) -> None:
    """devpi (JSON 1.0, no sizes or versions) and a static tree (HTML): what the page says, in JSON API names."""
    _, page = emulated("static" if html else "devpi")
    payload = payload_from_page(page)
    assert sorted(payload["releases"]) == ["1.0", "2.0", "2.0rc1"]
    assert payload["info"]["name"] == "demo-pkg" and payload["info"]["version"] == "2.0"
    assert payload["info"]["requires_python"] == ">=3.8"
    old = {f["filename"]: f for f in payload["releases"]["1.0"]}
    assert all(f["yanked"] and f["yanked_reason"] == "broken" for f in old.values())
    wheel = old["demo_pkg-1.0-py3-none-any.whl"]
    assert wheel["packagetype"] == "bdist_wheel" and wheel["python_version"] == "py3"
    assert wheel["url"].startswith(BASE + "/") and len(wheel["digests"]["sha256"]) == 64
    assert bool(wheel["core-metadata"]) is html  # the static tree serves metadata files, devpi does not
    docs = build_project_documents(None, page=page)
    assert docs.project["info_from_simple"] is True and docs.project["latest_version"] == "2.0"
    json.dumps(docs.project)  # stored as JSON


def test_a_quarantined_project_keeps_what_was_known() -> None:
    payload, page = emulated()
    before = build_project_documents(payload, page=page).project
    before["_rev"] = "3-abc"
    quarantined = {**page, "files": [], "versions": [], "project-status": {"status": "quarantined"}}
    docs = quarantined_project(before, quarantined, 99)
    assert docs.keep_releases and docs.releases == []
    assert docs.project["project_status"] == {"status": "quarantined"} and docs.project["last_serial"] == 99
    assert docs.project["versions"] == before["versions"] and "_rev" not in docs.project
    new = quarantined_project(None, quarantined, 99)
    assert new.project["project_status"] == {"status": "quarantined"} and new.project["versions"] == []
