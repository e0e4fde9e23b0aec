"""Documents built from real captured PyPI payloads (requests, jinja2, ...)."""

from __future__ import annotations

import copy
import json

import pytest

from pypioncouch.documents import (MAX_FILES_PER_DOC, build_project_documents, split_keywords,
                                   upload_time_list)
from pypioncouch.emulator import captured_payload

COUCHDB_MAX_DOCUMENT_SIZE = 8_000_000


@pytest.fixture(scope="module")
def requests_payload() -> dict:
    return captured_payload("requests")


def test_one_project_document_and_one_release_document_per_version(requests_payload: dict) -> None:
    docs = build_project_documents(requests_payload)
    assert docs.project["_id"] == "requests"
    releases = [d for d in docs.releases if d["type"] == "release"]
    assert sorted(d["version"] for d in releases) == sorted(requests_payload["releases"])
    assert {d["_id"] for d in releases} == {f"requests/{v}" for v in requests_payload["releases"]}


def test_project_document_keeps_pypi_info_verbatim(requests_payload: dict) -> None:
    project = build_project_documents(requests_payload).project
    assert project["info"] == requests_payload["info"]
    assert project["last_serial"] == requests_payload["last_serial"]
    assert project["latest_version"] == requests_payload["info"]["version"]
    assert project["ownership"] == requests_payload["ownership"]


def test_release_files_are_pypi_file_objects_verbatim(requests_payload: dict) -> None:
    docs = build_project_documents(requests_payload)
    latest = next(d for d in docs.releases if d["version"] == requests_payload["info"]["version"])
    by_name = {f["filename"]: f for f in latest["files"]}
    for file in requests_payload["urls"]:
        assert by_name[file["filename"]] == file
    assert latest["info"] == requests_payload["info"]


def test_versions_are_listed_in_pep_440_order(requests_payload: dict) -> None:
    from packaging.version import Version
    versions = build_project_documents(requests_payload).project["versions"]
    assert versions == sorted(requests_payload["releases"], key=Version)


def test_upload_times_are_int_lists(requests_payload: dict) -> None:
    docs = build_project_documents(requests_payload)
    first_file = min((f for files in requests_payload["releases"].values() for f in files),
                     key=lambda f: f["upload_time_iso_8601"])
    assert docs.project["created"] == upload_time_list(first_file["upload_time_iso_8601"])
    assert all(isinstance(part, int) for part in docs.project["created"]) and len(docs.project["created"]) == 6


def test_upload_time_list_parses_pypi_timestamps() -> None:
    assert upload_time_list("2024-05-01T12:03:04.123456Z") == [2024, 5, 1, 12, 3, 4]
    assert upload_time_list(None) is None and upload_time_list("yesterday") is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("http, client,requests", ["http", "client", "requests"]),
    ("web framework; orm", ["web framework", "orm"]),
    ("django  rest\tapi", ["django", "rest", "api"]),
    ("A, a, b", ["A", "b"]),
    (None, []), ("", []), (" , ;", []),
])
def test_keywords_split_whatever_the_separator(raw: str | None, expected: list[str]) -> None:
    assert split_keywords(raw) == expected


def test_building_is_deterministic(requests_payload: dict) -> None:
    first = build_project_documents(copy.deepcopy(requests_payload)).all()
    second = build_project_documents(copy.deepcopy(requests_payload)).all()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_yanked_release_follows_its_files(requests_payload: dict) -> None:
    payload = copy.deepcopy(requests_payload)
    version = next(v for v, files in payload["releases"].items() if files)
    for file in payload["releases"][version]:
        file.update(yanked=True, yanked_reason="broken")
    release = next(d for d in build_project_documents(payload).releases if d["version"] == version)
    assert release["yanked"] is True and release["yanked_reason"] == "broken"


def _many_files_payload(count: int) -> dict:
    payload = copy.deepcopy(captured_payload("idna"))
    version = payload["info"]["version"]
    template = payload["releases"][version][0]
    payload["releases"][version] = [
        {**template, "filename": f"idna-{version}-{i}-py3-none-any.whl", "upload_time_iso_8601": f"2024-01-01T00:00:{i % 60:02d}.000000Z"}
        for i in range(count)]
    return payload


def test_a_release_with_many_files_spills_into_bounded_documents() -> None:
    docs = build_project_documents(_many_files_payload(2 * MAX_FILES_PER_DOC + 5))
    version = docs.project["latest_version"]
    own = [d for d in docs.releases if d.get("version") == version]
    assert [d["type"] for d in own] == ["release", "release_files", "release_files"]
    assert sum(len(d["files"]) for d in own) == 2 * MAX_FILES_PER_DOC + 5
    assert own[0]["file_chunks"] == 3
    assert all(len(json.dumps(d)) < COUCHDB_MAX_DOCUMENT_SIZE for d in docs.all())


def test_giant_description_is_truncated_below_the_document_limit() -> None:
    payload = copy.deepcopy(captured_payload("idna"))
    payload["info"]["description"] = "word " * 5_000_000
    payload["info"]["description_content_type"] = "text/plain"
    project = build_project_documents(payload).project
    assert project["description_truncated"] is True
    assert len(json.dumps(project)) < COUCHDB_MAX_DOCUMENT_SIZE
