"""The JSON API answer of a project (``/pypi/<name>/json``), rendered once at import.

Built from the list function the CouchApp used for every request, the answer of a
project with thousands of releases took 0.3-1 s (every release document read and
parsed per request, docs/benchmarks.md); read as a few pre-rendered strings it
takes a few times a static file. The importer therefore stores the answer's text,
made from the very documents it writes (the project's ``info``, ``versions``,
serial, vulnerabilities and ownership, and every release's files), in
documents of its own:

- ``<name>//json`` (type ``json_api``), the *head*: ``last_serial`` for the
  header, ``pieces`` (the ids of the pieces, in order) and ``text``, the answer's
  last part. The answer is the pieces' texts in order, then ``text``; a small
  project's answer is all in ``text``, with no pieces.
- ``<name>//json/<digest>`` (type ``json_api_piece``): one piece, ``text`` at most
  ``PIECE_CHARS`` characters, its id made from its text's SHA-256 (16 hex digits, then
  ``-<n>`` for the n-th repeat of one text in the same answer).

Why this shape:
- no document grows with the project: pieces cap the size (CouchDB's
  ``max_document_size``), a few rows serve the largest project;
- ``//`` cannot begin a release id (``<name>/<version>``, versions are never
  empty and hold no ``/``), and the ids stay under ``<name>/``, so the importer's
  prefix scan replaces and deletes them with the project's releases, and the
  partial-mirror filter (project from the id's first segment) carries them;
- a reader never sees a mix of two answers: a piece's id is its content's digest,
  so a changed piece is a new document and the old one stays until after the
  head naming the new ones is written (the head comes last in
  ``ProjectDocuments.releases``, deletions of stale documents after it); the
  list function checks every piece the head names is there, and otherwise sends
  the reader to the answer built from the release documents;
- stable pieces: the ``info`` part (new at every release) is a piece of its own
  and releases are grouped oldest first, so a new release rewrites the head and
  the info piece, not the pieces of older releases.

- ``<name>:json:gzip`` (type ``json_api_gzip``), only for an answer longer than
  ``GZIP_OVER`` characters: the same answer gzipped, as ``base64`` (a show function's
  binary body), with ``last_serial``; the head names it (``gzip``). The list sends a client
  that accepts gzip there (307), and a show sends the bytes as they are, with
  ``Content-Encoding: gzip``: a quarter of the bytes through the query server, where
  the time goes (docs/benchmarks.md). An attachment would pass no query server at all,
  but cannot carry ``X-PyPI-Last-Serial``, which bandersnatch wants on the response it
  finally gets. The id has no ``/`` (a show's document id is one path segment) and sits
  beside ``<name>/``, in a range the importer reads with it (sync.py).

The text is what ``JSON.stringify`` made of the same payload in the CouchApp:
compact separators, non-ASCII characters as they are, keys in stored order.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any, Iterable

from .answer_pieces import PIECE_CHARS, group, piece_documents

__all__ = ["answer_documents", "answer_text", "head_id", "gzip_id", "gzip_prefix", "PIECE_CHARS", "SCHEMA_VERSION",
           "GZIP_OVER", "GZIP_MAX_BASE64"]

Document = dict[str, Any]

SCHEMA_VERSION = 1

# Answers longer than this get a gzipped copy; shorter ones pass the list in a few ms.
GZIP_OVER = PIECE_CHARS
# A gzipped copy larger than this (an answer of ~20 MB and more) is not stored: the document
# must stay under CouchDB's max_document_size (8 MB by default), and a show reads one document.
GZIP_MAX_BASE64 = 6_000_000
# zlib's default: level 9 takes about three times as long for a few percent less.
GZIP_LEVEL = 6


def head_id(name: str) -> str:
    return f"{name}//json"


def gzip_prefix(name: str) -> str:
    """Where a project's gzipped answer is: beside ``<name>/``, not under it (no ``/`` in its id)."""
    return f"{name}:json:"


