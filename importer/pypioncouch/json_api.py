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

The text is what ``JSON.stringify`` made of the same payload in the CouchApp:
compact separators, non-ASCII characters as they are, keys in stored order.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from .answer_pieces import PIECE_CHARS, group, piece_documents

__all__ = ["answer_documents", "answer_text", "head_id", "PIECE_CHARS", "SCHEMA_VERSION"]

Document = dict[str, Any]

SCHEMA_VERSION = 1


def head_id(name: str) -> str:
    return f"{name}//json"


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
    *pieces, last = group(_fragments(project, release_docs), limit or PIECE_CHARS, first_apart=True)
    piece_docs = piece_documents(head_id(name), "json_api_piece", name, pieces, schema=SCHEMA_VERSION)
    head = {"_id": head_id(name), "type": "json_api", "schema": SCHEMA_VERSION, "project": name,
            "last_serial": project.get("last_serial"), "pieces": [doc["_id"] for doc in piece_docs],
            "text": last}
    return [*piece_docs, head]
