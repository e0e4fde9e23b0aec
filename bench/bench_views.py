"""Benchmark: building the browsing views, and rendering the heaviest browsing pages.

1. Build time of the CouchApp's browsing views (browse_facets, browse_tallies) over
   10,000 projects / 100,000 releases, next to the same server building a trivial view
   (`emit(doc._id, null)` for every document) over the same documents in the same run:
   the floor any view over these documents costs.
2. The tallies (pypioncouch.tallies): the importer's recount of every count the pages show,
   from browse_tallies, after the views are built; then again with nothing changed.
3. Render time of the listing pages that read the most rows (home, classifier tree,
   indexes with counts, feeds), median of repeated requests once the views are built,
   and the rows each page's list read (`rows_read` of its JSON rendering).

The documents come from `generate_dataset` payloads through `build_project_documents`
(descriptions rendered as at import) and are written with `_bulk_docs` directly.
Runs on the embedded PouchDB Server and, where a release is installed, on Apache CouchDB
3.x (bench/servers.py), one after the other on the same documents, on loopback. `run()` returns the Markdown section for
docs/benchmarks.md; `python -m bench.bench_views` prints it.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.tallies import refresh_tallies

from pypioncouch.couch import parse_database_url

from .servers import LABELS, bench_server, bench_server_kinds, install_app

# 10,000 projects / 100,000 releases. PouchDB Server builds views at ~1,000 documents/s per
# view, so this run takes about 8 minutes on 2 cores; BENCH_VIEWS_PROJECTS=2000 for a quick one.
PROJECTS = int(os.environ.get("BENCH_VIEWS_PROJECTS", "10000"))
RELEASES_PER_PROJECT = 10
BATCH = 2_000
REPEATS = 3
TRIVIAL_VIEW = "function (doc) { emit(doc._id, null); }"
BROWSING_VIEWS = ("browse_facets", "browse_tallies")


def build_documents(projects: int) -> tuple[list[dict[str, Any]], int, int]:
    """Every document of the generated projects, and how many projects and releases."""
    dataset = generate_dataset(projects=projects, releases_per_project=RELEASES_PER_PROJECT, files_per_release=1)
    urls = UrlPolicy("https://files.example")
    docs: list[dict[str, Any]] = []
    releases = 0
    for project in dataset.projects.values():
        payload = json_api_project(project, urls)
        if payload is None:
            continue
        built = build_project_documents(payload)
        releases += sum(1 for doc in built.releases if doc["type"] == "release")
        docs.extend(built.all())
    return docs, sum(1 for doc in docs if doc["type"] == "project"), releases


def write(db: Database, docs: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        results = db.bulk_docs(docs[start:start + BATCH])
        if not all(result.get("ok") for result in results):
            raise RuntimeError(f"bulk write failed: {[r for r in results if not r.get('ok')][:3]}")
    return time.perf_counter() - started


def build_seconds(db: Database, design: str, view: str) -> tuple[float, int]:
    """Time for the first query of a view (it builds the index), and its row count."""
    started = time.perf_counter()
    params: dict[str, Any] = {"limit": 0}
    if view == "browse_tallies":
        params["reduce"] = False  # total_rows, not the reduction
    result = db.view(design, view, **params)
    return time.perf_counter() - started, result.get("total_rows", 0)


def page_seconds(url: str) -> tuple[float, int, int | None]:
    """Median seconds of REPEATS requests, the body size (views are built already: nothing is
    cached between requests, PouchDB Server evaluates the functions every time), and the rows
    the page's list read (its JSON rendering's `rows_read`; None for a feed or an older CouchApp)."""
    with requests.Session() as session:
        times, size = [], 0
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = session.get(url, timeout=600)
            times.append(time.perf_counter() - started)
            response.raise_for_status()
            size = len(response.content)
        rows_read = None
        if not url.endswith(".xml"):
            rows_read = session.get(url, headers={"Accept": "application/json"}, timeout=600).json().get("rows_read")
    return statistics.median(times), size, rows_read


def heaviest_pages(db: Database) -> list[tuple[str, str]]:
    """(what it reads, path) for the listing pages that read the most rows."""
    busiest_classifier = max(
        db.view("pypi", "browse_tallies", startkey=["classifier"], endkey=["classifier", {}], group_level=2)["rows"],
        key=lambda row: row["value"])["key"][1]
    return [
        ("home: totals, latest releases, newest projects", ""),
        ("classifier tree, top level, with counts", "classifiers/"),
        (f"classifier tree under {busiest_classifier}", "classifiers/under/?name=" + requests.utils.quote(busiest_classifier)),
        ("authors index with counts, first page", "authors/"),
        ("keywords index with counts, first page", "keywords/"),
        (f"projects of the commonest classifier ({busiest_classifier})", "classifier/?name=" + requests.utils.quote(busiest_classifier)),
        ("all projects, first page", "projects/"),
        ("latest releases feed (rss/updates.xml)", "rss/updates.xml"),
        ("newest projects feed (rss/packages.xml)", "rss/packages.xml"),
        ("one project page (show)", "project/" + db.view("pypi", "browse_facets", startkey=["project", ""], limit=1)["rows"][0]["key"][1] + "/"),
    ]


def measure_on(kind: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Write ``docs`` into a new database on a server of ``kind``, then build the views and time the pages."""
    with tempfile.TemporaryDirectory(prefix="bench-views-") as workdir, bench_server(kind, Path(workdir)) as server:
        # CouchDB answers 500 (timeout) to a view query while the index is still being built past a
        # minute: the first query of each view is asked again until the index answers.
        db = Database(parse_database_url(f"{server.url}/bench-views"), timeout=1800, max_wait=3600)
        db.create()
        written = write(db, docs)
        # Design docs after the documents: CouchDB's background indexer (ken) would otherwise build
        # the views while the documents are written, and the first query would time only what is left.
        install_app(server, db)
        db.put({"_id": "_design/trivial", "views": {"all": {"map": TRIVIAL_VIEW}}})
        builds = [("trivial (`emit(doc._id, null)`)", *build_seconds(db, "trivial", "all"))]
        builds += [(view, *build_seconds(db, "pypi", view)) for view in BROWSING_VIEWS]
        first, again = refresh_tallies(db), refresh_tallies(db)
        tallies = {"seconds": first.seconds, "documents": first.written, "again": again.seconds,
                   "again_written": again.written}
        base = f"{db.url}/_design/pypi/_rewrite/"
        pages = [(what, path, *page_seconds(base + path)) for what, path in heaviest_pages(db)]
    return {"server": LABELS[kind], "written": written, "builds": builds, "tallies": tallies, "pages": pages}


