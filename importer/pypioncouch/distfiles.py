"""Offline mirrors: the distribution files of chosen projects, stored in CouchDB itself.

For each project on the allowlist, every file of every release is downloaded
and stored as the attachment of a ``distribution`` document, one per file, id
``<project>:dist:<filename>`` (docs/schema.md): a document stays the size of
one file, and replication carries the files to every mirror. The file's PEP
658 metadata, when PyPI declares it, rides along as a second attachment,
``<filename>.metadata``, since pip fetches it first.

Nothing is stored unchecked. A download must match every digest the file object
advertises that Python can compute (sha256, md5, blake2b_256; at least one), and
its ``.metadata`` the hash its ``core-metadata`` advertises. A file that fails
(or whose metadata fails, or advertises no hash to check) is not stored and gets
no ``mirror_url``; once every other file is stored, the project fails with
``HashMismatch``, an ``UpstreamError`` naming each file and both hashes: the
importer records it as the project's ``import_error`` and leaves its documents as
they were (so the pages keep pointing at copies that were checked), and the next
update tries the project again, downloading only what is not stored yet.

The file object in the release document then gains ``mirror_url``, the
file's path under the database (``<document id>/<filename>``); the Simple
API serves that path (through the ``/files/`` rewrite) instead of PyPI's URL.
It is added to the payload before the documents are built, so the importer's
"write only what changed" comparison keeps working, and a file is stored
before any document points at it.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import Any, Callable, Iterable
from urllib.parse import quote

from .couch import Database
from .names import normalize
from .pypi_types import ProjectPayload
from .upstream import HttpClient, JsonApi, UpstreamError

__all__ = ["DistributionStore", "MirroringJsonApi", "HashMismatch", "distribution_id", "mirror_url",
           "digest_problems"]

log = logging.getLogger(__name__)
DEFAULT_MAX_FILE_SIZE = 200_000_000
# The digest names PyPI and PEP 691 use, with what computes them.
DIGESTS: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "md5": lambda data: hashlib.md5(data).hexdigest(),
    "blake2b_256": lambda data: hashlib.blake2b(data, digest_size=32).hexdigest(),
    "sha384": lambda data: hashlib.sha384(data).hexdigest(),
    "sha512": lambda data: hashlib.sha512(data).hexdigest(),
}


class HashMismatch(UpstreamError):
    """Downloads that do not match their advertised hashes (see the module docstring)."""


def digest_problems(what: str, content: bytes, advertised: Any) -> list[str]:
    """Why ``content`` is not what ``advertised`` (``{name: hex}``) says; empty when it is.
    A sha256 must be advertised; it and every other digest Python computes are checked."""
    known = {name: str(value).lower() for name, value in (advertised if isinstance(advertised, dict) else {}).items()
             if name in DIGESTS and value}
    if "sha256" not in known:
        return [f"{what}: no sha256 advertised to check it against"]
    return [f"{what}: {name} advertised {value}, downloaded {DIGESTS[name](content)}"
            for name, value in sorted(known.items()) if DIGESTS[name](content) != value]


def _metadata_hashes(file: dict[str, Any]) -> dict[str, str] | None:
    """The advertised hashes of the file's PEP 658 metadata (``{}`` for a bare ``true``); None when
    the file declares no metadata."""
    declared = file.get("core-metadata") or file.get("data-dist-info-metadata")
    if not declared:
        return None
    return declared if isinstance(declared, dict) else {}


def distribution_id(project: str, filename: str) -> str:
    return f"{project}:dist:{filename}"


def mirror_url(project: str, filename: str) -> str:
    """The file's path under the database: ``<document id>/<attachment name>``, URL-encoded."""
    return f"{quote(distribution_id(project, filename), safe='')}/{quote(filename, safe='')}"


