"""Which projects a mirror holds: project filters as plugins, bandersnatch-style.

A filter answers one question about a normalized project name. The importer
keeps a project when every filter allows it. ``AllowList`` is the one partial
mirrors need; other filters plug in through the ``pypioncouch.project_filters``
entry point group (a callable returning a ``ProjectFilter``).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Iterable, Protocol

from .names import NormalizedName, normalize

__all__ = ["ProjectFilter", "AllowList", "read_project_list", "load_plugin_filters", "allows"]


class ProjectFilter(Protocol):
    def allows(self, name: NormalizedName) -> bool: ...


class AllowList:
    """Only the named projects (names in any spelling; PEP 503 decides sameness)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(normalize(n) for n in names)

    def allows(self, name: NormalizedName) -> bool:
        return name in self.names

    def __repr__(self) -> str:
        return f"AllowList({sorted(self.names)!r})"


def read_project_list(path: Path | str) -> list[str]:
    """Names from a file: one a line, ``#`` starts a comment, and anything after a name
    that cannot be part of it (``requests>=2``, ``jinja2[i18n]``) is ignored, so a
    requirements file works as is."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = "".join(ch for ch in _leading_name(line))
        if name:
            names.append(name)
    return names


def _leading_name(line: str) -> str:
    for index, ch in enumerate(line):
        if not (ch.isalnum() or ch in "-_."):
            return line[:index]
    return line


def load_plugin_filters() -> list[ProjectFilter]:
    return [entry.load()() for entry in entry_points(group="pypioncouch.project_filters")]


def allows(filters: list[ProjectFilter], name: NormalizedName) -> bool:
    return all(f.allows(name) for f in filters)
