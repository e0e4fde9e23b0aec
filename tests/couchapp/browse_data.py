"""Data for the browsing tests: a handful of hand-written PyPI JSON API payloads whose
facets are known in advance (case and spacing variants of one author, classifier
levels, a numeric name), plus generated and hostile projects from the emulator."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from pypioncouch.couch import Database
from pypioncouch.emulator import generate_dataset, hostile_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.tallies import refresh_tallies
from tests.conftest import new_database, push_app, write_payloads

FILES = UrlPolicy("https://files.example")


def payload(name: str, versions: dict[str, str], **info: Any) -> dict[str, Any]:
    """A JSON API payload: `versions` maps each version to its upload time (ISO, UTC)."""
    latest = list(versions)[-1]
    releases = {
        version: [{
            "filename": f"{name.lower()}-{version}.tar.gz", "url": f"https://files.example/{name}-{version}.tar.gz",
            "digests": {"sha256": f"{abs(hash((name, version))):064x}"[:64], "md5": "0" * 32},
            "packagetype": "sdist", "python_version": "source", "size": 1000 + len(version),
            "upload_time": when[:19], "upload_time_iso_8601": when, "requires_python": None,
            "yanked": False, "yanked_reason": None,
        }]
        for version, when in versions.items()
    }
    base = {"name": name, "version": latest, "summary": None, "description": f"# {name}\n\nThe {name} project.",
            "description_content_type": "text/markdown", "author": None, "author_email": None,
            "maintainer": None, "maintainer_email": None, "keywords": None, "classifiers": [],
            "home_page": None, "project_urls": None, "license": None, "requires_python": None}
    base.update(info)
    return {"info": base, "releases": releases, "urls": releases[latest], "last_serial": 1, "vulnerabilities": []}


KNOWN = [
    payload("Alpha-Tool", {"0.9": "2024-01-02T10:00:00Z", "1.0": "2024-03-04T10:00:00Z"},
            summary="A fast web framework for humans", author="Ada  Lovelace", keywords="Web, HTTP",
            classifiers=["Framework :: Django :: 5.0", "Programming Language :: Python :: 3"],
            project_urls={"Source": "https://git.example/alpha"}),
    payload("beta", {"2.0": "2024-02-01T09:00:00Z"},
            summary="Web scraping toolkit", author="ada lovelace", maintainer="Bob Stone", keywords="web",
            classifiers=["Framework :: Django", "Topic :: Internet"]),
    payload("gamma", {"0.1": "2024-04-05T08:00:00Z"},
            summary="Compiler for humans", author_email="Grace Hopper <grace@example.org>", keywords="COBOL compiler",
            classifiers=["Framework :: Flask", "Programming Language :: Python :: 3"]),
    payload("2048", {"1.0": "2023-12-31T23:59:59Z"}, summary="Sliding tiles game", keywords="game"),
]


def generated_payloads(projects: int = 40) -> list[dict[str, Any]]:
    dataset = generate_dataset(projects=projects)
    return [p for p in (json_api_project(project, FILES) for project in dataset.projects.values()) if p]


def hostile_payloads() -> list[dict[str, Any]]:
    dataset = hostile_dataset(many_files=300, description_bytes=4000)
    return [p for p in (json_api_project(project, FILES) for project in dataset.projects.values()) if p]


def browse_database(server_url: str, payloads: list[dict[str, Any]]) -> Database:
    """The CouchApp and these projects, stored and counted as the importer does (its tallies)."""
    db = new_database(server_url, prefix="browse")
    push_app(db)
    write_payloads(db, payloads)
    refresh_tallies(db)
    return db


def project_ids(db: Database) -> set[str]:
    """Every project document's id, read from _all_docs (not from the views under test)."""
    return {row["id"] for row in db.iter_all_docs() if "/" not in row["id"] and ":" not in row["id"]
            and not row["id"].startswith("_")}


def drop(db: Database) -> None:
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture(scope="module")
def known_db(couch_server: Any) -> Iterator[Database]:
    """Only the hand-written projects: every count is known."""
    db = browse_database(couch_server.url, KNOWN)
    yield db
    drop(db)


@pytest.fixture(scope="module")
def site_db(couch_server: Any) -> Iterator[Database]:
    """Hand-written, generated and hostile projects: a site to walk."""
    db = browse_database(couch_server.url, KNOWN + generated_payloads() + hostile_payloads())
    yield db
    drop(db)
