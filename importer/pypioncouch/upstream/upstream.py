"""``Upstream``: the one object the importer asks, whatever kind of index is behind it."""

from __future__ import annotations

from .base import ChangeSet, ProjectData, _Unchanged
from .http import HttpClient, RetryPolicy
from .location import IndexLocation
from .project import ProjectSource
from .select import connect
from .simple_page import Listing
from ..pypi_types import ProjectInfo


class Upstream:
    """All projects with serials, changes since a serial, one project's data.

    ``index_url`` is the index's base (``https://pypi.org``) or its Simple root
    (``https://pypi.org/simple/``, devpi's ``.../+simple/``). Listing and change
    tracking come from XML-RPC, else the Simple index (``protocol`` forces one);
    each project's data from its Simple page and its JSON API (``project``).
    """

    def __init__(self, index_url: str, retry: RetryPolicy | None = None, protocol: str = "auto") -> None:
        self.location = IndexLocation.parse(index_url)
        self.http = HttpClient(self.location.base, retry)
        self.index = connect(self.http, protocol, self.location)
        self.projects = ProjectSource(self.http, self.location)

    @property
    def url(self) -> str:
        return self.location.url

    def all_projects(self) -> Listing:
        """Every project, with its serial where the index gives one, and the listing's serial."""
        return self.index.listing()

    def changes_since(self, serial: int, *, listing: bool = True) -> ChangeSet | None:
        """What changed after ``serial``. With ``listing=False``, only what a change journal can say
        without reading the whole project list: None from an index that has none."""
        if listing:
            return self.index.changes_since(serial)
        return self.index.journal_changes(serial)

    def last_serial(self, *, listing: bool = True) -> int | None:
        """The newest serial; with ``listing=False`` only from a journal (None without one)."""
        if listing:
            return self.index.last_serial()
        return self.index.journal_serial()

    def project(self, name: str, min_serial: int = 0, current: int | None = None
                ) -> ProjectData | None | _Unchanged:
        """One project's page and payload (see ``ProjectSource.project``)."""
        return self.projects.project(name, min_serial, current)

    def release_info(self, name: str, version: str) -> ProjectInfo | None:
        """``info`` of one version, for ``--release-metadata``."""
        if self.projects.json_api_absent:
            return None
        return self.projects.api.release_info(name, version)
