"""The interface every index implementation offers, and the errors they raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class UpstreamError(RuntimeError):
    """The upstream failed for good (after retries) or answered nonsense."""


class StaleResponse(UpstreamError):
    """The upstream kept answering with data older than the serial we know exists."""


@dataclass
class ChangeSet:
    """What changed upstream after a serial.

    ``projects`` maps each changed project's name (as PyPI spells it) to the
    newest serial seen for it; ``last_serial`` is the newest serial the answer
    covers. ``complete_listing`` is set when the index could only answer with
    the whole project list (the JSON index): the caller then also removes the
    projects missing from it, since that index has no removal events.
    """

    since: int
    last_serial: int
    projects: dict[str, int] = field(default_factory=dict)
    complete_listing: dict[str, int] | None = None


class Index(Protocol):
    """Enumeration and change tracking (XML-RPC journal or JSON Simple index)."""

    name: str

    def last_serial(self) -> int: ...

    def all_projects(self) -> dict[str, int]: ...

    def changes_since(self, serial: int) -> ChangeSet: ...
