"""ProjectSync's description rendering: one job per batch, nothing rendered twice, a dead renderer survived."""

from __future__ import annotations

import json
from concurrent.futures import Future

from pypioncouch import jsoncodec, sync
from pypioncouch.couch import Database
from pypioncouch.emulator import generate_dataset
from pypioncouch.names import normalize
from pypioncouch.render import Description, InlineRenderer, render_description
from pypioncouch.sync import ProjectSync
from pypioncouch.upstream import HttpClient, JsonApi


class CountingRenderer(InlineRenderer):
    """Renders inline and remembers every job it was given."""

    def __init__(self) -> None:
        self.jobs: list[list[Description]] = []

    def submit(self, descriptions: list[Description]) -> Future[list[str | None]]:
        self.jobs.append(list(descriptions))
        return super().submit(descriptions)


class DeadRenderer:
    """A render process that died: every job fails."""

    def __init__(self) -> None:
        self.jobs = 0

    def submit(self, descriptions: list[Description]) -> Future[list[str | None]]:
        self.jobs += 1
        future: Future[list[str | None]] = Future()
        future.set_exception(RuntimeError("render process terminated abruptly"))
        return future


def sync_all(db: Database, emu, renderer, batch_size: int = 4) -> None:
    todo = {project.name: 0 for project in emu.dataset}
    report = ProjectSync(db, JsonApi(HttpClient(emu.url)), renderer=renderer, batch_size=batch_size).run(todo)
    assert report.failed == {}


def test_descriptions_are_rendered_one_job_per_batch(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=10, seed=2))
    renderer = CountingRenderer()
    sync_all(db, emu, renderer, batch_size=4)
    assert [len(job) for job in renderer.jobs] == [4, 4, 2]
    for project in emu.dataset:
        doc = db.get(project.normalized)
        assert doc["description_html"] == render_description(doc["info"]["description"],
                                                             doc["info"]["description_content_type"])


def test_an_unchanged_description_is_not_rendered_again(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=3, seed=4)
    emu = start_emulator(dataset)
    sync_all(db, emu, InlineRenderer())
    first, second, _ = sorted(dataset.projects.values(), key=lambda p: p.normalized)
    same_text = db.get(first.normalized)["info"]
    dataset.add_release(first.name, "90.0", description=same_text["description"],
                        description_content_type=same_text["description_content_type"])
    dataset.add_release(second.name, "90.0", description="New *text*", description_content_type="text/x-rst")
    renderer = CountingRenderer()
    sync_all(db, emu, renderer)
    assert renderer.jobs == [[("New *text*", "text/x-rst")]]
    assert db.get(first.normalized)["latest_version"] == "90.0"
    assert db.get(first.normalized)["description_html"] == render_description(
        same_text["description"], same_text["description_content_type"])
    assert "<em>text</em>" in db.get(second.normalized)["description_html"]


def test_a_failed_render_job_is_rendered_here_instead(db: Database, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=5, seed=6))
    dead = DeadRenderer()
    sync_all(db, emu, dead, batch_size=2)
    assert dead.jobs == 2  # three batches; the failure shows when the second job is already queued: no third
    for project in emu.dataset:
        doc = db.get(project.normalized)
        assert doc["description_html"] == render_description(doc["info"]["description"],
                                                             doc["info"]["description_content_type"])


