"""The importer against the PyPI emulator and the embedded server: what ends up in CouchDB."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Callable

import requests

from pypioncouch import NotInitialized, SyncReport, XmlRpcImporter, import_all, update
from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.names import normalize
from pypioncouch.emulator import generate_dataset, installable_project
from pypioncouch.state import STATE_ID
from pypioncouch.sync import ProjectSync

from .conftest import content_differences, database_content, revisions

import pytest


def importer(db: Database, emu, **options) -> XmlRpcImporter:
    return XmlRpcImporter(db.location, index_url=emu.url, attachments=None, **options)


def expected_content(emu, names=None) -> dict[str, dict]:
    """The documents the emulator's current payloads and Simple pages build, fetched over HTTP."""
    names = names if names is not None else [p.name for p in emu.dataset]
    content = {}
    for name in names:
        payload = requests.get(f"{emu.url}/pypi/{name}/json", timeout=10).json()
        page = requests.get(f"{emu.url}/simple/{normalize(name)}/", timeout=10,
                            headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        for doc in build_project_documents(payload, page=page).all():
            content[doc["_id"]] = doc
    return content


def without_state(content: dict[str, dict]) -> dict[str, dict]:
    return {k: v for k, v in content.items() if not k.startswith("pypioncouch:")}


def strip_release_info(content: dict[str, dict]) -> dict[str, dict]:
    """Release ``info`` accumulates while following a project; compare it separately."""
    return {k: {f: v for f, v in doc.items() if not (f == "info" and doc.get("type") == "release")}
            for k, doc in content.items()}


def test_full_import_stores_exactly_what_the_payloads_build(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=40, seed=3))
    report = importer(db, emu).import_all()
    assert report.failed == {} and report.fetched == 40
    assert content_differences(without_state(database_content(db)), expected_content(emu)) == []
    state = db.get(STATE_ID)
    assert state["last_serial"] == emu.dataset.last_serial and "in_progress" not in state


def test_module_functions_and_database_url_forms(couch_server, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=3, seed=5))
    import_all(couch_server.url + "/", index_url=emu.url, attachments=None)  # server URL: database "pypi"
    default_db = Database(couch_server.url + "/pypi")
    assert default_db.get(STATE_ID)["last_serial"] == emu.dataset.last_serial
    assert update(couch_server.url, index_url=emu.url).fetched == 0
    default_db.request("DELETE", default_db.url, what="drop")


def test_update_with_nothing_changed_makes_one_call_and_no_writes(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=10, seed=1))
    importer(db, emu).import_all()
    seq_before = db.info()["update_seq"]
    emu.clear_log()
    report = importer(db, emu).update()
    assert len(emu.requests_log) == 1
    assert db.info()["update_seq"] == seq_before
    assert report.written == 0 and report.fetched == 0


def test_update_applies_every_kind_of_change(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=12, releases_per_project=3, seed=7)
    emu = start_emulator(dataset)
    importer(db, emu).import_all()
    names = sorted(p.name for p in dataset)
    releases = {name: sorted(dataset.get(name).releases) for name in names}
    dataset.add_release(names[0], "99.0", [f"{names[0].replace('-', '_')}-99.0.tar.gz"])
    dataset.add_file(names[1], releases[names[1]][0], f"{names[1].replace('-', '_')}-{releases[names[1]][0]}-py3-none-any.whl")
    dataset.yank(names[2], releases[names[2]][-1], "broken build")
    dataset.yank(names[3], releases[names[3]][0], "oops")
    dataset.unyank(names[3], releases[names[3]][0])
    first_file = dataset.get(names[4]).releases[releases[names[4]][0]].files[0].filename
    dataset.remove_file(names[4], releases[names[4]][0], first_file)
    dataset.remove_release(names[5], releases[names[5]][0])
    dataset.remove_project(names[6])
    dataset.add_release("Brand.New_Project", "0.1", ["brand_new_project-0.1.tar.gz"])

    report = importer(db, emu).update()

    assert report.failed == {}
    assert "brand-new-project" in db.fetch(["brand-new-project"])
    stored = without_state(database_content(db))
    assert content_differences(strip_release_info(stored), strip_release_info(expected_content(emu))) == []
    assert report.removed_projects == [names[6].lower().replace(".", "-").replace("_", "-")]
    assert db.get(STATE_ID)["last_serial"] == dataset.last_serial


