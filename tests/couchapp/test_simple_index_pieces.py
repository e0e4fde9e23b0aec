"""`/simple/` from the pieces the importer renders (pypioncouch.simple_index) against the index
the list builds from every project (`simple/index/from-projects/`): the same bytes, HTML and
JSON, on names that are hard to render alike (HTML specials, non-ASCII, astral characters,
control characters, U+2028, ids whose collation differs between servers); the same after
projects are added and removed; an ETag from the documents read, and a 304 that builds
nothing; a 307 to the fallback where the pieces are missing or incomplete."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.simple_index import HEAD_ID, PREFIX, refresh_simple_index
from served_data import PIP_ACCEPT, SIMPLE_HTML, SIMPLE_JSON, UV_ACCEPT, drop, get
from tests.conftest import new_database, push_app, rewrite_url, write_payloads
from tests.couchapp.browse_data import payload

FALLBACK = "simple/index/from-projects/"
ACCEPTS = ["text/html", SIMPLE_HTML, SIMPLE_JSON, PIP_ACCEPT, UV_ACCEPT, None]
# Small pieces, so that a few dozen projects make several of them.
SIZES = {"max_bytes": 2_000, "target_bytes": 1_000, "min_bytes": 250}

ODD_DISPLAY_NAMES = {  # id -> display name: what PyPI reports may differ from the id in case and more
    "amp-co": "Amp & Co <b>'\"",
    "unicode-name": "Ünïcødé-Näme",
    "astral": "astral-\U0001F40D",
    "control": "control\u0001\u001f",
    "separator": "line\u2028sep\u2029",
    "legacy.dots": "Legacy.Dots",
    "under_score": "Under_Score",
    "a_b": "A_B",
    "a-b": "A-B",
    "a.b": "A.B",
    "a0": "A0",
    "0": "0",
    "9lives": "9Lives",
    "no-serial": "No-Serial",
}


def project_doc(doc_id: str, name: str, serial: Any) -> dict[str, Any]:
    doc = {"_id": doc_id, "type": "project", "schema": 1, "name": name, "versions": [], "info": {}}
    if serial is not None:
        doc["last_serial"] = serial
    return doc


def corpus() -> list[dict[str, Any]]:
    docs = [project_doc(doc_id, name, None if doc_id == "no-serial" else 1000 + n)
            for n, (doc_id, name) in enumerate(ODD_DISPLAY_NAMES.items())]
    docs += [project_doc(f"generated-{n:03d}", f"Generated_{n:03d}", 5000 + n) for n in range(60)]
    docs.append(dict(project_doc("quarantined", "Quarantined", 7), project_status={"status": "quarantined"}))
    return docs


@pytest.fixture
def index_db(couch_server: Any) -> Iterator[Database]:
    db = push_app(new_database(couch_server.url, prefix="pieces"))
    write_payloads(db, [payload("Alpha-Tool", {"1.0": "2024-03-04T10:00:00Z"}),
                        payload("zeta.Zope_thing", {"2.0": "2024-03-05T10:00:00Z"})])
    assert all(r.get("ok") for r in db.bulk_docs(corpus()))
    db.put({"_id": "pypioncouch:state", "type": "state", "last_serial": 987654})
    yield db
    drop(db)


def conditional_get(db: Database, etag: str) -> requests.Response:
    return requests.get(rewrite_url(db, "simple/"), headers={"Accept": PIP_ACCEPT, "If-None-Match": etag},
                        allow_redirects=False, timeout=120)


def same_answers(db: Database) -> None:
    """Every Accept gets from the pieces what the fallback builds from the projects, byte for byte."""
    for accept in ACCEPTS:
        pieced, built = get(db, "simple/", accept), get(db, FALLBACK, accept)
        assert pieced.status_code == 200, (accept, pieced.status_code, pieced.text[:200])
        assert built.status_code == 200
        assert pieced.content == built.content, accept
        for header in ("Content-Type", "X-PyPI-Last-Serial", "Vary", "Access-Control-Allow-Origin"):
            assert pieced.headers.get(header) == built.headers.get(header), (accept, header)
        assert pieced.headers["ETag"].startswith('W/"v-')


def test_pieces_give_the_bytes_of_the_index_built_from_every_project(index_db: Database) -> None:
    report = refresh_simple_index(index_db, **SIZES)
    assert report.pieces >= 4 and report.projects == len(ODD_DISPLAY_NAMES) + 60 + 2
    same_answers(index_db)
    page = get(index_db, "simple/", SIMPLE_JSON).json()
    assert page["meta"] == {"api-version": "1.4", "_last-serial": 987654}
    names = [p["name"] for p in page["projects"]]
    assert "Quarantined" not in names and "Amp & Co <b>'\"" in names and "astral-\U0001F40D" in names
    assert get(index_db, "simple/", "text/html").headers["X-PyPI-Last-Serial"] == "987654"


def test_format_parameter_and_406_as_the_fallback_answers(index_db: Database) -> None:
    refresh_simple_index(index_db, **SIZES)
    for query in ("?format=json", "?format=text/html", "?format=application/vnd.pypi.simple.v1%2Bjson"):
        assert get(index_db, "simple/" + query).content == get(index_db, FALLBACK + query).content
    refused = get(index_db, "simple/?format=application/pdf", PIP_ACCEPT)
    fallback = get(index_db, FALLBACK + "?format=application/pdf", PIP_ACCEPT)
    assert refused.status_code == fallback.status_code == 406
    assert refused.text == fallback.text


def test_added_and_removed_projects_change_the_pieces_they_fall_in(index_db: Database) -> None:
    refresh_simple_index(index_db, **SIZES)
    before = {entry["id"] for entry in index_db.get(HEAD_ID)["pieces"]}
    index_db.put(project_doc("generated-030a", "Generated_030a", 9999))
    gone = index_db.get("generated-010")
    index_db.request("DELETE", index_db.doc_url("generated-010"), what="delete", params={"rev": gone["_rev"]})
    report = refresh_simple_index(index_db, **SIZES)
    after = {entry["id"] for entry in index_db.get(HEAD_ID)["pieces"]}
    assert 1 <= len(after - before) <= 4 and report.written == len(after - before)
    assert report.deleted == len(before - after)
    assert len(after & before) >= len(before) - 4  # the other pieces are kept as they were
    same_answers(index_db)
    names = [p["name"] for p in get(index_db, "simple/", SIMPLE_JSON).json()["projects"]]
    assert "Generated_030a" in names and "Generated_010" not in names
    stored = {row["id"] for row in index_db.id_range(PREFIX, include_docs=False)}
    assert stored == after | {HEAD_ID}  # no stale piece left behind


def test_etag_from_the_documents_and_a_304(index_db: Database) -> None:
    refresh_simple_index(index_db, **SIZES)
    first = get(index_db, "simple/", PIP_ACCEPT)
    etag = first.headers["ETag"]
    assert get(index_db, "simple/", "text/html").headers["ETag"] != etag
    again = conditional_get(index_db, etag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    index_db.put({"_id": "unrelated", "type": "project", "schema": 1, "name": "Unrelated", "versions": [], "info": {}})
    # a write the pieces have not taken in yet leaves the answer, and its ETag, as they were
    assert get(index_db, "simple/", PIP_ACCEPT).headers["ETag"] == etag
    refresh_simple_index(index_db, **SIZES)
    changed = conditional_get(index_db, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Unrelated" in [p["name"] for p in changed.json()["projects"]]


def test_without_pieces_the_index_redirects_to_the_one_built_from_projects(index_db: Database) -> None:
    for query in ("", "?format=json"):
        moved = get(index_db, "simple/" + query, PIP_ACCEPT)
        assert moved.status_code == 307 and moved.headers["Location"] == "index/from-projects/" + query
        assert moved.headers["Access-Control-Allow-Origin"] == "*"
        followed = requests.get(moved.url, headers={"Accept": PIP_ACCEPT}, timeout=60)
        assert followed.url.endswith("/_rewrite/" + FALLBACK + query) and followed.status_code == 200
        assert followed.content == get(index_db, FALLBACK + query, PIP_ACCEPT).content


def test_a_missing_piece_sends_readers_to_the_fallback(index_db: Database) -> None:
    """A mirror mid-replication, or a reader between two writes: never a partial index."""
    refresh_simple_index(index_db, **SIZES)
    head = index_db.get(HEAD_ID)
    piece = index_db.get(head["pieces"][2]["id"])
    index_db.request("DELETE", index_db.doc_url(piece["_id"]), what="delete piece", params={"rev": piece["_rev"]})
    moved = get(index_db, "simple/", SIMPLE_JSON)
    assert moved.status_code == 307 and moved.headers["Location"] == "index/from-projects/"
    refresh_simple_index(index_db, **SIZES)  # the next refresh writes it again
    same_answers(index_db)


def test_an_empty_database_with_a_head_serves_an_empty_index(couch_server: Any) -> None:
    db = push_app(new_database(couch_server.url, prefix="pieces"))
    try:
        refresh_simple_index(db)
        assert get(db, "simple/", SIMPLE_JSON).content == get(db, FALLBACK, SIMPLE_JSON).content
        assert get(db, "simple/", "text/html").content == get(db, FALLBACK, "text/html").content
        assert get(db, "simple/", "text/html").status_code == 200
    finally:
        drop(db)
