"""The emulator's state: projects, their releases and files, and PyPI's change journal.

Tests mutate a `Dataset` while the server reads it, so every public method takes the lock.
Each mutation appends journal rows with fresh serials exactly as PyPI's journal does, and the
project's `last_serial` is always the serial of its newest row.  Before each mutation the
project's previous state is kept, so the server can play a stale CDN (`Faults` "stale").
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, NamedTuple, NewType

from packaging.version import InvalidVersion, Version

from .files import StoredFile, placeholder_bytes, python_version_for

NormalizedName = NewType("NormalizedName", str)


def normalize(name: str) -> NormalizedName:
    """PEP 503 normalization, the key of every lookup."""
    return NormalizedName(re.sub(r"[-_.]+", "-", name).lower())


class JournalRow(NamedTuple):
    """One row of `changelog_since_serial`: `[name, version_or_None, unix_ts, action, serial]`."""

    name: str
    version: str | None
    timestamp: int
    action: str
    serial: int


class DatasetError(KeyError):
    """A mutation or lookup named a project, release or file that is not there."""


@dataclass(eq=False)
class Release:
    """One version of a project: its JSON API `info` and its files.

    `info` is stored whole, as PyPI shows it for this version; `yanked`/`yanked_reason`
    are kept in sync with it by the mutation methods.  `synthesized_info` marks captured
    releases whose `info` was derived from the latest one (PyPI was not asked for it).
    """

    version: str
    info: dict[str, Any]
    files: list[StoredFile] = field(default_factory=list)
    upload_time: float = 0.0
    synthesized_info: bool = False

    @property
    def yanked(self) -> bool:
        return bool(self.info.get("yanked"))

    @property
    def yanked_reason(self) -> str | None:
        return self.info.get("yanked_reason")


@dataclass(eq=False)
class Project:
    """A project with its releases in upload order."""

    name: str
    releases: dict[str, Release] = field(default_factory=dict)
    last_serial: int = 0
    ownership: dict[str, Any] = field(default_factory=lambda: {"organization": None, "roles": []})
    vulnerabilities: list[Any] = field(default_factory=list)
    pinned_latest: str | None = None
    status: str = "active"            # PEP 792: active, archived, quarantined, deprecated
    status_reason: str | None = None
    captured_page: dict[str, Any] | None = None  # the proxy's own page, for captured projects

    @property
    def normalized(self) -> NormalizedName:
        return normalize(self.name)

    def latest(self) -> Release | None:
        """The release whose `info` the project URL shows, chosen as Warehouse does.

        Non-yanked before yanked, final before pre-release, then the highest version; versions
        `packaging` cannot parse sort below every valid one, in upload order.
        """
        if self.pinned_latest in self.releases:
            return self.releases[self.pinned_latest]
        if not self.releases:
            return None
        return max(enumerate(self.releases.values()), key=_latest_key)[1]

    def snapshot(self) -> "Project":
        """A copy that later mutations of this project do not touch."""
        releases = {v: replace(r, info=dict(r.info), files=list(r.files)) for v, r in self.releases.items()}
        return replace(self, releases=releases)


def _latest_key(item: tuple[int, Release]) -> tuple[Any, ...]:
    index, release = item
    parsed = parse_version(release.version)
    if parsed is None:
        return (not release.yanked, False, False, (), index)
    return (not release.yanked, not parsed.is_prerelease, True, parsed, index)


def parse_version(version: str) -> Version | None:
    try:
        return Version(version)
    except InvalidVersion:
        return None


def version_sort_key(version: str) -> tuple[Any, ...]:
    """Valid PEP 440 versions in order, legacy ones before them (as LegacyVersion sorted)."""
    parsed = parse_version(version)
    return (1, parsed, "") if parsed is not None else (0, Version("0"), version)


class Dataset:
    """Projects plus journal, safe to read from the server while a test mutates it."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.projects: dict[NormalizedName, Project] = {}
        self.journal: list[JournalRow] = []
        self._serials: list[int] = []
        self._previous: dict[NormalizedName, Project | None] = {}
        self._files_by_name: dict[str, StoredFile] = {}

    # ---- reading -------------------------------------------------------------------------

    @property
    def last_serial(self) -> int:
        with self.lock:
            return self._serials[-1] if self._serials else 0

    def get(self, name: str) -> Project | None:
        with self.lock:
            return self.projects.get(normalize(name))

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __len__(self) -> int:
        return len(self.projects)

    def __iter__(self) -> Iterator[Project]:
        with self.lock:
            return iter(list(self.projects.values()))

    def previous_state(self, name: str) -> Project | None:
        """The project as it was before its latest mutation (None: it did not exist then)."""
        with self.lock:
            key = normalize(name)
            if key in self._previous:
                return self._previous[key]
            return self.projects.get(key)

    def changelog_since(self, serial: int, limit: int) -> list[JournalRow]:
        with self.lock:
            start = bisect.bisect_right(self._serials, serial)
            return self.journal[start:start + limit]

    def packages_with_serial(self) -> dict[str, int]:
        with self.lock:
            return {p.name: p.last_serial for p in self.projects.values()}

    def file_by_name(self, filename: str) -> StoredFile | None:
        with self.lock:
            return self._files_by_name.get(filename)

    def file_at(self, path: str) -> StoredFile | None:
        """The file served at `path`; filenames are unique across PyPI, so they are the key."""
        with self.lock:
            stored = self._files_by_name.get(path.rsplit("/", 1)[-1])
            return stored if stored is not None and stored.served_at(path) else None

    # ---- bulk loading (generators and captured data) ----------------------------------------

    def load(self, projects: Iterable[Project], journal: Iterable[JournalRow]) -> None:
        """Install ready-made projects and their journal rows (rows must be in serial order)."""
        with self.lock:
            for project in projects:
                self.projects[project.normalized] = project
                for release in project.releases.values():
                    self._index_files(release.files)
            for row in journal:
                self._append_row(row)

    # ---- mutations, each writing the journal rows PyPI writes ------------------------------

    def add_project(self, name: str, *, owners: Iterable[str] = ("emulator",)) -> Project:
        with self.lock:
            if normalize(name) in self.projects:
                raise DatasetError(f"project {name!r} exists")
            self._remember(normalize(name))
            roles = [{"role": "Owner", "user": user} for user in owners]
            project = Project(name=name, ownership={"organization": None, "roles": roles})
            self.projects[project.normalized] = project
            self._record(project, None, "create")
            return project

    def add_release(self, name: str, version: str, files: Iterable[StoredFile | str] = (),
                    **info_overrides: Any) -> Release:
        """Add a release (creating the project on first upload, as PyPI does) and its files."""
        with self.lock:
            existing = self.get(name)
            project = existing or self.add_project(name)
            if version in project.releases:
                raise DatasetError(f"{name} {version} exists")
            if existing is not None:
                self._remember(project.normalized)
            project.pinned_latest = None
            now = self.clock()
            info = default_info(project.name, version, **info_overrides)
            release = Release(version=version, info=info, upload_time=now)
            project.releases[version] = release
            self._record(project, version, "new release")
            for item in files:
                self._attach(project, release, item)
            return release

    def add_file(self, name: str, version: str, file: StoredFile | str) -> StoredFile:
        with self.lock:
            project, release = self._release(name, version)
            self._remember(project.normalized)
            return self._attach(project, release, file)

    def remove_file(self, name: str, version: str, filename: str) -> None:
        with self.lock:
            project, release = self._release(name, version)
            matches = [f for f in release.files if f.filename == filename]
            if not matches:
                raise DatasetError(f"no file {filename!r} in {name} {version}")
            self._remember(project.normalized)
            release.files.remove(matches[0])
            self._files_by_name.pop(matches[0].filename, None)
            self._record(project, version, f"remove file {filename}")

    def remove_release(self, name: str, version: str) -> None:
        with self.lock:
            project, release = self._release(name, version)
            self._remember(project.normalized)
            project.pinned_latest = None
            for stored in release.files:
                self._files_by_name.pop(stored.filename, None)
            del project.releases[version]
            self._record(project, version, "remove release")

    def remove_project(self, name: str) -> None:
        with self.lock:
            project = self._project(name)
            self._remember(project.normalized)
            for release in project.releases.values():
                for stored in release.files:
                    self._files_by_name.pop(stored.filename, None)
            del self.projects[project.normalized]
            self._record(project, None, "remove project")

    def set_status(self, name: str, status: str, reason: str | None = None) -> None:
        """PEP 792: change a project's status, with the journal row PyPI writes.

        PyPI writes ``project quarantined`` / ``project quarantine cleared`` for quarantine;
        the rows for the other statuses are this emulator's guess (``project archived`` ...).
        """
        if status not in ("active", "archived", "quarantined", "deprecated"):
            raise ValueError(f"unknown project status {status!r}")
        with self.lock:
            project = self._project(name)
            self._remember(project.normalized)
            before = project.status
            project.status, project.status_reason = status, reason
            if status == "quarantined":
                action = "project quarantined"
            elif before == "quarantined":
                action = "project quarantine cleared"
            else:
                action = f"project {status}" if status != "active" else f"project {before} cleared"
            self._record(project, None, action)

    def yank(self, name: str, version: str, reason: str = "") -> None:
        self._set_yanked(name, version, True, reason or None, "yank release")

    def unyank(self, name: str, version: str) -> None:
        self._set_yanked(name, version, False, None, "unyank release")

    # ---- internals -------------------------------------------------------------------------

    def _set_yanked(self, name: str, version: str, yanked: bool, reason: str | None, action: str) -> None:
        with self.lock:
            project, release = self._release(name, version)
            self._remember(project.normalized)
            project.pinned_latest = None
            release.info = {**release.info, "yanked": yanked, "yanked_reason": reason}
            self._record(project, version, action)

    def _project(self, name: str) -> Project:
        project = self.get(name)
        if project is None:
            raise DatasetError(f"no project {name!r}")
        return project

    def _release(self, name: str, version: str) -> tuple[Project, Release]:
        project = self._project(name)
        if version not in project.releases:
            raise DatasetError(f"no release {name} {version}")
        return project, project.releases[version]

    def _attach(self, project: Project, release: Release, item: StoredFile | str) -> StoredFile:
        stored = item if isinstance(item, StoredFile) else placeholder_file(item, self.clock())
        if stored.requires_python is None:
            stored.requires_python = release.info.get("requires_python")
        if stored.filename in self._files_by_name:
            raise DatasetError(f"file {stored.filename!r} exists")
        release.files.append(stored)
        self._index_files([stored])
        self._record(project, release.version, f"add {python_version_for(stored.filename)} file {stored.filename}")
        return stored

    def _index_files(self, files: Iterable[StoredFile]) -> None:
        for stored in files:
            self._files_by_name[stored.filename] = stored

    def _remember(self, key: NormalizedName) -> None:
        """Keep the state before this mutation for stale-CDN answers."""
        current = self.projects.get(key)
        self._previous[key] = current.snapshot() if current is not None else None

    def _record(self, project: Project, version: str | None, action: str) -> None:
        serial = self.last_serial + 1
        self._append_row(JournalRow(project.name, version, int(self.clock()), action, serial))
        project.last_serial = serial

    def _append_row(self, row: JournalRow) -> None:
        if self._serials and row.serial <= self._serials[-1]:
            raise ValueError(f"journal serial {row.serial} not after {self._serials[-1]}")
        self.journal.append(row)
        self._serials.append(row.serial)


