"""Benchmark: the Simple index `/simple/`, served from the pieces the importer renders
(pypioncouch.simple_index, lists/simple_index_pieces), against the list that builds it from
every project (`simple/index/from-projects/`, what `/simple/` was) and a static file of the
same bytes served by Python's http.server (the floor).

For each scale (10,000 and 100,000 projects by default; ``BENCH_SIMPLE_INDEX_PROJECTS=10000``
for a quick run) and each server: project documents with PyPI-shaped names (the vocabulary of
bench/pypi_shape.py) and serials, and a sync state, written with `_bulk_docs`; the view
`simple_projects` built by a first query (not timed with the pages); the first rendering of
the pieces; then the warm median of each answer, HTML and JSON, the 304 of a revalidation,
and the rerendering after one new project and after nothing changed. The pieced answer is
checked byte for byte against the fallback's. `run()` returns the Markdown section;
`python -m bench.bench_simple_index` prints it.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.emulator import vocabulary as vocab
from pypioncouch.names import normalize
from pypioncouch.simple_index import refresh_simple_index

from .bench_simple import median_seconds, static_server
from .servers import LABELS, bench_server, bench_server_kinds, install_app

SCALES = [int(n) for n in os.environ.get("BENCH_SIMPLE_INDEX_PROJECTS", "10000,100000").split(",") if n.strip()]
BATCH = 5_000
PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
MEDIA = (("JSON (pip's Accept)", PIP_ACCEPT), ("HTML", "text/html"))


def project_docs(projects: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = []
    for i in range(projects):
        words = rng.sample(vocab.WORDS, 2)
        name = f"{rng.choice(vocab.PREFIXES)}{words[0]}{rng.choice(vocab.SEPARATORS)}{words[1]}-{i:x}"
        doc_id = normalize(name)
        docs.append({"_id": doc_id, "type": "project", "schema": 1, "name": name, "versions": ["1.0"],
                     "info": {"name": name, "version": "1.0"}, "last_serial": 20_000_000 + rng.randrange(10_000_000)})
    return docs


def _repeats(seconds: float) -> int:
    return 3 if seconds > 2 else (5 if seconds > 0.2 else 10)


def _get(session: requests.Session, url: str, accept: str, **headers: str) -> requests.Response:
    response = session.get(url, headers={"Accept": accept, **headers}, timeout=3600, allow_redirects=False)
    if response.status_code not in (200, 304):
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return response


def measure_scale(server: Any, projects: int, workdir: Path) -> dict[str, Any]:
    db = Database(parse_database_url(f"{server.url}/bench-simple-index-{projects}"), timeout=3600, max_wait=3600)
    db.create()
    docs = project_docs(projects)
    for start in range(0, len(docs), BATCH):
        results = db.bulk_docs(docs[start:start + BATCH])
        if not all(r.get("ok") for r in results):
            raise RuntimeError([r for r in results if not r.get("ok")][:3])
    db.put({"_id": "pypioncouch:state", "type": "state", "last_serial": 31_000_000})
    install_app(server, db)
    started = time.perf_counter()
    db.view("pypi", "simple_projects", limit=0)
    view_build = time.perf_counter() - started
    db.view("pypi", "simple_index", limit=0)
    first = refresh_simple_index(db)
    base = f"{db.url}/_design/pypi/_rewrite/"
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    rows = []
    for label, accept in MEDIA:
        pieced = _get(session, base + "simple/", accept)
        started = time.perf_counter()
        try:
            built = _get(session, base + "simple/index/from-projects/", accept)
        except RuntimeError as exc:  # CouchDB: the list past os_process_timeout
            old: float | str = f"failed after {time.perf_counter() - started:.0f} s: {str(exc).split(': ', 1)[1][:80]}"
        else:
            once = time.perf_counter() - started
            if pieced.content != built.content or pieced.status_code != 200:
                raise RuntimeError(f"{label}: the pieced answer differs from the fallback's")
            try:
                old = median_seconds(lambda: _get(session, base + "simple/index/from-projects/", accept), _repeats(once))
            except RuntimeError as exc:
                old = f"failed on a repeat (first took {once:.1f} s): {str(exc).split(': ', 1)[1][:80]}"
        new = median_seconds(lambda: _get(session, base + "simple/", accept), 10)
        etag = pieced.headers["ETag"]
        revalidated = median_seconds(lambda: _get(session, base + "simple/", accept, **{"If-None-Match": etag}), 10)
        static_dir = workdir / f"{server.kind}-{projects}-{len(rows)}"
        static_dir.mkdir(parents=True)
        (static_dir / "index.html").write_bytes(pieced.content)
        with static_server(static_dir) as static_url:
            floor = median_seconds(lambda: _get(session, static_url + "/index.html", accept), 10)
        rows.append({"media": label, "bytes": len(pieced.content), "old": old, "new": new, "revalidated": revalidated,
                     "static": floor})
    db.put({"_id": "zzz-bench-new-project", "type": "project", "schema": 1, "name": "zzz-bench-new-project",
            "versions": [], "info": {}, "last_serial": 31_000_001})
    one_new = refresh_simple_index(db)
    unchanged = refresh_simple_index(db)
    db.request("DELETE", db.url, what="drop benchmark database", ok=(200, 202, 404))
    return {"server": LABELS[server.kind], "projects": projects, "view_build": view_build, "first": first,
            "one_new": one_new, "unchanged": unchanged, "rows": rows}


def measure() -> list[dict[str, Any]]:
    results = []
    for kind in bench_server_kinds():
        with tempfile.TemporaryDirectory(prefix="bench-simple-index-") as workdir, \
                bench_server(kind, Path(workdir)) as server:
            for projects in SCALES:
                results.append(measure_scale(server, projects, Path(workdir)))
                print(markdown(results[-1:], 0), file=sys.stderr, flush=True)  # progress, and figures kept
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def markdown(results: list[dict[str, Any]], seconds: float) -> str:
    lines = [
        "## The Simple index `/simple/` (pre-rendered pieces)",
        "",
        "`/simple/` concatenates the pieces the importer renders at the end of a run "
        "(pypioncouch.simple_index, docs/browsing.md); `simple/index/from-projects/` is the list over "
        "`simple_projects` that `/simple/` was (one row a project into the list), kept as the fallback; "
        "the static file is the same bytes from Python's http.server. Warm medians, uncompressed, "
        "loopback; the pieced answer checked byte for byte against the fallback's. Project documents "
        "with PyPI-shaped names and a serial each (the index reads nothing else).",
        "",
        "| server | projects | answer | bytes | from every project (before) | from pieces (now) | 304 | static file |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            lines.append(f"| {result['server']} | {result['projects']:,} | {row['media']} | {row['bytes']:,} | "
                         f"{_ms(row['old']) if isinstance(row['old'], float) else row['old']} | {_ms(row['new'])} | {_ms(row['revalidated'])} | {_ms(row['static'])} |")
    lines += ["", "Rendering the pieces (importer side):", "",
              "| server | projects | view build (first query) | first rendering | pieces | after one new project | nothing changed |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        first, one, same = result["first"], result["one_new"], result["unchanged"]
        lines.append(f"| {result['server']} | {result['projects']:,} | {result['view_build']:.1f} s | "
                     f"{first.seconds:.1f} s | {first.pieces} | {one.seconds:.1f} s ({one.written} piece written, "
                     f"{one.deleted} deleted) | {same.seconds:.1f} s ({same.written} written) |")
    load = os.getloadavg()[0]
    lines += ["", f"Run time {seconds / 60:.1f} min; load average at the end {load:.1f} on {os.cpu_count()} cores."]
    return "\n".join(lines)


def run() -> str:
    started = time.perf_counter()
    results = measure()
    return markdown(results, time.perf_counter() - started)


if __name__ == "__main__":
    print(run())
