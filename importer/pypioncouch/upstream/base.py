"""The interface every upstream implementation offers, the data it answers, and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..pypi_types import ProjectPayload, ProjectStatus, SimpleDetail, project_status


class UpstreamError(RuntimeError):
    """The upstream failed for good (after retries) or answered nonsense."""


class StaleResponse(UpstreamError):
    """The upstream kept answering with data older than the serial we know exists."""


class NotAnIndex(UpstreamError):
    """The upstream answered, but not as a package index does (an HTML page that is not a
    Simple page, a JSON API that knows no project, ...): retrying cannot help."""


class RedirectLoop(UpstreamError):
    """The upstream redirected more times than any index does: a loop or a misconfiguration."""


@dataclass
class ChangeSet:
    """What changed upstream after a serial.

    ``projects`` maps each changed project's name (as the upstream spells it) to the
    newest serial seen for it (0 when the index gives names only); ``last_serial`` is the
    newest serial the answer covers. ``complete_listing`` is set when the index could
    only answer with the whole project list (a Simple index): the caller then also checks
    the projects missing from it, since that index has no removal events.
    ``serials_known`` is False for an index that lists names only: then every listed
    project may have changed, and only its own pages can tell.
    """

    since: int
    last_serial: int
    projects: dict[str, int] = field(default_factory=dict)
    complete_listing: dict[str, int] | None = None
    serials_known: bool = True


class Index(Protocol):
    """Enumeration and change tracking (XML-RPC journal, or a Simple index)."""

    name: str

    def last_serial(self) -> int: ...

    def all_projects(self) -> dict[str, int]: ...

    def changes_since(self, serial: int) -> ChangeSet: ...


@dataclass
class ProjectData:
    """One project as the upstream serves it: its JSON API payload and its Simple page.

    Either may be missing: a static Simple tree or devpi has no JSON API, a JSON-only
    mirror no Simple pages, and PyPI's JSON API answers 404 for a quarantined project
    whose Simple page still answers. ``serial`` is the newest serial either answer gave
    (None when neither says one).
    """

    name: str
    payload: ProjectPayload | None
    page: SimpleDetail | None
    serial: int | None

    @property
    def status(self) -> ProjectStatus:
        return project_status(self.page)

    @property
    def quarantined(self) -> bool:
        return self.status["status"] == "quarantined"


class _Unchanged:
    """``project()``'s answer when the project's serial is the one the caller holds."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()
