"""From one PyPI JSON API payload to the CouchDB documents that hold it.

The layout (docs/schema.md tells it in full) keeps every document bounded:
- one *project* document, id ``<normalized name>``: identity, the latest
  release's ``info``, the list of versions, the project's serial;
- one *release* document per version, id ``<normalized name>/<version>``: that
  version's files (PyPI's file objects, verbatim) and, when known, its ``info``;
- a release with more than ``MAX_FILES_PER_DOC`` files spills the rest into
  *release_files* documents, ids ``<normalized name>/<version>/files-<n>``.

When the upstream has a Simple page for the project (what pip sees), each release
document also keeps that page's entries for its files (``simple_files``), and the
project document the page's PEP 792 status: the node serves pip what the upstream
serves it. An upstream with Simple pages and no JSON API (a static tree, devpi) gets a
payload made from the page (``payload_from_page``).

Building is pure: no I/O, the same payload always gives the same documents, so
the sync step can compare them with what the database holds and write only
what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Optional

from . import textclean
from .json_api import answer_documents
from .simple_pages import page_documents
from .names import NormalizedName, normalize
from .pypi_types import (FileInfo, ProjectInfo, ProjectPayload, SimpleDetail, SimpleFile, entry_core_metadata,
                         project_status)
from .render import render_description
from .urlsafety import RefusedFile, refuse_unsafe_files
from .versions import sort_versions, version_key

__all__ = [
    "Document",
    "ProjectDocuments",
    "build_project_documents",
    "project_id",
    "release_id",
    "history_id",
    "upload_time_list",
    "split_keywords",
    "MAX_FILES_PER_DOC",
    "MAX_DESCRIPTION_CHARS",
    "SCHEMA_VERSION",
    "DescriptionRenderer",
    "description_of",
    "set_description_html",
    "payload_from_page",
    "quarantined_project",
    "version_from_filename",
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
# The project and release pages show one page of this many releases, newest first: the project
# document keeps that page, and each later page is a history document of its own
# (``<name>//history/<page>``), so every page costs its page, not the project's thousands.
HISTORY_PAGE = 100
# The project's feed: its newest uploads, newest first (they need not be its newest versions).
RECENT_RELEASES = 40

_KEYWORD_SEPARATORS = re.compile(r"[,;]")


def project_id(name: NormalizedName) -> str:
    return name


def release_id(name: NormalizedName, version: str) -> str:
    return f"{name}/{version}"


def history_id(name: NormalizedName, page: int) -> str:
    """The history document of page ``page`` (2 and up: page 1 is in the project document)."""
    return f"{name}//history/{page}"


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
    # Every document under ``<name>/``: releases, their spill-over files, then the stored
    # Simple page's and JSON API answer's pieces and heads (simple_pages.py, json_api.py), each
    # head after its pieces; a long Simple page's attachment documents (``<name>:simple:``) and a
    # long JSON API answer's gzipped copy (``<name>:json:gzip``), each before its head. The
    # importer writes, compares and deletes this list against the database's ``<name>/``,
    # ``<name>:simple:`` and ``<name>:json:`` ranges (the attachments the stored head names are
    # kept one change longer).
    releases: list[Document] = field(default_factory=list)
    keep_releases: bool = False  # the stored documents under <name>/ stand as they are (quarantine)

    def all(self) -> list[Document]:
        return [self.project, *self.releases]

    def ids(self) -> set[str]:
        return {doc["_id"] for doc in self.all()}


def build_project_documents(
    payload: ProjectPayload | None,
    *,
    page: SimpleDetail | None = None,
    release_infos: dict[str, ProjectInfo] | None = None,
    renderer: DescriptionRenderer | None = render_description,
    serial: int | None = None,
) -> ProjectDocuments:
    """Build every document of one project from its ``/pypi/<name>/json`` payload.

    ``page`` is the upstream's Simple page for the project, when it has one: its file
    entries and status are kept (see the module docstring); with no payload, the payload is
    made from the page. ``serial`` is the project's serial when the page's is newer than the
    payload's (or there is no payload). ``release_infos`` maps versions to their own ``info``
    (from ``/pypi/<name>/<version>/json``) when the importer fetched them; the latest
    version's info always comes from the payload itself. With ``renderer=None``
    the description is left unrendered, for ``set_description_html`` to fill in
    (the importer renders a whole batch at once, in another process).
    """
    synthesized = payload is None
    if payload is None:
        if page is None:
            raise ValueError("a project needs a JSON API payload or a Simple page")
        payload = payload_from_page(page)
    if serial is not None and serial != payload.get("last_serial"):
        payload = {**payload, "last_serial": serial}
    if textclean.needs_cleaning(payload, MAX_DESCRIPTION_CHARS):
        payload = textclean.clean_tree(payload, limit=MAX_DESCRIPTION_CHARS)
    info: ProjectInfo = payload.get("info") or {}
    name = normalize(info.get("name") or "")
    refused: list[RefusedFile] = []  # files whose URL may not become a link (urlsafety)
    releases: dict[str, list[FileInfo]] = {
        version: refuse_unsafe_files(files, refused)  # type: ignore[misc]
        for version, files in (payload.get("releases") or {}).items()}
    versions = sort_versions(list(releases))
    infos = dict(release_infos or {})
    latest = info.get("version")
    if latest:
        infos[latest] = info
    page_files = _page_files(page, refused) if page is not None else None
    release_docs: list[Document] = []
    for version in versions:
        release_docs.extend(_release_documents(name, version, releases[version], infos.get(version), page_files))
    history = _release_history(release_docs)
    project = _project_document(name, payload, info, versions, release_docs, history, renderer)
    if page is not None:
        project["project_status"] = project_status(page)
    if synthesized:
        project["info_from_simple"] = True
    if refused:
        project["refused_files"] = refused
    answers = page_documents(project, release_docs) + answer_documents(project, release_docs)
    return ProjectDocuments(name=name, project=project, releases=release_docs + _history_documents(name, history) + answers)


def _page_files(page: SimpleDetail, refused: list[RefusedFile]) -> dict[str, SimpleFile]:
    """The page's entries by filename (text cleaned like the payload: they are stored too);
    an entry whose URL may not become a link is left out and added to ``refused``."""
    safe = refuse_unsafe_files(list(page.get("files") or []), refused)  # type: ignore[arg-type]
    files = {entry["filename"]: entry for entry in safe}
    if textclean.needs_cleaning(files, textclean.MAX_FIELD_CHARS):
        files = textclean.clean_tree(files)
    return files


def quarantined_project(previous: Document | None, page: SimpleDetail, serial: int | None) -> ProjectDocuments:
    """A project the upstream has quarantined (PEP 792): its JSON API answers 404 and its page
    lists no files, but it is not deleted. What the database knew stays, marked quarantined;
    a project never seen before gets a bare project document."""
    status = project_status(page)
    if previous is not None:
        project = {k: v for k, v in previous.items() if k not in ("_rev", "_attachments", "_revisions")}
        project["project_status"] = status
        if serial is not None:
            project["last_serial"] = serial
        return ProjectDocuments(name=normalize(project["_id"]), project=project, keep_releases=True)
    return build_project_documents(None, page={**page, "files": [], "versions": []}, serial=serial, renderer=None)


def version_from_filename(filename: str, project: str) -> str | None:
    """The version a distribution's filename carries (as written in it), None when it cannot tell.

    Wheels and eggs: the second ``-`` field. Others (sdists, installers): what follows the
    project's name, whichever of ``-_.`` its spelling in the filename uses.
    """
    lowered = filename.lower()
    if lowered.endswith((".whl", ".egg")):
        parts = filename.split("-")
        return parts[1] if len(parts) >= 2 and parts[1] else None
    for extension in _SDIST_EXTENSIONS:
        if lowered.endswith(extension):
            stem = filename[: -len(extension)]
            break
    else:
        return None
    wanted = _loose_normal(project)
    for index, char in enumerate(stem):
        if char == "-" and _loose_normal(stem[:index]) == wanted:
            version = stem[index + 1:]
            if lowered.endswith(_INSTALLER_EXTENSIONS):  # name-1.0.win32.exe, name-1.0-py2.7.msi
                version = re.split(r"\.(?:win|linux|macosx)|-py\d", version)[0]
            return version or None
    return None


_INSTALLER_EXTENSIONS = (".exe", ".msi", ".rpm", ".dmg", ".deb")
_SDIST_EXTENSIONS = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip") + _INSTALLER_EXTENSIONS


def _loose_normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def payload_from_page(page: SimpleDetail) -> ProjectPayload:
    """A JSON API payload made from a Simple page, for an upstream that has no JSON API.

    Releases are the versions the filenames carry (plus the page's ``versions``); file
    objects say what the page says, with JSON API names; ``info`` knows the name, the latest
    version and its ``requires_python``, nothing else.
    """
    name = page.get("name") or ""
    releases: dict[str, list[FileInfo]] = {}
    for entry in page.get("files") or []:
        version = version_from_filename(entry["filename"], name)
        if version is not None:
            releases.setdefault(version, []).append(_file_info(entry))
    for version in page.get("versions") or []:
        releases.setdefault(str(version), [])
    latest = _latest_version(releases)
    files = releases.get(latest, []) if latest else []
    info: dict[str, Any] = {
        "name": name, "version": latest, "summary": None, "description": None, "description_content_type": None,
        "keywords": None, "classifiers": [],
        "requires_python": next((f.get("requires_python") for f in files if f.get("requires_python")), None),
        "yanked": False, "yanked_reason": None,
    }
    return {"info": info, "last_serial": None, "releases": releases, "urls": files,  # type: ignore[typeddict-item]
            "vulnerabilities": [], "ownership": {}}


def _file_info(entry: SimpleFile) -> FileInfo:
    """A Simple entry as a JSON API file object (what the node's JSON API then serves)."""
    hashes = entry.get("hashes") or {}
    yanked = entry.get("yanked", False)
    upload = entry.get("upload-time")
    file: dict[str, Any] = {
        "filename": entry["filename"], "url": entry["url"], "digests": dict(hashes),
        "packagetype": _packagetype(entry["filename"]), "python_version": _python_version(entry["filename"]),
        "requires_python": entry.get("requires-python"), "size": entry.get("size"),
        "upload_time": upload[:19] if isinstance(upload, str) else None,
        "upload_time_iso_8601": upload if isinstance(upload, str) else None,
        "yanked": bool(yanked), "yanked_reason": yanked if isinstance(yanked, str) else None,
        "core-metadata": entry_core_metadata(entry),
    }
    if "md5" in hashes:
        file["md5_digest"] = hashes["md5"]
    return file  # type: ignore[return-value]


def _packagetype(filename: str) -> str:
    lowered = filename.lower()
    if lowered.endswith(".whl"):
        return "bdist_wheel"
    if lowered.endswith(".egg"):
        return "bdist_egg"
    if lowered.endswith(".exe"):
        return "bdist_wininst"
    if lowered.endswith(".msi"):
        return "bdist_msi"
    return "sdist"


def _python_version(filename: str) -> str:
    parts = filename[:-4].split("-") if filename.lower().endswith(".whl") else []
    return parts[-3] if len(parts) >= 5 else "source"


def _latest_version(releases: dict[str, list[FileInfo]]) -> str | None:
    """PyPI's choice, roughly: the highest final release not all yanked, else the highest version."""
    ordered = sort_versions(list(releases))
    for version in reversed(ordered):
        files = releases[version]
        key = version_key(version)
        final = key[0] != -1 and key[2] == [3] and key[4] == [1]
        if files and final and not all(f.get("yanked") for f in files):
            return version
    return ordered[-1] if ordered else None


def _project_document(
    name: NormalizedName,
    payload: ProjectPayload,
    info: ProjectInfo,
    versions: list[str],
    release_docs: list[Document],
    history: list[Document],
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
        "release_history": history[-HISTORY_PAGE:],
        "release_count": len(history),
        "recent_releases": newest_uploads(history, RECENT_RELEASES),
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
    """One small entry per release, in version order, so the pages can list releases
    without reading the release documents."""
    file_counts: dict[str, int] = {}
    for doc in release_docs:  # release documents and their spill-over chunks
        file_counts[doc["version"]] = file_counts.get(doc["version"], 0) + len(doc["files"])
    return [
        {"version": doc["version"], "upload_time": doc["upload_time"], "yanked": doc["yanked"],
         "files": file_counts[doc["version"]]}
        for doc in release_docs if doc["type"] == "release"
    ]


def newest_uploads(history: Iterable[Document], limit: int) -> list[Document]:
    """The ``limit`` history entries uploaded last, newest first (a backport to an old branch is
    new without being among the newest versions); entries with no upload time are left out."""
    uploaded = [entry for entry in history if entry.get("upload_time")]
    uploaded.sort(key=lambda entry: (entry["upload_time"], entry["version"]), reverse=True)
    return uploaded[:limit]


def _history_documents(name: NormalizedName, history: list[Document]) -> list[Document]:
    """The release history's pages past the first, newest first: page ``p`` holds the releases
    from ``100 * p`` to ``100 * (p - 1)`` back from the newest, oldest first. A new release moves
    every page by one entry, and the importer rewrites the pages (together as large as the whole
    history, as the project document was when it held it)."""
    count, docs = len(history), []
    for page in range(2, -(-count // HISTORY_PAGE) + 1):
        end = count - HISTORY_PAGE * (page - 1)
        docs.append({"_id": history_id(name, page), "type": "release_history", "schema": SCHEMA_VERSION,
                     "project": name, "page": page, "releases": history[max(0, end - HISTORY_PAGE):end]})
    return docs


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
    name: NormalizedName, version: str, files: list[FileInfo], info: ProjectInfo | None,
    page_files: dict[str, SimpleFile] | None = None,
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
    if page_files is not None:
        release["simple_files"] = _entries_for(release["files"], page_files)
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
        if page_files is not None:
            docs[-1]["simple_files"] = _entries_for(docs[-1]["files"], page_files)
    if len(docs) > 1:
        release["file_chunks"] = len(docs)
    return docs


def _entries_for(files: list[FileInfo], page_files: dict[str, SimpleFile]) -> list[SimpleFile]:
    """The page's entries for these files, in the same order; a file the page does not list
    has none (pip would not see it upstream either)."""
    return [page_files[f["filename"]] for f in files if f.get("filename") in page_files]
