"""Benchmark: the project page, release page, release history and project feed of the largest projects.

For projects shaped like PyPI's (a median one, botocore's ~1,900 releases, and 6,000 and 9,475
releases: the largest history in the 10,000-project scale set and on PyPI), on each server
(bench/servers.py), median of repeated requests:

- the page as the CouchApp serves it, next to the same bytes as a static file (Python's
  http.server) and to two floors: a GET of the project document, and a show that only parses
  that document in the query server (what any page over it costs before it renders anything);
- with ``BENCH_PAGES_BEFORE=<git revision>``, the same pages from that revision's design
  document, pushed beside this one into the same database (``_design/before``): a before and
  after in one run.

`run()` returns the Markdown section for docs/benchmarks.md; `python -m bench.bench_project_pages`
prints it.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from pypioncouch.couch import Database
from pypioncouch.designdoc import export_design_doc
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.servers import AnyServer

from .bench_json_api import _commit, _f, _getter, median_ms, write
from .bench_simple import static_server
from .servers import LABELS, bench_server, bench_server_kinds, new_app_database

# (label, releases, files per release)
PROJECTS = [("median: 4 releases × 2", 4, 2), ("botocore-like: 1,900 × 2", 1_900, 2),
            ("6,000 releases × 2", 6_000, 2), ("PyPI's most: 9,475 × 1", 9_475, 1)]
REPEATS = 7
PARSE_ONLY = {
    "_id": "_design/bench-parse", "language": "javascript",
    "shows": {"parse": "function (doc, req) { return {body: String(doc ? (doc.release_history || []).length : 0)}; }"},
}
BEFORE_ID = "_design/before"


def _pages(name: str, latest: str, middle: str, releases: int) -> list[tuple[str, str]]:
    last = -(-releases // 100)
    return [("project page", f"project/{name}/"), ("project page, JSON", f"project/{name}/?format=json"),
            ("release page, latest", f"project/{name}/{latest}/"), ("release page, a middle one", f"project/{name}/{middle}/"),
            ("release history, last page", f"project/{name}/history/" + (f"{last}/" if last > 1 else "")),
            ("project feed", f"rss/project/{name}/releases.xml")]


def before_design_doc(revision: str) -> dict[str, Any]:
    """The design document of ``revision``'s couchapp/ folder, under ``BEFORE_ID``."""
    archive = subprocess.run(["git", "archive", revision, "couchapp"], capture_output=True, check=True,
                             cwd=Path(__file__).resolve().parent.parent).stdout
    with tempfile.TemporaryDirectory(prefix="bench-pages-before-") as tmp:
        tarfile.open(fileobj=io.BytesIO(archive)).extractall(tmp)
        doc = export_design_doc(Path(tmp) / "couchapp")
    doc["_id"] = BEFORE_ID
    doc.pop("_rev", None)
    doc.pop("validate_doc_update", None)  # one guard is enough
    return doc


def measure(server: AnyServer, workdir: Path, before: str | None) -> list[dict[str, Any]]:
    db = new_app_database(server, "bench-project-pages")
    db.put(dict(PARSE_ONLY))
    if before:
        db.put(before_design_doc(before))
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    base, rows = f"{server.base_url}/{db.location.name}", []
    pid = server.process.pid if server.process else None
    for index, (label, releases, files) in enumerate(PROJECTS):
        project = next(iter(generate_dataset(projects=1, releases_per_project=releases, files_per_release=files,
                                             seed=300 + index)))
        payload = json_api_project(project, UrlPolicy("https://files.pythonhosted.org"))
        write(db, build_project_documents(payload).all())
        name, latest = project.normalized, payload["info"]["version"]
        middle = sorted(payload["releases"])[len(payload["releases"]) // 2]
        floors = {"document GET": median_ms(_getter(session, f"{db.url}/{name}"), REPEATS),
                  "show parsing it": median_ms(_getter(session, f"{db.url}/_design/bench-parse/_show/parse/{name}"),
                                               REPEATS)}
        static_dir = workdir / server.kind / name
        static_dir.mkdir(parents=True)
        for key, path in _pages(name, latest, middle, releases):
            url = f"{base}/_design/pypi/_rewrite/{path}"
            body = _getter(session, url)()
            (static_dir / "page").write_bytes(body)
            with static_server(static_dir) as static_url:
                static = median_ms(_getter(session, f"{static_url}/page"), REPEATS)
            cpu: dict[str, float] = {}
            row = {"server": LABELS[server.kind], "project": label, "page": key, "bytes": len(body),
                   "served": median_ms(_getter(session, url), REPEATS, cpu, "served", pid), "static": static,
                   "cpu": cpu.get("served", 0.0), **floors}
            if before and not path.startswith(f"project/{name}/history/"):
                old = _getter(session, f"{base}/{BEFORE_ID}/_rewrite/{path}")
                row["before bytes"] = len(old())
                row["before"] = median_ms(old, REPEATS)
            rows.append(row)
    return rows


def markdown(rows: list[dict[str, Any]], seconds: float, load: float, started_at: float, before: str | None) -> str:
    servers = " and ".join(dict.fromkeys(row["server"] for row in rows))
    lines = [
        "## Project and release pages of the largest projects (`bench/bench_project_pages.py`)",
        "",
        f"{servers}; one generated project per row group, documents as the importer writes them; median of "
        f"{REPEATS} requests on one keep-alive session, uncompressed, after one not counted. *Static*: the same "
        "bytes from Python's `http.server`. *Floors*: a GET of the project document, and a show that only "
        "parses it in the query server. *Server CPU*: the server's processes' CPU time per request, from /proc.",
        f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started_at))}, commit `{_commit()}`, load average "
        f"{load:.1f} on {os.cpu_count()} cores when it started."
        + (f" *Before*: the same page from the design document of commit `{before}`, in the same database."
           if before else ""),
        "",
        "| server | project | page | bytes | **served** | static | served / static | server CPU | floors: document GET / show parsing it |"
        + (" before (bytes) |" if before else ""),
        "|---|---|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if before else ""),
    ]
    for r in rows:
        line = (f"| {r['server']} | {r['project']} | {r['page']} | {r['bytes']:,} | **{_f(r['served'])} ms** | "
                f"{_f(r['static'])} ms | {r['served'] / r['static']:.1f}x | {_f(r['cpu'])} ms | "
                f"{_f(r['document GET'])} / {_f(r['show parsing it'])} ms |")
        if before:
            line += (f" {_f(r['before'])} ms ({r['before bytes']:,}) |" if "before" in r else " (new page) |")
        lines.append(line)
    lines += ["", f"Whole benchmark: {seconds:.0f} s.", ""]
    return "\n".join(lines)


def run() -> str:
    started, load, started_at = time.perf_counter(), os.getloadavg()[0], time.time()
    before = os.environ.get("BENCH_PAGES_BEFORE") or None
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-project-pages-") as tmp:
        for kind in bench_server_kinds():
            with bench_server(kind, Path(tmp)) as server:
                rows += measure(server, Path(tmp), before)
    return markdown(rows, time.perf_counter() - started, load, started_at, before)


if __name__ == "__main__":
    print(run())
