"""The importer against every kind of upstream: PyPI, a proxy of it, devpi, a static Simple tree
and another pypioncouch node. Partial mirrors never read the full listing; what pip gets from
the node is what the upstream's own Simple pages say; bad upstreams are refused before anything
is written."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import requests

from pypioncouch import XmlRpcImporter
from pypioncouch.cli import EXIT_UPSTREAM, main
from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset, generate_dataset, installable_project
from pypioncouch.emulator.flavours import PYPI
from pypioncouch.names import normalize
from pypioncouch.state import STATE_ID
from pypioncouch.upstream import RetryPolicy

from .conftest import new_database, push_app, rewrite_url

FAST = RetryPolicy(attempts=2, backoff=0.01, timeout=10)
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
KINDS = ["pypi", "proxy", "devpi", "static"]
# What pip reads of each file; the node must say what the upstream's page says.
PIP_KEYS = ("url", "hashes", "requires-python", "yanked")


def dataset() -> Dataset:
    data = generate_dataset(projects=8, releases_per_project=2, seed=23)
    installable_project("Demo.Pkg", ["1.0", "2.0"], requires_python=">=3.8", yanked={"1.0": "broken <build>"},
                        dependencies=["Other.Pkg"], dataset=data)
    installable_project("Other.Pkg", ["0.1"], dataset=data)
    return data


def importer(db: Database, emu: Any, **options: Any) -> XmlRpcImporter:
    return XmlRpcImporter(db.location, index_url=emu.index_url, attachments=None, retry=FAST, **options)


def upstream_page(emu: Any, name: str) -> dict[str, Any]:
    """The upstream's own page, as pip would read it (HTML-only upstreams through the node's own parser)."""
    from pypioncouch.upstream import Upstream
    found = Upstream(emu.index_url, FAST)
    return found.projects.pages.fetch(name)[0]


def node_page(db: Database, name: str) -> dict[str, Any]:
    response = requests.get(rewrite_url(db, f"simple/{name}/"), headers={"Accept": SIMPLE_JSON}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def core(entry: dict[str, Any]) -> Any:
    return entry.get("core-metadata") or entry.get("data-dist-info-metadata") or False


def assert_node_serves_the_upstream_page(db: Database, emu: Any, name: str) -> None:
    ours, theirs = node_page(db, name), upstream_page(emu, name)
    assert ours["meta"]["api-version"] == "1.4"
    assert [f["filename"] for f in ours["files"]] == sorted(f["filename"] for f in theirs["files"])
    by_name = {f["filename"]: f for f in theirs["files"]}
    for mine in ours["files"]:
        upstream = by_name[mine["filename"]]
        assert {k: mine[k] for k in PIP_KEYS} == {k: upstream.get(k, False if k == "yanked" else None)
                                                  for k in PIP_KEYS}
        assert mine["core-metadata"] == core(upstream)
        assert mine["provenance"] == upstream.get("provenance")
        if mine["core-metadata"]:  # advertised: it is there
            assert requests.get(mine["url"] + ".metadata", timeout=10).status_code == 200


def listing_reads(emu: Any) -> list[str]:
    """Requests that read the upstream's whole listing: the Simple root, list_packages_with_serial."""
    root = emu.flavour.simple_root
    return [f"{r.method} {r.path}" for r in emu.requests_log
            if (r.method == "GET" and r.path.split("?")[0] == root) or r.xmlrpc_method == "list_packages_with_serial"]


@pytest.mark.parametrize("kind", KINDS)
def test_allowlist_import_asks_for_each_named_project_and_never_for_the_listing(db: Database, start_emulator,
                                                                                   kind: str) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    report = importer(db, emu, projects=["demo-pkg", "OTHER_pkg"]).import_all()
    assert report.failed == {} and report.fetched == 2
    assert listing_reads(emu) == []
    assert {row["id"] for row in db.iter_all_docs() if "/" not in row["id"] and ":" not in row["id"]} == {
        "demo-pkg", "other-pkg"}
    assert db.get(STATE_ID)["last_serial"] == (emu.dataset.last_serial if kind == "pypi" else
                                               0 if kind == "static" else emu.dataset.get("other-pkg").last_serial)


