"""From one PyPI JSON API payload to the CouchDB documents that hold it.

The layout (docs/schema.md tells it in full) keeps every document bounded:
- one *project* document, id ``<normalized name>``: identity, the latest
  release's ``info``, the list of versions, the project's serial;
- one *release* document per version, id ``<normalized name>/<version>``: that
  version's files (PyPI's file objects, verbatim) and, when known, its ``info``;
- a release with more than ``MAX_FILES_PER_DOC`` files spills the rest into
  *release_files* documents, ids ``<normalized name>/<version>/files-<n>``.

Building is pure: no I/O, the same payload always gives the same documents, so
the sync step can compare them with what the database holds and write only
what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Optional

from . import textclean
from .json_api import answer_documents
from .names import NormalizedName, normalize
from .pypi_types import FileInfo, ProjectInfo, ProjectPayload
from .render import render_description
from .versions import sort_versions, version_key

__all__ = [
    "Document",
    "ProjectDocuments",
    "build_project_documents",
    "project_id",
    "release_id",
    "upload_time_list",
    "split_keywords",
    "MAX_FILES_PER_DOC",
    "MAX_DESCRIPTION_CHARS",
    "SCHEMA_VERSION",
    "DescriptionRenderer",
    "description_of",
    "set_description_html",
]

Document = dict[str, Any]
DescriptionRenderer = Callable[[Optional[str], Optional[str]], Optional[str]]

SCHEMA_VERSION = 1
# About 700 bytes of JSON a file: 1,000 files keep a document near 0.7 MB.
MAX_FILES_PER_DOC = 1_000
# Descriptions are stored twice (source and HTML); these caps keep a project
# document far below CouchDB's 8 MB default max_document_size.
MAX_DESCRIPTION_CHARS = 1_000_000
MAX_DESCRIPTION_HTML_CHARS = 2_000_000
# The project page lists the latest release's files; past this many it links to the release page.
MAX_LATEST_FILES = 100

_KEYWORD_SEPARATORS = re.compile(r"[,;]")


def project_id(name: NormalizedName) -> str:
    return name


def release_id(name: NormalizedName, version: str) -> str:
    return f"{name}/{version}"


def upload_time_list(iso_time: str | None) -> list[int] | None:
    """``"2024-05-01T12:00:00.123Z"`` -> ``[2024, 5, 1, 12, 0, 0]`` (UTC), for date-collating views."""
    if not iso_time:
        return None
    try:
        moment = datetime.fromisoformat(iso_time.replace("Z", "+00:00"))
    except ValueError:
        return None
    return [moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second]


def split_keywords(keywords: str | list[str] | None) -> list[str]:
    """PyPI's keyword string as a list, whatever separator the author chose.

    Commas or semicolons separate when present (keywords may then hold spaces,
    "web framework, orm"); otherwise whitespace does ("web orm").
    """
    if not keywords:
        return []
    if isinstance(keywords, list):
        parts = keywords
    elif _KEYWORD_SEPARATORS.search(keywords):
        parts = _KEYWORD_SEPARATORS.split(keywords)
    else:
        parts = keywords.split()
    seen: dict[str, None] = {}
    for part in parts:
        word = " ".join(str(part).split())
        if word and word.lower() not in {k.lower() for k in seen}:
            seen[word] = None
    return list(seen)


@dataclass
class ProjectDocuments:
    """The documents of one project, ready to be compared and written."""

    name: NormalizedName
    project: Document
    # Every document under ``<name>/``: releases, their spill-over files, then the JSON API
    # answer's pieces and head (json_api.py), the head last. The importer writes, compares
    # and deletes this list against the database's ``<name>/`` range.
    releases: list[Document] = field(default_factory=list)

    def all(self) -> list[Document]:
        return [self.project, *self.releases]

    def ids(self) -> set[str]:
        return {doc["_id"] for doc in self.all()}


def build_project_documents(
    payload: ProjectPayload,
    *,
    release_infos: dict[str, ProjectInfo] | None = None,
    renderer: DescriptionRenderer | None = render_description,
) -> ProjectDocuments:
    """Build every document of one project from its ``/pypi/<name>/json`` payload.

    ``release_infos`` maps versions to their own ``info`` (from
    ``/pypi/<name>/<version>/json``) when the importer fetched them; the latest
    version's info always comes from the payload itself. With ``renderer=None``
    the description is left unrendered, for ``set_description_html`` to fill in
    (the importer renders a whole batch at once, in another process).
    """
    if textclean.needs_cleaning(payload, MAX_DESCRIPTION_CHARS):
        payload = textclean.clean_tree(payload, limit=MAX_DESCRIPTION_CHARS)
    info: ProjectInfo = payload.get("info") or {}
    name = normalize(info.get("name") or "")
    releases: dict[str, list[FileInfo]] = payload.get("releases") or {}
    versions = sort_versions(list(releases))
    infos = dict(release_infos or {})
    latest = info.get("version")
    if latest:
        infos[latest] = info
    release_docs: list[Document] = []
    for version in versions:
        release_docs.extend(_release_documents(name, version, releases[version], infos.get(version)))
    project = _project_document(name, payload, info, versions, release_docs, renderer)
    return ProjectDocuments(name=name, project=project, releases=release_docs + answer_documents(project, release_docs))


def _project_document(
    name: NormalizedName,
    payload: ProjectPayload,
    info: ProjectInfo,
    versions: list[str],
    release_docs: list[Document],
    renderer: DescriptionRenderer | None,
) -> Document:
    stored_info, truncated = _bounded_info(info)
    upload_times = [doc["upload_time"] for doc in release_docs if doc.get("upload_time")]
    doc: Document = {
        "_id": project_id(name),
        "type": "project",
        "schema": SCHEMA_VERSION,
        "name": info.get("name") or name,
        "last_serial": payload.get("last_serial"),
        "latest_version": info.get("version"),
        "versions": versions,
        "info": stored_info,
        "description_html": None,
        "keywords": split_keywords(info.get("keywords")),
        "classifiers": list(info.get("classifiers") or []),
        "created": min(upload_times) if upload_times else None,
        "updated": max(upload_times) if upload_times else None,
        "vulnerabilities": payload.get("vulnerabilities") or [],
        "ownership": payload.get("ownership") or {},
        "release_history": _release_history(release_docs),
        "latest_files": _latest_files(release_docs, info.get("version")),
    }
    if truncated:
        doc["description_truncated"] = True
    if renderer is not None:
        set_description_html(doc, renderer(*description_of(doc)))
    return doc


def description_of(project: Document) -> tuple[str | None, str | None]:
    """What a project document's description is rendered from: its text and content type."""
    info = project.get("info") or {}
    return info.get("description"), info.get("description_content_type")


