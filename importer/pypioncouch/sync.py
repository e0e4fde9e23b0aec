"""Bringing projects in the database up to date with the upstream, in batches.

For each batch of projects: fetch their payloads concurrently (the next batch
is fetched while this one is written), build their documents, compare them with
what the database holds and write only what changed. A project's release
documents are written first and its project document after them, in the next
``_bulk_docs`` request (with the next batch's releases); meanwhile the batch's
descriptions are rendered, in one job. The project document carries the
project's serial, so it is the commit mark: a project whose document is missing
or older than wanted is done again on the next run.
A project that fails is recorded as an ``import_error`` document and skipped;
the run goes on.

A project's data is its Simple page and its JSON API payload (``upstream.Upstream``);
a project whose serial is the one its document holds costs one request and no write.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol

from . import jsoncodec
from .couch import BULK_ENVELOPE, Database, bulk_body
from .documents import (Document, ProjectDocuments, build_project_documents, description_of, payload_from_page,
                        quarantined_project, set_description_html)
from .memory import release_large_blocks
from .names import InvalidProjectName, normalize
from .projectlist import ProjectList
from .pypi_types import ProjectInfo, ProjectPayload, entry_core_metadata
from .render import BatchRenderer, InlineRenderer, render_all
from .json_api import gzip_prefix
from .simple_pages import attachment_prefix, head_id
from .state import error_document, error_id
from .upstream import UNCHANGED, JsonApi, ProjectData, UpstreamError
from .upstream.base import _Unchanged

log = logging.getLogger(__name__)

AttachmentMaker = Callable[[Document], dict[str, dict[str, str]]]
# Keys CouchDB adds or that are compared on their own.
_META_KEYS = {"_rev", "_attachments", "_revisions", "_conflicts", "_deleted_conflicts"}
_MAX_BULK_DOCS = 500
# Bytes a _bulk_docs request holds at most (a larger document goes alone): its documents are held
# encoded while the body is made of them, so a request costs twice this much memory for a moment.
_MAX_BULK_BYTES = 4_000_000
# Files of fetched projects not yet written past which the next batch's fetches wait for the
# batch being written (a batch of PyPI's projects has some 2,500; a large project 10,000 and more).
_HELD_FILES = 10_000


class ProjectFetcher(Protocol):
    """What the sync asks the upstream (``upstream.Upstream``)."""

    def project(self, name: str, min_serial: int = 0, current: int | None = None) -> ProjectData | None | _Unchanged: ...

    def release_info(self, name: str, version: str) -> ProjectInfo | None: ...


class FileStore(Protocol):
    """Offline mirrors: stores a project's files (``distfiles.DistributionStore``)."""

    def wants(self, project: str) -> bool: ...

    def store_files(self, project: str, payload: ProjectPayload) -> None: ...

    def remove_stale(self, project: str, keep: set[str]) -> None: ...


class _JsonApiOnly:
    """A bare ``JsonApi`` as a fetcher: the payload alone, no Simple page."""

    def __init__(self, api: JsonApi) -> None:
        self.api = api

    def project(self, name: str, min_serial: int = 0, current: int | None = None) -> ProjectData | None:
        payload = self.api.project(name, min_serial)
        return None if payload is None else ProjectData(name, payload, None, payload.get("last_serial"))

    def release_info(self, name: str, version: str) -> ProjectInfo | None:
        return self.api.release_info(name, version)


@dataclass
class SyncReport:
    """What one run did, project by project."""

    fetched: int = 0
    skipped: int = 0  # already at the wanted serial
    written: int = 0  # documents created or changed
    deleted: int = 0
    unchanged: int = 0  # documents that were equal and not rewritten
    removed_projects: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    newest_serial: int = 0  # the newest serial any answer gave
    missing: list[str] = field(default_factory=list)  # asked for, unknown upstream, never stored

    def saw_serial(self, serial: int | None) -> None:
        if serial is not None and serial > self.newest_serial:
            self.newest_serial = serial

    def merge_failure(self, name: str, error: str) -> None:
        self.failed[name] = error