def test_partial_update_with_a_journal_asks_the_journal_and_the_changed_project(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    importer(db, emu, projects=["demo-pkg", "other-pkg"]).import_all()
    emu.dataset.add_release("demo-pkg", "3.0")
    emu.dataset.add_release(sorted(p.name for p in emu.dataset if not p.name.endswith(".Pkg"))[0], "9.0")
    emu.clear_log()
    report = importer(db, emu, projects=["demo-pkg", "other-pkg"]).update()
    assert report.fetched == 1 and db.get("demo-pkg")["versions"][-1] == "3.0"
    asked = [r.xmlrpc_method or r.path for r in emu.requests_log]
    assert asked == ["changelog_since_serial", "changelog_since_serial", "/simple/demo-pkg/", "/pypi/demo-pkg/json"]


def test_partial_update_without_a_journal_asks_each_named_page_once(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset(), flavour="proxy")
    importer(db, emu, projects=["demo-pkg", "other-pkg"]).import_all()
    emu.dataset.add_release("demo-pkg", "3.0")
    emu.clear_log()
    report = importer(db, emu, projects=["demo-pkg", "other-pkg"]).update()
    assert (report.fetched, report.skipped) == (1, 1)
    gets = sorted(r.path for r in emu.requests_log if r.method == "GET")
    assert gets == ["/pypi/demo-pkg/json", "/simple/demo-pkg/", "/simple/other-pkg/"]
    assert listing_reads(emu) == []
    assert db.get(STATE_ID)["last_serial"] == emu.dataset.get("demo-pkg").last_serial


def test_a_name_added_to_the_allowlist_is_imported_by_the_next_update(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    importer(db, emu, projects=["demo-pkg"]).import_all()
    report = importer(db, emu, projects=["demo-pkg", "other-pkg"]).update()
    assert report.fetched == 1 and db.get("other-pkg") is not None


@pytest.mark.parametrize("kind", ["pypi", "proxy"])
def test_an_update_naming_no_projects_mirrors_those_the_import_named(db: Database, start_emulator, kind: str) -> None:
    """What `make run` prints: `pypioncouch --update URL` on the mirror its quickstart import made
    of a few named projects updates those, and does not set out to import the whole index."""
    emu = start_emulator(dataset(), flavour=kind)
    importer(db, emu, projects=["Demo.Pkg", "other-pkg"]).import_all()
    assert db.get(STATE_ID)["projects"] == ["Demo.Pkg", "other-pkg"]
    emu.dataset.add_release("demo-pkg", "3.0")
    emu.dataset.add_release(sorted(p.name for p in emu.dataset if not p.name.endswith(".Pkg"))[0], "9.0")  # not mirrored
    emu.clear_log()
    report = importer(db, emu).update()
    assert report.failed == {} and report.fetched == 1 and db.get("demo-pkg")["versions"][-1] == "3.0"
    assert listing_reads(emu) == []
    assert {row["id"] for row in db.iter_all_docs() if "/" not in row["id"] and ":" not in row["id"]} == {
        "demo-pkg", "other-pkg"}


def test_a_partial_mirrors_update_naming_projects_changes_its_selection(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    importer(db, emu, projects=["demo-pkg"]).import_all()
    importer(db, emu, projects=["demo-pkg", "other-pkg"]).update()
    assert db.get(STATE_ID)["projects"] == ["demo-pkg", "other-pkg"]
    emu.dataset.add_release("other-pkg", "0.2")
    assert importer(db, emu).update().fetched == 1 and db.get("other-pkg")["versions"][-1] == "0.2"


def test_a_full_import_of_the_whole_index_forgets_the_selection(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    importer(db, emu, projects=["demo-pkg"]).import_all()
    importer(db, emu).import_all()
    assert "projects" not in db.get(STATE_ID)
    emu.dataset.add_release("other-pkg", "0.2")
    assert importer(db, emu).update().fetched == 1 and db.get("other-pkg")["versions"][-1] == "0.2"


def test_an_update_naming_projects_on_a_whole_mirror_leaves_it_whole(db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    importer(db, emu).import_all()
    importer(db, emu, projects=["demo-pkg"]).update()
    assert "projects" not in db.get(STATE_ID)


def test_the_issue_case_a_proxy_with_no_xmlrpc_and_an_html_index(db: Database, start_emulator, capsys) -> None:
    """`--fullimport URL --index-url <proxy> --projects six` used to exit 4 insisting on a listing."""
    emu = start_emulator(dataset(), flavour="proxy")
    code = main(["--fullimport", db.url, "--index-url", emu.url, "--projects", "demo-pkg", "--no-progress"])
    assert code == 0, capsys.readouterr()
    assert db.get("demo-pkg")["versions"] == ["1.0", "2.0"]


@pytest.mark.parametrize("kind", KINDS)
def test_full_import_from_each_kind_serves_the_upstream_pages(app_db: Database, start_emulator, kind: str) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    report = importer(app_db, emu).import_all()
    assert report.failed == {} and report.fetched == len(emu.dataset)
    for project in emu.dataset:
        assert_node_serves_the_upstream_page(app_db, emu, project.normalized)
    index = requests.get(rewrite_url(app_db, "simple/"), headers={"Accept": SIMPLE_JSON}, timeout=30).json()
    assert {normalize(p["name"]) for p in index["projects"]} == {p.normalized for p in emu.dataset}


def test_proxy_json_api_names_metadata_files_the_node_never_advertises(app_db: Database, start_emulator) -> None:
    emu = start_emulator(dataset(), flavour="proxy")
    importer(app_db, emu, projects=["demo-pkg"]).import_all()
    stored = app_db.get("demo-pkg/2.0")
    assert any(f.get("core-metadata") for f in stored["files"])  # what the proxy's JSON API said, kept
    page = node_page(app_db, "demo-pkg")
    assert all(f["core-metadata"] is False for f in page["files"])
    html = requests.get(rewrite_url(app_db, "simple/demo-pkg/"), timeout=30).text
    assert "data-core-metadata" not in html and "data-dist-info-metadata" not in html
    assert all(f["url"].startswith(emu.url + "/packages/") for f in stored["files"])  # relative URLs resolved


def test_update_through_an_index_of_names_only(db: Database, start_emulator) -> None:
    """The proxy's HTML index: every project's page is asked, the JSON API only for a changed one,
    and a project gone from the index and from its pages is removed."""
    emu = start_emulator(dataset(), flavour="proxy")
    importer(db, emu).import_all()
    emu.dataset.add_release("demo-pkg", "3.0")
    gone = sorted(p.name for p in emu.dataset if not p.name.endswith(".Pkg"))[0]
    emu.dataset.remove_project(gone)
    emu.clear_log()
    report = importer(db, emu).update()
    assert report.fetched == 2 and report.removed_projects == [normalize(gone)]  # changed, and checked gone
    assert sorted(r.path for r in emu.requests_log if r.path.endswith("/json")) == sorted([
        "/pypi/demo-pkg/json", f"/pypi/{normalize(gone)}/json"])
    assert db.get("demo-pkg")["versions"][-1] == "3.0" and db.get(normalize(gone)) is None
    assert db.get(STATE_ID)["last_serial"] == emu.dataset.get("demo-pkg").last_serial


@pytest.mark.parametrize("xmlrpc", [True, False])
def test_a_quarantined_project_is_kept_marked_and_serves_no_files(app_db: Database, start_emulator,
                                                                  xmlrpc: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyPI's JSON API answers 404 for it and its index leaves it out: only its page tells it from a
    deleted one. With XML-RPC the journal names it; without, the index no longer lists it."""
    emu = start_emulator(dataset(), flavour=PYPI if xmlrpc else dataclasses.replace(PYPI, xmlrpc=False))
    monkeypatch.setattr("pypioncouch.json_api.GZIP_OVER", 100)  # its JSON API answer gets a gzipped copy
    importer(app_db, emu).import_all()
    assert app_db.get("demo-pkg:json:gzip") is not None
    emu.dataset.set_status("demo-pkg", "quarantined", "malware review")
    report = importer(app_db, emu).update()
    assert report.removed_projects == [] and report.failed == {}
    doc = app_db.get("demo-pkg")
    assert doc["project_status"] == {"status": "quarantined", "reason": "malware review"}
    assert app_db.get("demo-pkg/2.0") is not None  # what the database knew stays
    assert app_db.get("demo-pkg:json:gzip") is None  # but the JSON API's gzipped copy, which a show serves
    page = node_page(app_db, "demo-pkg")
    assert page["files"] == [] and page["versions"] == []
    assert page["project-status"] == {"status": "quarantined", "reason": "malware review"}
    index = requests.get(rewrite_url(app_db, "simple/"), headers={"Accept": SIMPLE_JSON}, timeout=30).json()
    assert "demo-pkg" not in {normalize(p["name"]) for p in index["projects"]}
    emu.dataset.set_status("demo-pkg", "active")
    importer(app_db, emu).update()
    assert node_page(app_db, "demo-pkg")["project-status"] == {"status": "active"}
    assert_node_serves_the_upstream_page(app_db, emu, "demo-pkg")
    assert app_db.get("demo-pkg:json:gzip") is not None  # back with the project


def test_archived_and_deprecated_projects_say_so_in_both_forms(app_db: Database, start_emulator) -> None:
    emu = start_emulator(dataset())
    emu.dataset.set_status("demo-pkg", "archived")
    emu.dataset.set_status("other-pkg", "deprecated", "use demo-pkg")
    importer(app_db, emu).import_all()
    assert node_page(app_db, "demo-pkg")["project-status"] == {"status": "archived"}
    assert node_page(app_db, "other-pkg")["project-status"] == {"status": "deprecated", "reason": "use demo-pkg"}
    html = requests.get(rewrite_url(app_db, "simple/other-pkg/"), timeout=30).text
    assert '<meta name="pypi:project-status" content="deprecated">' in html
    assert '<meta name="pypi:project-status-reason" content="use demo-pkg">' in html
    assert len(node_page(app_db, "demo-pkg")["files"]) == 4  # archived: files still served


@pytest.mark.parametrize("kind, says", [
    ("not-an-index", "an HTML page that is not a Simple index"),
    ("json-404", "answer 404"),
    ("redirect-loop", "redirect loop"),
])
@pytest.mark.parametrize("allowlist", [False, True])
def test_a_bad_upstream_is_named_and_nothing_is_written(couch_server, start_emulator, capsys, kind: str, says: str,
                                                        allowlist: bool) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    target = f"{couch_server.url}/never-{kind}-{int(allowlist)}"
    extra = ["--projects", "demo-pkg"] if allowlist else []
    code = main(["--fullimport", target, "--index-url", emu.url, "--no-progress", *extra])
    err = capsys.readouterr().err
    if kind == "not-an-index" and allowlist:
        says = "not a Simple project page"
    assert code == EXIT_UPSTREAM and emu.url in err and says in err, err
    assert requests.get(target, timeout=10, auth=couch_server.admin).status_code == 404  # not even created


def test_another_pypioncouch_node_is_an_upstream(app_db: Database, couch_server, start_emulator) -> None:
    """Its `_rewrite` URL as --index-url: its JSON Simple index lists, its pages and JSON API answer."""
    emu = start_emulator(dataset())
    emu.dataset.set_status("other-pkg", "archived", "done")
    importer(app_db, emu).import_all()
    second = push_app(new_database(couch_server.url, prefix="second"))
    try:
        node_url = rewrite_url(app_db).rstrip("/")
        found = XmlRpcImporter(second.location, index_url=node_url, attachments=None, retry=FAST)
        report = found.import_all()
        assert report.failed == {} and report.fetched == len(emu.dataset)
        assert found.index.name == "json-simple"
        for project in emu.dataset:
            ours, theirs = node_page(second, project.normalized), node_page(app_db, project.normalized)
            assert ours["files"] == theirs["files"] and ours["project-status"] == theirs["project-status"]
            assert ours["meta"] == theirs["meta"]
        emu.dataset.add_release("demo-pkg", "3.0")
        importer(app_db, emu).update()
        assert XmlRpcImporter(second.location, index_url=node_url, attachments=None, retry=FAST).update().fetched == 1
        assert node_page(second, "demo-pkg")["versions"][-1] == "3.0"
    finally:
        second.request("DELETE", second.url, what="drop", ok=(200, 202, 404))
