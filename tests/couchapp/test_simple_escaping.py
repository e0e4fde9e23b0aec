"""Hostile values from PyPI never become markup in the Simple API's HTML.

The payloads are the emulator's hostile projects; `injection` has a filename, URL,
requires-python, yank reason and name fields that each try to close an attribute and open
a tag. Expectations come from the payload, never from the page under test.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from pypioncouch.couch import Database
from pypioncouch.emulator import hostile_dataset
from pypioncouch.simple_index import refresh_simple_index
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from served_data import SIMPLE_JSON, app_database, drop, get
from test_simple_api import parse_anchors

# Every tag a Simple API page may contain; anything else was injected.
PAGE_TAGS = {"html", "head", "meta", "title", "body", "h1", "a", "br"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


@pytest.fixture(scope="module")
def hostile_payloads() -> dict[str, dict[str, Any]]:
    dataset = hostile_dataset(many_files=10, description_bytes=100)
    urls = UrlPolicy("http://files.example")
    payloads = {project.normalized: json_api_project(project, urls) for project in dataset}
    return {name: payload for name, payload in payloads.items() if payload is not None}


@pytest.fixture(scope="module")
def hostile_db(couch_server: Any, hostile_payloads: dict) -> Any:
    db = app_database(couch_server.url, list(hostile_payloads.values()))
    refresh_simple_index(db)  # `simple/` as the importer leaves it
    yield db
    drop(db)


@pytest.fixture(scope="module")
def injected_file(hostile_payloads: dict) -> dict[str, Any]:
    [file] = [f for files in hostile_payloads["injection"]["releases"].values() for f in files]
    assert "<" in file["filename"] and "<" in file["requires_python"] and "<" in file["yanked_reason"]
    return file


@pytest.mark.parametrize("path", ["simple/injection/", "simple/", "simple/index/from-projects/"])
def test_no_tag_is_injected(hostile_db: Database, injected_file: dict, path: str) -> None:
    html = get(hostile_db, path, "text/html").text
    parser = Tags()
    parser.feed(html)
    assert parser.tags <= PAGE_TAGS
    for value in (injected_file["filename"], injected_file["requires_python"], injected_file["yanked_reason"]):
        assert value not in html


def test_hostile_values_survive_escaping_intact(hostile_db: Database, injected_file: dict) -> None:
    page = parse_anchors(get(hostile_db, "simple/injection/", "text/html").text)
    [anchor] = page.anchors
    assert anchor["text"] == injected_file["filename"]
    assert anchor["attrs"]["href"] == f"{injected_file['url']}#sha256={injected_file['digests']['sha256']}"
    assert anchor["attrs"]["data-requires-python"] == injected_file["requires_python"]
    assert anchor["attrs"]["data-yanked"] == injected_file["yanked_reason"]


def test_json_rendering_keeps_values_verbatim(hostile_db: Database, injected_file: dict) -> None:
    [file] = get(hostile_db, "simple/injection/", SIMPLE_JSON).json()["files"]
    assert file["filename"] == injected_file["filename"]
    assert file["requires-python"] == injected_file["requires_python"]
    assert file["yanked"] == injected_file["yanked_reason"]


def test_every_hostile_project_is_served(hostile_db: Database, hostile_payloads: dict) -> None:
    for name, payload in hostile_payloads.items():
        response = get(hostile_db, f"simple/{name}/", SIMPLE_JSON)
        assert response.status_code == 200, name
        expected = sorted(f["filename"] for files in payload["releases"].values() for f in files)
        assert [f["filename"] for f in response.json()["files"]] == expected, name
