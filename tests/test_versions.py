"""version_key must sort like packaging.version.Version, under CouchDB's collation."""

import random

import pytest
from packaging.version import Version

from pypioncouch.couch import Database
from pypioncouch.versions import sort_versions, version_key

PEP440_ORDER = [
    "0.9", "1.0.dev0", "1.0.dev1", "1.0a0.dev0", "1.0a0", "1.0a1", "1.0a2.post1", "1.0b1", "1.0rc1",
    "1.0rc1.post1.dev2", "1.0rc1.post1", "1.0", "1.0+abc", "1.0+abc.5", "1.0+5", "1.0+5.abc",
    "1.0.post0.dev3", "1.0.post0", "1.0.post1", "1.0.1", "1.1.dev1", "1.1", "1.10", "2", "1!0.1",
]


def test_fixture_is_in_pep_440_order() -> None:
    # The table is checked against packaging itself, so the expectation is not ours.
    assert sorted(PEP440_ORDER, key=Version) == PEP440_ORDER


def test_sort_versions_matches_packaging() -> None:
    shuffled = PEP440_ORDER[:]
    random.Random(4).shuffle(shuffled)
    assert sort_versions(shuffled) == PEP440_ORDER


def test_version_keys_collate_in_pep_440_order_in_a_view(db: Database) -> None:
    shuffled = PEP440_ORDER[:]
    random.Random(5).shuffle(shuffled)
    db.request("POST", f"{db.url}/_bulk_docs", what="write", body={"docs": [
        {"_id": "_design/v", "views": {"by_key": {"map": "function (doc) { emit(doc.key, doc.version); }"}}},
        *({"_id": f"v{i}", "version": v, "key": version_key(v)} for i, v in enumerate(shuffled))]})
    assert [row["value"] for row in db.view("v", "by_key")["rows"]] == PEP440_ORDER


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("1.0.0.0", "1")])
def test_equal_versions_have_equal_keys(a: str, b: str) -> None:
    assert version_key(a) == version_key(b)


def test_legacy_versions_sort_first_in_string_order() -> None:
    assert sort_versions(["1.0", "2004d", "0.1dev-r123", "0.0.1"]) == ["0.1dev-r123", "2004d", "0.0.1", "1.0"]
    assert version_key("1.0-beta 2") == [-1, "1.0-beta 2"]