def set_description_html(project: Document, html: str | None) -> None:
    """Store a project's rendered description, capped like the description itself."""
    html, truncated = textclean.truncate(html or "", MAX_DESCRIPTION_HTML_CHARS)
    project["description_html"] = html or None
    if truncated:
        project["description_truncated"] = True


def _release_history(release_docs: list[Document]) -> list[Document]:
    """One small entry per release, so the project page (a show function, which sees
    only this document) can list every release without reading the release documents."""
    file_counts: dict[str, int] = {}
    for doc in release_docs:  # release documents and their spill-over chunks
        file_counts[doc["version"]] = file_counts.get(doc["version"], 0) + len(doc["files"])
    return [
        {"version": doc["version"], "upload_time": doc["upload_time"], "yanked": doc["yanked"],
         "files": file_counts[doc["version"]]}
        for doc in release_docs if doc["type"] == "release"
    ]


def _latest_files(release_docs: list[Document], latest: str | None) -> list[FileInfo]:
    """The latest release's first files, verbatim, for the project page; the release
    document holds them all (the cap keeps this document small)."""
    for doc in release_docs:
        if doc["type"] == "release" and doc["version"] == latest:
            return doc["files"][:MAX_LATEST_FILES]
    return []


def _bounded_info(info: ProjectInfo) -> tuple[dict[str, Any], bool]:
    """``info`` with ordinary fields capped (descriptions keep their own, larger cap)."""
    description = info.get("description")
    bounded = {k: v for k, v in info.items() if k != "description"}
    if textclean.needs_cleaning(bounded, textclean.MAX_FIELD_CHARS):
        bounded = textclean.clean_tree(bounded)
    bounded["description"] = description
    truncated = bool(description) and len(description) >= MAX_DESCRIPTION_CHARS
    return bounded, truncated


def _release_documents(
    name: NormalizedName, version: str, files: list[FileInfo], info: ProjectInfo | None
) -> list[Document]:
    """The release document, plus spill-over documents for very large releases."""
    times = [t for t in (upload_time_list(f.get("upload_time_iso_8601")) for f in files) if t]
    yanked_files = [f for f in files if f.get("yanked")]
    release: Document = {
        "_id": release_id(name, version),
        "type": "release",
        "schema": SCHEMA_VERSION,
        "project": name,
        "version": version,
        "version_key": version_key(version),
        "upload_time": min(times) if times else None,
        "yanked": bool(files) and len(yanked_files) == len(files),
        "yanked_reason": yanked_files[0].get("yanked_reason") if yanked_files else None,
        "requires_python": next((f.get("requires_python") for f in files if f.get("requires_python")), None),
        "files": files[:MAX_FILES_PER_DOC],
    }
    if info is not None:
        release["info"] = _bounded_info(info)[0]
    docs = [release]
    for chunk_number, start in enumerate(range(MAX_FILES_PER_DOC, len(files), MAX_FILES_PER_DOC), start=2):
        docs.append({
            "_id": f"{release['_id']}/files-{chunk_number}",
            "type": "release_files",
            "schema": SCHEMA_VERSION,
            "project": name,
            "version": version,
            "version_key": release["version_key"],
            "chunk": chunk_number,
            "files": files[start:start + MAX_FILES_PER_DOC],
        })
    if len(docs) > 1:
        release["file_chunks"] = len(docs)
    return docs
