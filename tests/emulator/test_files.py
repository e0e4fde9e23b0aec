"""Stored files: deterministic bytes, PyPI's derived fields."""

from __future__ import annotations

import hashlib

import pytest

from pypioncouch.emulator.files import (StoredFile, packagetype_for, placeholder_bytes, python_version_for,
                                        storage_path)


def test_placeholder_bytes_depend_only_on_name_and_size() -> None:
    assert placeholder_bytes("a-1.0.tar.gz", 1000) == placeholder_bytes("a-1.0.tar.gz", 1000)
    assert len(placeholder_bytes("a-1.0.tar.gz", 1000)) == 1000
    assert placeholder_bytes("a-1.0.tar.gz", 64) != placeholder_bytes("a-1.1.tar.gz", 64)


@pytest.mark.parametrize("filename, pyver, kind", [
    ("a-1.0.tar.gz", "source", "sdist"),
    ("a-1.0.zip", "source", "sdist"),
    ("a-1.0-py3-none-any.whl", "py3", "bdist_wheel"),
    ("a-1.0-py2.py3-none-any.whl", "py2.py3", "bdist_wheel"),
    ("a-1.0-1-cp311-cp311-win_amd64.whl", "cp311", "bdist_wheel"),
])
def test_python_version_and_packagetype(filename: str, pyver: str, kind: str) -> None:
    assert (python_version_for(filename), packagetype_for(filename)) == (pyver, kind)


def test_storage_path_is_shaped_like_files_pythonhosted_org() -> None:
    parts = storage_path("a-1.0.tar.gz").split("/")
    assert parts[:2] == ["", "packages"] and [len(p) for p in parts[2:5]] == [2, 2, 60]
    assert parts[-1] == "a-1.0.tar.gz"


def test_digests_are_of_the_served_bytes() -> None:
    stored = StoredFile("a-1.0.tar.gz", 1_700_000_000.5, lambda: b"hello")
    obj = stored.json_api_object("http://x/a", False, None)
    assert obj["digests"]["sha256"] == hashlib.sha256(b"hello").hexdigest() == stored.digests["sha256"]
    assert obj["size"] == 5 and obj["core-metadata"] is False
    assert (obj["upload_time"], obj["upload_time_iso_8601"]) == ("2023-11-14T22:13:20", "2023-11-14T22:13:20.500000Z")
