"""The Simple API index (`/simple/`) kept pre-rendered, in pieces (issue 11).

Built per request from the view ``simple_projects``, the index costs a row per project
travelling into the query server: 2.2 s at 10,000 projects on CouchDB 3.5, minutes (past
``os_process_timeout``) at PyPI's 736,000. The importer renders it instead, at the end of a
run as it recounts the tallies, and ``/simple/`` (``lists/simple_index_pieces``) concatenates
a few hundred stored strings:

- ``pypioncouch:simple:<16 hex>`` (``simple_index_piece``): for a run of consecutive projects
  in the view's order, ``html`` (their ``<a>`` lines, each with its newline) and ``json``
  (their ``{"name", "_last-serial"}`` objects joined by commas); the id is the first 16 hex
  digits of the SHA-256 of both, so a changed piece is a new document, and an unchanged one
  is never rewritten.
- ``pypioncouch:simple:index`` (``simple_index``): ``serial`` (the index's ``_last-serial``
  as the view gives it: the sync state's serial, else the newest project serial), and
  ``pieces``: ``[{"id", "first", "projects", "bytes"}]`` in order; ``first`` is where the
  piece starts (the first piece: ``""``).

The partition is stable: each project goes to the piece whose ``first`` it reaches (walking
the view's rows in order, so the concatenation is the view's order whatever the collation),
a piece is split past ``MAX_BYTES`` into pieces of about ``TARGET_BYTES`` and merged into the
one before it below ``MIN_BYTES``. A new, changed or removed project rewrites the one piece
it is in (and the head). Write order: new pieces, then the head, then the pieces the old head
named and the new one does not; a reader sees the old index or the new one, and the list
sends a reader that finds a named piece missing (between two requests, or on a mirror
mid-replication) to the index built from the view (``simple/index/from-projects/``).

Derived data, like the tallies: any refresh computes the same documents from the same data.
``python -m pypioncouch.simple_index URL`` builds them on demand. A mirror filtered by
project leaves ``pypioncouch:`` documents behind and serves the view's index (its own
projects); a full mirror replicates the origin's pieces.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote

from .couch import CouchError, CouchUnavailable, Database, DatabaseURL, parse_database_url

__all__ = ["refresh_simple_index", "refresh_after_run", "render_pieces", "project_html", "project_json",
           "PREFIX", "HEAD_ID", "IndexReport", "main"]

log = logging.getLogger(__name__)

PREFIX = "pypioncouch:simple:"
HEAD_ID = PREFIX + "index"
STATE_ID = "pypioncouch:state"
MAX_BYTES = 1_000_000     # html + json of a piece: split past this
TARGET_BYTES = 500_000    # the size a split makes
MIN_BYTES = 125_000       # merged into the piece before below this
PAGE_ROWS = 50_000        # simple_projects rows a request
VIEW_TIMEOUT = 6 * 3600.0
ATTEMPTS = 3

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


@dataclass
class IndexReport:
    projects: int = 0
    pieces: int = 0
    written: int = 0
    deleted: int = 0
    head_written: bool = False
    seconds: float = 0.0


@dataclass
class _Piece:
    first: str
    rows: list[tuple[str, Any, Any]] = field(default_factory=list)  # (id, name, serial)
    html: str = ""
    json: str = ""

    @property
    def bytes(self) -> int:
        return len(self.html.encode("utf-8", "surrogatepass")) + len(self.json.encode("utf-8", "surrogatepass"))


def _js_string(value: Any) -> str:
    """String(value) as JavaScript writes it, for the values a view row can hold."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)


def _normalize(name: str) -> str:
    """lib/names.js normalize: runs of ``-_.`` become ``-``, then lower case."""
    out, in_run = [], False
    for ch in name:
        if ch in "-_.":
            if not in_run:
                out.append("-")
            in_run = True
        else:
            out.append(ch)
            in_run = False
    return "".join(out).lower()


def project_html(name: Any) -> str:
    """The project's line of the HTML index, as lib/simple_render.js indexHtml writes it, with its newline."""
    text = _js_string(name)
    href = quote(_normalize(text).encode("utf-8", "surrogatepass"), safe="!~*'()")
    return f'    <a href="{_escape(href)}/">{_escape(text)}</a>\n'


def project_json(name: Any, serial: Any) -> str:
    """The project's object of the JSON index, as JSON.stringify writes it."""
    return json.dumps({"name": name, "_last-serial": serial}, ensure_ascii=False, separators=(",", ":"))


