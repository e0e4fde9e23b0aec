"""The tally documents the browsing pages read their counts from (pypioncouch.tallies):
recounted from browse_tallies, written only when they change, safe to refresh twice at once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pypioncouch.couch import CouchError, Database
from pypioncouch.documents import build_project_documents
from pypioncouch.servers import server_kind
from pypioncouch.tallies import BUCKET_VALUES, TALLY_PREFIX, refresh_after_run, refresh_tallies, tally_documents
from tests.conftest import errors_running_at_once, push_app, write_payloads
from tests.couchapp.browse_data import KNOWN, payload


def tallies(db: Database) -> dict[str, dict[str, Any]]:
    return {row["id"]: {k: v for k, v in row["doc"].items() if k != "_rev"} for row in db.id_range(TALLY_PREFIX)}


def counts(db: Database, kind: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for doc in tallies(db).values():
        if doc["kind"] == kind:
            merged.update(doc["counts"])
    return merged


def test_counts_totals_and_newest_projects(app_db: Database) -> None:
    write_payloads(app_db, KNOWN)
    report = refresh_tallies(app_db)
    assert report.written == len(tallies(app_db)) == 5  # home + one bucket for each kind
    assert counts(app_db, "author") == {"ada lovelace": 2, "grace hopper": 1}
    assert counts(app_db, "keyword") == {"web": 2, "http": 1, "cobol": 1, "compiler": 1, "game": 1}
    assert counts(app_db, "classifier")["Framework"] == [3, True]
    assert counts(app_db, "classifier")["Framework :: Flask"] == [1, False]
    home = tallies(app_db)[TALLY_PREFIX + "home"]
    assert (home["projects"], home["releases"]) == (4, 5)
    assert [entry[0] for entry in home["newest"]] == ["gamma", "beta", "alpha-tool", "2048"]
    assert home["newest"][0] == ["gamma", "gamma", "0.1", "Compiler for humans", [2024, 4, 5, 8, 0, 0]]


def test_a_second_refresh_writes_nothing(app_db: Database) -> None:
    write_payloads(app_db, KNOWN)
    refresh_tallies(app_db)
    before = app_db.info()["update_seq"]
    report = refresh_tallies(app_db)
    assert (report.written, report.deleted, report.unchanged) == (0, 0, 5)
    assert app_db.info()["update_seq"] == before


def replace_project(db: Database, new_payload: dict[str, Any]) -> None:
    docs = build_project_documents(new_payload).all()
    current = db.fetch([doc["_id"] for doc in docs])
    results = db.bulk_docs([dict(doc, _rev=current[doc["_id"]]["_rev"]) if doc["_id"] in current else doc
                            for doc in docs])
    assert all(result.get("ok") for result in results), results


def test_values_a_project_drops_are_recounted_and_empty_buckets_deleted(app_db: Database) -> None:
    write_payloads(app_db, KNOWN)
    refresh_tallies(app_db)
    # beta drops its keyword and its maintainer (the only one of that kind)
    replace_project(app_db, payload("beta", {"2.0": "2024-02-01T09:00:00Z"}, summary="Web scraping toolkit",
                                    author="ada lovelace", classifiers=["Framework :: Django", "Topic :: Internet"]))
    report = refresh_tallies(app_db)
    assert counts(app_db, "keyword")["web"] == 1
    assert counts(app_db, "maintainer") == {}
    assert not any(doc_id.startswith(TALLY_PREFIX + "maintainer:") for doc_id in tallies(app_db))
    assert report.deleted == 1


def test_two_refreshes_at_once_leave_the_right_counts(app_db: Database) -> None:
    """Recounted, never incremented: whichever write wins, it holds the counts of the data."""
    write_payloads(app_db, KNOWN)
    assert errors_running_at_once(lambda: refresh_tallies(app_db)) == []
    assert counts(app_db, "author") == {"ada lovelace": 2, "grace hopper": 1}
    assert refresh_tallies(app_db).written == 0


def test_a_database_without_the_couchapp_is_left_alone(db: Database) -> None:
    write_payloads(db, KNOWN)
    assert refresh_after_run(db, changed=True) is None
    assert tallies(db) == {}


def test_after_a_run_only_what_changed_is_counted_again(app_db: Database) -> None:
    write_payloads(app_db, KNOWN)
    assert refresh_after_run(app_db, changed=False) is not None  # no tallies yet: counted
    before = app_db.info()["update_seq"]
    assert refresh_after_run(app_db, changed=False) is None
    assert app_db.info()["update_seq"] == before


def test_values_spread_over_buckets_of_bounded_size() -> None:
    values = {f"author {n}": n % 7 + 1 for n in range(BUCKET_VALUES * 3 + 5)}
    docs = tally_documents({"author": values}, {"projects": 1, "releases": 2}, [])
    buckets = [doc for doc in docs.values() if doc["kind"] == "author"]
    assert len(buckets) == 4 and all(doc["buckets"] == 4 for doc in buckets)
    merged: dict[str, int] = {}
    for doc in buckets:
        assert not set(doc["counts"]) & set(merged)
        merged.update(doc["counts"])
    assert merged == values
    assert max(len(doc["counts"]) for doc in buckets) < BUCKET_VALUES * 1.2
    assert sorted(docs) == [TALLY_PREFIX + "author:" + f"{n:04d}" for n in range(4)] + [TALLY_PREFIX + "home"]


def test_long_values_take_more_buckets_so_none_nears_the_document_limit() -> None:
    """PyPI's author fields run to 65,536 characters; CouchDB refuses documents over 8 MB."""
    values = {f"{n:03d} " + "x" * 60_000: 1 for n in range(300)}  # 18 MB of names
    docs = tally_documents({"author": values}, {}, [])
    sizes = [len(json.dumps(doc)) for doc in docs.values()]
    assert max(sizes) < 2_000_000
    assert sum(len(doc.get("counts", {})) for doc in docs.values()) == 300


@pytest.mark.skipif(server_kind() != "couchdb", reason="tests on PouchDB Server run without the guard (conftest.push_app)")
def test_the_guard_takes_tallies_only_under_their_own_ids(db: Database) -> None:
    push_app(db)
    assert db.bulk_docs([{"_id": TALLY_PREFIX + "author:0003", "type": "tally", "kind": "author", "bucket": 3,
                          "buckets": 4, "counts": {}}])[0].get("ok")
    with pytest.raises(CouchError) as refused:
        db.put({"_id": TALLY_PREFIX + "author:0001", "type": "tally", "kind": "author", "bucket": 2, "counts": {}})
    assert refused.value.status == 403 and "pypioncouch:tally:author:0002" in refused.value.reason