class DistributionStore:
    """Downloads and stores the files of allowlisted projects."""

    def __init__(self, db: Database, http: HttpClient, projects: Iterable[str], *,
                 max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.db = db
        self.http = http
        self.projects = frozenset(normalize(name) for name in projects)
        self.max_file_size = max_file_size

    def wants(self, project: str) -> bool:
        return project in self.projects

    def store_files(self, project: str, payload: ProjectPayload) -> None:
        """Store each file not stored yet, and point its file objects at the stored copy."""
        by_filename: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # filename -> (version, file objects)
        for version, files in (payload.get("releases") or {}).items():
            for file in files:
                by_filename.setdefault(file["filename"], (version, []))[1].append(file)
        for file in payload.get("urls") or []:
            by_filename.setdefault(file["filename"], (str(payload["info"].get("version")), []))[1].append(file)
        stored = self.db.fetch([distribution_id(project, name) for name in by_filename])
        mismatches: list[str] = []
        for filename, (version, objects) in by_filename.items():
            try:
                kept = self._ensure(project, version, objects[0], stored.get(distribution_id(project, filename)))
            except HashMismatch as exc:
                log.warning("%s: not stored: %s", project, exc)
                mismatches.append(str(exc))
                continue
            if kept:
                for file in objects:
                    file["mirror_url"] = mirror_url(project, filename)
        self.remove_stale(project, keep=set(by_filename))
        if mismatches:
            raise HashMismatch(f"{project}: {len(mismatches)} file(s) failed their hash check and were not stored: "
                               + "; ".join(mismatches))

    def remove_stale(self, project: str, keep: set[str]) -> None:
        """Delete the stored files PyPI no longer has (all of them when the project is gone)."""
        prefix = distribution_id(project, "")
        stale = [{"_id": row["id"], "_rev": row["value"]["rev"], "_deleted": True}
                 for row in self.db.id_range(prefix, include_docs=False) if row["id"][len(prefix):] not in keep]
        if stale:
            self.db.bulk_docs(stale)

    def _ensure(self, project: str, version: str, file: dict[str, Any], existing: dict[str, Any] | None) -> bool:
        """True when the file is (now) stored; False when it is left upstream (too big)."""
        sha256 = (file.get("digests") or {}).get("sha256")
        if existing is not None and existing.get("sha256") == sha256 and self._has_metadata(existing, file):
            return True
        if (file.get("size") or 0) > self.max_file_size:
            log.warning("%s: %s is larger than %d bytes; left upstream", project, file["filename"], self.max_file_size)
            return False
        doc = self._document(project, version, file, sha256)
        if existing is not None:
            doc["_rev"] = existing["_rev"]
        self.db.put(doc)
        return True

    @staticmethod
    def _has_metadata(existing: dict[str, Any], file: dict[str, Any]) -> bool:
        """The stored copy has the checked metadata the file object declares (if it declares any)."""
        hashes = _metadata_hashes(file)
        if hashes is None:
            return True
        return (f"{file['filename']}.metadata" in (existing.get("_attachments") or {})
                and existing.get("metadata_sha256") is not None
                and existing.get("metadata_sha256") == hashes.get("sha256"))

    def _document(self, project: str, version: str, file: dict[str, Any], sha256: str | None) -> dict[str, Any]:
        """The distribution document, made only of checked bytes; HashMismatch otherwise."""
        content = self.http.request("GET", file["url"]).content
        problems = digest_problems(file["filename"], content, file.get("digests"))
        doc = {"_id": distribution_id(project, file["filename"]), "type": "distribution", "schema": 1,
               "project": project, "version": version, "filename": file["filename"],
               "sha256": sha256, "size": len(content), "_attachments": {file["filename"]: _attachment(content)}}
        hashes = _metadata_hashes(file)
        if hashes is not None and not problems:
            metadata = self.http.request("GET", file["url"] + ".metadata").content
            problems = digest_problems(f"{file['filename']}.metadata", metadata, hashes)
            doc["_attachments"][file["filename"] + ".metadata"] = _attachment(metadata, "text/plain")
            doc["metadata_sha256"] = hashes.get("sha256")
        if problems:
            raise HashMismatch("; ".join(problems))
        return doc


def _attachment(content: bytes, content_type: str = "application/octet-stream") -> dict[str, str]:
    return {"content_type": content_type, "data": base64.b64encode(content).decode("ascii")}


class MirroringJsonApi(JsonApi):
    """The JSON API, storing the files of allowlisted projects as their payloads arrive."""

    def __init__(self, http: HttpClient, store: DistributionStore) -> None:
        super().__init__(http)
        self.store = store

    def project(self, name: str, min_serial: int = 0) -> ProjectPayload | None:
        payload = super().project(name, min_serial)
        if self.store.wants(normalize(name)):
            if payload is None:
                self.store.remove_stale(normalize(name), keep=set())
            else:
                self.store.store_files(normalize(name), payload)
        return payload
