"""The fields project documents carry for the CouchApp's project page (a show function), and the
history document that holds every release of a project with more than a page of them."""

from __future__ import annotations

from typing import Any

from pypioncouch.documents import (HISTORY_PAGE, MAX_FILES_PER_DOC, RECENT_RELEASES, ProjectDocuments,
                                   build_project_documents, history_id)
from pypioncouch import XmlRpcImporter
from pypioncouch.couch import Database
from pypioncouch.emulator import captured_payload, generate_dataset


def whole_history(docs: ProjectDocuments) -> list[dict[str, Any]]:
    """Every release's entry, oldest first: the history documents' pages, oldest page first, then
    the project document's page."""
    pages = sorted((doc for doc in docs.releases if doc["type"] == "release_history"), key=lambda doc: -doc["page"])
    return [entry for page in pages for entry in page["releases"]] + docs.project["release_history"]


def _file(name: str, version: str, n: int, day: int) -> dict:
    return {"filename": f"{name}-{version}-{n}.tar.gz", "url": f"https://files.example/{name}-{version}-{n}.tar.gz",
            "digests": {"sha256": f"{n:064x}"}, "size": n, "packagetype": "sdist",
            "upload_time_iso_8601": f"2024-01-{day:02d}T00:00:{n % 60:02d}Z", "yanked": False}


def test_release_history_lists_every_release_with_its_time_and_file_count() -> None:
    payload = captured_payload("requests")
    docs = build_project_documents(payload)
    project = docs.project
    history = {entry["version"]: entry for entry in whole_history(docs)}
    assert set(history) == set(payload["releases"])
    assert [e["version"] for e in whole_history(docs)] == project["versions"]
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


def test_past_a_page_of_releases_the_project_keeps_the_newest_and_history_documents_the_rest() -> None:
    payload = captured_payload("requests")  # 163 releases
    docs = build_project_documents(payload)
    project, kept = docs.project, [doc for doc in docs.releases if doc["type"] == "release_history"]
    assert HISTORY_PAGE < len(payload["releases"]) <= 2 * HISTORY_PAGE
    assert project["release_count"] == len(payload["releases"]) == len(whole_history(docs))
    assert [e["version"] for e in whole_history(docs)] == project["versions"]
    assert len(project["release_history"]) == HISTORY_PAGE
    assert [(doc["_id"], doc["page"], len(doc["releases"])) for doc in kept] == [
        (history_id("requests", 2), 2, len(payload["releases"]) - HISTORY_PAGE)]
    newest = sorted((e for e in whole_history(docs) if e["upload_time"]),
                    key=lambda e: (e["upload_time"], e["version"]), reverse=True)
    assert project["recent_releases"] == newest[:RECENT_RELEASES]


def test_a_history_of_one_page_stays_in_the_project_document() -> None:
    docs = build_project_documents(captured_payload("nh3"))
    assert len(docs.project["release_history"]) == docs.project["release_count"] <= HISTORY_PAGE
    assert not [doc for doc in docs.releases if doc["type"] == "release_history"]


def test_a_second_page_comes_and_goes_with_the_hundred_and_first_release(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=1, releases_per_project=HISTORY_PAGE, files_per_release=1, seed=3)
    name = next(iter(dataset)).normalized
    emu = start_emulator(dataset)
    XmlRpcImporter(db.location, index_url=emu.url, attachments=None).import_all()
    assert db.get(history_id(name, 2)) is None and db.get(name)["release_count"] == HISTORY_PAGE
    oldest = db.get(name)["release_history"][0]
    dataset.add_release(dataset.get(name).name, "999.0", [f"{name.replace('-', '_')}-999.0.tar.gz"])
    XmlRpcImporter(db.location, index_url=emu.url, attachments=None).update()
    assert db.get(history_id(name, 2))["releases"] == [oldest]  # the oldest moved to page 2
    assert db.get(name)["release_history"][-1]["version"] == "999.0"
    dataset.remove_release(dataset.get(name).name, "999.0")
    XmlRpcImporter(db.location, index_url=emu.url, attachments=None).update()
    assert db.get(history_id(name, 2)) is None and db.get(name)["release_history"][0] == oldest

