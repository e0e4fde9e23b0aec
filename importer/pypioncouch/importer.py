"""The two jobs users run: a full import, and an update from the journal.

``XmlRpcImporter`` keeps the name users already write; it enumerates and
follows PyPI through XML-RPC when it answers, and through the JSON Simple index
otherwise (see ``upstream``). Project data always comes from the JSON API.

Serials make both jobs safe to kill and run again: the serial the database is
complete up to moves only after every document it covers is written.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from .couch import Database, DatabaseURL, parse_database_url
from .feeds import project_attachments
from .filters import AllowList, ProjectFilter, allows, load_plugin_filters
from .names import InvalidProjectName, normalize
from .progress import Progress
from .render import BatchRenderer, InlineRenderer, RenderPool
from .state import ImportState, StateStore
from .sync import AttachmentMaker, ProjectSync, SyncReport
from .upstream import HttpClient, JsonApi, RetryPolicy, connect

__all__ = ["XmlRpcImporter", "import_all", "update", "NotInitialized", "DEFAULT_INDEX_URL"]

log = logging.getLogger(__name__)
DEFAULT_INDEX_URL = "https://pypi.org"


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
        self.index_url = index_url.rstrip("/")
        self.http = HttpClient(self.index_url, retry)
        self.index = connect(self.http, protocol)
        self.api = JsonApi(self.http) if not mirror_files else _mirroring_api(self.db, self.http, mirror_files)
        self.filters: list[ProjectFilter] = list(filters if filters is not None else load_plugin_filters())
        if projects is not None:
            self.filters.append(AllowList(projects))
        self.state = StateStore(self.db)
        self.workers = workers
        self.batch_size = batch_size
        self.release_metadata = release_metadata
        self.progress = progress
        self.attachments = _feed_attachments(self.location, site_url) if attachments == "default" else attachments
        self.render_processes = render_processes

    def __repr__(self) -> str:
        return f"XmlRpcImporter({str(self.location)!r}, index_url={self.index_url!r})"

    # -- the two jobs ---------------------------------------------------------------------

    def import_all(self) -> SyncReport:
        """Import every (allowed) project, then remove those PyPI no longer has."""
        self.db.create()
        state = self.state.load()
        fresh = holds_no_index(self.db)
        serial = self.index.last_serial()  # taken first: nothing can fall between it and the listing
        listing = self._allowed(self.index.all_projects())
        self.state.begin(state, "fullimport", serial, self.index_url)
        # The render process is forked first, while this process has no other thread (tqdm starts one).
        with self._renderer(len(listing)) as renderer, Progress("import", total=len(listing), enabled=self.progress) as bar:
            report = self._sync(state, bar.advance, renderer, fresh=fresh).run(listing, skip_current=True)
        if not fresh:
            self._remove_missing(listing, report)
        self._finish(state, serial, report)
        return report

    def update(self) -> SyncReport:
        """Apply what changed upstream since the last complete run."""
        state = self.state.load()
        if state.last_serial is None:
            raise NotInitialized(f"{self.location} has no completed import: run --fullimport first")
        changes = self.index.changes_since(state.last_serial)
        todo = self._allowed(changes.projects)
        for name, error in self.state.pending_errors().items():
            todo.setdefault(error.get("name") or name, int(error.get("serial") or 0))
        if not todo and changes.complete_listing is None and changes.last_serial == state.last_serial:
            return SyncReport()
        self.state.begin(state, "update", changes.last_serial, self.index_url)
        with self._renderer(len(todo)) as renderer, Progress("update", total=len(todo), enabled=self.progress) as bar:
            report = self._sync(state, bar.advance, renderer).run(todo)
        if changes.complete_listing is not None:
            self._remove_missing(self._allowed(changes.complete_listing), report)
        self._finish(state, changes.last_serial, report)
        return report

    # -- helpers ----------------------------------------------------------------------------

    def _sync(self, state: ImportState, on_progress: Callable[[int], None], renderer: BatchRenderer,
              *, fresh: bool = False) -> ProjectSync:
        return ProjectSync(self.db, self.api, workers=self.workers, batch_size=self.batch_size,
                           resume=state.interrupted, release_metadata=self.release_metadata,
                           attachments=self.attachments, on_progress=on_progress, renderer=renderer, fresh=fresh)

    @contextmanager
    def _renderer(self, projects: int) -> Iterator[BatchRenderer]:
        """Render in other processes when there is enough to render to pay for starting them."""
        if self.render_processes < 1 or projects < 50:
            yield InlineRenderer()
            return
        with RenderPool(self.render_processes) as pool:
            yield pool

    def _allowed(self, projects: dict[str, int]) -> dict[str, int]:
        allowed = {}
        for name, serial in projects.items():
            try:
                if allows(self.filters, normalize(name)):
                    allowed[name] = serial
            except InvalidProjectName:
                log.warning("skipping unusable project name %r", name)
        return allowed

    def _remove_missing(self, listing: dict[str, int], report: SyncReport) -> None:
        """Delete projects the database holds and the upstream no longer lists."""
        upstream = {normalize(name) for name in listing}
        gone = [pid for pid in _project_ids(self.db) if pid not in upstream and allows(self.filters, pid)]
        if gone:
            ProjectSync(self.db, self.api, workers=1, resume=True).remove(gone, report)

    def _finish(self, state: ImportState, serial: int, report: SyncReport) -> None:
        self.state.finish(state, serial)
        log.info("%s: complete up to serial %s (%d written, %d unchanged, %d failed)",
                 self.location, serial, report.written, report.unchanged, len(report.failed))


def holds_no_index(db: Database) -> bool:
    """True for a database with no documents but design documents: a first import has nothing
    to compare with or remove. (Design ids sort after digits and before letters.)"""
    rows = db.request("GET", f"{db.url}/_all_docs", what="look for documents", params={"limit": 5}).json()["rows"]
    return len(rows) < 5 and all(row["id"].startswith("_design/") for row in rows)


def _project_ids(db: Database) -> list[str]:
    """Ids of every project document: ids with no ``/`` that are not ``pypioncouch:`` or design docs."""
    return [row["id"] for row in db.iter_all_docs(batch=5000)
            if "/" not in row["id"] and ":" not in row["id"] and not row["id"].startswith("_")]


def _mirroring_api(db: Database, http: HttpClient, projects: Iterable[str]) -> JsonApi:
    """The JSON API that also stores these projects' files in the database (offline mirrors)."""
    from .distfiles import DistributionStore, MirroringJsonApi
    return MirroringJsonApi(http, DistributionStore(db, http, projects))


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
