"""The JSON API answer the importer stores pre-rendered (json_api.py)."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
from typing import Any

import pytest

from pypioncouch import json_api
from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload, generate_dataset
from pypioncouch.json_api import answer_documents, answer_text, head_id
from pypioncouch.simple_pages import attachment_prefix
from tests.conftest import revisions

COUCHDB_MAX_DOCUMENT_SIZE = 8_000_000


def stored_text(docs: list[dict[str, Any]]) -> str:
    """The answer as the CouchApp assembles it: the pieces the head names, in order, then its text."""
    by_id = {doc["_id"]: doc for doc in docs}
    head = next(doc for doc in docs if doc["type"] == "json_api")
    return "".join(by_id[piece]["text"] for piece in head["pieces"]) + head["text"]


def split(payload: dict[str, Any], limit: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The project document, its release documents and its answer documents cut at ``limit``."""
    docs = build_project_documents(payload)
    releases = [doc for doc in docs.releases if doc["type"] in ("release", "release_files")]
    return docs.project, releases, answer_documents(docs.project, releases, limit=limit)


@pytest.mark.parametrize("name", CAPTURED_PROJECTS)
def test_answer_holds_what_pypi_sent(name: str) -> None:
    payload = captured_payload(name)
    answer = json.loads(answer_text(*split(payload, 10**9)[:2]))
    assert list(answer) == [key for key in ("info", "releases", "urls", "vulnerabilities", "last_serial", "ownership")
                            if key in payload]
    assert answer["info"] == payload["info"]
    assert {v: sorted(f["filename"] for f in files) for v, files in answer["releases"].items()} == \
        {v: sorted(f["filename"] for f in files) for v, files in payload["releases"].items()}
    assert sorted(map(json.dumps, answer["urls"])) == sorted(map(json.dumps, payload["urls"]))
    assert (answer["vulnerabilities"], answer["last_serial"]) == (payload["vulnerabilities"], payload["last_serial"])


def test_the_importer_stores_the_answer_last_in_the_project_ranges() -> None:
    docs = build_project_documents(captured_payload("orjson"))
    kinds = [doc["type"] for doc in docs.releases]
    assert kinds[-1] == "json_api" and docs.releases[-1]["_id"] == "orjson//json"
    assert kinds.index("json_api_piece") > max(i for i, kind in enumerate(kinds) if kind in ("release", "release_files"))
    # orjson's Simple page is long enough to be stored as attachments and its answer to have a
    # gzipped copy, both beside the project's range
    attached = [doc for doc in docs.releases if doc["type"] == "simple_attachment"]
    compressed = [doc for doc in docs.releases if doc["type"] == "json_api_gzip"]
    assert attached and all(doc["_id"].startswith(attachment_prefix("orjson")) for doc in attached)
    assert [doc["_id"] for doc in compressed] == [json_api.gzip_prefix("orjson") + "gzip"]
    assert all(doc["_id"].startswith("orjson/") for doc in docs.releases if doc not in attached + compressed)
    assert stored_text(docs.releases) == answer_text(docs.project, docs.releases)


@pytest.mark.parametrize("limit", [700, 5_000, 60_000, 10**9])
def test_pieces_put_back_together_are_the_answer(limit: int) -> None:
    project, releases, answer = split(captured_payload("markupsafe"), limit)
    assert stored_text(answer) == answer_text(project, releases)
    assert all(len(doc["text"]) <= limit for doc in answer if doc["type"] != "json_api_gzip")
    pieces = [doc for doc in answer if doc["type"] == "json_api_piece"]
    assert len({doc["_id"] for doc in pieces}) == len(pieces)
    for doc in pieces:  # content-addressed: a new text is a new document, never an overwritten one
        digest = hashlib.sha256(doc["text"].encode()).hexdigest()[:16]
        assert doc["_id"].split("-")[0] == "markupsafe//json/" + digest  # "-2": the urls repeat the latest files


def test_equal_pieces_get_ids_of_their_own() -> None:
    payload = copy.deepcopy(captured_payload("cmscouchapp"))
    version = payload["info"]["version"]
    payload["releases"][version] = [dict(payload["urls"][0])] * 40  # one file object, 40 times
    project, releases, answer = split(payload, 50)
    ids = [doc["_id"] for doc in answer if doc["type"] == "json_api_piece"]
    assert len(ids) == len(set(ids)) and any(i.endswith("-2") for i in ids)
    assert stored_text(answer) == answer_text(project, releases)


def test_small_answer_is_the_head_alone() -> None:
    _, _, answer = split(captured_payload("cmscouchapp"), json_api.PIECE_CHARS)
    assert [doc["_id"] for doc in answer] == ["cmscouchapp//json"]
    assert answer[0]["pieces"] == [] and answer[0]["last_serial"] == captured_payload("cmscouchapp")["last_serial"]


