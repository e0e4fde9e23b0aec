"""Build the payloads of PyPI's JSON API and of the simple API (as plain dicts, once).

A simple page is one dict with the spec's own key names; `simple.py` renders it as HTML or
JSON.  File URLs are made from the server's base URL, except for captured files, which keep
their real files.pythonhosted.org URL unless the server was asked to rewrite them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .dataset import Dataset, Project, Release, version_sort_key
from .files import StoredFile, iso_times

SIMPLE_API_VERSION = "1.1"


@dataclass(frozen=True)
class UrlPolicy:
    """Where file URLs point: `base` is the emulator's own `http://127.0.0.1:PORT`."""

    base: str
    rewrite_captured: bool = False

    def file_url(self, stored: StoredFile, absolute: bool = False) -> str:
        """The URL a payload shows; `absolute` for the simple API, whose URLs are never relative."""
        if stored.upstream is not None and not self.rewrite_captured:
            return str(stored.canonical_url if absolute and stored.canonical_url else stored.upstream["url"])
        return self.base + quote(stored.path, safe="/")


def json_api_project(project: Project, urls: UrlPolicy) -> dict[str, Any] | None:
    """`GET /pypi/<name>/json`, or None when the project has no release (PyPI answers 404)."""
    latest = project.latest()
    if latest is None:
        return None
    releases = {
        version: _file_objects(release, urls) for version, release in project.releases.items()
    }
    return {
        "info": dict(latest.info),
        "releases": releases,
        "urls": releases[latest.version],
        "vulnerabilities": list(project.vulnerabilities),
        "last_serial": project.last_serial,
        "ownership": project.ownership,
    }


def json_api_release(project: Project, release: Release, urls: UrlPolicy) -> dict[str, Any]:
    """`GET /pypi/<name>/<version>/json`: the same shape without `releases`."""
    return {
        "info": dict(release.info),
        "urls": _file_objects(release, urls),
        "vulnerabilities": list(project.vulnerabilities),
        "last_serial": project.last_serial,
        "ownership": project.ownership,
    }


def _file_objects(release: Release, urls: UrlPolicy) -> list[dict[str, Any]]:
    return [
        f.json_api_object(urls.file_url(f), release.yanked, release.yanked_reason) for f in release.files
    ]


def simple_detail(project: Project, urls: UrlPolicy) -> dict[str, Any]:
    """PEP 691/700 project page; `_last-serial` is a string, as pypi.org sends it."""
    files = [
        simple_file(stored, release, urls)
        for release in project.releases.values()
        for stored in release.files
    ]
    files.sort(key=lambda f: f["filename"])
    return {
        "meta": {"api-version": SIMPLE_API_VERSION, "_last-serial": str(project.last_serial)},
        "name": project.normalized,
        "versions": sorted(project.releases, key=version_sort_key),
        "files": files,
    }


def simple_file(stored: StoredFile, release: Release, urls: UrlPolicy) -> dict[str, Any]:
    """One `files[]` entry; `core-metadata` is false when there is no metadata file."""
    core = stored.metadata_sha256
    if stored.upstream is not None:
        upload_time = stored.upstream.get("upload_time_iso_8601")
    else:
        upload_time = iso_times(stored.upload_time)[1]
    yanked: bool | str = (release.yanked_reason or True) if release.yanked else False
    metadata: dict[str, str] | bool = {"sha256": core} if core else False
    return {
        "filename": stored.filename,
        "url": urls.file_url(stored, absolute=True),
        "hashes": {"sha256": stored.digests["sha256"]},
        "requires-python": stored.requires_python,
        "size": stored.size,
        "upload-time": upload_time,
        "yanked": yanked,
        "core-metadata": metadata,
        "data-dist-info-metadata": metadata,
    }


def simple_index(dataset: Dataset) -> dict[str, Any]:
    """PEP 691 index: every project with its `_last-serial`, `meta._last-serial` the newest."""
    with dataset.lock:
        projects = [{"name": p.name, "_last-serial": p.last_serial} for p in dataset.projects.values()]
        serial = dataset.last_serial
    return {"meta": {"api-version": SIMPLE_API_VERSION, "_last-serial": serial}, "projects": projects}
