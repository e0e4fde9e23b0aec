"""A site made of real pypi.org payloads (the emulator's captured projects: requests with its real
README, orjson, docutils with its table of contents, ...), plus a few hand-written projects whose
ranking in a search is known in advance: `json` (an exact name), `json-logger` (the word in a
name), 60 projects whose summary says "widget" (more than a page of results), and `relnotes`, whose older release carries a description of its own."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.emulator.capture import CAPTURED_PROJECTS
from pypioncouch.tallies import refresh_tallies
from tests.conftest import new_database, push_app
from tests.couchapp.browse_data import drop, payload

SEARCH_EXTRAS = [
    payload("json", {"0.1": "2019-03-01T12:00:00Z"}, summary="A tiny helper"),
    payload("json-logger", {"2.0": "2021-06-07T08:09:10Z"}, summary="Structured logs"),
    payload("unrelated", {"1.0": "2020-01-01T00:00:00Z"}, summary="Nothing about that format"),
    payload("widget", {"1.0": "2020-02-02T00:00:00Z"}, summary="The widget itself"),
] + [payload(f"maker-{n:02d}", {"1.0": "2020-03-03T00:00:00Z"}, summary=f"Widget maker number {n}") for n in range(60)]

RELNOTES = payload("relnotes", {"1.0": "2022-01-02T03:04:05Z", "2.0": "2023-02-03T04:05:06Z"},
                   summary="Release notes", description="# relnotes 2\n\nThe new description.",
                   requires_python=">=3.9")
OLD_DESCRIPTION = "relnotes 1.0 had this description of its own.\n\n<b>not markup</b>"


def relnotes_documents() -> list[dict[str, Any]]:
    """`relnotes` 2.0 is the latest; 1.0's own `info` (as `--release-metadata` stores it) says
    something else, in plain text."""
    old_info = dict(RELNOTES["info"], version="1.0", description=OLD_DESCRIPTION,
                    description_content_type="text/plain", requires_python=">=3.6")
    return build_project_documents(RELNOTES, release_infos={"1.0": old_info}).all()


def site_payloads() -> list[dict[str, Any]]:
    return [captured_payload(name) for name in CAPTURED_PROJECTS] + SEARCH_EXTRAS


@pytest.fixture(scope="module")
def captured_db(couch_server: Any) -> Iterator[Database]:
    db = new_database(couch_server.url, prefix="captured")
    push_app(db)
    docs = [doc for p in site_payloads() for doc in build_project_documents(p).all()] + relnotes_documents()
    failed = [r for r in db.bulk_docs(docs) if not r.get("ok")]
    assert not failed, failed
    refresh_tallies(db)  # the counts the home page, the classifier tree and the indexes show, as the importer keeps them
    yield db
    drop(db)
