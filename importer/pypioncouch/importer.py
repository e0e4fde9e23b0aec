"""The two jobs users run: a full import, and an update from the journal.

``XmlRpcImporter`` keeps the name users already write; it enumerates and follows
its upstream through XML-RPC when it answers, else through the Simple index (JSON
with serials, or names only), and takes each project's data from its Simple page and
its JSON API (see ``upstream``).

A partial mirror (``projects=``) never reads the upstream's full listing: a full import
asks for each named project, an update asks the change journal when there is one and
otherwise each named project's page (one request for a project that has not changed).

Before anything is written, the upstream answers one question (the listing, or the
first named project): an upstream that is no package index fails there, with an error
naming it, and the database is left as it was.

Serials make both jobs safe to kill and run again: the serial the database is
complete up to moves only after every document it covers is written.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Mapping

from .couch import Database, DatabaseURL, parse_database_url
from .feeds import project_attachments
from .filters import AllowList, ProjectFilter, allows, load_plugin_filters
from .names import InvalidProjectName, normalize
from .progress import Progress
from .projectlist import NameSet, ProjectList
from .render import BatchRenderer, InlineRenderer, RenderPool
from .state import ImportState, StateStore
from .sync import AttachmentMaker, FileStore, ProjectSync, SyncReport
from .simple_index import refresh_after_run as refresh_simple_index_after_run
from .tallies import refresh_after_run
from .upstream import NotAnIndex, RedirectLoop, RetryPolicy, Upstream, UpstreamError

__all__ = ["XmlRpcImporter", "import_all", "update", "NotInitialized", "DEFAULT_INDEX_URL"]

log = logging.getLogger(__name__)
DEFAULT_INDEX_URL = "https://pypi.org"
# Listed projects asked for before the first write: if all are unknown to the index's own
# pages, the index is not what it claims to be.
PROBES = 3


class NotInitialized(RuntimeError):
    """``update`` on a database no full import has completed."""


class XmlRpcImporter:
    """Imports PyPI (or any index with PyPI's interfaces) into one CouchDB database."""

    def __init__(
        self,
        couch_url: str | DatabaseURL,
        *,
        index_url: str = DEFAULT_INDEX_URL,
        projects: Iterable[str] | None = None,
        protocol: str = "auto",
        workers: int = 8,
        batch_size: int = 100,
        release_metadata: bool = False,
        progress: bool = False,
        retry: RetryPolicy | None = None,
        attachments: AttachmentMaker | None | str = "default",
        filters: list[ProjectFilter] | None = None,
        mirror_files: Iterable[str] | None = None,
        render_processes: int = 1,
        site_url: str | None = None,
    ) -> None:
        self.location = parse_database_url(couch_url) if isinstance(couch_url, str) else couch_url
        self.db = Database(self.location)
        self.upstream = Upstream(index_url, retry, protocol)
        self.index_url = self.upstream.url
        self.http = self.upstream.http
        self.index = self.upstream.index
        self.files: FileStore | None = _file_store(self.db, self.upstream, mirror_files) if mirror_files else None
        self.filters: list[ProjectFilter] = list(filters if filters is not None else load_plugin_filters())
        # A partial mirror: the names as the user wrote them, one per project.
        self.requested: list[str] | None = None
        if projects is not None:
            self._select(projects)
        self.state = StateStore(self.db)
        self.workers = workers
        self.batch_size = batch_size
        self.release_metadata = release_metadata
        self.progress = progress
        self.attachments = _feed_attachments(self.location, site_url) if attachments == "default" else attachments
        self.render_processes = render_processes

    def _select(self, projects: Iterable[str]) -> None:
        """Mirror only ``projects``: an allowlist, and the names as the user wrote them, one per project."""
        self.filters.append(AllowList(projects))
        self.requested = _one_spelling_each(projects)

    def __repr__(self) -> str:
        return f"XmlRpcImporter({str(self.location)!r}, index_url={self.index_url!r})"

    # -- the two jobs ---------------------------------------------------------------------

    def import_all(self) -> SyncReport:
        """Import every (allowed) project, then remove those the upstream no longer has."""
        listed = self.requested is None
        if not listed:
            serial = self.upstream.last_serial(listing=False)  # the journal's, when there is one
            todo: Mapping[str, int] = self._allowed({name: 0 for name in self.requested or ()})
        else:
            # The whole index: its listing is held while the import runs, as a ProjectList (a few
            # dozen bytes a project, not a dict's 140), and only what the filters allow of it.
            answer = self.upstream.all_projects()
            serial = answer.serial
            listing = ProjectList.from_mapping(answer.projects)
            del answer
            todo = self._allowed(listing)
            del listing
        prefetched = self._probe(todo, listed=listed)
        self.db.create()
        state = self.state.load()
        fresh = holds_no_index(self.db)
        self.state.begin(state, "fullimport", serial or 0, self.index_url, projects=self.requested)
        # The render process is forked first, while this process has no other thread (tqdm starts one).
        with self._renderer(len(todo)) as renderer, Progress("import", total=len(todo), enabled=self.progress) as bar:
            report = self._sync(state, bar.advance, renderer, fresh=fresh).run(
                todo, skip_current=listed, prefetched=prefetched)
            if listed and not fresh:  # what the filters leave out the sweep leaves alone too
                self._check_missing(todo, state, report)
        self._finish(state, serial if serial is not None else max(report.newest_serial, state.last_serial or 0), report)
        return report

    def update(self) -> SyncReport:
        """Apply what changed upstream since the last complete run."""
        state = self.state.load()
        if state.last_serial is None:
            raise NotInitialized(f"{self.location} has no completed import: run --fullimport first")
        since = state.last_serial
        record: list[str] | None | bool = False
        if self.requested is None and state.projects is not None:
            # A partial mirror: its update mirrors the projects its import named (the state document).
            log.info("%s mirrors %d named projects (--projects changes them)", self.location, len(state.projects))
            self._select(state.projects)
        elif self.requested is not None and state.projects is not None:
            record = self.requested  # a partial mirror's new selection, for the updates after this one
        if self.requested is not None:
            changes = self.upstream.changes_since(since, listing=False)
            if changes is None:  # no journal: each named project's own page says whether it changed
                todo = self._allowed({name: 0 for name in self.requested})
            else:
                todo = self._allowed(changes.projects)
                todo.update({name: 0 for name in self._not_stored(self.requested) if name not in todo})
        else:
            changes = self.upstream.changes_since(since)
            if changes.complete_listing is not None:  # a Simple index: the whole listing, held compact
                changes.complete_listing = ProjectList.from_mapping(changes.complete_listing)
                if not changes.serials_known:  # names only: every listed project is to be asked
                    changes.projects = changes.complete_listing
            todo = self._allowed(changes.projects)
        pending = {error.get("name") or name: int(error.get("serial") or 0)
                   for name, error in self.state.pending_errors().items()}
        if isinstance(todo, ProjectList):
            todo = todo.merged(pending)
        else:
            for name, serial in pending.items():
                todo.setdefault(name, serial)
        journal = changes is not None and changes.complete_listing is None
        target = changes.last_serial if changes is not None else since
        if not todo and journal and target == since:
            return SyncReport()
        self.state.begin(state, "update", target, self.index_url, projects=record)
        with self._renderer(len(todo)) as renderer, Progress("update", total=len(todo), enabled=self.progress) as bar:
            report = self._sync(state, bar.advance, renderer).run(todo)
            if changes is not None and changes.complete_listing is not None:
                self._check_missing(self._allowed(changes.complete_listing), state, report)
        serials_known = changes is not None and changes.serials_known
        self._finish(state, target if serials_known else max(target, report.newest_serial), report)
        return report

    # -- helpers ----------------------------------------------------------------------------

    def _probe(self, todo: Mapping[str, int], *, listed: bool) -> dict[str, Any]:
        """The upstream's answers for the first projects, asked before anything is written.

        Without a listing nothing has shown yet that the upstream is an index: any error
        propagates from here. After a listing, only an answer that no index gives does (not an
        index, a redirect loop); another error is that project's, recorded by the sync. A listed
        project the index's pages do not know is possible (removed since); every probed one
        unknown is not: the index is refused.
        """
        if isinstance(todo, ProjectList):  # sorted already
            names = list(islice(todo, PROBES if listed else None))
        else:
            names = sorted(todo, key=str.lower)[:PROBES if listed else None]
        answers: dict[str, Any] = {}
        for name in names:
            try:
                answers[name] = self.upstream.project(name, todo[name])
            except (NotAnIndex, RedirectLoop):
                raise
            except UpstreamError as exc:
                if not listed:
                    raise
                answers[name] = exc
                continue
            if answers[name] is not None:
                return answers
        unknown = [name for name in names if answers.get(name) is None]
        if unknown and len(unknown) == len(names):
            where = self.upstream.location
            raise NotAnIndex(
                f"{where.url}: {'its listing names ' if listed else ''}{', '.join(names)}, but its JSON API "
                f"({where.json_project(names[0])}) and its Simple pages ({where.simple_project(names[0])}) "
                f"answer 404 for {'them' if len(names) > 1 else 'it'}: is this a package index?")
        return answers

    def _sync(self, state: ImportState, on_progress: Callable[[int], None], renderer: BatchRenderer,
              *, fresh: bool = False) -> ProjectSync:
        return ProjectSync(self.db, self.upstream, workers=self.workers, batch_size=self.batch_size,
                           resume=state.interrupted, release_metadata=self.release_metadata,
                           attachments=self.attachments, on_progress=on_progress, renderer=renderer, fresh=fresh,
                           files=self.files)

    @contextmanager
    def _renderer(self, projects: int) -> Iterator[BatchRenderer]:
        """Render in other processes when there is enough to render to pay for starting them."""
        if self.render_processes < 1 or projects < 50:
            yield InlineRenderer()
            return
        with RenderPool(self.render_processes) as pool:
            yield pool

    def _allowed(self, projects: Mapping[str, int]) -> Any:
        """The projects the filters allow (with a usable name): a ``ProjectList`` of a ``ProjectList``
        (the same one when all are), else a ``dict``."""
        if isinstance(projects, ProjectList):
            return projects.keeping(self._allows)
        allowed = {}
        for name, serial in projects.items():
            try:
                if allows(self.filters, normalize(name)):
                    allowed[name] = serial
            except InvalidProjectName:
                log.warning("skipping unusable project name %r", name)
        return allowed

    def _allows(self, name: str) -> bool:
        try:
            return allows(self.filters, normalize(name))
        except InvalidProjectName:
            log.warning("skipping unusable project name %r", name)
            return False

    def _not_stored(self, names: list[str]) -> list[str]:
        """The named projects the database has no document for (added to the allowlist since)."""
        ids = {}
        for name in names:
            try:
                ids[normalize(name)] = name
            except InvalidProjectName:
                continue
        stored = self.db.fetch(list(ids)) if ids else {}
        return [name for pid, name in ids.items() if pid not in stored]

    def _check_missing(self, listing: Mapping[str, int], state: ImportState, report: SyncReport) -> None:
        """Projects the database holds and the listing no longer names are asked for one by one:
        deleted when the index no longer knows them, kept when it does (a quarantined project is
        left out of PyPI's index and its JSON API, but its page still answers). The listing's
        normalized names are held as a ``NameSet`` and the database's ids read a page at a time."""
        listed = NameSet(_normalized(listing))
        missing = [pid for pid in _project_ids(self.db) if pid not in listed and allows(self.filters, pid)]
        del listed
        if missing:
            ProjectSync(self.db, self.upstream, workers=min(self.workers, 4), resume=True,
                        attachments=self.attachments, files=self.files).run({pid: 0 for pid in missing}, report=report)

    def _finish(self, state: ImportState, serial: int, report: SyncReport) -> None:
        self.state.finish(state, serial)
        log.info("%s: complete up to serial %s (%d written, %d unchanged, %d failed)",
                 self.location, serial, report.written, report.unchanged, len(report.failed))
        # The pages' counts (pypioncouch.tallies): recounted once the data they count is complete.
        refresh_after_run(self.db, changed=bool(report.written or report.deleted))
        # `/simple/` (pypioncouch.simple_index): rendered again in pieces, the ones that changed.
        refresh_simple_index_after_run(self.db, changed=bool(report.written or report.deleted))


def holds_no_index(db: Database) -> bool:
    """True for a database with no documents but design documents: a first import has nothing
    to compare with or remove. (Design ids sort after digits and before letters.)"""
    rows = db.request("GET", f"{db.url}/_all_docs", what="look for documents", params={"limit": 5}).json()["rows"]
    return len(rows) < 5 and all(row["id"].startswith("_design/") for row in rows)


def _project_ids(db: Database) -> Iterator[str]:
    """Ids of every project document: ids with no ``/`` that are not ``pypioncouch:`` or design docs."""
    return (row["id"] for row in db.iter_all_docs(batch=5000)
            if "/" not in row["id"] and ":" not in row["id"] and not row["id"].startswith("_"))


def _normalized(names: Iterable[str]) -> Iterator[str]:
    for name in names:
        try:
            yield normalize(name)
        except InvalidProjectName:
            continue


def _file_store(db: Database, upstream: Upstream, projects: Iterable[str]) -> FileStore:
    """Stores these projects' files in the database (offline mirrors)."""
    from .distfiles import DistributionStore
    return DistributionStore(db, upstream.http, projects)


def _one_spelling_each(names: Iterable[str]) -> list[str]:
    """The names in the order given, the first spelling of each project only."""
    seen: dict[str, str] = {}
    for name in names:
        try:
            seen.setdefault(normalize(name), name)
        except InvalidProjectName:
            seen.setdefault(name, name)
    return list(seen.values())


def _feed_attachments(location: DatabaseURL, site_url: str | None) -> AttachmentMaker:
    """OPML and DOAP for each project, linking to ``site_url`` (by default the database's own
    CouchApp URL; a public vhost URL keeps the links right on every mirror)."""
    base = (site_url or f"{location.url}/_design/pypi/_rewrite/").rstrip("/") + "/"
    return lambda doc: project_attachments(doc, base)


def import_all(couch_url: str, **options: Any) -> SyncReport:
    """``pypioncouch --fullimport URL`` from Python."""
    return XmlRpcImporter(couch_url, **options).import_all()


def update(couch_url: str, **options: Any) -> SyncReport:
    """``pypioncouch --update URL`` from Python."""
    return XmlRpcImporter(couch_url, **options).update()