def gzip_id(name: str) -> str:
    return f"{gzip_prefix(name)}gzip"


def _js(value: Any) -> str:
    """JSON text as the CouchApp's ``JSON.stringify`` writes it (numbers: PyPI's are integers)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _files_by_version(release_docs: Iterable[Document]) -> dict[str, list[Any]]:
    """Each version's files: the release document's, then its spill-over documents' in chunk order."""
    chunks: dict[str, list[tuple[int, list[Any]]]] = {}
    for doc in release_docs:
        if doc.get("type") in ("release", "release_files"):
            chunks.setdefault(doc["version"], []).append((doc.get("chunk") or 1, doc.get("files") or []))
    return {version: [f for _, files in sorted(parts, key=lambda part: part[0]) for f in files]
            for version, parts in chunks.items()}


def _fragments(project: Document, release_docs: Iterable[Document]) -> list[str]:
    """The answer's text in consecutive fragments: the info part, one per version, the rest."""
    files = _files_by_version(release_docs)
    versions = project.get("versions") or []
    parts = ['{"info":' + _js(project.get("info")) + ',"releases":{']
    for index, version in enumerate(versions):
        parts.append(("," if index else "") + _js(version) + ":" + _js(files.get(version, [])))
    tail = ('},"urls":' + _js(files.get(project.get("latest_version"), []))
            + ',"vulnerabilities":' + _js(project.get("vulnerabilities") or [])
            + ',"last_serial":' + _js(project.get("last_serial")))
    if project.get("ownership"):
        tail += ',"ownership":' + _js(project["ownership"])
    parts.append(tail + "}")
    return parts


def answer_text(project: Document, release_docs: Iterable[Document]) -> str:
    """The whole ``/pypi/<name>/json`` body for a project document and its release documents."""
    return "".join(_fragments(project, release_docs))


def answer_documents(project: Document, release_docs: Iterable[Document], *,
                     limit: int | None = None) -> list[Document]:
    """The pieces, then the head, for a project document and its release documents
    (pieces of at most ``limit`` characters, default ``PIECE_CHARS``)."""
    name = project["_id"]
    fragments = _fragments(project, release_docs)
    compressed = _gzip_document(project, fragments)
    *pieces, last = group(fragments, limit or PIECE_CHARS, first_apart=True)
    piece_docs = piece_documents(head_id(name), "json_api_piece", name, pieces, schema=SCHEMA_VERSION)
    head = {"_id": head_id(name), "type": "json_api", "schema": SCHEMA_VERSION, "project": name,
            "last_serial": project.get("last_serial"), "pieces": [doc["_id"] for doc in piece_docs],
            "text": last}
    if compressed is None:
        return [*piece_docs, head]
    head["gzip"] = {"id": compressed["_id"], "bytes": compressed["bytes"]}
    return [*piece_docs, compressed, head]


def _gzip_document(project: Document, fragments: list[str]) -> Document | None:
    """The ``json_api_gzip`` document of an answer longer than ``GZIP_OVER`` characters; None
    for a shorter one, or one whose gzipped copy would not fit a document (``GZIP_MAX_BASE64``).
    mtime 0: the same answer gzips to the same bytes, so an unchanged project writes nothing."""
    if sum(len(fragment) for fragment in fragments) <= GZIP_OVER:
        return None
    packed = gzip.compress("".join(fragments).encode("utf-8"), compresslevel=GZIP_LEVEL, mtime=0)
    if (len(packed) + 2) // 3 * 4 > GZIP_MAX_BASE64:
        return None
    name = project["_id"]
    return {"_id": gzip_id(name), "type": "json_api_gzip", "schema": SCHEMA_VERSION, "project": name,
            "last_serial": project.get("last_serial"), "bytes": len(packed),
            "base64": base64.b64encode(packed).decode("ascii")}
