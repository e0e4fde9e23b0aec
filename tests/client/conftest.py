"""A node to read, built once for this package: captured pypi.org projects next to made-up ones.

The made-up projects come from the emulator's data set (its payloads are what the importer
stores from the JSON API), written as the importer writes them (``write_payloads``), into a
database of the run's server with the CouchApp pushed and, on CouchDB, ``--setup`` run, so
the client reads it anonymously as it would read a public node.
"""

from __future__ import annotations

import itertools
from typing import Iterator

import pytest

from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset
from pypioncouch.emulator.captured import captured_payload
from pypioncouch.emulator.dataset import placeholder_file
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.servers import AnyServer

from ..conftest import new_database, push_app, write_payloads

DJANGO = ["Framework :: Django", "Framework :: Django :: 5.0", "Programming Language :: Python :: 3"]
PAGED = [f"pager-{index:02d}" for index in range(7)]  # keyword "paging": more than one page of 3
BIG_FILES = 1_005  # one release past a release document's 1,000 files
FIRST_UPLOAD = 1_600_000_000.0  # 2020-09-13 12:26:40 UTC: Django-Thing 0.9's one file


def catalog() -> Dataset:
    """The made-up projects; the emulator's clock ticks a minute a call from 2023-11-14 22:13:20 UTC."""
    dataset = Dataset(clock=itertools.count(1_700_000_000, 60).__next__)
    common = dict(author="Ada  Lovelace", keywords="web, django", summary="A thing for Django web sites",
                  classifiers=DJANGO, license="MIT")
    dataset.add_release("Django-Thing", "0.9", files=[placeholder_file("django_thing-0.9.tar.gz", FIRST_UPLOAD)],
                        **common)
    dataset.add_release("Django-Thing", "1.0", files=["django_thing-1.0.tar.gz", "django_thing-1.0-py3-none-any.whl"],
                        **common)
    dataset.add_release("Django-Thing", "1.1", files=["django_thing-1.1-py3-none-any.whl"], requires_python=">=3.9",
                        **common)
    dataset.add_release("Django-Thing", "2.0rc1", files=["django_thing-2.0rc1-py3-none-any.whl"],
                        requires_python=">=3.10", **common)
    dataset.yank("Django-Thing", "1.0", "broken metadata")
    dataset.add_release("plain-thing", "1.0", files=["plain_thing-1.0.tar.gz"], summary="Plain HTTP client helpers",
                        maintainer="Grace Hopper", requires_python=">=3.8, <4")
    dataset.add_release("odd-thing", "1.0-beta.x", files=["odd_thing-1.0-beta.x.tar.gz"],
                        requires_python=">=3.6.*")
    for name in PAGED:
        dataset.add_release(name, "1.0", files=[f"{name.replace('-', '_')}-1.0.tar.gz"], keywords="paging")
    dataset.add_release("big-files", "1.0", summary="Many files in one release")
    for index in range(BIG_FILES):
        dataset.add_file("big-files", "1.0", placeholder_file(f"big_files-1.0-{index:04d}-py3-none-any.whl",
                                                              1_700_100_000.0, size=16))
    return dataset


def payloads(dataset: Dataset) -> list[dict]:
    urls = UrlPolicy("http://files.example")
    return [json_api_project(project, urls) for project in dataset]


@pytest.fixture(scope="package")
def catalog_db(couch_server: AnyServer) -> Iterator[Database]:
    db = push_app(new_database(couch_server.url, "client"))
    write_payloads(db, payloads(catalog()) + [captured_payload("jinja2"), captured_payload("markupsafe")])
    yield db
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture(scope="package")
def reader_url(catalog_db: Database, couch_server: AnyServer) -> str:
    """The database's URL without credentials: what a reader of a public node has."""
    return f"{couch_server.base_url}/{catalog_db.location.name}"