def measure(projects: int = PROJECTS) -> dict[str, Any]:
    started = time.perf_counter()
    docs, project_count, release_count = build_documents(projects)
    prepared = time.perf_counter() - started
    runs = [measure_on(kind, docs) for kind in bench_server_kinds()]
    return {"docs": len(docs), "projects": project_count, "releases": release_count, "prepared": prepared,
            "runs": runs, "seconds": time.perf_counter() - started}


def markdown(m: dict[str, Any]) -> str:
    docs = m["docs"]
    lines = [
        "## Browsing views and pages (bench/bench_views.py)",
        "",
        f"Method: {m['projects']:,} generated projects with {m['releases']:,} releases ({docs:,} documents, built by "
        f"`build_project_documents` from `generate_dataset` payloads in {m['prepared']:.0f} s), written with "
        "`_bulk_docs` into a new database on each server in turn, the same documents. Each view is built by its "
        "first query; the trivial view runs first, over the same documents, on the same server, in the same run. "
        f"Pages: median of {REPEATS} requests, views already built.",
        "",
        "| server | view | build time | documents/s | rows | vs trivial view |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for run in m["runs"]:
        trivial = run["builds"][0][1]
        for name, seconds, rows in run["builds"]:
            lines.append(f"| {run['server']} | {name} | {seconds:.1f} s | {docs / seconds:,.0f} | {rows:,} | "
                         f"{seconds / trivial:.2f}x |")
    lines += [""]
    for run in m["runs"]:
        trivial, mine = run["builds"][0][1], sum(seconds for _, seconds, _ in run["builds"][1:])
        lines.append(f"- {run['server']}: documents written in {run['written']:.0f} s; both browsing views "
                     f"{mine:.1f} s, {mine / trivial:.1f}x the trivial view.")
    lines += [
        "",
        "PouchDB Server builds each view in its own pass over every document, so most of a view's time is "
        "reading the documents. CouchDB builds all views of a design document in one pass (the first query "
        "of one builds its siblings too, so the second browsing view's figure there is only what was left).",
        "",
        "Tallies (`pypioncouch.tallies`, what the importer runs after each run that wrote something): every "
        "count recounted from `browse_tallies` at group_level 2, compared with the tally documents, the "
        "changed ones written.",
        "",
        "| server | first count | tally documents written | count again, nothing changed |",
        "|---|---:|---:|---:|",
    ]
    for run in m["runs"]:
        t = run["tallies"]
        lines.append(f"| {run['server']} | {t['seconds']:.1f} s | {t['documents']:,} | {t['again']:.1f} s "
                     f"({t['again_written']} written) |")
    lines += [
        "",
        "| page | reads | " + " | ".join(f"{run['server']} | rows read" for run in m["runs"]) + " | size |",
        "|---|---|" + "---:|---:|" * len(m["runs"]) + "---:|",
    ]
    for index, (what, path, _, size, _) in enumerate(m["runs"][0]["pages"]):
        cells = " | ".join(f"{run['pages'][index][2] * 1000:,.0f} ms | "
                           + ("" if run["pages"][index][4] is None else f"{run['pages'][index][4]:,}")
                           for run in m["runs"])
        lines.append(f"| `/{path}` | {what} | {cells} | {size / 1024:,.1f} KiB |")
    lines += [
        "",
        "Every page reads one key range of `browse_facets` (map only) with a limit: the rows its list reads "
        "are its page size, whatever the number of projects. Counts come from the tally documents; no page "
        "reads a reduce, which PouchDB Server computes by reading every row of the key range.",
        "",
        f"Whole benchmark: {m['seconds']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def run() -> str:
    return markdown(measure())


if __name__ == "__main__":
    print(run())
