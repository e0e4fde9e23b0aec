"""The pre-rendered Simple index (pypioncouch.simple_index): a stable partition (one new, changed or
removed project rewrites the piece it falls in), bounded pieces, writes only of what changed,
refreshed by the importer at the end of a run, and safe to refresh twice at once. Byte equality
with the index the CouchApp builds from every project: tests/couchapp/test_simple_index_pieces.py."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from pypioncouch.couch import CouchError, Database
from pypioncouch.servers import server_kind
from pypioncouch.simple_index import (HEAD_ID, PREFIX, iter_pieces, piece_id, project_html, project_json,
                                      refresh_after_run, refresh_simple_index, render_pieces)
from tests.conftest import errors_running_at_once, push_app, rewrite_url

SIZES = {"max_bytes": 4_000, "target_bytes": 2_000, "min_bytes": 500}


def rows(names: list[str]) -> list[tuple[str, Any, Any]]:
    return [(name, name.title(), zlib.crc32(name.encode())) for name in sorted(names)]


def partition(names: list[str], firsts: list[str] | None = None) -> list[Any]:
    return render_pieces(rows(names), firsts or [], **SIZES)


def firsts_of(pieces: list[Any]) -> list[str]:
    return [piece.first for piece in pieces]


NAMES = [f"project-{n:04d}" for n in range(0, 2000, 5)]


def test_pieces_hold_every_project_once_in_order_and_stay_bounded() -> None:
    pieces = partition(NAMES)
    assert [row[0] for piece in pieces for row in piece.rows] == sorted(NAMES)
    assert all(piece.bytes <= SIZES["max_bytes"] for piece in pieces) and len(pieces) > 5
    assert pieces[0].first == "" and all(piece.rows[0][0] == piece.first for piece in pieces[1:])
    assert "".join(piece.html for piece in pieces) == "".join(project_html(name.title()) for name in sorted(NAMES))


def test_a_new_project_rewrites_the_one_piece_it_falls_in() -> None:
    before = partition(NAMES)
    after = partition(NAMES + ["project-1002"], firsts_of(before))
    changed = {piece_id(p) for p in after} - {piece_id(p) for p in before}
    assert len(changed) == 1
    assert firsts_of(after) == firsts_of(before)


def test_a_removed_project_rewrites_its_piece_even_when_it_was_the_first() -> None:
    before = partition(NAMES)
    first_of_third = before[3].first
    after = partition([name for name in NAMES if name != first_of_third], firsts_of(before))
    assert len({piece_id(p) for p in after} - {piece_id(p) for p in before}) == 1
    assert firsts_of(after) == firsts_of(before)  # the boundary stays, though its project is gone


def test_a_piece_past_the_limit_splits_and_one_below_the_floor_merges() -> None:
    before = partition(NAMES)
    crowded = NAMES + [f"project-0500-{n:03d}" for n in range(80)]
    after = partition(crowded, firsts_of(before))
    assert len(after) > len(before) and all(piece.bytes <= SIZES["max_bytes"] for piece in after)
    untouched = {piece_id(p) for p in before} & {piece_id(p) for p in after}
    assert len(untouched) >= len(before) - 2
    emptied = partition([name for name in NAMES if not name.startswith("project-05")], firsts_of(before))
    assert all(piece.bytes >= SIZES["min_bytes"] for piece in emptied[:-1])
    assert [row[0] for piece in emptied for row in piece.rows] == sorted(n for n in NAMES if not n.startswith("project-05"))


def test_pieces_come_out_while_the_rows_are_still_being_read() -> None:
    """A refresh at PyPI's size reads 900,000 rows: the first pieces are made (and written)
    before the last rows are read, so the index is never held whole."""
    read = []

    def view_rows():
        for row in rows(NAMES):
            read.append(row[0])
            yield row

    pieces = iter_pieces(view_rows(), [], **SIZES)
    first, second = next(pieces), next(pieces)
    assert first.rows and second.rows and len(read) < len(NAMES) // 2
    assert [row[0] for piece in [first, second, *pieces] for row in piece.rows] == sorted(NAMES)


def test_rows_follow_the_servers_order_even_where_pythons_differs() -> None:
    """A row goes forward only: the pieces keep the order they were given in."""
    given = [("a_b", "A_B", 1), ("a-b", "A-B", 2), ("a.b", "A.B", 3), ("ab", "Ab", 4)]  # ICU: _ before -
    pieces = render_pieces(given, ["", "a-b", "a_b"], max_bytes=10_000, target_bytes=5_000, min_bytes=0)
    assert [row for piece in pieces for row in piece.rows] == given


def test_fragments_are_what_lib_simple_render_writes() -> None:
    assert project_html("Amp & <Co>") == '    <a href="amp%20%26%20%3Cco%3E/">Amp &amp; &lt;Co&gt;</a>\n'
    assert project_html("Zope.Interface__x") == '    <a href="zope-interface-x/">Zope.Interface__x</a>\n'
    assert project_html("Ünï") == '    <a href="%C3%BCn%C3%AF/">Ünï</a>\n'
    assert project_json("Ünï\u0001", None) == '{"name":"Ünï\\u0001","_last-serial":null}'


def test_refresh_writes_what_changed_and_nothing_the_second_time(app_db: Database) -> None:
    docs = [{"_id": name, "type": "project", "schema": 1, "name": name.title(), "versions": [], "info": {},
             "last_serial": n} for n, name in enumerate(NAMES)]
    assert all(r.get("ok") for r in app_db.bulk_docs(docs))
    first = refresh_simple_index(app_db, **SIZES)
    assert first.head_written and first.written == first.pieces > 5 and first.projects == len(NAMES)
    before = app_db.info()["update_seq"]
    again = refresh_simple_index(app_db, **SIZES)
    assert (again.written, again.deleted, again.head_written) == (0, 0, False)
    assert app_db.info()["update_seq"] == before
    app_db.put({"_id": "project-1001", "type": "project", "schema": 1, "name": "New", "versions": [], "info": {}})
    third = refresh_simple_index(app_db, **SIZES)
    assert (third.written, third.deleted, third.head_written) == (1, 1, True)


def test_two_refreshes_at_once_leave_a_whole_index(app_db: Database) -> None:
    docs = [{"_id": name, "type": "project", "schema": 1, "name": name, "versions": [], "info": {}} for name in NAMES]
    assert all(r.get("ok") for r in app_db.bulk_docs(docs))
    assert errors_running_at_once(lambda: refresh_simple_index(app_db, **SIZES)) == []
    head = app_db.get(HEAD_ID)
    stored = {row["id"]: row["doc"] for row in app_db.id_range(PREFIX)}
    assert all(entry["id"] in stored for entry in head["pieces"])
    assert sum(stored[entry["id"]]["projects"] for entry in head["pieces"]) == len(NAMES)


def test_after_a_run_only_a_change_or_a_new_serial_renders_again(app_db: Database) -> None:
    app_db.put({"_id": "alpha", "type": "project", "schema": 1, "name": "Alpha", "versions": [], "info": {}})
    assert refresh_after_run(app_db, changed=False) is not None  # no index yet
    assert refresh_after_run(app_db, changed=False) is None
    app_db.put({"_id": "pypioncouch:state", "type": "state", "last_serial": 42})
    report = refresh_after_run(app_db, changed=False)
    assert report is not None and report.head_written and report.written == 0
    assert app_db.get(HEAD_ID)["serial"] == 42
    assert refresh_after_run(app_db, changed=True) is not None


def test_a_database_without_the_couchapp_is_left_alone(db: Database) -> None:
    db.put({"_id": "alpha", "type": "project", "schema": 1, "name": "Alpha", "versions": [], "info": {}})
    assert refresh_after_run(db, changed=True) is None
    assert db.id_range(PREFIX) == []


def test_an_import_renders_the_index(app_db: Database, start_emulator: Any) -> None:
    import requests

    from pypioncouch import import_all
    from pypioncouch.emulator import generate_dataset

    emulator = start_emulator(generate_dataset(projects=12, releases_per_project=2, files_per_release=1))
    import_all(app_db.url, index_url=emulator.url, attachments=None, workers=2)
    head = app_db.get(HEAD_ID)
    assert head is not None and head["projects"] == 12
    index = requests.get(rewrite_url(app_db, "simple/"), headers={"Accept": "text/html"}, allow_redirects=False,
                         timeout=60)
    built = requests.get(rewrite_url(app_db, "simple/index/from-projects/"), headers={"Accept": "text/html"}, timeout=60)
    assert index.status_code == 200 and index.content == built.content


@pytest.mark.skipif(server_kind() != "couchdb", reason="tests on PouchDB Server run without the guard (conftest.push_app)")
def test_the_guard_takes_pieces_only_under_their_own_ids(db: Database) -> None:
    push_app(db)
    assert db.bulk_docs([{"_id": PREFIX + "0123456789abcdef", "type": "simple_index_piece", "html": "",
                          "json": ""}])[0].get("ok")
    with pytest.raises(CouchError) as refused:
        db.put({"_id": PREFIX + "other", "type": "simple_index_piece", "html": "", "json": ""})
    assert refused.value.status == 403
    with pytest.raises(CouchError):
        db.put({"_id": PREFIX + "elsewhere", "type": "simple_index", "pieces": []})