def test_unchanged_documents_keep_their_revision(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=6, releases_per_project=3, seed=11)
    emu = start_emulator(dataset)
    importer(db, emu).import_all()
    before = revisions(db)
    name = sorted(p.name for p in dataset)[0]
    dataset.add_release(name, "50.0", [f"{name.replace('-', '_')}-50.0.tar.gz"])
    importer(db, emu).update()
    after = revisions(db)
    pid = name.lower().replace("_", "-").replace(".", "-")
    changed = {doc_id for doc_id in before if before[doc_id] != after.get(doc_id)}
    # the project document (new version, serial), its stored JSON API answer (json_api.py) and
    # Simple page (simple_pages.py) and the state changed; no other document did
    assert changed == {pid, f"{pid}//json", f"{pid}//simple", STATE_ID}
    assert f"{pid}/50.0" in after


def test_a_page_stored_as_attachments_is_written_once(db: Database, start_emulator, monkeypatch) -> None:
    """A long Simple page goes to attachment documents named by their digest (simple_pages.py);
    importing the same data again leaves them be, though CouchDB keeps the HTML one gzipped
    under a digest of its own."""
    monkeypatch.setattr("pypioncouch.simple_pages.ATTACH_CHARS", 2_000)
    dataset = generate_dataset(projects=3, releases_per_project=8, seed=5)
    emu = start_emulator(dataset)
    importer(db, emu).import_all()
    pids = [normalize(project.name) for project in dataset]
    db.bulk_docs([{**doc, "last_serial": 0} for doc in db.fetch(pids).values()])  # each project looks stale
    before = revisions(db)
    attached = sorted(doc_id for doc_id in before if doc_id.endswith((".json", ".html")) and ":simple:" in doc_id)
    assert len(attached) == 6
    importer(db, emu).import_all()  # so each is built again, to the same page
    after = revisions(db)
    assert {doc_id for doc_id in before if after.get(doc_id) != before[doc_id]} == {STATE_ID, *pids}


def test_the_page_a_reader_was_just_sent_to_stays_one_change(db: Database, start_emulator, monkeypatch) -> None:
    """A changed long page is a new attachment document; the one the head named before is kept
    (a reader may have just been redirected to it) until the page changes again."""
    monkeypatch.setattr("pypioncouch.simple_pages.ATTACH_CHARS", 2_000)
    dataset = generate_dataset(projects=1, releases_per_project=8, seed=5)
    emu = start_emulator(dataset)
    name = next(iter(dataset)).name
    pid = normalize(name)

    def attachments() -> set[str]:
        return {row["id"] for row in db.id_range(f"{pid}:simple:", include_docs=False)}

    importer(db, emu).import_all()
    first = attachments()
    assert len(first) == 2
    for version in ("60.0", "61.0"):
        dataset.add_release(name, version, [f"{pid.replace('-', '_')}-{version}.tar.gz"])
        importer(db, emu).update()
        if version == "60.0":
            second = attachments()
            assert first < second and len(second) == 4  # the page before is still there
    named = {db.get(f"{pid}//simple")[key]["attachment"] for key in ("json", "html")}
    assert attachments() == (second - first) | named  # the first page went with the second change
    dataset.remove_project(name)
    importer(db, emu).update()
    assert attachments() == set()  # a project removed upstream takes them all


def test_a_long_answers_gzipped_copy_follows_the_answer(db: Database, start_emulator, monkeypatch) -> None:
    """``<name>:json:gzip`` (json_api.py): written once for an unchanged answer, rewritten with it,
    deleted when the answer no longer has one and when the project goes."""
    monkeypatch.setattr("pypioncouch.json_api.GZIP_OVER", 2_000)
    dataset = generate_dataset(projects=1, releases_per_project=8, seed=5)
    emu = start_emulator(dataset)
    name = next(iter(dataset)).name
    pid = normalize(name)
    importer(db, emu).import_all()
    first = db.get(f"{pid}:json:gzip")
    assert db.get(f"{pid}//json")["gzip"] == {"id": f"{pid}:json:gzip", "bytes": first["bytes"]}
    db.bulk_docs([{**db.get(pid), "last_serial": 0}])  # the project looks stale: built again, the same
    importer(db, emu).import_all()
    assert db.get(f"{pid}:json:gzip")["_rev"] == first["_rev"]
    dataset.add_release(name, "60.0", [f"{pid.replace('-', '_')}-60.0.tar.gz"])
    importer(db, emu).update()
    second = db.get(f"{pid}:json:gzip")
    assert second["_rev"] != first["_rev"] and second["last_serial"] == db.get(f"{pid}//json")["last_serial"]
    monkeypatch.setattr("pypioncouch.json_api.GZIP_OVER", 10**9)
    dataset.add_release(name, "61.0", [f"{pid.replace('-', '_')}-61.0.tar.gz"])
    importer(db, emu).update()
    assert db.get(f"{pid}:json:gzip") is None and "gzip" not in db.get(f"{pid}//json")
    monkeypatch.setattr("pypioncouch.json_api.GZIP_OVER", 2_000)
    dataset.add_release(name, "62.0", [f"{pid.replace('-', '_')}-62.0.tar.gz"])
    importer(db, emu).update()
    assert db.get(f"{pid}:json:gzip") is not None
    dataset.remove_project(name)
    importer(db, emu).update()
    assert db.get(f"{pid}:json:gzip") is None