def _render(piece: _Piece) -> _Piece:
    piece.html = "".join(project_html(name) for _, name, _ in piece.rows)
    piece.json = ",".join(project_json(name, serial) for _, name, serial in piece.rows)
    return piece


def piece_id(piece: _Piece) -> str:
    digest = hashlib.sha256((piece.html + "\0" + piece.json).encode("utf-8", "surrogatepass")).hexdigest()
    return PREFIX + digest[:16]


def _assign(rows: list[tuple[str, Any, Any]], firsts: list[str]) -> list[_Piece]:
    """The rows, in their order, into the pieces that start at ``firsts``: a row moves on to the
    next piece once it reaches that piece's first id. Only ever forward, so the pieces hold the
    rows in the view's order even where Python's string order is not the server's."""
    pieces = [_Piece(first) for first in (firsts or [""])]
    pieces[0].first = ""
    k = 0
    for row in rows:
        while k + 1 < len(pieces) and row[0] >= pieces[k + 1].first:
            k += 1
        pieces[k].rows.append(row)
    return [_render(piece) for piece in pieces]


def _merge_small(pieces: list[_Piece], min_bytes: int, max_bytes: int) -> list[_Piece]:
    out: list[_Piece] = []
    for piece in pieces:
        if out and (not piece.rows or piece.bytes < min_bytes or out[-1].bytes < min_bytes) \
                and out[-1].bytes + piece.bytes <= max_bytes:
            out[-1].rows.extend(piece.rows)
            _render(out[-1])
        else:
            out.append(piece)
    return out


def _row_bytes(row: tuple[str, Any, Any]) -> int:
    return len(project_html(row[1]).encode("utf-8", "surrogatepass")) + \
        len(project_json(row[1], row[2]).encode("utf-8", "surrogatepass")) + 1


