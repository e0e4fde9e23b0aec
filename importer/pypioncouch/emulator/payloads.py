"""Build the payloads of PyPI's JSON API and of the simple API (as plain dicts, once).

A simple page is one dict with the spec's own key names; `simple.py` renders it as HTML or
JSON.  What a page holds depends on the index the server plays (`flavours.py`): PyPI's 1.4
pages, a proxy's 1.1 pages, devpi's 1.0 pages.  File URLs are made from the server's base URL,
except for captured files, which keep their real files.pythonhosted.org URL unless the server
was asked to rewrite them.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .dataset import Dataset, Project, Release, version_sort_key
from .files import StoredFile, iso_times
from .flavours import PYPI, Flavour

SIMPLE_API_VERSION = "1.4"


@dataclass(frozen=True)
class UrlPolicy:
    """Where file URLs point: `base` is the emulator's own `http://127.0.0.1:PORT`."""

    base: str
    rewrite_captured: bool = False
    flavour: Flavour = PYPI

    def served_path(self, stored: StoredFile) -> str:
        """Where the emulator serves the file (devpi keeps files under `+f/<hash>/`)."""
        if self.flavour.devpi:
            digest = stored.digests["sha256"]
            return f"{self.flavour.files_prefix}{digest[:3]}/{digest[3:16]}/{stored.filename}"
        return stored.path

    def file_url(self, stored: StoredFile, absolute: bool = False) -> str:
        """The URL a payload shows.

        PyPI's are absolute; a proxy's JSON API answers relative ones (`absolute=False`), and a
        captured file keeps the URL it was captured with there. The Simple API's are absolute
        (`absolute=True`), devpi's and a static tree's excepted (`simple_file_url`).
        """
        relative = self.flavour.relative_json_urls and not absolute
        if stored.upstream is not None and not self.rewrite_captured:
            if relative:
                return str(stored.upstream["url"])
            return str(stored.canonical_url or stored.upstream["url"])
        if relative:
            return "../.." + quote(self.served_path(stored), safe="/+")
        return self.base + quote(self.served_path(stored), safe="/+")

    def simple_file_url(self, stored: StoredFile, project: str) -> str:
        """The URL a project page links: relative to `<root>/<project>/` for devpi and static trees."""
        if self.flavour.devpi or self.flavour.static:
            if stored.upstream is not None and not self.rewrite_captured:
                return str(stored.canonical_url or stored.upstream["url"])
            page = f"{self.flavour.simple_root}{project}/"
            return quote(posixpath.relpath(self.served_path(stored), page), safe="/+")
        return self.file_url(stored, absolute=True)

    def provenance_url(self, project: Project, release: Release, stored: StoredFile) -> str | None:
        """PEP 740: where PyPI serves the file's provenance, None for a file with no attestations."""
        if not stored.attested:
            return None
        return (f"{self.base}/integrity/{quote(project.normalized)}/{quote(release.version, safe='')}/"
                f"{quote(stored.filename, safe='')}/provenance")


def json_api_project(project: Project, urls: UrlPolicy) -> dict[str, Any] | None:
    """`GET /pypi/<name>/json`, or None when PyPI answers 404 (no release, or quarantined)."""
    latest = project.latest()
    if latest is None or project.status == "quarantined":
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


def json_api_release(project: Project, release: Release, urls: UrlPolicy) -> dict[str, Any] | None:
    """`GET /pypi/<name>/<version>/json`: the same shape without `releases`."""
    if project.status == "quarantined":
        return None
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
    """The project page of the flavour `urls` carries (PEP 691 keys; `simple.py` renders HTML).

    PyPI: 1.4, `_last-serial` a number, `core-metadata`, `provenance`, `project-status`; a
    quarantined project lists no files and no versions. A proxy's 1.1 page: what the captures
    hold (the captured page itself for a captured project). devpi: 1.0, no versions or sizes.
    """
    flavour = urls.flavour
    if flavour.name == "proxy" and project.captured_page is not None:
        return project.captured_page
    quarantined = project.status == "quarantined"
    releases = [] if quarantined else list(project.releases.values())
    files = [simple_file(stored, release, urls, project) for release in releases for stored in release.files]
    files.sort(key=lambda f: f["filename"])
    serial: int | str = str(project.last_serial) if flavour.serial_as_string else project.last_serial
    if flavour.devpi:
        return {"meta": {"api-version": "1.0"}, "name": project.normalized, "files": files}
    page: dict[str, Any] = {
        "meta": {"api-version": flavour.api_version, "_last-serial": serial},
        "name": project.normalized,
        "versions": sorted((r.version for r in releases), key=version_sort_key),
        "files": files,
    }
    if flavour.project_status:
        status: dict[str, Any] = {"status": project.status}
        if project.status_reason:
            status["reason"] = project.status_reason
        page["project-status"] = status
    return page