def test_release_info_learnt_while_latest_is_kept(db: Database, start_emulator) -> None:
    dataset = installable_project("keeper", ["1.0"])
    emu = start_emulator(dataset)
    importer(db, emu).import_all()
    assert db.get("keeper/1.0")["info"]["version"] == "1.0"
    installable_project("keeper", ["2.0"], dataset=dataset)
    importer(db, emu).update()
    assert db.get("keeper/1.0")["info"]["version"] == "1.0"
    assert db.get("keeper/2.0")["info"]["version"] == "2.0"


def test_release_metadata_option_fetches_every_version(db: Database, start_emulator) -> None:
    emu = start_emulator(installable_project("history", ["1.0", "1.1", "2.0"]))
    importer(db, emu, release_metadata=True).import_all()
    assert {v: db.get(f"history/{v}")["info"]["version"] for v in ("1.0", "1.1", "2.0")} == \
        {"1.0": "1.0", "1.1": "1.1", "2.0": "2.0"}


def test_update_before_any_import_is_refused(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=1))
    with pytest.raises(NotInitialized):
        importer(db, emu).update()


def test_allowlist_mirrors_only_the_named_projects(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=8, seed=2)
    emu = start_emulator(dataset)
    chosen = sorted(p.name for p in dataset)[:2]
    importer(db, emu, projects=[n.upper() for n in chosen]).import_all()
    assert content_differences(without_state(database_content(db)), expected_content(emu, chosen)) == []
    other = sorted(p.name for p in dataset)[5]
    dataset.add_release(other, "77.0")
    assert importer(db, emu, projects=chosen).update().fetched == 0


def test_projects_removed_upstream_are_removed_by_the_next_full_import(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=5, seed=9)
    emu = start_emulator(dataset)
    importer(db, emu).import_all()
    gone = sorted(p.name for p in dataset)[0]
    dataset.remove_project(gone)
    report = importer(db, emu).import_all()
    assert content_differences(without_state(database_content(db)), expected_content(emu)) == []
    assert len(report.removed_projects) == 1


def test_json_simple_index_serves_when_xmlrpc_is_gone(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=6, seed=4)
    emu = start_emulator(dataset)
    for method in ("changelog_last_serial", "changelog_since_serial", "list_packages_with_serial"):
        emu.faults.add("/pypi", method=method, status=404)  # no XML-RPC at this index
    importer(db, emu).import_all()
    assert content_differences(without_state(database_content(db)), expected_content(emu)) == []
    doomed, changed = sorted(p.name for p in dataset)[:2]
    dataset.remove_project(doomed)
    dataset.add_release(changed, "42.0")
    report = importer(db, emu).update()
    assert content_differences(without_state(strip_release_info(database_content(db))),
                               strip_release_info(expected_content(emu))) == []
    assert len(report.removed_projects) == 1


def test_feed_attachments_are_stored_and_do_not_cause_rewrites(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=4, seed=13)
    emu = start_emulator(dataset)
    XmlRpcImporter(db.location, index_url=emu.url).import_all()  # default: OPML and DOAP attached
    pid = sorted(p.normalized for p in dataset)[0]
    attachments = db.get(pid)["_attachments"]
    assert set(attachments) == {"feeds.opml", "doap.rdf"}
    opml = db.session.get(db.doc_url(pid) + "/feeds.opml", timeout=10)
    assert opml.status_code == 200 and "<opml" in opml.text
    before = revisions(db)
    XmlRpcImporter(db.location, index_url=emu.url).import_all()
    other = sorted(p.name for p in dataset)[1]
    dataset.add_release(other, "12.0")
    XmlRpcImporter(db.location, index_url=emu.url).update()
    after = revisions(db)
    assert before[pid] == after[pid]


