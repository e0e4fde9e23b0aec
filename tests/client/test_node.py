"""pypioncouch.client.Node against a node of the run's server: what it returns, typed, and how it fails."""

from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pypioncouch.client import (AccessDenied, Node, NodeUnreachable, NotANode, ProjectNotFound, ReleaseNotFound)
from pypioncouch.couch import Database
from pypioncouch.servers import AnyServer

from ..conftest import new_database, on_couchdb
from ..couchapp.prefix_proxy import PrefixProxy
from .conftest import BIG_FILES, PAGED

@pytest.fixture(scope="module")
def node(reader_url: str) -> Node:
    return Node(reader_url)


def test_every_kind_of_url_finds_the_database(reader_url: str, catalog_db: Database) -> None:
    app = f"{reader_url}/_design/pypi/_rewrite/"
    found = {url: Node(url).database_url for url in (reader_url, reader_url + "/", app, app + "simple/")}
    assert set(found.values()) == {reader_url}, found


def test_a_couchapp_root_behind_a_proxy_says_which_url_to_give(reader_url: str) -> None:
    # A prefix proxy (or a vhost) shows only the CouchApp, whose rules reach stored files, not
    # the database: the client says so rather than guessing.
    with PrefixProxy(f"{reader_url}/_design/pypi/_rewrite/") as proxy:
        with pytest.raises(NotANode, match="serves the CouchApp .* not its database"):
            Node(proxy.root)


def test_a_project_with_its_releases_and_files(node: Node) -> None:
    project = node.project("Django_Thing")  # any spelling
    assert (project.name, project.display_name, project.latest_version) == ("django-thing", "Django-Thing", "1.1")  # PyPI: the newest final release
    assert [r.version for r in project.releases] == ["0.9", "1.0", "1.1", "2.0rc1"]  # PEP 440 order
    assert [r.parsed_version for r in project.releases] == [Version("0.9"), Version("1.0"), Version("1.1"),
                                                            Version("2.0rc1")]
    assert "Framework :: Django" in project.classifiers and project.license == "MIT"
    one_zero = project.release("1.0")
    assert one_zero is not None and one_zero.yanked and one_zero.yanked_reason == "broken metadata"
    assert [f.filename for f in one_zero.files] == ["django_thing-1.0.tar.gz", "django_thing-1.0-py3-none-any.whl"]
    assert all(f.yanked for f in one_zero.files)
    first = datetime(2020, 9, 13, 12, 26, 40, tzinfo=timezone.utc)  # FIRST_UPLOAD
    assert project.release("0.9").upload_time == first and project.release("0.9").files[0].upload_time == first
    assert project.created == first and project.updated is not None and project.updated > first


def test_requires_python_is_a_packaging_specifier(node: Node) -> None:
    release = node.release("django-thing", "1.1")
    assert release.requires_python == SpecifierSet(">=3.9") and release.requires_python_text == ">=3.9"
    assert release.supports_python("3.12") and not release.supports_python("3.8")
    assert release.files[0].requires_python == SpecifierSet(">=3.9")
    plain = node.release("plain-thing", "1.0")
    assert plain.requires_python == SpecifierSet(">=3.8,<4") and not plain.supports_python(Version("4.0"))
    odd = node.release("odd-thing", "1.0-beta.x")  # neither the version nor the specifier is PEP 440
    assert odd.parsed_version is None and odd.requires_python is None and odd.requires_python_text == ">=3.6.*"
    assert odd.supports_python("2.7")  # says nothing it can be held to


def test_file_fields_carry_the_specs_names(node: Node) -> None:
    file = node.release("django-thing", "1.1").files[0]
    assert file.filename == "django_thing-1.1-py3-none-any.whl"
    assert file.url.startswith("http://files.example/") and file.url.endswith(file.filename)
    assert len(file.hashes["sha256"]) == 64 and file.sha256 == file.hashes["sha256"]
    assert file.size and file.packagetype == "bdist_wheel" and file.python_version == "py3"
    assert file.upload_time is not None and file.upload_time.tzinfo is not None
    assert file.yanked is False and file.yanked_reason is None


def test_release_by_pep440_equality_and_spill_over_files(node: Node, catalog_db: Database) -> None:
    assert node.release("DJANGO-THING", "2.0.0rc1").version == "2.0rc1"
    big = node.release("big-files", "1.0")
    assert len(big.files) == BIG_FILES and catalog_db.get("big-files/1.0/files-2") is not None
    assert len({f.filename for f in big.files}) == BIG_FILES
    assert len(node.project("big-files").release("1.0").files) == BIG_FILES


def test_captured_projects_read_back_as_pypi_gave_them(node: Node) -> None:
    from pypioncouch.emulator.captured import captured_payload
    payload = captured_payload("jinja2")
    project = node.project("jinja2")
    assert project.latest_version == payload["info"]["version"]
    assert {r.version for r in project.releases} == {v for v, files in payload["releases"].items()}
    latest = project.latest
    assert latest is not None
    assert sorted(f.filename for f in latest.files) == sorted(f["filename"] for f in payload["urls"])
    assert {f.sha256 for f in latest.files} == {f["digests"]["sha256"] for f in payload["urls"]}