def test_every_answer_document_stays_far_below_the_document_limit() -> None:
    project = next(iter(generate_dataset(projects=1, releases_per_project=1_500, files_per_release=6, seed=3)))
    from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
    docs = build_project_documents(json_api_project(project, UrlPolicy("https://files.example")))
    answer = [doc for doc in docs.releases if doc["type"] in ("json_api", "json_api_piece")]
    assert len(answer) > 3
    assert max(len(json.dumps(doc).encode()) for doc in answer) < COUCHDB_MAX_DOCUMENT_SIZE / 4
    compressed = next(doc for doc in docs.releases if doc["type"] == "json_api_gzip")
    assert len(json.dumps(compressed).encode()) < json_api.GZIP_MAX_BASE64 + 1_000 < COUCHDB_MAX_DOCUMENT_SIZE


# ---- the gzipped copy of a long answer --------------------------------------------------------

def test_a_long_answer_has_a_gzipped_copy_beside_the_project_named_by_its_head() -> None:
    docs = build_project_documents(captured_payload("orjson"))
    kinds = [doc["type"] for doc in docs.releases]
    compressed, head = docs.releases[kinds.index("json_api_gzip")], docs.releases[-1]
    assert kinds.index("json_api_gzip") == len(kinds) - 2  # written before the head that names it
    assert compressed["_id"] == "orjson:json:gzip" and "/" not in compressed["_id"]
    assert head["gzip"] == {"id": compressed["_id"], "bytes": compressed["bytes"]}
    packed = base64.b64decode(compressed["base64"])
    assert len(packed) == compressed["bytes"] < len(stored_text(docs.releases)) / 3
    assert gzip.decompress(packed).decode() == stored_text(docs.releases) == answer_text(docs.project, docs.releases)
    assert compressed["last_serial"] == head["last_serial"] == captured_payload("orjson")["last_serial"]


def test_the_same_answer_gzips_to_the_same_document() -> None:
    """An unchanged project writes nothing (sync.py compares bodies): no timestamp in the gzip header."""
    first, again = (next(doc for doc in build_project_documents(captured_payload("orjson")).releases
                         if doc["type"] == "json_api_gzip") for _ in range(2))
    assert first == again


def test_a_short_answer_has_no_gzipped_copy() -> None:
    docs = build_project_documents(captured_payload("requests"))
    assert len(answer_text(docs.project, docs.releases)) <= json_api.GZIP_OVER
    assert not any(doc["type"] == "json_api_gzip" for doc in docs.releases)
    assert "gzip" not in docs.releases[-1]


def test_a_gzipped_copy_too_large_for_a_document_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_api, "GZIP_MAX_BASE64", 100_000)
    docs = build_project_documents(captured_payload("orjson"))
    assert not any(doc["type"] == "json_api_gzip" for doc in docs.releases)
    assert "gzip" not in docs.releases[-1]
    assert stored_text(docs.releases) == answer_text(docs.project, docs.releases)


def test_a_new_release_leaves_the_pieces_of_older_releases_alone() -> None:
    payload = captured_payload("markupsafe")
    latest = payload["info"]["version"]
    before = [doc for doc in split(payload, 60_000)[2] if doc["type"] == "json_api_piece"]
    newer = copy.deepcopy(payload)
    newer["releases"]["99.0"] = [dict(newer["urls"][0], filename="MarkupSafe-99.0.tar.gz")]
    newer["info"]["version"] = "99.0"
    newer["last_serial"] += 1
    after = {doc["_id"] for doc in split(newer, 60_000)[2] if doc["type"] == "json_api_piece"}
    # New: the info piece (info.version changed), the piece the new release joins (the one
    # the latest release began in) and everything after it (urls). Kept: all in between.
    older = before[1:next(i for i, doc in enumerate(before) if doc["text"].startswith(f',"{latest}":'))]
    assert len(older) > 10
    assert {doc["_id"] for doc in older} <= after
    assert before[0]["_id"] not in after


def test_update_replaces_changed_pieces_and_deletes_stale_ones(db: Database, start_emulator, monkeypatch) -> None:
    from pypioncouch import XmlRpcImporter
    monkeypatch.setattr(json_api, "PIECE_CHARS", 3_000)
    dataset = generate_dataset(projects=3, releases_per_project=12, files_per_release=2, seed=5)
    emu = start_emulator(dataset)

    def run(method: str) -> None:
        importer = XmlRpcImporter(db.location, index_url=emu.url, workers=2, attachments=None)
        getattr(importer, method)()

    run("import_all")
    name = sorted(p.normalized for p in dataset)[0]
    before = revisions(db)
    old_pieces = {i for i in before if i.startswith(f"{name}//json/")}
    dataset.add_release(dataset.get(name).name, "99.0", [f"{name.replace('-', '_')}-99.0.tar.gz"])
    run("update")
    after = revisions(db)
    new_pieces = {i for i in after if i.startswith(f"{name}//json/")}
    head = db.get(head_id(name))
    assert set(head["pieces"]) == new_pieces  # nothing stale left behind
    assert old_pieces - new_pieces and old_pieces & new_pieces  # some replaced, some kept
    assert all(before[i] == after[i] for i in old_pieces & new_pieces)  # kept pieces were not rewritten
    stored = "".join(db.get(piece)["text"] for piece in head["pieces"]) + head["text"]
    assert "99.0" in json.loads(stored)["releases"]
    assert json.loads(stored)["last_serial"] == head["last_serial"] == db.get(name)["last_serial"]
