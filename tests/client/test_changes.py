"""Node.changes(): the importer follows the emulator, the client follows the node.

Every scenario is real end to end: a change at the emulator (PyPI's journal), the importer's
update writing the documents, and the client reading them back from ``_changes``.
"""

from __future__ import annotations

import json
import queue
import re
import threading

import pytest
import requests

from pypioncouch.client import Classifier, Node, Projects, ReleaseChange
from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset, EmulatorServer
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.servers import AnyServer

from .conftest import DJANGO

WAIT = 60  # seconds a followed change may take before the test fails


def seen(events: list[ReleaseChange]) -> set[tuple[str, str, str]]:
    return {(e.kind, e.project, e.version) for e in events}


@pytest.fixture
def upstream(start_emulator) -> EmulatorServer:
    dataset = Dataset()
    dataset.add_release("Django-App", "0.9", files=["django_app-0.9.tar.gz"], classifiers=DJANGO)
    dataset.add_release("Django-App", "1.0", files=["django_app-1.0.tar.gz"], classifiers=DJANGO)
    dataset.add_release("other-lib", "1.0", files=["other_lib-1.0.tar.gz"])
    return start_emulator(dataset)


@pytest.fixture
def importer(app_db: Database, upstream: EmulatorServer) -> XmlRpcImporter:
    importer = XmlRpcImporter(app_db.location, index_url=upstream.url, attachments=None)
    importer.import_all()
    return importer


@pytest.fixture
def node(importer: XmlRpcImporter, app_db: Database, couch_server: AnyServer) -> Node:
    return Node(f"{couch_server.base_url}/{app_db.location.name}")


def sharded(node: Node) -> bool:
    """Whether the database is split in shards (CouchDB: ``cluster.q`` > 1; PouchDB Server: never)."""
    info = requests.get(node.database_url, timeout=60).json()
    return info.get("cluster", {}).get("q", 1) > 1


def caught_up(node: Node, **options) -> tuple[list[ReleaseChange], object]:
    feed = node.changes(follow=False, **options)
    events = list(feed)
    return events, feed.last_seq


def test_new_yanked_removed_then_unyanked_and_changed(node: Node, upstream: EmulatorServer,
                                                      importer: XmlRpcImporter) -> None:
    nothing, since = caught_up(node, since="now")
    assert nothing == []
    data = upstream.dataset
    data.add_release("Django-App", "2.0", files=["django_app-2.0.tar.gz"], classifiers=DJANGO)
    data.yank("Django-App", "1.0", "broken")
    data.remove_release("Django-App", "0.9")
    importer.update()
    events, since = caught_up(node, since=since)
    assert seen(events) == {("new", "django-app", "2.0"), ("yanked", "django-app", "1.0"),
                            ("removed", "django-app", "0.9")}
    by_kind = {e.kind: e for e in events}
    assert by_kind["removed"].release is None
    assert by_kind["yanked"].release.yanked and by_kind["yanked"].release.yanked_reason == "broken"
    assert [f.filename for f in by_kind["new"].release.files] == ["django_app-2.0.tar.gz"]

    data.unyank("Django-App", "1.0")
    data.add_file("Django-App", "2.0", "django_app-2.0-py3-none-any.whl")
    importer.update()
    events, _ = caught_up(node, since=since)
    assert seen(events) == {("unyanked", "django-app", "1.0"), ("changed", "django-app", "2.0")}


def test_a_release_removed_and_uploaded_again_is_new(node: Node, upstream: EmulatorServer,
                                                     importer: XmlRpcImporter) -> None:
    _, since = caught_up(node, since="now")
    upstream.dataset.remove_release("other-lib", "1.0")
    importer.update()
    upstream.dataset.add_release("other-lib", "1.0", files=["other_lib-1.0-py3-none-any.whl"])
    importer.update()
    events, _ = caught_up(node, since=since)
    assert seen(events) == {("new", "other-lib", "1.0")}