def test_a_projects_history_holds_every_release(app_db: Database, couch_server: AnyServer) -> None:
    """jinja2 (37 releases) and requests (163: past the page the project document keeps, so its
    history comes from the history document)."""
    from pypioncouch.emulator.captured import captured_payload
    from ..conftest import write_payloads
    write_payloads(app_db, [captured_payload("jinja2"), captured_payload("requests")])
    node = Node(f"{couch_server.base_url}/{app_db.location.name}")
    for name in ("jinja2", "requests"):
        project = node.project(name, releases=False)
        assert [entry.version for entry in project.history] == list(project.versions)
        assert {entry.version for entry in project.history} == set(captured_payload(name)["releases"])


def test_unknown_project_and_release(node: Node) -> None:
    with pytest.raises(ProjectNotFound):
        node.project("no-such-project")
    with pytest.raises(ProjectNotFound):
        node.release("no-such-project", "1.0")
    with pytest.raises(ReleaseNotFound):
        node.release("django-thing", "9.9")
    with pytest.raises(ProjectNotFound):
        node.project("///")


def test_projects_by_facet_paged(node: Node) -> None:
    first = node.projects(keyword="paging", limit=3)
    assert [p.name for p in first] == PAGED[:3] and first.next is not None
    second = node.projects(keyword="PAGING", limit=3, after=first.next)
    assert [p.name for p in second] == PAGED[3:6]
    assert [p.name for p in node.iter_projects(keyword="paging")] == PAGED
    assert [p.name for p in node.projects(classifier="Framework :: Django")] == ["django-thing"]
    assert [p.name for p in node.projects(classifier=" Framework::Django ")] == ["django-thing"]  # as the view folds it
    assert [p.name for p in node.projects(author="ada lovelace")] == ["django-thing"]
    assert [p.name for p in node.projects(maintainer="Grace  Hopper")] == ["plain-thing"]
    assert node.projects(keyword="no such keyword").items == ()
    summary = node.projects(author="Ada Lovelace").items[0]
    assert (summary.display_name, summary.latest_version, summary.summary) == (
        "Django-Thing", "1.1", "A thing for Django web sites")
    with pytest.raises(ValueError):
        node.projects()


def test_search_by_name_and_by_summary_words(node: Node) -> None:
    assert [p.name for p in node.search_names("Pager")] == PAGED
    assert [p.name for p in node.search_names("pager-0", limit=2)] == PAGED[:2]
    assert [p.name for p in node.search_names("django")] == ["django-thing"]
    assert [p.name for p in node.search_summaries("django web")] == ["django-thing"]
    assert [p.name for p in node.search_summaries("the HTTP client")] == ["plain-thing"]
    assert node.search_summaries("web client").items == ()  # every word must be there
    assert node.search_names("").items == () and node.search_summaries("a the").items == ()


def test_newest_releases(node: Node) -> None:
    page = node.newest_releases(limit=3)
    assert len(page) == 3 and page.next is not None
    times = [r.upload_time for r in page] + [r.upload_time for r in node.newest_releases(limit=3, after=page.next)]
    assert times == sorted(times, reverse=True)
    everything = list(node.newest_releases(limit=1000))
    django = [(r.version, r.yanked, r.requires_python_text) for r in everything if r.project == "django-thing"]
    assert django == [("2.0rc1", False, ">=3.10"), ("1.1", False, ">=3.9"), ("1.0", True, None), ("0.9", False, None)]


def test_a_database_without_the_couchapp_is_not_a_node(couch_server: AnyServer) -> None:
    db = new_database(couch_server.url, "bare")
    try:
        if on_couchdb(couch_server):  # admin-only until --setup: an anonymous reader is refused
            with pytest.raises(AccessDenied):
                Node(f"{couch_server.base_url}/{db.location.name}")
        admin_url = f"{couch_server.url}/{db.location.name}"
        with pytest.raises(NotANode, match="_design/pypi"):
            Node(admin_url)
    finally:
        db.request("DELETE", db.url, what="drop", ok=(200, 202, 404))


def test_no_such_database_and_not_couchdb(couch_server: AnyServer) -> None:
    with pytest.raises(NotANode):
        Node(f"{couch_server.url}/no-such-database")
    with pytest.raises(NotANode):
        Node("ftp://example.invalid/pypi")


def test_unreachable_node() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        with pytest.raises(NodeUnreachable):
            Node(f"http://127.0.0.1:{port}/pypi", timeout=5)


def test_a_node_that_stops_answering(reader_url: str) -> None:
    node = Node(reader_url, timeout=5)
    node.database_url = "http://127.0.0.1:1/pypi"  # as if the node had gone: port 1 refuses connections
    with pytest.raises(NodeUnreachable):
        node.project("django-thing")
