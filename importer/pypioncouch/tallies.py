"""The counts the browsing pages show, kept in tally documents.

PouchDB Server answers a grouped reduce by reading every row of its key range, so a
page that read counts from a reduce (the home page's totals, the classifier tree, the
indexes of authors, maintainers and keywords) took time growing with the database:
15.5 s for the home page at 10,000 projects (docs/browsing.md). Pages read these
documents instead, through ``browse_facets`` rows, one page of rows with a limit.

``refresh_tallies(db)`` recounts everything from the view ``browse_tallies``
(``_count``, which CouchDB answers from its B-tree) and writes only the tally
documents whose content changed:

- ``pypioncouch:tally:home``: totals of projects and releases, and the newest projects;
- ``pypioncouch:tally:<kind>:<n>`` for author, maintainer, keyword: bucket ``n`` of
  ``buckets`` (values spread by CRC-32, about ``BUCKET_VALUES`` and at most a few
  ``BUCKET_BYTES`` a bucket, so a change rewrites a few small documents), ``counts``
  ``{value: projects}``;
- ``pypioncouch:tally:classifier:<n>``: the same with ``{level: [projects, has children]}``.

They are recounted, never incremented: any writer computes the same documents from the same
data, so two refreshes at once, or a replication conflict, leave a snapshot that was true
(the next refresh writes the newer one), and nothing is ever lost or counted twice. The
importer refreshes after every run that wrote something; a node that gets its data by
replication gets the origin's tallies with it (a filtered mirror leaves ``pypioncouch:``
documents behind and runs ``python -m pypioncouch.tallies URL`` itself).
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from .couch import CouchError, Database, DatabaseURL, parse_database_url
from .derived import command, refresh_logged

__all__ = ["refresh_tallies", "refresh_after_run", "tally_documents", "kind_documents", "home_document",
           "TallyReport", "TALLY_PREFIX", "NEWEST", "BUCKET_VALUES"]

log = logging.getLogger(__name__)

TALLY_PREFIX = "pypioncouch:tally:"
HOME_ID = TALLY_PREFIX + "home"
FACET_KINDS = ("author", "maintainer", "keyword", "classifier")
NEWEST = 10  # the home page's newest projects
BUCKET_VALUES = 1000
BUCKET_BYTES = 256 * 1024
# A first refresh after a big import waits for the views to be built (PouchDB Server: ~1,000
# documents a second per view), far longer than any other request; CouchDB answers such a query
# with a 500 (timeout) after a while, and the client asks again until the index answers.
VIEW_TIMEOUT = 6 * 3600.0
ATTEMPTS = 3


@dataclass
class TallyReport:
    written: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: float = 0.0


def _size(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass")) + 16


def _bucket(value: str, buckets: int) -> int:
    return zlib.crc32(value.encode("utf-8", "surrogatepass")) % buckets


def _spread(values: dict[str, Any]) -> list[dict[str, Any]]:
    """``values`` in the fewest buckets (a power of two) holding about BUCKET_VALUES values and
    BUCKET_BYTES each, never four times that: PyPI's author fields run to 65,536 characters, and
    a document must stay far below CouchDB's 8 MB."""
    total = sum(_size(value) for value in values)
    buckets = 1
    while buckets * BUCKET_VALUES < len(values) or buckets * BUCKET_BYTES < total:
        buckets *= 2
    while True:
        shards: list[dict[str, Any]] = [{} for _ in range(buckets)]
        sizes = [0] * buckets
        for value, count in values.items():
            number = _bucket(value, buckets)
            shards[number][value] = count
            sizes[number] += _size(value)
        if max(sizes) <= 4 * BUCKET_BYTES:
            return shards
        buckets *= 2


def _has_children(levels: Iterable[str]) -> set[str]:
    """Levels with a level below them: "A :: B" makes "A" a parent."""
    return {level.rsplit(" :: ", 1)[0] for level in levels if " :: " in level}


def home_document(totals: dict[str, int], newest: list[list[Any]]) -> dict[str, Any]:
    """The home tally: totals, and the newest projects as [id, display name, version, summary, created]."""
    return {"_id": HOME_ID, "type": "tally", "kind": "home", "projects": totals.get("projects", 0),
            "releases": totals.get("releases", 0), "newest": newest}