def _split_large(pieces: list[_Piece], max_bytes: int, target_bytes: int) -> list[_Piece]:
    out: list[_Piece] = []
    for piece in pieces:
        if piece.bytes <= max_bytes or len(piece.rows) < 2:
            out.append(piece)
            continue
        parts = -(-piece.bytes // target_bytes)
        share, cuts = piece.bytes / parts, 0
        current, size = _Piece(piece.first), 0
        for row in piece.rows:
            row_bytes = _row_bytes(row)
            if current.rows and size + row_bytes > share and cuts < parts - 1:
                out.append(_render(current))
                current, size, cuts = _Piece(row[0]), 0, cuts + 1
            current.rows.append(row)
            size += row_bytes
        out.append(_render(current))
    return out


def _drop_empty(pieces: list[_Piece]) -> list[_Piece]:
    kept = [piece for piece in pieces if piece.rows] or pieces[:1]
    kept[0].first = ""
    return kept


def render_pieces(rows: list[tuple[str, Any, Any]], firsts: list[str], *, max_bytes: int = MAX_BYTES,
                  target_bytes: int = TARGET_BYTES, min_bytes: int = MIN_BYTES) -> list[_Piece]:
    """The pieces of these rows (id, display name, serial), in order, keeping the boundaries
    ``firsts`` of the pieces before where sizes allow."""
    pieces = _assign(rows, firsts)
    return _split_large(_drop_empty(_merge_small(pieces, min_bytes, max_bytes)), max_bytes, target_bytes)


def _read_rows(db: Database) -> tuple[Any, Any, list[tuple[str, Any, Any]]]:
    """simple_projects in pages: the state's serial (None without one: the [0] row's value), the
    index's ``_last-serial`` as lib/simple_page.js index() computes it, and the project rows."""
    state_serial, has_state, newest = None, False, None
    rows: list[tuple[str, Any, Any]] = []
    params: dict[str, Any] = {"limit": PAGE_ROWS + 1}
    while True:
        page = db.view("pypi", "simple_projects", **params)["rows"]
        for row in page[:PAGE_ROWS]:
            if row["key"][0] == 0:
                has_state, state_serial = True, row["value"]
                continue
            name, serial = (list(row["value"]) + [None, None])[:2]
            rows.append((row["id"], name, serial))
            if isinstance(serial, (int, float)) and not isinstance(serial, bool) and (newest is None or serial > newest):
                newest = serial
        if len(page) <= PAGE_ROWS:
            break
        params["startkey"] = page[PAGE_ROWS]["key"]
    serial = state_serial if has_state and state_serial is not None else newest
    return state_serial, serial, rows


def _head(serial: Any, state_serial: Any, pieces: list[_Piece]) -> dict[str, Any]:
    return {"_id": HEAD_ID, "type": "simple_index", "schema": 1, "serial": serial, "state_serial": state_serial,
            "projects": sum(len(p.rows) for p in pieces),
            "pieces": [{"id": piece_id(p), "first": p.first, "projects": len(p.rows), "bytes": p.bytes} for p in pieces]}


def _piece_doc(piece: _Piece) -> dict[str, Any]:
    return {"_id": piece_id(piece), "type": "simple_index_piece", "schema": 1, "projects": len(piece.rows),
            "html": piece.html, "json": piece.json}


def _write_once(db: Database, report: IndexReport, sizes: dict[str, int]) -> bool:
    """One refresh; False when another refresh wrote the head meanwhile (read everything again)."""
    existing = {row["id"]: row["value"]["rev"] for row in db.id_range(PREFIX, include_docs=False)}
    old_head = db.get(HEAD_ID)
    firsts = [entry["first"] for entry in (old_head or {}).get("pieces", []) if isinstance(entry.get("first"), str)]
    state_serial, serial, rows = _read_rows(db)
    pieces = render_pieces(rows, firsts, **sizes)
    head = _head(serial, state_serial, pieces)
    report.projects, report.pieces = head["projects"], len(pieces)
    new = [_piece_doc(p) for p in pieces if piece_id(p) not in existing]
    for start in range(0, len(new), 20):
        for result in db.bulk_docs(new[start:start + 20]):
            if result.get("ok"):
                report.written += 1
            elif result.get("error") != "conflict":  # conflict: the same content is there already
                raise CouchError(500, str(result.get("error")), str(result.get("reason")), "write index pieces")
    if old_head is None or {k: v for k, v in old_head.items() if k != "_rev"} != head:
        if old_head is not None:
            head["_rev"] = old_head["_rev"]
        [result] = db.bulk_docs([head])
        if result.get("error") == "conflict":
            return False
        if not result.get("ok"):
            raise CouchError(500, str(result.get("error")), str(result.get("reason")), "write the index head")
        report.head_written = True
    named = {entry["id"] for entry in head["pieces"]}
    stale = [{"_id": doc_id, "_rev": rev, "_deleted": True} for doc_id, rev in existing.items()
             if doc_id != HEAD_ID and doc_id not in named]
    for result in db.bulk_docs(stale):
        if result.get("ok"):
            report.deleted += 1
    return True


def refresh_simple_index(database: Database | DatabaseURL | str, **sizes: int) -> IndexReport:
    """Render the index from simple_projects and write the pieces that changed, then the head."""
    started = time.perf_counter()
    location = database.location if isinstance(database, Database) else (
        parse_database_url(database) if isinstance(database, str) else database)
    db = Database(location, timeout=VIEW_TIMEOUT, max_wait=VIEW_TIMEOUT)
    report = IndexReport()
    for attempt in range(1, ATTEMPTS + 1):
        if _write_once(db, report, sizes):
            break
        log.info("simple index: the head changed meanwhile (another refresh), attempt %d", attempt)
    report.seconds = time.perf_counter() - started
    log.info("simple index: %d projects in %d pieces, %d written, %d deleted in %.1f s", report.projects,
             report.pieces, report.written, report.deleted, report.seconds)
    return report


def refresh_after_run(db: Database, changed: bool) -> IndexReport | None:
    """What the importer calls when a run is complete: render again when the run wrote or deleted
    anything, when there is no index yet, or when the sync state's serial moved since (the
    index's ``_last-serial``). A failure is logged, not raised: ``/simple/`` then serves the
    previous index, or the view's, and the next run renders again."""
    try:
        head = db.get(HEAD_ID)
        state = db.get(STATE_ID)
        if changed or head is None or head.get("state_serial") != (state or {}).get("last_serial"):
            return refresh_simple_index(db)
    except CouchError as exc:
        if exc.status == 404:
            log.info("simple index: no CouchApp views in %s, nothing rendered", db)
        else:
            log.warning("simple index not rendered (/simple/ serves an earlier one, or the view's): %s", exc)
    except CouchUnavailable as exc:
        log.warning("simple index not rendered (/simple/ serves an earlier one, or the view's): %s", exc)
    return None


def iter_text(head: dict[str, Any], pieces: dict[str, dict[str, Any]], kind: str) -> Iterator[str]:
    """The fragments of one kind ('html' or 'json') in the head's order (for tools and tests)."""
    for entry in head["pieces"]:
        yield pieces[entry["id"]][kind]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pypioncouch.simple_index http://host:5984/pypi", file=sys.stderr)
        return 2
    report = refresh_simple_index(args[0])
    print(f"simple index: {report.projects} projects in {report.pieces} pieces, {report.written} written, "
          f"{report.deleted} deleted in {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
