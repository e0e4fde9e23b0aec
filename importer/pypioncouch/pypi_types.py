"""PyPI's JSON API payloads, typed with PyPI's own key names.

Only the keys the importer reads are listed; every other key PyPI sends is kept
as it is (the documents store ``info`` and file objects verbatim), so a field
PyPI adds tomorrow is served tomorrow without a change here.
"""

from __future__ import annotations

from typing import Any, Optional, TypedDict


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
