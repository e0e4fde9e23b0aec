"""PyPI's wire formats, typed with the spec's own key names.

Two families: the JSON API (``/pypi/<name>/json``, keys with underscores) and the
Simple repository API (PEP 691 JSON and the PEP 503 HTML it mirrors, keys with
hyphens: ``requires-python``, ``core-metadata``, ``project-status``). Keys that are
not Python identifiers are declared with the functional ``TypedDict`` syntax, so
the names in the code are the names on the wire.

Only the keys the importer reads are listed; every other key an upstream sends is
kept as it is (the documents store ``info``, file objects and Simple entries
verbatim), so a field PyPI adds tomorrow is served tomorrow without a change here.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, TypedDict, Union

# ---- JSON API ------------------------------------------------------------------------------


class Digests(TypedDict, total=False):
    md5: str
    sha256: str
    blake2b_256: str


class FileInfo(TypedDict, total=False):
    """One distribution file: an entry of ``urls`` or of ``releases[version]``."""

    filename: str
    url: str
    digests: Digests
    packagetype: str
    python_version: str
    requires_python: Optional[str]
    size: int
    upload_time: str
    upload_time_iso_8601: str
    yanked: bool
    yanked_reason: Optional[str]
    # "core-metadata" is not an identifier: read it with .get("core-metadata").


class ProjectInfo(TypedDict, total=False):
    name: str
    version: str
    summary: Optional[str]
    description: Optional[str]
    description_content_type: Optional[str]
    keywords: Optional[str]
    classifiers: list[str]
    author: Optional[str]
    author_email: Optional[str]
    maintainer: Optional[str]
    maintainer_email: Optional[str]
    home_page: Optional[str]
    project_urls: Optional[dict[str, str]]
    requires_python: Optional[str]
    yanked: bool
    yanked_reason: Optional[str]


class ProjectPayload(TypedDict, total=False):
    """``GET /pypi/<name>/json``."""

    info: ProjectInfo
    last_serial: int
    releases: dict[str, list[FileInfo]]
    urls: list[FileInfo]
    vulnerabilities: list[Any]
    ownership: dict[str, Any]


# ---- Simple repository API (PEP 503, 691, 700, 714, 740, 792) ----------------------------------

#: PEP 792's markers. A project whose page names none is ``active``.
ProjectStatusName = Literal["active", "archived", "quarantined", "deprecated"]
PROJECT_STATUSES: tuple[str, ...] = ("active", "archived", "quarantined", "deprecated")

#: ``core-metadata``: the metadata file's hashes, ``True`` (there is one, hash unknown) or ``False``.
CoreMetadata = Union[dict[str, str], bool]

# ``_last-serial``: PyPI sends a number; proxies often a string of digits.
SimpleMeta = TypedDict("SimpleMeta", {"api-version": str, "_last-serial": Union[int, str]}, total=False)

ProjectStatus = TypedDict("ProjectStatus", {"status": str, "reason": Optional[str]}, total=False)

#: One ``files[]`` entry of a project page. ``url`` and ``provenance`` are absolute once parsed
#: (relative ones are resolved against the page they came from); ``yanked`` is False, True or the
#: reason; older pages say ``data-dist-info-metadata`` only; HTML pages have no ``size`` or
#: ``upload-time``. Keys a page leaves out take the spec's defaults (``entry_core_metadata``).
SimpleFile = TypedDict("SimpleFile", {
    "filename": str,
    "url": str,
    "hashes": dict[str, str],
    "requires-python": Optional[str],
    "size": int,
    "upload-time": str,
    "yanked": Union[bool, str],
    "core-metadata": CoreMetadata,
    "data-dist-info-metadata": CoreMetadata,
    "provenance": Optional[str],
}, total=False)

#: ``GET /simple/<name>/``: PEP 691 JSON, or the same read from PEP 503 HTML.
SimpleDetail = TypedDict("SimpleDetail", {
    "meta": SimpleMeta,
    "name": str,
    "versions": list[str],
    "files": list[SimpleFile],
    "project-status": ProjectStatus,
}, total=False)

SimpleIndexProject = TypedDict("SimpleIndexProject", {"name": str, "_last-serial": Union[int, str]}, total=False)

#: ``GET /simple/``.
SimpleIndex = TypedDict("SimpleIndex", {"meta": SimpleMeta, "projects": list[SimpleIndexProject]}, total=False)


def serial_value(value: Any) -> int | None:
    """A serial as an upstream wrote it (number, string of digits, absent) -> int or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def project_status(page: SimpleDetail | None) -> ProjectStatus:
    """The page's PEP 792 status, ``active`` when the page says none (the spec's default)."""
    status = (page or {}).get("project-status") or {}
    name = status.get("status") if isinstance(status, dict) else None
    if name not in PROJECT_STATUSES:
        return {"status": "active"}
    out: ProjectStatus = {"status": str(name)}
    reason = status.get("reason")
    if isinstance(reason, str) and reason:
        out["reason"] = reason
    return out


def entry_core_metadata(entry: SimpleFile) -> CoreMetadata:
    """PEP 714: ``core-metadata``, else the older ``data-dist-info-metadata``, else none."""
    for key in ("core-metadata", "data-dist-info-metadata"):
        value = entry.get(key)  # type: ignore[misc]
        if value:
            return value
    return False
