"""Databases the Simple/JSON API tests read, built once per module, and small HTTP helpers.

`captured_db` holds the real pypi.org payloads the emulator bundles (captured JSON API
responses, stored the way the importer stores them); tests compare what the CouchApp serves
with the captured responses of pypi.org itself.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.emulator import CAPTURED_PROJECTS, load_capture
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


def drop(db: Database) -> None:
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture(scope="module")
def captures() -> dict[str, dict[str, Any]]:
    """name -> {"json_api": ..., "simple": ...} as pypi.org answered."""
    return {name: load_capture(name) for name in CAPTURED_PROJECTS}


@pytest.fixture(scope="module")
def captured_db(couch_server: Any, captures: dict[str, dict[str, Any]]) -> Iterator[Database]:
    db = app_database(couch_server.url, [capture["json_api"] for capture in captures.values()])
    yield db
    drop(db)


def get(db: Database, path: str, accept: str | None = None, **kwargs: Any) -> requests.Response:
    """GET under `_rewrite/`, redirects not followed; `accept=None` sends no Accept header at all."""
    headers = {"Accept": accept}  # requests drops a header whose value is None
    return requests.get(rewrite_url(db, path), headers=headers, allow_redirects=False, timeout=120, **kwargs)
