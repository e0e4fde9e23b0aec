"""``Node.changes()``: the node's ``_changes`` feed, read as release events.

Each ``release`` document (``<name>/<version>``) that is written or deleted becomes one
``ReleaseChange``, and so does a release whose ``release_files`` spill-over changed. The
kind comes from the document's revision history, which CouchDB and PouchDB Server both
keep: a first revision, or one after a deletion, is ``new``; a deletion is ``removed``; a
release that became yanked (or stopped being yanked) since its previous revision is
``yanked`` (``unyanked``); anything else is ``changed``. When compaction has dropped the
previous revision's body, a yanked release counts as ``yanked``.

Filters are applied here, from the document ids the feed carries (a release's project is
the first segment of its id), so they work alike on both servers and on deletions:
``Projects(names)`` keeps those projects; ``Classifier(c)`` keeps the projects that have
``c`` at any level of its ``::`` tree, starting from the node's index of them and
following every project document that changes. On a sharded CouchDB database, whose feed
may give a project document's row before its releases' rows written earlier, a project that
leaves keeps its releases reported until the feed is next caught up (its ``removed`` releases
when it is deleted); rows written after it left, in a backlog read before that, are reported too. The importer writes a project's release
documents before its project document; a release of a project not (yet) known to have the
classifier is held back until its project document comes by (the last ``PENDING_LIMIT``
of them), then reported, carrying that project document's ``seq``.

Resuming: every event carries ``seq``; ``feed.last_seq`` is the point to resume from (the
seq of the last event yielded, or past a batch that yielded none). Give it back as
``since=`` to continue where a previous run stopped. Caught up, the feed waits for more:
CouchDB's long poll, or polling every ``poll_interval`` on PouchDB Server, whose long poll
never times out (docs/couchdb-vs-pouchdb.md). A node that stops answering is waited for,
with growing delays, up to ``retry_for`` seconds.

Everything here is a GET, which every read-only front passes (docs/deployment.md, section 8).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

from ..names import NormalizedName, normalize
from .errors import NodeUnreachable
from .models import Release, ReleaseChange
from .transport import document_url

if TYPE_CHECKING:
    from .node import Node

__all__ = ["ChangeFeed", "ChangeFilter", "Projects", "Classifier", "PENDING_LIMIT", "release_of"]

R = TypeVar("R")
PENDING_LIMIT = 10_000
LONGPOLL_MS = 10_000
_CHUNK = re.compile(r"files-[0-9]+")


@dataclass(frozen=True)
class Projects:
    """Only these projects (any spelling; normalized)."""

    names: frozenset[NormalizedName]

    def __init__(self, names: Iterable[str]) -> None:
        object.__setattr__(self, "names", frozenset(normalize(name) for name in names))


@dataclass(frozen=True)
class Classifier:
    """Only projects with this classifier, at any level (``"Framework :: Django"``)."""

    classifier: str


ChangeFilter = Projects | Classifier


def release_of(doc_id: str) -> tuple[str, str, bool] | None:
    """``(project, version, is_spill_over)`` for a release or release_files id, else None."""
    if doc_id.startswith("_") or ":" in doc_id:
        return None
    parts = doc_id.split("/")
    if len(parts) == 2 and parts[1]:
        return parts[0], parts[1], False
    if len(parts) == 3 and parts[1] and _CHUNK.fullmatch(parts[2]):
        return parts[0], parts[1], True
    return None


def _generation(rev: str) -> int:
    try:
        return int(str(rev).split("-", 1)[0])
    except ValueError:
        return 0


def _has_classifier(doc: dict[str, Any] | None, classifier: str) -> bool:
    from .node import _classifier  # the view's own spelling of a level
    if not doc or doc.get("type") != "project":
        return False
    wanted = _classifier(classifier)
    for text in doc.get("classifiers") or []:
        levels = _classifier(text)
        if levels == wanted or levels.startswith(wanted + " :: "):
            return True
    return False


@dataclass
class _Entry:
    """A release to report from one batch."""

    doc_id: str
    project: str
    version: str
    seq: Any
    deleted: bool
    rev: str | None
    spill_over_only: bool


class ChangeFeed(Iterator[ReleaseChange]):
    """The iterator ``Node.changes()`` returns. ``close()`` (from any thread) ends it at its next
    read of the feed: at once while it polls, within a long poll's 10 s on CouchDB."""

    def __init__(self, node: "Node", *, since: Any, filter: ChangeFilter | None, follow: bool,
                 poll_interval: float, batch: int, retry_for: float = 120.0) -> None:
        if filter is not None and not isinstance(filter, (Projects, Classifier)):
            raise TypeError("filter must be Projects(...) or Classifier(...)")
        self.node = node
        self.filter = filter
        self.follow = follow
        self.poll_interval = poll_interval
        self.batch = batch
        self.retry_for = retry_for
        self.last_seq: Any = since
        self._closed = threading.Event()
        self._members: set[str] | None = None
        # A sharded CouchDB database's feed can give a project document's row before its releases'
        # rows written earlier (docs/couchdb-vs-pouchdb.md, "Order"): a project that leaves the
        # classifier keeps its releases reported until the feed is next caught up, by which time
        # every row written before its project document has come. PouchDB Server's is in order.
        self._sharded = node.server == "couchdb"
        self._left: set[str] = set()
        self._pending: deque[tuple[str, _Entry]] = deque(maxlen=PENDING_LIMIT)
        self._events = self._run()

    def __iter__(self) -> "ChangeFeed":
        return self

    def __next__(self) -> ReleaseChange:
        return next(self._events)

    def close(self) -> None:
        self._closed.set()

    # -- the loop ----------------------------------------------------------------------------

    def _run(self) -> Iterator[ReleaseChange]:
        if self.last_seq == "now":
            self.last_seq = self._retrying(lambda: self._read("now", 0))["last_seq"]
        if isinstance(self.filter, Classifier):
            self._members = self._retrying(self._initial_members)
        waiting = False
        while not self._closed.is_set():
            answer = self._retrying(lambda: self._read(self.last_seq, self.batch, wait=waiting))
            rows = answer.get("results") or []
            for event in self._events_of(rows):
                self.last_seq = event.seq
                yield event
            self.last_seq = answer.get("last_seq", self.last_seq)
            caught_up = len(rows) < self.batch
            if caught_up:
                self._left.clear()
            if caught_up and not self.follow:
                return
            waiting = caught_up
            if caught_up and self.node.server != "couchdb":
                self._closed.wait(self.poll_interval)

    def _read(self, since: Any, limit: int, *, wait: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"since": since, "limit": limit}
        timeout = None
        if wait and self.node.server == "couchdb":
            params.update(feed="longpoll", timeout=LONGPOLL_MS)
            timeout = LONGPOLL_MS / 1000 + self.node.transport.timeout
        return self.node.transport.get(f"{self.node.database_url}/_changes", params=params, timeout=timeout)

    def _retrying(self, call: Callable[[], R]) -> R:
        """``call()``, waiting out a node that does not answer for up to ``retry_for`` seconds."""
        deadline, delay = time.monotonic() + self.retry_for, 0.5
        while True:
            try:
                return call()
            except NodeUnreachable:
                if self._closed.is_set() or time.monotonic() + delay > deadline:
                    raise
                self._closed.wait(delay)
                delay = min(delay * 2, 10.0)

    # -- one batch -----------------------------------------------------------------------------

    def _events_of(self, rows: list[dict[str, Any]]) -> Iterator[ReleaseChange]:
        entries = self._retrying(lambda: self._entries(rows))
        for entry in entries:
            if self._closed.is_set():
                return
            event = self._retrying(lambda: self._classify(entry))
            if event is not None:
                yield event

    def _entries(self, rows: list[dict[str, Any]]) -> list[_Entry]:
        """The releases this batch reports, in feed order, one entry per release."""
        projects = self._project_documents(rows)
        entries: dict[str, _Entry] = {}
        for row in rows:
            doc_id = str(row.get("id", ""))
            if doc_id in projects:
                for entry in self._membership_changed(doc_id, projects[doc_id], row.get("seq")):
                    entries.pop(entry.doc_id, None)
                    entries[entry.doc_id] = entry
                continue
            parsed = release_of(doc_id)
            if parsed is None:
                continue
            project, version, spill_over = parsed
            release_id = f"{project}/{version}"
            earlier = entries.pop(release_id, None)
            entry = _Entry(release_id, project, version, row.get("seq"),
                           deleted=bool(row.get("deleted")) and not spill_over,
                           rev=None if spill_over else (row.get("changes") or [{}])[0].get("rev"),
                           spill_over_only=spill_over and (earlier is None or earlier.spill_over_only))
            if earlier is not None and spill_over:  # the head's own row says more than its files'
                entry.deleted, entry.rev = earlier.deleted, earlier.rev
            if self._wanted(project):
                entries[release_id] = entry
            else:
                self._pending.append((project, entry))
        return list(entries.values())

    def _wanted(self, project: str) -> bool:
        if self.filter is None:
            return True
        if isinstance(self.filter, Projects):
            return project in self.filter.names
        return self._members is not None and (project in self._members or project in self._left)

    def _project_documents(self, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
        """For a classifier filter: the batch's project ids, each with its document (None if deleted)."""
        if not isinstance(self.filter, Classifier):
            return {}
        ids = [str(r["id"]) for r in rows if "/" not in str(r.get("id", "")) and ":" not in str(r.get("id", ""))
               and not str(r.get("id", "")).startswith("_")]
        found = {doc["_id"]: doc for doc in self.node.documents(ids)}
        return {doc_id: found.get(doc_id) for doc_id in ids}

    def _membership_changed(self, project: str, doc: dict[str, Any] | None, seq: Any) -> list[_Entry]:
        """Follow a project document in or out of the classifier; returns the held-back releases
        of a project that just came in."""
        assert self._members is not None and isinstance(self.filter, Classifier)
        if not _has_classifier(doc, self.filter.classifier):
            if project in self._members and self._sharded:
                self._left.add(project)
            self._members.discard(project)
            return []
        if project in self._members:
            return []
        self._members.add(project)
        self._left.discard(project)
        released = [entry for name, entry in self._pending if name == project]
        self._pending = deque(((name, entry) for name, entry in self._pending if name != project), maxlen=PENDING_LIMIT)
        for entry in released:
            entry.seq = seq
        return released

    def _initial_members(self) -> set[str]:
        assert isinstance(self.filter, Classifier)
        return {summary.name for summary in self.node.iter_projects(classifier=self.filter.classifier)}

    # -- what happened to one release ------------------------------------------------------------

    def _classify(self, entry: _Entry) -> ReleaseChange | None:
        name = NormalizedName(entry.project)
        if entry.deleted:
            return ReleaseChange("removed", name, entry.version, entry.seq, None)
        doc = self._current(entry.doc_id)
        if doc is None:  # deleted after this batch was read: its own row comes later
            return None
        release = Release.from_documents(doc, self.node._spilled_files(doc), self.node.database_url)
        return ReleaseChange(self._kind(entry, doc), name, entry.version, entry.seq, release)

    def _current(self, doc_id: str) -> dict[str, Any] | None:
        doc = self.node.transport.get(document_url(self.node.database_url, doc_id),
                                      params={"revs_info": True}, ok_missing=True)
        return doc if doc and doc.get("type") == "release" else None

    def _kind(self, entry: _Entry, doc: dict[str, Any]) -> str:
        if entry.spill_over_only:
            return "changed"
        history = doc.get("_revs_info") or []
        if _generation(doc.get("_rev", "")) <= 1 or len(history) < 2:
            return "new"
        previous = history[1]
        if previous.get("status") == "deleted":
            return "new"
        before = None
        if previous.get("status") == "available":  # PouchDB Server says so of a deletion too
            before = self.node.transport.get(document_url(self.node.database_url, entry.doc_id),
                                             params={"rev": previous["rev"]}, ok_missing=True)
            if before is not None and before.get("_deleted"):
                return "new"
        yanked = bool(doc.get("yanked"))
        if before is None:
            return "yanked" if yanked else "changed"
        was_yanked = bool(before.get("yanked"))
        if yanked != was_yanked:
            return "yanked" if yanked else "unyanked"
        return "changed"