def test_resumes_after_the_stored_sequence(node: Node, upstream: EmulatorServer, importer: XmlRpcImporter) -> None:
    _, since = caught_up(node, since="now")
    for version in ("3.0", "3.1", "3.2"):
        upstream.dataset.add_release("other-lib", version, files=[f"other_lib-{version}.tar.gz"])
    importer.update()
    events, _ = caught_up(node, since=since)
    stored = requests.get(f"{node.database_url}/_changes", params={"since": json.dumps(since)
                                                                   if not isinstance(since, str) else since},
                          timeout=60).json()["results"]
    in_feed = [row["id"].split("/", 1)[1] for row in stored if re.fullmatch(r"other-lib/[0-9.]+", row["id"])]
    assert sorted(in_feed) == ["3.0", "3.1", "3.2"]
    # CouchDB merges its shards as they answer: two reads of one range need not agree on the order
    # (docs/couchdb-vs-pouchdb.md, "Order"); PouchDB Server's single sequence always does.
    in_order = sorted if sharded(node) else list
    assert in_order(e.version for e in events) == in_order(in_feed)
    rest, _ = caught_up(node, since=events[0].seq)
    assert in_order((e.kind, e.version) for e in rest) == in_order((e.kind, e.version) for e in events[1:])
    everything, _ = caught_up(node, since=0)
    assert {("new", "django-app", "0.9"), ("new", "other-lib", "3.2")} <= seen(everything)


def test_filtered_by_project_set(node: Node, upstream: EmulatorServer, importer: XmlRpcImporter) -> None:
    _, since = caught_up(node, since="now")
    upstream.dataset.add_release("other-lib", "2.0", files=["other_lib-2.0.tar.gz"])
    upstream.dataset.add_release("Django-App", "2.0", files=["django_app-2.0.tar.gz"], classifiers=DJANGO)
    importer.update()
    events, _ = caught_up(node, since=since, filter=Projects(["Other_Lib"]))
    assert seen(events) == {("new", "other-lib", "2.0")}


def test_filtered_by_classifier_follows_projects_in_and_out(node: Node, upstream: EmulatorServer,
                                                            importer: XmlRpcImporter) -> None:
    _, since = caught_up(node, since="now")
    data = upstream.dataset
    data.add_release("Django-App", "2.0", files=["django_app-2.0.tar.gz"], classifiers=DJANGO)
    data.add_release("other-lib", "2.0", files=["other_lib-2.0.tar.gz"])  # no classifier: left out
    # A new project, and an existing one gaining the classifier with a release: the importer writes
    # their releases before their project documents; the feed may give either first (sharded CouchDB).
    data.add_release("new-django-plugin", "0.1", files=["new_django_plugin-0.1.tar.gz"], classifiers=DJANGO)
    importer.update()
    events, since = caught_up(node, since=since, filter=Classifier("Framework :: Django"))
    assert seen(events) == {("new", "django-app", "2.0"), ("new", "new-django-plugin", "0.1")}

    data.add_release("other-lib", "3.0", files=["other_lib-3.0.tar.gz"], classifiers=["Framework :: Django :: 4.2"])
    importer.update()
    events, since = caught_up(node, since=since, filter=Classifier("Framework :: Django"))
    assert seen(events) == {("new", "other-lib", "3.0")}


def test_a_project_row_before_its_releases_rows_loses_none(node: Node, upstream: EmulatorServer,
                                                             importer: XmlRpcImporter) -> None:
    """As a sharded CouchDB feed can give them: a removed project's document row first."""
    _, since = caught_up(node, since="now")
    upstream.dataset.remove_project("Django-App")
    importer.update()
    rows = requests.get(f"{node.database_url}/_changes", params={"since": since}, timeout=60).json()["results"]
    rows.sort(key=lambda row: "/" in row["id"])  # the project document's row before its releases'
    assert rows[0]["id"] == "django-app" and {"django-app/0.9", "django-app/1.0"} <= {row["id"] for row in rows}
    for sharded in (True, False):
        feed = node.changes(since=since, filter=Classifier("Framework :: Django"), follow=False)
        feed._sharded, feed._members = sharded, {"django-app"}
        events = list(feed._events_of(rows))
        if sharded:
            assert seen(events) == {("removed", "django-app", "0.9"), ("removed", "django-app", "1.0")}
        else:  # an ordered feed never gives them so: what left has left
            assert events == []


def test_follows_while_the_importer_writes(node: Node, upstream: EmulatorServer, importer: XmlRpcImporter) -> None:
    feed = node.changes(since="now", poll_interval=0.2)
    got: queue.Queue[ReleaseChange] = queue.Queue()

    def read() -> None:
        for change in feed:
            got.put(change)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        upstream.dataset.add_release("other-lib", "5.0", files=["other_lib-5.0.tar.gz"])
        importer.update()
        change = got.get(timeout=WAIT)
        assert (change.kind, change.project, change.version) == ("new", "other-lib", "5.0")
        assert change.release is not None and change.release.upload_time is not None
    finally:
        feed.close()
        thread.join(timeout=WAIT)
    assert not thread.is_alive()


def test_filter_must_be_one_of_the_two(node: Node) -> None:
    with pytest.raises(TypeError):
        node.changes(filter="Framework :: Django")  # type: ignore[arg-type]
