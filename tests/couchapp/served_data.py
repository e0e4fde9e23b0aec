"""Databases the Simple/JSON API tests read, built once per module, and small HTTP helpers.

`captured_db` holds the real payloads the emulator bundles (captured JSON API responses and
Simple pages, through the proxy they were captured behind, stored the way the importer stores
them); tests compare what the CouchApp serves with those captured responses.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any, Iterator
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.emulator import CAPTURED_PROJECTS, hostile_dataset, load_capture
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.documents import build_project_documents
from pypioncouch.names import normalize
from pypioncouch.upstream.http import Response
from pypioncouch.upstream.simple_page import parse_detail
from tests.conftest import new_database, push_app, rewrite_url, write_payloads

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
UV_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"


def app_database(server_url: str, payloads: list[dict[str, Any]]) -> Database:
    db = push_app(new_database(server_url, prefix="served"))
    write_payloads(db, payloads)
    return db


def stored_page(page: dict[str, Any], url: str = "https://pypi.org/simple/x/") -> dict[str, Any]:
    """A PEP 691 page as the importer keeps it (read by its own parser: relative URLs resolved)."""
    import json
    response = Response(200, {"Content-Type": SIMPLE_JSON}, json.dumps(page).encode(), url)
    return parse_detail(response, page["name"])


def write_projects(db: Database, projects: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> None:
    """Store (JSON API payload, Simple page) pairs the way the importer does."""
    docs = [doc for payload, page in projects for doc in build_project_documents(payload, page=page).all()]
    failed = [r for r in db.bulk_docs(docs) if not r.get("ok")]
    assert not failed, failed


def drop(db: Database) -> None:
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture(scope="module")
def captures() -> dict[str, dict[str, Any]]:
    """name -> {"json_api": ..., "simple": ...} as pypi.org answered."""
    return {name: load_capture(name) for name in CAPTURED_PROJECTS}


@pytest.fixture(scope="module")
def captured_db(couch_server: Any, captures: dict[str, dict[str, Any]]) -> Iterator[Database]:
    db = push_app(new_database(couch_server.url, prefix="served"))
    write_projects(db, [(capture["json_api"], stored_page(capture["simple"])) for capture in captures.values()])
    yield db
    drop(db)


def get(db: Database, path: str, accept: str | None = None, headers: dict[str, str] | None = None,
        **kwargs: Any) -> requests.Response:
    """GET under `_rewrite/`, redirects not followed; `accept=None` sends no Accept header at all.
    requests asks for gzip (a long JSON API answer then comes by a 307 to its gzipped copy)."""
    sent = {"Accept": accept, **(headers or {})}  # requests drops a header whose value is None
    return requests.get(rewrite_url(db, path), headers=sent, allow_redirects=False, timeout=120, **kwargs)


def served_page(db: Database, name: str, accept: str | None) -> tuple[requests.Response, requests.Response]:
    """``simple/<name>/`` as a client gets it: (the answer, the page). A rendering stored as an
    attachment (docs/schema.md, ``simple_attachment``) comes by a 307 to ``files/<doc>/<name>``,
    which carries the headers of the answer (``X-PyPI-Last-Serial``); the page is the attachment.
    A 307 to the page built per request (no stored page to trust) is followed: it is both."""
    answer = get(db, f"simple/{name}/", accept)
    if answer.status_code != 307:
        return answer, answer
    followed = requests.get(urljoin(rewrite_url(db, f"simple/{name}/"), answer.headers["Location"]),
                            headers={"Accept": accept}, allow_redirects=False, timeout=120)
    if not answer.headers["Location"].startswith("../../files/"):
        return followed, followed
    return answer, followed


HOSTILE_NAMES = [normalize(name) for name in ("Zope2", "foo.bar_baz", "legacy-versions", "huge-description",
                                               "injection", "surrogates", "many-files", "no-files", "all-none")]


def file_object(name: str, version: str) -> dict[str, Any]:
    return {"filename": f"{name}-{version}.tar.gz", "url": f"https://files.example/{name}-{version}.tar.gz",
            "digests": {"sha256": "ab" * 32}, "requires_python": None, "size": 1,
            "upload_time_iso_8601": "2024-01-01T00:00:00.000000Z", "yanked": False, "yanked_reason": None}


def small_payload(name: str, versions: list[str], serial: int = 7) -> dict[str, Any]:
    releases = {version: [file_object(name, version)] for version in versions}
    info = {"name": name, "version": versions[-1], "summary": f"the project {name}", "description": "",
            "project_url": f"https://pypi.org/project/{name}/", "requires_python": None}
    return {"info": info, "last_serial": serial, "releases": releases, "urls": releases[versions[-1]],
            "vulnerabilities": [], "ownership": {}}


def write(db: Database, docs: list[dict[str, Any]]) -> None:
    for start in range(0, len(docs), 200):
        results = db.bulk_docs(docs[start:start + 200])
        assert all(r.get("ok") for r in results), [r for r in results if not r.get("ok")]


@pytest.fixture(scope="module")
def odd_db(couch_server: Any) -> Iterator[Database]:
    """Hostile projects (many files: several pieces; lone surrogates, injections, legacy versions),
    versions whose keys JavaScript orders first (`"10"`), and two names that parse to one number."""
    db = push_app(new_database(couch_server.url, prefix="served"))
    hostile = hostile_dataset(many_files=6_000, description_bytes=1_500_000)
    payloads = [json_api_project(hostile.get(name), UrlPolicy("https://files.example")) for name in HOSTILE_NAMES]
    payloads += [small_payload("numbers", ["0.9", "1", "1.5", "2", "10"]),
                 small_payload("100", ["1.0"], serial=100), small_payload("1e2", ["2.0"], serial=1002)]
    write(db, [doc for payload in payloads if payload for doc in build_project_documents(payload).all()])
    yield db
    drop(db)


def curl_statuses(accept: str, *requests_made: list[str]) -> list[str]:
    """The status code of each request, made in turn by one curl (``--next`` between them, so it
    reuses its connection where it may); each request is a list of curl arguments."""
    status = ["-s", "-o", os.devnull, "-w", "%{http_code}\\n", "-H", f"Accept: {accept}"]
    arguments: list[str] = []
    for number, request in enumerate(requests_made):
        arguments += (["--next"] if number else []) + status + request
    result = subprocess.run(["curl", *arguments], capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.split()