def test_feed_attachments_link_to_the_public_site_url(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=2, seed=14)
    emu = start_emulator(dataset)
    XmlRpcImporter(db.location, index_url=emu.url, site_url="https://pypi.example.org").import_all()
    pid = sorted(p.normalized for p in dataset)[0]
    opml = db.session.get(db.doc_url(pid) + "/feeds.opml", timeout=10).text
    assert f"https://pypi.example.org/project/{pid}/" in opml
    assert db.url not in opml


def test_the_render_process_is_forked_before_the_progress_bar_starts_its_thread(
        db: Database, start_emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # fork() in a process with other threads can deadlock the child (Python 3.12 warns of it);
    # tqdm starts a monitor thread with its first bar.
    import pypioncouch.importer as importer_module
    events: list[str] = []

    class RecordingPool(importer_module.RenderPool):
        def __init__(self, *args, **kwargs) -> None:
            events.append("fork")
            super().__init__(*args, **kwargs)

    class RecordingProgress(importer_module.Progress):
        def __init__(self, *args, **kwargs) -> None:
            events.append("progress")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(importer_module, "RenderPool", RecordingPool)
    monkeypatch.setattr(importer_module, "Progress", RecordingProgress)
    emu = start_emulator(generate_dataset(projects=60, seed=9))
    importer(db, emu).import_all()
    assert events == ["fork", "progress"]


class _RealProjectsOnly:
    def allows(self, name: str) -> bool:
        return not name.startswith("listed-only-")


def held_when_the_sync_starts(monkeypatch, action: Callable[[], SyncReport]) -> tuple[SyncReport, int]:
    """``action()``'s report, and the bytes it held (traced) when the sync began: the listing."""
    held: list[int] = []
    real_run = ProjectSync.run

    def run(self, todo, **options):
        gc.collect()
        held.append(tracemalloc.get_traced_memory()[0])
        return real_run(self, todo, **options)

    monkeypatch.setattr(ProjectSync, "run", run)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        report = action()
    finally:
        tracemalloc.stop()
    return report, held[0] - before


def test_a_full_import_holds_the_listing_compact(db: Database, start_emulator, monkeypatch) -> None:
    """The whole index's listing is read, and held while the import runs, as a ProjectList of what
    the filters allow, not as dicts of every listed name (PyPI: 900,000 of them, some 140 bytes
    each in a dict, and the importer held three: the answer, the listing, the to-do list)."""
    dataset = generate_dataset(projects=3, seed=12)
    extra = {f"listed-only-{i:05x}": 1 for i in range(100_000)}
    listed = dataset.packages_with_serial
    monkeypatch.setattr(dataset, "packages_with_serial", lambda: {**listed(), **extra})
    emu = start_emulator(dataset)
    report, held = held_when_the_sync_starts(
        monkeypatch, importer(db, emu, filters=[_RealProjectsOnly()], protocol="xmlrpc").import_all)
    assert report.failed == {} and report.fetched == 3
    assert held < 2_000_000, held  # 100,000 names held as dicts: 14 MB and more


def test_an_update_from_a_simple_index_holds_its_listing_compact(db: Database, start_emulator, monkeypatch) -> None:
    """An update from an index with no journal reads the whole listing and checks the database's
    projects against it: the listing is held as a ProjectList while the run goes on (not a dict of
    every name), and the names it lists that the database does not hold are left alone."""
    from pypioncouch.emulator import server as emulator_server
    dataset = generate_dataset(projects=3, seed=13)
    emu = start_emulator(dataset)
    importer(db, emu, protocol="json").import_all()
    extra = [{"name": f"listed-only-{i:05x}", "_last-serial": 1} for i in range(100_000)]
    index = emulator_server.simple_index
    monkeypatch.setattr(emulator_server, "simple_index",
                        lambda dataset, flavour: dict(index(dataset, flavour), projects=index(dataset, flavour)["projects"] + extra))
    report, held = held_when_the_sync_starts(monkeypatch, importer(db, emu, protocol="json").update)
    assert report.failed == {} and report.fetched == 0 and report.removed_projects == []
    assert all(db.get(project.normalized) for project in dataset)
    assert held < 6_000_000, held  # as a dict: 11 MB and more