def test_bulk_requests_stay_within_their_byte_target(db: Database, start_emulator, monkeypatch) -> None:
    """Each ``_bulk_docs`` request is at most ``_MAX_BULK_BYTES`` (a document larger than that goes alone),
    counted in encoded bytes: the stored JSON API answer (``<name>//json``'s ``text``), the description
    and its HTML, in a script that takes 3 bytes a character in UTF-8, made requests twice and more the
    target when sizes were estimated from characters."""
    dataset = generate_dataset(projects=8, releases_per_project=3, files_per_release=2, seed=9)
    for number, project in enumerate(sorted(dataset.projects.values(), key=lambda p: p.normalized)):
        dataset.add_release(project.name, "9.0", description=f"説明{number} " + "長い説明文です。" * 4000,
                            description_content_type="text/plain")
    emu = start_emulator(dataset)
    monkeypatch.setattr(sync, "_MAX_BULK_BYTES", 200_000)
    requests_sent: list[tuple[int, int]] = []  # (bytes, documents) of each _bulk_docs request
    real_request = db.request

    def request(method: str, url: str, **options):
        if url.endswith("/_bulk_docs"):
            data = options.get("data") if options.get("body") is None else jsoncodec.dumps(options["body"])
            requests_sent.append((len(data), len(json.loads(data)["docs"])))
        return real_request(method, url, **options)

    monkeypatch.setattr(db, "request", request)
    sync_all(db, emu, InlineRenderer(), batch_size=8)
    assert db.get(dataset.projects[next(iter(dataset.projects))].normalized)["latest_version"] == "9.0"
    assert sum(documents for _, documents in requests_sent) >= 8 * 6  # every document went through here
    assert any(documents > 1 for _, documents in requests_sent)
    too_big = [(size, documents) for size, documents in requests_sent if size > 200_000 and documents > 1]
    assert too_big == []


def test_bulk_chunks_are_the_documents_encoded_once() -> None:
    docs = [{"_id": f"d{i}", "text": "é" * (i * 1000)} for i in range(30)]
    chunks = list(sync._bulk_chunks(docs, max_docs=7, max_bytes=40_000))
    assert [doc for chunk, _ in chunks for doc in chunk] == docs
    for chunk, body in chunks:
        encoded = [jsoncodec.dumps(doc) for doc in chunk]
        assert body == b'{"docs":[' + b",".join(encoded) + b"]}" and json.loads(body) == {"docs": chunk}
        assert len(chunk) <= 7
        assert len(chunk) == 1 or len(body) <= 40_000
        assert len(body) == sync.BULK_ENVELOPE + sum(map(len, encoded)) + len(encoded) - 1


class RecordingApi(JsonApi):
    """The JSON API, noting when each project's fetch begins."""

    def __init__(self, url: str, events: list[tuple[str, str]]) -> None:
        super().__init__(HttpClient(url))
        self.events = events

    def project(self, name: str, min_serial: int = 0):
        self.events.append(("fetch", name))
        return super().project(name, min_serial)


def test_the_next_batch_waits_while_the_written_one_holds_many_files(db: Database, start_emulator, monkeypatch) -> None:
    """A batch whose projects hold more files than ``held_files`` is written before the next batch is
    fetched: its largest payloads are not joined in memory by the next batch's."""
    dataset = generate_dataset(projects=6, releases_per_project=3, files_per_release=2, seed=10)  # 6 files each
    emu = start_emulator(dataset)
    events: list[tuple[str, str]] = []
    real_write = db.bulk_docs_body

    def write(body, ids):
        events.extend(("write", doc["_id"]) for doc in json.loads(body)["docs"])
        return real_write(body, ids)

    monkeypatch.setattr(db, "bulk_docs_body", write)
    sync = ProjectSync(db, RecordingApi(emu.url, events), workers=1, batch_size=2, held_files=5)
    todo = {project.name: 0 for project in dataset}
    assert sync.run(todo).failed == {}
    names = sorted(todo, key=str.lower)
    for batch in (1, 2):
        first_fetch = events.index(("fetch", names[2 * batch]))
        releases_before = [doc_id for kind, doc_id in events[:first_fetch] if kind == "write" and "/" in doc_id]
        written_projects = {doc_id.split("/")[0] for doc_id in releases_before}
        assert {normalize(name) for name in names[:2 * batch]} <= written_projects


def test_batches_overlap_below_the_file_budget(db: Database, start_emulator) -> None:
    dataset = generate_dataset(projects=6, releases_per_project=3, files_per_release=2, seed=10)
    emu = start_emulator(dataset)
    events: list[tuple[str, str]] = []
    sync = ProjectSync(db, RecordingApi(emu.url, events), workers=2, batch_size=2, held_files=1_000)
    report = sync.run({project.name: 0 for project in dataset})
    assert report.failed == {} and report.fetched == 6
    assert sorted(name for kind, name in events if kind == "fetch") == sorted(p.name for p in dataset)
