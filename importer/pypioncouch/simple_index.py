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
a piece that passes ``MAX_BYTES`` is cut, as its rows are read, into one of about
``TARGET_BYTES`` and the rest, and one below ``MIN_BYTES`` is merged into the one before it.
A refresh holds a piece or two, never the whole index: at PyPI's 900,000 names the rows alone
would be some 200 MB. A new, changed or removed project rewrites the one piece
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
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from .couch import CouchError, Database, DatabaseURL, parse_database_url
from .derived import command, refresh_logged

__all__ = ["refresh_simple_index", "refresh_after_run", "iter_pieces", "render_pieces", "project_html", "project_json",
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


def _assigned(rows: Iterable[tuple[str, Any, Any]], firsts: list[str], max_bytes: int,
              target_bytes: int) -> Iterator[_Piece]:
    """The rows, in their order, into the pieces that start at ``firsts``: a row moves on to the
    next piece once it reaches that piece's first id. Only ever forward, so the pieces hold the
    rows in the view's order even where Python's string order is not the server's.

    A piece that passes ``max_bytes`` as its rows come in is cut: its first ``target_bytes``
    become a piece, the rest goes on as a new piece starting at its first row. Each piece comes
    out as soon as it is complete, so at most ``max_bytes`` of rows are held, whatever the size
    of the index (the first refresh has no boundaries at all). Boundaries no row reaches come
    out empty."""
    bounds = firsts[1:]
    current, sizes, size, k = _Piece(""), [], 0, 0
    for row in rows:
        while k < len(bounds) and row[0] >= bounds[k]:
            yield _render(current)
            current, sizes, size, k = _Piece(bounds[k]), [], 0, k + 1
        current.rows.append(row)
        sizes.append(_row_bytes(row))
        size += sizes[-1]
        while size > max_bytes and len(sizes) > 1:
            cut, taken = 0, 0
            while cut < len(sizes) - 1 and taken < target_bytes:
                taken, cut = taken + sizes[cut], cut + 1
            yield _render(_Piece(current.first, current.rows[:cut]))
            current, sizes, size = _Piece(current.rows[cut][0], current.rows[cut:]), sizes[cut:], size - taken
    yield _render(current)
    for first in bounds[k:]:
        yield _render(_Piece(first))


def _merged_small(pieces: Iterable[_Piece], min_bytes: int, max_bytes: int) -> Iterator[_Piece]:
    """An empty piece, or one below ``min_bytes`` (or after one), joins the piece before it where
    the two fit in ``max_bytes``; only the piece before is held."""
    last: _Piece | None = None
    for piece in pieces:
        if last is not None and (not piece.rows or piece.bytes < min_bytes or last.bytes < min_bytes) \
                and last.bytes + piece.bytes <= max_bytes:
            last.rows.extend(piece.rows)
            _render(last)
            continue
        if last is not None:
            yield last
        last = piece
    if last is not None:
        yield last


def _row_bytes(row: tuple[str, Any, Any]) -> int:
    return len(project_html(row[1]).encode("utf-8", "surrogatepass")) + \
        len(project_json(row[1], row[2]).encode("utf-8", "surrogatepass")) + 1


def _without_empty(pieces: Iterable[_Piece]) -> Iterator[_Piece]:
    """The pieces that hold rows, the first starting at ``""``; with none, one empty piece."""
    first: _Piece | None = None
    given = False
    for piece in pieces:
        first = first or piece
        if piece.rows:
            if not given:
                piece.first = ""
            given = True
            yield piece
    if not given and first is not None:
        first.first = ""
        yield first


def iter_pieces(rows: Iterable[tuple[str, Any, Any]], firsts: list[str], *, max_bytes: int = MAX_BYTES,
                target_bytes: int = TARGET_BYTES, min_bytes: int = MIN_BYTES) -> Iterator[_Piece]:
    """The pieces of these rows (id, display name, serial), in order, keeping the boundaries
    ``firsts`` of the pieces before where sizes allow. Each stage holds a piece or two, never
    the whole index: the rows are read from the view as the pieces are made and written."""
    return _without_empty(_merged_small(_assigned(rows, firsts, max_bytes, target_bytes), min_bytes, max_bytes))


def render_pieces(rows: Iterable[tuple[str, Any, Any]], firsts: list[str], **sizes: int) -> list[_Piece]:
    """``iter_pieces`` as a list (for tools and tests)."""
    return list(iter_pieces(rows, firsts, **sizes))


class _ViewRows:
    """simple_projects read in pages as the pieces are made; once read through, ``state_serial``
    (None without one: the [0] row's value) and ``serial``, the index's ``_last-serial`` as
    lib/simple_page.js index() computes it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.state_serial: Any = None
        self._has_state = False
        self._newest: Any = None

    @property
    def serial(self) -> Any:
        return self.state_serial if self._has_state and self.state_serial is not None else self._newest

    def __iter__(self) -> Iterator[tuple[str, Any, Any]]:
        params: dict[str, Any] = {"limit": PAGE_ROWS + 1}
        while True:
            page = self.db.view("pypi", "simple_projects", **params)["rows"]
            for row in page[:PAGE_ROWS]:
                if row["key"][0] == 0:
                    self._has_state, self.state_serial = True, row["value"]
                    continue
                name, serial = (list(row["value"]) + [None, None])[:2]
                if isinstance(serial, (int, float)) and not isinstance(serial, bool) and \
                        (self._newest is None or serial > self._newest):
                    self._newest = serial
                yield row["id"], name, serial
            if len(page) <= PAGE_ROWS:
                return
            params["startkey"] = page[PAGE_ROWS]["key"]


def _entry(piece: _Piece) -> dict[str, Any]:
    return {"id": piece_id(piece), "first": piece.first, "projects": len(piece.rows), "bytes": piece.bytes}


def _head(serial: Any, state_serial: Any, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"_id": HEAD_ID, "type": "simple_index", "schema": 1, "serial": serial, "state_serial": state_serial,
            "projects": sum(entry["projects"] for entry in entries), "pieces": entries}


def _piece_doc(piece: _Piece) -> dict[str, Any]:
    return {"_id": piece_id(piece), "type": "simple_index_piece", "schema": 1, "projects": len(piece.rows),
            "html": piece.html, "json": piece.json}


def _write_pieces(db: Database, docs: list[dict[str, Any]], report: IndexReport) -> None:
    if not docs:
        return
    for result in db.bulk_docs(docs):
        if result.get("ok"):
            report.written += 1
        elif result.get("error") != "conflict":  # conflict: the same content is there already
            raise CouchError(500, str(result.get("error")), str(result.get("reason")), "write index pieces")


def _write_once(db: Database, report: IndexReport, sizes: dict[str, int]) -> bool:
    """One refresh; False when another refresh wrote the head meanwhile (read everything again).

    New pieces are written as they are made, 20 a request, and let go: what is held is the
    head's entries, not the index."""
    existing = {row["id"]: row["value"]["rev"] for row in db.id_range(PREFIX, include_docs=False)}
    old_head = db.get(HEAD_ID)
    firsts = [entry["first"] for entry in (old_head or {}).get("pieces", []) if isinstance(entry.get("first"), str)]
    rows = _ViewRows(db)
    entries: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for piece in iter_pieces(rows, firsts, **sizes):
        entries.append(_entry(piece))
        if entries[-1]["id"] not in existing:
            new.append(_piece_doc(piece))
        if len(new) == 20:
            _write_pieces(db, new, report)
            new = []
    _write_pieces(db, new, report)
    head = _head(rows.serial, rows.state_serial, entries)
    report.projects, report.pieces = head["projects"], len(entries)
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
    def refresh(db: Database) -> IndexReport | None:
        head, state = db.get(HEAD_ID), db.get(STATE_ID)
        if changed or head is None or head.get("state_serial") != (state or {}).get("last_serial"):
            return refresh_simple_index(db)
        return None
    return refresh_logged(db, refresh, log=log, no_views="simple index: no CouchApp views in %s, nothing rendered",
                          failed="simple index not rendered (/simple/ serves an earlier one, or the view's)")


def iter_text(head: dict[str, Any], pieces: dict[str, dict[str, Any]], kind: str) -> Iterator[str]:
    """The fragments of one kind ('html' or 'json') in the head's order (for tools and tests)."""
    for entry in head["pieces"]:
        yield pieces[entry["id"]][kind]


def main(argv: list[str] | None = None) -> int:
    return command(argv, "simple_index", refresh_simple_index, lambda report: (
        f"simple index: {report.projects} projects in {report.pieces} pieces, {report.written} written, "
        f"{report.deleted} deleted in {report.seconds:.1f} s"))


if __name__ == "__main__":
    raise SystemExit(main())