def simple_file(stored: StoredFile, release: Release, urls: UrlPolicy, project: Project | None = None
                ) -> dict[str, Any]:
    """One `files[]` entry; `core-metadata` is false when there is no metadata file."""
    flavour = urls.flavour
    core = stored.metadata_sha256 if flavour.metadata_files else None
    if stored.upstream is not None:
        upload_time = stored.upstream.get("upload_time_iso_8601")
    else:
        upload_time = iso_times(stored.upload_time)[1]
    yanked: bool | str = (release.yanked_reason or True) if release.yanked else False
    metadata: dict[str, str] | bool = {"sha256": core} if core else False
    url = urls.simple_file_url(stored, project.normalized if project else "")
    if flavour.devpi:
        entry: dict[str, Any] = {"filename": stored.filename, "url": url,
                                 "hashes": {"sha256": stored.digests["sha256"]}}
        if stored.requires_python is not None:
            entry["requires-python"] = stored.requires_python
        if yanked is not False:
            entry["yanked"] = yanked
        return entry
    if flavour.name == "proxy":  # the key set and order of the captured 1.1 pages
        return {"filename": stored.filename, "hashes": {"sha256": stored.digests["sha256"]},
                "requires-python": stored.requires_python, "size": stored.size, "upload-time": upload_time,
                "url": url, "yanked": yanked}
    entry = {
        "filename": stored.filename,
        "url": url,
        "hashes": {"sha256": stored.digests["sha256"]},
        "requires-python": stored.requires_python,
        "size": stored.size,
        "upload-time": upload_time,
        "yanked": yanked,
        "core-metadata": metadata,
        "data-dist-info-metadata": metadata,
    }
    if flavour.provenance:
        entry["provenance"] = urls.provenance_url(project, release, stored) if project is not None else None
    return entry


def simple_index(dataset: Dataset, flavour: Flavour = PYPI) -> dict[str, Any]:
    """PEP 691 index: every project with its `_last-serial`, `meta._last-serial` the newest.

    PyPI leaves quarantined projects out; devpi lists names only (api-version 1.0).
    """
    with dataset.lock:
        listed = [p for p in dataset.projects.values() if not (flavour.name == "pypi" and p.status == "quarantined")]
        serial = dataset.last_serial
    if not flavour.index_serials:
        return {"meta": {"api-version": "1.0" if flavour.devpi else flavour.api_version},
                "projects": [{"name": p.normalized if flavour.devpi else p.name} for p in listed]}
    projects = [{"name": p.name, "_last-serial": p.last_serial} for p in listed]
    return {"meta": {"api-version": flavour.api_version, "_last-serial": serial}, "projects": projects}


def provenance_object(project: Project, release: Release, stored: StoredFile) -> dict[str, Any]:
    """PEP 740's provenance object for an attested file (shaped like PyPI's; not verifiable)."""
    digest = hashlib.sha256(stored.filename.encode("utf-8", "surrogatepass")).hexdigest()
    return {
        "version": 1,
        "attestation_bundles": [{
            "publisher": {"kind": "GitHub", "repository": f"emulator/{project.normalized}",
                          "workflow": "release.yml", "environment": None, "claims": None},
            "attestations": [{
                "version": 1,
                "verification_material": {"certificate": digest, "transparency_entries": [{"logIndex": digest[:8]}]},
                "envelope": {"statement": digest, "signature": digest[::-1]},
            }],
        }],
    }