@dataclass
class _Fetched:
    """A worker's outcome for one project: documents, gone (404) or an error."""

    name: str
    normalized: str | None
    serial: int
    documents: ProjectDocuments | None = None
    gone: bool = False
    unchanged: bool = False
    error: str | None = None
    upstream_serial: int | None = None
    files: int = 0  # in its documents: what its memory grows with


@dataclass
class _Batch:
    names: list[str]
    existing: dict[str, Document]
    futures: dict[str, Future[_Fetched]]
    number: int = 0


class _FileBudget:
    """What fetched, unwritten projects hold (counted in files, what their payloads, pages and
    documents grow with), and which batch is being written. A fetch of a later batch waits while
    more than ``limit`` files are held: the largest projects of the batch being written are not
    joined in memory by the next batch's (one project alone can still hold any number)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.writing = 0
        self._changed = threading.Condition()

    def wait_turn(self, batch: int) -> None:
        with self._changed:
            while batch > self.writing and self.held > self.limit:
                self._changed.wait()

    def add(self, files: int) -> None:
        with self._changed:
            self.held += files

    def open(self) -> None:
        with self._changed:
            self.limit = sys.maxsize
            self._changed.notify_all()

    def written(self, batch: int, files: int) -> None:
        """``batch`` is written (its ``files`` let go): the next one's fetches go on."""
        with self._changed:
            self.held -= files
            self.writing = batch + 1
            self._changed.notify_all()


@dataclass
class _Marks:
    """A batch's commit marks, waiting for its descriptions to be rendered.

    ``ready`` holds error documents and deletions; ``projects`` the new project
    documents with what the database holds for each, and ``rendering`` the HTML
    of the descriptions that were sent to the renderer, in the order of ``render_for``.
    """

    ready: list[Document] = field(default_factory=list)
    projects: list[tuple[Document, Document | None]] = field(default_factory=list)
    render_for: list[Document] = field(default_factory=list)
    rendering: Future[list[str | None]] | None = None


