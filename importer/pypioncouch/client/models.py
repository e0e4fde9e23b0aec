"""What the client returns: typed, read-only views of a node's documents (docs/schema.md).

Field names are the specs' own, spelled as Python identifiers: a file has PEP 691's
``filename``, ``url``, ``hashes``, ``requires_python``, ``size``, ``upload_time``,
``yanked`` and ``core_metadata`` (plus the JSON API's ``packagetype`` and
``python_version``); a project and a release have the JSON API's names. Names are
packaging's ``NormalizedName``; versions are kept as PyPI wrote them (``version``, the
string every URL and document id uses) and parsed (``parsed_version``, a packaging
``Version``, None for the pre-PEP 440 versions old PyPI holds); ``requires_python``
is a packaging ``SpecifierSet`` (``requires_python_text`` keeps the text, also when it
does not parse). Every object keeps what it was made from in ``raw``, so fields the
node adds later are still at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Generic, Iterator, Mapping, Sequence, TypeVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version

from ..versions import parse_version

__all__ = ["DistributionFile", "Release", "ReleaseSummary", "Project", "ProjectSummary", "Page",
           "ReleaseChange", "CHANGE_KINDS", "parse_specifier", "document_time"]

T = TypeVar("T")
CHANGE_KINDS = ("new", "changed", "yanked", "unyanked", "removed")


def parse_specifier(text: str | None) -> SpecifierSet | None:
    """``requires_python`` as a SpecifierSet; None when absent, empty or not a valid specifier."""
    if not text or not str(text).strip():
        return None
    try:
        return SpecifierSet(str(text))
    except InvalidSpecifier:
        return None


def document_time(value: Any) -> datetime | None:
    """A document's ``[y, m, d, h, mi, s]`` (UTC) as an aware datetime."""
    if not isinstance(value, list) or len(value) < 6:
        return None
    try:
        return datetime(*(int(part) for part in value[:6]), tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _allows(spec: SpecifierSet | None, python: str | Version) -> bool:
    return True if spec is None else spec.contains(python, prereleases=True)


@dataclass(frozen=True)
class DistributionFile:
    """One file of a release, from the file object PyPI's JSON API gave for it."""

    filename: str
    url: str
    hashes: Mapping[str, str]            # PEP 691 "hashes" (PyPI's "digests": sha256, md5, blake2b_256)
    size: int | None
    upload_time: datetime | None
    yanked: bool
    yanked_reason: str | None
    requires_python: SpecifierSet | None
    requires_python_text: str | None
    core_metadata: Mapping[str, str] | None  # hashes of the PEP 658 .metadata file, when there is one
    packagetype: str | None               # "bdist_wheel", "sdist", ...
    python_version: str | None            # "py3", "source", "cp312", ...
    mirror_url: str | None                # this node's own copy (offline mirrors), absolute
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_stored(cls, obj: Mapping[str, Any], database_url: str | None = None) -> "DistributionFile":
        metadata = obj.get("core-metadata", obj.get("data-dist-info-metadata"))
        mirror = obj.get("mirror_url")
        return cls(
            filename=str(obj.get("filename", "")),
            url=str(obj.get("url", "")),
            hashes=dict(obj.get("digests") or obj.get("hashes") or {}),
            size=obj.get("size") if isinstance(obj.get("size"), int) else None,
            upload_time=_iso_time(obj.get("upload_time_iso_8601")) or _iso_time(obj.get("upload_time")),
            yanked=bool(obj.get("yanked")),
            yanked_reason=obj.get("yanked_reason") or (obj["yanked"] if isinstance(obj.get("yanked"), str) else None),
            requires_python=parse_specifier(obj.get("requires_python")),
            requires_python_text=obj.get("requires_python") or None,
            core_metadata=dict(metadata) if isinstance(metadata, dict) else ({} if metadata is True else None),
            packagetype=obj.get("packagetype"),
            python_version=obj.get("python_version"),
            mirror_url=f"{database_url}/{mirror}" if mirror and database_url else None,
            raw=obj,
        )

    @property
    def sha256(self) -> str | None:
        return self.hashes.get("sha256")

    def supports_python(self, python: str | Version) -> bool:
        """True when this file's Requires-Python admits ``python`` (always, when it says nothing)."""
        return _allows(self.requires_python, python)


@dataclass(frozen=True)
class Release:
    """One release with its files (the ``release`` document and its ``release_files`` spill-over)."""

    project: NormalizedName
    version: str
    parsed_version: Version | None
    upload_time: datetime | None
    yanked: bool
    yanked_reason: str | None
    requires_python: SpecifierSet | None
    requires_python_text: str | None
    files: tuple[DistributionFile, ...]
    info: Mapping[str, Any] | None        # PyPI's `info` for this version, when the node holds it
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_documents(cls, doc: Mapping[str, Any], extra_files: Sequence[Mapping[str, Any]] = (),
                       database_url: str | None = None) -> "Release":
        files = [*(doc.get("files") or []), *extra_files]
        return cls(
            project=NormalizedName(str(doc.get("project"))),
            version=str(doc.get("version")),
            parsed_version=parse_version(str(doc.get("version"))),
            upload_time=document_time(doc.get("upload_time")),
            yanked=bool(doc.get("yanked")),
            yanked_reason=doc.get("yanked_reason") or None,
            requires_python=parse_specifier(doc.get("requires_python")),
            requires_python_text=doc.get("requires_python") or None,
            files=tuple(DistributionFile.from_stored(f, database_url) for f in files),
            info=doc.get("info"),
            raw=doc,
        )

    def supports_python(self, python: str | Version) -> bool:
        """True when the release's Requires-Python admits ``python`` (always, when it says nothing)."""
        return _allows(self.requires_python, python)


@dataclass(frozen=True)
class ReleaseSummary:
    """A release as listings show it: the project page's history, the newest releases."""

    project: NormalizedName
    version: str
    parsed_version: Version | None
    upload_time: datetime | None
    yanked: bool
    files: int | None = None
    requires_python_text: str | None = None

    @property
    def requires_python(self) -> SpecifierSet | None:
        return parse_specifier(self.requires_python_text)


@dataclass(frozen=True)
class ProjectSummary:
    """A project as listings show it (browse_facets rows)."""

    name: NormalizedName
    display_name: str
    latest_version: str | None
    summary: str


@dataclass(frozen=True)
class Project:
    """One project: PyPI's ``info`` for its latest version, its release history and, when
    loaded with them, its releases and their files (oldest first, in PEP 440 order)."""

    name: NormalizedName
    display_name: str
    summary: str
    latest_version: str | None
    versions: tuple[str, ...]
    history: tuple[ReleaseSummary, ...]
    releases: tuple[Release, ...]
    classifiers: tuple[str, ...]
    keywords: tuple[str, ...]
    author: str | None
    maintainer: str | None
    license: str | None
    home_page: str | None
    project_urls: Mapping[str, str]
    requires_python: SpecifierSet | None
    requires_python_text: str | None
    last_serial: int | None
    created: datetime | None
    updated: datetime | None
    info: Mapping[str, Any] = field(repr=False)
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_documents(cls, doc: Mapping[str, Any], releases: Sequence[Release] = ()) -> "Project":
        info = doc.get("info") or {}
        name = NormalizedName(str(doc.get("_id")))
        history = tuple(
            ReleaseSummary(project=name, version=str(entry.get("version")),
                           parsed_version=parse_version(str(entry.get("version"))),
                           upload_time=document_time(entry.get("upload_time")), yanked=bool(entry.get("yanked")),
                           files=entry.get("files"))
            for entry in doc.get("release_history") or [])
        return cls(
            name=name,
            display_name=str(doc.get("name") or info.get("name") or name),
            summary=str(info.get("summary") or ""),
            latest_version=doc.get("latest_version") or info.get("version"),
            versions=tuple(str(v) for v in doc.get("versions") or []),
            history=history,
            releases=tuple(releases),
            classifiers=tuple(doc.get("classifiers") or info.get("classifiers") or []),
            keywords=tuple(doc.get("keywords") or []),
            author=info.get("author") or info.get("author_email") or None,
            maintainer=info.get("maintainer") or info.get("maintainer_email") or None,
            license=info.get("license_expression") or info.get("license") or None,
            home_page=info.get("home_page") or None,
            project_urls=dict(info.get("project_urls") or {}),
            requires_python=parse_specifier(info.get("requires_python")),
            requires_python_text=info.get("requires_python") or None,
            last_serial=doc.get("last_serial"),
            created=document_time(doc.get("created")),
            updated=document_time(doc.get("updated")),
            info=info,
            raw=doc,
        )

    def release(self, version: str | Version) -> Release | None:
        """The loaded release of that version (``"1.0"`` finds ``1.0.0`` too, by PEP 440 equality)."""
        wanted = str(version)
        for release in self.releases:
            if release.version == wanted:
                return release
        try:
            parsed = Version(wanted)
        except InvalidVersion:
            return None
        return next((r for r in self.releases if r.parsed_version == parsed), None)

    @property
    def latest(self) -> Release | None:
        return self.release(self.latest_version) if self.latest_version else None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; ``next`` is the cursor of the following page (None on the last)."""

    items: tuple[T, ...]
    next: str | None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class ReleaseChange:
    """What ``Node.changes()`` yields: a release that appeared, changed, was yanked or un-yanked,
    or was removed. ``seq`` is the ``_changes`` sequence to resume after this change;
    ``release`` is the release as it now is (None when removed)."""

    kind: str  # one of CHANGE_KINDS
    project: NormalizedName
    version: str
    seq: Any
    release: Release | None
