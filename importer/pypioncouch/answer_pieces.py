"""Pre-rendered answers stored as a head document and content-addressed pieces.

The importer stores two answers per project as text, rendered once at import rather
than per request: the JSON API (json_api.py) and the Simple API page in both its
renderings (simple_pages.py). An answer is a list of consecutive fragments (a file, a
release, the info part); they are grouped here into pieces of at most a fixed number of
characters, each stored as a document whose id is made from its text's digest.

Why content-addressed ids: a reader never sees a mix of two answers. A changed piece is
a new document; the old one stays until after the head naming the new ones is written
(the importer writes the head last and deletes stale documents after it), and the lists
check that every piece a head names is the one they read.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["group", "piece_documents", "PIECE_CHARS"]

Document = dict[str, Any]

# Characters a piece holds: ~1.2 MB of document with JSON's escapes, far below CouchDB's
# 8 MB max_document_size even if every character needed a \u escape.
PIECE_CHARS = 1_000_000


def group(fragments: list[str], limit: int, *, first_apart: bool = False) -> list[str]:
    """Consecutive fragments joined into strings of at most ``limit`` characters (longer
    fragments are cut). ``first_apart``: the first fragment starts a string of its own
    after it, when there is more than one string (json_api.py's info part, which changes
    at every release, so the pieces of older releases stay the same)."""
    if sum(len(f) for f in fragments) <= limit:
        return ["".join(fragments)]
    groups: list[str] = []
    current = ""
    for index, fragment in enumerate(fragments):
        if current and ((first_apart and index == 1) or len(current) + len(fragment) > limit):
            groups.append(current)
            current = ""
        while len(fragment) > limit:
            groups.append(fragment[:limit])
            fragment = fragment[limit:]
        current += fragment
    groups.append(current)
    return groups


def piece_documents(head_id: str, piece_type: str, project: str, texts: list[str], *,
                    schema: int, seen: dict[str, int] | None = None) -> list[Document]:
    """One document per text, ``<head_id>/<16 hex digits of its SHA-256>`` (then ``-<n>`` for
    the n-th repeat of one text under the same head; ``seen`` counts across calls, for a head
    with several answers)."""
    seen = {} if seen is None else seen
    docs: list[Document] = []
    for text in texts:
        piece_id = f"{head_id}/{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"
        seen[piece_id] = seen.get(piece_id, 0) + 1
        if seen[piece_id] > 1:  # equal texts in one answer (a long run of equal files): ids stay apart
            piece_id += f"-{seen[piece_id]}"
        docs.append({"_id": piece_id, "type": piece_type, "schema": schema, "project": project, "text": text})
    return docs
