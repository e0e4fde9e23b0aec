"""The fields project documents carry for the CouchApp's project page (a show function)."""

from __future__ import annotations

from pypioncouch.documents import MAX_FILES_PER_DOC, build_project_documents
from pypioncouch.emulator import captured_payload


def _file(name: str, version: str, n: int, day: int) -> dict:
    return {"filename": f"{name}-{version}-{n}.tar.gz", "url": f"https://files.example/{name}-{version}-{n}.tar.gz",
            "digests": {"sha256": f"{n:064x}"}, "size": n, "packagetype": "sdist",
            "upload_time_iso_8601": f"2024-01-{day:02d}T00:00:{n % 60:02d}Z", "yanked": False}


def test_release_history_lists_every_release_with_its_time_and_file_count() -> None:
    payload = captured_payload("requests")
    project = build_project_documents(payload).project
    history = {entry["version"]: entry for entry in project["release_history"]}
    assert set(history) == set(payload["releases"])
    assert [e["version"] for e in project["release_history"]] == project["versions"]
    latest = payload["info"]["version"]
    assert history[latest]["files"] == len(payload["releases"][latest])
    first_upload = min(f["upload_time_iso_8601"] for f in payload["releases"][latest])
    assert history[latest]["upload_time"][0] == int(first_upload[:4])


def test_file_counts_include_spilled_files_and_latest_files_are_capped() -> None:
    files = [_file("big", "1.0", n, 1) for n in range(MAX_FILES_PER_DOC + 5)]
    payload = {"info": {"name": "big", "version": "1.0"}, "releases": {"1.0": files, "0.9": [_file("big", "0.9", 1, 2)]}}
    project = build_project_documents(payload).project
    history = {entry["version"]: entry for entry in project["release_history"]}
    assert history["1.0"]["files"] == MAX_FILES_PER_DOC + 5
    assert history["0.9"]["files"] == 1
    assert 0 < len(project["latest_files"]) <= 100
    assert all(f["filename"].startswith("big-1.0-") for f in project["latest_files"])


def test_a_project_without_files_has_an_empty_history_of_timeless_releases() -> None:
    payload = {"info": {"name": "nofiles", "version": "0.2"}, "releases": {"0.1": [], "0.2": []}}
    project = build_project_documents(payload).project
    assert project["release_history"] == [{"version": "0.1", "upload_time": None, "yanked": False, "files": 0},
                                          {"version": "0.2", "upload_time": None, "yanked": False, "files": 0}]
    assert project["latest_files"] == []