def placeholder_file(filename: str, upload_time: float, size: int = 1024) -> StoredFile:
    """A file whose bytes are deterministic filler (not an installable distribution)."""
    return StoredFile(filename=filename, upload_time=upload_time,
                      content=lambda: placeholder_bytes(filename, size), placeholder=True)


def default_info(name: str, version: str, **overrides: Any) -> dict[str, Any]:
    """A release `info` with every key PyPI's JSON API has, in PyPI's order."""
    info: dict[str, Any] = {
        "author": None, "author_email": None, "classifiers": [], "description": "",
        "description_content_type": None, "docs_url": None, "download_url": None,
        "dynamic": None, "home_page": None, "keywords": None, "license": None,
        "license_expression": None, "license_files": None, "maintainer": None,
        "maintainer_email": None, "name": name,
        "package_url": f"https://pypi.org/project/{name}/", "platform": None,
        "project_url": f"https://pypi.org/project/{name}/", "project_urls": None,
        "provides_extra": None, "release_url": f"https://pypi.org/project/{name}/{version}/",
        "requires_dist": None, "requires_python": None, "summary": None, "version": version,
        "yanked": False, "yanked_reason": None,
        "downloads": {"last_day": -1, "last_month": -1, "last_week": -1}, "bugtrack_url": None,
    }
    unknown = set(overrides) - set(info)
    if unknown:
        raise TypeError(f"unknown info fields: {sorted(unknown)}")
    info.update(overrides)
    return info
