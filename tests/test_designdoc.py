"""Pushing the CouchApp: a changed view is built as _design/pypi-staging before it goes live."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from pypioncouch import designdoc
from pypioncouch.couch import Database
from pypioncouch.designdoc import COUCHAPP_DIR, DESIGN_DOC_ID, STAGING_ID, DesignDocError, push_design_doc
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from tests.conftest import rewrite_url

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
PROJECTS = 150
MARKER = "// a new version of this view"


def app_version(tmp_path: Path, name: str, view: str | None = None, list_name: str | None = None,
                base: Path = COUCHAPP_DIR) -> Path:
    """A copy of the CouchApp (of ``base``) with one view's map (a new index) or one list changed.
    Tests push copies: other work may change the checkout's couchapp/ between two pushes."""
    app = tmp_path / name / "couchapp"
    shutil.copytree(base, app)
    if view:
        path = app / "views" / view / "map.js"
        source = path.read_text(encoding="utf-8")  # inside the function: PouchDB Server evaluates "(" + map + ")"
        path.write_text(source.replace("{", "{\n  " + f"{MARKER} ({name})", 1), encoding="utf-8")
    if list_name:
        path = app / "lists" / f"{list_name}.js"
        source = path.read_text(encoding="utf-8")
        path.write_text(source.replace("{", "{\n  " + f"// {name}", 1), encoding="utf-8")
    return app


@pytest.fixture
def app_a(tmp_path: Path) -> Path:
    return app_version(tmp_path, "a")


@pytest.fixture
def filled_db(db: Database, app_a: Path) -> Database:
    """PROJECTS projects of 3 releases each, and the CouchApp (``app_a``) pushed with its views built."""
    docs = []
    for project in generate_dataset(projects=PROJECTS, releases_per_project=3, files_per_release=2, seed=21):
        docs += build_project_documents(json_api_project(project, UrlPolicy("https://files.example")),
                                        renderer=None).all()
    for start in range(0, len(docs), 500):
        db.bulk_docs(docs[start:start + 500])
    assert push_design_doc(db.location, app_a).how == "warmed"  # documents there: the first push builds too
    return db


def live_views(db: Database) -> dict[str, Any]:
    return db.get(DESIGN_DOC_ID)["views"]


def unbuilt_rows(db: Database, design_id: str = DESIGN_DOC_ID) -> dict[str, int]:
    """Rows each view of ``design_id`` answers from its index as it is, building nothing (stale=ok)."""
    counts = {}
    for name, view in db.get(design_id)["views"].items():
        params = {"stale": "ok", "limit": "0", **({"reduce": "false"} if view.get("reduce") else {})}
        counts[name] = db.session.get(f"{db.url}/{design_id}/_view/{name}", params=params,
                                      timeout=60).json()["total_rows"]
    return counts


def observe(db: Database, session: requests.Session) -> dict[str, Any]:
    """One reader's look: which version is live, what its indexes hold unbuilt, what pip gets."""
    page = session.get(rewrite_url(db, "simple/"), headers={"Accept": PIP_ACCEPT}, timeout=600)
    return {"new": MARKER in live_views(db)["simple_projects"]["map"], "rows": unbuilt_rows(db),
            "status": page.status_code, "projects": len(page.json()["projects"]) if page.status_code == 200 else 0}


def test_changed_view_goes_live_only_once_built(filled_db: Database, app_a: Path, tmp_path: Path) -> None:
    db = filled_db
    built = unbuilt_rows(db)
    assert built["simple_projects"] == PROJECTS  # the live version's indexes are built
    session = requests.Session()
    session.auth = db.session.auth
    observations = [observe(db, session)]
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            observations.append(observe(db, session))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        report = push_design_doc(db.location, app_version(tmp_path, "b", view="simple_projects", base=app_a))
    finally:
        done.set()
        thread.join()
    observations.append(observe(db, session))

    assert report.how == "warmed" and "simple_projects" in report.build_seconds
    assert not observations[0]["new"] and observations[-1]["new"]
    for seen in observations:  # never a stale, empty or failed page, old version or new
        assert (seen["status"], seen["projects"]) == (200, PROJECTS), seen
        if seen["new"]:  # live only with its index built: a reader needs no build
            assert seen["rows"] == built, seen
    assert db.get(STAGING_ID)["views"] == live_views(db)  # the scratch copy stays, identical


def test_only_the_list_changed_goes_straight_to_the_live_doc(filled_db: Database, app_a: Path, tmp_path: Path) -> None:
    staging_rev = filled_db.get(STAGING_ID)["_rev"]
    report = push_design_doc(filled_db.location, app_version(tmp_path, "c", list_name="simple_index", base=app_a))
    assert report.how == "direct"
    assert filled_db.get(STAGING_ID)["_rev"] == staging_rev
    assert "// c\n" in filled_db.get(DESIGN_DOC_ID)["lists"]["simple_index"]
    again = tmp_path / "again" / "couchapp"
    shutil.copytree(tmp_path / "c" / "couchapp", again)  # same content, another folder
    assert push_design_doc(filled_db.location, again).how == "unchanged"


def test_same_app_again_is_unchanged(db: Database, tmp_path: Path) -> None:
    app = app_version(tmp_path, "same")  # a copy: the checkout may change between two pushes
    assert push_design_doc(db.location, app).how == "direct"  # nothing to index yet
    rev = db.get(DESIGN_DOC_ID)["_rev"]
    assert push_design_doc(db.location, app).how == "unchanged"
    assert db.get(DESIGN_DOC_ID)["_rev"] == rev
    assert db.get(STAGING_ID) is None


def test_a_build_past_the_timeout_leaves_the_live_doc_alone(filled_db: Database, app_a: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = filled_db.get(DESIGN_DOC_ID)
    monkeypatch.setattr(designdoc, "QUERY_TIMEOUT", 0.001)  # every view query "times out"
    with pytest.raises(DesignDocError, match="not built in time"):
        push_design_doc(filled_db.location, app_version(tmp_path, "d", view="json_api_answer", base=app_a), timeout=0)
    assert filled_db.get(DESIGN_DOC_ID)["_rev"] == before["_rev"]
    assert MARKER in filled_db.get(STAGING_ID)["views"]["json_api_answer"]["map"]


def test_make_push_says_what_it_did(filled_db: Database, app_a: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{filled_db.location.server}/{filled_db.location.name}"
    monkeypatch.setattr(designdoc, "COUCHAPP_DIR", app_version(tmp_path, "e", view="simple_files", base=app_a))
    assert designdoc.main([url]) == 0
    out = capsys.readouterr().out
    assert f"{STAGING_ID}/_view/simple_files: built in" in out and "then copied over the live one" in out