def kind_documents(kind: str, counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The tally documents (without revisions) of one kind's ``{value: projects}``, by id."""
    values: dict[str, Any] = counts
    if kind == "classifier":
        parents = _has_children(counts)
        values = {value: [count, value in parents] for value, count in counts.items()}
    shards = _spread(values)
    return {f"{TALLY_PREFIX}{kind}:{number:04d}": {
                "_id": f"{TALLY_PREFIX}{kind}:{number:04d}", "type": "tally", "kind": kind, "bucket": number,
                "buckets": len(shards), "counts": shard}
            for number, shard in enumerate(shards) if shard}


def tally_documents(counts: dict[str, dict[str, int]], totals: dict[str, int],
                    newest: list[list[Any]]) -> dict[str, dict[str, Any]]:
    """Every tally document for these counts (kind -> {value: projects}), by id."""
    docs = {HOME_ID: home_document(totals, newest)}
    for kind in FACET_KINDS:
        docs.update(kind_documents(kind, counts.get(kind, {})))
    return docs


def _grouped(db: Database, first: Any) -> Iterator[tuple[Any, int]]:
    """(value, count) of every [first, value] group of browse_tallies (CouchDB reads them off its
    B-tree; PouchDB Server walks the rows of this range, so all kinds cost one walk of the view)."""
    rows = db.view("pypi", "browse_tallies", startkey=[first], endkey=[first, {}], group_level=2)["rows"]
    return ((row["key"][1], row["value"]) for row in rows if len(row["key"]) == 2)


def _read_newest(db: Database) -> list[list[Any]]:
    rows = db.view("pypi", "browse_facets", startkey=["new", {}], endkey=["new"], descending=True,
                   limit=NEWEST)["rows"]
    return [list(row["value"]) + [row["key"][1]] for row in rows]


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key != "_rev"}


def _write_changed(db: Database, prefix: str, desired: dict[str, dict[str, Any]], report: TallyReport) -> int:
    """Write the documents of ``desired`` that differ from those under ``prefix``, delete the
    others there; the number of conflicts (another refresh wrote them meanwhile)."""
    existing = {row["id"]: row["doc"] for row in db.id_range(prefix) if row.get("doc")}
    docs, unchanged = [], 0
    for doc_id, doc in desired.items():
        old = existing.get(doc_id)
        if old is not None and _content(old) == doc:
            unchanged += 1
        else:
            docs.append(dict(doc, _rev=old["_rev"]) if old is not None else doc)
    docs += [{"_id": doc_id, "_rev": old["_rev"], "_deleted": True} for doc_id, old in existing.items()
             if doc_id not in desired]
    results = db.bulk_docs(docs)
    failed = [r for r in results if not r.get("ok") and r.get("error") != "conflict"]
    if failed:
        raise CouchError(500, str(failed[0].get("error")), str(failed[0].get("reason")), f"write tallies {prefix}")
    conflicts = {r["id"] for r in results if r.get("error") == "conflict"}
    report.unchanged += unchanged
    for doc in docs:
        if doc["_id"] not in conflicts:
            if doc.get("_deleted"):
                report.deleted += 1
            else:
                report.written += 1
    return len(conflicts)


def _refresh_part(db: Database, prefix: str, count: Any, report: TallyReport) -> None:
    """Count (``count()`` gives the desired documents) and write one part, again on conflicts:
    another refresh wrote meanwhile, and counting again reads data at least as new as its."""
    for attempt in range(1, ATTEMPTS + 1):
        conflicts = _write_changed(db, prefix, count(), report)
        if not conflicts:
            return
        log.info("tallies %s: %d conflicts (another refresh at the same time), attempt %d", prefix, conflicts, attempt)


def refresh_tallies(database: Database | DatabaseURL | str) -> TallyReport:
    """Recount and write the tally documents that changed (none when nothing did), one kind at
    a time: no more than one kind's counts are held at once."""
    started = time.perf_counter()
    location = database.location if isinstance(database, Database) else (
        parse_database_url(database) if isinstance(database, str) else database)
    db = Database(location, timeout=VIEW_TIMEOUT, max_wait=VIEW_TIMEOUT)
    report = TallyReport()
    for kind in FACET_KINDS:
        _refresh_part(db, f"{TALLY_PREFIX}{kind}:", lambda kind=kind: kind_documents(
            kind, {value: count for value, count in _grouped(db, kind) if isinstance(value, str)}), report)
    _refresh_part(db, HOME_ID, lambda: {HOME_ID: home_document(
        {str(name): count for name, count in _grouped(db, {})}, _read_newest(db))}, report)
    report.seconds = time.perf_counter() - started
    log.info("tallies: %d written, %d deleted, %d unchanged in %.1f s", report.written, report.deleted,
             report.unchanged, report.seconds)
    return report


def refresh_after_run(db: Database, changed: bool) -> TallyReport | None:
    """What the importer calls when a run is complete: recount when the run wrote or deleted
    anything, or when the database has no tallies yet. A failure is logged, not raised: the
    import itself is complete, and the next run that changes anything counts everything again."""
    def refresh(db: Database) -> TallyReport | None:
        return refresh_tallies(db) if changed or db.get(HOME_ID) is None else None
    return refresh_logged(db, refresh, log=log, no_views="tallies: no browsing views in %s, nothing counted",
                          failed="tallies not refreshed (the pages' counts are those of an earlier run)")


def main(argv: list[str] | None = None) -> int:
    return command(argv, "tallies", refresh_tallies, lambda report: (
        f"tallies: {report.written} written, {report.deleted} deleted, {report.unchanged} unchanged "
        f"in {report.seconds:.1f} s"))


if __name__ == "__main__":
    raise SystemExit(main())