class ProjectSync:
    """Syncs sets of projects: ``run({display_name: min_serial})``."""

    def __init__(self, db: Database, api: ProjectFetcher | JsonApi, *, workers: int = 8, batch_size: int = 100,
                 resume: bool = False, release_metadata: bool = False,
                 attachments: AttachmentMaker | None = None, on_progress: Callable[[int], None] | None = None,
                 renderer: BatchRenderer | None = None, fresh: bool = False, files: FileStore | None = None,
                 held_files: int | None = None) -> None:
        self.db = db
        self.api: ProjectFetcher = _JsonApiOnly(api) if isinstance(api, JsonApi) else api
        self.files = files
        self.workers = workers
        self.batch_size = batch_size
        self.resume = resume
        self.release_metadata = release_metadata
        self.attachments = attachments
        self.on_progress = on_progress or (lambda n: None)
        self.renderer = renderer or InlineRenderer()
        self.fresh = fresh  # the database held no index when the run began: nothing to look up
        self.held_files = held_files or _HELD_FILES
        self._budget = _FileBudget(self.held_files)

    def run(self, todo: Mapping[str, int], *, skip_current: bool = False, report: SyncReport | None = None,
            prefetched: dict[str, Any] | None = None) -> SyncReport:
        """``todo``: display name -> the serial its data must have at least (a ``dict``, or for a
        whole index's listing a ``ProjectList``, read a batch at a time). ``prefetched``: what
        the upstream already answered for some of them (the importer's first question)."""
        report = report or SyncReport()
        known = prefetched or {}
        release_large_blocks()  # request bodies and large payloads do not pile up in the heap
        self._budget = budget = _FileBudget(self.held_files)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fetch") as pool:
            batches = (self._start(pool, list(chunk), chunk, skip_current, report, known, number)
                       for number, chunk in enumerate(_todo_chunks(todo, self.batch_size)))
            try:
                current = next(batches, None)
                marks = _Marks()
                while current is not None:
                    following = next(batches, None)  # its fetches run while this batch is written
                    # One request: the previous batch's marks (its releases are written already) and this
                    # batch's releases. This batch's marks wait for the next request, and their rendering.
                    releases, next_marks = self._changes(current, report)
                    self._write(self._finished_marks(marks, report) + releases, report)
                    del releases  # not held while the next batch is waited for
                    self.on_progress(len(current.names))
                    files = sum(future.result().files for future in current.futures.values())
                    number = current.number
                    marks, current = next_marks, following
                    budget.written(number, files)
                self._write(self._finished_marks(marks, report), report)
            finally:
                budget.open()  # a run ended by an error: no fetch waits (the pool's shutdown waits for them all)
        return report

    def remove(self, project_ids: list[str], report: SyncReport) -> None:
        """Delete projects and all their documents (releases first: the project document is the mark)."""
        for batch in _chunks(project_ids, self.batch_size):
            existing = self.db.fetch(batch)
            releases = [_deletion(doc) for pid in batch for doc in self._documents_of(pid).values()]
            self._write(releases, report)
            self._write([_deletion(existing[pid]) for pid in batch if pid in existing], report)
            report.removed_projects.extend(pid for pid in batch if pid in existing)

    # -- fetching --------------------------------------------------------------------------

    def _start(self, pool: ThreadPoolExecutor, names: list[str], todo: dict[str, int], skip_current: bool,
               report: SyncReport, prefetched: dict[str, Any], number: int = 0) -> _Batch:
        """Look up the batch's project and error documents, then fetch what is not current."""
        ids = {}
        for name in names:
            try:
                ids[name] = normalize(name)
            except InvalidProjectName as exc:
                report.merge_failure(name, str(exc))
        lookup = list(ids.values()) + [error_id(pid) for pid in ids.values()]
        existing = self.db.fetch(lookup) if lookup and not self.fresh else {}
        futures: dict[str, Future[_Fetched]] = {}
        for name, pid in ids.items():
            doc = existing.get(pid)
            failed_before = error_id(pid) in existing
            current = doc is not None and (doc.get("last_serial") or 0) >= todo[name]
            if skip_current and current and not failed_before:
                report.skipped += 1
                self.on_progress(1)
                continue
            # What the database holds: the upstream may answer "unchanged" to it (one request, no write).
            held = None if doc is None or failed_before else doc.get("last_serial")
            futures[name] = pool.submit(self._fetch, name, pid, todo[name], held, doc, prefetched.get(name, _ASK),
                                        number)
        return _Batch(list(futures), existing, futures, number)

    def _fetch(self, name: str, pid: str, serial: int, held: int | None = None, previous: Document | None = None,
               prefetched: Any = None, batch: int = 0) -> _Fetched:
        self._budget.wait_turn(batch)
        try:
            result = self.api.project(name, serial, held) if prefetched is _ASK else prefetched
            if isinstance(result, Exception):
                raise result
            if result is UNCHANGED:
                return _Fetched(name, pid, serial, unchanged=True, upstream_serial=held)
            if result is None:
                if self.files is not None and self.files.wants(pid):
                    self.files.remove_stale(pid, keep=set())
                return _Fetched(name, pid, serial, gone=True)
            documents = self._documents(pid, result, previous)
            upstream_serial = result.serial
            del result  # the payload and the page: the documents are made
            if documents.name != pid:
                log.info("%s is now %s upstream", pid, documents.name)
            files = sum(len(doc.get("files") or ()) for doc in documents.releases)
            self._budget.add(files)
            return _Fetched(name, documents.name, serial, documents=documents, upstream_serial=upstream_serial,
                            files=files)
        except (UpstreamError, InvalidProjectName) as exc:
            return _Fetched(name, pid, serial, error=str(exc))
        except Exception as exc:  # one broken payload must not stop the run
            log.exception("unexpected failure importing %s", name)
            return _Fetched(name, pid, serial, error=f"{type(exc).__name__}: {exc}")

    def _documents(self, pid: str, data: ProjectData, previous: Document | None) -> ProjectDocuments:
        """The documents of one project's data (page and payload)."""
        if data.payload is None and data.page is not None and data.quarantined:
            return quarantined_project(previous, data.page, data.serial)
        payload = data.payload if data.payload is not None else payload_from_page(data.page or {})
        if self.files is not None and self.files.wants(pid):
            self._store_files(pid, payload, data)
        infos = self._release_infos(data.name, payload) if self.release_metadata and data.payload else None
        documents = build_project_documents(payload, page=data.page, release_infos=infos, renderer=None,
                                            serial=data.serial)
        if data.payload is None:
            documents.project["info_from_simple"] = True
        return documents

    def _store_files(self, pid: str, payload: ProjectPayload, data: ProjectData) -> None:
        """Store the project's files (offline mirrors), their core metadata only where the upstream's
        Simple page advertises it: a proxy's JSON API can name a ``.metadata`` file it does not serve."""
        assert self.files is not None
        hidden: list[tuple[dict[str, Any], str, Any]] = []
        if data.page is not None:
            advertised = {entry["filename"] for entry in data.page.get("files") or [] if entry_core_metadata(entry)}
            for files in [payload.get("urls") or [], *(payload.get("releases") or {}).values()]:
                for file in files:
                    if file.get("filename") not in advertised:
                        hidden += [(file, key, file.pop(key)) for key in ("core-metadata", "data-dist-info-metadata")
                                   if key in file]  # type: ignore[misc]
        try:
            self.files.store_files(pid, payload)
        finally:
            for file, key, value in hidden:
                file[key] = value

    def _release_infos(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        latest = payload["info"].get("version")
        infos = {}
        for version in payload.get("releases") or {}:
            if version != latest:
                info = self.api.release_info(name, version)
                if info is not None:
                    infos[version] = info
        return infos

    # -- writing ---------------------------------------------------------------------------

    def _changes(self, batch: _Batch, report: SyncReport) -> tuple[list[Document], _Marks]:
        """What a fetched batch writes: release documents now, marks (project and error documents) next."""
        outcomes = [batch.futures[name].result() for name in batch.names]
        report.fetched += sum(1 for o in outcomes if o.error is None and not o.unchanged)
        releases: list[Document] = []
        marks = _Marks()
        for outcome in outcomes:
            report.saw_serial(outcome.upstream_serial)
            if outcome.unchanged:
                report.skipped += 1
                continue
            if outcome.error is not None:
                report.merge_failure(outcome.name, outcome.error)
                marks.ready.append(error_document(outcome.normalized or outcome.name, outcome.name, outcome.serial,
                                                  outcome.error, batch.existing.get(error_id(outcome.normalized or ""))))
                continue
            old_releases = self._existing_releases(outcome.normalized, batch.existing)
            old_project = batch.existing.get(outcome.normalized)
            if outcome.gone:
                releases.extend(_deletion(doc) for doc in old_releases.values())
                if old_project:
                    marks.ready.append(_deletion(old_project))
                    report.removed_projects.append(outcome.normalized)
                else:
                    report.missing.append(outcome.name)
            elif outcome.documents.keep_releases:  # quarantined: what is stored stays, but for
                # the gzipped JSON API answer, served by a show that cannot see the project's status
                releases.extend(_deletion(doc) for doc in old_releases.values() if doc.get("type") == "json_api_gzip")
                self._describe(outcome.documents.project, old_project, marks)
            else:
                releases.extend(self._release_changes(outcome.documents, old_releases, report))
                self._describe(outcome.documents.project, old_project, marks)
            stale_error = batch.existing.get(error_id(outcome.normalized))
            if stale_error:
                marks.ready.append(_deletion(stale_error))
        if marks.render_for:
            marks.rendering = self.renderer.submit([description_of(doc) for doc in marks.render_for])
        return releases, marks

    @staticmethod
    def _describe(project: Document, previous: Document | None, marks: _Marks) -> None:
        """Queue a project document for rendering, unless its description is the one already rendered."""
        marks.projects.append((project, previous))
        unchanged = (previous is not None and "description_truncated" not in previous
                     and description_of(previous) == description_of(project))
        if unchanged:
            set_description_html(project, previous.get("description_html"))
        else:
            marks.render_for.append(project)

    def _finished_marks(self, marks: _Marks, report: SyncReport) -> list[Document]:
        """A batch's marks once its descriptions are rendered, without the unchanged ones."""
        if marks.rendering is not None:
            try:
                htmls = marks.rendering.result()
            except Exception:  # the render process died (killed, out of memory): render here from now on
                log.exception("the render process failed; descriptions are rendered in this process from now on")
                self.renderer = InlineRenderer()
                htmls = render_all([description_of(doc) for doc in marks.render_for])
            for doc, html in zip(marks.render_for, htmls):
                set_description_html(doc, html)
        changed = [doc for project, previous in marks.projects for doc in self._project_change(project, previous, report)]
        return marks.ready + changed

    def _existing_releases(self, pid: str, existing: dict[str, Document]) -> dict[str, Document]:
        """The project's release documents in the database (only looked up when there can be any)."""
        if pid not in existing and not self.resume:
            return {}
        return self._documents_of(pid)

    def _documents_of(self, pid: str) -> dict[str, Document]:
        """The project's documents but its own: under ``<pid>/``, and beside it its Simple page's
        attachments and its gzipped JSON API answer."""
        return {row["id"]: row["doc"] for prefix in (pid + "/", attachment_prefix(pid), gzip_prefix(pid))
                for row in self.db.id_range(prefix) if row.get("doc")}

    def _release_changes(self, documents: ProjectDocuments, old: dict[str, Document], report: SyncReport) -> Iterator[Document]:
        new_ids = set()
        for doc in documents.releases:
            new_ids.add(doc["_id"])
            previous = old.get(doc["_id"])
            if previous is not None and "info" not in doc and "info" in previous:
                doc["info"] = previous["info"]  # keep what we learnt while the version was the latest
            if _same(doc, previous):
                report.unchanged += 1
                continue
            if previous is not None:
                doc["_rev"] = previous["_rev"]
            yield doc
        kept = _named_attachments(old.get(head_id(documents.name)))
        for doc_id, previous in old.items():
            if doc_id not in new_ids and doc_id not in kept:
                yield _deletion(previous)

    def _project_change(self, doc: Document, previous: Document | None, report: SyncReport) -> list[Document]:
        if self.attachments is not None:
            doc["_attachments"] = self.attachments(doc)
        if _same(doc, previous):
            report.unchanged += 1
            return []
        if previous is not None:
            doc["_rev"] = previous["_rev"]
        return [doc]

    def _write(self, docs: list[Document], report: SyncReport) -> None:
        for chunk, body in _bulk_chunks(docs):
            results = self.db.bulk_docs_body(body, [doc["_id"] for doc in chunk])
            del body
            retry = [doc for doc, result in zip(chunk, results) if not _count(doc, result, report)]
            if retry:
                self._resolve_conflicts(retry, report)

    def _resolve_conflicts(self, docs: list[Document], report: SyncReport) -> None:
        """A document we did not know of was in the way (a half-written earlier run): take its revision."""
        current = self.db.fetch([doc["_id"] for doc in docs])
        again = []
        for doc in docs:
            previous = current.get(doc["_id"])
            if previous is None and doc.get("_deleted"):
                continue
            if previous is not None and _same(doc, previous):
                report.unchanged += 1
                continue
            doc = dict(doc)
            if previous is not None:
                doc["_rev"] = previous["_rev"]
            else:
                doc.pop("_rev", None)
            again.append(doc)
        for doc, result in zip(again, self.db.bulk_docs(again)):
            if not _count(doc, result, report):  # in the way twice: left for the next run
                report.merge_failure(doc.get("project") or doc["_id"], f"{doc['_id']}: conflict")


_ASK = object()  # no answer prefetched: ask the upstream


def _count(doc: Document, result: dict[str, Any], report: SyncReport) -> bool:
    """Count one ``_bulk_docs`` result; False for a conflict, which the caller may retry."""
    if result.get("ok"):
        if doc.get("_deleted"):
            report.deleted += 1
        else:
            report.written += 1
        return True
    if result.get("error") == "conflict":
        return False
    report.merge_failure(doc.get("project") or doc["_id"], f"{doc['_id']}: {result.get('error')}: {result.get('reason')}")
    return True


def _same(doc: Document, previous: Document | None) -> bool:
    if previous is None or previous.get("_deleted"):
        return False
    body = {k: v for k, v in doc.items() if k not in _META_KEYS}
    old = {k: v for k, v in previous.items() if k not in _META_KEYS}
    if body != old:
        return False
    if doc.get("type") == "simple_attachment":
        # Named by its SHA-256 (in the body): CouchDB's digest of a compressible attachment is of
        # the bytes it stored gzipped, never what we would compute. Same names and types suffice.
        return _attachment_types(doc) == _attachment_types(previous)
    return _attachment_digests(doc) == _attachment_digests(previous)


def _attachment_types(doc: Document) -> dict[str, str | None]:
    return {name: attachment.get("content_type") for name, attachment in (doc.get("_attachments") or {}).items()}


def _named_attachments(head: Document | None) -> set[str]:
    """The attachment documents the stored Simple page's head names: the page a reader may have just
    been redirected to is kept until the page changes again (the one before it is deleted then)."""
    return {rendering["attachment"] for rendering in ((head or {}).get(key) for key in ("json", "html"))
            if isinstance(rendering, dict) and isinstance(rendering.get("attachment"), str)}


def _attachment_digests(doc: Document) -> dict[str, str]:
    digests = {}
    for name, attachment in (doc.get("_attachments") or {}).items():
        if "data" in attachment:
            raw = base64.b64decode(attachment["data"])
            digests[name] = "md5-" + base64.b64encode(hashlib.md5(raw).digest()).decode("ascii")
        else:
            digests[name] = attachment.get("digest", "")
    return digests


def _deletion(doc: Document) -> Document:
    return {"_id": doc["_id"], "_rev": doc["_rev"], "_deleted": True}


def _todo_chunks(todo: Mapping[str, int], size: int) -> Iterator[dict[str, int]]:
    """The to-do list in order (case-insensitive), ``size`` projects at a time."""
    if isinstance(todo, ProjectList):
        yield from todo.chunk_items(size)
        return
    for names in _chunks(sorted(todo, key=str.lower), size):
        yield {name: todo[name] for name in names}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _bulk_chunks(docs: Iterable[Document], max_docs: int | None = None,
                 max_bytes: int | None = None) -> Iterator[tuple[list[Document], bytes]]:
    """Split writes so no request holds more than ``max_docs`` documents or ``max_bytes`` bytes (but a
    single document larger than that, alone): each chunk with its ``_bulk_docs`` request body. Each
    document is encoded here, once, and the body is made of these very bytes (``bulk_body``), so the
    limit is the request's exact size: an estimate missed what it did not count (the answer pieces'
    text, long version lists), and a request grew past its target."""
    max_docs = max_docs or _MAX_BULK_DOCS
    max_bytes = max_bytes or _MAX_BULK_BYTES
    chunk: list[Document] = []
    encoded: list[bytes] = []
    size = BULK_ENVELOPE
    for doc in docs:
        data = jsoncodec.dumps(doc)
        if chunk and (len(chunk) >= max_docs or size + 1 + len(data) > max_bytes):
            body = bulk_body(encoded)
            encoded = []  # the body alone is held while it is sent
            yield chunk, body
            del body
            chunk, size = [], BULK_ENVELOPE
        size += len(data) + (1 if chunk else 0)  # the comma between two documents
        chunk.append(doc)
        encoded.append(data)
    if chunk:
        body = bulk_body(encoded)
        del encoded
        yield chunk, body
